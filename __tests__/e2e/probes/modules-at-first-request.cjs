// Preloaded with `node --require` into a step: when the step makes its first HTTP request, writes
// the built-in modules node has loaded so far (process.moduleLoadList) to MODULES_PROBE_OUT.
// CommonJS, because --require runs before the ESM bundle and must patch node:http first.
const http = require('node:http')
const { writeFileSync } = require('node:fs')

const request = http.request
let recorded = false
http.request = function probedRequest(...args) {
  if (!recorded) {
    recorded = true
    writeFileSync(process.env.MODULES_PROBE_OUT, process.moduleLoadList.join('\n'))
  }
  return request.apply(this, args)
}

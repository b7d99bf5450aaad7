// The floor of the start-up benchmark: the least a program can do to send pipeline-relay's first
// request — the CodeArts start (POST .../run) with the same headers and a body of the same form — with
// node's own http module. It reads the same INPUT_* variables and is started the same way.
//
// http comes from process.getBuiltinModule, not `import`: on Node 24 an ESM import of node:http
// builds the module's namespace, whose lazy getters load undici (with crypto, tls, zlib, http2),
// about 50 ms on this machine. The floor is the least a program can do, so it does not pay that
// (pipeline-relay does not either: src/core/builtins.ts). On Node 20 both ways cost the same.
const { request } = process.getBuiltinModule('node:http')

const env = process.env
const url = new URL(`${env.INPUT_ENDPOINT}/v5/${env.INPUT_PROJECT_ID}/api/pipelines/${env.INPUT_PIPELINE_ID}/run`)
const body = JSON.stringify({ description: 'Started by the start-up floor [relay:0000000000]' })
const outgoing = request(url, {
  method: 'POST',
  headers: {
    'User-Agent': 'pipeline-relay',
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'X-Auth-Token': env.INPUT_TOKEN ?? '',
    'Content-Length': String(Buffer.byteLength(body))
  }
})
outgoing.on('response', incoming => incoming.resume())
outgoing.on('error', error => {
  process.stderr.write(`floor: ${error.message}\n`)
  process.exitCode = 1
})
outgoing.end(body)

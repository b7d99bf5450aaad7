import * as fs from 'node:fs'
import * as http from 'node:http'
import { cryptoModule, fsModule, httpModule } from '../../src/core/builtins.js'

test('the built-in modules are node’s own', () => {
  expect(fsModule().readFileSync).toBe(fs.readFileSync)
  expect(httpModule().request).toBe(http.request)
  expect(typeof cryptoModule().createHmac).toBe('function')
})

test('on a node without process.getBuiltinModule (before 20.16), one message says which node is needed', () => {
  const getBuiltinModule = process.getBuiltinModule
  Reflect.deleteProperty(process, 'getBuiltinModule')
  try {
    expect(() => fsModule()).toThrow(`pipeline-relay needs Node.js 20.16 or later; this is Node.js ${process.version}`)
  } finally {
    process.getBuiltinModule = getBuiltinModule
  }
})

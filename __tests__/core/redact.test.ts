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

describe('Redactor: forms a vendor echo can take (issue 12)', () => {
  const TOKEN = 'MIIaBc/DeF+gHi0123456789tOkEnVaLuE42xyz'

  test.each([
    ['upper case', TOKEN.toUpperCase()],
    ['lower case', TOKEN.toLowerCase()],
    ['URL-encoded, lower-case escapes, upper-cased letters', encodeURIComponent(TOKEN).toLowerCase()]
  ])('a copy in %s is masked', (_name, copy) => {
    expect(copy).not.toBe(TOKEN)
    expect(redactorWith(TOKEN).redact(`401: token ${copy} is invalid`)).toBe('401: token *** is invalid')
  })

  test('a secret with "/" echoed in JSON as "\\/" is masked', () => {
    const body = `{"error":"bad token ${TOKEN.replace(/\//g, '\\/')}"}`
    expect(body).toContain('\\/')
    expect(redactorWith(TOKEN).redact(body)).toBe('{"error":"bad token ***"}')
  })

  test('a form-encoded copy (space as "+") is masked', () => {
    const secret = 'pass word with spaces'
    expect(redactorWith(secret).redact('body: token=pass+word+with+spaces&x=1')).toBe('body: token=***&x=1')
  })

  test.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['LF and indentation', '\n      '],
    ['CRLF and a tab', '\r\n\t'],
    ['a JSON-escaped LF', '\\n'],
    ['a JSON-escaped CRLF and spaces', '\\r\\n  ']
  ])('a secret split by %s is masked, the text around it kept', (_name, lineBreak) => {
    const text = `Token:${lineBreak}${TOKEN.slice(0, 17)}${lineBreak}${TOKEN.slice(17)}${lineBreak}rejected`
    expect(redactorWith(TOKEN).redact(text)).toBe(`Token:${lineBreak}***${lineBreak}rejected`)
  })

  test('a secret wrapped at 76 columns, as in a MIME body, is masked whole', () => {
    const long = `${TOKEN}${'q'.repeat(120)}`
    const wrapped = (`Authorization: ${long}`.match(/.{1,76}/g) ?? []).join('\r\n')
    expect(wrapped.split('\r\n').length).toBe(3)
    expect(redactorWith(long).redact(`${wrapped}\r\nnext line`)).toBe('Authorization: ***\r\nnext line')
  })

  test('a secret with line breaks of its own is still masked', () => {
    const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END KEY-----'
    const redactor = redactorWith(pem)
    expect(redactor.redact(`key: ${pem} end`)).toBe('key: *** end')
    expect(redactor.redact(`{"key":${JSON.stringify(pem)}}`)).toBe('{"key":"***"}')
  })

  test('words on either side of a line break are not joined into a mask unless they make a secret', () => {
    const redactor = redactorWith(TOKEN)
    const text = `${TOKEN.slice(0, 10)}\nsomething else\n${TOKEN.slice(10)}`
    expect(redactor.redact(text)).toBe(text)
  })

  describe('base64 blobs', () => {
    const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

    const before = '{"registry":"r.example.com","password":"'
    const after = '","email":"a@b.c"}'

    test.each([0, 1])('a secret inside a base64 JSON document, after %i more bytes, masks the whole blob', shift => {
      const document = `${'x'.repeat(shift)}${before}${TOKEN}${after}`
      // Not on a 3-byte boundary: no form of the secret appears in the blob as it is.
      expect((shift + before.length) % 3).not.toBe(0)
      expect(redactorWith(TOKEN).redact(`{"config":"${b64(document)}","ok":true}`)).toBe('{"config":"***","ok":true}')
    })

    test('a secret on a 3-byte boundary inside a blob is masked as its own base64 form; the rest carries none of it', () => {
      const head = `xx${before}`
      expect(head.length % 3).toBe(0)
      expect(TOKEN.length % 3).toBe(0)
      const redacted = redactorWith(TOKEN).redact(`{"config":"${b64(`${head}${TOKEN}${after}`)}"}`)
      expect(redacted).toBe(`{"config":"${b64(head)}***${b64(after)}"}`)
    })

    test('base64url blobs and unpadded blobs are opened too', () => {
      const blob = Buffer.from(`user:${TOKEN}?`, 'utf8').toString('base64url')
      expect(blob).toMatch(/[-_]/)
      expect(redactorWith(TOKEN).redact(`jwt=${blob}.sig`)).toBe('jwt=***.sig')
    })

    test('a blob that holds a blob that holds the secret (a base64 Docker config) is masked', () => {
      const dockerConfig = JSON.stringify({ auths: { 'registry.example.com': { auth: b64(`robot:${TOKEN}`) } } })
      const text = `.dockerconfigjson: ${b64(dockerConfig)}`
      expect(redactorWith(TOKEN).redact(text)).toBe('.dockerconfigjson: ***')
    })

    test('a blob holding the secret URL-encoded or upper-cased is masked', () => {
      const redactor = redactorWith(TOKEN)
      expect(redactor.redact(`a ${b64(`q=${encodeURIComponent(TOKEN)}&r=1`)} b`)).toBe('a *** b')
      expect(redactor.redact(`a ${b64(`ECHO ${TOKEN.toUpperCase()}!`)} b`)).toBe('a *** b')
    })

    test('a blob glued to a path is masked with it, whatever its alignment', () => {
      for (const path of ['/v1/', '/v1/x', '/v1/xy', '/v1/xyz']) {
        expect(redactorWith(TOKEN).redact(`GET ${path}${b64(`{"tk":"${TOKEN}"}`)} 200`)).toBe('GET *** 200')
      }
    })

    test('a short secret is not looked for inside blobs, where noise would match it by chance', () => {
      const text = `id ${b64('x{"k":"abc12"}')} end`
      expect(redactorWith('abc12').redact(text)).toBe(text)
    })

    test('blobs and base64-looking words that hold no secret are left alone', () => {
      const text = `image ${b64('{"name":"app","tag":"1.2.3","digest":"sha256:abc"}')} sha 0123456789abcdef0123456789abcdef01234567 Build_And_Test_Stage_Number_One`
      expect(redactorWith(TOKEN).redact(text)).toBe(text)
    })
  })

  test('texts built to make a pattern backtrack are redacted in linear time', () => {
    const redactor = redactorWith(TOKEN, 'LTAI5tAbCdEfGhIjKlMnOp', '-----BEGIN\nKEY\n-----')
    const nearMisses = TOKEN.slice(0, -1).repeat(20_000)
    const breaks = `${'\n'.repeat(50_000)}${'x\r\n  \\n'.repeat(50_000)}`
    const words = 'abcdefgh '.repeat(50_000)
    for (const text of [nearMisses, breaks, words]) {
      const started = performance.now()
      expect(redactor.redact(text)).toBe(text)
      // Each is well under 100 ms; a pattern that backtracked would take minutes.
      expect(performance.now() - started).toBeLessThan(3000)
    }
  })
})

/**
 * GitLab's own CI schema (gitlab-org/gitlab app/assets/javascripts/editor/schema/ci.json), as the
 * gitlab-ci-local devDependency ships it, and a validator for it set up the way gitlab-ci-local
 * sets up its own (Ajv, draft-07, formats off, `markdownDescription` allowed).
 *
 * gitlab-ci-local publishes one bundled file, so the schema is read out of it: the object literal
 * whose $id is https://gitlab.com/.gitlab-ci.yml. It is the raw copy from GitLab, before the few
 * patterns gitlab-ci-local deletes at run time. Ajv is the one gitlab-ci-local depends on.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { runInNewContext } from 'node:vm'
import AjvModule, { type ErrorObject } from 'ajv'

const SCHEMA_ID = '$id:"https://gitlab.com/.gitlab-ci.yml"'

export function gitlabCiSchema(): Record<string, unknown> {
  const bundlePath = createRequire(import.meta.url).resolve('gitlab-ci-local')
  const bundle = readFileSync(bundlePath, 'utf8')
  const at = bundle.indexOf(SCHEMA_ID)
  if (at === -1) throw new Error(`GitLab's CI schema was not found in ${bundlePath}; has gitlab-ci-local changed how it ships it?`)
  const literal = bundle.slice(bundle.lastIndexOf('{', at), endOfObject(bundle, bundle.lastIndexOf('{', at)) + 1)
  // A plain object literal (minified: !0 for true); evaluated with nothing in scope.
  const schema = runInNewContext(`(${literal})`, {}) as Record<string, unknown>
  if (schema.$schema !== 'http://json-schema.org/draft-07/schema#' || typeof schema.definitions !== 'object') {
    throw new Error('What was read out of gitlab-ci-local is not the draft-07 GitLab CI schema')
  }
  return schema
}

/** The index of the brace that closes the object opening at `start`, skipping strings. */
function endOfObject(text: string, start: number): number {
  let depth = 0
  let quote: string | undefined
  for (let i = start; i < text.length; i++) {
    const char = text[i]
    if (quote !== undefined) {
      if (char === '\\') i++
      else if (char === quote) quote = undefined
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char
    } else if (char === '{') {
      depth++
    } else if (char === '}' && --depth === 0) {
      return i
    }
  }
  throw new Error('unbalanced braces around the GitLab CI schema')
}

export type Validate = (document: unknown) => string[]

/** Validates one YAML document (as a JS value) against the schema; returns the errors, none when valid. */
export function ciValidator(): Validate {
  // ajv is CommonJS: imported from ESM, the default export is the module, the class its `default`.
  const Ajv = AjvModule.default
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, validateFormats: false, strictTypes: false, keywords: ['markdownDescription'] })
  const validate = ajv.compile(gitlabCiSchema())
  return document => (validate(document) ? [] : (validate.errors ?? []).map(describe))
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword} (${error.schemaPath})`
}

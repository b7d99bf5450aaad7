import { formatDuration, parseDuration } from '../core/duration.js'
import type { Variable } from '../providers/types.js'
import { invalid, type InputName, type Read } from './names.js'

/** Parsers for the kinds of value inputs take: each throws one message naming the input. */

const MULTILINE_INPUTS: ReadonlySet<InputName> = new Set<InputName>(['variables', 'jobs', 'message'])

export function rejectControlCharacters(name: InputName, value: string): void {
  const allowed = MULTILINE_INPUTS.has(name) ? /[\t\n\r]/ : /\t/
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
    if (control && !allowed.test(char)) {
      const where = MULTILINE_INPUTS.has(name) ? '' : ' (line breaks included)'
      throw invalid(name, `contains a control character (U+${code.toString(16).padStart(4, '0').toUpperCase()}); control characters${where} are not allowed`)
    }
  }
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/

/** An https base URL, or http on loopback only (the emulators); no credentials, query or fragment. */
export function readEndpoint(text: string, input: 'endpoint' | 'console_url' | 'iam_endpoint' = 'endpoint'): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // Not echoed whole: whatever sits before an "@" may be a password.
    throw invalid(input, `"${text.replace(/\/\/[^/]*@/, '//***@')}" is not a URL; expected a base URL such as https://host[:port][/path]`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname))) {
    throw invalid(input, `must use https:// (http:// is accepted for loopback addresses only), not ${url.protocol}//`)
  }
  if (url.username !== '' || url.password !== '') throw invalid(input, 'must not carry credentials; pass them in their own inputs')
  if (url.search !== '' || url.hash !== '') throw invalid(input, 'must not have a query or fragment')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

export function readBoolean(read: Read, name: InputName): boolean {
  const value = read(name)
  // The YAML 1.2 core schema spellings, the ones @actions/core accepts.
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(name, `"${value}" is not a boolean; expected true or false`)
}

export function readDuration(read: Read, name: InputName, minMs: number, maxMs: number): number {
  const value = read(name)
  const ms = parseDuration(value)
  const form = 'a duration such as 90s, 30m, 2h or a number of seconds'
  if (ms === undefined) throw invalid(name, `"${value}" is not ${form}`)
  if (ms < minMs) throw invalid(name, `"${value}" is too short; the least is ${minMs >= 1000 ? formatDuration(minMs) : `${minMs}ms`}`)
  if (ms > maxMs) throw invalid(name, `"${value}" is too long; the most is ${formatDuration(maxMs)}`)
  return ms
}

export function readRefName(read: Read, name: 'branch' | 'tag'): string {
  const value = read(name)
  // git check-ref-format, in short: no spaces, no "..", none of ~^:?*[\ and no leading "-".
  if (/[\s~^:?*[\\]|\.\.|^-|\/$|\.lock$|@\{/.test(value)) throw invalid(name, `"${value}" is not a valid git ${name} name`)
  return value
}

export function parseList(read: Read, name: InputName): string[] {
  const items = read(name)
    .split(/[\n,]/)
    .map(item => item.trim())
    .filter(item => item !== '')
  for (const item of items) {
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(item)) throw invalid(name, `"${item}" is not an id; expected letters, digits, _ . : - (one per line or comma-separated)`)
  }
  return items
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/

/** `KEY=VALUE` lines (blank lines and # comments skipped) or a JSON object of scalars. */
export function parseVariables(text: string): Variable[] {
  if (text.trim() === '') return []
  const entries = /^[[{]/.test(text.trim()) ? variablesFromJson(text) : variablesFromLines(text)
  const seen = new Set<string>()
  for (const { name } of entries) {
    if (!VARIABLE_NAME.test(name)) throw invalid('variables', `"${name}" is not a variable name; expected a letter or _ followed by letters, digits, _ . -`)
    if (seen.has(name)) throw invalid('variables', `${name} is given twice`)
    seen.add(name)
  }
  return entries
}

function variablesFromJson(text: string): Variable[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid('variables', `is not valid JSON (${(error as Error).message}); expected a JSON object or KEY=VALUE lines`)
  }
  // CodeArts' own form, [{"name": ..., "value": ...}], is taken as well as an object.
  if (Array.isArray(parsed)) return parsed.map(variableFromPair)
  if (parsed === null || typeof parsed !== 'object') throw invalid('variables', 'must be a JSON object of names to values')
  return Object.entries(parsed as Record<string, unknown>).map(([name, value]) => {
    if (typeof value === 'string') return { name, value }
    if (typeof value === 'number' || typeof value === 'boolean') return { name, value: String(value) }
    throw invalid('variables', `the value of ${name} must be a string, number or boolean, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`)
  })
}

function variableFromPair(item: unknown): Variable {
  const pair = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {}
  if (typeof pair.name !== 'string' || !['string', 'number', 'boolean'].includes(typeof pair.value)) {
    throw invalid('variables', 'as a JSON array, each item must be {"name": "...", "value": "..."}')
  }
  return { name: pair.name, value: String(pair.value) }
}

function variablesFromLines(text: string): Variable[] {
  const variables: Variable[] = []
  for (const [index, rawLine] of text.split('\n').entries()) {
    const line = rawLine.replace(/\r$/, '')
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const equals = line.indexOf('=')
    if (equals < 0) throw invalid('variables', `line ${index + 1} has no "="; expected KEY=VALUE lines or a JSON object`)
    // Values are trimmed like the names (the input as a whole is trimmed anyway); JSON keeps edge spaces.
    variables.push({ name: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim() })
  }
  return variables
}

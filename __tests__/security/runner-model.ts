/**
 * A model of how the GitHub runner turns a step's stdout into workflow commands, written from
 * actions/runner (src/Runner.Common/ActionCommand.cs TryParseV2/TryParse and
 * src/Runner.Worker/ActionCommandManager.cs TryProcessCommand), so that a test can ask "which
 * commands would the runner execute from this output?" instead of grepping for `::`.
 *
 * What it models:
 * - lines: the runner reads stdout line by line (.NET ReadLine: \n, \r\n, and a lone \r end a line);
 * - the `::name props::data` form, after trimming leading white space as .NET's String.TrimStart()
 *   does (Char.IsWhiteSpace: not only space and tab, but NBSP, U+0085, U+2000–U+200A, U+3000…);
 * - the legacy `##[name props]data` form, found ANYWHERE in the line (IndexOf), tried when the
 *   `::` form does not parse;
 * - command names compared without regard to case; only registered names are commands;
 * - `stop-commands`: after it, nothing is a command until a line whose command name equals the
 *   token (in either form); the token is then unregistered again;
 * - the string searches that find `::` and `##[` (String.StartsWith/IndexOf(string)) are
 *   culture-sensitive, and with ICU they pass over default-ignorable characters (zero-width space,
 *   soft hyphen…): `::add-mask:\u200b:x` is an add-mask. Indices stay those of the real string, as
 *   in .NET, so an ignorable before the name's start leaves it unregistered.
 */

/** The command names the runner registers (ActionCommandManager plus its command extensions). */
export const REGISTERED = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-path',
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo'
] as const

export interface ExecutedCommand {
  /** Lower-cased command name (or the resume token, for a resume). */
  name: string
  properties: Record<string, string>
  data: string
  /** How the runner recognised it. */
  form: '::' | '##['
  /** The line had something before the command: leading white space (`::`) or any text (`##[`). */
  indented: boolean
  /** A line that ended a stop-commands. */
  resume?: boolean
  line: number
  raw: string
}

// .NET Char.IsWhiteSpace: Unicode Zs, Zl, Zp, plus U+0009–U+000D, U+0085.
const DOTNET_WHITE_SPACE = /^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u

/** Where `needle` matches `text` at `at`, passing over ignorable characters: the index after the match, or -1. */
function matchAt(text: string, needle: string, at: number): number {
  let t = at
  for (const char of needle) {
    while (t < text.length && IGNORABLE.test(text[t]!)) t++
    if (text[t] !== char) return -1
    t++
  }
  return t
}

/** String.IndexOf(string, start) under ICU: the first index (not an ignorable) where `needle` matches. */
function cultureIndexOf(text: string, needle: string, start = 0): number {
  for (let i = start; i < text.length; i++) if (!IGNORABLE.test(text[i]!) && matchAt(text, needle, i) >= 0) return i
  return -1
}

function unescape(text: string, mappings: readonly [string, string][]): string {
  let out = text
  for (const [token, replacement] of mappings) out = out.split(replacement).join(token)
  return out
}
const DATA: [string, string][] = [['\r', '%0D'], ['\n', '%0A'], ['%', '%25']]
const PROPERTY: [string, string][] = [['\r', '%0D'], ['\n', '%0A'], [':', '%3A'], [',', '%2C'], ['%', '%25']]
const LEGACY: [string, string][] = [[';', '%3B'], ['\r', '%0D'], ['\n', '%0A'], [']', '%5D'], ['%', '%25']]

function parseV2(line: string, registered: Set<string>): Omit<ExecutedCommand, 'line' | 'raw'> | undefined {
  const trimmed = line.replace(DOTNET_WHITE_SPACE, '')
  if (matchAt(trimmed, '::', 0) < 0) return undefined
  const end = cultureIndexOf(trimmed, '::', 2)
  if (end < 0) return undefined
  const info = trimmed.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info.slice(space + 1).trim().split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), PROPERTY)
    }
  }
  return { name, properties, data: unescape(trimmed.slice(end + 2), DATA), form: '::', indented: trimmed.length !== line.length || !trimmed.startsWith('::') }
}

function parseLegacy(line: string, registered: Set<string>): Omit<ExecutedCommand, 'line' | 'raw'> | undefined {
  const prefix = cultureIndexOf(line, '##[')
  if (prefix < 0) return undefined
  const rb = line.indexOf(']', prefix)
  if (rb < 0) return undefined
  const info = line.slice(prefix + 3, rb)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info.slice(space + 1).split(';').filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), LEGACY)
    }
  }
  return { name, properties, data: unescape(line.slice(rb + 1), LEGACY), form: '##[', indented: prefix > 0 }
}

/** The commands the runner would act on, in order, from a step's stdout. */
export function executedCommands(stdout: string): ExecutedCommand[] {
  const registered = new Set<string>(REGISTERED)
  const executed: ExecutedCommand[] = []
  let stopToken: string | undefined
  stdout.split(/\r\n|\r|\n/).forEach((raw, line) => {
    if (raw === '') return
    const command = parseV2(raw, registered) ?? parseLegacy(raw, registered)
    if (command === undefined) return
    if (stopToken !== undefined) {
      if (command.name === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase())
        stopToken = undefined
        executed.push({ ...command, resume: true, line, raw })
      }
      return
    }
    if (command.name === 'stop-commands') {
      // The runner refuses an empty token or one that is a command name (the job fails).
      stopToken = command.data
      registered.add(stopToken.toLowerCase())
    }
    executed.push({ ...command, line, raw })
  })
  return executed
}

const HARMLESS = new Set(['group', 'endgroup', 'error', 'warning', 'debug', 'notice'])

/**
 * Why each executed command is not one pipeline-relay emits legitimately, or [] when all are:
 * a command at the start of its line (we never indent one, and never use the legacy form), of a
 * harmless kind, `add-mask` only with one of `secrets`, `stop-commands` only with a token that
 * does not come from vendor text (`tainted`) and that is then resumed.
 */
export function illegitimateCommands(stdout: string, secrets: readonly string[], tainted: readonly string[] = []): string[] {
  const problems: string[] = []
  const commands = executedCommands(stdout)
  const open = new Set<string>()
  for (const command of commands) {
    const where = `line ${command.line + 1}: ${JSON.stringify(command.raw.slice(0, 400))}`
    if (command.form === '##[') problems.push(`legacy ##[${command.name}] command executed (${where})`)
    else if (command.indented) problems.push(`indented ::${command.name}:: command executed (${where})`)
    if (command.resume === true) {
      open.delete(command.name)
      continue
    }
    if (command.name === 'add-mask') {
      if (!secrets.includes(command.data)) problems.push(`add-mask of something that is not a credential (${where})`)
    } else if (command.name === 'stop-commands') {
      if (tainted.some(text => text !== '' && (command.data.includes(text) || text.includes(command.data)))) problems.push(`stop-commands with a vendor-chosen token (${where})`)
      open.add(command.data.toLowerCase())
    } else if (!HARMLESS.has(command.name)) {
      problems.push(`${command.name} executed (${where})`)
    }
  }
  for (const token of open) problems.push(`stop-commands never resumed: commands stay off for the rest of the job (token ${token.slice(0, 40)})`)
  return problems
}

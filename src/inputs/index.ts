import type { ProviderId } from '../providers/types.js'
import { readCommon } from './common.js'
import { rejectControlCharacters } from './fields.js'
import { CODEARTS_INPUTS, readCodeArts, type CodeArtsSettings } from './codearts.js'
import { YUNXIAO_INPUTS, readYunxiao, type YunxiaoSettings } from './yunxiao.js'
import { BKCI_INPUTS, readBkci, type BkciSettings } from './bkci.js'
import { CODEARTS_PAC_INPUTS, readCodeArtsPac, type CodeArtsPacSettings } from './codearts-pac.js'
import { COMMON_INPUTS, DEFAULTS, INPUT_NAMES, SECRET_INPUTS, invalid, type InputName, type InputSource } from './names.js'

/**
 * The only reader of inputs. Every input is read once, checked, and turned into a read-only,
 * typed Settings object; a bad input stops everything with one message that names the input and
 * the form it expects, before any request is sent.
 */

export { DEFAULTS, INPUT_NAMES, SECRET_INPUTS, invalid, type InputName, type InputSource } from './names.js'
export { OPERATIONS, LOGS_MODES, MAX_MESSAGE_LENGTH, type CommonSettings, type LogsMode, type Operation, type VariablesCheck } from './common.js'
export { looksLikeId, parseVariables, readEndpoint } from './fields.js'
export type { CodeArtsSettings, HuaweiCredentials } from './codearts.js'
export type { YunxiaoSettings } from './yunxiao.js'
export type { BkciSettings } from './bkci.js'
export type { CodeArtsPacSettings } from './codearts-pac.js'
export type { HuaweiProjectScope } from './huawei-scope.js'

/** One member per provider; later providers join the union. */
export type Settings = CodeArtsSettings | CodeArtsPacSettings | YunxiaoSettings | BkciSettings

const PROVIDERS_AVAILABLE = ['codearts', 'codearts-pac', 'yunxiao', 'bkci'] as const satisfies readonly ProviderId[]
type AvailableProvider = (typeof PROVIDERS_AVAILABLE)[number]

/** Inputs each provider reads beyond the common ones; any other provider-specific input is a mistake. */
const PROVIDER_INPUTS: Readonly<Record<AvailableProvider, readonly InputName[]>> = {
  codearts: CODEARTS_INPUTS,
  'codearts-pac': CODEARTS_PAC_INPUTS,
  yunxiao: YUNXIAO_INPUTS,
  bkci: BKCI_INPUTS
}

export function readSettings(source: InputSource, mask: (secret: string) => void): Settings {
  const raw = readAll(source, mask)
  const read = (name: InputName): string => raw.get(name) ?? ''
  const given = (name: InputName): boolean => read(name) !== ''

  const provider = read('provider')
  if (provider === '') throw invalid('provider', `is required: one of ${PROVIDERS_AVAILABLE.join(', ')}`)
  if (!isAvailable(provider)) throw invalid('provider', `"${provider}" is not a provider; expected one of ${PROVIDERS_AVAILABLE.join(', ')}`)

  const allowed = new Set<InputName>([...COMMON_INPUTS, ...PROVIDER_INPUTS[provider]])
  for (const name of INPUT_NAMES) {
    if (given(name) && !allowed.has(name)) throw invalid(name, `is not used by provider ${provider}; remove it`)
  }

  const common = readCommon(read, given, provider === 'codearts-pac' ? 'optional' : 'required')
  switch (provider) {
    case 'codearts':
      return readCodeArts(common, read, given)
    case 'codearts-pac':
      return readCodeArtsPac(common, read, given)
    case 'yunxiao':
      return readYunxiao(common, read, given)
    case 'bkci':
      return readBkci(common, read, given)
  }
}

function isAvailable(provider: string): provider is AvailableProvider {
  return (PROVIDERS_AVAILABLE as readonly string[]).includes(provider)
}

function readAll(source: InputSource, mask: (secret: string) => void): Map<InputName, string> {
  const values = new Map<InputName, string>()
  for (const name of INPUT_NAMES) {
    const value = source(name)
    if (SECRET_INPUTS.has(name) && value.trim() !== '') mask(value.trim())
    // Multi-line inputs keep their inner line breaks; everything else is one trimmed line.
    const text = value.trim()
    values.set(name, text === '' ? (DEFAULTS[name] ?? '') : text)
  }
  for (const [name, value] of values) rejectControlCharacters(name, value)
  return values
}


// Validates RunPipelineDTO against the documented schema (reference 1.2): required members,
// lengths and enums. A field given as null counts as absent (tf drops empty values; Java
// backends read null as absent). Unknown members are ignored.
import type { RunRequest, Variable } from '../runs/types.js'
import type { JsonObject } from './json-body.js'
import { type VendorError, invalidParameter } from './vendor-errors.js'

const GIT_TYPES = ['codehub', 'gitee', 'github', 'gitcode', 'gitlab']
const BUILD_TYPES = ['branch', 'tag']
const EVENT_TYPES = ['Manual', 'Scheduler', 'MR', 'Push', 'CreateTag', 'Issue', 'Note']
const MAX_DESCRIPTION = 1024
const MAX_VARIABLE_VALUE = 8192

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
const present = (v: unknown): boolean => v !== undefined && v !== null

function stringList(body: JsonObject, field: string): string[] | VendorError {
  const value = body[field]
  if (!present(value)) return []
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
    return invalidParameter(`${field} must be an array of strings`)
  }
  return value
}

function checkEnum(value: unknown, allowed: string[], field: string): VendorError | undefined {
  if (!present(value)) return undefined
  if (typeof value !== 'string' || !allowed.includes(value)) {
    return invalidParameter(`${field} must be one of ${allowed.join(', ')}`)
  }
  return undefined
}

function checkSource(source: unknown, i: number): VendorError | undefined {
  const at = `sources[${i}]`
  if (!isObject(source)) return invalidParameter(`${at} must be an object`)
  if (typeof source.type !== 'string' || source.type === '') return invalidParameter(`${at}.type is required`)
  if (!present(source.params)) return undefined
  const params = source.params
  if (!isObject(params)) return invalidParameter(`${at}.params must be an object`)
  for (const field of ['git_type', 'git_url']) {
    if (typeof params[field] !== 'string' || params[field] === '') return invalidParameter(`${at}.params.${field} is required`)
  }
  const badGitType = checkEnum(params.git_type, GIT_TYPES, `${at}.params.git_type`)
  if (badGitType) return badGitType
  if (!present(params.build_params)) return undefined
  const build = params.build_params
  if (!isObject(build)) return invalidParameter(`${at}.params.build_params must be an object`)
  if (!present(build.build_type)) return invalidParameter(`${at}.params.build_params.build_type is required`)
  return (
    checkEnum(build.build_type, BUILD_TYPES, `${at}.params.build_params.build_type`) ??
    checkEnum(build.event_type, EVENT_TYPES, `${at}.params.build_params.event_type`)
  )
}

function variables(body: JsonObject): Variable[] | VendorError {
  const value = body.variables
  if (!present(value)) return []
  if (!Array.isArray(value)) return invalidParameter('variables must be an array')
  const out: Variable[] = []
  for (const [i, v] of value.entries()) {
    if (!isObject(v) || typeof v.name !== 'string' || v.name === '' || typeof v.value !== 'string') {
      return invalidParameter(`variables[${i}] needs a string name and a string value`)
    }
    if (v.value.length > MAX_VARIABLE_VALUE) {
      return invalidParameter(`variables[${i}].value is longer than ${MAX_VARIABLE_VALUE} characters`)
    }
    out.push({ name: v.name, value: v.value })
  }
  return out
}

export function parseRunRequest(body: JsonObject): RunRequest | VendorError {
  let sources: unknown[] = []
  if (present(body.sources)) {
    if (!Array.isArray(body.sources)) return invalidParameter('sources must be an array')
    for (const [i, s] of body.sources.entries()) {
      const bad = checkSource(s, i)
      if (bad) return bad
    }
    sources = body.sources
  }
  let description = ''
  if (present(body.description)) {
    if (typeof body.description !== 'string') return invalidParameter('description must be a string')
    if (body.description.length > MAX_DESCRIPTION) {
      return invalidParameter(`description is longer than ${MAX_DESCRIPTION} characters`)
    }
    description = body.description
  }
  const vars = variables(body)
  if (!Array.isArray(vars)) return vars
  const chooseJobs = stringList(body, 'choose_jobs')
  if (!Array.isArray(chooseJobs)) return chooseJobs
  const chooseStages = stringList(body, 'choose_stages')
  if (!Array.isArray(chooseStages)) return chooseStages
  return { sources, description, variables: vars, chooseJobs, chooseStages }
}

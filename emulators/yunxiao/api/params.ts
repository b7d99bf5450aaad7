// `params` of StartPipelineRun / CreatePipelineRun: a JSON *string* holding an object with the
// keys of reference §1.3. The stricter readings: string values only in the maps, unknown keys
// kept but not applied, and `version` refused as an env name in any letter case (the document:
// "`version` is a reserved word and cannot be used as a variable name").
import { Problem } from './problems.js'
import type { RunParams } from '../runs/types.js'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const MAP_KEYS = ['envs', 'runningBranchs', 'runningTags', 'runningPipelineArtifacts', 'runningAcrArtifacts', 'runningPackagesArtifacts'] as const
const KNOWN_KEYS = new Set<string>([...MAP_KEYS, 'branchModeBranchs', 'comment', 'needCreateBranch', 'releaseBranch'])

export const emptyParams = (): RunParams => ({
  envs: {},
  branchModeBranchs: [],
  runningBranchs: {},
  runningTags: {},
  runningPipelineArtifacts: {},
  runningAcrArtifacts: {},
  runningPackagesArtifacts: {},
  unknownKeys: []
})

function stringMap(value: unknown, key: string): Record<string, string> | Problem {
  if (!isObject(value)) return new Problem('bad-params', `params.${key} must be an object of strings`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return new Problem('bad-params', `params.${key}.${k} must be a string`)
    out[k] = v
  }
  return out
}

/** `text` is undefined when the request carried no params at all: the pipeline's defaults run. */
export function parseParams(text: string | undefined): RunParams | Problem {
  const params = emptyParams()
  if (text === undefined) return params
  params.raw = text
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return new Problem('bad-params', 'params is not valid JSON text')
  }
  if (!isObject(value)) return new Problem('bad-params', 'params must be the JSON text of an object')
  for (const key of MAP_KEYS) {
    if (value[key] === undefined) continue
    const map = stringMap(value[key], key)
    if (map instanceof Problem) return map
    params[key] = map
  }
  if (Object.keys(params.envs).some((name) => name.toLowerCase() === 'version')) {
    return new Problem('bad-params', '"version" is a reserved word and cannot be used as a variable name')
  }
  const branches = value.branchModeBranchs
  if (branches !== undefined) {
    if (!Array.isArray(branches) || !branches.every((b) => typeof b === 'string')) {
      return new Problem('bad-params', 'params.branchModeBranchs must be an array of strings')
    }
    params.branchModeBranchs = branches
  }
  for (const key of ['comment', 'releaseBranch'] as const) {
    const v = value[key]
    if (v === undefined) continue
    if (typeof v !== 'string') return new Problem('bad-params', `params.${key} must be a string`)
    params[key] = v
  }
  if (value.needCreateBranch !== undefined) {
    if (typeof value.needCreateBranch !== 'boolean') return new Problem('bad-params', 'params.needCreateBranch must be a boolean')
    params.needCreateBranch = value.needCreateBranch
  }
  params.unknownKeys = Object.keys(value).filter((k) => !KNOWN_KEYS.has(k))
  return params
}

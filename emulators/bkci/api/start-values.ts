// The start body: a flat JSON object of string values (§3.4). Only variables declared on the
// trigger container are taken; constants keep their defaults; a few BK_CI_* keys are honoured
// undeclared (§1.4). A non-string value is refused (Jackson would coerce numbers: refusing is the
// stricter reading, "send strings").
import { receivedHeader } from '../../shared/api-types.js'
import type { ApiRequest } from '../../shared/api-types.js'
import type { Build } from '../builds/types.js'
import type { BkciPipelineConfig } from '../options.js'
import { type BkciError, badBody, requiredParamEmpty } from './errors.js'

/** Keys honoured even when the pipeline does not declare them. */
export const SPECIAL_KEYS = ['BK_CI_BUILD_MSG', 'BK_CI_MATERIAL_ID', 'BK_CI_MATERIAL_NAME', 'BK_CI_MATERIAL_URL', 'BK_CI_PIPELINE_NAME']

/** Emulator choice: the message of a build started without BK_CI_BUILD_MSG. */
export const DEFAULT_BUILD_MSG = 'Triggered by OpenAPI'

export function readStartBody(request: ApiRequest): Record<string, string> | BkciError {
  const text = request.body.toString('utf8')
  // The document: the body is the map of startup values, `{}` if none.
  if (text.trim() === '') return badBody('the startup values are missing: send a JSON object ({} when there are none)')
  const contentType = receivedHeader(request.headers, 'content-type') ?? ''
  if (!/^application\/json\b/i.test(contentType)) return badBody(`Content-Type must be application/json, got '${contentType}'`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return badBody('the body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return badBody('the startup values must be a JSON object')
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return badBody(`the value of ${k} must be a string`)
    out[k] = v
  }
  return out
}

export interface ResolvedStart {
  values: Record<string, string>
  ignoredValues: Record<string, string>
  buildMsg: string
  material?: Build['material']
}

export function resolveStartValues(pipeline: BkciPipelineConfig, body: Record<string, string>): ResolvedStart | BkciError {
  const values: Record<string, string> = {}
  const ignoredValues: Record<string, string> = {}
  const declared = new Map((pipeline.params ?? []).map((p) => [p.id, p]))
  for (const p of declared.values()) {
    values[p.id] = !p.constant && Object.hasOwn(body, p.id) ? (body[p.id] ?? '') : (p.defaultValue ?? '')
    // parseTriggerParam: valueNotEmpty (not `required`, the start-form flag) makes an empty value an error.
    if (p.valueNotEmpty && values[p.id] === '') return requiredParamEmpty(p.id)
  }
  for (const [k, v] of Object.entries(body)) {
    const param = declared.get(k)
    if (param && !param.constant) continue
    if (!param && SPECIAL_KEYS.includes(k)) {
      values[k] = v
      continue
    }
    ignoredValues[k] = v
  }
  const resolved: ResolvedStart = { values, ignoredValues, buildMsg: body.BK_CI_BUILD_MSG || DEFAULT_BUILD_MSG }
  const m: NonNullable<Build['material']> = {}
  if (body.BK_CI_MATERIAL_ID !== undefined) m.id = body.BK_CI_MATERIAL_ID
  if (body.BK_CI_MATERIAL_NAME !== undefined) m.name = body.BK_CI_MATERIAL_NAME
  if (body.BK_CI_MATERIAL_URL !== undefined) m.url = body.BK_CI_MATERIAL_URL
  if (Object.keys(m).length > 0) resolved.material = m
  return resolved
}

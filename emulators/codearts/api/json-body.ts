// A POST must carry a JSON body: without one the service answers PARSE_REQUEST_DATA_EXCEPTION
// (reference 1.2 "Real-world POST quirk", 1.6). The content type is checked too, as the
// service's request parser would (emulator's stricter reading: the SDK always sends it).
import type { ApiRequest } from './api-types.js'
import { type VendorError, parseRequestData } from './vendor-errors.js'

export type JsonObject = Record<string, unknown>

export function readJsonObject(request: ApiRequest): JsonObject | VendorError {
  const text = request.body.toString('utf8')
  if (text.trim() === '') return parseRequestData('Required request body is missing')
  const contentType = String(request.headers['content-type'] ?? '')
  if (!/application\/json/i.test(contentType)) {
    return parseRequestData(`Content type '${contentType}' not supported, use application/json`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return parseRequestData(`JSON parse error: ${(e as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return parseRequestData('JSON parse error: the request body must be a JSON object')
  }
  return value as JsonObject
}

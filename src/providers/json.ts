/**
 * Reading vendor JSON without trusting its shape: a missing or mistyped field becomes undefined
 * (or empty), never an exception deep inside a provider.
 */
export type JsonRecord = Record<string, unknown>

export function record(value: unknown): JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {}
}

export function arrayOf(value: unknown): JsonRecord[] {
  return Array.isArray(value) ? value.map(record) : []
}

/** A non-empty string; numbers are accepted as their decimal text (ids often come as either). */
export function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** A number, also from a string of digits. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}

/** An epoch time in ms: a positive number, also from digits (vendors write 0 for "not yet"). */
export function timeOf(value: unknown): number | undefined {
  const time = numberOf(value)
  return time === undefined || time <= 0 ? undefined : time
}

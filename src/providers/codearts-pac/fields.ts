import { arrayOf, numberOf, stringOf, type JsonRecord } from '../json.js'

/**
 * The v6 detail answer is documented in snake_case on the current pages and in camelCase on an
 * older one (reference/huawei-codearts.md §3, "Field casing"): every field is read both ways.
 */
export function field(record: JsonRecord, snakeName: string): unknown {
  const camelName = snakeName.replace(/_([a-z])/g, (_all, letter: string) => letter.toUpperCase())
  return record[snakeName] ?? record[camelName]
}

export function textField(record: JsonRecord, snakeName: string): string | undefined {
  return stringOf(field(record, snakeName))
}

export function listField(record: JsonRecord, snakeName: string): JsonRecord[] {
  return arrayOf(field(record, snakeName))
}

// CodeArts writes "yyyy-MM-dd HH:mm:ss" in China Standard Time when a time is a string of that form.
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/

/** The v6 times are strings: epoch milliseconds as digits, a local time, or an ISO time. */
export function timeField(record: JsonRecord, snakeName: string): number | undefined {
  const value = field(record, snakeName)
  const number = numberOf(value)
  if (number !== undefined) return number > 0 ? number : undefined
  const text = stringOf(value)
  if (text === undefined) return undefined
  const local = LOCAL_TIME.exec(text)
  if (local !== null) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as [number, number, number, number, number, number, number]
    return Date.UTC(y, mo - 1, d, h - 8, mi, s)
  }
  const parsed = Date.parse(text)
  return Number.isNaN(parsed) ? undefined : parsed
}

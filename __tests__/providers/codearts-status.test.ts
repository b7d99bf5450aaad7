import { PART_STATUS, RUN_STATUS, partStatus, runStatus } from '../../src/providers/codearts/status.js'
import type { PartStatus, Status } from '../../src/providers/types.js'

// reference/huawei-codearts.md §1.3
const DOCUMENTED_RUN = ['COMPLETED', 'RUNNING', 'FAILED', 'CANCELED', 'PAUSED', 'SUSPEND', 'IGNORED'] as const
const DOCUMENTED_PART = [
  'INIT',
  'QUEUED',
  'RUNNING',
  'CANCELED',
  'COMPLETED',
  'FAILED',
  'SKIPPED',
  'IGNORED',
  'PAUSED',
  'SUSPEND',
  'ASYNC_RUNNING',
  'ASYNC_FAILED',
  'UNSELECTED',
  'REDISPATCH'
] as const

const STATUSES: readonly Status[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'timed_out', 'unknown']
const PART_STATUSES: readonly PartStatus[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'skipped', 'unknown']

describe('CodeArts run status', () => {
  test('the documented list has 7 values', () => {
    expect(new Set(DOCUMENTED_RUN).size).toBe(7)
  })

  test.each(DOCUMENTED_RUN)('%s maps to exactly one known normalized status', raw => {
    const entry = RUN_STATUS[raw]
    expect(entry).toBeDefined()
    expect(STATUSES).toContain(entry!.status)
    expect(entry!.status).not.toBe('unknown')
    expect(entry!.status).not.toBe('timed_out')
    expect(runStatus(raw)).toEqual(entry)
  })

  test('the table holds the documented values and only INIT and QUEUED besides', () => {
    const extra = Object.keys(RUN_STATUS).filter(key => !(DOCUMENTED_RUN as readonly string[]).includes(key))
    expect(extra.sort()).toEqual(['INIT', 'QUEUED'])
  })

  test.each<[string, Status, boolean]>([
    ['COMPLETED', 'succeeded', true],
    ['RUNNING', 'running', false],
    ['FAILED', 'failed', true],
    ['CANCELED', 'canceled', true],
    ['PAUSED', 'waiting', false],
    ['SUSPEND', 'waiting', false],
    ['IGNORED', 'canceled', true],
    ['INIT', 'queued', false],
    ['QUEUED', 'queued', false]
  ])('%s is %s, terminal %s', (raw, status, terminal) => {
    expect(runStatus(raw)).toEqual({ status, terminal })
  })

  test('the terminal set is COMPLETED, FAILED, CANCELED and IGNORED', () => {
    const terminal = Object.entries(RUN_STATUS)
      .filter(([, meaning]) => meaning.terminal)
      .map(([raw]) => raw)
    expect(terminal.sort()).toEqual(['CANCELED', 'COMPLETED', 'FAILED', 'IGNORED'])
  })

  test('terminal and non-terminal statuses never share a normalized status', () => {
    const terminal = new Set(Object.values(RUN_STATUS).filter(m => m.terminal).map(m => m.status))
    const open = new Set(Object.values(RUN_STATUS).filter(m => !m.terminal).map(m => m.status))
    for (const status of terminal) expect(open.has(status)).toBe(false)
  })

  test('values are read case-insensitively', () => {
    expect(runStatus('completed')).toEqual({ status: 'succeeded', terminal: true })
    expect(runStatus('Paused')).toEqual({ status: 'waiting', terminal: false })
  })

  test.each(['ABORTED', 'SUCCESS', 'DONE', '', ' RUNNING', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    '%j is unknown and not terminal',
    raw => {
      expect(runStatus(raw)).toEqual({ status: 'unknown', terminal: false })
    }
  )
})

describe('CodeArts stage and job status', () => {
  test('the documented list has 14 values', () => {
    expect(new Set(DOCUMENTED_PART).size).toBe(14)
  })

  test('the table holds exactly the 14 documented values', () => {
    expect(Object.keys(PART_STATUS).sort()).toEqual([...DOCUMENTED_PART].sort())
  })

  test.each(DOCUMENTED_PART)('%s maps to exactly one known normalized status', raw => {
    const entry = PART_STATUS[raw]
    expect(entry).toBeDefined()
    expect(PART_STATUSES).toContain(entry!.status)
    expect(entry!.status).not.toBe('unknown')
    expect(partStatus(raw)).toBe(entry!.status)
  })

  test.each<[string, PartStatus, boolean]>([
    ['INIT', 'queued', false],
    ['QUEUED', 'queued', false],
    ['REDISPATCH', 'queued', false],
    ['RUNNING', 'running', false],
    ['ASYNC_RUNNING', 'running', false],
    ['PAUSED', 'waiting', false],
    ['SUSPEND', 'waiting', false],
    ['COMPLETED', 'succeeded', true],
    ['FAILED', 'failed', true],
    ['ASYNC_FAILED', 'failed', true],
    ['CANCELED', 'canceled', true],
    ['SKIPPED', 'skipped', true],
    ['IGNORED', 'skipped', true],
    ['UNSELECTED', 'skipped', true]
  ])('%s is %s, terminal %s', (raw, status, terminal) => {
    expect(PART_STATUS[raw]).toEqual({ status, terminal })
    expect(partStatus(raw.toLowerCase())).toBe(status)
  })

  test('the statuses shared with the run level mean the same at both levels, except IGNORED', () => {
    for (const raw of Object.keys(RUN_STATUS)) {
      if (raw === 'IGNORED') continue
      expect(PART_STATUS[raw]).toEqual(RUN_STATUS[raw])
    }
  })

  test.each(['ABORTED', 'WAITING', '', 'constructor', '__proto__'])('%j is unknown', raw => {
    expect(partStatus(raw)).toBe('unknown')
  })
})

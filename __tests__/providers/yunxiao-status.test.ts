import { PART_STATUS, RUN_STATUS, atManualGate, partStatus, runMeaning, runStatus } from '../../src/providers/yunxiao/status.js'
import type { PartStatus, Status } from '../../src/providers/types.js'

// reference/aliyun-yunxiao.md §2: every value seen, by level.
const SEEN_AT_RUN_LEVEL = ['RUNNING', 'SUCCESS', 'FAIL', 'CANCELED', 'WAITING'] as const
const SEEN_AT_TASK_LEVEL = ['UNKOWN', 'RUNNING', 'WAITING', 'CANCELLING', 'CANCELED', 'FINISH', 'SUCCESS', 'FAIL', 'SKIP'] as const

const STATUSES: readonly Status[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'timed_out', 'unknown']
const PART_STATUSES: readonly PartStatus[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'skipped', 'unknown']

describe('Yunxiao run status', () => {
  test.each(SEEN_AT_RUN_LEVEL)('%s (seen at run level) maps to exactly one known normalized status', raw => {
    const entry = RUN_STATUS[raw]
    expect(entry).toBeDefined()
    expect(STATUSES).toContain(entry!.status)
    expect(entry!.status).not.toBe('unknown')
    expect(entry!.status).not.toBe('timed_out')
    expect(runStatus(raw)).toEqual(entry)
  })

  test('the table holds the run-level values plus CANCELLING and both spellings of UNKNOWN, nothing else', () => {
    const extra = Object.keys(RUN_STATUS).filter(key => !(SEEN_AT_RUN_LEVEL as readonly string[]).includes(key))
    expect(extra.sort()).toEqual(['CANCELLING', 'UNKNOWN', 'UNKOWN'])
  })

  test.each<[string, Status, boolean]>([
    ['RUNNING', 'running', false],
    ['WAITING', 'waiting', false],
    ['SUCCESS', 'succeeded', true],
    ['FAIL', 'failed', true],
    ['CANCELED', 'canceled', true],
    ['CANCELLING', 'running', false],
    ['UNKOWN', 'queued', false],
    ['UNKNOWN', 'queued', false]
  ])('%s is %s, terminal %s', (raw, status, terminal) => {
    expect(runStatus(raw)).toEqual({ status, terminal })
  })

  test('the terminal set is exactly SUCCESS, FAIL and CANCELED', () => {
    const terminal = Object.entries(RUN_STATUS)
      .filter(([, meaning]) => meaning.terminal)
      .map(([raw]) => raw)
    expect(terminal.sort()).toEqual(['CANCELED', 'FAIL', 'SUCCESS'])
  })

  test('terminal and non-terminal values never share a normalized status', () => {
    const terminal = new Set(Object.values(RUN_STATUS).filter(m => m.terminal).map(m => m.status))
    for (const meaning of Object.values(RUN_STATUS).filter(m => !m.terminal)) expect(terminal.has(meaning.status)).toBe(false)
  })

  test('values are read case-insensitively', () => {
    expect(runStatus('success')).toEqual({ status: 'succeeded', terminal: true })
    expect(runStatus('Fail')).toEqual({ status: 'failed', terminal: true })
  })

  test.each(['FINISH', 'FAILED', 'SUCCEEDED', 'SKIP', 'INIT', '', ' RUNNING', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    '%j is unknown and not terminal at run level',
    raw => {
      expect(runStatus(raw)).toEqual({ status: 'unknown', terminal: false })
    }
  )
})

describe('Yunxiao stage and job status', () => {
  test('the table holds exactly the task-level values plus the correct spelling UNKNOWN', () => {
    expect(Object.keys(PART_STATUS).sort()).toEqual([...SEEN_AT_TASK_LEVEL, 'UNKNOWN'].sort())
  })

  test.each(SEEN_AT_TASK_LEVEL)('%s maps to exactly one known normalized status', raw => {
    const entry = PART_STATUS[raw]
    expect(entry).toBeDefined()
    expect(PART_STATUSES).toContain(entry!.status)
    expect(entry!.status).not.toBe('unknown')
    expect(partStatus(raw)).toBe(entry!.status)
  })

  test.each<[string, PartStatus, boolean]>([
    ['UNKOWN', 'queued', false],
    ['UNKNOWN', 'queued', false],
    ['RUNNING', 'running', false],
    ['WAITING', 'queued', false],
    ['CANCELLING', 'running', false],
    ['CANCELED', 'canceled', true],
    ['FINISH', 'succeeded', true],
    ['SUCCESS', 'succeeded', true],
    ['FAIL', 'failed', true],
    ['SKIP', 'skipped', true]
  ])('%s is %s, terminal %s', (raw, status, terminal) => {
    expect(PART_STATUS[raw]).toEqual({ status, terminal })
    expect(partStatus(raw.toLowerCase())).toBe(status)
  })

  test('the values shared with the run level mean the same at both levels, but for WAITING', () => {
    // A run WAITING may be at a gate (its jobs tell); a job WAITING has not started.
    for (const raw of Object.keys(RUN_STATUS).filter(raw => raw !== 'WAITING')) expect(PART_STATUS[raw]).toEqual(RUN_STATUS[raw])
    expect(PART_STATUS.WAITING).toEqual({ status: 'queued', terminal: false })
  })

  test.each(['FAILED', 'SKIPPED', '', 'constructor', '__proto__'])('%j is unknown', raw => {
    expect(partStatus(raw)).toBe('unknown')
  })
})

describe('manual gates', () => {
  const job = (status: PartStatus, actions: string[] = []) => ({ status, actions })

  test('an unfinished job offering PassPipelineValidate is at a gate; waiting alone is not', () => {
    expect(atManualGate(job('waiting'))).toBe(false)
    expect(atManualGate(job('queued'))).toBe(false)
    expect(atManualGate(job('running', ['PassPipelineValidate', 'RefusePipelineValidate']))).toBe(true)
    expect(atManualGate(job('queued', ['RefusePipelineValidator']))).toBe(true)
    expect(atManualGate(job('running', ['StopPipelineJobRun', 'LogPipelineJobRun']))).toBe(false)
    expect(atManualGate(job('succeeded', ['PassPipelineValidate']))).toBe(false)
  })

  test('a RUNNING run with a job at a gate is waiting (the run may report RUNNING there)', () => {
    expect(runMeaning('RUNNING', [job('succeeded'), job('running', ['PassPipelineValidate'])])).toEqual({ status: 'waiting', terminal: false })
  })

  test('a WAITING run with a job at a gate is waiting; without one it waits for a runner: queued', () => {
    expect(runMeaning('WAITING', [job('queued', ['PassPipelineValidate'])])).toEqual({ status: 'waiting', terminal: false })
    expect(runMeaning('WAITING', [job('queued')])).toEqual({ status: 'queued', terminal: false })
    expect(runMeaning('WAITING', [])).toEqual({ status: 'queued', terminal: false })
  })

  test('a finished run is what its status says, whatever its jobs show; an unknown value stays unknown', () => {
    expect(runMeaning('FAIL', [job('waiting')])).toEqual({ status: 'failed', terminal: true })
    expect(runMeaning('SUCCESS', [job('running', ['PassPipelineValidate'])])).toEqual({ status: 'succeeded', terminal: true })
    expect(runMeaning('PAUSED', [job('waiting')])).toEqual({ status: 'unknown', terminal: false })
    expect(runMeaning('RUNNING', [job('running')])).toEqual({ status: 'running', terminal: false })
  })
})

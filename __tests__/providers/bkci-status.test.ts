import {
  BKCI_CANCEL,
  BKCI_FAILURE,
  BKCI_FINISH,
  BKCI_NEVER_RUN,
  BKCI_PASSIVE_STOP,
  BKCI_READY_TO_RUN,
  BKCI_RUNNING,
  BKCI_SUCCESS,
  BKCI_TIMEOUT,
  BUILD_STATUS,
  BUILD_STATUSES,
  PART_STATUS,
  isBuildStatus,
  partStatus,
  runStatus,
  stageSuccessEnded,
  type BuildStatusName
} from '../../src/providers/bkci/status.js'
import type { PartStatus, Status } from '../../src/providers/types.js'

// reference/tencent-bkci.md §2.1: BuildStatus.kt, ordinals 0..27 and UNKNOWN (99).
const DOCUMENTED: readonly string[] = [
  'SUCCEED',
  'FAILED',
  'CANCELED',
  'RUNNING',
  'TERMINATE',
  'REVIEWING',
  'REVIEW_ABORT',
  'REVIEW_PROCESSED',
  'HEARTBEAT_TIMEOUT',
  'PREPARE_ENV',
  'UNEXEC',
  'SKIP',
  'QUALITY_CHECK_FAIL',
  'QUEUE',
  'LOOP_WAITING',
  'CALL_WAITING',
  'TRY_FINALLY',
  'QUEUE_TIMEOUT',
  'EXEC_TIMEOUT',
  'QUEUE_CACHE',
  'RETRY',
  'PAUSE',
  'STAGE_SUCCESS',
  'QUOTA_FAILED',
  'DEPENDENT_WAITING',
  'QUALITY_CHECK_PASS',
  'QUALITY_CHECK_WAIT',
  'TRIGGER_REVIEWING',
  'UNKNOWN'
]

const STATUSES: readonly Status[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'timed_out', 'unknown']
const PART_STATUSES: readonly PartStatus[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'skipped', 'unknown']
const STARTED = 1_700_000_000_000
const ENDED = STARTED + 90_000

describe('bk-ci BuildStatus: the table', () => {
  test('the documented enum has 29 values and the table holds exactly them, in order', () => {
    expect(DOCUMENTED).toHaveLength(29)
    expect(new Set(DOCUMENTED).size).toBe(29)
    expect([...BUILD_STATUSES]).toEqual(DOCUMENTED)
    expect(Object.keys(BUILD_STATUS).sort()).toEqual([...DOCUMENTED].sort())
    expect(Object.keys(PART_STATUS).sort()).toEqual([...DOCUMENTED].sort())
  })

  test.each(DOCUMENTED)('%s maps to exactly one normalized status, at run and at part level', raw => {
    expect(isBuildStatus(raw)).toBe(true)
    const meaning = BUILD_STATUS[raw as BuildStatusName]
    expect(STATUSES).toContain(meaning.status)
    expect(typeof meaning.terminal).toBe('boolean')
    expect(runStatus(raw)).toEqual(meaning)
    expect(PART_STATUSES).toContain(PART_STATUS[raw as BuildStatusName])
    expect(partStatus(raw)).toBe(PART_STATUS[raw as BuildStatusName])
  })

  test('no bk-ci value is our timed_out (that is our wait running out while the run goes on)', () => {
    expect(Object.values(BUILD_STATUS).filter(meaning => meaning.status === 'timed_out')).toEqual([])
  })

  test('only UNKNOWN is unknown', () => {
    expect(Object.entries(BUILD_STATUS).filter(([, meaning]) => meaning.status === 'unknown').map(([name]) => name)).toEqual(['UNKNOWN'])
    expect(runStatus('UNKNOWN')).toEqual({ status: 'unknown', terminal: false })
  })

  test.each<[string, Status, boolean]>([
    ['SUCCEED', 'succeeded', true],
    ['FAILED', 'failed', true],
    ['CANCELED', 'canceled', true],
    ['RUNNING', 'running', false],
    ['TERMINATE', 'failed', true],
    ['REVIEWING', 'waiting', false],
    ['REVIEW_ABORT', 'failed', true],
    ['REVIEW_PROCESSED', 'succeeded', true],
    ['HEARTBEAT_TIMEOUT', 'failed', true],
    ['PREPARE_ENV', 'running', false],
    ['UNEXEC', 'queued', false],
    ['SKIP', 'succeeded', true],
    ['QUALITY_CHECK_FAIL', 'failed', true],
    ['QUEUE', 'queued', false],
    ['LOOP_WAITING', 'running', false],
    ['CALL_WAITING', 'running', false],
    ['TRY_FINALLY', 'running', false],
    ['QUEUE_TIMEOUT', 'failed', true],
    ['EXEC_TIMEOUT', 'failed', true],
    ['QUEUE_CACHE', 'queued', false],
    ['RETRY', 'queued', false],
    ['PAUSE', 'waiting', false],
    ['STAGE_SUCCESS', 'waiting', false],
    ['QUOTA_FAILED', 'failed', true],
    ['DEPENDENT_WAITING', 'queued', false],
    ['QUALITY_CHECK_PASS', 'succeeded', true],
    ['QUALITY_CHECK_WAIT', 'waiting', false],
    ['TRIGGER_REVIEWING', 'waiting', false],
    ['UNKNOWN', 'unknown', false]
  ])('%s is %s, terminal %s', (raw, status, terminal) => {
    expect(runStatus(raw)).toEqual({ status, terminal })
  })

  test('values are read case-insensitively and trimmed; an unknown value is unknown and keeps polling', () => {
    expect(runStatus('succeed')).toEqual({ status: 'succeeded', terminal: true })
    expect(runStatus(' RUNNING ')).toEqual({ status: 'running', terminal: false })
    expect(runStatus('BRAND_NEW_STATUS')).toEqual({ status: 'unknown', terminal: false })
    expect(runStatus('')).toEqual({ status: 'unknown', terminal: false })
    expect(partStatus('BRAND_NEW_STATUS')).toBe('unknown')
    // Not an own property of the table, although every object has it.
    expect(runStatus('constructor')).toEqual({ status: 'unknown', terminal: false })
    expect(isBuildStatus('toString')).toBe(false)
  })
})

describe("bk-ci BuildStatus: bk-ci's own sets", () => {
  const terminal = (name: string): boolean => BUILD_STATUS[name as BuildStatusName].terminal
  const named = (status: Status): string[] =>
    Object.entries(BUILD_STATUS)
      .filter(([, meaning]) => meaning.status === status)
      .map(([name]) => name)
      .sort()

  test('the sets are the ones in BuildStatus.kt', () => {
    expect([...BKCI_SUCCESS].sort()).toEqual(['QUALITY_CHECK_PASS', 'REVIEW_PROCESSED', 'SKIP', 'SUCCEED'])
    expect([...BKCI_PASSIVE_STOP].sort()).toEqual(['QUALITY_CHECK_FAIL', 'REVIEW_ABORT', 'TERMINATE'])
    expect([...BKCI_TIMEOUT].sort()).toEqual(['EXEC_TIMEOUT', 'HEARTBEAT_TIMEOUT', 'QUEUE_TIMEOUT'])
    expect([...BKCI_FAILURE].sort()).toEqual(
      ['EXEC_TIMEOUT', 'FAILED', 'HEARTBEAT_TIMEOUT', 'QUALITY_CHECK_FAIL', 'QUEUE_TIMEOUT', 'QUOTA_FAILED', 'REVIEW_ABORT', 'TERMINATE'].sort()
    )
    expect([...BKCI_CANCEL]).toEqual(['CANCELED'])
    expect(BKCI_FINISH.size).toBe(BKCI_FAILURE.size + BKCI_SUCCESS.size + BKCI_CANCEL.size)
    expect([...BKCI_RUNNING].sort()).toEqual(['CALL_WAITING', 'LOOP_WAITING', 'PAUSE', 'PREPARE_ENV', 'REVIEWING', 'RUNNING'])
    expect([...BKCI_READY_TO_RUN].sort()).toEqual(['DEPENDENT_WAITING', 'QUEUE', 'QUEUE_CACHE', 'RETRY'])
    expect([...BKCI_NEVER_RUN].sort()).toEqual(['TRIGGER_REVIEWING', 'UNEXEC'])
  })

  test('isFinish leaves out STAGE_SUCCESS, UNEXEC and TRIGGER_REVIEWING', () => {
    for (const name of ['STAGE_SUCCESS', 'UNEXEC', 'TRIGGER_REVIEWING'] as const) expect(BKCI_FINISH.has(name)).toBe(false)
  })

  test.each(DOCUMENTED)('%s is terminal exactly when bk-ci isFinish() says so', raw => {
    expect(terminal(raw)).toBe(BKCI_FINISH.has(raw as BuildStatusName))
  })

  test('succeeded, failed and canceled are exactly isSuccess, isFailure and isCancel', () => {
    expect(named('succeeded')).toEqual([...BKCI_SUCCESS].sort())
    expect(named('failed')).toEqual([...BKCI_FAILURE].sort())
    expect(named('canceled')).toEqual([...BKCI_CANCEL].sort())
  })

  test('running and ready-to-run values are never terminal; ready-to-run ones are queued', () => {
    for (const name of [...BKCI_RUNNING, ...BKCI_READY_TO_RUN, ...BKCI_NEVER_RUN]) expect(terminal(name)).toBe(false)
    for (const name of BKCI_READY_TO_RUN) expect(BUILD_STATUS[name].status).toBe('queued')
  })

  test('values that wait for a person are waiting: reviews, pauses, quality gates, trigger review', () => {
    expect(named('waiting')).toEqual(['PAUSE', 'QUALITY_CHECK_WAIT', 'REVIEWING', 'STAGE_SUCCESS', 'TRIGGER_REVIEWING'])
  })
})

describe('STAGE_SUCCESS: a stage review parks the build, an end time finishes it', () => {
  test('without an end time it is waiting (manual stage review), not success', () => {
    expect(runStatus('STAGE_SUCCESS')).toEqual({ status: 'waiting', terminal: false })
    expect(runStatus('STAGE_SUCCESS', { startTime: STARTED })).toEqual({ status: 'waiting', terminal: false })
    expect(runStatus('STAGE_SUCCESS', { startTime: STARTED, endTime: undefined })).toEqual({ status: 'waiting', terminal: false })
  })

  test('an end time of 0, or one not after the start, is not an end', () => {
    expect(runStatus('STAGE_SUCCESS', { startTime: STARTED, endTime: 0 })).toEqual({ status: 'waiting', terminal: false })
    expect(runStatus('STAGE_SUCCESS', { startTime: STARTED, endTime: STARTED })).toEqual({ status: 'waiting', terminal: false })
    expect(runStatus('STAGE_SUCCESS', { startTime: STARTED, endTime: STARTED - 1 })).toEqual({ status: 'waiting', terminal: false })
  })

  test('BuildInfo.isFinish() also needs a start time', () => {
    expect(runStatus('STAGE_SUCCESS', { endTime: ENDED })).toEqual({ status: 'waiting', terminal: false })
    expect(stageSuccessEnded({ endTime: ENDED })).toBe(false)
  })

  test('with an end time after the start it is a finished success (the review was refused and the build ended there)', () => {
    expect(runStatus('STAGE_SUCCESS', { startTime: STARTED, endTime: ENDED })).toEqual({ status: 'succeeded', terminal: true })
    expect(runStatus('stage_success', { startTime: STARTED, endTime: ENDED })).toEqual({ status: 'succeeded', terminal: true })
    expect(stageSuccessEnded({ startTime: STARTED, endTime: ENDED })).toBe(true)
  })

  test('the times change nothing for other values', () => {
    expect(runStatus('RUNNING', { startTime: STARTED, endTime: ENDED })).toEqual({ status: 'running', terminal: false })
    expect(runStatus('REVIEWING', { startTime: STARTED, endTime: ENDED })).toEqual({ status: 'waiting', terminal: false })
    expect(runStatus('SUCCEED', {})).toEqual({ status: 'succeeded', terminal: true })
  })

  test('REVIEWING is waiting', () => {
    expect(runStatus('REVIEWING')).toEqual({ status: 'waiting', terminal: false })
    expect(partStatus('REVIEWING')).toBe('waiting')
  })
})

describe('part (stage, job, step) status', () => {
  test.each<[string, PartStatus]>([
    ['UNEXEC', 'skipped'],
    ['SKIP', 'skipped'],
    ['STAGE_SUCCESS', 'succeeded'],
    ['PAUSE', 'waiting'],
    ['REVIEWING', 'waiting'],
    ['QUEUE', 'queued'],
    ['DEPENDENT_WAITING', 'queued'],
    ['PREPARE_ENV', 'running'],
    ['RUNNING', 'running'],
    ['SUCCEED', 'succeeded'],
    ['FAILED', 'failed'],
    ['EXEC_TIMEOUT', 'failed'],
    ['CANCELED', 'canceled'],
    ['UNKNOWN', 'unknown']
  ])('%s is %s', (raw, status) => {
    expect(partStatus(raw)).toBe(status)
  })

  test('apart from never-run, skipped and STAGE_SUCCESS, a part reads like a build', () => {
    const different = DOCUMENTED.filter(name => PART_STATUS[name as BuildStatusName] !== BUILD_STATUS[name as BuildStatusName].status)
    expect(different.sort()).toEqual(['SKIP', 'STAGE_SUCCESS', 'UNEXEC'])
  })
})

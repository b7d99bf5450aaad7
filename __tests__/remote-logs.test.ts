import { LiveLogs, TAIL_LINES, logLine, readFailedTails } from '../src/remote-logs.js'
import type { JobState, LogPage, Provider, RunRef, RunState } from '../src/providers/types.js'
import { FakeHost } from './fixtures/fake-host.js'

const RUN: RunRef = { runId: 'r1', url: 'https://console.example/run/r1' }

function job(id: string, status: JobState['status'], name = id): JobState {
  return { id, name, stage: 'Build', status, rawStatus: status.toUpperCase() }
}

function stateOf(jobs: JobState[], terminal = false): RunState {
  return { ...RUN, status: terminal ? 'failed' : 'running', rawStatus: terminal ? 'FAILED' : 'RUNNING', terminal, jobs }
}

/**
 * A vendor whose job logs grow: each job's log is a list of lines that a test appends to; a page is
 * at most `pageLines` lines from a numeric cursor, and `more` is true while the job runs or lines remain.
 */
function growingLogs(pageLines = 3) {
  const logs = new Map<string, string[]>()
  const running = new Set<string>()
  const requests: { job: string; from: string | undefined }[] = []
  const failing = new Set<string>()
  const provider = {
    displayName: 'Vendor',
    async readLog(_run: RunRef, target: JobState, from: string | undefined): Promise<LogPage> {
      requests.push({ job: target.id, from })
      if (failing.has(target.id)) throw new Error('log service down')
      const all = logs.get(target.id) ?? []
      const start = from === undefined ? 0 : Number(from)
      const lines = all.slice(start, start + pageLines)
      const next = start + lines.length
      return { lines, next: String(next), more: next < all.length || running.has(target.id) }
    }
  } as unknown as Provider
  return { provider, logs, running, requests, failing }
}

describe('logs: all — LiveLogs', () => {
  test('streams a growing log in order, with no line twice and none missing, one request per job per poll', async () => {
    const vendor = growingLogs()
    const host = new FakeHost({})
    const live = new LiveLogs(vendor.provider, RUN, host)
    vendor.running.add('a')
    vendor.logs.set('a', ['a1', 'a2'])
    await live.poll(stateOf([job('a', 'running'), job('q', 'queued')]))
    vendor.logs.get('a')!.push('a3', 'a4', 'a5', 'a6')
    await live.poll(stateOf([job('a', 'running')]))
    vendor.logs.get('a')!.push('a7')
    vendor.running.delete('a')
    await live.poll(stateOf([job('a', 'failed')]))
    // Three polls, three requests: the rest comes when the run has ended.
    expect(vendor.requests).toHaveLength(3)
    await live.finish(stateOf([job('a', 'failed')], true))
    const printed = host.lines.filter(line => line.startsWith('[Build / a]')).map(line => line.slice('[Build / a] '.length))
    expect(printed).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'])
    // Once the vendor said there is no more for an ended job, it is not asked again.
    const asked = vendor.requests.length
    await live.finish(stateOf([job('a', 'failed')], true))
    expect(vendor.requests).toHaveLength(asked)
    expect(vendor.requests.filter(request => request.job === 'q')).toEqual([])
    expect(live.tails([job('a', 'failed')])).toEqual([{ job: job('a', 'failed'), lines: printed }])
  })

  test('a job that started and ended between two polls is still read, from its first line', async () => {
    const vendor = growingLogs(100)
    const host = new FakeHost({})
    const live = new LiveLogs(vendor.provider, RUN, host)
    vendor.logs.set('fast', ['f1', 'f2'])
    await live.poll(stateOf([job('fast', 'succeeded')]))
    expect(host.lines).toEqual(['[Build / fast] f1', '[Build / fast] f2'])
    expect(vendor.requests).toEqual([{ job: 'fast', from: undefined }])
  })

  test('a failing log read warns and does not end the wait; after three in a row the job is left alone', async () => {
    const vendor = growingLogs()
    const host = new FakeHost({})
    const live = new LiveLogs(vendor.provider, RUN, host)
    vendor.failing.add('a')
    vendor.running.add('a')
    for (let poll = 0; poll < 5; poll++) await live.poll(stateOf([job('a', 'running')]))
    expect(vendor.requests).toHaveLength(3)
    expect(host.lines.filter(line => line.startsWith('warning: Could not read the log of Build / a'))).toHaveLength(3)
    expect(host.lines.at(-1)).toMatch(/no longer reading it/)
  })

  test('a job log past the per-job bound is cut, and the log says where and why', async () => {
    const vendor = growingLogs(25_000)
    const host = new FakeHost({})
    const live = new LiveLogs(vendor.provider, RUN, host)
    vendor.logs.set('big', Array.from({ length: 21_000 }, (_, index) => `line ${index}`))
    await live.finish(stateOf([job('big', 'succeeded')], true))
    const printed = host.lines.filter(line => line.startsWith('[Build / big] line '))
    expect(printed).toHaveLength(20_000)
    expect(host.lines.at(-1)).toBe(`[Build / big] … the log is cut here, after 20000 lines of this job; the rest is on the run's page ${RUN.url}`)
  })

  test('a very long line is cut, saying so', () => {
    expect(logLine('x'.repeat(5_000))).toBe(`${'x'.repeat(1_000)}… (line cut at 1000 characters)`)
    expect(logLine('ok\r')).toBe('ok')
  })

  test('a provider without logs is reported as such', () => {
    expect(new LiveLogs({ displayName: 'Vendor' } as unknown as Provider, RUN, new FakeHost({})).available).toBe(false)
  })
})

describe('logs: failed — readFailedTails', () => {
  test('uses the vendor read of the last lines where there is one, for at most five jobs', async () => {
    const asked: string[] = []
    const provider = {
      async logTail(_run: RunRef, target: JobState, maxLines: number) {
        asked.push(`${target.id}:${maxLines}`)
        return Array.from({ length: 80 }, (_, index) => `${target.id} ${index}`)
      }
    } as unknown as Provider
    const jobs = ['a', 'b', 'c', 'd', 'e', 'f'].map(id => job(id, 'failed'))
    const tails = await readFailedTails(provider, RUN, jobs, new FakeHost({}))
    expect(asked).toEqual(['a:50', 'b:50', 'c:50', 'd:50', 'e:50'])
    expect(tails[0]!.lines).toHaveLength(TAIL_LINES)
    expect(tails[0]!.lines.at(-1)).toBe('a 79')
  })

  test('pages from the start and keeps the end where the vendor only serves pages', async () => {
    const vendor = growingLogs(40)
    vendor.logs.set('a', Array.from({ length: 130 }, (_, index) => `a ${index}`))
    const tails = await readFailedTails(vendor.provider, RUN, [job('a', 'failed')], new FakeHost({}))
    expect(tails[0]!.lines).toEqual(Array.from({ length: 50 }, (_, index) => `a ${index + 80}`))
  })

  test('a read that fails only warns', async () => {
    const provider = {
      logTail: async () => {
        throw new Error('expired')
      }
    } as unknown as Provider
    const host = new FakeHost({})
    expect(await readFailedTails(provider, RUN, [job('a', 'failed')], host)).toEqual([])
    expect(host.lines).toEqual(['warning: Could not read the log of Build / a: Unexpected failure: expired'])
  })
})

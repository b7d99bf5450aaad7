import { spawnSync } from 'node:child_process'
import { createFdWriter } from '../../src/host/stdout.js'

/**
 * The job log is written line by line as it happens (src/host/stdout.ts): a canceled step is
 * killed 10 s after SIGINT, and the lines written before that must reach the runner.
 */

test('a line written just before the process is killed is in the pipe', () => {
  const stdout = new URL('../../src/host/stdout.ts', import.meta.url).pathname
  const source = `import { stdoutLog } from ${JSON.stringify(stdout)}
stdoutLog.write('the run was stopped\\n')
process.kill(process.pid, 'SIGKILL')`
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20_000 })
  expect(result.signal).toBe('SIGKILL')
  expect(result.stdout).toBe('the run was stopped\n')
})

function eagain(): Error {
  return Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' })
}

test('partial writes go on from where they stopped; a full pipe is waited for (no real sleep)', () => {
  const written: string[] = []
  const pauses: number[] = []
  const answers: (number | Error)[] = [3, eagain(), eagain(), 100]
  const writer = createFdWriter(1, {
    fallback: () => ({ write: () => fail('no fallback expected') }),
    writeSync: (_fd, bytes) => {
      const answer = answers.shift() ?? bytes.length
      if (answer instanceof Error) throw answer
      const n = Math.min(answer, bytes.length)
      written.push(Buffer.from(bytes.subarray(0, n)).toString('utf8'))
      return n
    },
    pause: ms => void pauses.push(ms)
  })
  writer.write('abcdef\n')
  expect(written.join('')).toBe('abcdef\n')
  expect(written).toEqual(['abc', 'def\n'])
  expect(pauses).toEqual([10, 10])
})

test('a pipe that stays full: after 5 s of waiting the rest is queued on the stream, not lost', () => {
  const queued: string[] = []
  let waited = 0
  const writer = createFdWriter(1, {
    fallback: () => ({ write: (bytes: Uint8Array) => void queued.push(Buffer.from(bytes).toString('utf8')) }),
    writeSync: () => {
      throw eagain()
    },
    pause: ms => {
      waited += ms
    }
  })
  writer.write('line\n')
  expect(queued).toEqual(['line\n'])
  expect(waited).toBe(5000)
})

test('a closed pipe (EPIPE): the line is dropped quietly, nothing throws', () => {
  const writer = createFdWriter(2, {
    fallback: () => ({ write: () => fail('no fallback expected') }),
    writeSync: () => {
      throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' })
    }
  })
  expect(() => writer.write('x\n')).not.toThrow()
})

import { spawnSync } from 'node:child_process'
import { createDeferredWriter } from '../../src/host/deferred-stdout.js'

/**
 * The job log is written a turn late, in one piece, in order; and nothing pending is lost when the
 * process ends, however it ends.
 */

function manualWriter(): { writes: string[]; run: () => void; scheduled: () => number; writer: ReturnType<typeof createDeferredWriter> } {
  const writes: string[] = []
  const queue: Array<() => void> = []
  const writer = createDeferredWriter(
    text => void writes.push(text),
    flush => void queue.push(flush)
  )
  return { writes, writer, scheduled: () => queue.length, run: () => queue.splice(0).forEach(flush => flush()) }
}

test('lines written in one turn go out together, in order, once that turn has ended', () => {
  const { writes, writer, run, scheduled } = manualWriter()
  writer.write('::add-mask::secret\n')
  writer.write('Starting a run\n')
  expect(writes).toEqual([])
  expect(scheduled()).toBe(1)
  run()
  expect(writes).toEqual(['::add-mask::secret\nStarting a run\n'])
  writer.write('next\n')
  run()
  expect(writes).toEqual(['::add-mask::secret\nStarting a run\n', 'next\n'])
})

test('flush writes what is pending at once, and the scheduled flush then has nothing left to write', () => {
  const { writes, writer, run } = manualWriter()
  writer.write('a\n')
  writer.flush()
  expect(writes).toEqual(['a\n'])
  run()
  expect(writes).toEqual(['a\n'])
})

// A child process, so that the real stdout, setImmediate and 'exit' are used.
function childOutput(script: string): string {
  const source = `import { createDeferredWriter } from ${JSON.stringify(new URL('../../src/host/deferred-stdout.ts', import.meta.url).pathname)}
const log = createDeferredWriter(text => void process.stdout.write(text))
${script}`
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20_000 })
  return result.stdout
}

test('pending lines are written when the process exits on process.exit or an uncaught exception', () => {
  expect(childOutput(`log.write('before exit\\n'); process.exit(3)`)).toBe('before exit\n')
  expect(childOutput(`log.write('before the throw\\n'); throw new Error('boom')`)).toBe('before the throw\n')
  expect(childOutput(`log.write('one\\n'); setTimeout(() => log.write('two\\n'), 1)`)).toBe('one\ntwo\n')
})

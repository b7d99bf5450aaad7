import { fsModule } from '../core/builtins.js'

/**
 * The job log, written line by line as it happens, with a synchronous write(2) on the file
 * descriptor. A canceled step gets SIGINT, and 10 s later it is killed (SIGTERM at 7.5 s, then the
 * process tree): the lines that say what happened (the run was stopped, the stop failed) must be in
 * the runner's pipe before that, not in a queue inside the process. `process.stdout` does not
 * promise that: on POSIX its writes to a pipe are asynchronous (node's "A note on process I/O"),
 * queued in the process once the pipe is full. A synchronous write also keeps the order with
 * stderr: a line is in the pipe before the next statement runs, whatever is written after it.
 *
 * It also leaves `process.stdout` uncreated, which costs about 1 ms before the first request.
 * Creating it would set O_NONBLOCK on the pipe the runner gave us (checked in /proc/self/fdinfo),
 * and then a full pipe makes write(2) fail with EAGAIN; that case waits a moment and tries again.
 */

/** How long a full pipe may hold up one write before the rest goes through `process.stdout`'s queue. */
const FULL_PIPE_PATIENCE_MS = 5000

export interface LogWriter {
  write(text: string): void
}

export interface FdWriterOptions {
  /** Where the rest goes when the pipe stays full: the stream, which queues it. */
  fallback: () => { write(bytes: Uint8Array): unknown }
  /** write(2): bytes written. */
  writeSync?: (fd: number, bytes: Uint8Array) => number
  /** A blocking pause while the pipe is full. */
  pause?: (ms: number) => void
}

export function createFdWriter(fd: 1 | 2, options: FdWriterOptions): LogWriter {
  const writeSync = options.writeSync ?? ((target: number, bytes: Uint8Array) => fsModule().writeSync(target, bytes))
  const pause = options.pause ?? ((ms: number) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms))
  return {
    write(text) {
      if (text === '') return
      let bytes: Uint8Array = Buffer.from(text, 'utf8')
      let waited = 0
      while (bytes.length > 0) {
        try {
          bytes = bytes.subarray(writeSync(fd, bytes))
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
            // EPIPE or EBADF: nobody reads this log any more, and there is nowhere else to put it.
            return
          }
          if (waited >= FULL_PIPE_PATIENCE_MS) {
            // Nothing is dropped: what is left goes through the stream, which queues it.
            options.fallback().write(bytes)
            return
          }
          // The pipe is full and non-blocking: give the reader a moment, blocking as a blocking
          // write would have.
          pause(10)
          waited += 10
        }
      }
    }
  }
}

/**
 * The GitHub and GitLab hosts' job log. An object rather than a function, so that tests can
 * replace `write` and read what would have reached the runner.
 */
export const stdoutLog: LogWriter = createFdWriter(1, { fallback: () => process.stdout })

/**
 * The job log on stdout, written at the end of the current turn of the event loop rather than at
 * once. Lines written in one turn go out together in one write, in order, once the code that wrote
 * them has yielded. At start-up that turn is the one that sends the first request: creating
 * process.stdout for a pipe (how runners read a step's log) costs about 1 ms, and it is no longer
 * paid before the request (bench/README.md, start-up). While waiting, a poll's lines go out in one
 * write instead of several.
 *
 * Nothing is lost: what is pending when the process exits — on its own, on process.exit or on an
 * uncaught exception — is written by an 'exit' listener (node writes to a file, and to a pipe on
 * Linux and Windows, synchronously, so the write is done before the process ends). At most the
 * lines of the turn in progress are lost to a SIGKILL, which no write survives anyway.
 */
export interface DeferredWriter {
  write(text: string): void
  /** Writes what is pending now (tests; and the 'exit' listener). */
  flush(): void
}

export function createDeferredWriter(sink: (text: string) => void, schedule: (flush: () => void) => void = setImmediate): DeferredWriter {
  let pending = ''
  let exitHooked = false
  const flush = (): void => {
    if (pending === '') return
    const text = pending
    pending = ''
    sink(text)
  }
  return {
    write(text) {
      if (text === '') return
      if (!exitHooked) {
        exitHooked = true
        process.once('exit', flush)
      }
      if (pending === '') schedule(flush)
      pending += text
    },
    flush
  }
}

/** The process's stdout, deferred: the GitHub and GitLab hosts' job log. */
export const deferredStdout: DeferredWriter = createDeferredWriter(text => void process.stdout.write(text))

import type { AdvanceMode } from './advance.js'

/**
 * An emulator run by hand (`npx tsx emulators/<vendor>/main.ts [port] [--per-read | --ms-per-phase=N]`):
 * the port from the arguments or `portVariable`, runs moving one phase per second unless told
 * otherwise (so a person watching sees them progress). Prints the URL to call on stdout and what
 * `describe` gives on stderr; closes on SIGINT or SIGTERM.
 */
export async function runFromCommandLine<E extends { close(): Promise<void> }>(
  portVariable: string,
  start: (options: { port: number; advance: AdvanceMode }) => Promise<E>,
  describe: (emulator: E, advance: AdvanceMode) => { url: string; details: object }
): Promise<void> {
  const { port, advance } = parseArguments(process.argv.slice(2), Number(process.env[portVariable] ?? 0))
  const emulator = await start({ port, advance })
  const { url, details } = describe(emulator, advance)
  console.log(url)
  console.error(JSON.stringify(details, null, 2))
  const shutdown = (): void => {
    void emulator.close().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

function parseArguments(argv: string[], defaultPort: number): { port: number; advance: AdvanceMode } {
  let port = defaultPort
  let advance: AdvanceMode = { msPerPhase: 1000 }
  for (const arg of argv) {
    if (arg === '--per-read') advance = 'per-read'
    else if (arg.startsWith('--ms-per-phase=')) advance = { msPerPhase: Number(arg.split('=')[1]) }
    else if (/^\d+$/.test(arg)) port = Number(arg)
    else throw new Error(`unknown argument ${arg}; usage: main.ts [port] [--per-read | --ms-per-phase=N]`)
  }
  return { port, advance }
}

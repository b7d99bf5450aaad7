// Manual use: `npx tsx emulators/bkci/main.ts [port] [--per-read | --ms-per-phase=N]`.
// The port also comes from BKCI_EMULATOR_PORT; builds move one phase per second unless told
// otherwise, so a person watching sees them progress.
import { DEMO_FIXTURE, startBkciEmulator, type AdvanceMode } from './index.js'

function parseArgs(argv: string[]): { port: number; advance: AdvanceMode } {
  let port = Number(process.env.BKCI_EMULATOR_PORT ?? 0)
  let advance: AdvanceMode = { msPerPhase: 1000 }
  for (const arg of argv) {
    if (arg === '--per-read') advance = 'per-read'
    else if (arg.startsWith('--ms-per-phase=')) advance = { msPerPhase: Number(arg.split('=')[1]) }
    else if (/^\d+$/.test(arg)) port = Number(arg)
    else throw new Error(`unknown argument ${arg}; usage: main.ts [port] [--per-read | --ms-per-phase=N]`)
  }
  return { port, advance }
}

const { port, advance } = parseArgs(process.argv.slice(2))
const emulator = await startBkciEmulator({ port, advance })
console.log(emulator.gatewayUrl)
console.error(JSON.stringify({ url: emulator.url, gatewayUrl: emulator.gatewayUrl, advance, fixture: DEMO_FIXTURE }, null, 2))

const shutdown = () => {
  void emulator.close().then(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)

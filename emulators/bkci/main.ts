// Manual use: `npx tsx emulators/bkci/main.ts [port] [--per-read | --ms-per-phase=N]` (port also from BKCI_EMULATOR_PORT).
import { runFromCommandLine } from '../shared/command-line.js'
import { DEMO_FIXTURE, startBkciEmulator } from './index.js'

await runFromCommandLine('BKCI_EMULATOR_PORT', startBkciEmulator, (emulator, advance) => ({
  url: emulator.gatewayUrl,
  details: { url: emulator.url, gatewayUrl: emulator.gatewayUrl, advance, fixture: DEMO_FIXTURE }
}))

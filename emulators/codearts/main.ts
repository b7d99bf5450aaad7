// Manual use: `npx tsx emulators/codearts/main.ts [port] [--per-read | --ms-per-phase=N]` (port also from CODEARTS_EMULATOR_PORT).
import { runFromCommandLine } from '../shared/command-line.js'
import { DEMO_FIXTURE, startCodeArtsEmulator } from './index.js'

await runFromCommandLine('CODEARTS_EMULATOR_PORT', startCodeArtsEmulator, (emulator, advance) => ({
  url: emulator.url,
  details: { url: emulator.url, advance, fixture: DEMO_FIXTURE }
}))

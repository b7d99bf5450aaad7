// Manual use: `npx tsx emulators/yunxiao/main.ts [port] [--per-read | --ms-per-phase=N]` (port also from YUNXIAO_EMULATOR_PORT).
import { runFromCommandLine } from '../shared/command-line.js'
import { DEMO_FIXTURE, startYunxiaoEmulator } from './index.js'

await runFromCommandLine('YUNXIAO_EMULATOR_PORT', startYunxiaoEmulator, (emulator, advance) => ({
  url: emulator.url,
  details: { url: emulator.url, advance, fixture: DEMO_FIXTURE }
}))

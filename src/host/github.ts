import * as core from './workflow-commands.js'
import { Redactor } from '../core/redact.js'
import { stripControl } from '../core/vendor-text.js'
import { SUMMARY_LIMIT_BYTES } from '../report.js'
import type { Host, OutputName, StateName } from './types.js'
import type { InputName } from '../inputs/index.js'

/** The GitHub Actions host: the runner's workflow commands for outputs, state, summary, masking and log lines. */
export function createGitHubHost(env: NodeJS.ProcessEnv = process.env): Host {
  const redactor = new Redactor()
  // Terminal control first, then secrets: a backspace or an escape sequence inside a secret would
  // otherwise hide it from the redactor and vanish from the log viewer's rendering afterwards.
  // What the text could make the runner do is workflow-commands.ts's business.
  const clean = (text: string): string => redactor.redact(stripControl(text))
  return {
    // The main step saves `finished` or `run_id`; the post step is the same bundle run again.
    isPost: env.STATE_isPost === 'true',
    getInput: (name: InputName) => core.getInput(name),
    mask(secret) {
      redactor.add(secret)
      core.setSecret(secret)
    },
    redact: clean,
    setOutput: (name: OutputName, value: string) => core.setOutput(name, clean(value)),
    saveState: (name: StateName, value: string) => core.saveState(name, clean(value)),
    getState: (name: StateName) => core.getState(name),
    async writeSummary(markdown) {
      // appendSummary() throws when the runner gave no summary file (an older runner, a terminal).
      if (!env.GITHUB_STEP_SUMMARY) return
      const text = clean(markdown)
      // summaryMarkdown stays under the limit by design; this is the backstop. Over it, the runner
      // would drop the whole file with an error, so a short note goes instead.
      if (Buffer.byteLength(text, 'utf8') + 2 > SUMMARY_LIMIT_BYTES) {
        core.warning('The job summary came out over GitHub\'s 1 MiB limit and was replaced by a note; the log has everything')
        await core.appendSummary('The summary was over GitHub\'s 1 MiB limit for a step summary and was left out; the job log has everything.')
        return
      }
      await core.appendSummary(text)
    },
    annotateError: (message, title) => core.error(clean(message), { title: clean(title) }),
    setFailed: message => core.setFailed(clean(message)),
    origin() {
      const repository = env.GITHUB_REPOSITORY
      if (repository === undefined || repository === '') return undefined
      return env.GITHUB_RUN_ID ? `${repository}, workflow run ${env.GITHUB_RUN_ID}` : repository
    },
    debug: message => core.debug(clean(message)),
    info: message => core.info(clean(message)),
    warning: message => core.warning(clean(message)),
    error: message => core.error(clean(message)),
    async group(title, body) {
      // One line: the runner shows the title as `##[group]<title>`, and a line break in it would
      // put the rest on a line of its own.
      core.startGroup(clean(title).replace(/\s*\n\s*/g, ' '))
      try {
        return await body()
      } finally {
        core.endGroup()
      }
    }
  }
}

import * as core from './workflow-commands.js'
import { Redactor } from '../core/redact.js'
import type { Host, OutputName, StateName } from './types.js'
import type { InputName } from '../inputs/index.js'

/** The GitHub Actions host: the runner's workflow commands for outputs, state, summary, masking and log lines. */
export function createGitHubHost(env: NodeJS.ProcessEnv = process.env): Host {
  const redactor = new Redactor()
  const clean = (text: string): string => redactor.redact(text)
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
      await core.appendSummary(clean(markdown))
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
      core.startGroup(clean(title))
      try {
        return await body()
      } finally {
        core.endGroup()
      }
    }
  }
}

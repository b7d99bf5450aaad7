// A job's log as the v6 log API pages through it: a few lines per step, and the error of a failed
// one at the end, so a client's "tail of the failed job's log" has something true to show.
import type { JobState, RunState } from './types.js'

export function jobLog(run: RunState, job: JobState): string {
  const lines = [`[run ${run.runNumber}, attempt ${run.attempts}] job ${job.template.name} started`]
  for (const step of job.steps) {
    lines.push(`> step ${step.template.name}: ${step.status}`)
    for (let i = 1; i <= 40; i++) lines.push(`  ${step.template.name} output line ${i}`)
    if (step.message !== '') lines.push(`ERROR: ${step.message}`)
  }
  if (job.message !== '') lines.push(`ERROR: ${job.message}`)
  lines.push(`job ${job.template.name} ${job.status}`)
  return `${lines.join('\n')}\n`
}

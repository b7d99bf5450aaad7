import { formatDuration } from './core/duration.js'
import type { JobState, PartStatus, RunRef, RunState, Status } from './providers/types.js'

/** What a person reads: the one-line state of a run, and the job summary. Host-neutral markdown. */

const ICONS: Readonly<Record<PartStatus | Status, string>> = {
  queued: '⏳',
  running: '▶️',
  waiting: '✋',
  succeeded: '✅',
  failed: '❌',
  canceled: '⏹️',
  timed_out: '⌛',
  skipped: '⏭️',
  unknown: '❔'
}

/** `running (RUNNING); now: Build / Compile running, Deploy / Approve waiting` */
export function stateLine(state: RunState): string {
  const status = state.rawStatus.toLowerCase() === state.status ? state.status : `${state.status} (${state.rawStatus})`
  const active = state.jobs.filter(job => job.status === 'running' || job.status === 'waiting' || job.status === 'queued')
  if (state.terminal || active.length === 0) return status
  const parts = active.slice(0, 4).map(job => `${jobName(job)} ${job.status}`)
  const more = active.length > 4 ? ` and ${active.length - 4} more` : ''
  return `${status}; now: ${parts.join(', ')}${more}`
}

export function jobName(job: JobState): string {
  return job.stage === undefined ? job.name : `${job.stage} / ${job.name}`
}

/** Wall time of the run from the vendor's own timestamps, where both are known. */
export function runDurationSeconds(state: RunState | undefined): number | undefined {
  if (state?.startedAt === undefined || state.endedAt === undefined) return undefined
  return Math.max(0, Math.round((state.endedAt - state.startedAt) / 1000))
}

/** One line per job for the log: `✅ Build / Compile: succeeded (COMPLETED), 50s`. */
export function jobLines(state: RunState): string[] {
  return state.jobs.map(job => {
    const took = job.startedAt !== undefined && job.endedAt !== undefined ? `, ${formatDuration(job.endedAt - job.startedAt)}` : ''
    const message = job.message === undefined ? '' : ` — ${job.message}`
    return `${ICONS[job.status]} ${jobName(job)}: ${job.status} (${job.rawStatus})${took}${message}`
  })
}

export interface FinalReport {
  providerName: string
  pipelineId: string
  operation: string
  run: RunRef
  status: Status
  rawStatus: string
  state?: RunState
  durationSeconds?: number
  /** Why the step ended the way it did, in a sentence (a timeout, a cancel). */
  note?: string
  /** The end of failed jobs' logs, where the vendor serves them. */
  logTails?: readonly { job: string; lines: readonly string[] }[]
}

export function summaryMarkdown(report: FinalReport): string {
  const { run, state } = report
  const runLabel = run.runNumber === undefined ? run.runId : `#${run.runNumber}`
  const runLink = run.url === undefined ? `\`${run.runId}\`` : `[${escapeCell(runLabel)}](${run.url})`
  const lines = [
    `### ${ICONS[report.status]} ${report.providerName}: run ${escapeCell(runLabel)} ${report.status.replace('_', ' ')}`,
    '',
    '| | |',
    '|---|---|',
    `| Pipeline | \`${escapeCell(report.pipelineId)}\` |`,
    `| Run | ${runLink} |`,
    `| Operation | ${report.operation} |`,
    `| Status | ${report.status} (\`${escapeCell(report.rawStatus)}\`) |`
  ]
  if (report.durationSeconds !== undefined) lines.push(`| Duration | ${formatDuration(report.durationSeconds * 1000)} |`)
  if (report.note !== undefined) lines.push(`| Note | ${escapeCell(report.note)} |`)
  const jobs = state?.jobs ?? []
  if (jobs.length > 0) {
    lines.push('', '| Stage | Job | Status | Duration | Message |', '|---|---|---|---|---|')
    for (const job of jobs) {
      const took = job.startedAt !== undefined && job.endedAt !== undefined ? formatDuration(job.endedAt - job.startedAt) : ''
      lines.push(
        `| ${escapeCell(job.stage ?? '')} | ${escapeCell(job.name)} | ${ICONS[job.status]} ${job.status} | ${took} | ${escapeCell(job.message ?? '')} |`
      )
    }
  }
  for (const tail of report.logTails ?? []) {
    // A fence longer than any run of backticks in the log, so the log cannot close it.
    const fence = '`'.repeat(Math.max(3, ...tail.lines.map(line => (line.match(/`+/g) ?? []).reduce((most, run) => Math.max(most, run.length + 1), 0))))
    lines.push('', `<details><summary>End of the log of ${escapeCell(tail.job)}</summary>`, '', fence, ...tail.lines, fence, '', '</details>')
  }
  return `${lines.join('\n')}\n`
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

// What a step writes to its log as the run moves: a start line, some output every phase it runs,
// and its end (the error of a failed step first). The text only ever grows, like a real log; a
// running step leaves a progress line half written between two phases, so a reader that pages by
// characters (v6) meets a line without its end. Lines carry the documented prefix
// "[yyyy/MM/dd HH:mm:ss.SSS GMT+08:00] [INFO] …" (next-capabilities §1.1).
import type { RunState, StepState } from './types.js'

/** Output lines a running step writes per phase, unless the run says otherwise. */
export const DEFAULT_LOG_LINES_PER_PHASE = 12

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The time stamp of a line: China Standard Time, as the service writes it. */
function stamp(at: number): string {
  const t = new Date(at + 8 * 3_600_000)
  return `[${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)} GMT+08:00]`
}

/** Each line a millisecond after the last at least, so the stamps say the order (a reader may rely on it). */
function nextStamp(step: StepState, at: number): string {
  step.logClock = Math.max(at, step.logClock + 1)
  return stamp(step.logClock)
}

function write(step: StepState, at: number, level: 'INFO' | 'ERROR', text: string): void {
  step.log += `${nextStamp(step, at)} [${level}] ${text}\n`
}

/** Ends the half-written progress line, if any. */
function endProgress(step: StepState): void {
  if (!step.progressOpen) return
  step.log += `${step.logLines} lines written\n`
  step.progressOpen = false
}

function output(run: RunState, step: StepState, at: number): void {
  endProgress(step)
  for (let i = 0; i < run.logLinesPerPhase; i++) {
    step.logLines += 1
    write(step, at, 'INFO', `${step.template.name} output line ${step.logLines}`)
  }
  // Left without its newline until the next phase: the line a build tool is still writing.
  step.log += `${nextStamp(step, at)} [INFO] ${step.template.name} progress: `
  step.progressOpen = true
}

export function logStepStart(run: RunState, step: StepState, at: number): void {
  write(step, at, 'INFO', `Start step ${step.template.name} (${step.template.task}), run #${run.runNumber}, attempt ${run.attempts}`)
  if (step.template.gate) {
    write(step, at, 'INFO', 'Waiting for a manual review')
    return
  }
  output(run, step, at)
}

/** A phase in which the step keeps running. */
export function logStepPhase(run: RunState, step: StepState, at: number): void {
  output(run, step, at)
}

export function logStepEnd(run: RunState, step: StepState, at: number): void {
  if (!step.template.gate) output(run, step, at)
  endProgress(step)
  if (step.status === 'FAILED') write(step, at, 'ERROR', step.message)
  write(step, at, 'INFO', `Step ${step.template.name} ended: ${step.status}`)
}

export function logStepCanceled(step: StepState, at: number): void {
  endProgress(step)
  write(step, at, 'INFO', `Step ${step.template.name} canceled`)
}

/** The part of a step's log made of whole lines: what a line-paged read (v5) serves. */
export function wholeLinesOf(step: StepState): string {
  return step.log.slice(0, step.log.lastIndexOf('\n') + 1)
}

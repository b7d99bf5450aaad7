import type { Artifact } from '../types.js'
import { optionalId, type IdForm } from '../ids.js'
import { arrayOf, record, stringOf, type JsonRecord } from '../json.js'
import { outputText } from '../../core/vendor-text.js'

/**
 * What an ended CodeArts run produced (reference/next-capabilities.md §4):
 * - step outputs: `GET …/pipeline-runs/{run}/steps/outputs?step_run_ids=…` answers
 *   `{step_outputs[{step_run_id, output_result[{key, value}]}], current_system_time}` ([apidef]
 *   ShowStepOutputs.json; [py-sdk] OutputRespStepOutputs, OutputRespOutputResult: `value` is typed
 *   string in one, object in the other);
 * - artifacts: `GET …/pipeline-runs/{run}/artifacts` answers `{artifacts[{name, file_size, artifact_uri,
 *   artifact_download_url_with_id, …}]}` ([apidef] ShowPipelineArtifacts.json; [py-sdk] Artifact).
 */

/** step_run_id: "32位字符，由数字和字母组成" ([py-sdk] OutputRespStepOutputs), the form of run details' step ids. */
export const STEP_RUN_ID: IdForm = { pattern: /^[0-9A-Za-z]{32}$/, description: 'a CodeArts step run id (32 letters and digits)' }

/** A step of the run that may have outputs: one that ran to an end. */
export interface RanStep {
  id: string
  job: string
  name: string
}

/** The steps of a run detail that ended (COMPLETED or FAILED): only a step that ran can have written outputs. */
export function ranSteps(detail: JsonRecord): RanStep[] {
  const steps: RanStep[] = []
  for (const stage of arrayOf(detail.stages)) {
    for (const job of arrayOf(stage.jobs)) {
      for (const step of arrayOf(job.steps)) {
        const status = stringOf(step.status)
        if (status !== 'COMPLETED' && status !== 'FAILED') continue
        const id = optionalId(step.id, STEP_RUN_ID, { vendor: 'CodeArts', field: 'step id in the run detail' })
        if (id === undefined) continue
        steps.push({ id, job: stringOf(job.name) ?? '(unnamed job)', name: stringOf(step.name) ?? '(unnamed step)' })
      }
    }
  }
  return steps
}

interface Produced {
  step: RanStep
  key: string
  value: string
}

/** The key/value pairs of the outputs answers, each with the step that wrote it. */
export function producedIn(answers: readonly { step: RanStep; answer: unknown }[]): { produced: Produced[]; unnamed: number } {
  const produced: Produced[] = []
  let unnamed = 0
  for (const { step, answer } of answers) {
    for (const entry of arrayOf(record(answer).step_outputs)) {
      // An answer about another step than the one asked for is left out: it is not this run's output.
      const about = optionalId(entry.step_run_id, STEP_RUN_ID, { vendor: 'CodeArts', field: 'step_run_id in the step outputs' })
      if (about !== undefined && about !== step.id) continue
      for (const result of arrayOf(entry.output_result)) {
        const key = stringOf(result.key)
        if (key === undefined) {
          unnamed += 1
          continue
        }
        produced.push({ step, key, value: valueText(result.value) })
      }
    }
  }
  return { produced, unnamed }
}

/**
 * One name → value map from the outputs of every step. A key written by one step only keeps its
 * name (`VERSION`). A key written by several steps would lose all but one value under one name, so
 * each of them is named by where it came from instead: `Job / Step.KEY`, and when two steps share
 * job and step names too, `Job / Step (step run id).KEY`. No value is ever dropped for a clash.
 */
export function mergeOutputs(produced: readonly Produced[]): Record<string, string> {
  const writers = new Map<string, number>()
  for (const { key } of produced) writers.set(key, (writers.get(key) ?? 0) + 1)
  const outputs: Record<string, string> = {}
  const taken = new Set<string>()
  for (const { step, key, value } of produced) {
    // Job and step names are cut short so that a prefixed name stays within the 128 characters the
    // core keeps of an output name: cut there, two prefixed names could become one.
    const where = `${outputText(step.job, LABEL_PART)} / ${outputText(step.name, LABEL_PART)}`
    const named = [`${where}.${key}`, `${where} (${step.id}).${key}`]
    let name = (writers.get(key) === 1 ? [key, ...named] : named).find(candidate => !taken.has(candidate))
    // The same step writing the same key twice: both values stay, numbered.
    for (let n = 2; name === undefined; n += 1) name = taken.has(`${named[1]} #${n}`) ? undefined : `${named[1]} #${n}`
    taken.add(name)
    outputs[name] = value
  }
  return outputs
}

const LABEL_PART = 40

/** An output value as text: the SDKs type it string or object, so numbers, booleans and objects become their JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  return JSON.stringify(value)
}

/** The run's artifacts: name, size where the answer says, and the download link when it is an https URL. */
export function artifactsIn(answer: unknown): Artifact[] {
  const artifacts: Artifact[] = []
  for (const item of arrayOf(record(answer).artifacts)) {
    const name = stringOf(item.name) ?? stringOf(item.artifact_uri)
    if (name === undefined) continue
    const artifact: Artifact = { name }
    const size = sizeInBytes(item.file_size)
    if (size !== undefined) artifact.size = size
    const url = downloadLink(item.artifact_download_url_with_id)
    if (url !== undefined) artifact.url = url
    artifacts.push(artifact)
  }
  return artifacts
}

const UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }

/**
 * file_size is a string, in the [apidef] example a rounded human size ("0.90KB"); a plain number is
 * read as bytes. The bytes of a rounded size are approximate, as the answer is; anything else is no size.
 */
export function sizeInBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?B)?\s*$/i.exec(value)
  if (match === null) return undefined
  const bytes = Math.round(Number(match[1]) * (UNITS[(match[2] ?? 'B').toUpperCase()] ?? 1))
  return Number.isSafeInteger(bytes) ? bytes : undefined
}

/** The artifact repository link ("制品仓下载链接") only when it is an https URL without credentials: it becomes an output someone follows. */
function downloadLink(value: unknown): string | undefined {
  const text = stringOf(value)
  if (text === undefined || text.length > 2_048) return undefined
  try {
    const url = new URL(text)
    return url.protocol === 'https:' && url.username === '' && url.password === '' ? url.href : undefined
  } catch {
    return undefined
  }
}

import type { DeclaredJob, DeclaredVariable, PipelineDeclaration } from '../types.js'
import { optionalId, type IdForm } from '../ids.js'
import { arrayOf, record, stringOf, type JsonRecord } from '../json.js'

/**
 * What a CodeArts pipeline declares, from its definition: `GET /v5/{project_id}/api/pipelines/{pipeline_id}`
 * (ShowPipelineDetail; [py-sdk] 3.1.211 ShowPipelineDetailResponse, PipelineVariable, PipelineSource;
 * [apidef] ShowPipelineDetail.json).
 *
 * - `variables[]`: {name, sequence, type, value, is_secret, description, is_runtime, limits, is_reset,
 *   latest_value}. `is_runtime` is "是否运行时设置" (set at run time): a variable without it keeps its
 *   stored value whatever a run sends, so only is_runtime variables are settable. No field says a
 *   variable must be given: `value` is its default, so none is required.
 * - `definition`: the stages and jobs as a JSON *string*; its `stages[].jobs[]` carry `identifier` (the
 *   timestamp+UUID form "167703505025720bcc960-2929-…"), `name`, and an empty `id`. `choose_jobs` takes
 *   that identifier: the RunPipeline example item "1671505863593ad534b54-204e-4eff-8781-c6dfe3edd195" has
 *   its form (reference §1.2).
 * - `sources[]`: {type: "code" | "artifact", params{git_type, git_url, default_branch, …}}: the code
 *   repository a run builds, there before any run exists.
 */

/**
 * A job identifier becomes a `choose_jobs` item and a log line ("build → <id>"). Its form is not
 * documented; both examples are letters, digits and "-", so this takes those plus _ . : — what the
 * `jobs` input can carry as an id — and refuses anything else (spaces, quotes, `$(`).
 */
export const JOB_IDENTIFIER: IdForm = { pattern: /^[0-9A-Za-z_.:-]{1,128}$/, description: 'a CodeArts job identifier (letters, digits, _ . : -)' }

/** The declaration the core checks a start against. */
export function declarationOf(pipeline: JsonRecord): PipelineDeclaration {
  return { variables: variablesOf(pipeline.variables), jobs: jobsOf(pipeline.definition) }
}

/** Undefined when the answer has no variables list (nothing to check against); [] when it declares none. */
function variablesOf(value: unknown): DeclaredVariable[] | undefined {
  if (!Array.isArray(value)) return undefined
  const declared: DeclaredVariable[] = []
  for (const variable of arrayOf(value)) {
    const name = stringOf(variable.name)
    if (name === undefined) continue
    declared.push({ name, settable: variable.is_runtime === true || variable.is_runtime === 'true', required: false })
  }
  return declared
}

/** The jobs a start can choose, from the definition string; undefined when it cannot be read. */
function jobsOf(definition: unknown): DeclaredJob[] | undefined {
  let parsed: unknown = definition
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition)
    } catch {
      return undefined
    }
  }
  const stages = record(parsed).stages
  if (!Array.isArray(stages)) return undefined
  const jobs: DeclaredJob[] = []
  for (const stage of arrayOf(stages)) {
    for (const job of arrayOf(stage.jobs)) {
      // A job without an identifier cannot be chosen by choose_jobs: it is not offered.
      const id = optionalId(job.identifier, JOB_IDENTIFIER, { vendor: 'CodeArts', field: 'job identifier in the pipeline definition' })
      if (id === undefined) continue
      jobs.push({ id, name: stringOf(job.name) ?? id, stage: stringOf(stage.name) })
    }
  }
  return jobs
}

/** The first code source of a definition or a run (`sources[]` with type "code" and a git_url), if any. */
export function codeSourceIn(answer: JsonRecord): JsonRecord | undefined {
  return arrayOf(answer.sources).find(source => source.type === 'code' && stringOf(record(source.params).git_url) !== undefined)
}

// The pipeline's definition (ShowPipelineDetail), a run's step outputs (ShowStepOutputs) and its
// artifacts (ShowPipelineArtifacts): what a client checks a start against and reads back after a
// run. Shapes from [py-sdk] 3.1.211 ShowPipelineDetailResponse / PipelineVariable / PipelineSource,
// OutputRespStepOutputs / OutputRespOutputResult, Artifact, and the [apidef] examples
// (reference/next-capabilities.md §4).
import type { EmulatedVariable, PipelineConfig } from '../options.js'
import { scenarioTemplate } from '../runs/scenarios.js'
import type { RunState } from '../runs/types.js'
import type { ApiRequest, ApiResponse } from './api-types.js'
import { type VendorError, invalidParameter } from './vendor-errors.js'

/** The definition's code source when a pipeline config names none. */
export const DEFAULT_DEFINITION_SOURCES: unknown[] = [
  {
    type: 'code',
    params: {
      alias: '',
      codehub_id: '2111669099',
      default_branch: 'master',
      endpoint_id: '',
      git_type: 'codehub',
      git_url: 'https://codehub.example.invalid/emulator/app.git',
      repo_name: 'app',
      ssh_git_url: 'git@codehub.example.invalid:emulator/app.git',
      web_url: ''
    }
  }
]

/**
 * GET /v5/{project_id}/api/pipelines/{pipeline_id}. The stages and jobs are in `definition`, a JSON
 * string, where a job has an empty `id` and its `identifier` (what choose_jobs takes), as in the
 * [apidef] example.
 */
export function renderPipeline(pipeline: PipelineConfig, consoleUrl: string): ApiResponse {
  const scenario = scenarioTemplate(pipeline.scenario, pipeline)
  const definition = {
    stages: scenario.stages.map((stage, sequence) => ({
      name: stage.name,
      sequence: String(sequence),
      identifier: stage.identifier,
      jobs: stage.jobs.map((job, jobSequence) => ({
        id: '',
        identifier: job.identifier,
        name: job.name,
        depends_on: [],
        timeout: '',
        timeout_unit: '',
        steps: job.steps.map((step, stepSequence) => ({ name: step.name, task: step.task, sequence: stepSequence, business_type: step.businessType })),
        exec_type: 'OCTOPUS_JOB',
        sequence: jobSequence,
        pipeline_id: pipeline.id
      })),
      pre: [{ task: 'official_devcloud_autoTrigger', sequence: 0 }],
      post: null,
      depends_on: [],
      run_always: false,
      pipeline_id: pipeline.id
    }))
  }
  return {
    status: 200,
    body: {
      id: pipeline.id,
      name: pipeline.name ?? `pipeline-${pipeline.id.slice(0, 8)}`,
      description: '',
      manifest_version: '3.0',
      project_id: pipeline.projectId,
      component_id: '',
      is_publish: false,
      creator_id: 'e0000000000000000000000000000001',
      creator_name: 'emulator-user',
      create_time: 1_700_000_000_000,
      update_time: 1_700_000_000_000,
      is_collect: false,
      detail_url: `${consoleUrl}/cicd/project/${pipeline.projectId}/pipeline/detail/${pipeline.id}?from=in-project&v=1`,
      sources: pipeline.sources ?? DEFAULT_DEFINITION_SOURCES,
      variables: (pipeline.variables ?? []).map((variable, index) => ({
        name: variable.name,
        sequence: index + 1,
        type: variable.type ?? 'string',
        // A secret's value is not shown, as the console masks it.
        value: variable.isSecret === true ? '' : variable.value,
        is_secret: variable.isSecret === true,
        description: '',
        is_runtime: variable.isRuntime,
        limits: [],
        is_reset: false,
        latest_value: ''
      })),
      schedules: [],
      triggers: [],
      group_id: null,
      definition: JSON.stringify(definition)
    }
  }
}

/**
 * The values a run really uses: the stored ones, replaced by what the run request sent only for
 * variables set at run time (is_runtime). A name the pipeline does not declare, or one it does not
 * let a run set, is ignored: that is the loss a client must prevent by checking before it starts.
 */
export function effectiveVariables(run: RunState, declared: readonly EmulatedVariable[]): Map<string, string> {
  const values = new Map(declared.map(variable => [variable.name, variable.value]))
  for (const sent of run.variables) {
    if (declared.some(variable => variable.name === sent.name && variable.isRuntime)) values.set(sent.name, sent.value)
  }
  return values
}

function fill(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => values.get(name) ?? whole)
}

/**
 * GET …/pipeline-runs/{run}/steps/outputs?step_run_ids=…: the outputs of the steps named (the doc
 * has step_run_ids required, the [apidef] optional; a comma-separated list is accepted, one id is
 * what our client sends). Only a step that COMPLETED has written its outputs.
 */
export function renderStepOutputs(run: RunState, pipeline: PipelineConfig, request: ApiRequest, now: number): ApiResponse | VendorError {
  const asked = (request.query.get('step_run_ids') ?? '').split(',').map(id => id.trim()).filter(id => id !== '')
  if (asked.length === 0) return invalidParameter('step_run_ids is required')
  const values = effectiveVariables(run, pipeline.variables ?? [])
  const stepOutputs = []
  for (const stage of run.stages) {
    for (const job of stage.jobs) {
      for (const step of job.steps) {
        if (!asked.includes(step.id) || step.status !== 'COMPLETED' || step.template.outputs === undefined) continue
        stepOutputs.push({ step_run_id: step.id, output_result: step.template.outputs.map(({ key, value }) => ({ key, value: fill(value, values) })) })
      }
    }
  }
  return { status: 200, body: { step_outputs: stepOutputs, current_system_time: now } }
}

/** GET …/pipeline-runs/{run}/artifacts: what the run's COMPLETED jobs uploaded. */
export function renderArtifacts(run: RunState, pipeline: PipelineConfig): ApiResponse {
  const values = effectiveVariables(run, pipeline.variables ?? [])
  const artifacts = []
  for (const stage of run.stages) {
    for (const job of stage.jobs) {
      if (job.status !== 'COMPLETED') continue
      for (const artifact of job.template.artifacts ?? []) {
        const name = fill(artifact.name, values)
        artifacts.push({
          project_id: run.projectId,
          name,
          artifact_version: String(run.runNumber),
          upload_target: 'artifact',
          artifact_package_type: name.split('.').pop() ?? '',
          artifact_uri: `/${run.pipelineId}/${run.runNumber}/`,
          artifact_download_url_with_id: fill(artifact.downloadUrl, values),
          artifact_type: 'package',
          hash_code: [],
          job_id: job.id,
          build_no: String(run.runNumber),
          daily_build_number: `${run.runNumber}`,
          file_size: artifact.fileSize
        })
      }
    }
  }
  return { status: 200, body: { artifacts } }
}

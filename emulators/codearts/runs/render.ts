// The wire shapes of a run: the detail object (reference 1.4) and a list item (1.5).
// Field names and types follow the document; values the emulator has no real source for are
// plausible constants. Times are epoch ms integers, 0 until they happen, except the stage times
// of a list item, which the document types as strings.
import type { JobState, RunState, StageState, StepState } from './types.js'

export interface RenderContext {
  pipelineName: string
  region: string
  domainId: string
  consoleUrl: string
  now: number
}

/** The fake person every run is executed by. */
export const EXECUTOR = { id: 'e0000000000000000000000000000001', name: 'emulator-user' } as const

function detailUrl(run: RunState, ctx: RenderContext): string {
  return `${ctx.consoleUrl}/cicd/project/${run.projectId}/pipeline/detail/${run.pipelineId}/${run.id}?v=1`
}

function modifyUrl(run: RunState, ctx: RenderContext): string {
  return `${ctx.consoleUrl}/cicd/project/${run.projectId}/pipeline/modify/${run.pipelineId}`
}

function renderStep(step: StepState, sequence: number) {
  return {
    id: step.id,
    name: step.template.name,
    task: step.template.task,
    business_type: step.template.businessType,
    inputs: [{ key: 'command', value: `echo ${step.template.name}` }],
    sequence,
    official_task_version: '0.0.1',
    identifier: `${step.template.task}_${sequence}`,
    multi_step_editable: 0,
    endpoint_ids: [],
    last_dispatch_id: step.id,
    status: step.status,
    message: step.message,
    start_time: step.startTime,
    end_time: step.endTime,
    daily_build_number: ''
  }
}

function renderJob(job: JobState, sequence: number) {
  return {
    id: job.id,
    category: null,
    sequence,
    async: null,
    name: job.template.name,
    identifier: job.template.identifier,
    depends_on: [],
    condition: '${{ default() }}',
    resource: '{"type":"system","arch":"x86"}',
    is_select: job.selected,
    timeout: '',
    last_dispatch_id: job.execId,
    status: job.status,
    message: job.message,
    start_time: job.startTime,
    end_time: job.endTime,
    exec_id: job.execId,
    steps: job.steps.map((s, i) => renderStep(s, i))
  }
}

function renderStage(stage: StageState, sequence: number) {
  return {
    id: stage.id,
    category: null,
    name: stage.template.name,
    identifier: stage.template.identifier,
    run_always: false,
    parallel: null,
    is_select: stage.selected,
    sequence,
    depends_on: [],
    condition: null,
    status: stage.status,
    start_time: stage.startTime,
    end_time: stage.endTime,
    pause_time: stage.pauseTime,
    pre: [],
    post: [],
    jobs: stage.jobs.map((j, i) => renderJob(j, i))
  }
}

/** The sources the run executes: what the request gave, or the pipeline's stored default. */
function effectiveSources(run: RunState): unknown[] {
  if (run.sources.length > 0) return run.sources
  return [
    {
      type: 'code',
      params: {
        git_type: 'codehub',
        git_url: 'https://codehub.example.invalid/emulator/app.git',
        ssh_git_url: 'git@codehub.example.invalid:emulator/app.git',
        web_url: 'https://codehub.example.invalid/emulator/app',
        repo_name: 'app',
        default_branch: 'master',
        endpoint_id: '',
        codehub_id: '2111669099',
        alias: '',
        build_params: { action: null, build_type: 'branch', commit_id: '', event_type: 'Manual', merge_id: null, message: '', source_branch: null, tag: null, target_branch: 'master' }
      }
    }
  ]
}

/** The run detail object (reference 1.4). */
export function renderDetail(run: RunState, ctx: RenderContext) {
  return {
    id: run.id,
    pipeline_id: run.pipelineId,
    name: ctx.pipelineName,
    description: run.description,
    manifest_version: '3.0',
    is_publish: false,
    executor_id: EXECUTOR.id,
    executor_name: EXECUTOR.name,
    status: run.status,
    trigger_type: 'Manual',
    run_number: run.runNumber,
    start_time: run.startTime,
    end_time: run.endTime,
    pause_time: run.pauseTime,
    domain_id: ctx.domainId,
    project_id: run.projectId,
    region: ctx.region,
    component_id: '',
    language: 'zh-cn',
    subject_id: run.id,
    group_id: null,
    group_name: null,
    detail_url: detailUrl(run, ctx),
    current_system_time: ctx.now,
    sources: effectiveSources(run),
    artifacts: [],
    stages: run.stages.map((s, i) => renderStage(s, i))
  }
}

function firstBuildParams(run: RunState): Record<string, unknown> {
  const first = effectiveSources(run)[0] as { params?: { build_params?: Record<string, unknown> } } | undefined
  return { action: null, build_type: 'branch', event_type: 'Manual', target_branch: null, tag: null, ...first?.params?.build_params }
}

/** One item of pipeline_runs[] (reference 1.5): no description, stage times as strings. */
export function renderListItem(run: RunState, ctx: RenderContext) {
  return {
    pipeline_id: run.pipelineId,
    pipeline_run_id: run.id,
    executor_id: EXECUTOR.id,
    executor_name: EXECUTOR.name,
    stage_status_list: run.stages.map((s, i) => ({
      id: s.id,
      name: s.template.name,
      sequence: i,
      status: s.status,
      start_time: String(s.startTime),
      end_time: String(s.endTime)
    })),
    status: run.status,
    run_number: run.runNumber,
    trigger_type: 'Manual',
    build_params: firstBuildParams(run),
    artifact_params: { version: null, branch_filter: null, package_name: null },
    start_time: run.startTime,
    end_time: run.endTime,
    detail_url: detailUrl(run, ctx),
    modify_url: modifyUrl(run, ctx)
  }
}

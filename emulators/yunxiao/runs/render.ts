// The wire shapes of a run: the POP GetPipelineRun `pipelineRun` (reference §1.4), the OpenAPI
// GetPipelineRun object (§3.2), and a list item (the same seven fields in both). Statuses are the
// vendor's words (§2); times are epoch ms, null until they happen (the stricter reading: a client
// must not take a present endTime for an ended run).
import type { FlowRun, JobRun, JobState, RunState, StageRun, StageState } from './types.js'

export interface RenderOptions {
  gateRunStatus: 'WAITING' | 'RUNNING'
  repoUrl: string
}

/** Run statuses: RUNNING, SUCCESS, FAIL (documented), CANCELED, WAITING (§2). */
export function runStatus(state: RunState, o: Pick<RenderOptions, 'gateRunStatus'>): string {
  switch (state) {
    case 'queued':
      return 'WAITING'
    case 'running':
      return 'RUNNING'
    case 'awaiting':
      return o.gateRunStatus
    case 'succeeded':
      return 'SUCCESS'
    case 'failed':
      return 'FAIL'
    case 'canceled':
      return 'CANCELED'
  }
}

/** Stage statuses: a stage not reached yet is WAITING. */
export function stageStatus(state: StageState): string {
  switch (state) {
    case 'pending':
      return 'WAITING'
    case 'running':
      return 'RUNNING'
    case 'succeeded':
      return 'SUCCESS'
    case 'failed':
      return 'FAIL'
    case 'canceled':
      return 'CANCELED'
  }
}

/**
 * Job statuses from the task list of §2. A job not started yet and a manual review waiting for
 * its reviewer are both WAITING: only the PassPipelineValidate action tells them apart, as the
 * document advises a client to check.
 */
export function jobStatus(state: JobState): string {
  switch (state) {
    case 'pending':
    case 'awaiting':
      return 'WAITING'
    case 'running':
      return 'RUNNING'
    case 'succeeded':
      return 'SUCCESS'
    case 'failed':
      return 'FAIL'
    case 'canceled':
      return 'CANCELED'
  }
}

/** Manual start through the API: triggerMode 1 ("1 manual", §1.4). */
export const TRIGGER_MODE_MANUAL = 1

interface Action {
  type: string
  title: string
  params: Record<string, unknown>
}

/** What a job offers (§1.4 "GetPipelineRun Action说明"); `disable` false: the caller may. */
function jobActions(job: JobRun, run: FlowRun): Action[] {
  const actions: Action[] = []
  if (job.state === 'awaiting') {
    actions.push({ type: 'PassPipelineValidate', title: '通过', params: { validators: [run.creatorAccountId] } })
    actions.push({ type: 'RefusePipelineValidate', title: '拒绝', params: { validators: [run.creatorAccountId] } })
  }
  if (job.state === 'running') actions.push({ type: 'StopPipelineJobRun', title: '停止', params: {} })
  if ((job.state === 'failed' || job.state === 'canceled') && (run.state === 'failed' || run.state === 'canceled')) {
    actions.push({ type: 'RetryPipelineJobRun', title: '重试', params: {} })
  }
  if (job.state !== 'pending') actions.push({ type: 'LogPipelineJobRun', title: '日志', params: { jobId: job.id } })
  return actions
}

function stageGroup(run: FlowRun): string[][] {
  return run.stages.map((s) => [s.template.name])
}

/** The code source: the pipeline's repository, with the branch (or tag) the params chose. */
function sources(run: FlowRun, o: RenderOptions) {
  const p = run.params
  const branch = p.runningBranchs[o.repoUrl] ?? p.runningTags[o.repoUrl] ?? p.branchModeBranchs[0] ?? 'master'
  // `commint` (sic, §1.4) is JSON text.
  const commint = JSON.stringify({ commitId: '0000000000000000000000000000000000e0e0e0', message: 'emulator commit' })
  return [{ sign: 'codeup_app', type: 'Codeup', data: { branch, commint, repo: o.repoUrl } }]
}

function popJob(job: JobRun, run: FlowRun) {
  return {
    id: job.id,
    name: job.template.name,
    status: jobStatus(job.state),
    startTime: job.startTime,
    endTime: job.endTime,
    params: '{}',
    actions: jobActions(job, run).map((a) => ({ type: a.type, disable: false, params: a.params }))
  }
}

function popStage(stage: StageRun, run: FlowRun) {
  return {
    name: stage.template.name,
    stageInfo: {
      name: stage.template.name,
      status: stageStatus(stage.state),
      startTime: stage.startTime,
      endTime: stage.endTime,
      jobs: stage.jobs.map((j) => popJob(j, run))
    }
  }
}

/** POP GetPipelineRun `pipelineRun` (§1.4). */
export function renderPopRun(run: FlowRun, o: RenderOptions) {
  return {
    pipelineId: run.pipelineId,
    pipelineRunId: run.runId,
    status: runStatus(run.state, o),
    triggerMode: TRIGGER_MODE_MANUAL,
    createTime: run.createTime,
    updateTime: run.updateTime,
    creatorAccountId: run.creatorAccountId,
    modifierAccountId: run.creatorAccountId,
    stageGroup: stageGroup(run),
    sources: sources(run, o),
    stages: run.stages.map((s) => popStage(s, run))
  }
}

function openApiJob(job: JobRun, run: FlowRun) {
  return {
    id: job.id,
    name: job.template.name,
    status: jobStatus(job.state),
    jobSign: job.template.jobSign,
    result: job.state === 'failed' ? job.message : null,
    params: '{}',
    startTime: job.startTime,
    endTime: job.endTime,
    actions: jobActions(job, run).map((a, i) => ({
      type: a.type,
      displayType: 'BUTTON',
      data: JSON.stringify(a.params),
      disable: false,
      name: a.type,
      order: i + 1,
      title: a.title,
      params: a.params
    }))
  }
}

/** OpenAPI GetPipelineRun (§3.2): a bare object with exactly the documented members. */
export function renderOpenApiRun(run: FlowRun, o: RenderOptions) {
  return {
    pipelineId: run.pipelineId,
    pipelineRunId: run.runId,
    status: runStatus(run.state, o),
    triggerMode: TRIGGER_MODE_MANUAL,
    createTime: run.createTime,
    updateTime: run.updateTime,
    creatorAccountId: run.creatorAccountId,
    modifierAccountId: run.creatorAccountId,
    pipelineType: null,
    globalParams: Object.entries(run.params.envs).map(([key, value]) => ({ key, value, encrypted: false })),
    groups: [],
    sources: sources(run, o),
    stageGroup: stageGroup(run),
    stages: run.stages.map((s, index) => ({
      name: s.template.name,
      index,
      stageInfo: {
        name: s.template.name,
        status: stageStatus(s.state),
        startTime: s.startTime,
        endTime: s.endTime,
        jobs: s.jobs.map((j) => openApiJob(j, run))
      }
    }))
  }
}

/** One list item, both APIs (§1.2, §3.2). No comment: the document lists none. */
export function renderListItem(run: FlowRun, o: RenderOptions) {
  return {
    pipelineId: run.pipelineId,
    pipelineRunId: run.runId,
    status: runStatus(run.state, o),
    startTime: run.startTime,
    endTime: run.endTime,
    triggerMode: TRIGGER_MODE_MANUAL,
    creatorAccountId: run.creatorAccountId
  }
}

// What both APIs do, API-neutral: check who may touch which pipeline, then start, read, list,
// stop and retry. Each returns a result or a Problem that the API words in its own shape.
import type { RunStore } from '../runs/run-store.js'
import type { FlowRun, JobRun, RunParams, YunxiaoApi } from '../runs/types.js'
import { hasEnded } from '../runs/types.js'
import { isJobRetryable } from '../runs/lifecycle.js'
import type { OrganizationConfig, YunxiaoPipelineConfig, YunxiaoUserConfig } from '../options.js'
import type { Caller } from '../auth/authenticate.js'
import { Problem } from './problems.js'
import type { RouteMatch } from './routes.js'

export interface FlowContext {
  store: RunStore
  organizations: ReadonlyMap<string, OrganizationConfig>
  users: Record<string, YunxiaoUserConfig>
  pipelines: ReadonlyMap<number, YunxiaoPipelineConfig>
  onRunCreated(): void
}

/** Flow ids in paths are decimal integers (pipeline, run, job). */
const parseId = (text: string | undefined): number | undefined => (text !== undefined && /^[1-9]\d{0,17}$/.test(text) ? Number(text) : undefined)

/**
 * The order of the checks: the caller is a registered user with access to Yunxiao, the
 * organization exists and the caller is a member, a write needs a token with write scopes, and
 * the pipeline belongs to the organization.
 */
export function resolvePipeline(route: RouteMatch, caller: Caller, ctx: FlowContext, write: boolean): YunxiaoPipelineConfig | Problem {
  const user = Object.hasOwn(ctx.users, caller.accountId) ? ctx.users[caller.accountId] : undefined
  if (user?.registered === false) return new Problem('user-not-registered', caller.accountId)
  if (user?.rdcAccess === false) return new Problem('no-rdc-access', `account ${caller.accountId} lacks AliyunRDCFullAccess`)
  const organization = ctx.organizations.get(route.organizationId)
  if (!organization) return new Problem('organization-not-found', route.organizationId)
  if (!organization.members.includes(caller.accountId)) return new Problem('not-member', `${caller.accountId} in ${route.organizationId}`)
  if (write && caller.readOnly) return new Problem('read-only-token', 'the token has no write scope on pipeline runs (流水线运行实例 读写)')
  const id = parseId(route.pipelineId)
  const pipeline = id === undefined ? undefined : ctx.pipelines.get(id)
  if (!pipeline || pipeline.organizationId !== route.organizationId) return new Problem('pipeline-not-found', route.pipelineId)
  return pipeline
}

export function findRun(route: RouteMatch, pipeline: YunxiaoPipelineConfig, ctx: FlowContext): FlowRun | Problem {
  const id = parseId(route.runId)
  const run = id === undefined ? undefined : ctx.store.get(pipeline.id, id)
  return run ?? new Problem('run-not-found', `${route.runId ?? ''} of pipeline ${pipeline.id}`)
}

export function latestRun(pipeline: YunxiaoPipelineConfig, ctx: FlowContext): FlowRun | Problem {
  return ctx.store.latest(pipeline.id) ?? new Problem('run-not-found', `pipeline ${pipeline.id} has no runs`)
}

export function startRun(pipeline: YunxiaoPipelineConfig, caller: Caller, params: RunParams, api: YunxiaoApi, ctx: FlowContext): FlowRun {
  const run = ctx.store.create({ pipeline, api, creatorAccountId: caller.accountId, params })
  ctx.onRunCreated()
  return run
}

export function stopRun(run: FlowRun, ctx: FlowContext): true | Problem {
  if (hasEnded(run)) return new Problem('run-ended', `run ${run.runId} has already ended (${run.state})`)
  ctx.store.stop(run)
  return true
}

/** The job of a run a log read names. */
export function findJob(run: FlowRun, jobIdText: string | undefined): JobRun | Problem {
  const id = parseId(jobIdText)
  const job = run.stages.flatMap((s) => s.jobs).find((j) => j.id === id)
  return job ?? new Problem('job-not-found', `${jobIdText ?? ''} in run ${run.runId}`)
}

export function retryJobRun(run: FlowRun, jobIdText: string | undefined, ctx: FlowContext): true | Problem {
  const id = parseId(jobIdText)
  const job: JobRun | undefined = run.stages.flatMap((s) => s.jobs).find((j) => j.id === id)
  if (!job) return new Problem('job-not-found', `${jobIdText ?? ''} in run ${run.runId}`)
  if (!isJobRetryable(run, job)) {
    return new Problem('job-not-retryable', `job ${job.id} is ${job.state} in a run that is ${run.state}; only a failed or canceled job of an ended run can be retried`)
  }
  ctx.store.retry(run, job)
  return true
}

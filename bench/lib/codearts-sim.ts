import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http.js'
import type { SimClock } from './sim-clock.js'

/**
 * An in-memory CodeArts Pipeline v5 service for the benchmarks, on a fake clock: the three
 * requests a watched run costs — start (POST .../run), status (GET .../pipeline-runs/detail) and
 * history (POST .../pipeline-runs/list) — answered with the documented shapes
 * (shared/reference/huawei-codearts.md §1.4, §1.5; the same fields the emulator renders).
 *
 * Why not the emulator itself: its runs move by fixed phases (one per read, or one per
 * `msPerPhase`), so it cannot give 200 runs log-normal lengths with stages of varying share, and
 * every request would cross a real socket while the clock is fake. This simulation keeps the wire
 * format (real JSON through pipeline-relay's real provider, client and dialect) and lets each run
 * follow its own plan to the millisecond.
 */

/** A part of the run, as fractions of its length. */
export interface JobPlan {
  name: string
  from: number
  to: number
}

export interface StagePlan {
  name: string
  jobs: JobPlan[]
}

export interface RunPlan {
  durationMs: number
  stages: StagePlan[]
}

export interface CodeArtsSimOptions {
  clock: SimClock
  projectId: string
  pipelineId: string
  token: string
  /** The runs that start requests create, in order. */
  plans: readonly RunPlan[]
  /** Runs that finished before the benchmark began, oldest first (they end one hour apart, the newest an hour ago). */
  history?: readonly RunPlan[]
  /** The list answers no runs, as for a pipeline that never finished one. */
  hideHistory?: boolean
  /** Time on the wire per request; the run's state is taken half-way. */
  rttMs?: number
}

interface SimRun {
  id: string
  number: number
  startedAt: number
  plan: RunPlan
}

export interface SimCounts {
  start: number
  detail: number
  list: number
}

// Also the pipeline's definition (no suffix: read before a start to check it) and an ended run's
// step outputs and artifacts (read once after it): answered, empty, so the step behaves as on the service.
const BASE_PATH = /^\/v5\/([^/]+)\/api\/pipelines\/([^/]+)(?:\/(run|pipeline-runs\/detail|pipeline-runs\/list|pipeline-runs\/[^/]+\/steps\/outputs|pipeline-runs\/[^/]+\/artifacts))?$/

export class CodeArtsSim {
  readonly counts: SimCounts = { start: 0, detail: 0, list: 0 }
  private readonly runs: SimRun[] = []
  private nextPlan = 0
  private nextNumber = 1

  constructor(private readonly options: CodeArtsSimOptions) {
    const history = options.history ?? []
    const now = options.clock.now()
    history.forEach((plan, index) => {
      const endsAt = now - (history.length - index) * 3_600_000
      this.runs.push({ id: runId(this.nextNumber), number: this.nextNumber++, startedAt: endsAt - plan.durationMs, plan })
    })
  }

  /** The run the last start request created. */
  get lastRun(): { startedAt: number; endsAt: number } | undefined {
    const run = this.runs.at(-1)
    return run === undefined || this.nextPlan === 0 ? undefined : { startedAt: run.startedAt, endsAt: run.startedAt + run.plan.durationMs }
  }

  resetCounts(): void {
    this.counts.start = 0
    this.counts.detail = 0
    this.counts.list = 0
  }

  readonly transport: Transport = async (request: HttpRequest) => {
    const half = (this.options.rttMs ?? 0) / 2
    this.options.clock.advance(half)
    const response = this.answer(request)
    this.options.clock.advance(half)
    return response
  }

  private answer(request: HttpRequest): HttpResponse {
    const url = new URL(request.url)
    const match = BASE_PATH.exec(url.pathname)
    if (match === null || match[1] !== this.options.projectId || match[2] !== this.options.pipelineId) {
      return reply(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' })
    }
    if (request.headers['X-Auth-Token'] !== this.options.token) return reply(401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' })
    const now = this.options.clock.now()
    if (match[3] === undefined) return reply(200, { id: this.options.pipelineId, variables: [], definition: JSON.stringify({ stages: [] }), sources: [] })
    if (match[3].endsWith('/steps/outputs')) return reply(200, { step_outputs: [] })
    if (match[3].endsWith('/artifacts')) return reply(200, { artifacts: [] })
    switch (match[3]) {
      case 'run':
        return this.start(now)
      case 'pipeline-runs/detail':
        return this.detail(url.searchParams.get('pipeline_run_id') ?? '', now)
      default:
        return this.list(request.body, now)
    }
  }

  private start(now: number): HttpResponse {
    this.counts.start += 1
    const plan = this.options.plans[this.nextPlan++]
    if (plan === undefined) return reply(400, { error_code: 'DEVPIPE.00011100', error_msg: 'the simulation has no more runs planned' })
    const run: SimRun = { id: runId(this.nextNumber), number: this.nextNumber++, startedAt: now, plan }
    this.runs.push(run)
    // Keep the store bounded however many runs a benchmark makes: the list never shows more than 100.
    if (this.runs.length > 200) this.runs.splice(0, this.runs.length - 200)
    return reply(200, { pipeline_run_id: run.id })
  }

  private detail(id: string, now: number): HttpResponse {
    this.counts.detail += 1
    const run = this.runs.find(candidate => candidate.id === id)
    if (run === undefined) return reply(404, { error_code: 'DEVPIPE.00011402', error_msg: `pipeline run ${id} does not exist` })
    return reply(200, this.render(run, now))
  }

  private list(body: string | undefined, now: number): HttpResponse {
    this.counts.list += 1
    const query = JSON.parse(body ?? '{}') as { limit?: number; offset?: number; status?: string[] }
    const limit = query.limit ?? 10
    const offset = query.offset ?? 0
    const listed = this.options.hideHistory === true ? [] : this.runs.filter(run => run.startedAt <= now).map(run => this.render(run, now))
    const wanted = listed.filter(run => query.status === undefined || query.status.length === 0 || query.status.includes(run.status)).sort((a, b) => b.start_time - a.start_time)
    const page = wanted.slice(offset, offset + limit).map(run => ({
      pipeline_id: run.pipeline_id,
      pipeline_run_id: run.id,
      executor_id: 'e0000000000000000000000000000001',
      executor_name: 'bench-user',
      stage_status_list: run.stages.map((stage, sequence) => ({
        id: stage.id,
        name: stage.name,
        sequence,
        status: stage.status,
        start_time: String(stage.start_time),
        end_time: String(stage.end_time)
      })),
      status: run.status,
      run_number: run.run_number,
      trigger_type: 'Manual',
      build_params: { action: null, build_type: 'branch', event_type: 'Manual', target_branch: 'master', tag: null },
      artifact_params: { version: null, branch_filter: null, package_name: null },
      start_time: run.start_time,
      end_time: run.end_time,
      detail_url: run.detail_url,
      modify_url: run.detail_url.replace('/detail/', '/modify/')
    }))
    return reply(200, { offset, limit, total: wanted.length, pipeline_runs: page })
  }

  /** The detail object of a run at `now`: parts not reached yet are INIT with times 0, as the service shows them. */
  private render(run: SimRun, now: number) {
    const elapsed = now - run.startedAt
    const length = run.plan.durationMs
    const done = elapsed >= length
    const part = (from: number, to: number) => {
      const startsAt = run.startedAt + Math.round(from * length)
      const endsAt = run.startedAt + Math.round(to * length)
      const status = now >= endsAt ? 'COMPLETED' : now >= startsAt ? 'RUNNING' : 'INIT'
      return { status, start_time: status === 'INIT' ? 0 : startsAt, end_time: status === 'COMPLETED' ? endsAt : 0 }
    }
    const detailUrl = `https://devcloud.cn-north-4.huaweicloud.com/cicd/project/${this.options.projectId}/pipeline/detail/${this.options.pipelineId}/${run.id}?v=1`
    return {
      id: run.id,
      pipeline_id: this.options.pipelineId,
      name: 'bench-pipeline',
      description: 'Started by pipeline-relay',
      manifest_version: '3.0',
      executor_id: 'e0000000000000000000000000000001',
      executor_name: 'bench-user',
      status: done ? 'COMPLETED' : 'RUNNING',
      trigger_type: 'Manual',
      run_number: run.number,
      start_time: run.startedAt,
      end_time: done ? run.startedAt + length : 0,
      pause_time: 0,
      project_id: this.options.projectId,
      region: 'cn-north-4',
      language: 'zh-cn',
      detail_url: detailUrl,
      current_system_time: now,
      sources: [],
      artifacts: [],
      stages: run.plan.stages.map((stage, sequence) => {
        const from = Math.min(...stage.jobs.map(job => job.from))
        const to = Math.max(...stage.jobs.map(job => job.to))
        return {
          id: `stage${sequence}`,
          name: stage.name,
          identifier: `stage_${sequence}`,
          sequence,
          is_select: true,
          ...part(from, to),
          pause_time: 0,
          pre: [],
          post: [],
          jobs: stage.jobs.map((job, index) => {
            const times = part(job.from, job.to)
            return {
              id: `job${sequence}${index}`,
              name: job.name,
              identifier: `job_${sequence}_${index}`,
              sequence: index,
              is_select: true,
              ...times,
              message: '',
              steps: [{ id: `step${sequence}${index}`, name: job.name, task: 'official_shell_plugin', business_type: 'Build', sequence: 0, ...times, message: '' }]
            }
          })
        }
      })
    }
  }
}

function runId(number: number): string {
  return `r${String(number).padStart(31, '0')}`
}

function reply(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', 'x-request-id': 'sim' }, body: JSON.stringify(body) }
}

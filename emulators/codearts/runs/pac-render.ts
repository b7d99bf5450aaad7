// The v6 wire shapes (reference §3): every field is a string, and the detail comes in snake_case
// (current pages) or camelCase (an older page), as the emulator is told.
import type { PipelineConfig } from '../options.js'
import type { RunState } from './types.js'
import { EXECUTOR } from './render.js'

export type PacCasing = 'snake' | 'camel'

const time = (ms: number): string => (ms > 0 ? String(ms) : '')

function branchOf(run: RunState): string {
  const params = (run.sources[0] as { params?: { build_params?: { target_branch?: string } } } | undefined)?.params
  return params?.build_params?.target_branch ?? 'main'
}

function recase(record: Record<string, unknown>, casing: PacCasing): Record<string, unknown> {
  if (casing === 'snake') return record
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      key.replace(/_([a-z])/g, (_all, letter: string) => letter.toUpperCase()),
      Array.isArray(value) ? value.map(item => (item !== null && typeof item === 'object' ? recase(item as Record<string, unknown>, casing) : item)) : value
    ])
  )
}

export function renderPacDetail(run: RunState, pipeline: PipelineConfig, casing: PacCasing): Record<string, unknown> {
  return recase(
    {
      pipeline_id: run.pipelineId,
      pipeline_name: pipeline.name ?? pipeline.id,
      pipeline_run_id: run.id,
      pipeline_run_name: `${pipeline.name ?? 'pipeline'} #${run.runNumber}`,
      start_time: time(run.startTime),
      end_time: time(run.endTime),
      status: run.status,
      trigger_type: 'Manual',
      actor: EXECUTOR.name,
      run_number: String(run.runNumber),
      commit_id: '',
      file_commit_id: '',
      branch: branchOf(run),
      jobs: run.stages.flatMap(stage =>
        stage.jobs.map(job => ({
          job_run_id: job.id,
          name: job.template.name,
          stage_name: stage.template.name,
          status: job.status,
          start_time: time(job.startTime),
          end_time: time(job.endTime),
          message: job.message
        }))
      )
    },
    casing
  )
}

export function renderPacListItem(run: RunState, pipeline: PipelineConfig): Record<string, unknown> {
  return {
    pipeline_id: run.pipelineId,
    pipeline_run_id: run.id,
    actor: EXECUTOR.name,
    pipeline_name: pipeline.name ?? pipeline.id,
    status: run.status,
    run_number: String(run.runNumber),
    event: 'Manual',
    branch: branchOf(run),
    start_time: time(run.startTime),
    end_time: time(run.endTime),
    commit_id: '',
    pipeline_run_name: `${pipeline.name ?? 'pipeline'} #${run.runNumber}`,
    https_url: pipeline.pac?.repositoryUrl ?? '',
    file_path: pipeline.pac?.filePath ?? ''
  }
}

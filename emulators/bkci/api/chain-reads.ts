// The reads a chain makes besides the build operations: BuildManualStartupInfo (build_manual_startup_info,
// v3 manualStartupInfo; reference §1.2, §3.4) and Page<FileInfo> (artifactories/file_info, next-capabilities §4).
import type { ApiRequest } from '../../shared/api-types.js'
import type { Build } from '../builds/types.js'
import type { BkciPipelineConfig } from '../options.js'
import { type BkciError, paramInvalid } from './errors.js'

/** BuildFormProperty of each declared parameter, the fields parseTriggerParam reads among them. */
export function renderStartupInfo(pipeline: BkciPipelineConfig) {
  return {
    canManualStartup: true,
    canElementSkip: true,
    properties: (pipeline.params ?? []).map((p) => ({
      id: p.id,
      name: p.id,
      required: p.required ?? true,
      constant: p.constant ?? false,
      type: 'STRING',
      defaultValue: p.defaultValue ?? '',
      value: null,
      options: null,
      desc: p.desc ?? null,
      readOnly: p.constant === true ? true : (p.readOnly ?? false),
      valueNotEmpty: p.valueNotEmpty ?? false
    })),
    buildNo: null
  }
}

/** The build's archived files; `pageSize` left out returns them all, as the document says. */
export function renderFileInfo(build: Build, request: ApiRequest): unknown {
  const page = readPositive(request, 'page', 1)
  const all = [...build.artifacts.values()]
  const pageSize = readPositive(request, 'pageSize', Math.max(all.length, 1))
  if (typeof page !== 'number') return page
  if (typeof pageSize !== 'number') return pageSize
  const records = all.slice((page - 1) * pageSize, page * pageSize).map((file) => ({
    name: file.name,
    fullName: file.name,
    path: `/${build.pipelineId}/${build.id}/${file.name}`,
    fullPath: `/${build.pipelineId}/${build.id}/${file.name}`,
    size: file.size,
    folder: false,
    modifiedTime: Math.floor(file.modifiedTime / 1000),
    artifactoryType: 'PIPELINE',
    properties: [],
    md5: null,
    // No download URL: file_info does not make one (user_download_url does).
    downloadUrl: null
  }))
  return { count: all.length, page, pageSize, totalPages: Math.ceil(all.length / pageSize), records }
}

function readPositive(request: ApiRequest, name: string, fallback: number): number | BkciError {
  const text = request.query.get(name)
  if (text === null || text === '') return fallback
  return /^[1-9]\d{0,5}$/.test(text) ? Number(text) : paramInvalid(`${name} must be a positive integer`)
}

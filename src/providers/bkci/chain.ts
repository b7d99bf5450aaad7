import type { HttpMethod } from '../../core/http.js'
import type { BkciApi } from '../../inputs/bkci.js'
import type { Artifact, DeclaredVariable, PipelineDeclaration, RunResults, StepState } from '../types.js'
import { arrayOf, numberOf, record, stringOf, type JsonRecord } from '../json.js'
import { pathSegment } from '../ids.js'
import { partStatus } from './status.js'
import { looksLikeId } from '../../inputs/fields.js'

/**
 * What a bk-ci pipeline declares before a start, and what a build produced after it
 * (reference/tencent-bkci.md §1.2, §1.4, §2.4; next-capabilities.md §4). Kept apart from the build
 * routes: these are reads for chaining, not part of following a build.
 */

export type ChainRead = 'startupInfo' | 'artifacts'

interface ChainRoute {
  method: HttpMethod
  path: string
  /** Ids that travel in the query (v4). */
  ids: readonly ('pipelineId' | 'buildId')[]
}

/**
 * v4: build_manual_startup_info (§1.2) and artifactories/file_info (next-capabilities §4, the v4 gateway
 * resource v4_app_artifactory_list). v3: manualStartupInfo (§1.3); no v3 artifact list is documented.
 */
const CHAIN_ROUTES: Readonly<Record<BkciApi, Partial<Record<ChainRead, ChainRoute>>>> = {
  v4: {
    startupInfo: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/build_manual_startup_info', ids: ['pipelineId'] },
    artifacts: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/artifactories/file_info', ids: ['pipelineId', 'buildId'] }
  },
  v3: {
    startupInfo: { method: 'GET', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/manualStartupInfo', ids: [] }
  }
}

export interface ChainRouteIds {
  projectId: string
  pipelineId: string
  buildId?: string
}

/** The route of a chain read, or undefined where the API flavour has none. */
export function chainRoute(api: BkciApi, read: ChainRead, ids: ChainRouteIds): { method: HttpMethod; path: string; query: Record<string, string> } | undefined {
  const template = CHAIN_ROUTES[api][read]
  if (template === undefined) return undefined
  const value = (name: keyof ChainRouteIds): string => {
    const id = ids[name]
    if (id === undefined) throw new Error(`bkci ${read} needs ${name}`)
    return id
  }
  const path = template.path.replace(/\{(projectId|pipelineId|buildId)\}/g, (_, name: keyof ChainRouteIds) => pathSegment(value(name)))
  const query: Record<string, string> = {}
  for (const name of template.ids) query[name] = value(name)
  return { method: template.method, path, query }
}

/**
 * Start keys bk-ci honours although no pipeline declares them (PipelineBuildService, reference §1.4). BK_CI_BUILD_MSG
 * is left out: the provider sets it (the build message carries the correlation mark).
 */
export const UNDECLARED_START_KEYS = ['BK_CI_MATERIAL_ID', 'BK_CI_MATERIAL_NAME', 'BK_CI_MATERIAL_URL', 'BK_CI_PIPELINE_NAME'] as const

/**
 * The variables of BuildManualStartupInfo.properties[] (BuildFormProperty), read as bk-ci's start does
 * (V2BuildParametersCompatibilityTransformer.parseTriggerParam in TencentBlueKing/bk-ci):
 * - `id` is the name a start value is keyed by;
 * - settable: `constant` is not true. A constant always takes its `defaultValue`, whatever the start sends.
 *   `readOnly` is not looked at by the start (it marks the field in the console), and `required` is the
 *   "shown on the start form" flag (入参): a value for a variable without it is still taken today;
 * - required: `valueNotEmpty` is true and `defaultValue` is empty: such a start is refused with 2101254.
 * Only declared variables are taken from the start values; the others are dropped without a word (reference §1.4).
 */
export function declarationOf(info: unknown): PipelineDeclaration {
  const variables: DeclaredVariable[] = []
  for (const property of arrayOf(record(info).properties)) {
    const name = stringOf(property.id)
    if (name === undefined) continue
    const settable = property.constant !== true
    variables.push({ name, settable, required: settable && property.valueNotEmpty === true && isEmpty(property.defaultValue) })
  }
  for (const name of UNDECLARED_START_KEYS) if (!variables.some(variable => variable.name === name)) variables.push({ name, settable: true, required: false })
  // A bk-ci start runs the whole pipeline (jobs is refused on run), so its jobs are not listed.
  return { variables }
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true
  if (typeof value === 'string') return value === ''
  return Array.isArray(value) && value.length === 0
}

// bk-ci's own built-in variables are named BK_CI_… (BK_CI_BUILD_ID, BK_CI_START_USER_ID…): listed after the
// pipeline's own, so that the core's bound on the number of outputs drops them first.
const BUILT_IN = /^BK_CI_/

/**
 * What a build produced: build_status `variables` (every build variable, including those a step set with
 * `::set-variable`; next-capabilities §4), the attempt (`executeCount`, where the answer has it), and the
 * artifacts of artifactories/file_info.
 */
export function resultsOf(status: unknown, files: unknown | undefined, attempt: number | undefined): RunResults {
  const variables = record(record(status).variables)
  const own: [string, string][] = []
  const builtIn: [string, string][] = []
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value !== 'string') continue
    ;(BUILT_IN.test(name) ? builtIn : own).push([name, value])
  }
  const results: RunResults = { outputs: Object.fromEntries([...own, ...builtIn]) }
  const executeCount = numberOf(record(status).executeCount) ?? attempt
  if (executeCount !== undefined) results.attempt = executeCount
  if (files !== undefined) results.artifacts = artifactsOf(files)
  return results
}

/** Page<FileInfo>.records: files, not folders; the name with its path (fullName), the size, a download link where given. */
function artifactsOf(page: unknown): Artifact[] {
  return arrayOf(record(page).records)
    .filter(file => file.folder !== true)
    .map((file: JsonRecord) => {
      const artifact: Artifact = { name: stringOf(file.fullName) ?? stringOf(file.name) ?? stringOf(file.fullPath) ?? '(unnamed)' }
      const size = numberOf(file.size)
      if (size !== undefined) artifact.size = size
      // file_info gives no URL by default (user_download_url makes one); a downloadUrl or shortUrl it does give is passed on.
      const url = stringOf(file.downloadUrl) ?? stringOf(file.shortUrl)
      if (url !== undefined) artifact.url = url
      return artifact
    })
}

/**
 * A job's steps (bk-ci elements): the element id is a taskId a retry takes, so retry `jobs` can name a step. The
 * reference gives element ids only a prefix (`e-`), so an id is taken when it has the form the jobs input takes
 * for an id (it goes into the retry query and the log); another one is left empty, which no name resolves to.
 */
export function stepsOf(container: JsonRecord): StepState[] {
  return arrayOf(container.elements).map(element => {
    const id = stringOf(element.id) ?? stringOf(element.stepId)
    return {
      id: id !== undefined && looksLikeId(id) ? id : '',
      name: stringOf(element.name) ?? stringOf(element.atomCode) ?? '(unnamed step)',
      status: partStatus(stringOf(element.status) ?? '')
    }
  })
}

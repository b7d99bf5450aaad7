import type { CommonSettings } from './common.js'
import { ID_32, readHuaweiCredentials, readHuaweiEndpoint, type HuaweiCredentials } from './codearts.js'
import { readRepositoryUrl } from './fields.js'
import { invalid, type Given, type InputName, type Read } from './names.js'
import { readHuaweiProjectScope, type HuaweiProjectScope } from './huawei-scope.js'

/**
 * Inputs of `codearts-pac`: GitCode pipelines through the CodeArts v6 API
 * (reference/huawei-codearts.md §3). Same hosts and sign-in as `codearts`; the account is a
 * domain id, and a run is started from a repository and the pipeline file in it.
 */

export interface CodeArtsPacSettings extends CommonSettings {
  readonly provider: 'codearts-pac'
  /** The Huawei account (tenant) id, 32 characters. */
  readonly domainId: string
  readonly region: string
  readonly endpoint: string
  readonly credentials: HuaweiCredentials
  /** The IAM project the requests are scoped to (X-Project-Id), as for codearts. */
  readonly projectScope: HuaweiProjectScope
  /** The GitCode token the service reads the repository with (`access_token`); a secret. */
  readonly gitcodeToken?: string
  /** run: the repository's https URL (`https_url`). */
  readonly repositoryUrl?: string
  /** run: the pipeline file's path in the repository (`file_path`). */
  readonly pipelineFile?: string
  /** run: the commit to build (`commit_id`, 40 hex digits). */
  readonly commit?: string
}

export const CODEARTS_PAC_INPUTS: readonly InputName[] = [
  'domain_id',
  'iam_project_id',
  'iam_endpoint',
  'region',
  'endpoint',
  'token',
  'access_key_id',
  'access_key_secret',
  'security_token',
  'gitcode_token',
  'repository_url',
  'pipeline_file',
  'commit'
]

export function readCodeArtsPac(common: CommonSettings, read: Read, given: Given): CodeArtsPacSettings {
  if (!given('domain_id')) throw invalid('domain_id', 'is required for codearts-pac: the Huawei account id (32 characters, "My Credentials" in the console)')
  if (!ID_32.test(read('domain_id'))) throw invalid('domain_id', `"${read('domain_id')}" is not a Huawei account id: 32 letters and digits`)
  if (common.pipelineId !== '' && !ID_32.test(common.pipelineId)) throw invalid('pipeline_id', `"${common.pipelineId}" is not a CodeArts pipeline id: 32 letters and digits`)
  if (common.runId !== undefined && !ID_32.test(common.runId)) throw invalid('run_id', `"${common.runId}" is not a CodeArts run id: 32 letters and digits`)

  const runOnly = ['repository_url', 'pipeline_file', 'commit'] as const
  if (common.operation === 'run') {
    if (common.pipelineId !== '') throw invalid('pipeline_id', 'is not used by codearts-pac to start a run: the run is found by repository_url and pipeline_file, and its answer gives the pipeline id (output pipeline_id)')
    if (!given('repository_url')) throw invalid('repository_url', "is required to start a GitCode pipeline: the repository's https URL, e.g. https://gitcode.com/group/project.git")
    if (!given('pipeline_file')) throw invalid('pipeline_file', 'is required to start a GitCode pipeline: the path of the pipeline file in the repository, e.g. .gitcode/workflows/build.yml')
  } else {
    for (const name of runOnly) if (given(name)) throw invalid(name, `is only used with operation run, not ${common.operation}`)
  }
  const repositoryUrl = given('repository_url') ? readRepositoryUrl(read('repository_url'), 'repository_url', 'https://gitcode.com/group/project.git', 'gitcode_token') : undefined
  if (given('pipeline_file') && (/^\/|\.\.|\\/.test(read('pipeline_file')) || !/\.ya?ml$/i.test(read('pipeline_file')))) {
    throw invalid('pipeline_file', `"${read('pipeline_file')}" is not a path to a YAML file inside the repository (relative, no "..", ending in .yml or .yaml)`)
  }
  if (given('commit') && !/^[0-9a-f]{40}$/i.test(read('commit'))) throw invalid('commit', `"${read('commit')}" is not a full commit id: 40 hex digits`)
  if (common.variables.length > 0) throw invalid('variables', 'are not taken by the GitCode pipeline run API; put them in the pipeline file')
  if (common.message !== undefined) throw invalid('message', 'is not taken by the GitCode pipeline run API')
  if (common.jobs.length > 0) throw invalid('jobs', 'is not used by codearts-pac: a run runs its whole pipeline file, and a rerun re-runs the run')
  if (common.skipFailed) throw invalid('skip_failed', 'is only supported by bkci')
  if (common.operation === 'retry' && !common.failedOnly) throw invalid('failed_only', 'false is not supported by codearts-pac: its rerun is decided by the service')
  if (given('gitcode_token') && /\s/.test(read('gitcode_token'))) throw invalid('gitcode_token', 'contains white space')

  const where = readHuaweiEndpoint(read, given)
  const credentials = readHuaweiCredentials(read, given)
  return {
    ...common,
    provider: 'codearts-pac',
    domainId: read('domain_id'),
    ...where,
    credentials,
    projectScope: readHuaweiProjectScope(read, given, where.region, credentials),
    gitcodeToken: given('gitcode_token') ? read('gitcode_token') : undefined,
    repositoryUrl,
    pipelineFile: given('pipeline_file') ? read('pipeline_file') : undefined,
    commit: given('commit') ? read('commit').toLowerCase() : undefined
  }
}


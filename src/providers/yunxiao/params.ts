import { markedMessage } from '../mark.js'
import type { StartRequest } from '../types.js'

/**
 * The `params` of a Flow run start: a JSON text with the documented keys (reference/aliyun-yunxiao.md §1.3, used by
 * both APIs): `envs` (variables), `runningBranchs` / `branchModeBranchs` (branch), `runningTags` (tag), `comment`.
 */

/**
 * `repository` is the URL of the pipeline's (first) code source, exactly as the pipeline names it: the branch and
 * tag maps are keyed by it. It is needed only when a branch or tag is given.
 *
 * A branch goes both into `runningBranchs` (a pipeline that builds a branch of that repository) and into
 * `branchModeBranchs` (a pipeline in branch mode, which takes a list of branches); each kind of pipeline reads its
 * own key, and which kind this one is cannot be read through the API.
 */
export function buildRunParams(request: StartRequest, repository?: string): string {
  const params: Record<string, unknown> = {}
  if (request.variables.length > 0) params.envs = Object.fromEntries(request.variables.map(({ name, value }) => [name, value]))
  if ((request.branch !== undefined || request.tag !== undefined) && repository === undefined) {
    throw new TypeError('buildRunParams: a branch or tag needs the repository of the pipeline')
  }
  if (request.branch !== undefined && repository !== undefined) {
    params.runningBranchs = { [repository]: request.branch }
    params.branchModeBranchs = [request.branch]
  }
  if (request.tag !== undefined && repository !== undefined) params.runningTags = { [repository]: request.tag }
  params.comment = markedMessage(request)
  return JSON.stringify(params)
}

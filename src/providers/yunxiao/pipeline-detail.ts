import type { YunxiaoApi } from '../../inputs/yunxiao.js'
import { pathSegment } from '../ids.js'
import { arrayOf, record, stringOf } from '../json.js'
import type { Route } from './routes.js'

/**
 * The pipeline itself (GetPipeline), for its code sources. Both APIs answer the same pipeline model, bare (OpenAPI
 * `GET /oapi/v1/flow[/organizations/{org}]/pipelines/{id}`, as aliyun/alibabacloud-devops-mcp-server calls it) or in
 * `pipeline` (POP `GET /organization/{org}/pipelines/{id}`, reference/aliyun-yunxiao.md §1.2, model
 * GetPipelineResponseBody of the official SDK): `pipelineConfig.sources[{type, sign, data{repo, branch, ...}}]`.
 *
 * It does not list the pipeline's variables: `pipelineConfig.flow` is the pipeline's YAML text and `settings` a JSON
 * text, neither documented beyond an example, and no field of either is documented as the variables a run takes. So
 * the yunxiao provider declares no variables (no describePipeline): a start's variables are not checked against
 * the pipeline, and only the reserved name (version) is refused, by the input reader.
 */
export function pipelineRoute(api: YunxiaoApi, pipelineId: string, organizationId: string | undefined): Route {
  if (api === 'openapi') {
    const org = organizationId === undefined ? '' : `/organizations/${pathSegment(organizationId)}`
    return { method: 'GET', path: `/oapi/v1/flow${org}/pipelines/${pathSegment(pipelineId)}` }
  }
  if (organizationId === undefined) throw new TypeError('yunxiao devops-2021-06-25 needs an organization (the settings reader ensures it)')
  return { method: 'GET', path: `/organization/${pathSegment(organizationId)}/pipelines/${pathSegment(pipelineId)}` }
}

/** The repository URL of the pipeline's first code source that names one, from a GetPipeline answer. */
export function firstRepository(answer: unknown): string | undefined {
  const body = record(answer)
  const pipeline = body.pipeline !== null && typeof body.pipeline === 'object' && !Array.isArray(body.pipeline) ? record(body.pipeline) : body
  return repositoryOfSources(record(pipeline.pipelineConfig).sources)
}

/** The first `data.repo` of a `sources` list (a pipeline's or a run's). */
export function repositoryOfSources(sources: unknown): string | undefined {
  return arrayOf(sources)
    .map(source => stringOf(record(source.data).repo))
    .find((repo): repo is string => repo !== undefined)
}

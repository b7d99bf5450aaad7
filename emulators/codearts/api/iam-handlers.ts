// IAM's KeystoneListProjects, the one IAM call a client makes to learn the X-Project-Id of a region
// (what the official SDK's BasicCredentials does without a project id). The answer has the
// documented shape: {"projects": [{id, name, domain_id, description, enabled, is_domain,
// parent_id, links}], "links": {self, previous, next}}. A name with no project gives an empty list,
// not an error.
import type { IamProject } from '../options.js'
import type { ApiRequest, ApiResponse } from './api-types.js'

export interface IamContext {
  projects: readonly IamProject[]
  domainId: string
}

export function handleListProjects(request: ApiRequest, ctx: IamContext): ApiResponse {
  const base = `http://${request.headers.host ?? '127.0.0.1'}`
  const name = request.query.get('name')
  const listed = ctx.projects.filter(project => name === null || project.name === name)
  const regionProject = (sub: IamProject) => ctx.projects.find(project => project.name === sub.name.split('_')[0])
  return {
    status: 200,
    // IAM names its request ids X-IAM-Trace-Id (the SDK quotes it in its errors).
    headers: { 'X-IAM-Trace-Id': request.requestId },
    body: {
      projects: listed.map(project => ({
        id: project.id,
        name: project.name,
        domain_id: ctx.domainId,
        description: '',
        enabled: true,
        is_domain: false,
        // A region's project belongs to the account; a sub-project to its region's project.
        parent_id: project.name.includes('_') ? (regionProject(project)?.id ?? ctx.domainId) : ctx.domainId,
        links: { self: `${base}/v3/projects/${project.id}` }
      })),
      links: { self: `${base}${request.url}`, previous: null, next: null }
    }
  }
}

/** The projects of one region: the one named after it and its sub-projects. */
export function projectsOfRegion(projects: readonly IamProject[], region: string): IamProject[] {
  return projects.filter(project => project.name === region || project.name.startsWith(`${region}_`))
}

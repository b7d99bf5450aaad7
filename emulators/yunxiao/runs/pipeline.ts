// GetPipeline's pipeline model (the official SDK's GetPipelineResponseBody, reference §1.2): the code sources in
// `pipelineConfig.sources`, the pipeline's YAML as text in `flow`. Whether the pipeline ever ran plays no part.
import type { YunxiaoPipelineConfig } from '../options.js'

export function renderPipeline(pipeline: YunxiaoPipelineConfig) {
  const sources = pipeline.repoUrl === undefined
    ? []
    : [
        {
          sign: 'codeup_app',
          type: 'Codeup',
          data: { repo: pipeline.repoUrl, branch: 'master', isBranchMode: false, isTrigger: false, isCloneDepth: false, isSubmodule: false, label: 'app', credentialType: 'region-ssh' }
        }
      ]
  return {
    name: pipeline.name ?? `pipeline-${pipeline.id}`,
    createTime: 1_700_000_000_000,
    updateTime: 1_700_000_000_000,
    creatorAccountId: 'emulator',
    modifierAccountId: 'emulator',
    envId: 0,
    envName: '日常环境',
    groupId: 0,
    tagList: [],
    pipelineConfig: {
      flow: `schema: tb\npipeline:\n  - name: ${pipeline.scenario}\n`,
      settings: '{}',
      sources
    }
  }
}

/**
 * CodeArts Pipeline endpoints by region, from the official SDK region file
 * (huaweicloud-sdk-nodejs-v3 3.1.209 CodeArtsPipelineRegion.ts, identical in the Python SDK 3.1.211;
 * see reference/huawei-codearts.md §1.7). Three host prefixes: never derive a host from a pattern.
 */
export const CODEARTS_ENDPOINTS: Readonly<Record<string, string>> = {
  'cn-north-1': 'https://cloudpipeline-ext.cn-north-1.myhuaweicloud.com',
  'cn-north-4': 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
  'cn-south-1': 'https://cloudpipeline-ext.cn-south-1.myhuaweicloud.com',
  'cn-south-2': 'https://cloudpipeline-ext.cn-south-2.myhuaweicloud.com',
  'cn-east-3': 'https://cloudpipeline-ext.cn-east-3.myhuaweicloud.com',
  'cn-east-2': 'https://cloudpipeline-ext.cn-east-2.myhuaweicloud.com',
  'cn-southwest-2': 'https://cloudpipeline-ext.cn-southwest-2.myhuaweicloud.com',
  'ap-southeast-3': 'https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com',
  'sa-brazil-1': 'https://cloudpipeline-ext.sa-brazil-1.myhuaweicloud.com',
  'la-north-2': 'https://cloudpipeline-ext.la-north-2.myhuaweicloud.com',
  'tr-west-1': 'https://pipeline-external.tr-west-1.myhuaweicloud.com',
  'la-south-2': 'https://pipeline-external.la-south-2.myhuaweicloud.com',
  'af-north-1': 'https://pipeline.af-north-1.myhuaweicloud.com',
  'me-east-1': 'https://pipeline.me-east-1.myhuaweicloud.com',
  'af-south-1': 'https://pipeline.af-south-1.myhuaweicloud.com'
}

export const DEFAULT_REGION = 'cn-north-4'

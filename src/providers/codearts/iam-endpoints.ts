/**
 * Where the official SDK asks IAM for the project id of a region, in its order
 * (huaweicloud-sdk-python-v3 3.1.211, huaweicloud-sdk-core/huaweicloudsdkcore/auth/internal.py
 * `IamHelper.get_iam_endpoint`, and auth/credentials.py `BasicCredentials.process_auth_params`):
 * the endpoint set on the credentials (our `iam_endpoint` input), else the environment variable
 * HUAWEICLOUD_SDK_IAM_ENDPOINT, else the region's own IAM endpoint from the SDK's table
 * (auth/endpoint.py `__IAM_ENDPOINT_DICT`), else the global https://iam.myhuaweicloud.com.
 */

export const IAM_ENDPOINT_VARIABLE = 'HUAWEICLOUD_SDK_IAM_ENDPOINT'

export const GLOBAL_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com'

// The regions of that table. Every entry there has the form https://iam.<region>.myhuaweicloud.com,
// so the list of regions is the table; a region not in it falls back to the global endpoint.
const REGIONS_WITH_IAM_ENDPOINT: ReadonlySet<string> = new Set([
  'cn-north-1',
  'cn-north-2',
  'cn-north-4',
  'cn-north-9',
  'cn-north-12',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-east-5',
  'cn-south-1',
  'cn-south-2',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'af-south-1',
  'sa-brazil-1',
  'la-south-2',
  'la-north-2',
  'na-mexico-1',
  'eu-west-0',
  'my-kualalumpur-1',
  'ru-moscow-1',
  'me-east-1',
  'ae-ad-1',
  'tr-west-1'
])

/** The SDK's IAM endpoint for a region, when no endpoint was set: its table, else the global one. */
export function regionIamEndpoint(region: string): string {
  return REGIONS_WITH_IAM_ENDPOINT.has(region) ? `https://iam.${region}.myhuaweicloud.com` : GLOBAL_IAM_ENDPOINT
}

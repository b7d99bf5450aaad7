// The fixed world tests, the demo and benchmarks share. Every value is obviously fake.
import type { YunxiaoEmulatorOptions, YunxiaoPipelineConfig } from './options.js'

export const DEMO_FIXTURE = {
  /** The organization (24 hex digits) that owns the scenario pipelines. */
  organizationId: 'eeeeeeee00000000000e0001',
  /** An organization `accounts.member` is not in; it owns `pipelines.other`. */
  otherOrganizationId: 'eeeeeeee00000000000e0002',
  /** Numeric pipeline ids, one per scenario. */
  pipelines: {
    succeed: 9000001,
    fail: 9000002,
    gate: 9000003,
    long: 9000004,
    /** Plays `succeed`, in otherOrganizationId. */
    other: 9000005
  },
  /** Account ids (aliyunPk form, 16 digits). */
  accounts: {
    member: '1000000000000001',
    /** Registered, but a member of otherOrganizationId only. */
    outsider: '1000000000000002',
    /** A RAM user that is not a registered Yunxiao user. */
    unregistered: '1000000000000003',
    /** A RAM user without AliyunRDCFullAccess. */
    noPermission: '1000000000000004'
  },
  /** OpenAPI personal access tokens (x-yunxiao-token). */
  token: 'pt-EmulatorFakeToken00000000001_0000',
  readOnlyToken: 'pt-EmulatorFakeReadOnly000000002_0000',
  expiredToken: 'pt-EmulatorFakeExpired0000000003_0000',
  /** Belongs to accounts.outsider. */
  outsiderToken: 'pt-EmulatorFakeOutsider00000004_0000',
  /** POP AccessKey pairs (24-character ids, 30-character secrets). */
  accessKey: { accessKeyId: 'LTAIEmulatorFakeKey00001', accessKeySecret: 'EmulatorFakeAccessKeySecret001' },
  /** STS credentials: requests must carry x-acs-security-token, signed. */
  temporaryAccessKey: {
    accessKeyId: 'STS.EmulatorFakeStsKey001',
    accessKeySecret: 'EmulatorFakeStsAccessSecret001',
    securityToken: 'EmulatorFakeStsSecurityToken+/=0001'
  },
  /** accounts.outsider: Forbidden.UserNotInCurrentOrganization. */
  outsiderAccessKey: { accessKeyId: 'LTAIEmulatorFakeKey00002', accessKeySecret: 'EmulatorFakeAccessKeySecret002' },
  /** accounts.unregistered: InvalidUser.NotFound. */
  unregisteredAccessKey: { accessKeyId: 'LTAIEmulatorFakeKey00003', accessKeySecret: 'EmulatorFakeAccessKeySecret003' },
  /** accounts.noPermission: InvalidParam.NoPermission. */
  noPermissionAccessKey: { accessKeyId: 'LTAIEmulatorFakeKey00004', accessKeySecret: 'EmulatorFakeAccessKeySecret004' },
  /** The Codeup repository every demo pipeline builds. */
  repoUrl: 'https://codeup.aliyun.com/eeeeeeee00000000000e0001/emulator/app.git'
} as const

function demoPipelines(): YunxiaoPipelineConfig[] {
  const { organizationId, otherOrganizationId, pipelines, repoUrl } = DEMO_FIXTURE
  return [
    { id: pipelines.succeed, organizationId, name: 'emulator-succeed', scenario: 'succeed', repoUrl },
    { id: pipelines.fail, organizationId, name: 'emulator-fail', scenario: 'fail', repoUrl },
    { id: pipelines.gate, organizationId, name: 'emulator-gate', scenario: 'gate', repoUrl },
    { id: pipelines.long, organizationId, name: 'emulator-long', scenario: 'long', repoUrl },
    { id: pipelines.other, organizationId: otherOrganizationId, name: 'emulator-other-organization', scenario: 'succeed', repoUrl }
  ]
}

/** The demo world as emulator options; `overrides` win field by field. */
export function defaultYunxiaoOptions(overrides: YunxiaoEmulatorOptions = {}): YunxiaoEmulatorOptions {
  const f = DEMO_FIXTURE
  const a = f.accounts
  return {
    organizations: [
      { id: f.organizationId, members: [a.member, a.unregistered, a.noPermission] },
      { id: f.otherOrganizationId, members: [a.outsider] }
    ],
    users: {
      [a.member]: { name: 'emulator-user' },
      [a.outsider]: { name: 'emulator-outsider' },
      [a.unregistered]: { name: 'emulator-ram-unregistered', registered: false },
      [a.noPermission]: { name: 'emulator-ram-no-policy', rdcAccess: false }
    },
    pipelines: demoPipelines(),
    tokens: {
      [f.token]: { accountId: a.member },
      [f.readOnlyToken]: { accountId: a.member, readOnly: true },
      [f.expiredToken]: { accountId: a.member, expired: true },
      [f.outsiderToken]: { accountId: a.outsider }
    },
    accessKeys: {
      [f.accessKey.accessKeyId]: { accessKeySecret: f.accessKey.accessKeySecret, accountId: a.member },
      [f.temporaryAccessKey.accessKeyId]: {
        accessKeySecret: f.temporaryAccessKey.accessKeySecret,
        securityToken: f.temporaryAccessKey.securityToken,
        accountId: a.member
      },
      [f.outsiderAccessKey.accessKeyId]: { accessKeySecret: f.outsiderAccessKey.accessKeySecret, accountId: a.outsider },
      [f.unregisteredAccessKey.accessKeyId]: { accessKeySecret: f.unregisteredAccessKey.accessKeySecret, accountId: a.unregistered },
      [f.noPermissionAccessKey.accessKeyId]: { accessKeySecret: f.noPermissionAccessKey.accessKeySecret, accountId: a.noPermission }
    },
    ...overrides
  }
}

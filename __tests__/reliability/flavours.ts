/**
 * The six provider worlds of the end-to-end suites (every provider, both API flavours where a
 * system has two), with what the reliability suites need to know about each vendor beyond the
 * World interface: its business-error body, how it says a credential expired, whether it signs
 * requests with the time (and so can reject a skewed clock).
 */
import type { AdvanceMode } from '../../emulators/shared/advance.js'
import { bkciWorld } from '../e2e/worlds/bkci.js'
import { codeArtsPacWorld } from '../e2e/worlds/codearts-pac.js'
import { codeArtsWorld } from '../e2e/worlds/codearts.js'
import type { World, WorldFault } from '../e2e/worlds/types.js'
import { yunxiaoWorld } from '../e2e/worlds/yunxiao.js'

export type FlavourId = 'codearts' | 'codearts-pac' | 'yunxiao-openapi' | 'yunxiao-pop' | 'bkci-v4' | 'bkci-v3'

/** Emulator options every vendor's emulator takes. */
export interface EmulatorClock {
  now?: () => number
  advance?: AdvanceMode
}

export interface Flavour {
  readonly id: FlavourId
  make(options?: EmulatorClock): World
  /** A well-formed run id, for operations against an endpoint no request ever reaches. */
  readonly placeholderRunId: string
  /** A business refusal in a 2xx answer, and how the error that reports it reads. */
  readonly vendorError: { body: unknown; cause: RegExp }
  /** The vendor's answer when a credential expired or was revoked mid-wait, and the fix hint expected. */
  readonly expiredCredential: { fault: Omit<Extract<WorldFault, { kind: 'status' }>, 'on'>; hint: RegExp }
  /** Signed with the request time: the vendor refuses a clock more than 15 minutes off. */
  readonly signsWithTime: boolean
}

const HUAWEI_EXPIRED = {
  fault: { kind: 'status', status: 401, errorCode: 'APIGW.0301', errorMsg: 'Incorrect IAM authentication information: ak EMULATORAK0000000001 not exist' },
  hint: /access key id is unknown to Huawei Cloud IAM/
} as const

export const FLAVOURS: Readonly<Record<FlavourId, Flavour>> = {
  codearts: {
    id: 'codearts',
    make: options => codeArtsWorld(options),
    placeholderRunId: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4',
    vendorError: { body: { error_code: 'DEVPIPE.00011401', error_msg: 'The pipeline does not exist or has been deleted' }, cause: /DEVPIPE\.00011401/ },
    expiredCredential: HUAWEI_EXPIRED,
    signsWithTime: true
  },
  'codearts-pac': {
    id: 'codearts-pac',
    make: options => codeArtsPacWorld(options),
    placeholderRunId: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4',
    vendorError: { body: { error_code: 'DEVPIPE.00011401', error_msg: 'The pipeline does not exist or has been deleted' }, cause: /DEVPIPE\.00011401/ },
    expiredCredential: HUAWEI_EXPIRED,
    signsWithTime: true
  },
  'yunxiao-openapi': {
    id: 'yunxiao-openapi',
    make: options => yunxiaoWorld('openapi', options),
    placeholderRunId: '4242',
    vendorError: { body: { success: false, errorCode: 'BadRequest', errorMessage: 'The pipeline is disabled' }, cause: /BadRequest/ },
    expiredCredential: {
      fault: { kind: 'status', status: 401, errorCode: 'ExpiredTokenError', errorMsg: 'The personal access token has expired.' },
      hint: /personal access token is invalid, expired or revoked/
    },
    signsWithTime: false
  },
  'yunxiao-pop': {
    id: 'yunxiao-pop',
    make: options => yunxiaoWorld('devops-2021-06-25', options),
    placeholderRunId: '4242',
    vendorError: {
      body: { requestId: 'E5A1B2C3-0000-4000-8000-000000000001', success: false, errorCode: 'InvalidPipeline.NotFound', errorMessage: 'pipeline not found' },
      cause: /InvalidPipeline\.NotFound/
    },
    expiredCredential: {
      fault: { kind: 'status', status: 400, errorCode: 'InvalidAccessKeyId.Inactive', errorMsg: 'Specified access key is disabled.' },
      hint: /access key is disabled/
    },
    signsWithTime: true
  },
  'bkci-v4': bkciFlavour('v4'),
  'bkci-v3': bkciFlavour('v3')
}

/** bk-ci's two APIs answer faults alike: same gateway, same error envelope. */
function bkciFlavour(api: 'v4' | 'v3'): Flavour {
  return {
    id: `bkci-${api}`,
    make: options => bkciWorld(api, options),
    placeholderRunId: 'b-0123456789abcdef0123456789abcdef',
    vendorError: { body: { status: 2101047, message: '流水线已被锁定', data: null }, cause: /2101047/ },
    expiredCredential: {
      fault: { kind: 'status', status: 401, errorCode: '1640101', errorMsg: 'App authentication failed [reason="bk_app_code or bk_app_secret is incorrect"]' },
      hint: /did not accept the app: check app_code and app_secret/
    },
    signsWithTime: false
  }
}

export const FLAVOUR_IDS = Object.keys(FLAVOURS) as FlavourId[]

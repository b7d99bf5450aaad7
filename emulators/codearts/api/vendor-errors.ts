// Every error the emulator can answer, in one place, with where each code comes from.
// Codes marked "emulator choice" are not documented anywhere we found; they follow the
// vendor's DEVPIPE.000111xx style so a client handles them like any other business error.

/**
 * An error the API answers with the gateway body {"error_msg","error_code","request_id"}.
 * A class so it can be told apart from a parsed request body with `instanceof`.
 */
export class VendorError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    /** Extra response headers. */
    readonly headers?: Record<string, string>
  ) {}
}

const err = (status: number, code: string, message: string): VendorError => new VendorError(status, code, message)

// --- API gateway (reference 1.6) ---

/** Any AK/SK failure the gateway reports (reference 1.6: APIGW.0301, HTTP 401). */
export const akskRejected = (detail: string) =>
  err(401, 'APIGW.0301', `Incorrect IAM authentication information: ${detail}`)

export const unknownAccessKey = (ak: string) => akskRejected(`ak ${ak} not exist`)

/** The server echoes its canonical request with '|' for newlines (issue nodejs-v3#2); it holds no secret. */
export const signatureMismatch = (canonicalRequest: string) =>
  akskRejected(`verify aksk signature fail, canonicalRequest:${canonicalRequest.replace(/\n/g, '|')}`)

/** Clock skew over 15 minutes (reference 1.6 APIGW.0303). */
export const signatureExpired = (signatureTime: string, serverTime: string) =>
  err(
    401,
    'APIGW.0303',
    `Incorrect app authentication information: signature expired, signature time ${signatureTime}, server time ${serverTime}`
  )

export const tokenRejected = (detail: string) =>
  err(401, 'APIGW.0301', `Incorrect IAM authentication information: ${detail}`)

/**
 * The reference only gives the message "The token must be updated" (2b). APIGW.0307 is the
 * gateway code we remember for it; a client should key on the 401 and the message.
 */
export const tokenExpired = () => err(401, 'APIGW.0307', 'The token must be updated.')

/** Route not published (reference 1.6, marked uncertain): also used for a wrong method or path. */
export const routeNotFound = () =>
  err(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment')

/** Reference 1.6 APIG.0308, with the documented message. */
export const throttled = () =>
  err(429, 'APIG.0308', 'The throttling threshold has been reached: policy user over ratelimit')

// --- Request parsing (reference 1.2, 1.6: a POST without a JSON body) ---

export const parseRequestData = (detail: string) => err(400, 'PARSE_REQUEST_DATA_EXCEPTION', detail)

// --- CodeArts Pipeline service codes ---

/** Documented in [tf] common.go; the HTTP status is an emulator choice. */
export const projectNotFound = (projectId: string) =>
  err(404, 'DEVPIPE.00011412', `The project ${projectId} does not exist or you are not a member of it`)

/** Documented in [tf]; 404 is an emulator choice (the documented v5 codes include 404). */
export const pipelineNotFound = (pipelineId: string) =>
  err(404, 'DEVPIPE.00011401', `The pipeline ${pipelineId} does not exist`)

/** "项目ID和流水线不匹配" (third-party MCP docs); 400 is an emulator choice. */
export const projectPipelineMismatch = () =>
  err(400, 'DEVPIPE.00011136', 'The project ID does not match the pipeline (项目ID和流水线不匹配)')

/** Emulator choice: code and wording for a run id the pipeline does not have. */
export const runNotFound = (runId: string) =>
  err(404, 'DEVPIPE.00011402', `The pipeline run ${runId} does not exist`)

/** Emulator choice: stopping a run that already reached COMPLETED, FAILED or CANCELED. */
export const runAlreadyEnded = (runId: string, status: string) =>
  err(400, 'DEVPIPE.00011301', `The pipeline run ${runId} has already ended (${status}) and cannot be stopped`)

/** Emulator choice: only FAILED or CANCELED runs can be retried. */
export const runNotRetryable = (runId: string, status: string) =>
  err(400, 'DEVPIPE.00011302', `The pipeline run ${runId} is ${status}; only a failed or canceled run can be retried`)

/** Emulator choice: a field that breaks the documented schema (lengths, required members, enums). */
export const invalidParameter = (detail: string) => err(400, 'DEVPIPE.00011100', `Invalid parameter: ${detail}`)

// --- Queueing (reference 1.6, [tf] resource_huaweicloud_codearts_pipeline_action.go) ---
// These are not errors: they come back in a 2xx body next to the run that was created.

export const QUEUED_BY_PIPELINE_LIMIT = {
  code: 'DEVPIPE.00011169',
  message: 'Maximum concurrency of a single pipeline is limited, enter the queue state'
} as const

export const QUEUED_BY_TENANT_LIMIT = {
  code: 'DEVPIPE.00011170',
  message: 'Maximum concurrency of single pipelines under a tenant is limited, enter the queue state'
} as const

// --- Logs (next-capabilities §1.1, §1.2) ---

/**
 * Emulator choice: the documents name no error for a log the service no longer keeps. It answers
 * as for anything else that is gone: a documented status (404) and a code in the service's style.
 */
export const logExpired = (what: string) =>
  err(404, 'DEVPIPE.00011405', `The log of ${what} has expired and was cleaned up`)

// --- Project scope of AK/SK requests (issue 15) ---

/**
 * A signed request without X-Project-Id, where the account has several projects in the region:
 * the gateway cannot tell which one the request is for. APIGW.0301 and its prefix are what a
 * client reports for a missing project id (huaweicloud/huaweicloud-devkit#262: "APIGW.0301:
 * Unauthorized" until a project id was set); the detail after the prefix is an emulator choice.
 */
export const projectIdRequired = (region: string, count: number) =>
  akskRejected(`X-Project-Id is required: the account has ${count} projects in region ${region}`)

/** Emulator choice (wording): X-Project-Id names no project of the account in this region. */
export const projectIdUnknown = (projectId: string, region: string) =>
  akskRejected(`project ${projectId} of X-Project-Id is not a project of this account in region ${region}`)

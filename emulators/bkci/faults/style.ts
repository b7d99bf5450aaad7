// How bk-ci answers look when a fault shapes them. Faults stand for the BlueKing API gateway and
// the network: error bodies are the gateway's {code, code_name, message, result:false, data:null}
// with X-Bkapi-Error-Code/-Message; every answer carries X-Bkapi-Request-Id. Throttling is 429
// 1642901 RATE_LIMIT_RESTRICTION, with Retry-After when the fault gives one.
import type { ResponseStyle } from '../../shared/deliver.js'
import { codeForStatus, gatewayError, gatewayResponse } from '../gateway/errors.js'

const DEFAULT_MESSAGES: Record<number, string> = {
  500: 'Internal server error',
  502: 'Error requesting the backend [reason="bad gateway"]',
  503: 'Service unavailable',
  504: 'Request backend timeout [reason="the backend did not answer within 30s"]'
}

export const BKCI_STYLE: ResponseStyle = {
  contentType: 'application/json',
  headers: (requestId) => ({ 'X-Bkapi-Request-Id': requestId }),
  statusError: (fault) => {
    const code = fault.errorCode !== undefined && /^\d+$/.test(fault.errorCode) ? Number(fault.errorCode) : codeForStatus(fault.status)
    return gatewayResponse(gatewayError(fault.status, code, fault.errorMsg ?? DEFAULT_MESSAGES[fault.status] ?? 'Gateway error'))
  },
  throttled: (fault) => {
    const status = fault.status ?? 429
    const code = fault.errorCode !== undefined && /^\d+$/.test(fault.errorCode) ? Number(fault.errorCode) : 1642901
    const r = gatewayResponse(gatewayError(status, code, 'Request rejected by rate limit [reason="the app exceeded the stage rate limit"]'))
    if (fault.retryAfter !== undefined) r.headers = { ...r.headers, 'Retry-After': String(fault.retryAfter) }
    return r
  },
  placeholder: () => ({ status: 0, message: null, data: null }),
  wrongShape: () => ({ result: 'ok', data: null }),
  htmlPage:
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n'
}

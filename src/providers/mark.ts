import type { StartRequest } from './types.js'

/** In a lookup, runs that started this long before our request cannot be ours (it allows for clock skew). */
export const LOOKUP_SKEW_MS = 300_000

/** The mark a started run carries (in its description, comment or build message), to find it again after an ambiguous start. */
export function correlationMark(correlationId: string): string {
  return `relay:${correlationId}`
}

/**
 * What a started run is labelled with: the user's message (or where the run came from) and the
 * mark. A vendor's length limit cuts the message, never the mark.
 */
export function markedMessage(request: Pick<StartRequest, 'message' | 'correlationId'>, maxLength = Number.POSITIVE_INFINITY): string {
  const mark = ` [${correlationMark(request.correlationId)}]`
  const message = request.message ?? 'Started by pipeline-relay'
  return `${message.slice(0, Math.max(0, maxLength - mark.length))}${mark}`
}

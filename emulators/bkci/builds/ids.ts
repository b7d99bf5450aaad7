import { randomBytes } from 'node:crypto'

const hex32 = (): string => randomBytes(16).toString('hex')

/** bk-ci ids: `b-` builds, `e-` elements, `c-` container hashes, each with 32 hex digits (§1.1). */
export const newBuildId = (): string => `b-${hex32()}`
export const newElementId = (): string => `e-${hex32()}`
export const newContainerHashId = (): string => `c-${hex32()}`

import { randomBytes } from 'node:crypto'

/** A 32-character lower-case hex id, the form the vendor's run, job and request ids take. */
export const newId = (): string => randomBytes(16).toString('hex')

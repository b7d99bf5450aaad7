/**
 * What the security suite looks for in what a step wrote: terminal control characters, credential
 * copies in every shape a vendor's echo could give them, and ids and URLs in their documented form.
 */
import { leakForms } from '../e2e/secrets.js'
import type { HostName, HostRun } from './hosts.js'

// The GitLab host's own styling and collapsible sections: the only control characters we emit.
const GITLAB_OWN = [/\u001b\[0K(section_(?:start|end):\d+:[a-z0-9_]+(?:\[collapsed=true\])?)\r\u001b\[0K/g, /\u001b\[0;3[13]m|\u001b\[0;90m|\u001b\[0m/g]
// C0 but tab and line feed, DEL, C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** Control characters in `text` that the host did not put there itself, as \uXXXX names. */
export function foreignControls(text: string, host: HostName): string[] {
  let rest = text
  if (host === 'gitlab') for (const own of GITLAB_OWN) rest = rest.replace(own, '$1')
  return [...new Set(rest.match(CONTROL) ?? [])].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Control characters anywhere in what the run wrote. */
export function controlsIn(run: HostRun): string[] {
  return foreignControls(run.everything, run.host)
}

/**
 * Base64 of any text that contains `secret`, whatever the secret's offset in it: for each of the
 * three alignments, the part of the encoding that depends on the secret's bytes only.
 */
export function embeddedBase64(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms: string[] = []
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x41), bytes]).toString('base64')
    const from = pad === 0 ? 0 : 4
    const to = Math.floor((pad + bytes.length) / 3) * 4
    if (to - from >= 12) forms.push(encoded.slice(from, to))
  }
  return forms
}

/**
 * Every way `secret` shows in `texts` that a reader could recover it from: the scan the other
 * suites use (raw, URL-encoded, base64, JSON-escaped), plus a case-changed copy, a `\/`-escaped
 * copy, a copy split by white space or a line break, the secret inside a larger base64 blob, and
 * any 12 characters of it in a row (a preview cut in the middle of it). GitHub `::add-mask::`
 * lines are the one place it is meant to be (the runner consumes them); elsewhere nothing is set aside.
 */
export function secretCopies(texts: readonly string[], secret: string, host: HostName): string[] {
  const visible = texts.map(text => (host === 'github' ? text.split('\n').filter(line => !line.startsWith('::add-mask::')).join('\n') : text))
  const all = visible.join('\n')
  const found: string[] = []
  for (const form of leakForms(secret)) if (all.includes(form)) found.push(form === secret ? 'raw' : `encoded ${form}`)
  const lower = all.toLowerCase()
  if (lower.includes(secret.toLowerCase())) found.push('case-changed')
  if (all.includes(secret.replace(/\//g, '\\/'))) found.push('\\/-escaped')
  const squeezed = all.replace(/\s+/g, '')
  if (squeezed.includes(secret)) found.push('split by white space')
  for (const form of embeddedBase64(secret)) if (all.includes(form)) found.push(`inside base64 (${form.slice(0, 8)}…)`)
  for (let i = 0; i + 12 <= secret.length; i++) {
    const piece = secret.slice(i, i + 12)
    if (squeezed.includes(piece) || lower.includes(piece.toLowerCase())) {
      found.push(`fragment "${piece}"`)
      break
    }
  }
  return [...new Set(found)]
}

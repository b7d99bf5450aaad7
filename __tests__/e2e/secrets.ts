/**
 * The secret scan: every form a credential could leak in (raw, URL-encoded, base64, base64url,
 * JSON-escaped), searched in everything a step wrote. In a GitHub step's log, `::add-mask::`
 * command lines are the one place a secret is meant to appear: they are instructions the runner
 * consumes and never shows. GitLab and a terminal would show such a line, so for them
 * (`githubLog: false`) nothing is set aside.
 */
export function leakForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64')
  return [...new Set([secret, encodeURIComponent(secret), base64, base64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url'), JSON.stringify(secret).slice(1, -1)])]
}

export function findLeaks(texts: readonly string[], secrets: readonly string[], { githubLog = true } = {}): string[] {
  const visible = githubLog ? texts.map(text => text.split('\n').filter(line => !line.startsWith('::add-mask::')).join('\n')) : texts
  const leaks: string[] = []
  for (const secret of secrets) {
    for (const form of leakForms(secret)) {
      if (visible.some(text => text.includes(form))) leaks.push(`${secret.slice(0, 4)}… as ${form === secret ? 'raw' : form}`)
    }
  }
  return leaks
}

/** Where the core writes what a person reads. Hosts (GitHub, GitLab, a terminal) implement it. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  /** A collapsible section of the log. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>
}

/** A logger that drops everything: for unit tests that do not look at the log. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: (_title, body) => body()
}

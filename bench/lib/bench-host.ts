import type { Host, OutputName, StateName } from '../../src/host/types.js'
import type { InputName } from '../../src/inputs/index.js'

/**
 * A host for benchmarks: inputs from a map, outputs and state kept (the last value of each, so
 * memory stays flat however long the wait), every log line dropped.
 */
export class BenchHost implements Host {
  readonly isPost = false
  readonly outputs: Partial<Record<OutputName, string>> = {}
  private readonly state: Partial<Record<StateName, string>> = {}
  failure: string | undefined

  constructor(private readonly inputs: Readonly<Partial<Record<InputName, string>>>) {}

  getInput(name: InputName): string {
    return (this.inputs[name] ?? '').trim()
  }
  mask(): void {}
  redact(text: string): string {
    return text
  }
  setOutput(name: OutputName, value: string): void {
    this.outputs[name] = value
  }
  saveState(name: StateName, value: string): void {
    this.state[name] = value
  }
  getState(name: StateName): string {
    return this.state[name] ?? ''
  }
  async writeSummary(): Promise<void> {}
  annotateError(): void {}
  setFailed(message: string): void {
    this.failure = message
  }
  origin(): string | undefined {
    return 'bench/pipeline-relay, workflow run 1'
  }
  debug(): void {}
  info(_message: string): void {}
  warning(): void {}
  error(): void {}
  async group<T>(_title: string, body: () => Promise<T>): Promise<T> {
    return body()
  }
}

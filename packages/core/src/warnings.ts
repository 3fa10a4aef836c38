/** A warning is data: it goes to `onWarning` and onto the result, never to the console. */
export interface SpikesWarning {
  readonly code: string
  readonly message: string
  readonly details?: Record<string, unknown>
}

/** Receives each warning as it is raised (the `onWarning` option). */
export type WarningHandler = (warning: SpikesWarning) => void

/** Collects warnings and forwards each to an optional handler as it arrives. */
export class WarningCollector {
  readonly warnings: SpikesWarning[] = []
  constructor(private readonly forward?: WarningHandler) {}

  /** Records a warning and forwards it. A bound arrow function, so it can be passed around detached. */
  warn = (code: string, message: string, details?: Record<string, unknown>): void => {
    const warning: SpikesWarning = details ? { code, message, details } : { code, message }
    this.warnings.push(warning)
    this.forward?.(warning)
  }
}

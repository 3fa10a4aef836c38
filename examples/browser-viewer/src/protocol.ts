import type { SpikeDataMessage } from '@spikes/core/transfer'

/** Page → worker: what to load. A File (or Blob) travels by structured clone; a URL may name a file or a folder ('/' at the end). */
export type LoadRequest = { kind: 'load'; input: Blob | string; name: string; options?: Record<string, unknown> }

/** Worker → page: progress, the result, or a typed failure. */
export type WorkerReply =
  | { kind: 'progress'; phase: string; loaded: number; total?: number; unit?: string }
  | { kind: 'loaded'; data: SpikeDataMessage; format: string; reason: string; millis: number }
  | { kind: 'failed'; code: string; message: string }

import { CorruptFileError } from '@spikes/core'
import type { ChunkContext } from './codecs.js'

/** A chunk that cannot be decoded: CorruptFileError with `file`, `array`, `codec` and the details given. */
export function corrupt(ctx: ChunkContext, codec: string, reason: string, details: Record<string, unknown> = {}, cause?: unknown): CorruptFileError {
  return new CorruptFileError(`${ctx.file}: chunk of ${ctx.array || 'the root array'} cannot be decoded with ${codec}: ${reason}.`, { file: ctx.file, array: ctx.array, codec, ...details }, cause === undefined ? undefined : { cause })
}

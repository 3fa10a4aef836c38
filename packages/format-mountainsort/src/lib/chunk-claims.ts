/**
 * Chunks of a pass handed out to two threads: the main thread takes them from the front of the file, a
 * helper thread from the back, until they meet, so whichever runs faster does more and neither waits for
 * the other. Each pass's state is one int32 (front count in the low 16 bits, back count in the high 16),
 * changed by compare-and-swap, so once a pass's chunks are all taken each side knows exactly how many it
 * and the other took. Slots 2 and 3 count the chunks done (for progress).
 */
export const MAX_SHARED_CHUNKS = 0x7fff

export type Pass = 0 | 1

export class ChunkClaims {
  /** `state`: four int32 on a SharedArrayBuffer; `chunks` at most MAX_SHARED_CHUNKS. */
  constructor(
    readonly chunks: number,
    readonly state: Int32Array,
  ) {}

  /** The next chunk for this side in `pass`, or undefined once every chunk of the pass is taken. */
  claim(pass: Pass, back: boolean): number | undefined {
    for (;;) {
      const s = Atomics.load(this.state, pass)
      const front = s & 0xffff
      const taken = s >>> 16
      if (front + taken >= this.chunks) return undefined
      if (Atomics.compareExchange(this.state, pass, s, back ? s + 0x10000 : s + 1) === s) return back ? this.chunks - 1 - taken : front
    }
  }

  /** Chunks of `pass` the back side has taken so far (final once claim has returned undefined). */
  takenFromBack(pass: Pass): number {
    return Atomics.load(this.state, pass) >>> 16
  }

  done(pass: Pass): void {
    Atomics.add(this.state, 2 + pass, 1)
  }

  doneCount(pass: Pass): number {
    return Atomics.load(this.state, 2 + pass)
  }
}

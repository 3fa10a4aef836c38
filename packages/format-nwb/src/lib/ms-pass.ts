/**
 * Seconds to ms (SpikeLab's v * 1e3) in place, in the same pass that finds the largest time and whether every
 * train is non-decreasing without NaN, so that neither the loader nor SpikeData reads 10 M times again. Runs
 * may come in any order (the chunks of a parallel read, as each lands): a pair of neighbours split across two
 * runs is compared in `finish`, once both are converted.
 */
export class MsPass {
  maxMs = -Infinity
  sorted = true
  /** Elements converted so far (runs past `used` count too: they belong to no unit and are skipped). */
  covered = 0
  /** Run starts inside a train: each compared with its left neighbour in `finish`. */
  readonly #seams: number[] = []

  /**
   * @param times the values, seconds until converted
   * @param offsets unit u's train is times[offsets[u], offsets[u + 1])
   */
  constructor(
    readonly times: Float64Array,
    private readonly offsets: Float64Array,
  ) {}

  /** Converts times[start, end). */
  run(start: number, end: number): void {
    this.covered += end - start
    const { times, offsets } = this
    const stop = Math.min(end, offsets[offsets.length - 1])
    if (start >= stop) return
    let u = this.#unitAt(start)
    if (start !== offsets[u]) this.#seams.push(start)
    let max = this.maxMs
    let sorted = this.sorted
    for (let i = start; i < stop; u++) {
      const trainEnd = Math.min(stop, offsets[u + 1])
      // `prev` only grows: at the end it is the largest (non-NaN) time of this part of the train.
      let prev = -Infinity
      for (; i < trainEnd; i++) {
        const t = times[i] * 1e3
        times[i] = t
        if (t >= prev) prev = t
        else sorted = false
      }
      if (prev > max) max = prev
    }
    this.maxMs = max
    this.sorted = sorted
  }

  /** Compares the neighbours that runs split; call once every run is converted. */
  finish(): { maxMs: number; sorted: boolean } {
    for (const i of this.#seams) if (!(this.times[i] >= this.times[i - 1])) this.sorted = false
    return { maxMs: this.maxMs, sorted: this.sorted }
  }

  /** The unit whose train holds position i (the last of several that start there). */
  #unitAt(i: number): number {
    const offsets = this.offsets
    let lo = 0
    let hi = offsets.length - 2
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (offsets[mid] <= i) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}

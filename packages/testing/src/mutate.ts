import { seededRandom } from './fixtures.js'

/**
 * Deterministic corruptions of a file's bytes: truncation, runs of random bytes, bit flips, and
 * 0xff-filled words (the values that turn header sizes into huge claims).
 */
export function* mutations(bytes: Uint8Array, count: number, seed = 1): Generator<{ kind: string; bytes: Uint8Array }> {
  const random = seededRandom(seed)
  const at = (limit = bytes.length) => Math.floor(random() * Math.max(limit, 1))
  for (let i = 0; i < count; i++) {
    const copy = bytes.slice()
    const pick = i % 4
    if (pick === 0) {
      yield { kind: 'truncate', bytes: copy.subarray(0, at()) }
      continue
    }
    // Most headers sit near the start: bias half of the edits into the first 4 KiB.
    const region = random() < 0.5 ? Math.min(4096, bytes.length) : bytes.length
    if (pick === 1) {
      const start = at(region)
      for (let k = start; k < Math.min(copy.length, start + 1 + at(16)); k++) copy[k] = Math.floor(random() * 256)
      yield { kind: 'random-run', bytes: copy }
    } else if (pick === 2) {
      for (let k = 0; k < 1 + at(8); k++) copy[at(region)] ^= 1 << Math.floor(random() * 8)
      yield { kind: 'bit-flip', bytes: copy }
    } else {
      const start = at(region) & ~7
      copy.fill(0xff, start, Math.min(copy.length, start + 8))
      yield { kind: 'huge-word', bytes: copy }
    }
  }
}

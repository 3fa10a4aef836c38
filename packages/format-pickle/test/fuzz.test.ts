import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource } from '@spikes/core'
import { pickleToJs, unpickle } from '@spikes/numpy'
import { CORPUS_DIR, fuzzOnce, seededRandom, sharedAvailable } from '@spikes/testing'
import { readSpikeLabPickle, spikeDataFromPickleBytes, spikelabNpzLoader } from '../src/index.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))

/** Corpus pickles (when present) and the committed Python-made fixtures. */
function seeds(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = []
  if (sharedAvailable(CORPUS_DIR)) {
    for (const c of readdirSync(CORPUS_DIR).filter((n) => n.startsWith('pkl_'))) out.push({ name: c, bytes: readFileSync(`${CORPUS_DIR}/${c}/sd.pkl`) })
  }
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.pkl'))) out.push({ name: f, bytes: readFileSync(FIXTURES + f) })
  return out
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x28, 0x2e, 0x4e, 0x5d, 0x61, 0x62, 0x68, 0x6a, 0x71, 0x72, 0x7d, 0x81, 0x85, 0x93, 0x94, 0x95]

/** One random mutation: byte flips, interesting bytes, big length fields, truncation, insertion, duplication. */
function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n)
  const bytes = Uint8Array.from(input)
  switch (pick(6)) {
    case 0:
      for (let k = 1 + pick(4); k > 0; k--) bytes[pick(bytes.length)] ^= 1 << pick(8)
      return bytes
    case 1:
      for (let k = 1 + pick(3); k > 0; k--) bytes[pick(bytes.length)] = INTERESTING[pick(INTERESTING.length)]
      return bytes
    case 2: {
      const at = pick(Math.max(1, bytes.length - 8))
      for (let k = 0; k < 4 + pick(5); k++) bytes[at + k] = pick(2) ? 0xff : 0x7f
      return bytes
    }
    case 3:
      return bytes.subarray(0, pick(bytes.length))
    case 4: {
      const at = pick(bytes.length)
      const extra = Array.from({ length: 1 + pick(8) }, () => (pick(2) ? INTERESTING[pick(INTERESTING.length)] : pick(256)))
      return Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)])
    }
    default: {
      const a = pick(bytes.length)
      const b = Math.min(bytes.length, a + 1 + pick(64))
      const at = pick(bytes.length)
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(a, b), ...bytes.subarray(at)])
    }
  }
}

describe('fuzz: mutated pickles give a value or a SpikesError, nothing else', () => {
  const inputs = seeds()

  it('has seed pickles', () => expect(inputs.length).toBeGreaterThan(20))

  it('4000 mutations through the SpikeData path and the generic reader', async () => {
    const random = seededRandom(20240601)
    const outcomes = { value: 0, error: 0 }
    const started = performance.now()
    for (let i = 0; i < 4000; i++) {
      const seed = inputs[Math.floor(random() * inputs.length)]
      const bytes = mutate(seed.bytes, random)
      const dump = () => `bytes (base64): ${Buffer.from(bytes).toString('base64')}`
      for (const read of [() => spikeDataFromPickleBytes(bytes), () => readSpikeLabPickle(bytes), () => pickleToJs(unpickle(bytes))]) {
        outcomes[await fuzzOnce(`iteration ${i} (seed ${seed.name})`, read, { dump })]++
      }
    }
    expect(outcomes.value + outcomes.error).toBe(12000)
    expect(outcomes.error).toBeGreaterThan(0)
    expect(outcomes.value).toBeGreaterThan(0)
    expect(performance.now() - started).toBeLessThan(50_000)
  })
})

describe('fuzz: mutated SpikeLab npz files give a SpikeData or a SpikesError', () => {
  it('1500 mutations through the spikelab-npz loader', async () => {
    const npz = [readFileSync(FIXTURES + 'sorted-compressed.npz')]
    if (sharedAvailable(CORPUS_DIR)) for (const c of readdirSync(CORPUS_DIR).filter((n) => n.startsWith('npz_'))) npz.push(readFileSync(`${CORPUS_DIR}/${c}/sorted.npz`))
    const random = seededRandom(77)
    for (let i = 0; i < 1500; i++) {
      const bytes = mutate(npz[Math.floor(random() * npz.length)], random)
      const load = () => spikelabNpzLoader.load(bytesSource(bytes, 'fuzz.npz'), {}, { warn() {}, progress() {} })
      await fuzzOnce(`npz iteration ${i}`, load, { dump: () => `bytes (base64): ${Buffer.from(bytes).toString('base64')}` })
    }
  })
})

/** UUID v4 strings for object_id attributes: random, or derived from a seed for reproducible files. */
export function objectIdFactory(seed?: string): () => string {
  if (seed === undefined) {
    const c = globalThis.crypto as Crypto | undefined
    // randomUUID exists in Node and in secure browser contexts; elsewhere fall back to a random seed.
    if (c && typeof c.randomUUID === 'function') return () => c.randomUUID()
    seed = `${Date.now()}-${Math.random()}`
  }
  let state = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0
  const next = (): number => {
    // xorshift32
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state
  }
  return () => {
    const bytes = new Uint8Array(16)
    for (let i = 0; i < 16; i += 4) {
      const v = next()
      bytes[i] = v & 0xff
      bytes[i + 1] = (v >>> 8) & 0xff
      bytes[i + 2] = (v >>> 16) & 0xff
      bytes[i + 3] = v >>> 24
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
}

/**
 * HttpSource's cache of fixed-size blocks, least recently used evicted first. Blocks are views of the request
 * bodies they came in (no copy), so the cache counts the bytes of the bodies its blocks keep alive, not of
 * the blocks; a body over a quarter of the cache is copied block by block instead, so evicting them frees memory.
 */
export class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>()
  /** How many cached blocks view each buffer. */
  private readonly held = new Map<ArrayBufferLike, number>()
  private heldBytes = 0

  constructor(
    private readonly blockSize: number,
    private readonly maxBytes: number,
  ) {}

  has(b: number): boolean {
    return this.blocks.has(b)
  }

  /** Block `b`, marked most recently used; undefined when not cached. */
  use(b: number): Uint8Array | undefined {
    const block = this.blocks.get(b)
    if (block) {
      this.blocks.delete(b)
      this.blocks.set(b, block)
    }
    return block
  }

  keep(b: number, view: Uint8Array): void {
    const block = view.buffer.byteLength <= this.maxBytes / 4 ? view : view.slice()
    const old = this.blocks.get(b)
    if (old) this.release(old)
    this.blocks.set(b, block)
    const count = this.held.get(block.buffer) ?? 0
    if (count === 0) this.heldBytes += block.buffer.byteLength
    this.held.set(block.buffer, count + 1)
  }

  /**
   * Bytes offset..end as a view when blocks first..last are consecutive views of one buffer (as the blocks of
   * one request, or of one split run, are): no copy. Like bytesSource's reads, the result is not to be written into.
   */
  viewOf(first: number, last: number, offset: number, end: number): Uint8Array | undefined {
    const head = this.blocks.get(first)
    if (!head) return undefined
    let next = head.byteOffset + head.length
    for (let b = first + 1; b <= last; b++) {
      const block = this.blocks.get(b)
      if (!block || block.buffer !== head.buffer || block.byteOffset !== next) return undefined
      next += block.length
    }
    for (let b = first; b <= last; b++) this.use(b)
    return new Uint8Array(head.buffer, head.byteOffset + offset - first * this.blockSize, end - offset)
  }

  /** Least recently used blocks go until the buffers the rest keep alive fit in maxBytes. */
  evict(): void {
    for (const [key, block] of this.blocks) {
      if (this.heldBytes <= this.maxBytes) break
      this.blocks.delete(key)
      this.release(block)
    }
  }

  clear(): void {
    this.blocks.clear()
    this.held.clear()
    this.heldBytes = 0
  }

  private release(block: Uint8Array): void {
    const count = (this.held.get(block.buffer) ?? 1) - 1
    if (count > 0) return void this.held.set(block.buffer, count)
    this.held.delete(block.buffer)
    this.heldBytes -= block.buffer.byteLength
  }
}

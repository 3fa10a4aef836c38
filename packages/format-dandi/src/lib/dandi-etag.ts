import { Md5, nodeImport } from '@spikes/core/loader-utils'

/** What the etag needs of an MD5: node:crypto's Hash or the package's own {@link Md5}. */
interface PartHash {
  update(bytes: Uint8Array): void
  digest(): Uint8Array
}
export type PartHashFactory = () => PartHash

const MiB = 2 ** 20
/** S3's multipart limits, as DANDI's dandi-etag uses them. */
const DEFAULT_PART_SIZE = 64 * MiB
const MAX_PARTS = 10_000

/** The part size DANDI uses for a file of `size` bytes: 64 MiB, or ceil(size / 10000) when 64 MiB would need 10,000 parts or more. */
export function dandiEtagPartSize(size: number): number {
  return Math.ceil(size / DEFAULT_PART_SIZE) >= MAX_PARTS ? Math.ceil(size / MAX_PARTS) : DEFAULT_PART_SIZE
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16))
}

/** MD5 through node:crypto where there is one (much faster), else {@link Md5} (browsers' Web Crypto has no MD5). */
export async function partHashFactory(): Promise<PartHashFactory> {
  try {
    const { createHash } = await nodeImport<typeof import('node:crypto')>('node:crypto')
    return () => {
      const h = createHash('md5')
      return { update: (b) => void h.update(b), digest: () => new Uint8Array(h.digest()) }
    }
  } catch {
    return () => {
      const h = new Md5()
      return { update: (b) => void h.update(b), digest: () => hexBytes(h.digestHex()) }
    }
  }
}

/**
 * The DANDI archive's `dandi:dandi-etag` of a file, computed as its bytes stream by: the S3 multipart ETag
 * with DANDI's part sizes (md5 of the concatenated binary MD5s of the parts, '-', the number of parts). The
 * archive fills it in for every blob at upload, before the SHA-256, so it is the digest a download can always check.
 */
export class DandiEtag {
  private readonly partSize: number
  private readonly digests: Uint8Array[] = []
  private part: PartHash
  private inPart = 0

  /** `size`: the file's size, which decides the part size (the default 64 MiB when unknown). */
  constructor(
    size: number | undefined,
    private readonly newHash: PartHashFactory,
  ) {
    this.partSize = size === undefined ? DEFAULT_PART_SIZE : dandiEtagPartSize(size)
    this.part = newHash()
  }

  update(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) {
      const take = Math.min(this.partSize - this.inPart, bytes.length - at)
      this.part.update(bytes.subarray(at, at + take))
      this.inPart += take
      at += take
      if (this.inPart === this.partSize) this.closePart()
    }
  }

  /** The etag (`<32 hex>-<parts>`); the object cannot be updated afterwards. */
  digest(): string {
    if (this.inPart > 0) this.closePart()
    const all = new Uint8Array(16 * this.digests.length)
    this.digests.forEach((d, i) => all.set(d, 16 * i))
    const outer = this.newHash()
    outer.update(all)
    return `${Array.from(outer.digest(), (b) => b.toString(16).padStart(2, '0')).join('')}-${this.digests.length}`
  }

  private closePart(): void {
    this.digests.push(this.part.digest())
    this.part = this.newHash()
    this.inPart = 0
  }
}

import { Md5 } from '@spikes/core/loader-utils'
import type { PartHashFactory } from '../../src/lib/dandi-etag.js'

/** The browsers' path: the package's own MD5 (no node:crypto). */
export const jsPartHash: PartHashFactory = () => {
  const h = new Md5()
  return { update: (b) => void h.update(b), digest: () => Uint8Array.from(Buffer.from(h.digestHex(), 'hex')) }
}

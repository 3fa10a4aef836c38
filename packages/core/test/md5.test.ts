import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Md5, md5Hex } from '../src/md5.js'

const node = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex')
const text = (s: string) => new TextEncoder().encode(s)

describe('Md5', () => {
  it('gives the digests of the RFC 1321 test suite', () => {
    expect(md5Hex(text(''))).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(md5Hex(text('a'))).toBe('0cc175b9c0f1b6a831c399e269772661')
    expect(md5Hex(text('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72')
    expect(md5Hex(text('message digest'))).toBe('f96b697d7cb7938d525a2f31aaf161d0')
    expect(md5Hex(text('abcdefghijklmnopqrstuvwxyz'))).toBe('c3fcd3d76192e4007dfb496cca67e13b')
    expect(md5Hex(text('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'))).toBe('d174ab98d277d9f5a5611c2c9f419d9f')
    expect(md5Hex(text('1234567890'.repeat(8)))).toBe('57edf4a22be3c955ac49da2e2107b67a')
  })

  it('agrees with node:crypto on every length around the 56- and 64-byte padding edges', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff)
    for (let n = 0; n <= bytes.length; n++) expect(md5Hex(bytes.subarray(0, n)), `${n} bytes`).toBe(node(bytes.subarray(0, n)))
  })

  it('gives the same digest however the input is split into updates', () => {
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24)
    const expected = node(bytes)
    for (const step of [1, 63, 64, 65, 4096, 100_003]) {
      const h = new Md5()
      for (let at = 0; at < bytes.length; at += step) h.update(bytes.subarray(at, at + step))
      expect(h.digestHex(), `updates of ${step} bytes`).toBe(expected)
    }
  })
})

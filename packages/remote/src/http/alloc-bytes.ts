/** `size` bytes, not zeroed where the platform allows (Node's Buffer): for buffers every byte of which is written before it is read. */
export function allocBytes(size: number): Uint8Array {
  const unsafe = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer
  if (!unsafe) return new Uint8Array(size)
  const b = unsafe.allocUnsafeSlow(size)
  return new Uint8Array(b.buffer, b.byteOffset, size)
}

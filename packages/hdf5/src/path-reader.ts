import type { ReadBytes } from './chunks/fast-read.js'

/** Reads of a local file beside h5wasm's own, through one handle opened on the first read. */
export function pathReader(fs: typeof import('node:fs/promises'), path: string): { read: ReadBytes; close: () => Promise<void> } {
  let handle: ReturnType<typeof fs.open> | undefined
  return {
    read: async (offset, length, into) => {
      handle ??= fs.open(path, 'r')
      const buffer = into && into.length >= length ? into : new Uint8Array(length)
      const { bytesRead } = await (await handle).read(buffer, 0, length, offset)
      return buffer.subarray(0, bytesRead)
    },
    close: async () => {
      const open = handle
      handle = undefined
      if (open) await (await open).close()
    },
  }
}

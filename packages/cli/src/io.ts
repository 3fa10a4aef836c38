/** Where the CLI writes text: process.stdout/stderr, or a buffer in tests. */
export interface Writable {
  /** Returns false when the stream's buffer is full (as Node streams do). */
  write(chunk: string): boolean
  /** When present, used to wait for 'drain' after write returned false. */
  once?(event: 'drain', listener: () => void): unknown
  isTTY?: boolean
  columns?: number
}

/** The CLI's streams and environment, injected so `main` runs in-process in tests. */
export interface CliIO {
  stdout: Writable
  stderr: Writable
  env: Record<string, string | undefined>
}

/** Writes a chunk and waits for the stream to drain when its buffer is full. */
export async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk) && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve))
}

/** An io for main() that keeps what the CLI writes: `stdout()` and `stderr()` return it so far. */
export function captureIo() {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, env: {} },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  }
}

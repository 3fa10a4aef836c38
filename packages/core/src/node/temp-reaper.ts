import { spawn } from 'node:child_process'

// The watcher reads its stdin until it closes, which happens when the writer releases it or when the
// writer dies in any way (even SIGKILL: the kernel closes the pipe), and then removes the temporary
// file or folder. After a successful rename the temporary name no longer exists, so the removal is a no-op.
const WATCHER = "process.stdin.resume();process.stdin.on('end',()=>{try{require('node:fs').rmSync(process.argv[1],{recursive:true,force:true})}catch{}process.exit(0)})"

/** A running watcher of one temporary file; release() lets it finish (call it in a finally block). */
export interface TemporaryFileWatcher {
  /** Lets the watcher finish: the file (or folder) stays; call it once the write is done or undone. */
  release(): void
}

/**
 * Starts a detached process that removes `temporaryPath` (a file, or a folder with all it holds) once this
 * process lets go of it or dies, so that a killed writer leaves no partial output behind. When no process can be started the write goes on
 * unwatched (the next write to the folder sweeps leftovers).
 */
export function watchTemporaryFile(temporaryPath: string): TemporaryFileWatcher {
  try {
    const child = spawn(process.execPath, ['-e', WATCHER, temporaryPath], { stdio: ['pipe', 'ignore', 'ignore'], detached: true, windowsHide: true })
    child.on('error', () => {})
    child.stdin?.on('error', () => {})
    child.unref()
    ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
    return { release: () => child.stdin?.end() }
  } catch {
    return { release: () => {} }
  }
}

// Where an export builds its Zarr store before it is complete, and how it is put in place: core's safe-write
// scheme applied to a folder. The store is written to `.<name>.spikes-<pid>-<random>.partial` beside the
// destination and renamed when complete. A failed or aborted export removes it; a watcher process removes
// it when the exporting process dies in any way (even SIGKILL); the next export to the same destination
// sweeps what a watcher could not (no process could be started).
import type { NodeDeps } from './node-deps.js'

/** One export's staging folder beside the destination. */
export interface Staging {
  path: string
  /** Puts the complete store in place of the destination, replacing an existing one when `replace`. */
  commit(replace: boolean): Promise<void>
  /** Removes the staging folder (after a failure); never throws. */
  remove(): Promise<void>
  /** Ends the watch (in a finally block): the folder is gone, renamed or removed, by then. */
  release(): void
}

/** Sweeps leftovers of killed exports to the absolute path `dest`, then names (not creates) this export's staging folder. */
export async function stageExport(dest: string, deps: NodeDeps): Promise<Staging> {
  const { rename, rm } = deps.fs
  await deps.core.sweepTemporaryLeftovers(dest)
  const path = deps.core.temporaryPathFor(dest)
  const watcher = deps.core.watchTemporaryFile(path)
  // Not a temporary name: while it exists it may hold the only copy of the old store (a kill between the two
  // renames), so no watcher or sweep ever removes it.
  const aside = `${path}.old`
  return {
    path,
    async commit(replace) {
      // The old folder is moved aside, not deleted, until the new one is in place: no moment without either.
      if (replace) await rename(dest, aside)
      await rename(path, dest).catch(async (error: unknown) => {
        if (replace) await rename(aside, dest).catch(() => {})
        throw error
      })
      if (replace) await rm(aside, { recursive: true, force: true }).catch(() => {})
    },
    remove: () => rm(path, { recursive: true, force: true }).catch(() => {}),
    release: () => watcher.release(),
  }
}

import { InvalidDataError } from '@spikes/core'

/** Ids in [0, DENSE_LIMIT) are counted in a typed array; others (negative, huge) in a Map. */
const DENSE_LIMIT = 1 << 24

type Numbers = ArrayLike<number>

/**
 * Counts spikes per cluster id in one pass over chunks of ids (O(spikes + clusters)), checking that
 * every id is an integer. Afterwards `ids` lists the distinct ids in ascending order (numpy.unique).
 */
export class ClusterCounter {
  private dense = new Uint32Array(1024)
  private readonly sparse = new Map<number, number>()
  private seen = 0

  constructor(private readonly file: string) {}

  add(chunk: Numbers): void {
    if ((chunk instanceof Int32Array || chunk instanceof Uint32Array || chunk instanceof Int16Array || chunk instanceof Uint16Array || chunk instanceof Uint8Array || chunk instanceof Int8Array) && this.addIntegers(chunk)) return
    let dense = this.dense
    for (let i = 0; i < chunk.length; i++) {
      const id = chunk[i]
      if (id >= 0 && id < dense.length) {
        dense[id]++ // fractional ids fall through to the check below only when out of range
        if (id !== Math.floor(id)) this.notInteger(id, this.seen + i)
        continue
      }
      if (!Number.isInteger(id)) this.notInteger(id, this.seen + i)
      if (id >= 0 && id < DENSE_LIMIT) {
        let size = dense.length
        while (size <= id) size *= 2
        const grown = new Uint32Array(Math.min(size, DENSE_LIMIT))
        grown.set(dense)
        this.dense = dense = grown
        dense[id]++
      } else {
        this.sparse.set(id, (this.sparse.get(id) ?? 0) + 1)
      }
    }
    this.seen += chunk.length
  }

  /** Integer typed arrays within the current dense table: no integer checks needed. False = use the general path. */
  private addIntegers(chunk: Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array | Int8Array): boolean {
    const dense = this.dense
    const size = dense.length
    let i = 0
    for (; i < chunk.length; i++) {
      const id = chunk[i]
      if (id < 0 || id >= size) break
      dense[id]++
    }
    if (i === chunk.length) {
      this.seen += chunk.length
      return true
    }
    // Undo the partial count and let the general path (which grows the table) take the chunk.
    for (let k = 0; k < i; k++) dense[chunk[k]]--
    return false
  }

  private notInteger(id: number, index: number): never {
    throw new InvalidDataError(`${this.file}: cluster id ${id} at spike ${index} is not an integer. Cluster ids must be whole numbers.`, { file: this.file, index, value: Number.isNaN(id) ? 'NaN' : id })
  }

  /** Distinct ids, ascending, with their spike counts. */
  result(): { ids: number[]; counts: number[] } {
    const ids: number[] = []
    const counts: number[] = []
    const sparse = [...this.sparse.keys()].sort((a, b) => a - b)
    let s = 0
    while (s < sparse.length && sparse[s] < 0) {
      ids.push(sparse[s])
      counts.push(this.sparse.get(sparse[s])!)
      s++
    }
    const dense = this.dense
    for (let id = 0; id < dense.length; id++) {
      if (dense[id] > 0) {
        ids.push(id)
        counts.push(dense[id])
      }
    }
    for (; s < sparse.length; s++) {
      ids.push(sparse[s])
      counts.push(this.sparse.get(sparse[s])!)
    }
    return { ids, counts }
  }
}

/** Maps a cluster id to a small integer (its slot), -1 when the id has none. */
export class SlotTable {
  readonly dense: Int32Array
  readonly sparse = new Map<number, number>()

  constructor(ids: readonly number[], slots: readonly number[]) {
    let max = -1
    for (const id of ids) if (id >= 0 && id < DENSE_LIMIT && id > max) max = id
    this.dense = new Int32Array(max + 1).fill(-1)
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]
      if (id >= 0 && id < DENSE_LIMIT) this.dense[id] = slots[k]
      else this.sparse.set(id, slots[k])
    }
  }

  get(id: number): number {
    return id >= 0 && id < this.dense.length ? this.dense[id] : (this.sparse.get(id) ?? -1)
  }
}

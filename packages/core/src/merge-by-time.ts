/** k-way merge of sorted trains into (unit, time) pairs in time order; ties keep unit order. */
export function mergeByTime(times: Float64Array, offsets: Float64Array, N: number): { idces: Uint32Array; times: Float64Array } {
  const total = times.length
  const outIdces = new Uint32Array(total)
  const outTimes = new Float64Array(total)
  const cursor = offsets.slice(0, N)
  const heap: number[] = []
  const less = (a: number, b: number) => times[cursor[a]] < times[cursor[b]] || (times[cursor[a]] === times[cursor[b]] && a < b)
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && less(heap[l], heap[m])) m = l
      if (r < heap.length && less(heap[r], heap[m])) m = r
      if (m === i) return
      ;[heap[i], heap[m]] = [heap[m], heap[i]]
      i = m
    }
  }
  for (let u = 0; u < N; u++) if (offsets[u + 1] > offsets[u]) heap.push(u)
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i)
  for (let k = 0; k < total; k++) {
    const u = heap[0]
    outIdces[k] = u
    outTimes[k] = times[cursor[u]++]
    if (cursor[u] === offsets[u + 1]) {
      heap[0] = heap[heap.length - 1]
      heap.pop()
    }
    if (heap.length) siftDown(0)
  }
  return { idces: outIdces, times: outTimes }
}

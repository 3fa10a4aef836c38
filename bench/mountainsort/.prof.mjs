import { loadWith } from '/work/wt/h22-ms-perf/bench/lib.mjs'
import { registerMountainsort } from '@spikes/format-mountainsort'
const t = performance.now()
const sd = await loadWith('/tmp/spikes-bench-mountainsort-50000000-500', 'mountainsort', registerMountainsort)
console.log(performance.now() - t, sd.N)

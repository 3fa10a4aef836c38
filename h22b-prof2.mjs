const { fileSource } = await import('@spikes/core/node')
const { scanPlxBlocks } = await import('./packages/format-plexon/dist/lib/plx-blocks.js')
const src = await fileSource(process.argv[2])
const ctx = { progress() {}, warn() {}, signal: undefined }
for (let i = 0; i < 3; i++) {
let t = performance.now()
const r = await scanPlxBlocks(src, await src.size(), 7504 + 64 * 1020 + 296, ctx)
console.log('scan ms', (performance.now() - t).toFixed(0), r.collector.count)
}

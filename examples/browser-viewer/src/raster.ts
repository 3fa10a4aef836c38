import type { SpikeData } from '@spikes/core'

/**
 * Draws one row per unit and one tick per spike into `canvas`, writing pixels directly (fast for millions of
 * spikes: no path per spike). Returns how many pixels were set.
 */
export function drawRaster(canvas: HTMLCanvasElement, sd: SpikeData): number {
  const { width, height } = canvas
  const context = canvas.getContext('2d')
  if (!context) return 0
  const image = context.createImageData(width, height)
  const pixels = new Uint32Array(image.data.buffer)
  pixels.fill(0xffffffff)
  const ink = 0xff202020
  const rows = Math.max(sd.N, 1)
  const rowHeight = height / rows
  const scale = sd.lengthMs > 0 ? (width - 1) / sd.lengthMs : 0
  let set = 0
  for (let unit = 0; unit < sd.N; unit++) {
    const top = Math.floor(unit * rowHeight)
    const bottom = Math.max(top + 1, Math.floor((unit + 1) * rowHeight) - (rowHeight >= 3 ? 1 : 0))
    const train = sd.train(unit)
    for (let k = 0; k < train.length; k++) {
      const x = Math.round((train[k] - sd.startTimeMs) * scale)
      for (let y = top; y < bottom; y++) {
        const at = y * width + x
        if (pixels[at] !== ink) set++
        pixels[at] = ink
      }
    }
  }
  context.putImageData(image, 0, 0)
  return set
}

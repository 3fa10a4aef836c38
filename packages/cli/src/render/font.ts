// A 5x7 bitmap font for the labels of PNG plots (digits, a few letters and signs); each row is 5 bits.
const GLYPHS: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12], '.': [0, 0, 0, 0, 0, 12, 12], '-': [0, 0, 0, 31, 0, 0, 0],
  '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], ' ': [0, 0, 0, 0, 0, 0, 0], ':': [0, 12, 12, 0, 12, 12, 0],
  a: [0, 0, 14, 1, 15, 17, 15], e: [0, 0, 14, 17, 31, 16, 14], i: [4, 0, 12, 4, 4, 4, 14], m: [0, 0, 26, 21, 21, 17, 17],
  n: [0, 0, 22, 25, 17, 17, 17], s: [0, 0, 15, 16, 14, 1, 30], t: [8, 8, 28, 8, 8, 9, 6], u: [0, 0, 17, 17, 17, 19, 13],
  p: [0, 0, 30, 17, 30, 16, 16], k: [16, 16, 18, 20, 24, 20, 18], H: [17, 17, 17, 31, 17, 17, 17], z: [0, 0, 31, 2, 4, 8, 31],
  r: [0, 0, 22, 25, 16, 16, 16], o: [0, 0, 14, 17, 17, 17, 14], l: [12, 4, 4, 4, 4, 4, 14], c: [0, 0, 14, 16, 16, 17, 14],
}

/** Draws text with its top-left corner at (x, y); unknown characters are skipped. */
export function drawText(rgb: Uint8Array, width: number, height: number, text: string, x: number, y: number, color: [number, number, number]): void {
  let cx = Math.round(x)
  for (const ch of text) {
    const glyph = GLYPHS[ch] ?? GLYPHS[ch.toLowerCase()]
    if (glyph) {
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (!(glyph[row] & (16 >> col))) continue
          const px = cx + col
          const py = Math.round(y) + row
          if (px < 0 || py < 0 || px >= width || py >= height) continue
          rgb.set(color, (py * width + px) * 3)
        }
      }
    }
    cx += 6
  }
}

export function textWidth(text: string): number {
  return text.length * 6 - 1
}

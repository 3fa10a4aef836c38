/** A NUL-terminated Latin-1 field of a binary header, trimmed. */
export function fixedText(bytes: Uint8Array, at: number, width: number): string {
  let end = at
  const stop = Math.min(bytes.length, at + width)
  while (end < stop && bytes[end] !== 0) end++
  let text = ''
  for (let i = at; i < end; i++) text += String.fromCharCode(bytes[i])
  return text.trim()
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

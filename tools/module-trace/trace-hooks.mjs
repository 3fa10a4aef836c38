// Module hooks for trace-modules.mjs: records each loaded module's URL (node: built-ins left out).
import { appendFileSync } from 'node:fs'

let out
export function initialize(data) {
  out = data.out
}
export async function load(url, context, next) {
  if (!url.startsWith('node:')) appendFileSync(out, `${url}\n`)
  return next(url, context)
}

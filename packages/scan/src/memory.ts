import { readFileSync } from 'node:fs'

/**
 * This process's peak resident memory in bytes. On Linux from /proc/self/status (VmHWM, the high-water mark of
 * this process's own memory): `process.resourceUsage().maxRSS` there starts from the parent's resident size at
 * fork (a worker forked by a 500 MB process reports at least 500 MB however little it uses). Elsewhere, maxRSS.
 */
export function peakResidentBytes(status: () => string = readStatus): number {
  const text = status()
  const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(text)?.[1]
  return kib !== undefined ? Number(kib) * 1024 : process.resourceUsage().maxRSS * 1024
}

function readStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8')
  } catch {
    return ''
  }
}

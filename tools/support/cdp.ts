// Chromium driven over the DevTools protocol (--remote-debugging-pipe: JSON messages separated by NUL on
// fds 3 and 4), for browser tests that need what a page cannot do alone: choose files in a file input as a
// user would (DOM.setFileInputFiles, also a whole directory for a `webkitdirectory` input) and sample the
// JS heap of the page and of its workers (Runtime.getHeapUsage) while the page works.
import { readdirSync, readFileSync } from 'node:fs'
import type { Readable, Writable } from 'node:stream'
import { bundleScript } from '../browser-bundle.mjs'
import { launchChromium, servePage, type ServedFiles } from './chromium.js'

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string }

/** A DevTools connection over the pipe: send() resolves with the command's result; events go to onEvent. */
class Cdp {
  private next = 1
  private pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>()
  private buffer = ''
  onEvent: (message: Message) => void = () => {}

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8')
    output.on('data', (text: string) => {
      this.buffer += text
      let end
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as Message
        this.buffer = this.buffer.slice(end + 1)
        const waiting = message.id !== undefined ? this.pending.get(message.id) : undefined
        if (waiting) {
          this.pending.delete(message.id!)
          if (message.error) waiting.reject(new Error(message.error.message))
          else waiting.resolve(message.result ?? {})
        } else if (message.method) this.onEvent(message)
      }
    })
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++
    this.input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0')
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }))
  }
}

export interface PickRun {
  /** What the page POSTed to /result. */
  result: unknown
  /**
   * Largest JS heap in use seen on the page and in any of its workers, sampled every 100 ms (bytes): V8's
   * used heap plus ArrayBuffer backing stores when Chromium reports them (`backingStorageSize`).
   */
  peakHeap: { page: number; workers: number }
  /** Peak resident memory (VmHWM) of the renderer processes, which hold the page, its workers and their wasm heaps. */
  peakRendererRss: number
}

/**
 * Serves `html` plus the bundled `script` (/bundle.js) and `worker` (/worker.js) on 127.0.0.1, opens it,
 * waits until the page sets `window.ready`, then sets each input's files (`picks`: CSS selector → local
 * paths; a directory path for a `webkitdirectory` input) and samples heaps until the page POSTs /result.
 */
export async function runWithPickedFiles(html: string, script: string, worker: string, picks: Record<string, string[]>, timeoutMs = 240_000): Promise<PickRun> {
  const served: ServedFiles = {
    '/index.html': ['text/html', html],
    '/bundle.js': ['text/javascript', await bundleScript(script, 'page.js')],
    '/worker.js': ['text/javascript', await bundleScript(worker, 'worker.js')],
  }
  const site = await servePage(served)
  const chromium = launchChromium(site.url, { devtoolsPipe: true })
  const browser = chromium.browser
  let sampling: ReturnType<typeof setInterval> | undefined
  try {
    const cdp = new Cdp(browser.stdio[3] as Writable, browser.stdio[4] as Readable)
    const workers = new Set<string>()
    cdp.onEvent = (m) => {
      if (m.method === 'Target.attachedToTarget' && (m.params?.targetInfo as { type: string }).type === 'worker') workers.add(m.params!.sessionId as string)
    }
    const page = await attachToPage(cdp)
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, page)
    await until(async () => ((await cdp.send('Runtime.evaluate', { expression: 'window.ready === true', returnByValue: true }, page)).result as { value: unknown }).value === true, 30_000)
    const peakHeap = { page: 0, workers: 0 }
    const sample = async () => {
      const used = async (session: string) => {
        const usage = (await cdp.send('Runtime.getHeapUsage', {}, session).catch(() => ({ usedSize: 0 }))) as { usedSize: number; backingStorageSize?: number }
        return usage.usedSize + (usage.backingStorageSize ?? 0)
      }
      peakHeap.page = Math.max(peakHeap.page, await used(page))
      for (const session of workers) peakHeap.workers = Math.max(peakHeap.workers, await used(session))
    }
    sampling = setInterval(() => void sample(), 100)
    const { root } = (await cdp.send('DOM.getDocument', {}, page)) as { root: { nodeId: number } }
    for (const [selector, files] of Object.entries(picks)) {
      const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector }, page)) as { nodeId: number }
      await cdp.send('DOM.setFileInputFiles', { nodeId, files }, page)
    }
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the page did not report within ${timeoutMs / 1000} s`)), timeoutMs).unref())
    const result = JSON.parse(await Promise.race([site.reported, deadline]))
    clearInterval(sampling)
    await sample()
    return { result, peakHeap, peakRendererRss: peakRss(browser.pid!, '--type=renderer') }
  } finally {
    clearInterval(sampling)
    await chromium.close()
    await site.close()
  }
}

/** Largest VmHWM among the processes of Chromium's process group whose command line has `marker`. */
function peakRss(group: number, marker: string): number {
  let peak = 0
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== group) continue
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024)
    } catch {
      // the process ended meanwhile
    }
  }
  return peak
}

async function attachToPage(cdp: Cdp): Promise<string> {
  let targetId: string | undefined
  await until(async () => {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; targetId: string; url: string }[] }
    targetId = targetInfos.find((t) => t.type === 'page' && t.url.startsWith('http://127.0.0.1'))?.targetId
    return targetId !== undefined
  }, 30_000)
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }
  return sessionId
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Chromium did not get ready within ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// `spikes inspect https://host/folder/`: a KiloSort/Phy folder and an ALF folder published by a web server
// (its directory listing) are loaded in place; only the files the loader needs travel.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { IN_CI, realdata, serveFolder, sharedAvailable } from '@spikes/testing'
import { main } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

const phy = realdata('kilosort_phy', 'phy-data-template')
const alf = realdata('ibl_alf', 'brainbox-alf')
const present = sharedAvailable(phy) && sharedAvailable(alf)

function filesOf(dir: string, prefix: string, out: Record<string, Uint8Array> = {}): Record<string, Uint8Array> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) filesOf(join(dir, e.name), `${prefix}${e.name}/`, out)
    else out[`${prefix}${e.name}`] = readFileSync(join(dir, e.name))
  }
  return out
}

describe.runIf(present || IN_CI)('spikes inspect <folder URL>', async () => {
  it('has the shared real data', () => expect(present).toBe(true))
  const files = { ...filesOf(phy, 'phy/'), ...filesOf(alf, 'alf-session/') }
  const nginx = await serveFolder(files, 'nginx')
  const json = await serveFolder(files, 'json')
  const none = await serveFolder(files, 'none')
  afterAll(async () => Promise.all([nginx.close(), json.close(), none.close()]))

  it('detects and loads a Phy folder from an nginx listing, as from the local folder, fetching only what it reads', async () => {
    const local = captureIo()
    expect(await main(['inspect', phy, '--json'], local.io), local.stderr()).toBe(0)
    nginx.faults = [{ match: /^\/phy\/$/, status: 503, times: 1 }]
    const remote = captureIo()
    expect(await main(['inspect', `${nginx.url}/phy/`, '--json'], remote.io), remote.stderr()).toBe(0)
    const [a, b] = [JSON.parse(local.stdout()), JSON.parse(remote.stdout())]
    expect(b).toMatchObject({ format: 'kilosort', N: 62, totalSpikes: 314 })
    expect({ ...b, metadata: undefined, reason: undefined }).toEqual({ ...a, metadata: undefined, reason: undefined })
    const fetched = new Set(nginx.requests.map((r) => r.path))
    expect(fetched.has('/phy/spike_times.npy')).toBe(true)
    for (const unread of ['pc_features.npy', 'template_features.npy', 'whitening_mat_inv.npy']) expect(fetched.has(`/phy/${unread}`), unread).toBe(false)
  })

  it('loads an ALF session folder from a JSON listing, following its subfolders', async () => {
    const t = captureIo()
    expect(await main(['load', `${json.url}/alf-session/`, '--json'], t.io), t.stderr()).toBe(0)
    const out = JSON.parse(t.stdout())
    expect(out).toMatchObject({ format: 'alf', N: 289 })
    expect(out.trains.reduce((n: number, tr: number[]) => n + tr.length, 0)).toBe(124_905)
    expect(json.requests.some((r) => r.path === '/alf-session/alf/')).toBe(true)
  })

  it('tells what to do when the server lists no folders', async () => {
    const t = captureIo()
    expect(await main(['inspect', `${none.url}/phy/`], t.io)).toBe(1)
    expect(t.stderr()).toMatch(/^error\[SPIKES_NETWORK\]: .*HTTP 403.*files option/m)
  })
})

// Preload (`node --import ./tools/module-trace/trace-modules.mjs ...`): appends the URL of every module the process
// loads, one a line, to the file named by SPIKES_TRACE_MODULES. ES modules are seen by a load hook (which runs
// on the hooks thread, hence the file), CommonJS modules required from them by wrapping Module._load.
import { appendFileSync } from 'node:fs'
import Module, { register } from 'node:module'
import { pathToFileURL } from 'node:url'

const out = process.env.SPIKES_TRACE_MODULES
if (out) {
  register(new URL('./trace-hooks.mjs', import.meta.url), { data: { out } })
  const load = Module._load
  Module._load = function (request, parent, isMain) {
    const result = load.apply(this, arguments)
    try {
      const file = Module._resolveFilename(request, parent, isMain)
      if (file.startsWith('/')) appendFileSync(out, `${pathToFileURL(file).href}\n`)
    } catch {}
    return result
  }
}

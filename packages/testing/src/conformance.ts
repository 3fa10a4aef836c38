import { describe, expect, it } from 'vitest'
import { isSpikesError, loadSpikeData, LoaderRegistry, type DependencyContainer } from '@spikes/core'
import { spikeDataToJson } from '@spikes/core/json'
import '@spikes/core/node'
import { caseCall, caseVariants, listCases } from './corpus.js'
import { judge } from './judge.js'
import { CORPUS_DIR, IN_CI, sharedAvailable } from './paths.js'

/** Runs one case through loadSpikeData and returns the `load --json` document (or { error }). */
export async function runCase(container: DependencyContainer, call: { format: string; input: string; options: Record<string, unknown> }): Promise<Record<string, any>> {
  try {
    const sd = await loadSpikeData(call.input, { format: call.format, options: call.options, container })
    return { format: call.format, ...spikeDataToJson(sd) }
  } catch (error) {
    if (isSpikesError(error)) return { error: { code: error.code, message: error.message } }
    return { error: { code: 'UNCAUGHT', message: String((error as Error)?.stack ?? error) } }
  }
}

/**
 * One test per corpus case whose name starts with `prefix`. A case whose format has no loader in the
 * container is a todo (pending), never a pass. Under CI=true a missing corpus fails.
 */
export function describeCorpus(prefix: string, makeContainer: () => DependencyContainer): void {
  describe(`corpus ${prefix}*`, () => {
    if (!sharedAvailable(CORPUS_DIR)) {
      if (IN_CI) it('the corpus is present', () => expect(sharedAvailable(CORPUS_DIR), `${CORPUS_DIR} is missing`).toBe(true))
      else it.skip(`corpus not found at ${CORPUS_DIR}`, () => {})
      return
    }
    const cases = listCases(prefix)
    it(`has cases for ${prefix}`, () => expect(cases.length).toBeGreaterThan(0))
    const container = makeContainer()
    const registered = new Set(container.resolve(LoaderRegistry).list().map((l) => l.id))
    for (const c of cases) {
      const format = caseCall(c).format
      if (!registered.has(format)) {
        it.todo(`${c.name} (format '${format}' not registered: pending)`)
        continue
      }
      it(c.name, async () => {
        for (const variant of caseVariants(c)) {
          const out = await runCase(container, caseCall(c, variant))
          const why = judge(variant, out)
          expect(why, `${c.name}: ${why}`).toBeNull()
        }
      })
    }
  })
}

import { isSpikesError, readText, type FolderSource, type LoadContext } from '@spikes/core'
import { checkFileSamplingRate } from '@spikes/core/loader-utils'
import { isPyTuple, parsePyLiteral, type PyLiteral } from '@spikes/numpy'

const MAX_PARAMS_BYTES = 1024 * 1024

/** The result of {@link parseParamsPy}. */
export interface PhyParams {
  /** Assignments whose value is a literal, as JSON-safe values (tuples become arrays, dicts objects). */
  values: Record<string, unknown>
  /** Names whose value is not a literal (an expression, a call): never evaluated, only reported. */
  skipped: string[]
}

/**
 * Reads Phy's params.py (`name = literal` lines) without executing it: each right-hand side goes
 * through a literal parser; anything else is skipped.
 */
export function parseParamsPy(text: string): PhyParams {
  const values: Record<string, unknown> = {}
  const skipped: string[] = []
  const assign = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)[ \t]*/gm
  let m: RegExpExecArray | null
  while ((m = assign.exec(text))) {
    const name = m[1]
    const start = m.index + m[0].length
    try {
      const { value, end } = parsePyLiteral(text.slice(start), { allowTrailing: true })
      // The literal must end the statement (only a comment may follow on its line).
      const rest = text.slice(start + end)
      const lineEnd = rest.indexOf('\n')
      const tail = (lineEnd < 0 ? rest : rest.slice(0, lineEnd)).trim()
      if (tail !== '' && !tail.startsWith('#') && !tail.startsWith(';')) throw new Error('trailing text')
      if (name === '__proto__') throw new Error('not a plain key')
      values[name] = toJson(value)
      assign.lastIndex = start + end
    } catch {
      skipped.push(name)
    }
  }
  return { values, skipped }
}

function toJson(value: PyLiteral): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]))
  if (Array.isArray(value) || isPyTuple(value)) return [...value].map(toJson)
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return value
}

/** The sampling rate params.py gives (`sample_rate`), when it is a positive finite number. */
export function sampleRateOf(params: PhyParams | undefined): number | undefined {
  const v = params?.values.sample_rate
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined
}

/**
 * The sampling rate to use from params.py, checked: a `sample_rate` outside 1 Hz..10 MHz (zero, negative, 1e308, a
 * string) is an InvalidDataError saying what was found when the spike times are samples and no `fsHz` overrides it;
 * when `fsHz` is given, or the times are not samples, it is a SPIKES_WARN_PARAMS warning and the rate is not used.
 */
export function checkedSampleRate(params: PhyParams | undefined, fsHz: number | undefined, timeUnit: string, context: LoadContext): number | undefined {
  if (!params || !('sample_rate' in params.values)) return undefined
  const value = params.values.sample_rate
  try {
    return checkFileSamplingRate(value, { file: 'params.py', field: 'sample_rate', override: 'pass fsHz (in Hz) to use another rate' })
  } catch (error) {
    if (fsHz === undefined && timeUnit === 'samples') throw error
    context.warn('SPIKES_WARN_PARAMS', `${(error as Error).message} It is ignored${fsHz !== undefined ? ` (fsHz = ${fsHz} is used)` : ''}.`, { field: 'sample_rate', found: String(value) })
    return undefined
  }
}

/** The folder's params.py, parsed (never executed); none when absent, `unreadable` saying why when it could not be read (with a warning). */
export async function readParams(folder: FolderSource, context: LoadContext): Promise<{ params?: PhyParams; unreadable?: string }> {
  if (!(await folder.exists('params.py'))) return {}
  try {
    const source = await folder.open('params.py')
    try {
      const params = parseParamsPy(await readText(source, MAX_PARAMS_BYTES))
      const n = params.skipped.length
      if (n) context.warn('SPIKES_WARN_PARAMS', `params.py: ${params.skipped.join(', ')} ${n === 1 ? 'is' : 'are'} not a plain literal and ${n === 1 ? 'was' : 'were'} skipped (params.py is parsed, never executed).`, { skipped: params.skipped })
      return { params }
    } finally {
      await source.close()
    }
  } catch (error) {
    if (!isSpikesError(error)) throw error
    context.warn('SPIKES_WARN_PARAMS', `params.py could not be read (${error.message}); it is ignored.`, {})
    return { unreadable: error.message }
  }
}

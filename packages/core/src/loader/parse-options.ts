import { getMetadata, safeParse, type ErrorMessage, type InferOutput, type ObjectEntries, type ObjectIssue, type ObjectSchema } from 'valibot'
import { InvalidArgumentError } from '../errors.js'
import { didYouMean } from './did-you-mean.js'
import { camelCaseOption } from './option-names.js'

/** A loader's options: a valibot object schema, one entry per option (lowerCamelCase names). */
export type OptionsSchema = ObjectSchema<ObjectEntries, ErrorMessage<ObjectIssue> | undefined>

/** An option name the loader does not know; `suggestion` is the closest known name, if any is close. */
export class UnknownOptionError extends InvalidArgumentError {
  declare readonly suggestion?: string
  declare readonly known: readonly string[]
  declare readonly formatId: string
  constructor(formatId: string, option: string, received: unknown, known: readonly string[], suggestion?: string) {
    const list = known.join(', ') || '(none)'
    const closest = suggestion ? `'${suggestion}' (did you mean it?); the ${formatId} options are ` : `one of the ${formatId} options: `
    // Said as what it is: the option is unknown to this loader (its value may be fine for another one).
    const problem = `The ${formatId} loader has no option '${option}'${suggestion ? `; did you mean '${suggestion}'?` : '.'} Its options: ${list}.`
    super(option, received, `${closest}${list}`, { problem, details: { formatId, known, ...(suggestion ? { suggestion } : {}) } })
    // An own property even when there is no suggestion, so callers can read `error.suggestion` as undefined.
    this.suggestion = suggestion
  }
}

/**
 * Checks loader options against the loader's schema and returns them typed, defaults filled in.
 * SpikeLab's snake_case names are accepted as aliases (`fs_Hz` for `fsHz`); a top-level `null` means
 * "not given", as `None` does in SpikeLab (unless the option's schema accepts null); an unknown name is an UnknownOptionError with the closest
 * known name; a wrong value an InvalidArgumentError naming the option and what it takes.
 */
export function parseOptions<S extends OptionsSchema>(formatId: string, schema: S, input: unknown): InferOutput<S> {
  const given = input ?? {}
  if (typeof given !== 'object' || Array.isArray(given)) throw new InvalidArgumentError('options', input, `an object of ${formatId} loader options`)
  const known = Object.keys(schema.entries)
  const named: Record<string, unknown> = {}
  const spelled: Record<string, string> = {}
  for (const [key, value] of Object.entries(given)) {
    const name = Object.hasOwn(schema.entries, key) ? key : camelCaseOption(key)
    if (!Object.hasOwn(schema.entries, name)) throw new UnknownOptionError(formatId, key, value, known, didYouMean(key, known))
    if (Object.hasOwn(spelled, name)) throw new InvalidArgumentError(key, value, `'${name}' given once (it was also given as '${spelled[name]}')`)
    spelled[name] = key
    // null is 'not given' (SpikeLab's None), unless the option gives null a meaning of its own (filter: null).
    if (value !== null || safeParse(schema.entries[name]!, null).success) named[name] = value
  }
  const result = safeParse(schema, named)
  if (result.success) return result.output
  const { issue, steps } = closestIssue(result.issues[0] as unknown as Issue)
  // An array's element is reported as the array: 'clusterIds', not 'clusterIds.3'.
  const arrayAt = steps.findIndex((step) => step.type === 'array')
  const kept = arrayAt < 0 ? steps : steps.slice(0, arrayAt)
  const path = kept.map((step) => String(step.key))
  const top = path[0] ?? 'options'
  const argument = [spelled[top] ?? top, ...path.slice(1)].join('.')
  if (issue.type === 'object' && path.length === 1 && !Object.hasOwn(named, top)) {
    // A required option is missing: say what the option itself takes.
    const missing = safeParse(schema.entries[top]!, undefined)
    throw new InvalidArgumentError(argument, undefined, `${missing.success ? 'a value' : expectedOf(missing.issues[0])} (required)`)
  }
  const received = arrayAt >= 0 ? steps[arrayAt]!.input : path.length ? issue.input : given
  throw new InvalidArgumentError(argument, isSecret(schema.entries[top]) ? '<redacted>' : received, expectedOf(issue))
}

type Issue = { type: string; message: string; expected: string | null; input: unknown; path?: readonly { type: string; key: unknown; input: unknown }[]; issues?: readonly Issue[] }

/**
 * Where a union failed, the alternative the value came closest to (its issue lies deepest) says more
 * than "a path or an object": curation.skipMerge rather than curation. Union sub-issue paths are
 * relative to the union, so they are joined to its own.
 */
function closestIssue(first: Issue): { issue: Issue; steps: NonNullable<Issue['path']> } {
  let issue = first
  let steps = issue.path ?? []
  while (issue.type === 'union' && issue.issues?.length) {
    const deepest = issue.issues.reduce((a, b) => ((b.path?.length ?? 0) > (a.path?.length ?? 0) ? b : a))
    if (!deepest.path?.length) break
    steps = [...steps, ...deepest.path]
    issue = deepest
  }
  return { issue, steps }
}

/**
 * `options` as given, with the value of every option the schema declares secret (under its own or its snake_case
 * name) replaced by '<redacted>': what provenance may record.
 */
export function redactSecretOptions(schema: OptionsSchema | undefined, options: unknown): unknown {
  if (!schema?.entries || !options || typeof options !== 'object' || Array.isArray(options)) return options
  const entries = schema.entries
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => {
      const name = Object.hasOwn(entries, key) ? key : camelCaseOption(key)
      return [key, Object.hasOwn(entries, name) && isSecret(entries[name]) && value != null ? '<redacted>' : value]
    }),
  )
}

/** Options declared with secretOption (tokens, keys): their values never appear in an error. */
function isSecret(entry: unknown): boolean {
  let inner = entry as { wrapped?: unknown } | undefined
  while (inner?.wrapped) inner = inner.wrapped as { wrapped?: unknown }
  return inner !== undefined && (getMetadata(inner as never) as { secret?: boolean }).secret === true
}

/** A schema's own message is the "expected" phrase ('a sampling rate in Hz'); valibot's defaults say "Invalid ...". */
function expectedOf(issue: { message: string; expected: string | null }): string {
  if (!issue.message.startsWith('Invalid ')) return issue.message
  return issue.expected ?? 'a valid value'
}

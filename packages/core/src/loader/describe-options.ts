import { getDescription, type GenericSchema } from 'valibot'
import type { OptionsSchema } from './parse-options.js'

/** One row of a loader's options table (README, `spikes ... --help`). */
export interface OptionDescription {
  readonly name: string
  /** Type in TypeScript-like notation: `number`, `string`, `'samples' | 's' | 'ms'`, `string[]`. */
  readonly type: string
  readonly required: boolean
  /** The default when the option is not given (JSON-safe), if the schema declares one. */
  readonly default?: unknown
  /** Present (true) when null is a value of its own rather than 'not given' (`revision: null`). */
  readonly nullable?: true
  readonly description: string
}

interface SchemaLike {
  readonly type: string
  readonly wrapped?: SchemaLike
  readonly default?: unknown
  readonly options?: readonly unknown[]
  readonly item?: SchemaLike
  readonly literal?: unknown
  readonly pipe?: readonly SchemaLike[]
}

const WRAPPERS = new Set(['optional', 'nullish', 'nullable', 'exact_optional', 'undefinedable'])

/** The options of a schema, in declaration order, as rows for documentation and help. */
export function describeOptions(schema: OptionsSchema): OptionDescription[] {
  return Object.entries(schema.entries).map(([name, entry]) => {
    let inner = entry as unknown as SchemaLike
    let required = true
    let fallback: unknown
    let described = getDescription(inner as unknown as GenericSchema)
    let nullable = false
    while (WRAPPERS.has(inner.type) && inner.wrapped) {
      described ??= getDescription(inner as unknown as GenericSchema)
      required = false
      if (inner.type === 'nullable' || inner.type === 'nullish') nullable = true
      if (inner.default !== undefined && fallback === undefined) fallback = typeof inner.default === 'function' ? undefined : inner.default
      inner = inner.wrapped
    }
    const description = described ?? getDescription(inner as unknown as GenericSchema) ?? ''
    return { name, type: typeName(inner), required, ...(fallback !== undefined ? { default: fallback } : {}), ...(nullable ? { nullable: true as const } : {}), description }
  })
}

function typeName(schema: SchemaLike): string {
  switch (schema.type) {
    case 'picklist':
      return (schema.options ?? []).map((o) => JSON.stringify(o).replaceAll('"', "'")).join(' | ')
    case 'literal':
      return JSON.stringify(schema.literal).replaceAll('"', "'")
    case 'union':
      return (schema.options as SchemaLike[]).map(typeName).join(' | ')
    case 'array':
      return schema.item ? `${typeName(schema.item)}[]` : 'array'
    case 'record':
    case 'object':
    case 'loose_object':
    case 'strict_object':
      return 'object'
    default:
      return WRAPPERS.has(schema.type) && schema.wrapped ? typeName(schema.wrapped) : schema.type
  }
}

import { InvalidArgumentError } from '@spikes/core'
import type { UnitId } from './unit-id.js'

/** `unitIds` names units the sorting does not have. Code SPIKES_INVALID_ARGUMENT; fields `missing` and `available`. */
export class UnknownUnitIdsError extends InvalidArgumentError {
  /** The requested ids that are not in the sorting. */
  readonly missing: UnitId[]
  /** The sorting's unit ids (after curation, when one was applied). */
  readonly available: UnitId[]
  constructor(missing: UnitId[], available: UnitId[]) {
    const show = (list: UnitId[]) => list.slice(0, 50).map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ') + (list.length > 50 ? ', ...' : '')
    super('unitIds', missing, `ids present in the sorting (available: ${show(available)})`)
    this.missing = missing
    this.available = available
    Object.assign(this.details, { missing, available })
  }
}

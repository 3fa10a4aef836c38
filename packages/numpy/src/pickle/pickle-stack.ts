// The unpickler's machine: the stack, its MARKs and the memo, and the checks on what an opcode works on.
import { PickledArray } from './array.js'
import { PickleReader } from './pickle-reader.js'
import { pyTypeName, type PickleValue } from './values.js'

/** The stack, MARKs and memo of a pickle machine, on top of the byte reader. */
export class PickleStack extends PickleReader {
  protected readonly stack: PickleValue[] = []
  protected readonly marks: number[] = []
  protected readonly memo = new Map<number, PickleValue>()
  protected readonly frozenSets = new WeakSet<Set<PickleValue>>()

  // --- stack ---

  protected push(v: PickleValue): void {
    this.stack.push(v)
  }

  protected fence(): number {
    return this.marks.length ? this.marks[this.marks.length - 1] : 0
  }

  protected pop(): PickleValue {
    if (this.stack.length <= this.fence()) throw this.corrupt('stack underflow', {})
    return this.stack.pop() as PickleValue
  }

  protected top(): PickleValue {
    if (this.stack.length <= this.fence()) throw this.corrupt('stack underflow', {})
    return this.stack[this.stack.length - 1]
  }

  protected popMark(): PickleValue[] {
    const mark = this.marks.pop()
    if (mark === undefined) throw this.corrupt('no MARK on the stack', {})
    return this.stack.splice(mark)
  }

  protected memoPut(index: number): void {
    this.memo.set(index, this.top())
  }

  protected memoGet(index: number): void {
    if (!this.memo.has(index)) throw this.corrupt(`memo reference ${index} was never stored`, { memoIndex: index })
    this.push(this.memo.get(index) as PickleValue)
  }

  protected list(v: PickleValue): PickleValue[] {
    if (!Array.isArray(v) || Object.isFrozen(v)) throw this.corrupt(`appending to a ${pyTypeName(v)}`, {})
    return v
  }

  protected dict(v: PickleValue): Map<PickleValue, PickleValue> {
    if (!(v instanceof Map)) throw this.corrupt(`setting items on a ${pyTypeName(v)}`, {})
    return v
  }

  protected tuple(v: PickleValue, what: string): readonly PickleValue[] {
    if (!Array.isArray(v)) throw this.corrupt(`${what} are a ${pyTypeName(v)}, not a tuple`, {})
    return v
  }

  protected setItems(dict: Map<PickleValue, PickleValue>, items: PickleValue[]): void {
    if (items.length % 2 !== 0) throw this.corrupt('odd number of items for a dict', {})
    for (let i = 0; i < items.length; i += 2) dict.set(this.hashable(items[i]), items[i + 1])
  }

  protected hashable(v: PickleValue): PickleValue {
    const unhashable = v instanceof Map || v instanceof PickledArray || (Array.isArray(v) && !Object.isFrozen(v)) || (v instanceof Set && !this.frozenSets.has(v))
    if (unhashable) throw this.corrupt(`a ${pyTypeName(v)} used as a dict key or set item (unhashable)`, {})
    return v
  }
}

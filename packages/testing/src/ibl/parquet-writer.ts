/**
 * A minimal parquet writer for test fixtures (one row group, PLAIN encoding, uncompressed, v1 data
 * pages): enough for the tables the loaders read. Written from the Apache Parquet format spec.
 */
export type ParquetColumn =
  | { name: string; type: 'double'; values: ArrayLike<number> }
  | { name: string; type: 'int64'; values: ArrayLike<number> }
  | { name: string; type: 'string'; values: readonly (string | null)[] }
  | { name: string; type: 'boolean'; values: readonly boolean[] }

class Bytes {
  private chunks: number[] = []
  byte(b: number) {
    this.chunks.push(b & 0xff)
  }
  bytes(u8: Uint8Array) {
    for (const b of u8) this.chunks.push(b)
  }
  varint(n: bigint | number) {
    let v = BigInt(n)
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.byte(Number(v))
  }
  zigzag(n: number | bigint) {
    const v = BigInt(n)
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n)
  }
  u8(): Uint8Array {
    return Uint8Array.from(this.chunks)
  }
  get length() {
    return this.chunks.length
  }
}

// Thrift compact protocol: just what the footer and page headers need.
type TValue = { t: 'i32' | 'i64'; v: number | bigint } | { t: 'bin'; v: string | Uint8Array } | { t: 'struct'; v: TField[] } | { t: 'list'; elem: 'i32' | 'bin' | 'struct'; v: TValue[] }
type TField = [id: number, value: TValue]
const TYPE = { i32: 5, i64: 6, bin: 8, list: 9, struct: 12 } as const

function writeValue(w: Bytes, value: TValue): void {
  switch (value.t) {
    case 'i32':
    case 'i64':
      w.zigzag(value.v)
      return
    case 'bin': {
      const b = typeof value.v === 'string' ? new TextEncoder().encode(value.v) : value.v
      w.varint(b.length)
      w.bytes(b)
      return
    }
    case 'struct':
      writeStruct(w, value.v)
      return
    case 'list': {
      const n = value.v.length
      const et = TYPE[value.elem]
      if (n < 15) w.byte((n << 4) | et)
      else {
        w.byte(0xf0 | et)
        w.varint(n)
      }
      for (const item of value.v) writeValue(w, item)
    }
  }
}

function writeStruct(w: Bytes, fields: TField[]): void {
  let last = 0
  for (const [id, value] of fields) {
    const delta = id - last
    w.byte((delta << 4) | TYPE[value.t])
    last = id
    writeValue(w, value)
  }
  w.byte(0)
}

const i32 = (v: number): TValue => ({ t: 'i32', v })
const i64 = (v: number | bigint): TValue => ({ t: 'i64', v })
const bin = (v: string): TValue => ({ t: 'bin', v })

function rleDefinitionLevels(defined: boolean[]): Uint8Array {
  const w = new Bytes()
  let i = 0
  while (i < defined.length) {
    let j = i
    while (j < defined.length && defined[j] === defined[i]) j++
    w.varint((j - i) << 1)
    w.byte(defined[i] ? 1 : 0)
    i = j
  }
  return w.u8()
}

function plainValues(col: ParquetColumn): { bytes: Uint8Array; defined: boolean[] | null } {
  const n = col.values.length
  if (col.type === 'double') {
    const out = new Uint8Array(n * 8)
    const dv = new DataView(out.buffer)
    for (let i = 0; i < n; i++) dv.setFloat64(i * 8, col.values[i], true)
    return { bytes: out, defined: null }
  }
  if (col.type === 'int64') {
    const out = new Uint8Array(n * 8)
    const dv = new DataView(out.buffer)
    for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(col.values[i]), true)
    return { bytes: out, defined: null }
  }
  if (col.type === 'boolean') {
    const out = new Uint8Array(Math.ceil(n / 8))
    for (let i = 0; i < n; i++) if (col.values[i]) out[i >> 3] |= 1 << (i & 7)
    return { bytes: out, defined: null }
  }
  const w = new Bytes()
  const defined = col.values.map((v) => v !== null)
  for (const v of col.values) {
    if (v === null) continue
    const b = new TextEncoder().encode(v)
    const len = new Uint8Array(4)
    new DataView(len.buffer).setUint32(0, b.length, true)
    w.bytes(len)
    w.bytes(b)
  }
  return { bytes: w.u8(), defined }
}

const PHYSICAL = { double: 5, int64: 2, string: 6, boolean: 0 } as const

/** Encodes the columns (all of one length) as a parquet file. */
export function writeParquet(columns: ParquetColumn[], keyValue: Record<string, string> = {}): Uint8Array {
  const numRows = columns.length ? columns[0].values.length : 0
  for (const c of columns) if (c.values.length !== numRows) throw new Error(`column ${c.name} has ${c.values.length} rows, not ${numRows}`)
  const file = new Bytes()
  file.bytes(new TextEncoder().encode('PAR1'))
  const chunks: TValue[] = []
  let totalBytes = 0
  for (const col of columns) {
    const { bytes, defined } = plainValues(col)
    let page: Uint8Array = bytes
    if (defined) {
      const levels = rleDefinitionLevels(defined)
      page = new Uint8Array(4 + levels.length + bytes.length)
      new DataView(page.buffer).setUint32(0, levels.length, true)
      page.set(levels, 4)
      page.set(bytes, 4 + levels.length)
    }
    const header = new Bytes()
    writeStruct(header, [
      [1, i32(0)],
      [2, i32(page.length)],
      [3, i32(page.length)],
      [5, { t: 'struct', v: [[1, i32(numRows)], [2, i32(0)], [3, i32(3)], [4, i32(3)]] }],
    ])
    const offset = file.length
    file.bytes(header.u8())
    file.bytes(page)
    const size = header.length + page.length
    totalBytes += size
    chunks.push({
      t: 'struct',
      v: [
        [2, i64(offset)],
        [
          3,
          {
            t: 'struct',
            v: [
              [1, i32(PHYSICAL[col.type])],
              [2, { t: 'list', elem: 'i32', v: [i32(0), i32(3)] }],
              [3, { t: 'list', elem: 'bin', v: [bin(col.name)] }],
              [4, i32(0)],
              [5, i64(numRows)],
              [6, i64(size)],
              [7, i64(size)],
              [9, i64(offset)],
            ],
          },
        ],
      ],
    })
  }
  const schema: TValue[] = [{ t: 'struct', v: [[4, bin('schema')], [5, i32(columns.length)]] }]
  for (const col of columns) {
    const fields: TField[] = [
      [1, i32(PHYSICAL[col.type])],
      [3, i32(col.type === 'string' ? 1 : 0)],
      [4, bin(col.name)],
    ]
    if (col.type === 'string') fields.push([6, i32(0)])
    schema.push({ t: 'struct', v: fields })
  }
  const meta: TField[] = [
    [1, i32(1)],
    [2, { t: 'list', elem: 'struct', v: schema }],
    [3, i64(numRows)],
    [4, { t: 'list', elem: 'struct', v: [{ t: 'struct', v: [[1, { t: 'list', elem: 'struct', v: chunks }], [2, i64(totalBytes)], [3, i64(numRows)]] }] }],
  ]
  const kv = Object.entries(keyValue)
  if (kv.length) meta.push([5, { t: 'list', elem: 'struct', v: kv.map(([k, v]) => ({ t: 'struct', v: [[1, bin(k)], [2, bin(v)]] as TField[] })) }])
  meta.push([6, bin('@spikes/format-ibl test writer')])
  const footer = new Bytes()
  writeStruct(footer, meta)
  const f = footer.u8()
  file.bytes(f)
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, f.length, true)
  file.bytes(len)
  file.bytes(new TextEncoder().encode('PAR1'))
  return file.u8()
}

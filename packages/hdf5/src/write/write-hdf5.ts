import { InvalidArgumentError, isSpikesError } from '@spikes/core'
import { isNode, loadH5wasm, nodeImport, type H5Wasm } from '../runtime.js'
import { hdf5Reason, toHdf5Error } from '../errors.js'
import { isRef, type H5AttrValue, type H5Attrs, type H5DatasetSpec, type H5GroupSpec, type H5NodeSpec, type H5Ref } from './tree.js'

type H5Object = InstanceType<H5Wasm['Group']> | InstanceType<H5Wasm['Dataset']>
type H5File = InstanceType<H5Wasm['File']>

/** Options of writeHdf5. */
export interface WriteHdf5Options {
  /** Called once per dataset written, for progress reports. */
  onDataset?: (path: string) => void
  /** Replace an existing file at the target path (default false: refuse with SPIKES_OUTPUT_EXISTS). */
  overwrite?: boolean
  /** Local paths the data was read from: the target may be none of them (SPIKES_OUTPUT_IS_INPUT). */
  inputs?: readonly (string | undefined)[]
}

/**
 * Writes the tree to `target` (a path: Node only) or, without a target, returns the file's bytes
 * (Node and browsers). A path is written safely: refused when it is an input or exists (unless
 * `overwrite`), built under a temporary name in the same folder and renamed into place when complete,
 * so a failure or a kill leaves an existing file as it was and no partial file behind.
 */
export async function writeHdf5(root: H5GroupSpec, target?: string, options: WriteHdf5Options = {}): Promise<Uint8Array | undefined> {
  if (root == null || root.kind !== 'group') throw new InvalidArgumentError('root', root, "a group spec ({ kind: 'group', ... })")
  if (target !== undefined && (typeof target !== 'string' || target === '')) throw new InvalidArgumentError('target', target, 'a file path, or nothing to get the bytes back')
  if (target !== undefined && !isNode) throw new InvalidArgumentError('target', target, 'no path outside Node: call without a target to get the bytes')
  const h5 = await loadH5wasm()
  if (target === undefined) {
    const scratch = await scratchPath()
    try {
      await writeTree(h5, root, scratch, options)
    } catch (error) {
      throw isSpikesError(error) ? error : toHdf5Error(error, 'Writing', 'an in-memory HDF5 file')
    }
    return readAndRemove(h5, scratch)
  }
  const nodeCore = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node')
  await nodeCore.writeFileSafely(
    target,
    async (temporary) => {
      try {
        await writeTree(h5, root, temporary, options)
      } catch (error) {
        // A failed write is a write failure, not a corrupt file.
        throw isSpikesError(error) ? error : nodeCore.writeError(target, new Error(hdf5Reason(error)))
      }
    },
    { overwrite: options.overwrite, inputs: options.inputs },
  )
  return undefined
}

/** Writes the tree to `path`; on failure removes what was written and rethrows. */
async function writeTree(h5: H5Wasm, root: H5GroupSpec, path: string, options: WriteHdf5Options): Promise<void> {
  let file: H5File | null = null
  try {
    file = new h5.File(path, 'w')
    const deferred: (() => void)[] = []
    writeGroup(h5, file, file, '', root, deferred, options)
    for (const job of deferred) job()
    file.flush()
    file.close()
    file = null
  } catch (error) {
    if (file) {
      try {
        file.close()
      } catch {
        // already failing; keep the first error
      }
    }
    await remove(h5, path)
    throw error
  }
}

function writeGroup(h5: H5Wasm, file: H5File, group: InstanceType<H5Wasm['Group']>, path: string, spec: H5GroupSpec, deferred: (() => void)[], options: WriteHdf5Options): void {
  setAttrs(file, group, path || '/', spec.attrs, deferred)
  for (const [name, child] of Object.entries(spec.children ?? {})) {
    checkName(name, path)
    const childPath = `${path}/${name}`
    writeNode(h5, file, group, name, childPath, child, deferred, options)
  }
}

function writeNode(h5: H5Wasm, file: H5File, parent: InstanceType<H5Wasm['Group']>, name: string, path: string, spec: H5NodeSpec, deferred: (() => void)[], options: WriteHdf5Options): void {
  if (spec.kind === 'group') {
    const group = parent.create_group(name)
    writeGroup(h5, file, group, path, spec, deferred, options)
  } else if (spec.kind === 'softlink') {
    deferred.push(() => parent.create_soft_link(spec.target, name))
  } else if (spec.kind === 'dataset') {
    if (Array.isArray(spec.data) && spec.data.length > 0 && isRef(spec.data[0])) {
      deferred.push(() => {
        const refs = (spec.data as readonly H5Ref[]).map((r) => resolve(file, r.ref, path).create_reference())
        const dataset = parent.create_dataset({ name, data: refs as never, shape: spec.shape ? [...spec.shape] : undefined })
        setAttrs(file, dataset, path, spec.attrs, deferred)
        options.onDataset?.(path)
      })
      return
    }
    const dataset = createDataset(parent, name, spec)
    setAttrs(file, dataset, path, spec.attrs, deferred)
    options.onDataset?.(path)
  } else {
    throw new InvalidArgumentError(path, spec, "a node spec of kind 'group', 'dataset' or 'softlink'")
  }
}

function createDataset(parent: InstanceType<H5Wasm['Group']>, name: string, spec: H5DatasetSpec): InstanceType<H5Wasm['Dataset']> {
  const { data } = spec
  if (typeof data === 'string') return parent.create_dataset({ name, data })
  if (typeof data === 'number') return parent.create_dataset({ name, data: Float64Array.of(data), shape: [] })
  if (Array.isArray(data)) {
    if (data.some((s) => typeof s !== 'string')) throw new InvalidArgumentError(name, data, 'an array of strings or of references')
    return parent.create_dataset({ name, data: data as string[], shape: spec.shape ? [...spec.shape] : [data.length] })
  }
  const typed = data as Exclude<H5DatasetSpec['data'], string | number | readonly unknown[]>
  const shape = spec.shape ? [...spec.shape] : [typed.length]
  const empty = shape.some((d) => d === 0)
  const chunks = spec.chunks && !empty ? spec.chunks.map((c, i) => Math.max(1, Math.min(c, shape[i]))) : undefined
  return parent.create_dataset({
    name,
    data: typed,
    shape,
    chunks: chunks ?? null,
    compression: chunks && spec.gzip ? 'gzip' : undefined,
    compression_opts: chunks && spec.gzip ? spec.gzip : undefined,
  })
}

function setAttrs(file: H5File, target: H5Object, path: string, attrs: H5Attrs | undefined, deferred: (() => void)[]): void {
  if (!attrs) return
  for (const [name, value] of Object.entries(attrs)) {
    if (isRef(value)) {
      deferred.push(() => target.create_attribute(name, resolve(file, value.ref, path).create_reference()))
    } else {
      writeAttr(target, name, value, path)
    }
  }
}

function writeAttr(target: H5Object, name: string, value: H5AttrValue, path: string): void {
  if (typeof value === 'string') target.create_attribute(name, value)
  else if (Array.isArray(value)) target.create_attribute(name, value as string[], [value.length])
  else if (typeof value === 'number') target.create_attribute(name, Float64Array.of(value), [])
  else if (ArrayBuffer.isView(value)) target.create_attribute(name, value as never, [(value as unknown as { length: number }).length])
  else if (typeof value === 'object' && value !== null && typeof (value as { int: number }).int === 'number') {
    target.create_attribute(name, BigInt64Array.of(BigInt(Math.trunc((value as { int: number }).int))), [])
  } else throw new InvalidArgumentError(`${path}@${name}`, value, 'a string, string[], number, { int }, typed array or reference')
}

function resolve(file: H5File, refPath: string, from: string): H5Object {
  const target = file.get(refPath)
  if (!target || typeof (target as H5Object).create_reference !== 'function') {
    throw new InvalidArgumentError(`${from} reference`, refPath, 'the path of a group or dataset written in the same file')
  }
  return target as H5Object
}

function checkName(name: string, parent: string): void {
  if (!name || name.includes('/') || name === '.' || name === '..') throw new InvalidArgumentError(`${parent || '/'} child name`, name, 'a non-empty name without "/"')
}

async function scratchPath(): Promise<string> {
  const id = `spikes-h5-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.h5`
  if (!isNode) return `/${id}`
  const [{ tmpdir }, { join }] = await Promise.all([nodeImport<typeof import('node:os')>('node:os'), nodeImport<typeof import('node:path')>('node:path')])
  return join(tmpdir(), id)
}

async function readAndRemove(h5: H5Wasm, path: string): Promise<Uint8Array> {
  try {
    if (isNode) {
      const { readFile } = await import('node:fs/promises')
      const buffer = await readFile(path)
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    }
    return h5.FS!.readFile(path) as Uint8Array
  } finally {
    await remove(h5, path)
  }
}

async function remove(h5: H5Wasm, path: string): Promise<void> {
  try {
    if (isNode) {
      const { rm } = await import('node:fs/promises')
      await rm(path, { force: true })
    } else h5.FS?.unlink(path)
  } catch {
    // nothing to remove
  }
}

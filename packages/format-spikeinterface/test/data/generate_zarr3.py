#!/usr/bin/python3
"""Writes si-zarr3-sorting.zarr and si-zarr3-sorting-str.zarr: the ZarrSortingExtractors of si-zarr-sorting.zarr and
si-zarr-sorting-str.zarr (string unit ids) re-saved as Zarr v3.

Current SpikeInterface (main, zarr-python 3) writes Zarr v3. zarr-python 3 is not installable here (Debian's
/usr/bin/python3 has numpy 1.24, zarr 2.13, numcodecs 0.11), so this script reads the arrays and attributes of the
v2 fixture (written by generate_zarr.py) with zarr 2 and writes each node's zarr.json by hand, as the Zarr v3 core
specification (zarr-specs.readthedocs.io, v3/core) and zarr-python 3 lay them out, with chunk payloads from numcodecs:

- the layout of add_sorting_to_zarr_group (SpikeInterface/spikeinterface, src/spikeinterface/core/zarrextractors.py):
  root attributes sampling_frequency, num_segments, annotations; unit_ids, spikes/segment_slices and properties/*
  with no compressor (codecs: bytes only); spikes/sample_index and spikes/unit_index with the default compressor
  Blosc(cname="zstd", clevel=5, shuffle=BITSHUFFLE) and the filter Delta(dtype) — in v3 the filter is the
  array->array codec "numcodecs.delta" (its numcodecs configuration minus the id), then "bytes" (little endian),
  then the compressor as the core "blosc" codec (cname, clevel, shuffle "bitshuffle", typesize, blocksize);
- numpy fixed-length unicode arrays (`<U<n>`: string unit ids, the "ch" property) as zarr-python 3 writes them
  (src/zarr/core/dtype/npy/string.py, FixedLengthUTF32): data_type {"name": "fixed_length_utf32", "configuration":
  {"length_bytes": 4 * n}}, fill_value the string itself, UTF-32 code units through the "bytes" codec;
- chunk keys with zarr-python 3's default encoding (c/0, c/0/0), full-size chunks;
- save() consolidates: the root zarr.json carries consolidated_metadata {"kind": "inline", "must_understand":
  false, "metadata": {path: node document}}; other groups' zarr.json have "consolidated_metadata": null.

The spikes are the v2 fixture's, so the expected values are its .expected.json (numpy's view). Run:
/usr/bin/python3 generate_zarr3.py (after generate_zarr.py); each .expected.json is its v2 source's. Tests never run Python.
"""
import json
import os
import shutil

import numcodecs
import numpy as np
import zarr

HERE = os.path.dirname(os.path.abspath(__file__))
PAIRS = [('si-zarr-sorting.zarr', 'si-zarr3-sorting.zarr'), ('si-zarr-sorting-str.zarr', 'si-zarr3-sorting-str.zarr')]
ROOT = None

V3_TYPES = {'b1': 'bool', 'i1': 'int8', 'i2': 'int16', 'i4': 'int32', 'i8': 'int64', 'u1': 'uint8', 'u2': 'uint16',
            'u4': 'uint32', 'u8': 'uint64', 'f2': 'float16', 'f4': 'float32', 'f8': 'float64'}
SHUFFLE = {numcodecs.Blosc.NOSHUFFLE: 'noshuffle', numcodecs.Blosc.SHUFFLE: 'shuffle', numcodecs.Blosc.BITSHUFFLE: 'bitshuffle'}


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(doc, f, indent=2)


def array_doc(a):
    dtype = a.dtype
    codecs = []
    for f in a.filters or []:
        cfg = f.get_config()
        codecs.append({'name': 'numcodecs.' + cfg.pop('id'), 'configuration': cfg})
    codecs.append({'name': 'bytes', 'configuration': {'endian': 'little'}})
    c = a.compressor
    if c is not None:
        assert c.codec_id == 'blosc'
        codecs.append({'name': 'blosc', 'configuration': {'typesize': dtype.itemsize, 'cname': c.cname, 'clevel': c.clevel, 'shuffle': SHUFFLE[c.shuffle], 'blocksize': c.blocksize}})
    fill = a.fill_value
    if dtype.kind == 'U':
        data_type = {'name': 'fixed_length_utf32', 'configuration': {'length_bytes': dtype.itemsize}}
        fill_value = str(fill)
    else:
        data_type = V3_TYPES[dtype.str[1:]]
        fill_value = float(fill) if dtype.kind == 'f' else int(fill)
    return {
        'shape': list(a.shape),
        'data_type': data_type,
        'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': list(a.chunks)}},
        'chunk_key_encoding': {'name': 'default', 'configuration': {'separator': '/'}},
        'fill_value': fill_value,
        'codecs': codecs,
        'attributes': dict(a.attrs),
        'zarr_format': 3,
        'node_type': 'array',
        'storage_transformers': [],
    }


def write_chunks(path, a):
    data = a[...]
    grid = [-(-n // c) for n, c in zip(a.shape, a.chunks)]
    for index in np.ndindex(*grid):
        block = np.full(a.chunks, a.fill_value, dtype=a.dtype)
        sel = tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(index, a.chunks, a.shape))
        block[tuple(slice(0, s.stop - s.start) for s in sel)] = data[sel]
        for f in a.filters or []:
            block = np.frombuffer(f.encode(block), dtype=a.dtype).reshape(block.shape)
        block = np.ascontiguousarray(block.astype(a.dtype.newbyteorder('<')))
        raw = a.compressor.encode(block) if a.compressor is not None else block.tobytes()
        out = os.path.join(ROOT, path, 'c', *map(str, index))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'wb') as f:
            f.write(bytes(raw))


def main():
    global ROOT
    for source, name in PAIRS:
        ROOT = os.path.join(HERE, name)
        convert(source, name)


def convert(SOURCE, NAME):
    shutil.rmtree(ROOT, ignore_errors=True)
    source = zarr.open(os.path.join(HERE, SOURCE), mode='r')
    docs = {}

    def walk(group, prefix):
        for name, a in group.arrays():
            path = prefix + name
            docs[path] = array_doc(a)
            write_json(os.path.join(ROOT, path, 'zarr.json'), docs[path])
            write_chunks(path, a)
        for name, g in group.groups():
            path = prefix + name
            docs[path] = {'attributes': dict(g.attrs), 'zarr_format': 3, 'consolidated_metadata': None, 'node_type': 'group'}
            write_json(os.path.join(ROOT, path, 'zarr.json'), docs[path])
            walk(g, path + '/')

    walk(source, '')
    root = {
        'attributes': dict(source.attrs),
        'zarr_format': 3,
        'consolidated_metadata': {'kind': 'inline', 'must_understand': False, 'metadata': dict(sorted(docs.items()))},
        'node_type': 'group',
    }
    write_json(os.path.join(ROOT, 'zarr.json'), root)
    shutil.copyfile(os.path.join(HERE, f'{SOURCE}.expected.json'), os.path.join(HERE, f'{NAME}.expected.json'))


if __name__ == '__main__':
    main()

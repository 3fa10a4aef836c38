#!/usr/bin/python3
"""Writes the Zarr v3 fixture of @spikes/zarr (v3.zarr and v3.zarr.expected.json).

zarr-python 3 is not installable here (Debian's /usr/bin/python3 has numpy 1.24, zarr 2.13, numcodecs 0.11), so
the zarr.json documents are written by hand as the Zarr v3 core specification (zarr-specs.readthedocs.io, v3/core)
lays them out and as zarr-python 3 writes them (zarr_format 3, node_type, attributes, shape, data_type, chunk_grid
"regular", chunk_key_encoding "default" with separator "/" or "v2", fill_value, codecs: array->array codecs, one
"bytes" codec with its endian, then bytes->bytes codecs; numcodecs filters as "numcodecs.<id>" with the numcodecs
configuration minus its id; the root's consolidated_metadata {"kind": "inline", "must_understand": false,
"metadata": {path: document}}). The chunk payloads come from numcodecs (real Blosc / Zstd / GZip / Delta), and
every expected value from numpy. Run: /usr/bin/python3 generate_v3.py. Tests never run Python.
"""
import json
import os
import shutil

import numcodecs
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = 'v3.zarr'
ROOT = os.path.join(HERE, NAME)

V3_TYPES = {'b1': 'bool', 'i1': 'int8', 'i2': 'int16', 'i4': 'int32', 'i8': 'int64', 'u1': 'uint8', 'u2': 'uint16',
            'u4': 'uint32', 'u8': 'uint64', 'f2': 'float16', 'f4': 'float32', 'f8': 'float64'}


def fill_json(value, dtype):
    if dtype.kind == 'b':
        return bool(value)
    if dtype.kind == 'f':
        if np.isnan(value):
            return 'NaN'
        if np.isinf(value):
            return 'Infinity' if value > 0 else '-Infinity'
        return float(value)
    return int(value)


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(doc, f, indent=2)


def write_array(docs, path, data, chunks, fill=0, filters=(), compressor=None, endian='little', order='C',
                key='default', separator='/', skip=(), attributes=None):
    """Writes one array: its zarr.json (returned into docs) and its chunks (full-size, padded with fill)."""
    dtype = data.dtype
    codecs = []
    if order == 'F':
        codecs.append({'name': 'transpose', 'configuration': {'order': list(range(data.ndim))[::-1]}})
    for f in filters:
        cfg = f.get_config()
        codec_id = cfg.pop('id')
        codecs.append({'name': f'numcodecs.{codec_id}', 'configuration': cfg})
    if dtype.itemsize > 1:
        codecs.append({'name': 'bytes', 'configuration': {'endian': endian}})
    else:
        codecs.append({'name': 'bytes'})
    if compressor is not None:
        codecs.append(compressor[0])
    doc = {
        'shape': list(data.shape),
        'data_type': V3_TYPES[dtype.str[1:]],
        'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': list(chunks)}},
        'chunk_key_encoding': {'name': key, 'configuration': {'separator': separator}},
        'fill_value': fill_json(fill, dtype),
        'codecs': codecs,
        'attributes': attributes or {},
        'zarr_format': 3,
        'node_type': 'array',
        'storage_transformers': [],
    }
    write_json(os.path.join(ROOT, path, 'zarr.json'), doc)
    docs[path] = doc
    grid = [-(-n // c) for n, c in zip(data.shape, chunks)]
    for index in np.ndindex(*grid):
        if index in skip:
            continue
        block = np.full(chunks, fill, dtype=dtype)
        sel = tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(index, chunks, data.shape))
        block[tuple(slice(0, s.stop - s.start) for s in sel)] = data[sel]
        if order == 'F':
            block = np.ascontiguousarray(block.T)
        for f in filters:
            block = np.frombuffer(f.encode(block), dtype=dtype).reshape(block.shape)
        raw = block.astype(dtype.newbyteorder('>' if endian == 'big' else '<')).tobytes()
        if compressor is not None:
            raw = compressor[1].encode(np.frombuffer(raw, dtype=block.dtype.newbyteorder('>' if endian == 'big' else '<')) if compressor[0]['name'] in ('blosc', 'numcodecs.blosc') else raw)
        name = key == 'default' and separator.join(['c', *map(str, index)]) or (separator.join(map(str, index)) or '0')
        out = os.path.join(ROOT, path, *name.split('/'))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'wb') as f:
            f.write(bytes(raw))


def blosc(cname, shuffle, typesize):
    names = {numcodecs.Blosc.NOSHUFFLE: 'noshuffle', numcodecs.Blosc.SHUFFLE: 'shuffle', numcodecs.Blosc.BITSHUFFLE: 'bitshuffle'}
    doc = {'name': 'blosc', 'configuration': {'typesize': typesize, 'cname': cname, 'clevel': 5, 'shuffle': names[shuffle], 'blocksize': 0}}
    return doc, numcodecs.Blosc(cname=cname, clevel=5, shuffle=shuffle)


def plain(values):
    out = []
    for v in np.asarray(values).ravel().tolist():
        out.append('NaN' if isinstance(v, float) and v != v else v)
    return out


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(ROOT)
    rng = np.random.default_rng(3)
    docs = {}
    expected = {}

    def add(path, data, **kw):
        write_array(docs, path, data, **kw)
        stored = data.dtype.newbyteorder('>') if kw.get('endian') == 'big' else data.dtype
        expected[path] = {'shape': list(data.shape), 'dtype': stored.str, 'values': plain(data)}

    samples = np.cumsum(rng.integers(0, 40, 400)).astype('<i8') + 2 ** 33
    # What SpikeInterface puts on spike sample indices, as zarr-python 3 writes it: Delta + Blosc zstd bit-shuffle.
    add('samples_blosc_delta', samples, chunks=(150,), filters=[numcodecs.Delta(dtype='<i8')], compressor=blosc('zstd', numcodecs.Blosc.BITSHUFFLE, 8))
    # numcodecs' Blosc wrapped by zarr-python 3 (numcodecs.zarr3.Blosc): the numcodecs configuration, integer shuffle.
    nb = numcodecs.Blosc(cname='lz4', clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
    cfg = nb.get_config()
    cfg.pop('id')
    add('samples_numcodecs_blosc', samples, chunks=(150,), compressor=({'name': 'numcodecs.blosc', 'configuration': cfg}, nb))
    add('samples_zstd', rng.normal(0, 1, 300).astype('<f8'), chunks=(100,), compressor=({'name': 'zstd', 'configuration': {'level': 0, 'checksum': False}}, numcodecs.Zstd(level=0)))
    add('samples_gzip', rng.integers(-1000, 1000, 250).astype('<i4'), chunks=(100,), compressor=({'name': 'gzip', 'configuration': {'level': 5}}, numcodecs.GZip(level=5)))
    add('samples_none', rng.integers(0, 60000, 90).astype('<u2'), chunks=(40,))
    grid = np.arange(100, dtype='<i4').reshape(10, 10) * 3 - 50
    add('grid_F_dot', grid, chunks=(4, 3), order='F', separator='.', compressor=({'name': 'zstd', 'configuration': {'level': 3, 'checksum': False}}, numcodecs.Zstd(level=3)))
    add('grid_C_slash', grid, chunks=(4, 3))
    # The v2 chunk key encoding, big-endian bytes, missing chunks read as fill_value 7.
    g2 = grid.copy()
    g2[0:4, 4:8] = 7
    g2[8:10, 0:4] = 7
    add('grid_v2key_be', g2, chunks=(4, 4), key='v2', separator='.', endian='big', fill=7, skip={(0, 1), (2, 0)},
        compressor=blosc('lz4', numcodecs.Blosc.SHUFFLE, 4))
    f32 = rng.normal(0, 10, 20).astype('<f4')
    f32[5:10] = np.nan
    add('f4_nan_fill', f32, chunks=(5,), fill=np.nan, skip={(1,)})
    add('b1', (np.arange(13) % 3 == 0), chunks=(5,), fill=False)
    add('i1', np.arange(-6, 6, dtype='i1'), chunks=(5,))
    add('u8', (np.arange(6, dtype='<u8') * 1000003), chunks=(4,), compressor=blosc('zstd', numcodecs.Blosc.NOSHUFFLE, 8))
    add('f2', np.array([0.5, -1.25, 3.0, 65504.0, 0.0], dtype='<f2'), chunks=(2,))
    add('scalar', np.array(2.5, dtype='<f8'), chunks=())
    add('nested/inner', np.arange(7, dtype='<i2') * -2, chunks=(3,))

    nested = {'zarr_format': 3, 'node_type': 'group', 'attributes': {'note': 'inner'}}
    write_json(os.path.join(ROOT, 'nested', 'zarr.json'), nested)
    docs['nested'] = nested
    consolidated = {'kind': 'inline', 'must_understand': False, 'metadata': dict(sorted(docs.items()))}
    root = {'attributes': {'title': 'v3', 'sampling_frequency': 30000}, 'zarr_format': 3, 'consolidated_metadata': consolidated, 'node_type': 'group'}
    write_json(os.path.join(ROOT, 'zarr.json'), root)
    with open(os.path.join(HERE, f'{NAME}.expected.json'), 'w') as f:
        json.dump({'attrs': root['attributes'], 'arrays': expected}, f)


if __name__ == '__main__':
    main()

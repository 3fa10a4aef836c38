#!/usr/bin/python3
"""Writes the Zarr v3 fixture of @spikes/zarr (v3.zarr and v3.zarr.expected.json).

zarr-python 3 is not installable here (Debian's /usr/bin/python3 has numpy 1.24, zarr 2.13, numcodecs 0.11), so
the zarr.json documents are written by hand as the Zarr v3 core specification (zarr-specs.readthedocs.io, v3/core)
lays them out and as zarr-python 3 writes them (zarr_format 3, node_type, attributes, shape, data_type, chunk_grid
"regular", chunk_key_encoding "default" with separator "/" or "v2", fill_value, codecs: array->array codecs, one
"bytes" codec with its endian, then bytes->bytes codecs; numcodecs filters as "numcodecs.<id>" with the numcodecs
configuration minus its id; the root's consolidated_metadata {"kind": "inline", "must_understand": false,
"metadata": {path: document}}). The chunk payloads come from numcodecs (real Blosc / Zstd / GZip / Delta), and
every expected value from numpy. v3_strings.zarr holds zarr-python 3's string data types (main_strings). Run: /usr/bin/python3 generate_v3.py. Tests never run Python.
"""
import base64
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


def crc32c(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def write_sharded(docs, path, data, shard, inner, inner_order='C', fill=0, delta=False, location='end', checksum=True, skip_inner=()):
    """A sharding_indexed array: each shard file holds its inner chunks (zstd) and an index of (offset, nbytes)
    uint64 pairs in C order of the inner grid (2^64 - 1 twice for an absent inner chunk), then crc32c."""
    dtype = data.dtype
    inner_codecs = []
    if inner_order == 'F':
        inner_codecs.append({'name': 'transpose', 'configuration': {'order': list(range(data.ndim))[::-1]}})
    if delta:
        inner_codecs.append({'name': 'numcodecs.delta', 'configuration': {'dtype': dtype.str}})
    inner_codecs += [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'zstd', 'configuration': {'level': 1, 'checksum': False}}]
    index_codecs = [{'name': 'bytes', 'configuration': {'endian': 'little'}}] + ([{'name': 'crc32c'}] if checksum else [])
    doc = {
        'shape': list(data.shape),
        'data_type': V3_TYPES[dtype.str[1:]],
        'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': list(shard)}},
        'chunk_key_encoding': {'name': 'default', 'configuration': {'separator': '/'}},
        'fill_value': fill_json(fill, dtype),
        'codecs': [{'name': 'sharding_indexed', 'configuration': {'chunk_shape': list(inner), 'codecs': inner_codecs, 'index_codecs': index_codecs, 'index_location': location}}],
        'attributes': {},
        'zarr_format': 3,
        'node_type': 'array',
        'storage_transformers': [],
    }
    write_json(os.path.join(ROOT, path, 'zarr.json'), doc)
    docs[path] = doc
    zstd = numcodecs.Zstd(level=1)
    grid = [-(-n // c) for n, c in zip(data.shape, shard)]
    for sidx in np.ndindex(*grid):
        block = np.full(shard, fill, dtype=dtype)
        sel = tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(sidx, shard, data.shape))
        block[tuple(slice(0, s.stop - s.start) for s in sel)] = data[sel]
        counts = [s // i for s, i in zip(shard, inner)]
        payload = b''
        entries = []
        for iidx in np.ndindex(*counts):
            part = block[tuple(slice(i * c, (i + 1) * c) for i, c in zip(iidx, inner))]
            if (sidx, iidx) in skip_inner or np.all(part == fill):
                entries.append((2 ** 64 - 1, 2 ** 64 - 1))
                continue
            if inner_order == 'F':
                part = np.ascontiguousarray(part.T)
            if delta:
                part = numcodecs.Delta(dtype=dtype.str).encode(part)
            raw = bytes(zstd.encode(np.ascontiguousarray(part).astype(dtype.newbyteorder('<')).tobytes()))
            entries.append((None, len(raw)))
            payload += raw
        index_size = len(entries) * 16 + (4 if checksum else 0)
        base = index_size if location == 'start' else 0
        offset = base
        index = b''
        for off, size in entries:
            if off is None:
                index += np.array([offset, size], dtype='<u8').tobytes()
                offset += size
            else:
                index += np.array([off, size], dtype='<u8').tobytes()
        if checksum:
            index += np.array([crc32c(index)], dtype='<u4').tobytes()
        out = os.path.join(ROOT, path, 'c', *map(str, sidx))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'wb') as f:
            f.write(index + payload if location == 'start' else payload + index)


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

    # Shards (sharding_indexed): spike-like int64 with Delta inside, index at the end with crc32c, an inner chunk
    # of fill values left out, the last shard past the array's end; a 2-d shard with F-ordered inner chunks, index first.
    sharded = np.cumsum(rng.integers(0, 50, 50)).astype('<i8')
    sharded[20:25] = 0
    write_sharded(docs, 'sharded_delta_crc', sharded, shard=(20,), inner=(5,), delta=True)
    expected['sharded_delta_crc'] = {'shape': [50], 'dtype': '<i8', 'values': plain(sharded)}
    g3 = (np.arange(120, dtype='<i4').reshape(10, 12) * 7) - 300
    write_sharded(docs, 'sharded_2d_start', g3, shard=(6, 8), inner=(3, 4), inner_order='F', fill=-1, location='start', checksum=False)
    expected['sharded_2d_start'] = {'shape': [10, 12], 'dtype': '<i4', 'values': plain(g3)}

    nested = {'zarr_format': 3, 'node_type': 'group', 'attributes': {'note': 'inner'}}
    write_json(os.path.join(ROOT, 'nested', 'zarr.json'), nested)
    docs['nested'] = nested
    consolidated = {'kind': 'inline', 'must_understand': False, 'metadata': dict(sorted(docs.items()))}
    root = {'attributes': {'title': 'v3', 'sampling_frequency': 30000}, 'zarr_format': 3, 'consolidated_metadata': consolidated, 'node_type': 'group'}
    write_json(os.path.join(ROOT, 'zarr.json'), root)
    with open(os.path.join(HERE, f'{NAME}.expected.json'), 'w') as f:
        json.dump({'attrs': root['attributes'], 'arrays': expected}, f)


STR_NAME = 'v3_strings.zarr'


def write_strings(root, docs, path, data, chunks, data_type, fill, fill_json_value, serializer, compressor=None,
                  order='C', skip=()):
    """A string array as zarr-python 3 lays it out: data_type "string" (vlen-utf8), "variable_length_bytes"
    (vlen-bytes), {"name": "fixed_length_utf32", "configuration": {"length_bytes": 4 * n}} or
    {"name": "null_terminated_bytes", "configuration": {"length_bytes": n}} (the "bytes" codec). A vlen chunk is
    numcodecs' VLenUTF8 / VLenBytes encoding: u32le item count, then per item a u32le byte length and its bytes.
    Edge chunks are full-size, padded with the fill value."""
    codecs = []
    if order == 'F':
        codecs.append({'name': 'transpose', 'configuration': {'order': list(range(data.ndim))[::-1]}})
    codecs.append(serializer)
    if compressor is not None:
        codecs.append(compressor[0])
    doc = {
        'shape': list(data.shape),
        'data_type': data_type,
        'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': list(chunks)}},
        'chunk_key_encoding': {'name': 'default', 'configuration': {'separator': '/'}},
        'fill_value': fill_json_value,
        'codecs': codecs,
        'attributes': {},
        'zarr_format': 3,
        'node_type': 'array',
        'storage_transformers': [],
    }
    write_json(os.path.join(root, path, 'zarr.json'), doc)
    docs[path] = doc
    grid = [-(-n // c) for n, c in zip(data.shape, chunks)]
    for index in np.ndindex(*grid):
        if index in skip:
            continue
        block = np.full(chunks, fill, dtype=data.dtype)
        sel = tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(index, chunks, data.shape))
        block[tuple(slice(0, s.stop - s.start) for s in sel)] = data[sel]
        if order == 'F':
            block = np.ascontiguousarray(block.T)
        name = serializer['name']
        if name == 'vlen-utf8':
            raw = bytes(numcodecs.VLenUTF8().encode(block.ravel()))
        elif name == 'vlen-bytes':
            raw = bytes(numcodecs.VLenBytes().encode(block.ravel()))
        else:
            endian = serializer.get('configuration', {}).get('endian', 'little')
            raw = block.astype(block.dtype.newbyteorder('>' if endian == 'big' else '<')).tobytes()
        if compressor is not None:
            raw = bytes(compressor[1].encode(raw))
        out = os.path.join(root, path, 'c', *map(str, index))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'wb') as f:
            f.write(raw)


def main_strings():
    """v3_strings.zarr: the string data types of zarr-python 3 (src/zarr/core/dtype/npy/string.py and bytes.py)."""
    root = os.path.join(HERE, STR_NAME)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    docs = {}
    expected = {}
    words = np.array(['unit_a', '', 'é', 'naïve café', '神経細胞', 'x' * 40, 'emoji 🧠', 'tab\tand\nnewline'], dtype=object)
    zstd = ({'name': 'zstd', 'configuration': {'level': 0, 'checksum': False}}, numcodecs.Zstd(level=0))
    # zarr-python 3's default for a string array: vlen-utf8 then zstd; the last chunk absent reads as fill_value.
    vals = np.concatenate([words, np.array(['<fill>'] * 3, dtype=object)])
    write_strings(root, docs, 'str_vlen_zstd', vals, (4,), 'string', '<fill>', '<fill>', {'name': 'vlen-utf8'}, zstd, skip={(2,)})
    expected['str_vlen_zstd'] = {'shape': [11], 'dtype': 'string', 'values': [str(v) for v in vals]}
    g = np.array([['a', 'bb', 'ccc'], ['dddd', '', 'f'], ['g', 'hé', 'i']], dtype=object)
    write_strings(root, docs, 'str_vlen_2d_F', g, (2, 2), 'string', '', '', {'name': 'vlen-utf8'}, order='F')
    expected['str_vlen_2d_F'] = {'shape': [3, 3], 'dtype': 'string', 'values': [str(v) for v in g.ravel()]}
    bl = numcodecs.Blosc(cname='zstd', clevel=5, shuffle=numcodecs.Blosc.NOSHUFFLE)
    blc = {'name': 'blosc', 'configuration': {'typesize': 1, 'cname': 'zstd', 'clevel': 5, 'shuffle': 'noshuffle', 'blocksize': 0}}
    b = np.array([b'abc', b'', b'\x00\x01z', b'bytes'], dtype=object)
    write_strings(root, docs, 'bytes_vlen_blosc', b, (3,), 'variable_length_bytes', b'', base64.b64encode(b'').decode(), {'name': 'vlen-bytes'}, (blc, bl))
    expected['bytes_vlen_blosc'] = {'shape': [4], 'dtype': 'variable_length_bytes', 'values': [v.decode('utf-8') for v in b]}
    u = np.array(['ab', 'ünï', '', 'long5', '🧠x'], dtype='<U5')
    write_strings(root, docs, 'utf32_be_fill', u, (2,), {'name': 'fixed_length_utf32', 'configuration': {'length_bytes': 20}}, 'zz', 'zz',
                  {'name': 'bytes', 'configuration': {'endian': 'big'}}, skip={(1,)})
    ue = u.copy()
    ue[2:4] = 'zz'
    expected['utf32_be_fill'] = {'shape': [5], 'dtype': '>U5', 'values': [str(v) for v in ue]}
    s = np.array([b'abc', b'', b'abcdef', b'z'], dtype='|S6')
    gz = ({'name': 'gzip', 'configuration': {'level': 5}}, numcodecs.GZip(level=5))
    write_strings(root, docs, 'nullterm_gzip', s, (3,), {'name': 'null_terminated_bytes', 'configuration': {'length_bytes': 6}}, b'?', base64.b64encode(b'?').decode(),
                  {'name': 'bytes'}, gz)
    expected['nullterm_gzip'] = {'shape': [4], 'dtype': '|S6', 'values': [v.decode() for v in s]}
    consolidated = {'kind': 'inline', 'must_understand': False, 'metadata': dict(sorted(docs.items()))}
    rootdoc = {'attributes': {'title': 'v3 strings'}, 'zarr_format': 3, 'consolidated_metadata': consolidated, 'node_type': 'group'}
    write_json(os.path.join(root, 'zarr.json'), rootdoc)
    with open(os.path.join(HERE, f'{STR_NAME}.expected.json'), 'w') as f:
        json.dump({'attrs': rootdoc['attributes'], 'arrays': expected}, f, ensure_ascii=False)


if __name__ == '__main__':
    main()
    main_strings()

#!/usr/bin/python3
"""Writes the .npy and pickle cases bench/readers/run.mjs measures, with numpy's own values.

Usage: /usr/bin/python3 bench/readers/make_cases.py OUT_DIR [SPIKES]
npy/<name>.npy + npy/<name>.json: {descr, shape, fortran, kind, values} where values are in file order:
floats as base64 little-endian float64 (complex: re, im pairs), integers as decimal strings, bool as 0/1,
str/bytes as text; object and structured arrays carry no values (the readers are compared with each other).
pickle/<name>.pkl: dicts of numpy arrays and scalars, protocols 2, 4 and 5 (numpy's own pickling).
bench-p4.pkl / bench-p5.pkl: a list of 1,000 float64 spike trains holding SPIKES spikes in all;
bench-u8.npy / bench-f8.npy: SPIKES uint64 sample times / float64 values.
"""
import base64, json, os, pickle, sys
import numpy as np

out = sys.argv[1]
spikes = int(float(sys.argv[2])) if len(sys.argv) > 2 else 20_000_000
os.makedirs(os.path.join(out, 'npy'), exist_ok=True)
os.makedirs(os.path.join(out, 'pickle'), exist_ok=True)
rng = np.random.default_rng(7)

def expected(a):
    order = 'F' if a.flags.f_contiguous and not a.flags.c_contiguous and a.ndim > 1 else 'C'
    flat = a.ravel(order=order)
    k = a.dtype.kind
    if k in 'fc':
        values = base64.b64encode(flat.astype('<c16' if k == 'c' else '<f8').tobytes()).decode()
    elif k in 'iumM':
        values = [str(int(v)) for v in flat.view('<i8' if k in 'mM' else flat.dtype)]
    elif k == 'b':
        values = [int(v) for v in flat]
    elif k == 'U':
        values = [str(v) for v in flat]
    elif k == 'S':
        values = [bytes(v).decode('latin1') for v in flat]
    else:
        values = None
    return {'descr': a.dtype.str, 'shape': list(a.shape), 'fortran': order == 'F', 'kind': k, 'values': values}

npy = {
    'u8_le': np.array([0, 1, 2**53 + 1, 2**64 - 1], dtype='<u8'),
    'u8_be': np.array([5, 2**63 + 7], dtype='>u8'),
    'i8_le': np.array([-(2**62), -1, 0, 2**40], dtype='<i8'),
    'i2_be': np.array([-300, 0, 300], dtype='>i2'),
    'u4_le': np.array([0, 4294967295], dtype='<u4'),
    'f4_be': np.array([1.5, -0.0, np.inf, np.nan, 3.4e38], dtype='>f4'),
    'f8_le': rng.standard_normal(1000),
    'f8_be': rng.standard_normal(10).astype('>f8'),
    'f2_le': np.array([1.0, 0.5, 65504, -2.0], dtype='<f2'),
    'b1': np.array([True, False, True]),
    'u1': np.arange(256, dtype='u1'),
    'c16_le': np.array([1 + 2j, -3.5 - 0.25j]),
    'U7': np.array(['abc', 'spikes', 'é']),
    'S4': np.array([b'ab', b'wxyz']),
    'f8_fortran_2d': np.asfortranarray(np.arange(12, dtype='<f8').reshape(3, 4)),
    'i4_fortran_3d': np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)),
    'f8_c_2d': np.arange(12, dtype='<f8').reshape(4, 3),
    'empty_f8': np.zeros(0),
    'scalar_0d_f8': np.array(2.5),
    'M8_ns': np.array(['2026-12-07T12:00'], dtype='datetime64[ns]'),
    'structured': np.array([(1, 2.5), (3, -1.0)], dtype=[('a', '<i4'), ('b', '<f8')]),
    'object': np.array([1, 'two', None, [3]], dtype=object),
}
for name, a in npy.items():
    np.save(os.path.join(out, 'npy', name + '.npy'), a, allow_pickle=True)
    with open(os.path.join(out, 'npy', name + '.json'), 'w') as f:
        json.dump(expected(a), f)
# format version 3.0 (utf-8 header): numpy writes it when a field name is not latin-1
a = np.array([(1,)], dtype=[('ñame_😀', '<i4')])
np.save(os.path.join(out, 'npy', 'v3_utf8_header.npy'), a)
with open(os.path.join(out, 'npy', 'v3_utf8_header.json'), 'w') as f:
    json.dump(expected(a), f)

arrays = {'f8': np.array([0.5, 1.5, 2.25, 1e300]), 'i8': np.array([1, -2, 2**60, 4]), 'be_f4': np.array([1.5, -2], dtype='>f4'),
          'fortran': np.asfortranarray(np.arange(6.0).reshape(2, 3)), 'U': np.array(['ab', 'c']), 'O': np.array([1, 'two', None], dtype=object),
          's_f8': np.float64(2.5), 's_i8': np.int64(-7), 'zero_d': np.array(3.0)}
for proto in (2, 4, 5):
    with open(os.path.join(out, 'pickle', f'numpy{np.__version__[0]}-p{proto}.pkl'), 'wb') as f:
        pickle.dump(arrays, f, protocol=proto)

sizes = rng.multinomial(spikes, np.full(1000, 1 / 1000))
trains = [np.sort(rng.uniform(0, 3.6e6, n)) for n in sizes]
for proto in (4, 5):
    with open(os.path.join(out, f'bench-p{proto}.pkl'), 'wb') as f:
        pickle.dump({'train': trains, 'length': 3.6e6}, f, protocol=proto)
np.save(os.path.join(out, 'bench-u8.npy'), np.cumsum(rng.integers(0, 32, spikes, dtype='<u8'), dtype='<u8'))
np.save(os.path.join(out, 'bench-f8.npy'), rng.uniform(0, 3.6e6, spikes))
print(f'wrote {len(npy) + 1} .npy cases, 3 pickles and two bench pickles of {spikes} spikes to {out}')

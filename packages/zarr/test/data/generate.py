#!/usr/bin/python3
"""Writes the Zarr v2 fixtures of @spikes/zarr with zarr-python 2 and numcodecs (the real codecs).

Run with Debian's /usr/bin/python3 (numpy 1.24, zarr 2.13, numcodecs 0.11): /usr/bin/python3 generate.py
The outputs are committed; tests never run Python. Expected values are computed in numpy and written to
<name>.expected.json: per array its shape, dtype and values flattened in C order (int64 beyond 2^53 as
strings, NaN as "NaN").
"""
import json
import math
import shutil
from pathlib import Path

import numcodecs
import numpy as np
import zarr

HERE = Path(__file__).resolve().parent
rng = np.random.default_rng(20240607)


def jsonable(values):
    out = []
    for v in values.tolist():
        if isinstance(v, float) and math.isnan(v):
            out.append("NaN")
        elif isinstance(v, float) and math.isinf(v):
            out.append("Infinity" if v > 0 else "-Infinity")
        elif isinstance(v, int) and abs(v) > 2**53:
            out.append(str(v))
        elif isinstance(v, bytes):
            out.append(v.decode("utf-8"))
        elif isinstance(v, tuple):
            out.append(jsonable_record(v, values.dtype))
        else:
            out.append(v)
    return out


def jsonable_record(record, dtype):
    return {name: (value.decode() if isinstance(value, bytes) else value) for name, value in zip(dtype.names, record)}


def expected_entry(array):
    data = np.asarray(array[...])
    return {"shape": list(data.shape), "dtype": array.dtype.str if array.dtype.names is None else None, "values": jsonable(data.reshape(-1))}


def fresh(name):
    path = HERE / name
    if path.exists():
        shutil.rmtree(path)
    return path


BLOSC_SI = numcodecs.Blosc(cname="zstd", clevel=5, shuffle=numcodecs.Blosc.BITSHUFFLE)  # SpikeInterface's default


def write_codecs():
    """One hierarchy, consolidated: the same int64 spike-like vector under each compressor, plus int16 traces."""
    path = fresh("codecs.zarr")
    root = zarr.open_group(str(path), mode="w")
    samples = np.cumsum(rng.integers(1, 400, size=400)).astype("<i8")
    traces = rng.normal(0, 200, size=(300, 4)).astype("<i2")
    compressors = {
        "blosc_zstd_bitshuffle": BLOSC_SI,
        "blosc_lz4_shuffle": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
        "blosc_zlib_noshuffle": numcodecs.Blosc(cname="zlib", clevel=3, shuffle=numcodecs.Blosc.NOSHUFFLE),
        "blosc_lz4hc_bitshuffle": numcodecs.Blosc(cname="lz4hc", clevel=5, shuffle=numcodecs.Blosc.BITSHUFFLE),
        "zstd": numcodecs.Zstd(level=3),
        "lz4": numcodecs.LZ4(),
        "zlib": numcodecs.Zlib(level=6),
        "gzip": numcodecs.GZip(level=6),
        "none": None,
    }
    for name, compressor in compressors.items():
        root.create_dataset(f"samples_{name}", data=samples, chunks=(150,), compressor=compressor)
    root.create_dataset("samples_delta_blosc", data=samples, chunks=(150,), compressor=BLOSC_SI, filters=[numcodecs.Delta(dtype="<i8")])
    root.create_dataset("samples_delta_none", data=samples, chunks=(150,), compressor=None, filters=[numcodecs.Delta(dtype="<i8")])
    root.create_dataset("traces_blosc", data=traces, chunks=(128, 4), compressor=BLOSC_SI)
    root.create_dataset("traces_delta_i2_be", data=traces.astype(">i2"), chunks=(128, 4), compressor=numcodecs.Zstd(), filters=[numcodecs.Delta(dtype=">i2")])
    root.attrs["sampling_frequency"] = 30000.0
    zarr.consolidate_metadata(str(path))
    return path


def write_dtypes():
    """Dtypes, orders, separators, fill values; not consolidated (read file by file)."""
    path = fresh("dtypes.zarr")
    root = zarr.open_group(str(path), mode="w")
    n = 23
    base = np.arange(n) - 11
    for dt in ["<i1", "|u1", "<i2", ">i2", "<u2", "<i4", ">u4", "<i8", ">i8", "<u8", "<f2", "<f4", ">f8", "|b1"]:
        values = base if dt[1] in "if" else np.abs(base)
        if dt[1] == "b":
            values = base % 3 == 0
        root.create_dataset("t_" + dt.replace("<", "le_").replace(">", "be_").replace("|", ""), data=np.asarray(values).astype(dt), chunks=(5,), compressor=BLOSC_SI)
    root.create_dataset("big_i8", data=np.array([2**60, -(2**60) - 3, 5, 2**53], dtype="<i8"), chunks=(3,), compressor=None)
    root.create_dataset("bytes_S5", data=np.array([b"a", b"bc", b"hello", b"", b"xyz"], dtype="|S5"), chunks=(2,), compressor=numcodecs.Zlib())
    root.create_dataset("unicode_U4", data=np.array(["a", "é", "unit", "µ7", "", "\U0001F600b"], dtype="<U4"), chunks=(4,), compressor=BLOSC_SI)
    root.create_dataset("unicode_be_U3", data=np.array(["ab", "c", "déf"], dtype=">U3"), chunks=(2,), compressor=None)
    rec = np.zeros(5, dtype=[("x", "<f4"), ("y", ">i8"), ("id", "<U3"), ("ok", "|b1")])
    rec["x"] = [0.5, 1.5, -2.0, 3.25, 4.0]
    rec["y"] = [1, -2, 3, 2**40, 5]
    rec["id"] = ["a", "bb", "ccc", "", "e"]
    rec["ok"] = [True, False, True, False, True]
    root.create_dataset("records", data=rec, chunks=(2,), compressor=BLOSC_SI)
    grid = (np.arange(7 * 10).reshape(7, 10) * 3 - 50).astype("<i4")
    root.create_dataset("grid_C_dot", data=grid, chunks=(3, 4), order="C", compressor=BLOSC_SI)
    root.create_dataset("grid_F_dot", data=grid, chunks=(3, 4), order="F", compressor=BLOSC_SI)
    root.create_dataset("grid_C_slash", data=grid, chunks=(3, 4), order="C", dimension_separator="/", compressor=numcodecs.LZ4())
    root.create_dataset("grid_F_slash", data=grid, chunks=(3, 4), order="F", dimension_separator="/", compressor=None)
    cube = np.arange(3 * 4 * 5, dtype="<f8").reshape(3, 4, 5) / 4
    root.create_dataset("cube_F", data=cube, chunks=(2, 3, 2), order="F", compressor=numcodecs.Zstd())
    scalar = root.create_dataset("scalar", shape=(), dtype="<f8", compressor=None)
    scalar[...] = 2.5
    # Missing chunks: written with write_empty_chunks=False so all-fill chunks have no file.
    missing = root.create_dataset("missing_int", shape=(20,), chunks=(4,), dtype="<i4", fill_value=7, compressor=BLOSC_SI, write_empty_chunks=False)
    missing[4:8] = np.arange(4)
    missing[16:18] = [-1, -2]
    missing_f = root.create_dataset("missing_float", shape=(3, 6), chunks=(2, 2), dtype="<f8", fill_value=float("nan"), compressor=None, write_empty_chunks=False)
    missing_f[0:2, 2:4] = [[1.0, 2.0], [3.0, 4.0]]
    root.create_dataset("never_written", shape=(5,), chunks=(2,), dtype="<u2", fill_value=9, compressor=BLOSC_SI)
    root.create_dataset("empty", shape=(0, 3), chunks=(4, 3), dtype="<i8", compressor=BLOSC_SI)
    sub = root.create_group("nested/deeper")
    sub.attrs["note"] = "inner"
    sub.create_dataset("values", data=np.arange(6, dtype="<u4"), chunks=(4,), compressor=numcodecs.GZip())
    root.attrs["title"] = "dtypes"
    return path


def main():
    for path in [write_codecs(), write_dtypes()]:
        root = zarr.open_group(str(path), mode="r")
        expected = {"attrs": dict(root.attrs), "arrays": {}}

        def visit(name, node):
            if isinstance(node, zarr.Array):
                expected["arrays"][name] = expected_entry(node)

        root.visititems(visit)
        # Arrays holding the same values as an earlier one (the codec variants) point to it instead of repeating them.
        seen = {}
        for name, entry in expected["arrays"].items():
            key = json.dumps([entry["shape"], entry["values"]])
            if key in seen:
                entry["same_values_as"] = seen[key]
                del entry["values"]
            else:
                seen[key] = name
        (HERE / f"{path.name}.expected.json").write_text(json.dumps(expected, separators=(",", ":"), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""bench/spikeinterface/zarr_generate.py: writes a large ZarrSortingExtractor (SpikeInterface's Zarr v2 layout:
unit_ids, spikes/sample_index and spikes/unit_index with Blosc zstd bit-shuffle + Delta, spikes/segment_slices,
consolidated metadata) for timing @spikes/format-spikeinterface. Needs zarr 2 and numcodecs (Debian's /usr/bin/python3).
Usage: /usr/bin/python3 bench/spikeinterface/zarr_generate.py OUT.zarr [spikes] [units]
Then: /usr/bin/time -v node packages/cli/bin/spikes.js inspect OUT.zarr
"""
import sys

import numcodecs
import numpy as np
import zarr

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
units = int(sys.argv[3]) if len(sys.argv) > 3 else 500
rng = np.random.default_rng(1)
samples = np.cumsum(rng.integers(0, 12, size=n)).astype("<i8")
unit_index = rng.integers(0, units, size=n).astype("<i8")
compressor = numcodecs.Blosc(cname="zstd", clevel=5, shuffle=numcodecs.Blosc.BITSHUFFLE)
root = zarr.open_group(out, mode="w")
root.attrs["sampling_frequency"] = 30000.0
root.attrs["num_segments"] = 1
root.create_dataset("unit_ids", data=np.arange(units), compressor=None)
spikes = root.create_group("spikes")
for name, values in (("sample_index", samples), ("unit_index", unit_index)):
    spikes.create_dataset(name, data=values, compressor=compressor, filters=[numcodecs.Delta(dtype="<i8")])
spikes.create_dataset("segment_slices", data=np.array([[0, n]], dtype="int64"), compressor=None)
root.create_group("properties")
root.attrs["annotations"] = {}
zarr.consolidate_metadata(out)
print(out, n, "spikes", units, "units")

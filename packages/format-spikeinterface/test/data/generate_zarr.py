#!/usr/bin/python3
"""Writes the Zarr fixtures of @spikes/format-spikeinterface with zarr-python 2 and numcodecs (real codecs).

Run with Debian's /usr/bin/python3 (numpy 1.24, zarr 2.13, numcodecs 0.11) after generate.py:
/usr/bin/python3 generate_zarr.py. The outputs are committed; tests never run Python.

Each fixture re-saves the data of a fixture written by generate.py in the layout SpikeInterface writes to Zarr v2
(SpikeInterface 0.100-0.102, zarr-python 2; facts from SpikeInterface/spikeinterface,
src/spikeinterface/core/zarrextractors.py and sortinganalyzer.py), so its .expected.json is the source
fixture's (numpy's view of the same spikes / traces):

- ZarrSortingExtractor (sorting.save(format="zarr"), add_sorting_to_zarr_group): root attrs
  sampling_frequency (float) and num_segments (int), annotations; unit_ids (the ids' numpy dtype, no compressor);
  spikes/sample_index and spikes/unit_index (int64, the spike vector's fields, Blosc zstd clevel 5 bit-shuffle =
  get_default_zarr_compressor(), filters [Delta(dtype="<i8")]); spikes/segment_slices (int64 [num_segments, 2]:
  each segment's [start, end) in the vector, no compressor); properties/<name> (no compressor).
  save() then consolidates the metadata (.zmetadata).
- ZarrRecordingExtractor (recording.save(format="zarr"), add_recording_to_zarr_group): root attrs
  sampling_frequency, num_segments, provenance, probe, annotations; channel_ids; traces_seg<i> [samples, channels]
  chunked (chunk_size, channels), default compressor, no filters; t_starts (float64, NaN = none) when a segment
  has a start time; properties/<name>.
- SortingAnalyzer, format="zarr" (SortingAnalyzer.create_zarr): root attrs spikeinterface_info {version,
  dev_mode, object: "SortingAnalyzer"} and settings; recording and sorting_provenance (object arrays, JSON codec);
  groups recording_info (attrs recording_attributes), sorting (add_sorting_to_zarr_group), extensions.
"""
import json
import os
import shutil

import numcodecs
import numpy as np
import zarr

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = "0.101.2"
COMPRESSOR = numcodecs.Blosc(cname="zstd", clevel=5, shuffle=numcodecs.Blosc.BITSHUFFLE)


def fresh(name):
    path = os.path.join(HERE, name)
    if os.path.exists(path):
        shutil.rmtree(path)
    return path


def read_numpy_sorting(name):
    folder = os.path.join(HERE, name)
    with open(os.path.join(folder, "numpysorting_info.json")) as f:
        info = json.load(f)
    spikes = np.load(os.path.join(folder, "spikes.npy"))
    props = {}
    pdir = os.path.join(folder, "properties")
    if os.path.isdir(pdir):
        for file in sorted(os.listdir(pdir)):
            props[file[:-4]] = np.load(os.path.join(pdir, file))
    return info, spikes, props


def add_sorting(group, info, spikes, props, chunk=None):
    n_seg = int(info["num_segments"])
    group.attrs["sampling_frequency"] = float(info["sampling_frequency"])
    group.attrs["num_segments"] = n_seg
    group.create_dataset("unit_ids", data=np.array(info["unit_ids"]), compressor=None)
    sg = group.create_group("spikes")
    kwargs = {} if chunk is None else {"chunks": (chunk,)}
    for field in ("sample_index", "unit_index"):
        sg.create_dataset(field, data=spikes[field], compressor=COMPRESSOR, filters=[numcodecs.Delta(dtype=spikes[field].dtype)], **kwargs)
    slices = [list(np.searchsorted(spikes["segment_index"], [s, s + 1])) for s in range(n_seg)]
    sg.create_dataset("segment_slices", data=np.array(slices, dtype="int64"), compressor=None)
    pg = group.create_group("properties")
    for key, values in props.items():
        pg.create_dataset(key, data=values, compressor=None)
    group.attrs["annotations"] = {}


def copy_expected(source, target):
    shutil.copyfile(os.path.join(HERE, f"{source}.expected.json"), os.path.join(HERE, f"{target}.expected.json"))


def write_sorting(source, target, chunk=None):
    info, spikes, props = read_numpy_sorting(source)
    path = fresh(target)
    root = zarr.open_group(path, mode="w")
    add_sorting(root, info, spikes, props, chunk)
    zarr.consolidate_metadata(path)
    copy_expected(source, target)


def write_analyzer(source, target):
    info, spikes, props = read_numpy_sorting(source)
    path = fresh(target)
    root = zarr.open_group(path, mode="w")
    root.attrs["spikeinterface_info"] = {"version": VERSION, "dev_mode": False, "object": "SortingAnalyzer"}
    root.attrs["settings"] = {"return_scaled": True}
    rec = np.array([{"class": "spikeinterface.core.binaryfolder.BinaryFolderRecording", "kwargs": {"folder_path": "../rec"}}], dtype=object)
    root.create_dataset("recording", data=rec, object_codec=numcodecs.JSON())
    root.create_dataset("sorting_provenance", data=np.array([{"class": "spikeinterface.core.sortingfolder.NumpyFolderSorting", "kwargs": {}}], dtype=object), object_codec=numcodecs.JSON())
    ri = root.create_group("recording_info")
    ri.attrs["recording_attributes"] = {"channel_ids": [0, 1, 2, 3], "sampling_frequency": float(info["sampling_frequency"]), "num_channels": 4, "num_samples": [100000] * int(info["num_segments"]), "dtype": "int16"}
    add_sorting(root.create_group("sorting"), info, spikes, props)
    root.create_group("extensions")
    zarr.consolidate_metadata(path)
    copy_expected(source, target)


def write_recording(source, target, consolidated):
    folder = os.path.join(HERE, source)
    with open(os.path.join(folder, "binary.json")) as f:
        desc = json.load(f)
    kw = desc["kwargs"]
    n_ch = kw["num_channels"]
    path = fresh(target)
    root = zarr.open_group(path, mode="w")
    root.attrs["provenance"] = None
    root.attrs["sampling_frequency"] = float(kw["sampling_frequency"])
    root.attrs["num_segments"] = len(kw["file_paths"])
    root.create_dataset("channel_ids", data=np.array(kw["channel_ids"] if kw["channel_ids"] is not None else list(range(n_ch))), compressor=None)
    t_starts = np.full(len(kw["file_paths"]), np.nan)
    for seg, file in enumerate(kw["file_paths"]):
        traces = np.fromfile(os.path.join(folder, file), dtype=kw["dtype"]).reshape(-1, n_ch)
        # chunk_size from the job kwargs; small here so that a segment spans several chunks (the last one partial).
        root.create_dataset(f"traces_seg{seg}", data=traces, chunks=(700, n_ch), dtype=traces.dtype, compressor=COMPRESSOR)
        if kw.get("t_starts") and kw["t_starts"][seg] is not None:
            t_starts[seg] = kw["t_starts"][seg]
    if np.any(~np.isnan(t_starts)):
        root.create_dataset("t_starts", data=t_starts, compressor=None)
    root.create_group("properties").create_dataset("gain_to_uV", data=np.ones(n_ch), compressor=None)
    root.attrs["annotations"] = {"is_filtered": False}
    if consolidated:
        zarr.consolidate_metadata(path)
    copy_expected(source, target)


def main():
    write_sorting("si-numpy-7units", "si-zarr-sorting.zarr")
    write_sorting("si-numpy-str", "si-zarr-sorting-str.zarr", chunk=16)
    write_analyzer("si-numpy-20units", "si-zarr-analyzer.zarr")
    write_recording("si-rec-int16", "si-rec-zarr-int16.zarr", consolidated=True)
    write_recording("si-rec-float32-2seg", "si-rec-zarr-float32-2seg.zarr", consolidated=False)


if __name__ == "__main__":
    main()

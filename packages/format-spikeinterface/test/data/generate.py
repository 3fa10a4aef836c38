#!/usr/bin/python3
"""Writes the SpikeInterface fixtures of @spikes/format-spikeinterface with numpy only.

Run with /usr/bin/python3 (numpy installed; SpikeInterface itself is not needed): python3 generate.py
The outputs are committed; tests never run Python. Each layout is the one SpikeInterface writes
(facts from SpikeInterface/spikeinterface, src/spikeinterface/core/sortingfolder.py,
npzsortingextractor.py, basesorting.py, base.py and sortinganalyzer.py):

- NumpyFolderSorting (sorting.save(folder=...), SpikeInterface >= 0.99): numpysorting_info.json
  {"sampling_frequency": float, "unit_ids": [...], "num_segments": int}, spikes.npy = the spike vector,
  a structured array with dtype [("sample_index","<i8"),("unit_index","<i8"),("segment_index","<i8")]
  sorted by segment then sample, properties/<name>.npy (np.save of each property, one row per unit),
  plus si_folder.json / provenance.json (JSON dumps of the extractor; not needed to load).
- NpzSortingExtractor: np.savez(path, unit_ids=..., num_segment=np.array([n], "int64"),
  sampling_frequency=np.array([fs], "float64"), spike_indexes_seg<i>=int64 samples sorted by time,
  spike_labels_seg<i>=the unit id of each spike).
- NpzFolderSorting (SpikeInterface <= 0.98): sorting_cached.npz (the npz above), npz.json (the
  NpzSortingExtractor dump with relative paths), properties/.
- SortingAnalyzer, binary_folder format: spikeinterface_info.json {"version", "dev_mode", "object":
  "SortingAnalyzer"}, sorting/ written by NumpyFolderSorting.write_sorting (info + spikes.npy only),
  recording.json, recording_info/recording_attributes.json, settings.json.

Every fixture also gets <name>.expected.json: unit ids and, per segment, each unit's sample indices,
as numpy sees them, so the tests compare against Python's view of the same bytes.
"""
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SPIKE_DTYPE = [("sample_index", "<i8"), ("unit_index", "<i8"), ("segment_index", "<i8")]
VERSION = "0.101.2"


def trains_for(rng, unit_ids, n_segments, duration):
    """Per segment, per unit: sorted unique sample indices."""
    out = []
    for seg in range(n_segments):
        seg_trains = []
        for _ in unit_ids:
            n = int(rng.integers(3, 12))
            seg_trains.append(np.unique(rng.integers(0, duration, size=n)).astype("int64"))
        out.append(seg_trains)
    return out


def spike_vector(trains):
    parts = []
    for seg, seg_trains in enumerate(trains):
        samples = np.concatenate(seg_trains)
        units = np.concatenate([np.full(len(t), u, dtype="int64") for u, t in enumerate(seg_trains)])
        order = np.lexsort((units, samples))
        v = np.zeros(len(samples), dtype=SPIKE_DTYPE)
        v["sample_index"] = samples[order]
        v["unit_index"] = units[order]
        v["segment_index"] = seg
        parts.append(v)
    return np.concatenate(parts)


def fresh(name):
    path = os.path.join(HERE, name)
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    return path


def write_json(path, value):
    with open(path, "w", encoding="utf8") as f:
        json.dump(value, f)


def write_expected(name, unit_ids, fs, trains):
    write_json(os.path.join(HERE, name + ".expected.json"), {
        "unit_ids": [u.item() if hasattr(u, "item") else u for u in unit_ids],
        "sampling_frequency": fs,
        "segments": [[t.tolist() for t in seg] for seg in trains],
    })


def write_properties(folder, properties):
    os.makedirs(os.path.join(folder, "properties"))
    for key, values in properties.items():
        np.save(os.path.join(folder, "properties", key + ".npy"), values)


def numpy_folder(name, unit_ids, fs, trains, properties, with_si_files=True):
    folder = fresh(name)
    os.makedirs(folder)
    ids = np.array(unit_ids)
    write_json(os.path.join(folder, "numpysorting_info.json"), {
        "sampling_frequency": float(fs), "unit_ids": ids.tolist(), "num_segments": len(trains)})
    np.save(os.path.join(folder, "spikes.npy"), spike_vector(trains))
    if properties is not None:
        write_properties(folder, properties)
    if with_si_files:
        dump = {"class": "spikeinterface.core.sortingfolder.NumpyFolderSorting", "module": "spikeinterface",
                "kwargs": {"folder_path": "."}, "version": VERSION, "relative_paths": True,
                "annotations": {}, "properties": {}}
        write_json(os.path.join(folder, "si_folder.json"), dump)
        write_json(os.path.join(folder, "provenance.json"), dict(dump, **{
            "class": "spikeinterface.core.numpyextractors.NumpySorting", "kwargs": {}}))
    write_expected(name, ids, float(fs), trains)
    return folder


def npz_arrays(unit_ids, fs, trains):
    ids = np.array(unit_ids)
    d = {"unit_ids": ids, "num_segment": np.array([len(trains)], dtype="int64"),
         "sampling_frequency": np.array([fs], dtype="float64")}
    for seg, seg_trains in enumerate(trains):
        samples = np.concatenate(seg_trains)
        labels = np.concatenate([np.array([ids[u]] * len(t)) for u, t in enumerate(seg_trains)])
        order = np.argsort(samples, kind="stable")
        d["spike_indexes_seg%d" % seg] = samples[order]
        d["spike_labels_seg%d" % seg] = labels[order]
    return d


def main():
    rng = np.random.default_rng(20240611)

    # 10 int units 0..9 (SpikeInterface's generate_sorting ids), one segment, SpikeLab's property names.
    ids = list(range(10))
    trains = trains_for(rng, ids, 1, 300000)
    numpy_folder("si-numpy-int", ids, 30000.0, trains, {
        "channel": np.array([4, 4, 7, 1, 0, 2, 9, 9, 3, 5], dtype="int64"),
        "location": rng.uniform(0, 100, size=(10, 2)).round(2),
        "quality": np.array(["good"] * 5 + ["mua"] * 5),
    })

    # Units 1..7 in two segments (sv-sorting-curation-int.json's units); peak_channel + unit_location (3-D).
    ids = list(range(1, 8))
    trains = trains_for(rng, ids, 2, 100000)
    numpy_folder("si-numpy-7units", ids, 20000.0, trains, {
        "peak_channel": np.array([10, 11, 12, 13, 14, 15, 16], dtype="int32"),
        "unit_location": rng.uniform(-50, 50, size=(7, 3)).round(3),
    })

    # Units 1..20 (sv-sorting-curation-false-positive.json's units), no properties folder.
    ids = list(range(1, 21))
    numpy_folder("si-numpy-20units", ids, 30000.0, trains_for(rng, ids, 1, 60000), None)

    # String unit ids a..g (sv-sorting-curation-str.json's units); electrode property as strings of digits.
    ids = ["a", "b", "c", "d", "e", "f", "g"]
    trains = trains_for(rng, ids, 1, 50000)
    numpy_folder("si-numpy-str", ids, 32000.0, trains, {
        "ch": np.array(["3", "1", "4", "1", "5", "9", "2"]),
        "position": rng.uniform(0, 10, size=(7, 2)).round(1),
    })

    # NpzSortingExtractor file (int ids) and one with string ids.
    ids = [3, 5, 8, 13]
    trains = trains_for(rng, ids, 2, 40000)
    path = fresh("si-sorting.npz")
    np.savez(path, **npz_arrays(ids, 25000.0, trains))
    write_expected("si-sorting.npz", np.array(ids), 25000.0, trains)
    ids = ["u1", "u2", "u3"]
    trains = trains_for(rng, ids, 1, 40000)
    path = fresh("si-sorting-str.npz")
    np.savez(path, **npz_arrays(ids, 30000.0, trains))
    write_expected("si-sorting-str.npz", np.array(ids), 30000.0, trains)

    # NpzFolderSorting (SpikeInterface <= 0.98).
    ids = [0, 1, 2, 4]
    trains = trains_for(rng, ids, 1, 30000)
    folder = fresh("si-npz-folder")
    os.makedirs(folder)
    np.savez(os.path.join(folder, "sorting_cached.npz"), **npz_arrays(ids, 30000.0, trains))
    write_json(os.path.join(folder, "npz.json"), {
        "class": "spikeinterface.core.npzsortingextractor.NpzSortingExtractor", "module": "spikeinterface",
        "kwargs": {"file_path": "sorting_cached.npz"}, "dumpable": True, "version": "0.98.2",
        "relative_paths": True, "annotations": {}, "properties": {}})
    write_properties(folder, {"electrode": np.array([20, 21, 22, 23], dtype="int64")})
    write_expected("si-npz-folder", np.array(ids), 30000.0, trains)

    # SortingAnalyzer, binary_folder format.
    ids = [0, 1, 2]
    trains = trains_for(rng, ids, 1, 30000)
    folder = fresh("si-analyzer")
    os.makedirs(os.path.join(folder, "sorting"))
    write_json(os.path.join(folder, "spikeinterface_info.json"), {"version": VERSION, "dev_mode": False, "object": "SortingAnalyzer"})
    write_json(os.path.join(folder, "sorting", "numpysorting_info.json"), {
        "sampling_frequency": 30000.0, "unit_ids": ids, "num_segments": 1})
    np.save(os.path.join(folder, "sorting", "spikes.npy"), spike_vector(trains))
    write_json(os.path.join(folder, "settings.json"), {"return_scaled": True})
    write_json(os.path.join(folder, "recording.json"), {
        "class": "spikeinterface.core.binaryrecordingextractor.BinaryRecordingExtractor", "module": "spikeinterface",
        "kwargs": {}, "version": VERSION, "relative_paths": True})
    os.makedirs(os.path.join(folder, "recording_info"))
    write_json(os.path.join(folder, "recording_info", "recording_attributes.json"), {
        "channel_ids": ["0", "1", "2", "3"], "sampling_frequency": 30000.0, "num_channels": 4, "num_samples": [30000]})
    os.makedirs(os.path.join(folder, "extensions"))
    write_expected("si-analyzer", np.array(ids), 30000.0, trains)


if __name__ == "__main__":
    main()

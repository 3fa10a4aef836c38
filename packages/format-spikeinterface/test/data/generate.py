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


# ---------------------------------------------------------------------------------------------------
# Recordings: BinaryFolderRecording (recording.save(folder=...), format "binary"). Facts from
# SpikeInterface/spikeinterface src/spikeinterface/core/baserecording.py (_save: traces_cached_seg<i>.raw
# written by write_binary_recording, then a BinaryRecordingExtractor dumped to binary.json relative to
# the folder with time_axis=0, file_offset=0), binaryrecordingextractor.py (the kwargs, dtype.str, the
# samples x channels C-order layout for time_axis 0), binaryfolder.py (class must end with
# ".BinaryRecordingExtractor", relative_paths must be true, num_chan accepted for num_channels) and
# base.py (to_dict: class, module, version, kwargs, annotations, properties, relative_paths; save_to_folder:
# si_folder.json, properties/<key>.npy, probe.json).

REC_CASES = [
    {"threshold_sigma": 5.0, "direction": "both", "hysteresis": True},
    {"threshold_sigma": 5.0, "direction": "up", "hysteresis": True},
    {"threshold_sigma": 5.0, "direction": "down", "hysteresis": True},
    {"threshold_sigma": 5.0, "direction": "both", "hysteresis": False},
    {"threshold_sigma": 4.0, "direction": "both", "hysteresis": True},
]


def synth_traces(rng, num_samples, num_channels, noise, amplitude, dtype):
    """(samples, channels) noise with monophasic (3-sample) and biphasic (-,-,+,+) events."""
    x = rng.normal(0.0, noise, size=(num_samples, num_channels))
    for c in range(num_channels):
        starts = np.sort(rng.choice(np.arange(10, num_samples - 10, 20), size=6, replace=False))
        for j, s in enumerate(starts):
            a = amplitude * rng.uniform(1.0, 1.3)
            if j % 3 == 0:
                x[s:s + 3, c] += [0.95 * a, a, 0.9 * a]
            elif j % 3 == 1:
                x[s:s + 3, c] -= [0.95 * a, a, 0.9 * a]
            else:
                x[s:s + 4, c] += [-a, -0.95 * a, 0.95 * a, a]
    if dtype.kind == "i":
        x = np.round(x)
    return x.astype(dtype)


def detect_numpy(traces, fs, case):
    """SpikeLab's rule, independently in numpy: threshold = sigma x population std (ddof 0) of each channel
    (no filtering); with hysteresis a detection is a rising edge (sample k > 0 above, k - 1 not), without it
    every supra-threshold sample; time = k * dt + dt / 2 ms (the centre of sample k's bin)."""
    rows = np.ascontiguousarray(traces.T)
    dt = 1000.0 / fs
    thresholds, samples, times, margins = [], [], [], []
    for row in rows:
        thr = case["threshold_sigma"] * row.std()
        v = row.astype("float64")
        thr64 = float(thr)
        if case["direction"] == "both":
            above = np.abs(v) > thr64
            dist = np.abs(np.abs(v) - thr64)
        elif case["direction"] == "up":
            above = v > thr64
            dist = np.abs(v - thr64)
        else:
            above = v < -thr64
            dist = np.abs(v + thr64)
        margins.append(float(dist.min() / thr64))
        if case["hysteresis"]:
            idx = np.flatnonzero(above[1:] & ~above[:-1]) + 1
        else:
            idx = np.flatnonzero(above)
        thresholds.append(thr64)
        samples.append(idx.tolist())
        times.append([float(k * dt + dt / 2) for k in idx])
    return {"case": case, "thresholds": thresholds, "samples": samples, "times_ms": times, "min_margin": min(margins)}


def binary_folder(name, segments, fs, dtype, channel_ids, gains, version=VERSION):
    """Writes a BinaryFolderRecording with one traces_cached_seg<i>.raw per (samples, channels) array."""
    folder = fresh(name)
    os.makedirs(folder)
    num_channels = segments[0].shape[1]
    file_paths = []
    for i, traces in enumerate(segments):
        file_name = "traces_cached_seg%d.raw" % i
        np.ascontiguousarray(traces, dtype=np.dtype(dtype)).tofile(os.path.join(folder, file_name))
        file_paths.append(file_name)
    locations = [[0.0, 20.0 * c] for c in range(num_channels)]
    properties = {"group": [0] * num_channels, "location": locations, "gain_to_uV": gains, "offset_to_uV": [0.0] * num_channels}
    write_json(os.path.join(folder, "binary.json"), {
        "class": "spikeinterface.core.binaryrecordingextractor.BinaryRecordingExtractor",
        "module": "spikeinterface", "version": version,
        "kwargs": {"file_paths": file_paths, "sampling_frequency": fs, "t_starts": None, "num_channels": num_channels,
                   "dtype": np.dtype(dtype).str, "channel_ids": channel_ids, "time_axis": 0, "file_offset": 0,
                   "gain_to_uV": gains, "offset_to_uV": [0.0] * num_channels, "is_filtered": None},
        "annotations": {"is_filtered": False}, "properties": properties, "relative_paths": True})
    write_json(os.path.join(folder, "si_folder.json"), {
        "class": "spikeinterface.core.binaryfolder.BinaryFolderRecording", "module": "spikeinterface",
        "version": version, "kwargs": {"folder_path": "."}, "annotations": {"is_filtered": False},
        "properties": properties, "relative_paths": True})
    os.makedirs(os.path.join(folder, "properties"))
    np.save(os.path.join(folder, "properties", "group.npy"), np.zeros(num_channels, dtype="int64"))
    np.save(os.path.join(folder, "properties", "location.npy"), np.array(locations))
    np.save(os.path.join(folder, "properties", "gain_to_uV.npy"), np.array(gains, dtype="float32"))
    np.save(os.path.join(folder, "properties", "offset_to_uV.npy"), np.zeros(num_channels, dtype="float32"))
    write_json(os.path.join(folder, "probe.json"), {"specification": "probeinterface", "version": "0.2.24", "probes": [{
        "ndim": 2, "si_units": "um", "annotations": {"name": "linear", "manufacturer": ""},
        "contact_annotations": {}, "contact_positions": locations,
        "contact_shapes": ["circle"] * num_channels, "contact_shape_params": [{"radius": 5.0}] * num_channels,
        "device_channel_indices": list(range(num_channels)), "contact_ids": [str(c) for c in channel_ids],
        "shank_ids": [""] * num_channels}]})
    expected = {"sampling_frequency": fs, "num_channels": num_channels, "channel_ids": channel_ids, "dtype": np.dtype(dtype).str,
                "segments": []}
    for traces in segments:
        seg = {"num_samples": int(traces.shape[0]), "cases": [detect_numpy(traces, fs, case) for case in REC_CASES]}
        for c in seg["cases"]:
            # No sample within 0.1 % of its threshold: float rounding (1e-7 relative) cannot flip a detection.
            assert c["min_margin"] > 1e-3, (name, c["case"], c["min_margin"])
            assert all(len(s) > 0 for s in c["samples"]), (name, c["case"])
        expected["segments"].append(seg)
    write_json(os.path.join(HERE, name + ".expected.json"), expected)
    return folder


def recordings():
    rng = np.random.default_rng(20240612)
    # int16, 4 channels, 30 kHz, one segment; integer channel ids (SpikeInterface's default 0..n-1 kept as ints).
    fs = 30000.0
    traces = synth_traces(rng, 2000, 4, 20.0, 330.0, np.dtype("<i2"))
    traces[0, 0] = 400  # supra-threshold at sample 0: never a rising edge, but a sample for hysteresis=False
    binary_folder("si-rec-int16", [traces], fs, "<i2", [0, 1, 2, 3], [0.195] * 4)
    # float32, 3 channels, 20 kHz, two segments of different lengths; string channel ids.
    fs = 20000.0
    segs = [synth_traces(rng, 1500, 3, 1.0, 16.0, np.dtype("<f4")), synth_traces(rng, 1200, 3, 1.0, 16.0, np.dtype("<f4"))]
    binary_folder("si-rec-float32-2seg", segs, fs, "<f4", ["A1", "A2", "A3"], [1.0] * 3)


if __name__ == "__main__":
    main()
    recordings()

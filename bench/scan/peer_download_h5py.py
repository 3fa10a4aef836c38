#!/usr/bin/python3
"""The peer of bench/scan: what a user writes today (SpikeLab's approach) to survey a dandiset.

Lists the dandiset's NWB assets through the DANDI API, downloads each asset whole, reads its Units table
(spike_times, spike_times_index) with h5py, over a pool of THREADS threads. Prints one JSON line:
{"assets", "units", "spikes", "bytes", "seconds"}.

usage: peer_download_h5py.py API_BASE DANDISET THREADS TMPDIR
"""
import json
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import h5py


def get_json(url):
    with urllib.request.urlopen(url) as r:
        return json.load(r)


def list_assets(api, dandiset):
    url = f"{api}/dandisets/{dandiset}/versions/draft/assets/?page_size=100&glob=*.nwb"
    while url:
        page = get_json(url)
        yield from page["results"]
        url = page["next"]


def one(api, tmp, asset):
    path = os.path.join(tmp, asset["asset_id"] + ".nwb")
    size = 0
    with urllib.request.urlopen(f"{api}/assets/{asset['asset_id']}/download/") as r, open(path, "wb") as f:
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            f.write(chunk)
            size += len(chunk)
    with h5py.File(path, "r") as h:
        times = h["units/spike_times"][:]
        index = h["units/spike_times_index"][:]
    os.remove(path)
    return len(index), len(times), size


def main():
    api, dandiset, threads, tmp = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    os.makedirs(tmp, exist_ok=True)
    start = time.perf_counter()
    assets = list(list_assets(api, dandiset))
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda a: one(api, tmp, a), assets))
    seconds = time.perf_counter() - start
    print(json.dumps({"assets": len(results), "units": sum(r[0] for r in results), "spikes": sum(r[1] for r in results), "bytes": sum(r[2] for r in results), "seconds": seconds}))


if __name__ == "__main__":
    main()

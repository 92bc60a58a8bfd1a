#!/usr/bin/env python3
"""Compares two traces of the same run: max |delta| of the losses (steps 0-4 and all), the final weights and any
other tensor they share. Used to check that re-running an oracle reproduces a committed trace.

    python3 tools/oracles/compare_traces.py COMMITTED.safetensors RERECORDED.safetensors [--final A_final B_final]
"""
import json
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", f"{path}: {name} is {info['dtype']}"
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"])
    return out, meta


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    a, meta_a = load(argv[0])
    b, meta_b = load(argv[1])
    if len(argv) == 5 and argv[2] == "--final":
        a.update({k: v for k, v in load(argv[3])[0].items() if k.startswith("final.")})
        b.update({k: v for k, v in load(argv[4])[0].items() if k.startswith("final.")})
    def maxdiff(names):
        return max((float(np.max(np.abs(a[n].astype(np.float64) - b[n]))) if a[n].size else 0.0) for n in names) if names else None
    shared = sorted(set(a) & set(b))
    report = {
        "a": f"{argv[0]} ({meta_a.get('framework')})",
        "b": f"{argv[1]} ({meta_b.get('framework')})",
        "losses_first5": max(float(np.max(np.abs(a[k][:5].astype(np.float64) - b[k][:5]))) for k in ("losses.d", "losses.g")),
        "losses_all": maxdiff(["losses.d", "losses.g"]),
        "final_weights": maxdiff([n for n in shared if n.startswith("final.")]),
        "inputs": maxdiff([n for n in shared if n.startswith(("init.", "batches.", "eval.z"))]),
        "only_in_a": sorted(set(a) - set(b)),
        "only_in_b": sorted(set(b) - set(a)),
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])

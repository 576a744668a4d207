#!/usr/bin/env python3
"""Cross-register check (measurement only): the spun dev seeds scored alone against the clean
BBC originals scored alone, each document with no other version in its batch (--no-clusters);
then the same with story clusters, each file scored as one batch as evaluate.py runs it (the
seeds form one cluster, each BBC original one with its round trips).

    python3 scripts/cross_register.py [--weights W.json] [--bin target/release/spinscore]

Prints, for each mode, the AUC of the four spun seeds against the 300 clean originals, the seeds'
scores and the originals' median and quartiles. A scorer that only knows the level of fluency of its reference model's
registers puts lightly spun text from a familiar register below clean text from another.
"""
import argparse
import bisect
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"


def scores(binary, path, weights, clusters=False):
    cmd = [binary, "score", "--quiet", "-f", "jsonl", str(path)]
    if not clusters:
        cmd.append("--no-clusters")
    if weights:
        cmd += ["--weights", weights]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "spinscore"))
    ap.add_argument("--weights")
    a = ap.parse_args()
    labels = {}
    for line in open(DEV / "roundtrip-bbc.jsonl"):
        d = json.loads(line)
        labels[d["id"]] = d["label"]
    seed_labels = {json.loads(l)["id"]: json.loads(l)["label"] for l in open(DEV / "seeds.jsonl")}
    for clusters in (False, True):
        clean = sorted(
            r["score"] for r in scores(a.bin, DEV / "roundtrip-bbc.jsonl", a.weights, clusters)
            if labels.get(r["id"]) == "clean" and r.get("score") is not None
        )
        seeds = {r["id"]: r["score"] for r in scores(a.bin, DEV / "seeds.jsonl", a.weights, clusters)}
        spun = [s for i, s in seeds.items() if seed_labels.get(i) == "garbled" and s is not None]
        if not clean or not spun:
            sys.exit("no scored documents")
        auc = sum(bisect.bisect_left(clean, s) + 0.5 * (bisect.bisect_right(clean, s) - bisect.bisect_left(clean, s))
                  for s in spun) / len(spun) / len(clean)
        mode = "with story clusters" if clusters else "alone"
        print(f"spun seeds vs clean BBC originals, {mode}: AUC {auc:.3f}")
        print("  seeds:", ", ".join(f"{i[:3]} {s:.1f}" for i, s in sorted(seeds.items())))
        print(f"  clean BBC originals: median {clean[len(clean) // 2]:.1f}, quartiles "
              f"{clean[len(clean) // 4]:.1f} / {clean[3 * len(clean) // 4]:.1f}")


if __name__ == "__main__":
    main()

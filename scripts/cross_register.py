#!/usr/bin/env python3
"""Cross-register check (measurement only): the spun dev seeds scored alone against the clean
BBC originals scored alone, each document with no other version in its batch (--no-clusters).

    python3 scripts/cross_register.py [--weights W.json] [--bin target/release/spinscore]

Prints the AUC of the four spun seeds against the 300 clean originals, the seeds' scores and the
originals' median. A scorer that only knows the level of fluency of its reference model's
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


def scores(binary, path, weights):
    cmd = [binary, "score", "--quiet", "--no-clusters", "-f", "jsonl", str(path)]
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
    clean = sorted(
        r["score"] for r in scores(a.bin, DEV / "roundtrip-bbc.jsonl", a.weights)
        if labels.get(r["id"]) == "clean" and r.get("score") is not None
    )
    seed_labels = {json.loads(l)["id"]: json.loads(l)["label"] for l in open(DEV / "seeds.jsonl")}
    seeds = {r["id"]: r["score"] for r in scores(a.bin, DEV / "seeds.jsonl", a.weights)}
    spun = [s for i, s in seeds.items() if seed_labels.get(i) == "garbled" and s is not None]
    if not clean or not spun:
        sys.exit("no scored documents")
    auc = sum(bisect.bisect_left(clean, s) + 0.5 * (bisect.bisect_right(clean, s) - bisect.bisect_left(clean, s))
              for s in spun) / len(spun) / len(clean)
    print(f"spun seeds alone vs clean BBC originals alone: AUC {auc:.3f}")
    print("seeds:", ", ".join(f"{i[:3]} {s:.1f}" for i, s in sorted(seeds.items())))
    print(f"clean BBC originals: median {clean[len(clean) // 2]:.1f}, quartiles "
          f"{clean[len(clean) // 4]:.1f} / {clean[3 * len(clean) // 4]:.1f}")


if __name__ == "__main__":
    main()

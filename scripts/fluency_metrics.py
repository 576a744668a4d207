#!/usr/bin/env python3
"""AUC and pair accuracy of each fluency feature alone (higher = more degraded), with the
definitions of ../shared/eval/evaluate.py.

  fluency_metrics.py DATASET.jsonl FEATURES.jsonl [--kinds]
FEATURES.jsonl is the output of `cargo run --release --example fluency_eval -- DATASET.jsonl`.
"""
import json
import sys
from collections import defaultdict

sys.path.insert(0, "/work/shared/eval")
sys.path.insert(0, "../shared/eval")
from evaluate import load_jsonl, metrics  # noqa: E402


def main():
    rows = load_jsonl(sys.argv[1])
    feats = {str(r["id"]): r["features"] for r in load_jsonl(sys.argv[2])}
    names = sorted({k for f in feats.values() for k in f})
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r.get("kind", "all")].append(r)
    clean_by_group = defaultdict(list)
    for r in rows:
        if r.get("label") == "clean":
            clean_by_group[r.get("group")].append(r)
    kinds = {}
    for kind, members in by_kind.items():
        if all(r.get("label") == "clean" for r in members):
            continue
        seen = {id(r) for r in members}
        for g in {r.get("group") for r in members}:
            members = members + [c for c in clean_by_group[g] if id(c) not in seen]
        kinds[kind] = members
    hdr = f"{'feature':32} {'AUC':>6} {'pair':>6}"
    for k in sorted(kinds):
        hdr += f" {k[-10:]:>10}"
    print(hdr + "   (per-kind: pair accuracy)")
    for name in names:
        scores = {i: f[name] for i, f in feats.items() if f.get(name) is not None}
        m = metrics(rows, scores)
        line = f"{name:32} {m['auc'] or 0:6.3f} {m['pair_acc'] or 0:6.3f}"
        for k in sorted(kinds):
            mk = metrics(kinds[k], scores)
            line += f" {mk['pair_acc'] if mk['pair_acc'] is not None else float('nan'):10.3f}"
        print(line)


if __name__ == "__main__":
    main()

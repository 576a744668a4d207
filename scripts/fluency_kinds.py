#!/usr/bin/env python3
"""Per-feature AUC / pair accuracy by coarse kind family of a generated dataset:
  fluency_kinds.py DATASET.jsonl FEATURES.jsonl [substr,substr]  (FEATURES from examples/fluency_eval)"""
import json, sys, re
from collections import defaultdict
sys.path.insert(0, "/work/shared/eval")
from evaluate import load_jsonl, metrics
rows = load_jsonl(sys.argv[1])
feats = {str(r["id"]): r["features"] for r in load_jsonl(sys.argv[2])}
only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
def coarse(k):
    k = k.replace("cluster-", "").replace("+boilerplate", "")
    if "+" in k: return "combo"
    m = re.match(r"roundtrip-(\w+)-([\d.]+)$", k)
    if m: return "rt-1" if m.group(2) == "1" else "rt-part"
    if k.startswith("roundtrip-sparse"): return "rt-sparse"
    for p in ["spin-sense", "spin-blind", "grammar", "mixed", "light", "entity"]:
        if k.startswith(p): return p
    return k
clean_by_group = defaultdict(list)
by = defaultdict(list)
for r in rows:
    if r.get("label") == "clean": clean_by_group[r.get("group")].append(r)
    else: by[coarse(r.get("kind", ""))].append(r)
cleans = [r for r in rows if r.get("label") == "clean"]
kinds = {}
for k, ms in by.items():
    gs = {r.get("group") for r in ms}
    kinds[k] = (ms + cleans, ms + [c for g in gs for c in clean_by_group[g]])
names = sorted({k for f in feats.values() for k in f})
if only: names = [n for n in names if any(o in n for o in only)]
ks = sorted(kinds)
print(f"{'feature':30} {'AUC':>5} {'pair':>5} | " + " ".join(f"{k[:10]:>10}" for k in ks) + "  (AUC/pair per kind)")
for n in names:
    sc = {i: f[n] for i, f in feats.items() if f.get(n) is not None}
    m = metrics(rows, sc)
    line = f"{n:30} {m['auc'] or 0:5.3f} {m['pair_acc'] or 0:5.3f} | "
    for k in ks:
        a = metrics(kinds[k][0], sc)['auc'] or 0
        p = metrics(kinds[k][1], sc)['pair_acc']
        line += f" {a:4.2f}/{(p if p is not None else float('nan')):4.2f}"
    print(line)

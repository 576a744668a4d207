#!/usr/bin/env python3
"""Measurement only: whether scores are comparable across document lengths.

    python3 scripts/length_fairness.py LABELLED.jsonl SCORES.jsonl

LABELLED.jsonl has `id` and `label` (clean/garbled); SCORES.jsonl is `spinscore score --format
jsonl` output for it (with or without --no-clusters). Prints the AUC of garbled against clean,
the same with garbled documents shorter than the median length against clean ones longer (and
the reverse), and the rank correlation of score with length among the clean documents. A score
that does not depend on length gives about the same figure for both crossings and a correlation
near 0.
"""
import json
import sys


def auc(pos, neg):
    if not pos or not neg:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    for k, i in enumerate(order):
        r[i] = float(k)
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    m = (n - 1) / 2
    num = sum((x - m) * (y - m) for x, y in zip(ra, rb))
    den = (sum((x - m) ** 2 for x in ra) * sum((y - m) ** 2 for y in rb)) ** 0.5
    return num / den if den else float("nan")


def main():
    label = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        d = json.loads(line)
        label[d["id"]] = d.get("label")
    rows = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
    rows = [r for r in rows if r.get("score") is not None and label.get(r["id"]) in ("clean", "garbled")]
    words = sorted(r["words"] for r in rows)
    med = words[len(words) // 2]
    g = [(r["score"], r["words"]) for r in rows if label[r["id"]] == "garbled"]
    c = [(r["score"], r["words"]) for r in rows if label[r["id"]] == "clean"]
    print(f"AUC {auc([s for s, _ in g], [s for s, _ in c]):.3f}"
          f"  short garbled vs long clean {auc([s for s, w in g if w < med], [s for s, w in c if w >= med]):.3f}"
          f"  long garbled vs short clean {auc([s for s, w in g if w >= med], [s for s, w in c if w < med]):.3f}"
          f"  clean rank correlation of score with length {spearman([w for _, w in c], [s for s, _ in c]):.3f}")


if __name__ == "__main__":
    main()

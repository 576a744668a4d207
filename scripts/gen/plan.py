"""Deterministic assignment of originals to roles and splits.

- role: about 100 originals become story clusters (issue 8), the rest the main training set;
- split: 80/20 train/valid by group (hash of the original's id), the same for both roles;
- round trips: each original gets two Apertium pivots (distinct) and fractions.
"""
from textutil import stable_hash

PIVOTS = ["eng-spa:spa-eng", "eng-cat:cat-eng", "en-gl:gl-en", "en-eo:eo-en"]
FRACTIONS = [0.25, 0.5, 1.0]
N_CLUSTERS = 100


def split_of(doc_id):
    return "valid" if stable_hash("split/" + doc_id) % 5 == 0 else "train"


def cluster_ids(docs):
    """The N_CLUSTERS originals with the lowest hash, stratified by source share."""
    ranked = sorted(docs, key=lambda d: stable_hash("cluster/" + d["id"]))
    return {d["id"] for d in ranked[:N_CLUSTERS]}


def roundtrip_jobs(doc_id):
    """Two (pivot, fraction) pairs with distinct pivots for one original."""
    h = stable_hash("rt/" + doc_id)
    p1 = h % len(PIVOTS)
    p2 = (p1 + 1 + (h >> 8) % (len(PIVOTS) - 1)) % len(PIVOTS)
    f1 = (h >> 16) % len(FRACTIONS)
    f2 = (f1 + 1 + (h >> 24) % (len(FRACTIONS) - 1)) % len(FRACTIONS)
    return [(PIVOTS[p1], FRACTIONS[f1]), (PIVOTS[p2], FRACTIONS[f2])]

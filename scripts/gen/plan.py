"""Deterministic assignment of originals to roles and splits.

- role: about 100 originals become story clusters (issue 8), the rest the main training set;
- split: 80/20 train/valid by group (hash of the original's id), the same for both roles;
- round trips: each original gets two Apertium pivots (distinct) and fractions;
- shared garbles: half of the cluster originals also get each of their pivots at a second
  fraction, so two versions of the story share their garbled paragraphs word for word (one MT
  system at two fractions; a scraper republishing another site's spun copy).
"""
from textutil import stable_hash

PIVOTS = ["eng-spa:spa-eng", "eng-cat:cat-eng", "en-gl:gl-en", "en-eo:eo-en"]
FRACTIONS = [0.25, 0.5, 1.0]
N_CLUSTERS = 200


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


def shared_garble(doc_id):
    """Whether a cluster original's versions include garbles that share paragraphs."""
    return stable_hash("shared/" + doc_id) % 2 == 0


def extra_roundtrip_jobs(doc_id):
    """For a shared-garble cluster original: each planned pivot again at a second fraction
    (1.0 beside a partial round trip, 0.25 beside a full one)."""
    return [(pivot, 1.0 if fr < 1.0 else 0.25) for pivot, fr in roundtrip_jobs(doc_id)]

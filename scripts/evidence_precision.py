#!/usr/bin/env python3
"""Measurement only: how far each kind of evidence can be trusted.

    python3 scripts/evidence_precision.py GEN/fit_valid.jsonl [--bin target/release/spinscore]
        [--clean-extra FILE.jsonl] [--kinds KIND,...] [--samples N]

For every evidence kind (`explain --no-clusters -f json`, all evidence, each document alone):
  - on the garbled documents of a generated validation split (scripts/build_training_set.sh),
    the share of the kind's evidence that overlaps a span changed against the group's original
    (a word-level diff): its precision where damage exists;
  - its rate per 10,000 words on those garbled documents and on clean text (the split's
    originals, plus --clean-extra documents labelled clean, e.g. the dev set's BBC originals):
    evidence on clean text is false by construction, so the clean rate is the false-alarm rate
    a user sees.
--samples N prints N notes of the kind's evidence on clean text for each kind in --kinds.
"""
import argparse
import collections
import difflib
import json
import re
import subprocess
import tempfile
from pathlib import Path

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("valid")
ap.add_argument("--bin", default=str(Path(__file__).resolve().parent.parent / "target" / "release" / "spinscore"))
ap.add_argument("--clean-extra", action="append", default=[])
ap.add_argument("--kinds", default="")
ap.add_argument("--samples", type=int, default=0)
ap.add_argument("--by-strength", default="", help="a kind whose figures to print per strength band")
a = ap.parse_args()


def explain(recs):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as f:
        f.write("".join(json.dumps(d) + "\n" for d in recs))
        f.flush()
        out = subprocess.run([a.bin, "explain", "--no-clusters", "-f", "json", f.name],
                             capture_output=True, text=True, check=True).stdout
    rows = (json.loads(line) for line in out.splitlines())
    return {r["id"]: r for r in rows}


docs = [json.loads(line) for line in open(a.valid, encoding="utf-8")]
orig = {d["group"]: d for d in docs if d["kind"] == "original"}
garbled = [d for d in docs if d["label"] == "garbled" and d["group"] in orig]
clean = [d for d in docs if d["kind"] == "original"]
for path in a.clean_extra:
    clean += [d for d in map(json.loads, open(path, encoding="utf-8")) if d.get("label", "clean") == "clean"]

hit = collections.Counter()
n_garbled = collections.Counter()
BANDS = [0, 1, 2, 2.5, 3, 3.5, 4, 5, 6, 8, float("inf")]


def band(x):
    return next(i for i in range(len(BANDS) - 1) if x < BANDS[i + 1])


by_band = {"garbled": collections.Counter(), "hit": collections.Counter(), "clean": collections.Counter()}
garbled_words = 0
ex = explain(garbled)
for d in garbled:
    r = ex.get(d["id"])
    if not r:
        continue
    garbled_words += r.get("words") or 0
    old = re.findall(r"\S+", orig[d["group"]]["text"])
    offs = [m.span() for m in re.finditer(r"\S+", d["text"])]
    new = [d["text"][s:e] for s, e in offs]
    changed = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if j1 == j2:  # a deletion: the words around the gap changed their context
            j1, j2 = max(j1 - 1, 0), min(j1 + 1, len(offs))
            if j1 == j2:
                continue
        changed.append((offs[j1][0], offs[j2 - 1][1]))
    for e in r["all_evidence"]:
        n_garbled[e["kind"]] += 1
        ok = any(s < e["end"] and e["start"] < t for s, t in changed)
        hit[e["kind"]] += ok
        if e["kind"] == a.by_strength:
            by_band["garbled"][band(e["strength"])] += 1
            by_band["hit"][band(e["strength"])] += ok

n_clean = collections.Counter()
clean_words = 0
samples = collections.defaultdict(list)
for r in explain(clean).values():
    clean_words += r.get("words") or 0
    for e in r["all_evidence"]:
        n_clean[e["kind"]] += 1
        if e["kind"] == a.by_strength:
            by_band["clean"][band(e["strength"])] += 1
        samples[e["kind"]].append(e["note"][:120])

print(f"{len(garbled)} garbled documents ({garbled_words} words), {len(clean)} clean ({clean_words} words)")
print(f"{'kind':28s} {'garbled':>8s} {'precision':>9s} {'per 10k garbled':>16s} {'clean':>6s} {'per 10k clean':>14s}")
for k in sorted(set(n_garbled) | set(n_clean), key=lambda k: -n_garbled[k]):
    g, c = n_garbled[k], n_clean[k]
    prec = f"{hit[k] / g:.3f}" if g else "-"
    print(f"{k:28s} {g:8d} {prec:>9s} {1e4 * g / max(garbled_words, 1):16.2f} {c:6d} {1e4 * c / max(clean_words, 1):14.2f}")
for k in filter(None, a.kinds.split(",")):
    print(f"sample of {k} on clean text:")
    for note in samples[k][: a.samples]:
        print("  ", note)
if a.by_strength:
    print(f"{a.by_strength} by strength:")
    for i in range(len(BANDS) - 1):
        g, c = by_band["garbled"][i], by_band["clean"][i]
        prec = f"{by_band['hit'][i] / g:.3f}" if g else "-"
        print(f"  [{BANDS[i]}, {BANDS[i + 1]}) garbled {g:6d} precision {prec:>6s} per 10k {1e4 * g / max(garbled_words, 1):7.2f}"
              f"  clean {c:5d} per 10k {1e4 * c / max(clean_words, 1):7.2f}")

#!/usr/bin/env python3
"""Unseen-spinner check data (measurement only): the first N clean originals of a generated
validation split, each spun by a thesaurus spinner that shares nothing with the training data's:
synonyms from Aiksaurus (Debian package aiksaurus, a thesaurus derived from Moby, not WordNet),
picked uniformly over all its meaning groups, with naive suffix handling.

    python3 scripts/unseen_spinner.py GEN_DIR/fit_valid.jsonl OUT.jsonl [--n 80] [--rate 0.1 --rate 0.3]

Writes evaluate.py's format: each original (clean, degradation 0) and one spun version per rate
(garbled, degradation = rate, kind aiksaurus-RATE), grouped by original.
"""
import argparse
import json
import random
import re
import subprocess
from functools import lru_cache

STOP = set("""a an the and or but nor of to in on at for with by from into as than then so if is are was were be
been being am do does did have has had having i me my we us our you your he him his she her it its they them
their this that these those who whom whose which what when where why how not no there here would should could
might must will can may shall said says""".split())
WORD = re.compile(r"[A-Za-z]+")
SUFFIXES = ["ing", "ed", "es", "s"]


@lru_cache(maxsize=None)
def synonyms(word):
    out = subprocess.run(["aiksaurus", word], capture_output=True, text=True).stdout
    if "No synonyms known" in out:
        return ()
    syns = []
    for line in out.splitlines():
        if line.startswith("===") or not line.strip():
            continue
        syns += [s.strip() for s in line.split(",") if s.strip() and s.strip() != word]
    return tuple(syns)


def candidates(word):
    """Synonyms of `word`, or of a naive stem with the suffix put back on each synonym."""
    s = synonyms(word)
    if s:
        return list(s)
    for suf in SUFFIXES:
        if word.endswith(suf) and len(word) > len(suf) + 2:
            stem = word[: -len(suf)]
            for base in (stem, stem + "e"):
                s = synonyms(base)
                if s:
                    return [x + suf for x in s if " " not in x]
    return []


def spin(text, rate, rng):
    def swap(m):
        w = m.group(0)
        low = w.lower()
        if len(w) < 3 or low in STOP or (w[0].isupper() and m.start() > 0 and text[m.start() - 2 : m.start()] != ". ") or rng.random() > rate:
            return w
        cands = candidates(low)
        if not cands:
            return w
        new = rng.choice(cands)
        return new[:1].upper() + new[1:] if w[0].isupper() else new

    return WORD.sub(swap, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("valid")
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=80)
    ap.add_argument("--rate", type=float, action="append")
    a = ap.parse_args()
    rates = a.rate or [0.1, 0.3]
    n = 0
    with open(a.out, "w", encoding="utf-8") as out:
        for line in open(a.valid, encoding="utf-8"):
            d = json.loads(line)
            if d.get("kind") != "original" or n >= a.n:
                continue
            n += 1
            g = d["id"]
            out.write(json.dumps({"id": g, "text": d["text"], "group": g, "label": "clean", "degradation": 0,
                                  "kind": "original"}) + "\n")
            for r in rates:
                rng = random.Random(f"{g}/{r}")
                out.write(json.dumps({"id": f"{g}/aik-{r}", "text": spin(d["text"], r, rng), "group": g,
                                      "label": "garbled", "degradation": r, "kind": f"aiksaurus-{r}"}) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Typing-slip check data (measurement only): clean originals with a share of their words
misspelled the way careless rewriting, OCR and letter-perturbing tools do: inside a word of four
letters or more, two neighbouring letters swapped, one dropped or one doubled (the first letter
is never touched).

    python3 scripts/make_typos.py ORIGINALS.jsonl OUT.jsonl [--rate 0.01 --rate 0.03]

ORIGINALS: JSONL with "id" and "text" (clean). Writes evaluate.py's format: each original (clean,
degradation 0) and one version per rate (garbled, degradation = rate, kind typo-RATE), grouped by
original. Deterministic.
"""
import argparse
import json
import random
import re

WORD = re.compile(r"[A-Za-z]+")


def slip(w, rng):
    if len(w) < 4:
        return w
    i = rng.randrange(1, len(w) - 1)
    k = rng.random()
    if k < 1 / 3:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if k < 2 / 3:
        return w[:i] + w[i + 1:]
    return w[:i] + w[i] + w[i:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("originals")
    ap.add_argument("out")
    ap.add_argument("--rate", type=float, action="append")
    a = ap.parse_args()
    rates = a.rate or [0.01, 0.03]
    with open(a.originals, encoding="utf-8") as f:
        docs = [json.loads(l) for l in f if l.strip()]
    with open(a.out, "w", encoding="utf-8") as out:
        for d in docs:
            rows = [{"id": d["id"], "group": d["id"], "label": "clean", "degradation": 0, "kind": "original",
                     "text": d["text"]}]
            for rate in rates:
                rng = random.Random(f"{d['id']}/{rate}")
                text = WORD.sub(lambda m: slip(m.group(0), rng) if rng.random() < rate else m.group(0), d["text"])
                rows.append({"id": f"{d['id']}~typo-{rate}", "group": d["id"], "label": "garbled",
                             "degradation": rate, "kind": f"typo-{rate}", "text": text})
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

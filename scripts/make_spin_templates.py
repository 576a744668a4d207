#!/usr/bin/env python3
"""Spin-template check data (measurement only): clean originals published the way a careless
article spinner publishes them, with one to three of its spin groups left unpicked: a word
written as "{word|synonym|synonym}" (spin syntax), synonyms from WordNet's two most frequent
senses (Debian package wordnet-base), the original first or anywhere in the group.

    python3 scripts/make_spin_templates.py ORIGINALS.jsonl OUT.jsonl [--n 1000]

ORIGINALS: JSONL with "id" and "text" (clean); the first N are used. Writes evaluate.py's
format: each original (clean, degradation 0) and its templated copy (garbled, degradation 1,
kind spin-template), grouped by original. A copy with no word WordNet has synonyms for is left
out. Deterministic.
"""
import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))
from wordnet import WordNet  # noqa: E402

WORD = re.compile(r"\b[a-z]{4,}\b")


def alternatives(wn, word, rng):
    syns = []
    for _p, _base, suffix, rank, lemmas in wn.senses(word):
        if rank < 2 and not suffix:
            syns += [s.replace("_", " ") for s in lemmas if s.isalpha() or "_" in s]
    syns = sorted(set(syns) - {word})
    if not syns:
        return None
    group = [word] + rng.sample(syns, min(len(syns), rng.randint(1, 3)))
    if rng.random() < 0.5:
        rng.shuffle(group)
    return "{" + "|".join(group) + "}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("originals")
    ap.add_argument("output")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    args = ap.parse_args()
    wn = WordNet(args.wordnet)
    with open(args.originals, encoding="utf-8") as f:
        docs = [json.loads(l) for l in f if l.strip()][: args.n]
    with open(args.output, "w", encoding="utf-8") as out:
        for d in docs:
            group = d.get("group", d["id"])
            rng = random.Random(f"{d['id']}/templates")
            spans = [m.span() for m in WORD.finditer(d["text"])]
            rng.shuffle(spans)
            picked = []
            for a, b in spans:
                if len(picked) == rng.randint(1, 3):
                    break
                alt = alternatives(wn, d["text"][a:b], rng)
                if alt:
                    picked.append((a, b, alt))
            if not picked:
                continue
            text, last, parts = d["text"], 0, []
            for a, b, alt in sorted(picked):
                parts += [text[last:a], alt]
                last = b
            out.write(json.dumps({"id": d["id"], "group": group, "label": "clean", "degradation": 0,
                                  "kind": "original", "text": text}, ensure_ascii=False) + "\n")
            out.write(json.dumps({"id": f"{d['id']}~template", "group": group, "label": "garbled", "degradation": 1,
                                  "kind": "spin-template", "text": "".join(parts) + text[last:]},
                                 ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

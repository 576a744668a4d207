#!/usr/bin/env python3
"""Obfuscation check data (measurement only): clean originals rewritten the way scrapers hide a
copy from duplicate detectors, by changing characters, not words. In a share of the words, some
letters become Cyrillic or Greek look-alikes ("gоvernment" with a Cyrillic "о"), or a zero-width
space, joiner or byte-order mark goes between two letters ("mini\u200bster").

    python3 scripts/make_obfuscated.py ORIGINALS.jsonl OUT.jsonl [--n 1000] [--rate 0.02 --rate 0.05]

ORIGINALS: JSONL with "id" and "text" (clean); the first N are used. Writes evaluate.py's
format: each original (clean, degradation 0) and one version per rate (garbled, degradation =
rate, kind obfuscated-RATE), grouped by original. Deterministic.
"""
import argparse
import json
import random
import re

LOOKALIKES = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "i": "і",
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С",
    "T": "Т", "X": "Х",
}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
WORD = re.compile(r"[A-Za-z]{4,}")


def obfuscate_word(w, rng):
    if rng.random() < 0.7:
        spots = [i for i, ch in enumerate(w) if ch in LOOKALIKES]
        if spots:
            chars = list(w)
            for i in rng.sample(spots, max(1, len(spots) // 3)):
                chars[i] = LOOKALIKES[chars[i]]
            return "".join(chars)
    i = rng.randrange(1, len(w))
    return w[:i] + rng.choice(INVISIBLE) + w[i:]


def obfuscate(text, rate, rng):
    """Each word of four letters or more changed with probability `rate`; at least one is."""
    spans = [m.span() for m in WORD.finditer(text)]
    picked = [sp for sp in spans if rng.random() < rate]
    if not picked and spans:
        picked = [rng.choice(spans)]
    out, last = [], 0
    for a, b in picked:
        out += [text[last:a], obfuscate_word(text[a:b], rng)]
        last = b
    return "".join(out) + text[last:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("originals")
    ap.add_argument("output")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rate", type=float, action="append")
    args = ap.parse_args()
    rates = args.rate or [0.02, 0.05]
    docs = []
    with open(args.originals, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("label", "clean") == "clean" and d.get("kind", "original") in ("original", None):
                docs.append(d)
            if len(docs) >= args.n:
                break
    with open(args.output, "w", encoding="utf-8") as out:
        for d in docs:
            group = d.get("group", d["id"])
            row = {"id": d["id"], "group": group, "label": "clean", "degradation": 0, "kind": "original",
                   "text": d["text"]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            for rate in rates:
                rng = random.Random(f"{d['id']}/{rate}")
                row = {"id": f"{d['id']}~obf{rate:g}", "group": group, "label": "garbled", "degradation": rate,
                       "kind": f"obfuscated-{rate:g}", "text": obfuscate(d["text"], rate, rng)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Build a JSONL corpus of at least --mb megabytes for the whole-process benchmark.

Documents are 20-60 line chunks of ../shared/corpora text and the data/seeds pages, each written
again with a different light perturbation (word swaps, drops, duplications, casing breaks) so that
about half the corpus is garbled and no two records are identical. 50 sources, deterministic.
"""
import argparse
import glob
import json
import os
import random


def chunks(lines, rng):
    i = 0
    while i < len(lines):
        n = rng.randint(20, 60)
        text = "\n".join(l.rstrip("\n") for l in lines[i:i + n] if l.strip())
        if len(text.split()) >= 60:
            yield text
        i += n


def garble(text, rng, rate):
    out = []
    for para in text.split("\n"):
        words = para.split(" ")
        i = 0
        res = []
        while i < len(words):
            r = rng.random()
            if r < rate / 3 and i + 1 < len(words):
                res += [words[i + 1], words[i]]
                i += 2
                continue
            if r < rate / 2:
                i += 1
                continue
            if r < rate * 2 / 3:
                res += [words[i], words[i]]
            elif r < rate and words[i][:1].islower():
                res.append(words[i].capitalize())
            else:
                res.append(words[i])
            i += 1
        out.append(" ".join(res))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("output")
    ap.add_argument("--mb", type=float, default=200)
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpora"))
    args = ap.parse_args()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    rng = random.Random(7)
    base = []
    for path in sorted(glob.glob(os.path.join(args.corpora, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            base += list(chunks(f.readlines(), rng))
    for path in sorted(glob.glob(os.path.join(root, "data", "seeds", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            base.append(f.read())
    target = int(args.mb * 1e6)
    written = 0
    n = 0
    with open(args.output, "w", encoding="utf-8") as out:
        while written < target:
            for text in base:
                rate = 0.0 if rng.random() < 0.5 else rng.choice([0.02, 0.05, 0.1, 0.2])
                body = garble(text, rng, rate) if rate else garble(text, rng, 0.002)
                line = json.dumps({"id": f"d{n}", "source": f"site{n % 50}.example", "text": body}) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                n += 1
                if written >= target:
                    break
    print(f"{args.output}: {n} documents, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

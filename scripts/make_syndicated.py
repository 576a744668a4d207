#!/usr/bin/env python3
"""Syndicated copies (measurement only): per group of a labelled JSONL file, its clean original and
one of its garbled versions republished COPIES times, each copy framed by different site furniture
("Leave a Reply", "Show More", ...), as mirror sites and content farms republish one rewrite.

    python3 scripts/make_syndicated.py IN.jsonl OUT.jsonl [--copies 4] [--seed 11]

A scorer that counts every copy as another version lets the rewrite outvote its original.
"""
import argparse
import collections
import json
import random

FURNITURE = [
    "Leave a Reply",
    "Read Also: The best phones of the year",
    "- Advertisement -",
    "Share this article on Facebook and Twitter",
    "Show More",
    "Subscribe to our newsletter for the latest news.",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    groups = collections.defaultdict(list)
    for line in open(a.input, encoding="utf-8"):
        d = json.loads(line)
        groups[d["group"]].append(d)
    with open(a.output, "w", encoding="utf-8") as out:
        for versions in groups.values():
            clean = [d for d in versions if d["label"] == "clean"]
            garbled = [d for d in versions if d["label"] != "clean"]
            if not clean or not garbled:
                continue
            out.write(json.dumps(clean[0]) + "\n")
            rewrite = rng.choice(garbled)
            for c in range(a.copies):
                copy = dict(rewrite, id=f"{rewrite['id']}-m{c}")
                lines = rng.sample(FURNITURE, 2) + rewrite["text"].split("\n") + rng.sample(FURNITURE, 2)
                copy["text"] = "\n".join(lines)
                out.write(json.dumps(copy) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Split ../shared/corpora deterministically into the part the reference model is trained on
and the held-out part the scorer's training data is generated from, so the scorer never learns
on text the language model has memorised.

Rule: each corpus file is cut into blocks of 200 lines; block b is held out when b % 10 == 9
(10% of each corpus, spread through it).

  corpus_split.py --part lm FILE...        print the model-training lines
  corpus_split.py --part heldout FILE...   print the held-out lines
"""
import argparse
import sys

BLOCK = 200


def part_of(line_no):
    return "heldout" if (line_no // BLOCK) % 10 == 9 else "lm"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["lm", "heldout"], required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    out = sys.stdout
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f):
                if part_of(n) == args.part:
                    out.write(line)


if __name__ == "__main__":
    main()

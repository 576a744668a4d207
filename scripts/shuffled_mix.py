#!/usr/bin/env python3
"""Shuffles several labelled JSONL sets into one (ids, groups and kinds prefixed by set name).

Large shuffled inputs are how evaluation sets arrive: versions of one story far apart, in more
records than one batch holds. Used to measure story clusters across batches (EVALUATION.md).

    python3 scripts/shuffled_mix.py OUT NAME=PATH [NAME=PATH ...] [--seed 7]
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("sets", nargs="+", help="NAME=PATH")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rows = []
    for spec in a.sets:
        name, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                d["id"] = f"{name}/{d['id']}"
                if d.get("group") is not None:
                    d["group"] = f"{name}/{d['group']}"
                d["kind"] = f"{name}:{d.get('kind')}"
                rows.append(d)
    random.Random(a.seed).shuffle(rows)
    with open(a.out, "w", encoding="utf-8") as f:
        for d in rows:
            f.write(json.dumps(d) + "\n")
    print(f"{len(rows)} records -> {a.out}")


if __name__ == "__main__":
    main()

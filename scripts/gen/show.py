#!/usr/bin/env python3
"""Print what each kind of garbling changed, for checking generated data by eye.

  show.py DATA.jsonl ORIGINALS.jsonl [--kind SUBSTRING] [--n 2] [--edits 5]
Shows, per kind, a few documents as [original words] -> [rewritten words] edits.
"""
import argparse
import difflib
import json
import re
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("originals")
    ap.add_argument("--kind", default="")
    ap.add_argument("--n", type=int, default=2)
    ap.add_argument("--edits", type=int, default=5)
    args = ap.parse_args()
    orig = {}
    for l in open(args.originals, encoding="utf-8"):
        d = json.loads(l)
        orig[d["id"]] = d["text"]
    by = defaultdict(list)
    for l in open(args.data, encoding="utf-8"):
        r = json.loads(l)
        if args.kind in r["kind"] and r["group"] in orig and r["text"] != orig[r["group"]]:
            by[re.sub(r"-[0-9.]+", "", r["kind"])].append(r)
    for kind in sorted(by):
        for r in by[kind][:: max(1, len(by[kind]) // args.n)][: args.n]:
            print(f"== {r['kind']}  id={r['id']}  degradation={r['degradation']}")
            a, b = orig[r["group"]].split(), r["text"].split()
            ops = [o for o in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if o[0] != "equal"]
            for _, i1, i2, j1, j2 in ops[: args.edits]:
                print(f"   [{' '.join(a[max(0, i1 - 3):i2 + 2])}] -> [{' '.join(b[max(0, j1 - 3):j2 + 2])}]")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The first N clean originals of a generated split, as make_roundtrip.py input (measurement only).

    python3 scripts/first_originals.py GEN_DIR/fit_valid.jsonl N > originals.jsonl

Writes {"id", "text"} rows: the documents of kind "original", in file order. The unseen checks
(scripts/unseen_pivot.sh, scripts/unseen_checks.sh) round-trip these.
"""
import json
import sys


def main():
    path, limit = sys.argv[1], int(sys.argv[2])
    n = 0
    for line in open(path, encoding="utf-8"):
        if n >= limit:
            break
        d = json.loads(line)
        if d.get("kind") == "original":
            print(json.dumps({"id": d["id"], "text": d["text"]}))
            n += 1


if __name__ == "__main__":
    main()

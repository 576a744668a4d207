#!/usr/bin/env python3
"""Stitched-copy check data (measurement only): each clean original followed by a copy made of
its first half of paragraphs and the second half of the next original's (sorted order), as
scraper sites stitch two sources into one page. Both halves are clean text.

    python3 scripts/make_stitched.py ORIGINALS.jsonl OUT.jsonl

ORIGINALS: JSONL with "id" and "text"; originals of fewer than four paragraphs are left out.
Writes evaluate.py's format (original clean, degradation 0; stitched garbled, degradation 1,
kind stitched), grouped by the first original. Deterministic.
"""
import json
import sys


def paragraphs(text):
    return [p for p in text.split("\n") if p.strip()]


def stitched(docs):
    """Per original of four paragraphs or more (whose next original has four too), its row and
    its stitched copy's, in evaluate.py's format."""
    for i, d in enumerate(docs):
        other = docs[(i + 1) % len(docs)]
        pa, pb = paragraphs(d["text"]), paragraphs(other["text"])
        if len(pa) < 4 or len(pb) < 4:
            continue
        yield {"id": d["id"], "group": d["id"], "label": "clean", "degradation": 0, "kind": "original",
               "text": d["text"]}
        yield {"id": f"{d['id']}~stitched", "group": d["id"], "label": "garbled", "degradation": 1,
               "kind": "stitched", "text": "\n\n".join(pa[: len(pa) // 2] + pb[len(pb) // 2:])}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        docs = [json.loads(l) for l in f if l.strip()]
    with open(dst, "w", encoding="utf-8") as out:
        for r in stitched(docs):
            out.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

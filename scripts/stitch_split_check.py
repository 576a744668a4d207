#!/usr/bin/env python3
"""Stitched-page check of a within-document statistic (measurement only; nothing in spinscore
uses it). Per document, the paragraphs of 8+ words are split in two at every paragraph boundary
that leaves at least 30% of the content words on each side; the statistic is the largest
-log(overlap + 0.02), where overlap is the share of the smaller side's content-word types
(4+ letters, not stopwords) that the other side has. A page stitched from two stories should
have a split whose halves share few words.

    python3 scripts/stitch_split_check.py FILE.jsonl [...]

Prints per file the AUC of garbled against clean documents (evaluate.py's labels) and the clean
documents' mean, 90th percentile and maximum against the garbled mean. Session 54 ran it on
scripts/make_stitched.py's output and on the dev and unseen sets (EVALUATION.md, Known gaps).
"""
import json
import math
import re
import sys

STOP = set(
    """the a an and or but of to in on at for with by from as is are was were be been being it its
    this that these those he she they we you i his her their our your my not no has have had do does
    did will would can could should may might must said says say also after before about over into
    than then there here which who whom whose what when where why how all any some more most other
    such only own same so too very just one two three new first last year years mr mrs ms""".split()
)


def content(paragraph):
    words = (w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]+", paragraph))
    return [w for w in words if len(w) >= 4 and w not in STOP]


def split_statistic(text, min_share=0.3):
    paras = [content(p) for p in text.split("\n") if len(p.split()) >= 8]
    if len(paras) < 4:
        return 0.0
    total = sum(len(p) for p in paras)
    best, seen = 0.0, 0
    for k in range(1, len(paras)):
        seen += len(paras[k - 1])
        if seen < min_share * total or total - seen < min_share * total:
            continue
        left = {w for p in paras[:k] for w in p}
        right = {w for p in paras[k:] for w in p}
        if left and right:
            overlap = len(left & right) / min(len(left), len(right))
            best = max(best, -math.log(overlap + 0.02))
    return best


def auc(pos, neg):
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def main():
    for path in sys.argv[1:]:
        rows = [json.loads(line) for line in open(path, encoding="utf-8")]
        stats = [(split_statistic(r["text"]), r.get("label")) for r in rows]
        pos = [s for s, label in stats if label == "garbled"]
        neg = sorted(s for s, label in stats if label == "clean")
        if not neg:
            print(f"{path}: no clean documents")
            continue
        print(
            f"{path.rsplit('/', 1)[-1]}: AUC {auc(pos, neg):.3f}; clean mean {sum(neg) / len(neg):.2f}, "
            f"p90 {neg[int(0.9 * len(neg))]:.2f}, max {neg[-1]:.2f}; garbled mean "
            f"{sum(pos) / max(1, len(pos)):.2f}"
        )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Cut the HELD-OUT part of ../shared/corpora into document-like originals (JSONL).

Only `scripts/corpus_split.py --part heldout` text is used: the reference language model is
trained on the other part. Held-out blocks are 200 consecutive corpus lines; a document never
spans two blocks (they are not adjacent in the corpus). Documents are 60-650 words with
newline-separated paragraphs; mlqe-pe (one tokenised sentence a line) is detokenised and grouped
into paragraphs of 2-5 sentences.

  originals.py --repo REPO --corpora DIR OUT.jsonl
Output rows: {"id", "text", "source", "words"}.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from textutil import normalise_ws, rng_for, words  # noqa: E402

BLOCK = 200
SOURCES = [("brown", "brown.en.txt"), ("mlqe", "mlqe-pe-postedits.en.txt"), ("sotu", "state_union.en.txt")]


def detokenise(s):
    """Roughly undo Moses-style tokenisation of one mlqe-pe line."""
    s = s.strip()
    # quotes: pair up standalone " marks
    parts = s.split(' " ')
    s = re.sub(r'(^| )" (.*?) "( |$)', lambda m: f'{m.group(1)}"{m.group(2)}"{m.group(3)}', s)
    s = re.sub(r"^\" ", '"', s)
    s = re.sub(r" \"$", '"', s)
    s = re.sub(r" ([.,;:!?%)\]}])", r"\1", s)
    s = re.sub(r"([(\[{$]) ", r"\1", s)
    s = re.sub(r" (['’](s|re|ve|ll|d|m|t)\b)", r"\1", s)
    s = re.sub(r" (n't)\b", r"\1", s)
    s = re.sub(r" - ", "-", s) if re.search(r"\w - \w", s) and len(re.findall(" - ", s)) == 1 and False else s
    s = re.sub(r" @-@ ", "-", s)
    s = re.sub(r"\s+", " ", s).strip()
    del parts
    return s


def heldout_blocks(repo, path):
    out = subprocess.run([sys.executable, os.path.join(repo, "scripts", "corpus_split.py"), "--part", "heldout",
                          path], capture_output=True, text=True, check=True).stdout.split("\n")
    if out and out[-1] == "":
        out.pop()
    return [out[i:i + BLOCK] for i in range(0, len(out), BLOCK)]


def target_len(rng):
    r = rng.random()
    if r < 0.15:
        return rng.randint(60, 120)
    if r < 0.55:
        return rng.randint(150, 300)
    return rng.randint(300, 600)


def docs_from_block(name, bi, lines, rng):
    lines = [l.strip() for l in lines if l.strip()]
    if name == "mlqe":
        sents = [detokenise(l) for l in lines]
        pars = []
        i = 0
        while i < len(sents):
            k = rng.randint(2, 5)
            pars.append(" ".join(sents[i:i + k]))
            i += k
    else:
        pars = lines
    docs = []
    cur, cur_w, tgt = [], 0, target_len(rng)
    for p in pars:
        w = len(words(p))
        if cur and cur_w + w > tgt * 1.15:
            docs.append(cur)
            cur, cur_w, tgt = [], 0, target_len(rng)
        cur.append(p)
        cur_w += w
    if cur and cur_w >= 50:
        docs.append(cur)
    # a document of a single over-long paragraph is fine (state_union); drop tiny ones
    return [d for d in docs if len(words(" ".join(d))) >= 50]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", default=".")
    ap.add_argument("--corpora", default="../shared/corpora")
    ap.add_argument("output")
    args = ap.parse_args()
    n = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for name, fn in SOURCES:
            for bi, block in enumerate(heldout_blocks(args.repo, os.path.join(args.corpora, fn))):
                rng = rng_for("originals", name, bi)
                for di, pars in enumerate(docs_from_block(name, bi, block, rng)):
                    text = normalise_ws("\n".join(pars))
                    doc = {"id": f"{name}-{bi:03d}-{di:02d}", "source": name, "words": len(words(text)),
                           "text": text}
                    out.write(json.dumps(doc, ensure_ascii=False) + "\n")
                    n += 1
    print(f"originals: {n} documents -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Clean English article bodies from other sites (measurement only): the human-extracted bodies
of the article-extraction benchmark (../shared/eval/boilerplate/ground-truth.json; 181 news and
blog pages of about 150 sites: wsj.com, rollingstone.com, space.com, cbssports.com ...), as
originals for the unseen checks. Unlike the training data (../shared/corpora) and the BBC dev
set, these carry today's web register: lists, tables, tour dates, product names.

    python3 scripts/web_originals.py SPINSCORE OUT.jsonl [--min-words 80]

Keeps the bodies of at least --min-words words that SPINSCORE (the release binary) reads as
English, in sorted page-hash order; writes evaluate.py rows {"id", "text", "group", "label":
"clean", "degradation": 0, "kind": "original"} (id = the first 12 hex digits of the page hash).
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "boilerplate" / "ground-truth.json"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spinscore")
    ap.add_argument("out")
    ap.add_argument("--min-words", type=int, default=80)
    ap.add_argument("--ground-truth", default=str(BENCH))
    a = ap.parse_args()
    gt = json.load(open(a.ground_truth, encoding="utf-8"))
    docs = []
    for key in sorted(gt):
        text = (gt[key].get("articleBody") or "").strip()
        if len(text.split()) >= a.min_words:
            docs.append({"id": key[:12], "text": text})
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as tmp:
        for d in docs:
            tmp.write(json.dumps(d) + "\n")
        tmp.flush()
        out = subprocess.run([a.spinscore, "score", "--quiet", "--no-clusters", "--format", "jsonl", tmp.name],
                             capture_output=True, text=True, check=True).stdout
    english = {r["id"] for r in map(json.loads, out.splitlines()) if r.get("language") == "eng"}
    with open(a.out, "w", encoding="utf-8") as f:
        for d in docs:
            if d["id"] in english:
                f.write(json.dumps({"id": d["id"], "text": d["text"], "group": d["id"], "label": "clean",
                                    "degradation": 0, "kind": "original"}) + "\n")


if __name__ == "__main__":
    main()

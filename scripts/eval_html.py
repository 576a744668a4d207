#!/usr/bin/env python3
"""Main-content extraction F1 on the article-extraction benchmark (181 pages with ground truth).

Metric (as described in the benchmark's README.rst): texts are tokenised into runs of word
characters, cut into word 4-gram shingles (multisets); per page tp/fp/fn are counted over
shingles and normalised by their sum so every page weighs the same; precision and recall are
averaged over pages (pages with no predicted / no true shingles are left out of the respective
mean) and F1 is their harmonic mean. Accuracy is the share of pages with precision and recall
both at least 0.99... not reported here.

Usage:
  scripts/eval_html.py --cmd 'target/release/examples/extract_html {files}'   # our extraction
  scripts/eval_html.py --pred OUTPUT.json                                     # a stored output
  scripts/eval_html.py --baselines        # the benchmark's stored outputs (sanity check of the metric)
The command gets the decompressed .html paths and must print JSON lines {"id": ..., "text": ...}
where id is the file name without .html.
"""
import argparse
import gzip
import json
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

BENCH = Path("/work/shared/eval/boilerplate")
WORD = re.compile(r"\w+")


def shingles(text, n=4):
    toks = WORD.findall(text or "")
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def page_counts(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def prf(counts):
    precs, recs = [], []
    for tp, fp, fn in counts:
        if tp + fp > 0:
            precs.append(1.0 if fp == fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            recs.append(1.0 if fp == fn == 0 else tp / (tp + fn))
    p = statistics.mean(precs) if precs else 0.0
    r = statistics.mean(recs) if recs else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f, p, r


def report(name, truth, pred, n_boot=300):
    keys = sorted(truth)
    counts = [page_counts(truth[k].get("articleBody", ""), pred.get(k, "")) for k in keys]
    f, p, r = prf(counts)
    rng = random.Random(0)
    boots = [prf([counts[rng.randrange(len(counts))] for _ in counts])[0] for _ in range(n_boot)]
    ci = 1.96 * statistics.stdev(boots)
    empty = sum(1 for k in keys if not pred.get(k, "").strip())
    print(f"{name:<22} F1={f:.3f} ± {ci:.3f}  precision={p:.3f}  recall={r:.3f}  empty={empty}/{len(keys)}")
    return counts


def load_pred_json(path):
    d = json.loads(Path(path).read_text(encoding="utf8"))
    if "output" in d and isinstance(d["output"], dict):
        d = d["output"]
    return {k: v.get("articleBody", "") for k, v in d.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmd", help="command with {files}; prints JSONL {id, text}")
    ap.add_argument("--pred", action="append", default=[], help="a prediction JSON file")
    ap.add_argument("--baselines", action="store_true", help="also score the benchmark's stored outputs")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    args = ap.parse_args()
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf8"))
    if args.baselines:
        for path in sorted((BENCH / "output").glob("*.json")):
            report(path.stem, truth, load_pred_json(path))
    for path in args.pred:
        report(Path(path).stem, truth, load_pred_json(path))
    if args.cmd:
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for gz in sorted((BENCH / "html").glob("*.html.gz")):
                out = Path(tmp) / gz.name[:-3]
                out.write_bytes(gzip.decompress(gz.read_bytes()))
                files.append(str(out))
            cmd = args.cmd.replace("{files}", " ".join(shlex.quote(f) for f in files))
            res = subprocess.run(cmd, shell=True, capture_output=True, text=True)
            if res.returncode != 0:
                sys.stderr.write(res.stderr)
                sys.exit(f"command failed with {res.returncode}")
        pred = {}
        for line in res.stdout.splitlines():
            if line.strip():
                rec = json.loads(line)
                pred[rec["id"]] = rec.get("text", "")
        counts = report("ours", truth, pred)
        if args.worst:
            keys = sorted(truth)
            scored = sorted(zip(keys, counts), key=lambda kc: prf([kc[1]])[0])
            for k, c in scored[: args.worst]:
                f, p, r = prf([c])
                print(f"  {k[:16]} F1={f:.2f} P={p:.2f} R={r:.2f} {truth[k].get('url', '')}")


if __name__ == "__main__":
    main()

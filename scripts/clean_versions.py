#!/usr/bin/env python3
"""Clean versions of one story scored together (measurement only): how often story clusters call
a clean page damaged because another clean version differs from it in extent, not wording.

    python3 scripts/clean_versions.py [--bin target/release/spinscore] [--weights W] [ORIGINALS]

ORIGINALS (default target/unseen/web_orig.jsonl, from scripts/unseen_checks.sh): JSONL of clean
pages with "id" and "text". Three checks, each scored as one batch with story clusters and then
with --no-clusters, printing the verdicts (garbled / suspect / clean) and median score per kind:

- the pages themselves (another site's report of the same event can be among them);
- stitched: each page of four paragraphs or more with a page made of its first half and the
  next page's second half (scripts/make_stitched.py);
- updates: each page of six paragraphs or more ("latest") with an earlier version lacking its
  two middle paragraphs ("early"), as a story updated during the day, or a republisher that cut
  two paragraphs.

Every page here is clean text except the stitched ones; with clusters, their verdicts should
stay close to those scored alone.
"""
import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_stitched import paragraphs, stitched  # noqa: E402


def updates(docs):
    for d in docs:
        ps = paragraphs(d["text"])
        if len(ps) < 6:
            continue
        m = len(ps) // 2
        yield {"id": d["id"], "kind": "latest", "text": d["text"]}
        yield {"id": d["id"] + "~early", "kind": "early", "text": "\n\n".join(ps[: m - 1] + ps[m + 1:])}


def report(binary, weights, name, rows):
    kinds = {r["id"]: r["kind"] for r in rows}
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
        path = f.name
    for mode in ([], ["--no-clusters"]):
        cmd = [binary, "score", "--quiet", "-f", "jsonl", path] + mode
        if weights:
            cmd += ["--weights", weights]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        verdicts = collections.defaultdict(collections.Counter)
        scores = collections.defaultdict(list)
        for line in out.splitlines():
            r = json.loads(line)
            k = kinds.get(r["id"], "?")
            verdicts[k][r.get("verdict")] += 1
            if r.get("score") is not None:
                scores[k].append(r["score"])
        label = "alone" if mode else "clusters"
        for k in sorted(verdicts):
            s = sorted(scores[k]) or [float("nan")]
            v = verdicts[k]
            print(f"{name:9} {label:9} {k:9} garbled {v['garbled']:4}  suspect {v['suspect']:4}  "
                  f"clean {v['clean']:4}  median {s[len(s) // 2]:.1f}")
    Path(path).unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "spinscore"))
    ap.add_argument("--weights")
    ap.add_argument("originals", nargs="?", default=str(ROOT / "target" / "unseen" / "web_orig.jsonl"))
    a = ap.parse_args()
    with open(a.originals, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    if not docs:
        sys.exit(f"{a.originals}: no documents")
    report(a.bin, a.weights, "pages", [{"id": d["id"], "kind": "page", "text": d["text"]} for d in docs])
    report(a.bin, a.weights, "stitched", list(stitched(docs)))
    report(a.bin, a.weights, "updates", list(updates(docs)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Round-trip originals through Apertium pivots with ../shared/eval/make_roundtrip.py.

Each original gets two round trips (distinct pivots, fractions 0.25/0.5/1.0, see plan.py),
one make_roundtrip.py run per (pivot, fraction); half of the story-cluster originals get each
pivot at a second fraction too (plan.extra_roundtrip_jobs), cached in their own files. Apertium's generation-error marks ('#') are
removed and whitespace normalised, so the scorer cannot learn tool artefacts.
Results are cached per (pivot, fraction) in WORKDIR; delete it to recompute.

  roundtrip.py ORIGINALS.jsonl OUT.jsonl --workdir DIR [--jobs 1]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plan import cluster_ids, extra_roundtrip_jobs, roundtrip_jobs, shared_garble  # noqa: E402
from textutil import normalise_ws, word_edit_share  # noqa: E402

MAKE_RT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "eval",
                       "make_roundtrip.py")


def clean(text):
    text = re.sub(r"(?<=\w)#", "", text)
    text = re.sub(r"[#@](?=\w)", "", text)
    return normalise_ws(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("originals")
    ap.add_argument("output")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--make-roundtrip", default=os.environ.get("MAKE_ROUNDTRIP", MAKE_RT))
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    docs = [json.loads(l) for l in open(args.originals, encoding="utf-8") if l.strip()]
    by_id = {d["id"]: d for d in docs}
    combos = defaultdict(list)
    clusters = cluster_ids(docs)
    for d in docs:
        for pivot, fr in roundtrip_jobs(d["id"]):
            combos[(pivot, fr, "")].append(d)
        if d["id"] in clusters and shared_garble(d["id"]):
            for pivot, fr in extra_roundtrip_jobs(d["id"]):
                combos[(pivot, fr, "x")].append(d)
    rows = []
    t0 = time.time()
    for (pivot, fr, extra), ds in sorted(combos.items()):
        tag = f"{extra}{pivot.split(':')[0]}-{fr:g}"
        inp = os.path.join(args.workdir, f"in-{tag}.jsonl")
        outp = os.path.join(args.workdir, f"out-{tag}.jsonl")
        # A cached run serves only the same documents (the plan may have changed since).
        if os.path.exists(outp):
            with open(outp, encoding="utf-8") as f:
                cached = {json.loads(l)["group"] for l in f if l.strip()}
            if cached != {d["id"] for d in ds}:
                print(f"roundtrip {tag}: cache is for other documents, recomputing", file=sys.stderr)
                os.remove(outp)
        if not os.path.exists(outp):
            with open(inp, "w", encoding="utf-8") as f:
                for d in ds:
                    f.write(json.dumps({"id": d["id"], "text": d["text"], "source": d["source"]}) + "\n")
            t1 = time.time()
            subprocess.run([sys.executable, args.make_roundtrip, inp, outp + ".tmp", "--pivot", pivot,
                            "--fraction", str(fr), "--jobs", str(args.jobs), "--seed", "1"], check=True)
            os.replace(outp + ".tmp", outp)
            print(f"roundtrip {tag}: {len(ds)} docs in {time.time() - t1:.0f}s", file=sys.stderr, flush=True)
        for l in open(outp, encoding="utf-8"):
            r = json.loads(l)
            if r["label"] != "garbled":
                continue
            orig = by_id[r["group"]]
            r["text"] = clean(r["text"])
            r["edit_share"] = word_edit_share(orig["text"], r["text"])
            rows.append(r)
    rows.sort(key=lambda r: r["id"])
    with open(args.output, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"roundtrip: {len(rows)} rewrites in {time.time() - t0:.0f}s -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

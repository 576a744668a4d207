#!/usr/bin/env python3
"""Sparse round trips: only 1-3 sentences of a document go English -> pivot -> English (Apertium).

make_roundtrip.py works on whole paragraphs; real light damage touches a few sentences. All chosen
sentences of all documents for one pivot are translated in batched Apertium calls (one sentence a
line), so this costs little CPU. Kind `roundtrip-sparse-PIVOT`; degradation = share of sentences
touched (a round-tripped sentence counts 1, as on the simulators' scale).

  sparse_rt.py ORIGINALS.jsonl OUT.jsonl [--share 0.5]
"""
import argparse
import json
import os
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plan import PIVOTS  # noqa: E402
from roundtrip import clean  # noqa: E402
import roundtrip_lines  # noqa: E402
from textutil import join_sentences, normalise_ws, rng_for, split_sentences, stable_hash, word_edit_share  # noqa

BATCH = 150


def round_trip(lines, pivot):
    """Aligned with `lines`; a line Apertium fails on stays as it was."""
    return [b if b is not None else l for l, b in zip(lines, roundtrip_lines.round_trip(lines, pivot, BATCH))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("originals")
    ap.add_argument("output")
    ap.add_argument("--share", type=float, default=0.5, help="share of originals that get a sparse round trip")
    args = ap.parse_args()
    t0 = time.time()
    docs = [json.loads(l) for l in open(args.originals, encoding="utf-8") if l.strip()]
    jobs = defaultdict(list)  # pivot -> [(doc, par_i, sent_j)]
    structure = {}
    for d in docs:
        if stable_hash("sparse/" + d["id"]) % 1000 >= args.share * 1000:
            continue
        rng = rng_for("sparse", d["id"])
        pars = [split_sentences(p) for p in d["text"].split("\n")]
        idx = [(i, j) for i, p in enumerate(pars) for j in range(len(p)) if len(p[j][0].split()) >= 5]
        if len(idx) < 3:
            continue
        pivot = PIVOTS[stable_hash("sparse-pivot/" + d["id"]) % len(PIVOTS)]
        chosen = sorted(rng.sample(idx, rng.randint(1, 3)))
        structure[d["id"]] = (d, pars, chosen, pivot)
        for k in chosen:
            jobs[pivot].append((d["id"], k))
    new = {}
    for pivot in sorted(jobs):
        lines = [structure[i][1][k[0]][k[1]][0] for i, k in jobs[pivot]]
        for (i, k), t in zip(jobs[pivot], round_trip(lines, pivot)):
            new[(i, k)] = clean(t)
    n = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for doc_id in sorted(structure):
            d, pars, chosen, pivot = structure[doc_id]
            pars = [list(p) for p in pars]
            for (i, j) in chosen:
                pars[i][j] = (new[(doc_id, (i, j))], pars[i][j][1])
            text = normalise_ws("\n".join(join_sentences(p) for p in pars))
            if text == d["text"]:
                continue
            n_sent = sum(len(p) for p in pars)
            pv = pivot.split(":")[0].split("-")[1]
            out.write(json.dumps({"id": f"{doc_id}~sparse-{pv}", "group": doc_id, "label": "garbled",
                                  "degradation": round(len(chosen) / n_sent, 4),
                                  "kind": f"roundtrip-sparse-{pv}", "source": d["source"], "text": text,
                                  "edit_share": word_edit_share(d["text"], text)}, ensure_ascii=False) + "\n")
            n += 1
    print(f"sparse_rt: {n} documents in {time.time() - t0:.0f}s -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

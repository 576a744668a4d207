#!/usr/bin/env python3
"""Assemble the training set: originals + round trips + simulated garblings -> train/valid/clusters.

- Originals become clean rows (kind "original"); every version of one original shares its group.
- About 100 originals (plan.cluster_ids) form story clusters: all their versions go to clusters*.jsonl
  with kind prefix "cluster-" and nowhere else.
- Split by group: valid when hash(id) % 5 == 0 (plan.split_of), for the main set and the clusters.

  build.py --originals O.jsonl --roundtrip R.jsonl --simulated S.jsonl [--rows X.jsonl]... --out DIR
"""
import argparse
import json
import os
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boilerplate  # noqa: E402
from plan import cluster_ids, shared_garble, split_of  # noqa: E402
from textutil import stable_hash  # noqa: E402

MAX_CLUSTER = 5

DEV_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "eval", "dev")


def load(path):
    if not path or not os.path.exists(path):
        print(f"build: {path} missing, skipped", file=sys.stderr)
        return []
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def dev_sentences(dev_dir):
    """Long sentences of the dev sets, to prove none of them leaked into training data."""
    out = set()
    if not os.path.isdir(dev_dir):
        return out
    for fn in os.listdir(dev_dir):
        if fn.endswith(".jsonl"):
            for r in load(os.path.join(dev_dir, fn)):
                for line in r.get("text", "").split("\n"):
                    line = line.strip()
                    if len(line) > 60:
                        out.add(line[:60])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--originals", required=True)
    ap.add_argument("--roundtrip")
    ap.add_argument("--simulated")
    ap.add_argument("--rows", action="append", default=[], help="more generated rows (JSONL), repeatable")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dev-dir", default=DEV_DIR)
    args = ap.parse_args()
    originals = load(args.originals)
    clusters = cluster_ids(originals)
    rows = []
    for d in originals:
        rows.append({"id": d["id"], "group": d["id"], "label": "clean", "degradation": 0.0, "kind": "original",
                     "source": d["source"], "text": d["text"], "edit_share": 0.0})
    for r in load(args.roundtrip):
        rows.append(r)
    rows += load(args.simulated)
    for extra in args.rows:
        rows += load(extra)
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        sys.exit("build: duplicate ids")

    # No corpus text may come from the dev sets. Generic comment-form strings (WordPress defaults, written
    # into boilerplate.py from scratch) also occur on dev pages; they are templates, not dev content.
    dev = dev_sentences(args.dev_dir)
    templates = {t[:60] for block in boilerplate.COMMENT_FORMS for t in block}
    leaks = [line for r in rows for line in r["text"].split("\n")
             if len(line) > 60 and line.strip()[:60] in dev and line.strip()[:60] not in templates]
    if leaks:
        sys.exit(f"build: {len(leaks)} lines of the dev sets found in the training data, e.g. {leaks[0]!r}")

    # clusters: the original, clean copies and at most MAX_CLUSTER garblings (plain ones preferred)
    garbled = defaultdict(list)
    for r in rows:
        if r["group"] in clusters and r["label"] == "garbled":
            garbled[r["group"]].append(r)
    drop = set()
    for g, rs in garbled.items():
        # A shared-garble cluster keeps its four plain round trips (two pivots, two fractions each).
        shared = shared_garble(g)
        rs.sort(key=lambda r: (not (shared and r["kind"].startswith("roundtrip") and "+" not in r["kind"]),
                               "+" in r["kind"] and r["kind"].startswith("roundtrip"), stable_hash(r["id"])))
        drop.update(r["id"] for r in rs[MAX_CLUSTER:])
    rows = [r for r in rows if r["id"] not in drop]

    out = defaultdict(list)
    for r in rows:
        split = split_of(r["group"])
        if r["group"] in clusters:
            r["kind"] = "cluster-" + r["kind"]
            out[f"clusters_{split}"].append(r)
        else:
            out[split].append(r)
    keys = ["id", "group", "label", "degradation", "kind", "source", "edit_share", "text"]
    os.makedirs(args.out, exist_ok=True)
    summary = {}
    for name in ["train", "valid", "clusters_train", "clusters_valid"]:
        rs = sorted(out[name], key=lambda r: (r["group"], r["degradation"], r["id"]))
        with open(os.path.join(args.out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for r in rs:
                f.write(json.dumps({k: r[k] for k in keys if k in r}, ensure_ascii=False) + "\n")
        kinds = Counter(r["kind"] for r in rs)
        summary[name] = {"documents": len(rs), "groups": len({r["group"] for r in rs}),
                         "clean": sum(r["label"] == "clean" for r in rs),
                         "garbled": sum(r["label"] == "garbled" for r in rs),
                         "kinds": dict(sorted(kinds.items()))}
    with open(os.path.join(args.out, "clusters.jsonl"), "w", encoding="utf-8") as f:
        for name in ["clusters_train", "clusters_valid"]:
            for l in open(os.path.join(args.out, f"{name}.jsonl"), encoding="utf-8"):
                f.write(l)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    for name, s in summary.items():
        print(f"{name}: {s['documents']} docs, {s['groups']} groups, {s['clean']} clean, {s['garbled']} garbled",
              file=sys.stderr)


if __name__ == "__main__":
    main()

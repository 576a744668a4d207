#!/usr/bin/env python3
"""Measurement only: how well a document-level SLOR under the CMU Sphinx US-English trigram LM
(BSD-2; Debian pocketsphinx-en-us, PyPI pocketsphinx) ranks the dev sets, next to spinscore.

    apt-get download pocketsphinx-en-us && dpkg-deb -x pocketsphinx-en-us_*.deb x
    python3 scripts/sphinx_lm_to_arpa.py x/usr/share/pocketsphinx/model/en-us/en-us.lm.bin en-us.arpa
    python3 scripts/cmu_lm_check.py en-us.arpa [--bigrams N --trigrams N]

Per document: the mean over known words of log10 P(w | two words before) - log10 P(w) (SLOR;
lower-cased letters-and-apostrophe words, sentences split at . ! ? and line breaks, context
reset at an unknown word). Prints AUC (garbled against every clean original) and pair accuracy
per kind of ../shared/eval/dev/roundtrip-bbc.jsonl, the cross-register AUC (the four spun seeds
against the 300 clean BBC originals, as scripts/cross_register.py) and the seeds' order.
--bigrams/--trigrams keep only the N n-grams of highest joint probability (backoffs unchanged:
a rough stand-in for proper pruning).
"""
import argparse
import bisect
import json
import re
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev"
TOK = re.compile(r"[a-z]+(?:'[a-z]+)?")


def load(path, k_bi, k_tri):
    u, b, t, sec = {}, {}, {}, 0
    for line in open(path, encoding="utf-8"):
        if line.startswith("\\"):
            sec = {"\\1-grams:\n": 1, "\\2-grams:\n": 2, "\\3-grams:\n": 3}.get(line, 0)
            continue
        if not sec or not line.strip():
            continue
        p = line.rstrip("\n").split("\t")
        lp, ws, bo = float(p[0]), p[1], float(p[2]) if len(p) > 2 else 0.0
        if sec == 1:
            u[ws] = (lp, bo)
        elif sec == 2:
            b[ws] = (lp, bo)
        else:
            t[ws] = lp
    if k_bi and k_bi < len(b):
        keep = sorted(b, key=lambda k: -(u[k.split(" ")[0]][0] + b[k][0]))[:k_bi]
        b = {k: b[k] for k in keep}
    if k_tri and k_tri < len(t):
        def joint(k):
            a, c, _ = k.split(" ")
            return u.get(a, (-99, 0))[0] + b.get(a + " " + c, (-5, 0))[0] + t[k]
        t = {k: t[k] for k in sorted(t, key=lambda k: -joint(k))[:k_tri]}
    return u, b, t


def slor(text, u, b, t):
    vals = []
    for s in re.split(r"(?<=[.!?])\s+|\n+", text):
        ws = TOK.findall(s.lower())
        h1, h2 = None, "<s>"
        for w in ws:
            if w not in u:
                h1, h2 = None, None
                continue
            lp, bo = None, 0.0
            if h1 is not None:
                lp = t.get(f"{h1} {h2} {w}")
                bo = b.get(f"{h1} {h2}", (0, 0))[1]
            if lp is None and h2 is not None:
                hit = b.get(f"{h2} {w}")
                lp = bo + hit[0] if hit else None
                bo += 0 if hit else u.get(h2, (0, 0))[1]
            if lp is None:
                lp = bo + u[w][0]
            vals.append(lp - u[w][0])
            h1, h2 = h2, w
    return sum(vals) / len(vals) if vals else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("arpa")
    ap.add_argument("--bigrams", type=int, default=0)
    ap.add_argument("--trigrams", type=int, default=0)
    a = ap.parse_args()
    u, b, t = load(a.arpa, a.bigrams, a.trigrams)
    print(f"model: {len(u)} unigrams, {len(b)} bigrams, {len(t)} trigrams")
    dev = [json.loads(line) for line in open(DEV / "roundtrip-bbc.jsonl")]
    sc = {d["id"]: -(slor(d["text"], u, b, t) or 0.0) for d in dev}  # higher = more degraded
    meta = {d["id"]: d for d in dev}
    clean = sorted(sc[d["id"]] for d in dev if d["label"] == "clean")

    def auc(xs):
        return sum(bisect.bisect_left(clean, x) + 0.5 * (bisect.bisect_right(clean, x) - bisect.bisect_left(clean, x))
                   for x in xs) / len(xs) / len(clean)

    for kind in sorted({d["kind"] for d in dev if d["label"] != "clean"}):
        ids = [d["id"] for d in dev if d["kind"] == kind]
        pairs = sum(sc[i] > sc[meta[i]["group"]] for i in ids) / len(ids)
        print(f"{kind:22s} AUC {auc([sc[i] for i in ids]):.3f}  pairs {pairs:.3f}")
    seeds = {json.loads(line)["id"][:3]: json.loads(line)["text"] for line in open(DEV / "seeds.jsonl")}
    ss = {k: -(slor(v, u, b, t) or 0.0) for k, v in seeds.items()}
    print(f"cross-register AUC {auc([v for k, v in ss.items() if k != '002']):.3f}; seeds least to most "
          f"degraded: {' '.join(sorted(ss, key=ss.get))}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The training set's simulated damage on other sites' articles: each original with one copy per kind.

For every original of ORIGINALS.jsonl (scripts/web_originals.py: article bodies of about 150 news
and blog sites, a register the training corpora lack), the original (clean) and five garbled
copies, all in the original's group, made by the same garblers as the training set
(scripts/gen/simulate.py) at fixed intensities:

  spin-sense-0.1   WordNet synonyms from the two most frequent senses, 10% of content words
  spin-blind-0.1   the same with senses drawn blindly over all senses
  entity           names respelled in some mentions, acronyms mangled, numbers changed, case breaks
  grammar-0.2      article/preposition/agreement errors, drops, duplications, word and clause swaps
                   in 20% of the sentences
  light            one to three sentences damaged heavily, the rest untouched

A copy the garbler left unchanged is not written. Deterministic (seeded by each original's id).
Needs Debian's wordnet-base package (/usr/share/wordnet), as scripts/build_training_set.sh does.

  make_web_damage.py ORIGINALS.jsonl OUT.jsonl
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))
import garblers as G  # noqa: E402
import simulate as S  # noqa: E402
from textutil import normalise_ws, rng_for  # noqa: E402
from wordnet import WordNet  # noqa: E402

# (kind, intensity): spinner rate, or share of sentences for grammar.
KINDS = [("spin-sense", 0.1), ("spin-blind", 0.1), ("entity", None), ("grammar", 0.2), ("light", None)]


def damaged(kind, level, text, rng, wn):
    """(kind name, garbled text, degradation) of one copy of `text`."""
    ctx = G.Ctx(wn, rng, text)
    if kind in ("entity", "light"):
        return S.garble(kind, text, rng, ctx)
    doc = S.Sents(text)
    orig = [list(p) for p in doc.pars]
    if kind == "grammar":
        S.do_grammar(doc, rng, ctx, level)
    else:
        S.do_spin(doc, rng, ctx, level, 0.85 if kind == "spin-blind" else 0.25)
    return f"{kind}-{level:g}", normalise_ws(doc.text()), doc.degradation(orig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("originals")
    ap.add_argument("output")
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    args = ap.parse_args()
    wn = WordNet(args.wordnet)
    n = 0
    with open(args.originals, encoding="utf-8") as f, open(args.output, "w", encoding="utf-8") as out:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                text, doc_id = d["text"], str(d["id"])
            except (ValueError, KeyError, TypeError) as e:
                sys.exit(f"{args.originals}:{line_no}: not a record with id and text: {e}")
            rows = [{"id": doc_id, "group": doc_id, "label": "clean", "degradation": 0.0, "kind": "original",
                     "text": text}]
            for kind, level in KINDS:
                name, garbled, deg = damaged(kind, level, text, rng_for("webdamage", doc_id, kind), wn)
                if deg <= 0 or garbled == text:
                    continue
                rows.append({"id": f"{doc_id}~{name}", "group": doc_id, "label": "garbled", "degradation": deg,
                             "kind": name, "text": garbled})
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                n += 1
    print(f"make_web_damage: {n} documents -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

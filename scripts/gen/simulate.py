#!/usr/bin/env python3
"""Simulated garblings of the originals, for what Apertium round trips miss (see README.md).

Kinds (level = main intensity parameter, in the kind name):
  spin-blind-R    WordNet synonym spinner, rate R of content words, sense drawn blindly over all senses/POS
  spin-sense-R    the same with synonyms from the two most frequent senses (more fluent, harder)
  entity          names respelled in some mentions, acronyms mangled, numbers/scales changed, case breaks
  grammar-F       share F of sentences with article/preposition/agreement errors, drops, duplications,
                  word swaps, clause swaps and "X said Y" reordering (paraphrase-like)
  light           only 1-3 sentences damaged (heavily): sparse damage as in real seeds
  mixed-R         spinner + entity + grammar at random intensities
  clean-format    clean: curly quotes / paragraphs re-split (must not count as garbling)
  +boilerplate    suffix: page boilerplate added (clean copies get kind boilerplate-clean)

degradation = mean over sentences of min(1, 2 * damage_units / words_in_sentence); a name, acronym or
number change counts 3 units, other word edits 1-2. Round trips use the share of paragraphs
(make_roundtrip.py), so a fully damaged sentence is about 1 on both scales.

  simulate.py ORIGINALS.jsonl OUT.jsonl
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boilerplate  # noqa: E402
import garblers as G  # noqa: E402
from plan import cluster_ids  # noqa: E402
from textutil import (detok, join_sentences, normalise_ws, rng_for, split_sentences, stable_hash,  # noqa: E402
                      tokenize, word_edit_share, words)
from wordnet import WordNet  # noqa: E402

MAIN_KINDS = ["spin-blind", "spin-sense", "entity", "grammar", "light", "mixed"]
RATES = [0.1, 0.2, 0.3, 0.5]
FRACS = [0.2, 0.5, 1.0]


class Sents:
    """A document as paragraphs of sentences of tokens, with per-sentence damage."""

    def __init__(self, text):
        self.pars = [split_sentences(p) for p in text.split("\n")]
        self.index = [(i, j) for i, p in enumerate(self.pars) for j in range(len(p))]
        self.units = {k: 0 for k in self.index}

    def apply(self, k, op, *a, **kw):
        i, j = k
        s, sep = self.pars[i][j]
        toks = tokenize(s)
        new, u = op(toks, *a, **kw)
        if u:
            self.pars[i][j] = (detok(new), sep)
            self.units[k] += u
        return u

    def text(self):
        return "\n".join(join_sentences(p) for p in self.pars)

    def degradation(self, orig_pars):
        sev = []
        for (i, j) in self.index:
            n = max(1, len(words(orig_pars[i][j][0])))
            sev.append(min(1.0, 2.0 * self.units[(i, j)] / n))
        return round(sum(sev) / max(1, len(sev)), 4)


def choose(doc, rng, frac):
    k = [x for x in doc.index if rng.random() < frac]
    return k or [rng.choice(doc.index)]


def setup_entities(ctx, rng, n_names=2):
    for nm in ctx.names[:6]:
        if len(ctx.name_variants) >= n_names:
            break
        if rng.random() < 0.7:
            ctx.name_variants[nm] = sorted({G.respell(nm, rng) for _ in range(rng.choice([1, 1, 2]))})
    for a in ctx.acronyms:
        if rng.random() < 0.7:
            ctx.acro_variants[a] = [G.mangle_acronym(a, rng)]


def do_spin(doc, rng, ctx, rate, blind, frac=1.0):
    for k in choose(doc, rng, frac):
        doc.apply(k, G.spin, rng, ctx, rate=rate, blind=blind)


def do_entity(doc, rng, ctx, p_mention=None):
    setup_entities(ctx, rng)
    pm = p_mention if p_mention is not None else rng.choice([0.4, 0.6, 0.9])
    for k in doc.index:
        doc.apply(k, G.entities, rng, ctx, p_mention=pm)
    extra = [G.numbers, G.case_break, G.name_as_word]
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(extra)
        ks = list(doc.index)
        rng.shuffle(ks)
        for k in ks[:6]:
            if doc.apply(k, op, rng, ctx):
                break
    if sum(doc.units.values()) == 0:
        for k in doc.index[:3]:
            doc.apply(k, G.case_break, rng, ctx)


def do_grammar(doc, rng, ctx, frac):
    for k in choose(doc, rng, frac):
        n = rng.choice([1, 1, 2, 3])
        for _ in range(n):
            op = rng.choice(G.ORDER_OPS) if rng.random() < 0.25 else rng.choice(G.GRAMMAR_OPS)
            doc.apply(k, op, rng, ctx)


def garble(kind, text, rng, ctx):
    """Return (kind_with_level, garbled_text, degradation)."""
    doc = Sents(text)
    orig = [list(p) for p in doc.pars]
    if kind in ("spin-blind", "spin-sense"):
        rate = rng.choice(RATES)
        do_spin(doc, rng, ctx, rate, 0.85 if kind == "spin-blind" else 0.25)
        name = f"{kind}-{rate:g}"
    elif kind == "entity":
        do_entity(doc, rng, ctx)
        name = "entity"
    elif kind == "grammar":
        frac = rng.choice(FRACS)
        do_grammar(doc, rng, ctx, frac)
        name = f"grammar-{frac:g}"
    elif kind == "light":
        ks = rng.sample(doc.index, min(len(doc.index), rng.randint(1, 3)))
        for k in ks:
            doc.apply(k, G.spin, rng, ctx, rate=rng.choice([0.4, 0.6]), blind=0.7)
            if rng.random() < 0.6:
                doc.apply(k, rng.choice(G.GRAMMAR_OPS), rng, ctx)
            if rng.random() < 0.3:
                doc.apply(k, rng.choice([G.case_break, G.numbers, G.name_as_word]), rng, ctx)
        name = "light"
    elif kind == "mixed":
        rate = rng.choice(RATES)
        do_spin(doc, rng, ctx, rate, rng.choice([0.3, 0.6, 0.9]), frac=rng.choice([0.5, 1.0]))
        if rng.random() < 0.7:
            do_entity(doc, rng, ctx)
        if rng.random() < 0.7:
            do_grammar(doc, rng, ctx, rng.choice(FRACS))
        name = f"mixed-{rate:g}"
    else:
        raise ValueError(kind)
    return name, normalise_ws(doc.text()), doc.degradation(orig)


def clean_format(text, rng):
    """A harmless re-formatting: curly quotes, paragraphs split or merged."""
    t = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text) if rng.random() < 0.6 else text
    t = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", t) if rng.random() < 0.6 else t
    pars = t.split("\n")
    if rng.random() < 0.5 and len(pars) > 1:
        i = rng.randrange(len(pars) - 1)
        pars[i:i + 2] = [pars[i] + " " + pars[i + 1]]
    else:
        i = rng.randrange(len(pars))
        ss = split_sentences(pars[i])
        if len(ss) > 1:
            c = rng.randint(1, len(ss) - 1)
            pars[i:i + 1] = [join_sentences(ss[:c]).strip(), join_sentences(ss[c:]).strip()]
    return "\n".join(pars)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("originals")
    ap.add_argument("output")
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--per-doc", type=int, default=4, help="simulated garblings per main original")
    ap.add_argument("--roundtrip", help="roundtrip.jsonl: spin/entity-damage some round trips further")
    ap.add_argument("--layered-share", type=float, default=0.15)
    args = ap.parse_args()
    t0 = time.time()
    wn = WordNet(args.wordnet)
    docs = [json.loads(l) for l in open(args.originals, encoding="utf-8") if l.strip()]
    clusters = cluster_ids(docs)
    heads = [d["text"].split("\n")[0] for d in docs]
    n = 0
    with open(args.output, "w", encoding="utf-8") as out:
        def emit(d, kind, text, deg, label):
            nonlocal n
            row = {"id": f"{d['id']}~{kind}", "group": d["id"], "label": label, "degradation": deg, "kind": kind,
                   "source": d["source"], "text": text, "edit_share": word_edit_share(d["text"], text)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1

        for d in docs:
            rng = rng_for("sim", d["id"])
            h = stable_hash("kinds/" + d["id"])
            in_cluster = d["id"] in clusters
            k = rng.randint(1, 3) if in_cluster else args.per_doc
            start = h % len(MAIN_KINDS)
            kinds = [MAIN_KINDS[(start + 2 * i + (i >= 3)) % len(MAIN_KINDS)] for i in range(k)]
            seen = set()
            for kind in kinds:
                krng = rng_for("sim", d["id"], kind)
                ctx = G.Ctx(wn, krng, d["text"])
                name, text, deg = garble(kind, d["text"], krng, ctx)
                if deg <= 0 or text == d["text"]:
                    continue
                while name in seen:
                    name += "b"
                seen.add(name)
                if krng.random() < 0.2:
                    text = boilerplate.add(text, krng, heads)
                    name += "+boilerplate"
                emit(d, name, text, deg, "garbled")
            crng = rng_for("clean", d["id"])
            if crng.random() < (0.4 if in_cluster else 0.3):
                emit(d, "boilerplate-clean", boilerplate.add(d["text"], crng, heads), 0.0, "clean")
            if crng.random() < 0.25:
                t = clean_format(d["text"], crng)
                if t != d["text"]:
                    emit(d, "clean-format", t, 0.0, "clean")
        # layered garbling: a spinner run over a round trip (chains of rewriters, as on real spam sites)
        if args.roundtrip and os.path.exists(args.roundtrip):
            by_id = {d["id"]: d for d in docs}
            for l in open(args.roundtrip, encoding="utf-8"):
                r = json.loads(l)
                if stable_hash("layer/" + r["id"]) % 1000 >= args.layered_share * 1000:
                    continue
                krng = rng_for("layer", r["id"])
                kind = krng.choice(["spin-sense", "spin-blind", "entity", "mixed"])
                ctx = G.Ctx(wn, krng, r["text"])
                name, text, deg = garble(kind, r["text"], krng, ctx)
                if deg <= 0:
                    continue
                d = by_id[r["group"]]
                emit(d, f"{r['kind']}+{re.sub(r'-[0-9.]+$', '', name)}", text,
                     round(r["degradation"] + deg, 4), "garbled")
    print(f"simulate: {n} documents in {time.time() - t0:.0f}s -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the substitution candidates of models/synonyms.bin as TSV: one word form a line, then
every single-word WordNet synonym of it (all senses, all parts of speech: the way article
spinners pick "synonyms", 'as' -> 'arsenic', 'good' -> 'bully').

Inflected forms get the synonyms inflected by the same regular rule (noun plural, verb -s, -ed,
-ing; irregular past forms from WordNet's verb.exc): 'moves' <-> 'proceeds', 'said' <-> 'stated'. Forms no clean text uses ('goed') are dropped later, when
`examples/build_synonyms.rs` keeps only words of the reference model's vocabulary.

  synonyms_tsv.py [WORDNET_DIR] > synonyms.tsv        (default /usr/share/wordnet, Debian wordnet-base)

Spelling variants are left out ("organised" / "organized", "defence" / "defense", "centre" /
"center"): WordNet lists them as synonyms, but a page that writes one for the other is written in
another variety of English, not spun. Without this, British news read as thesaurus swaps.

Deterministic: sorted output.
"""
import os
import re
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))
from wordnet import WordNet  # noqa: E402

WORD = re.compile(r"^[a-z]+(?:-[a-z]+)?$")
VOWELS = set("aeiou")
# British and American spellings of one word map to one key: digraphs ("aesthetic", "foetal"),
# -our ("colour"), doubled l ("travelled"), -mme ("programme"), -ogue ("catalogue"), -ence
# ("defence"), -ise/-yse ("organise", "analyse"), -re ("centre"), -t pasts ("burnt").
SPELLING = [(re.compile(a), b) for a, b in (
    (r"ae", "e"), (r"oe", "e"), (r"ou", "o"), (r"ll", "l"), (r"mme", "m"), (r"ogue", "og"),
    (r"ence", "ense"), (r"([iy])s([aeiu])", r"\1z\2"), (r"tre(s?)$", r"ter\1"), (r"tred$", "tered"),
    (r"tring$", "tering"), (r"([^e])t$", r"\1ed"))]


def spelling_key(w):
    """`w` with its British/American spelling differences written one way."""
    for pattern, repl in SPELLING:
        w = pattern.sub(repl, w)
    return w


def plural(w):
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
        return w[:-1] + "ies"
    return w + "s"


def verb_forms(w):
    """Regular -s, -ed and -ing forms, in that order."""
    s = plural(w)
    if w.endswith("e"):
        ed, ing = w + "d", w[:-1] + "ing"
    elif w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
        ed, ing = w[:-1] + "ied", w + "ing"
    else:
        ed, ing = w + "ed", w + "ing"
    return [s, ed, ing]


def main():
    wn = WordNet(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
    syn = defaultdict(set)
    # Irregular past forms by base ("said" -> "say"), from WordNet's verb exception list.
    irregular = defaultdict(set)
    for form, bases in wn.exc["v"].items():
        if WORD.match(form) and not form.endswith(("ing", "s")):
            for b in bases:
                irregular[b].add(form)

    def past(w):
        return {verb_forms(w)[1]} | irregular.get(w, set())

    def add(a, b):
        if a != b and WORD.match(a) and WORD.match(b) and spelling_key(a) != spelling_key(b):
            syn[a].add(b)

    for p in ("n", "v", "a", "r"):
        for lemma, offs in wn.index[p].items():
            base = lemma.lower()
            if not WORD.match(base):
                continue
            others = set()
            for off in offs:
                for s in wn.synsets[p].get(off, []):
                    s = s.lower()
                    if s != base and WORD.match(s):
                        others.add(s)
            for s in others:
                add(base, s)
                if p == "n":
                    add(plural(base), plural(s))
                elif p == "v":
                    for fa, fb in zip(verb_forms(base), verb_forms(s)):
                        add(fa, fb)
                    for fa in past(base):
                        for fb in past(s):
                            add(fa, fb)
    out = sys.stdout
    for w in sorted(syn):
        out.write(w + "\t" + "\t".join(sorted(syn[w])) + "\n")


if __name__ == "__main__":
    main()

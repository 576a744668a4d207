"""Minimal reader of Debian's WordNet 3.0 database files (/usr/share/wordnet, package wordnet-base).

Gives, for a surface word, its base forms (WordNet's morphy: exception lists + suffix rules) and
the synonym lists of every sense of every part of speech, in WordNet's sense order. No sense
disambiguation: that is the point, it is how article spinners pick "synonyms".
"""
import os

POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
RULES = {
    "n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
          ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}


class WordNet:
    def __init__(self, root="/usr/share/wordnet"):
        self.root = root
        self.index = {p: {} for p in POS}  # pos -> lemma -> [offsets]
        self.exc = {p: {} for p in POS}    # pos -> inflected -> [bases]
        self.synsets = {p: {} for p in POS}  # pos -> offset -> [lemmas]
        self.common = set()  # lemmas written in lower case somewhere (common words, not only names)
        for p, name in POS.items():
            with open(os.path.join(root, f"index.{name}"), encoding="latin-1") as f:
                for line in f:
                    if line.startswith(" "):
                        continue
                    parts = line.split()
                    lemma, n_syn, n_ptr = parts[0], int(parts[2]), int(parts[3])
                    offs = parts[4 + n_ptr + 2:]
                    self.index[p][lemma] = offs[:n_syn]
            with open(os.path.join(root, f"data.{name}"), encoding="latin-1") as f:
                for line in f:
                    if line.startswith(" "):
                        continue
                    parts = line.split()
                    off, w_cnt = parts[0], int(parts[3], 16)
                    lemmas = []
                    for i in range(w_cnt):
                        w = parts[4 + 2 * i]
                        if p == "a" and w.endswith(")"):  # adjective markers like (a), (p), (ip)
                            w = w[:w.rfind("(")]
                        lemmas.append(w)
                        if w[:1].islower():
                            self.common.add(w.lower())
                    self.synsets[p][off] = lemmas
            exc = os.path.join(root, f"{name}.exc")
            if os.path.exists(exc):
                with open(exc, encoding="latin-1") as f:
                    for line in f:
                        parts = line.split()
                        if len(parts) >= 2:
                            self.exc[p].setdefault(parts[0], []).extend(parts[1:])

    def morphy(self, word, p):
        """Base forms of word for part of speech p, with the suffix rule used (None for exceptions/base)."""
        w = word.lower()
        out = []
        if w in self.exc[p]:
            out += [(b, "exc") for b in self.exc[p][w] if b in self.index[p]]
        if w in self.index[p]:
            out.append((w, ""))
        for suf, rep in RULES[p]:
            if w.endswith(suf) and len(w) > len(suf) + 1:
                b = w[: -len(suf)] + rep
                if b in self.index[p]:
                    out.append((b, suf))
        seen, res = set(), []
        for b, s in out:
            if b not in seen:
                seen.add(b)
                res.append((b, s))
        return res

    def senses(self, word):
        """[(pos, base, suffix, sense_rank, [synonyms])] over all POS and senses, synonyms != base."""
        res = []
        for p in POS:
            for base, suf in self.morphy(word, p):
                for rank, off in enumerate(self.index[p].get(base, [])):
                    syn = [s for s in self.synsets[p].get(off, []) if s.lower() != base]
                    if syn:
                        res.append((p, base, suf, rank, syn))
        return res

"""Shared text helpers for the training-data generators: paragraphs, sentences, tokens.

Everything here is deterministic and dependency-free (standard library only).
"""
import hashlib
import random
import re

# Abbreviations after which a period does not end a sentence.
ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "rev", "hon", "no", "vs", "etc", "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mt", "ft", "fig", "ave", "u.s", "u.n", "a.m", "p.m", "e.g", "i.e", "dept",
}

_SENT_END = re.compile(r'[.!?]+["\')\]]*\s+(?=["\'(\[]?[A-Z0-9])')


def rng_for(*parts):
    """A random.Random seeded from any strings/numbers (stable across runs and Python versions)."""
    h = hashlib.sha256("/".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def stable_hash(s):
    return int.from_bytes(hashlib.sha256(s.encode("utf-8")).digest()[:8], "big")


def split_sentences(par):
    """Split a paragraph into a list of (sentence, separator) so ''.join(s + sep) == par."""
    out = []
    start = 0
    for m in _SENT_END.finditer(par):
        end_punct = m.start()
        # word before the period
        before = par[start:end_punct + 1]
        w = re.search(r"([A-Za-z.]+)\.$", before)
        if w and par[end_punct] == ".":
            word = w.group(1).lower().rstrip(".")
            if word in ABBREV or (len(word) == 1 and word.isalpha()):
                continue
        cut = m.end()
        sent = par[start:cut]
        stripped = sent.rstrip()
        out.append((stripped, sent[len(stripped):]))
        start = cut
    if start < len(par):
        sent = par[start:]
        stripped = sent.rstrip()
        out.append((stripped, sent[len(stripped):]))
    return out


def join_sentences(parts):
    return "".join(s + sep for s, sep in parts)


_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,:]\d+)*|\S")


def tokenize(sent):
    """Tokens as [text, whitespace_after] lists, so detok(tokens) == sent."""
    toks = []
    for m in _TOKEN.finditer(sent):
        toks.append([m.group(0), ""])
        # whitespace after is filled below
    pos = 0
    res = []
    for m in _TOKEN.finditer(sent):
        if res:
            res[-1][1] = sent[pos:m.start()]
        res.append([m.group(0), ""])
        pos = m.end()
    if res:
        res[-1][1] = sent[pos:]
    return res


def detok(tokens):
    return "".join(t + w for t, w in tokens)


def is_word(t):
    return t[:1].isalpha()


def words(text):
    return re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*", text)


def normalise_ws(text):
    """Collapse runs of spaces/tabs inside lines, strip lines, drop empty lines."""
    text = re.sub("[\u200b\u200c\u200d\ufeff]", "", text)
    lines = [re.sub(r"[ \t]+", " ", l).strip() for l in text.split("\n")]
    return "\n".join(l for l in lines if l)


def word_edit_share(a, b):
    """Share of the original's words that did not survive into the rewrite (difflib on word lists)."""
    import difflib
    wa, wb = words(a), words(b)
    if not wa:
        return 0.0
    sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    kept = sum(bl.size for bl in sm.get_matching_blocks())
    return round(1.0 - kept / len(wa), 4)

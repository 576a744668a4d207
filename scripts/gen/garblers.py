"""Sentence-level garbling operations that imitate article spinners, paraphrase tools and poor MT.

Each operation takes a token list (textutil.tokenize: [text, whitespace_after]), a random.Random,
and a document context (Ctx), and returns (new_tokens, damage_units): units count changed words,
with entity damage weighted higher because one wrong name or acronym is a severe error.
"""
import re

from textutil import detok, is_word, tokenize

STOP = set("""a an the and or but nor of to in on at for with by from into onto upon as than then so if
is are was were be been being am do does did have has had having i me my mine we us our you your he him his she
her it its they them their this that these those who whom whose which what when where why how not no there
here s t shall would should could might must""".split())
# words spinners do touch now and then although they are function-like ("as" -> "arsenic")
SOMETIMES = set("as will can may still even just well more most much so too very about over up out down off "
                "also only now back first new like make made get got take took go went come came give gave "
                "say said see saw know knew think thought".split())
PREPS = ["in", "on", "at", "to", "for", "of", "with", "by", "from", "into", "about"]
CAP_OK = set("I Mr Mrs Ms Dr January February March April May June July August September October November "
             "December Monday Tuesday Wednesday Thursday Friday Saturday Sunday God English American".split())
VOWELS = "aeiou"


def inflect(base, p, suf, surface, rng):
    """Re-inflect a synonym like a careless spinner: mostly right, sometimes base form left as is."""
    words = base.split("_")
    if rng.random() < 0.2 or not suf:
        return " ".join(words)
    kind = None
    s = surface.lower()
    if p == "n" and suf:
        kind = "pl"
    elif p == "v":
        if s.endswith("ing"):
            kind = "ing"
        elif s.endswith("s") and suf in ("s", "es", "ies"):
            kind = "3sg"
        else:
            kind = "past"
    elif p == "a" and suf:
        kind = "er" if s.endswith("er") else "est"
    i = len(words) - 1 if p == "n" or p == "a" else 0
    w = words[i]
    if kind == "pl" or kind == "3sg":
        if w.endswith(("s", "x", "z", "ch", "sh")):
            w += "es"
        elif w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
            w = w[:-1] + "ies"
        else:
            w += "s"
    elif kind == "past":
        w = w + "d" if w.endswith("e") else (w[:-1] + "ied" if w.endswith("y") and w[-2:-1] not in VOWELS
                                             else w + "ed")
    elif kind == "ing":
        w = (w[:-1] if w.endswith("e") and not w.endswith("ee") else w) + "ing"
    elif kind == "er":
        w = w + "r" if w.endswith("e") else w + "er"
    elif kind == "est":
        w = w + "st" if w.endswith("e") else w + "est"
    words[i] = w
    return " ".join(words)


def match_case(new, old):
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


class Ctx:
    """Per-document state: WordNet, the names and acronyms chosen for mangling and their variants."""

    def __init__(self, wn, rng, text):
        self.wn = wn
        self.rng = rng
        self.name_variants = {}
        self.acro_variants = {}
        self.names = [n for n in candidate_names(text) if n.lower() not in wn.common]
        self.acronyms = sorted(set(re.findall(r"\b(?:[A-Z]\.){2,}|\b[A-Z]{2,5}\b", text)) - {"I", "A", "OK", "TV"})


def candidate_names(text):
    """Capitalised words not at a sentence start, seen in the document, that look like names."""
    counts = {}
    for par in text.split("\n"):
        toks = re.findall(r"(?<=[a-z,;] )([A-Z][a-z]{3,})\b", par)
        for t in toks:
            if t not in CAP_OK:
                counts[t] = counts.get(t, 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], t))


# ---------------------------------------------------------------- synonym spinner
def spin(tokens, rng, ctx, rate=0.3, blind=0.6):
    """Replace about `rate` of content words with a WordNet synonym of a sense picked without context.

    blind: probability of drawing uniformly over every sense and part of speech (the "as" -> "arsenic"
    mistakes); otherwise the synonym comes from the word's two most frequent senses.
    """
    out = [list(t) for t in tokens]
    units = 0
    # two-word collocations first ("take part" -> "participate"), as phrase spinners do
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        if is_word(a[0]) and is_word(b[0]) and a[1] == " " and not (i > 0 and b[0][:1].isupper()):
            phrase = f"{a[0].lower()}_{b[0].lower()}"
            senses = ctx.wn.senses(phrase) if phrase.count("_") == 1 else []
            if senses and rng.random() < min(1.0, 2 * rate):
                p, base, suf, r, syn = rng.choice(senses)
                new = rng.choice(syn).replace("_", " ")
                out[i:i + 2] = [[match_case(new, a[0]), b[1]]]
                units += 2
        i += 1
    for i, (t, ws) in enumerate(out):
        if not is_word(t) or len(t) < 2 or " " in t:
            continue
        low = t.lower()
        if low in STOP:
            continue
        if t[:1].isupper() and i > 0 and not out[i - 1][0] in ('"', "'", "(") and t not in ("I",):
            continue  # names mid-sentence: spinners mostly leave them (see entity ops)
        if low in SOMETIMES and rng.random() > 0.35:
            continue
        if rng.random() > rate:
            continue
        senses = ctx.wn.senses(low)
        if not senses:
            continue
        if rng.random() < blind:
            pool = [(p, b, suf, s) for p, b, suf, r, syn in senses for s in syn]
        else:
            top = sorted(senses, key=lambda x: x[3])[:2]
            pool = [(p, b, suf, s) for p, b, suf, r, syn in top for s in syn]
        if t[:1].islower() and rng.random() < 0.8:  # thesauri rarely offer names for common words
            pool = [x for x in pool if not x[3][:1].isupper()] or pool
        p, b, suf, syn = rng.choice(pool)
        new = inflect(syn, p, suf, t, rng)
        if new.lower() == low:
            continue
        out[i][0] = match_case(new, t)
        units += 1
    return out, units


# ---------------------------------------------------------------- entities
LOOKALIKE = {"S": "8", "O": "0", "I": "1", "B": "8", "E": "3", "A": "4", "G": "6", "Z": "2", "T": "7"}


def mangle_acronym(a, rng):
    letters = [c for c in a if c.isalpha()]
    dotted = "." in a
    r = rng.random()
    if r < 0.45:  # one letter replaced: U.S. -> A.S. / M.S.
        j = rng.randrange(len(letters))
        c = rng.choice([x for x in "ABCDEFGHIJKLMNOPRSTUVW" if x != letters[j]])
        letters[j] = c
        return ".".join(letters) + "." if dotted else "".join(letters)
    if r < 0.7:  # look-alike digit, dots lost: U.S. -> U8
        j = max(range(len(letters)), key=lambda k: letters[k] in LOOKALIKE)
        if letters[j] in LOOKALIKE:
            letters[j] = LOOKALIKE[letters[j]]
        return "".join(letters)
    if r < 0.85:  # lower-cased as a word: U.S. -> us, NATO -> nato
        return "".join(letters).lower() if not dotted else ".".join(letters).lower() + "."
    return "".join(reversed(letters)) if not dotted else ".".join(letters[::-1]) + "."


def respell(name, rng):
    """A plausible misspelling of a name: Pifer -> Piffer / Peifer / Pipher."""
    w = name
    for _ in range(10):
        r = rng.random()
        i = rng.randrange(1, len(w))
        if r < 0.25 and w[i] not in VOWELS and w[i].isalpha():  # double a consonant
            cand = w[:i] + w[i] + w[i:]
        elif r < 0.45 and w[i] in VOWELS:  # vowel change / insertion
            cand = w[:i] + rng.choice(["e" + w[i], w[i] + "i", rng.choice(VOWELS)]) + w[i + 1:]
        elif r < 0.55 and "f" in w[1:]:
            cand = w[:1] + w[1:].replace("f", "ph", 1)
        elif r < 0.6 and "ph" in w:
            cand = w.replace("ph", "f", 1)
        elif r < 0.7 and ("k" in w[1:] or "c" in w[1:]):
            cand = w[:1] + (w[1:].replace("c", "k", 1) if "c" in w[1:] else w[1:].replace("k", "c", 1))
        elif r < 0.8 and len(w) > 4:  # drop a letter
            cand = w[:i] + w[i + 1:]
        elif r < 0.9 and i < len(w) - 1:  # swap two letters
            cand = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif w[i] in "iy":
            cand = w[:i] + ("y" if w[i] == "i" else "i") + w[i + 1:]
        else:
            continue
        if cand != name and cand[:1].isupper():
            return cand
    return name + "e"


def entities(tokens, rng, ctx, p_mention=0.6):
    """Mangle the document's chosen names and acronyms in some of their mentions (consistently per doc)."""
    out = [list(t) for t in tokens]
    units = 0
    for i, (t, ws) in enumerate(out):
        if t in ctx.name_variants and rng.random() < p_mention:
            out[i][0] = rng.choice(ctx.name_variants[t])
            units += 3
    # acronyms span several tokens (U . S .): work on the text
    s = detok(out)
    for a, variants in ctx.acro_variants.items():
        def sub(m):
            nonlocal units
            if rng.random() < p_mention:
                units += 3
                return rng.choice(variants)
            return m.group(0)
        s = re.sub(r"(?<![\w.])" + re.escape(a) + r"(?![\w])", sub, s)
    return tokenize(s), units


SCALES = ["thousand", "million", "billion", "trillion"]


def numbers(tokens, rng, ctx):
    """Change a number's scale, currency wording or digits: $1.13bn -> 1.13 trillion dollars."""
    s = detok(tokens)
    units = 0
    m_all = list(re.finditer(r"(\$ ?)?(\d+(?:[.,]\d+)*)( ?(?:thousand|million|billion|trillion|bn|m)\b)?( ?(?:%|per ?cent|percent))?", s))
    if not m_all:
        return tokens, 0
    m = rng.choice(m_all)
    cur, num, scale, pct = m.group(1), m.group(2), (m.group(3) or "").strip(), m.group(4)
    r = rng.random()
    if scale or cur:
        sc = {"bn": "billion", "m": "million"}.get(scale, scale)
        if r < 0.6:
            others = [x for x in SCALES if x != sc]
            sc = rng.choice(others)
        new = f"{num} {sc} dollars" if cur else f"{num} {sc}"
        new = re.sub(" +", " ", new)
    elif pct:
        new = f"{num} " + rng.choice(["percentage", "p.c.", "proportion", "pct"])
    else:
        digits = list(num)
        idx = [k for k, c in enumerate(digits) if c.isdigit()]
        if len(idx) >= 2 and r < 0.5:
            a, b = rng.sample(idx, 2)
            digits[a], digits[b] = digits[b], digits[a]
        else:
            k = rng.choice(idx)
            digits[k] = str((int(digits[k]) + rng.randint(1, 9)) % 10)
        new = "".join(digits)
    if new == m.group(0):
        return tokens, 0
    units += 3
    s = s[:m.start()] + new + s[m.end():]
    return tokenize(s), units


def case_break(tokens, rng, ctx):
    """Capitalise a common word mid-sentence (Current Piffer) or lower-case a name."""
    out = [list(t) for t in tokens]
    idx = [i for i, (t, _) in enumerate(out) if i > 0 and is_word(t) and t.islower() and t not in STOP and len(t) > 3]
    names = [i for i, (t, _) in enumerate(out) if i > 0 and is_word(t) and t[:1].isupper() and t[1:].islower()]
    if names and (rng.random() < 0.3 or not idx):
        i = rng.choice(names)
        out[i][0] = out[i][0].lower()
        return out, 2
    if not idx:
        return out, 0
    i = rng.choice(idx)
    out[i][0] = out[i][0][:1].upper() + out[i][0][1:]
    return out, 2


def name_as_word(tokens, rng, ctx):
    """Spin a name that is also a common word: Bush -> Shrub, White House -> White Home."""
    out = [list(t) for t in tokens]
    idx = [i for i, (t, _) in enumerate(out) if i > 0 and is_word(t) and t[:1].isupper() and t[1:].islower()
           and t.lower() not in STOP and ctx.wn.senses(t.lower())]
    if not idx:
        return out, 0
    i = rng.choice(idx)
    senses = ctx.wn.senses(out[i][0].lower())
    p, b, suf, r, syn = rng.choice(senses)
    new = rng.choice(syn).replace("_", " ")
    out[i][0] = new[:1].upper() + new[1:]
    return out, 3


# ---------------------------------------------------------------- grammar and order
def article_error(tokens, rng, ctx):
    out = [list(t) for t in tokens]
    arts = [i for i, (t, _) in enumerate(out) if t.lower() in ("a", "an", "the") and i + 1 < len(out)]
    r = rng.random()
    if arts and r < 0.5:
        i = rng.choice(arts)
        low = out[i][0].lower()
        nxt = out[i + 1][0].lower()
        if low == "the":
            new = "an" if nxt[:1] not in VOWELS else "a"
        elif low == "a":
            new = rng.choice(["an", "the", ""]) if nxt[:1] in VOWELS else rng.choice(["an", "the"])
        else:
            new = "a"
        if new == "":
            del out[i]
        else:
            out[i][0] = match_case(new, out[i][0])
        return out, 1
    if arts and r < 0.7:
        i = rng.choice(arts)
        if i > 0 or len(out) > 2:
            if i == 0:
                out[1][0] = out[1][0][:1].upper() + out[1][0][1:]
            del out[i]
            return out, 1
    cand = [i for i, (t, _) in enumerate(out) if i > 0 and is_word(t) and t.lower() not in STOP
            and out[i - 1][0].lower() not in ("a", "an", "the") and out[i - 1][0] not in (",", '"')]
    if cand:
        i = rng.choice(cand)
        out.insert(i, [rng.choice(["the", "the", "a"]), " "])
        return out, 1
    return out, 0


def preposition_swap(tokens, rng, ctx):
    out = [list(t) for t in tokens]
    idx = [i for i, (t, _) in enumerate(out) if t.lower() in PREPS]
    if not idx:
        return out, 0
    i = rng.choice(idx)
    out[i][0] = match_case(rng.choice([p for p in PREPS if p != out[i][0].lower()]), out[i][0])
    return out, 1


AGREE = {"was": "were", "were": "was", "is": "are", "are": "is", "has": "have", "have": "has", "does": "do",
         "do": "does"}


def agreement(tokens, rng, ctx):
    out = [list(t) for t in tokens]
    idx = [i for i, (t, _) in enumerate(out) if t.lower() in AGREE]
    if not idx:
        return out, 0
    i = rng.choice(idx)
    out[i][0] = match_case(AGREE[out[i][0].lower()], out[i][0])
    return out, 1


def drop_dup(tokens, rng, ctx):
    """Drop a word, duplicate one, or repeat a nearby name in another's place (Biden moves Putin to Putin)."""
    out = [list(t) for t in tokens]
    wi = [i for i, (t, _) in enumerate(out) if is_word(t)]
    if len(wi) < 5:
        return out, 0
    r = rng.random()
    if r < 0.35:
        i = rng.choice(wi[1:])
        del out[i]
        return out, 1
    if r < 0.6:
        i = rng.choice(wi)
        out.insert(i + 1, [out[i][0], out[i][1] or " "])
        out[i][1] = " "
        return out, 1
    content = [i for i in wi if out[i][0].lower() not in STOP and len(out[i][0]) > 3]
    if len(content) >= 2:
        a, b = sorted(rng.sample(content, 2))
        if rng.random() < 0.5:
            out[b][0] = out[a][0] if not (b > 0 and out[a][0][:1].isupper() and a == 0) else out[a][0].lower()
        else:
            out[a][0] = match_case(out[b][0].lower() if not out[b][0][1:2].isupper() else out[b][0], out[a][0])
        return out, 2
    return out, 0


def adjacent_swap(tokens, rng, ctx):
    out = [list(t) for t in tokens]
    pairs = [i for i in range(1, len(out) - 1) if is_word(out[i][0]) and is_word(out[i + 1][0])
             and out[i][1] == " "]
    if not pairs:
        return out, 0
    i = rng.choice(pairs)
    out[i][0], out[i + 1][0] = out[i + 1][0], out[i][0]
    return out, 2


def clause_swap(tokens, rng, ctx):
    """Swap two clauses around a conjunction or comma: 'A, but B.' -> 'But B, A.'"""
    s = detok(tokens)
    m = re.match(r'^(.{15,}?), (but|and|because|while|although|when|since|so|as) (.{10,}?)([.!?]"?)$', s)
    if not m:
        m2 = re.match(r"^(.{12,}?), (.{12,}?)([.!?])$", s)
        if not m2:
            return tokens, 0
        a, b, end = m2.group(1), m2.group(2), m2.group(3)
        a = a[:1].lower() + a[1:] if not re.match(r"^(I|[A-Z][a-z]*[A-Z]|[A-Z]{2})", a) and a[1:2].islower() else a
        return tokenize(b[:1].upper() + b[1:] + ", " + a + end), max(2, len(s.split()) // 4)
    a, conj, b, end = m.groups()
    a = a[:1].lower() + a[1:] if a[1:2].islower() and not a.startswith("I ") else a
    return tokenize(conj.capitalize() + " " + b + ", " + a + end), max(2, len(s.split()) // 4)


def said_swap(tokens, rng, ctx):
    """'X said Y' <-> 'Y, said X' / 'said X that Y' (speech reporting reordered like a paraphraser)."""
    s = detok(tokens)
    m = re.match(r"^(.{3,40}?) (said|says|told reporters|added|stated) (that )?(.{10,}?)([.!?])$", s)
    if not m:
        m = re.match(r'^"(.{10,}?),?" (.{3,40}?) (said|says|added)\.$', s)
        if not m:
            return tokens, 0
        quote, who, verb = m.groups()
        return tokenize(f"{who[:1].upper() + who[1:]} {verb} that {quote[:1].lower() + quote[1:]}."), 2
    who, verb, _, what, end = m.groups()
    if rng.random() < 0.5:
        new = f"{what[:1].upper() + what[1:]}, {verb} {who[:1].lower() + who[1:] if who[1:2].islower() else who}{end}"
    else:
        new = f"{verb.capitalize()} {who[:1].lower() + who[1:] if who[1:2].islower() else who} that {what}{end}"
    return tokenize(new), 2


GRAMMAR_OPS = [article_error, preposition_swap, agreement, drop_dup, adjacent_swap]
ORDER_OPS = [clause_swap, said_swap]

#!/usr/bin/env python3
"""Input-form check (measurement only): clean documents written the ways scrapers and exports
write text, each scored alone against the same documents as plain text. A form that changes
nothing a reader sees should change no score.

    python3 scripts/input_variants.py [--bin target/release/spinscore] [--weights W.json]
                                      [--docs ../shared/eval/dev/bbc-originals.jsonl] [--n 150]

Forms: Windows line ends; lone carriage returns; U+2028 line separators; no-break spaces; HTML character references for apostrophes and
quotes; everything HTML-escaped; a zero-width space after sentence ends; soft hyphens inside
long words; lines hard-wrapped at 72 columns, or at 72 bytes (`fold -s`); tabs and doubled spaces; every line but the first
indented by four spaces (text from pretty-printed HTML, trimmed as a whole); "fi"/"fl" as ligatures;
Markdown (a "#" headline, links on phrases, bold names, an image line); Markdown with reference-style
links and their definitions, code spans, a table and a fenced code block; paragraphs as list
items ("- ", "* ", "1. "); inline HTML tags
(bold, emphasis, span, link) left in the text; scripts, video iframes, style blocks and HTML
comments (WordPress block markers, ad slots) between paragraphs; UTF-8 read as
Windows-1252 (mojibake: "’" as "â€™"); the page as HTML inside the text field; typographic
quotes; references escaped twice ("&amp;#8217;"); the text as a JSON string body (its line
breaks, quotes and non-ASCII characters as escapes: "\\n", "\\u2019"); the paragraphs on one
line; each sentence on its own line; " - " written as an em dash (and "..." as an ellipsis) or as an en dash; "--",
"-" and "..." for dashes and ellipses; a bare URL after some paragraphs. Prints per form the mean, median and largest score shift and how many documents
score exactly as the plain text. Deterministic (fixed seeds).
"""
import argparse
import html
import json
import random
import re
import statistics
import subprocess
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fold(p, width):
    """A greedy wrap at `width` UTF-8 bytes, as `fold -s` makes it."""
    lines, line = [], ""
    for w in p.split(" "):
        if line and len((line + " " + w).encode()) > width:
            lines.append(line)
            line = w
        else:
            line = line + " " + w if line else w
    return "\n".join(lines + [line])


def forms():
    """(name, function of (text, rng)) for every form."""

    def markdown(t, rng):
        ps = [p for p in t.split("\n") if p.strip()]
        out = ["# " + ps[0]]
        for p in ps[1:]:
            ws = p.split(" ")
            if rng.random() < 0.3 and len(ws) > 6:
                i, k = rng.randrange(0, len(ws) - 4), rng.randint(2, 4)
                ws[i] = "[" + ws[i]
                ws[i + k - 1] += f"](https://www.example.com/news/story-{rng.randrange(10**6)})"
                p = " ".join(ws)
            if rng.random() < 0.2:
                p = re.sub(r"\b([A-Z][a-z]+ [A-Z][a-z]+)\b", r"**\1**", p, count=1)
            out.append(p)
        if rng.random() < 0.5:
            out.insert(2, f"![A photo of the scene](https://www.example.com/img/{rng.randrange(10**6)}.jpg)")
        return "\n\n".join(out)

    def markdown_refs(t, rng):
        # Reference-style links with their definitions at the end, code spans, a table and a
        # fenced code block: how some scrapers and note-taking exports write a page.
        ps = [p for p in t.split("\n") if p.strip()]
        out, defs = [ps[0]], []
        for p in ps[1:]:
            ws = p.split(" ")
            if rng.random() < 0.3 and len(ws) > 6:
                i, k = rng.randrange(0, len(ws) - 4), rng.randint(2, 4)
                n = len(defs) + 1
                ws[i] = "[" + ws[i]
                ws[i + k - 1] += f"][{n}]"
                defs.append(f"[{n}]: https://www.example.com/news/story-{rng.randrange(10**6)}")
            if rng.random() < 0.2:
                j = rng.randrange(len(ws))
                if re.fullmatch(r"[A-Za-z]+", ws[j]):
                    ws[j] = f"`{ws[j]}`"
            out.append(" ".join(ws))
        if rng.random() < 0.5:
            out.insert(2, "| Team | Played | Points |\n|---|---|---|\n| Chelsea | 20 | 48 |\n| Arsenal | 20 | 43 |")
        if rng.random() < 0.5:
            out.insert(1, "```python\nimport requests\nrows = requests.get(url, timeout=10).json()\n```")
        return "\n\n".join(out + defs)

    def inline_tags(t, rng):
        # A text field that kept some of its page's tags: bold or linked phrases, a span.
        out = []
        for p in t.split("\n"):
            ws = p.split(" ")
            if len(ws) > 6 and rng.random() < 0.3:
                i = rng.randrange(len(ws) - 2)
                tag = rng.choice(["<strong>", "<em>", '<span class="hl">',
                                  f'<a href="https://www.example.com/{rng.randrange(10**6)}" rel="noopener">'])
                close = "</" + tag[1:].split(" ")[0].rstrip(">") + ">"
                ws[i] = tag + ws[i]
                ws[i + 1] += close
            out.append(" ".join(ws))
        return "\n".join(out)

    def embeds(t, rng):
        # What a CMS export leaves between paragraphs and a reader never sees: an embedded
        # tweet's or an ad's script, a video iframe, WordPress block comments, a style block.
        snippets = [
            '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>',
            '<iframe width="560" height="315" src="https://www.youtube.com/embed/{n}" frameborder="0" '
            'allow="accelerometer; autoplay; encrypted-media" allowfullscreen></iframe>',
            '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-{n}" data-ad-slot="{n}">'
            '</ins><script>(adsbygoogle = window.adsbygoogle || []).push({{}});</script>',
            '<style>.article-body p {{ margin: 0 0 1em; }}</style>',
            '<!-- Advertisement slot {n}: do not remove -->',
        ]
        out = []
        for p in t.split("\n"):
            if p.strip() and rng.random() < 0.3:
                p = f"<!-- wp:paragraph -->{p}<!-- /wp:paragraph -->"
            out.append(p)
            if p.strip() and rng.random() < 0.25:
                out.append(rng.choice(snippets).format(n=rng.randrange(10**6)))
        return "\n".join(out)

    def curly(t, rng):
        # Typographic quotes as a CMS writes them: apostrophes as U+2019, double quotes paired.
        t = re.sub(r"(?<=\w)'|'(?=\w)", "\u2019", t)
        parts = t.split('"')
        return "".join(p + ("\u201c" if i % 2 == 0 else "\u201d") for i, p in enumerate(parts[:-1])) + parts[-1]

    def page(t, rng):
        ps = "".join(f"<p>{html.escape(p)}</p>" for p in t.split("\n") if p.strip())
        return ("<!DOCTYPE html><html><head><title>News</title></head><body><nav><a href='/'>Home</a> "
                f"<a href='/world'>World</a></nav><article>{ps}</article><footer>Copyright</footer></body></html>")

    return [
        ("crlf", lambda t, rng: t.replace("\n", "\r\n")),
        ("cr-only", lambda t, rng: t.replace("\n", "\r")),
        ("u2028", lambda t, rng: t.replace("\n", "\u2028")),
        ("nbsp", lambda t, rng: "".join("\u00a0" if c == " " and rng.random() < 0.1 else c for c in t)),
        ("char-refs", lambda t, rng: t.replace("'", "&#8217;").replace('"', "&quot;")),
        ("html-escaped", lambda t, rng: html.escape(t, quote=True)),
        ("zero-width", lambda t, rng: t.replace(". ", ".\u200b ")),
        ("soft-hyphens", lambda t, rng: re.sub(
            r"([a-z]{4})([a-z]{4,})", lambda m: m.group(1) + "\u00ad" + m.group(2) if rng.random() < 0.1
            else m.group(0), t)),
        ("wrapped-72", lambda t, rng: "\n\n".join("\n".join(textwrap.wrap(p, 72)) for p in t.split("\n")
                                                   if p.strip())),
        ("folded-72", lambda t, rng: "\n\n".join(fold(p, 72) for p in t.split("\n") if p.strip())),
        ("tabs-spaces", lambda t, rng: t.replace(" ", "  ").replace("\n", "\n\t")),
        ("indented", lambda t, rng: t.replace("\n", "\n    ")),
        ("ligatures", lambda t, rng: t.replace("fi", "\ufb01").replace("fl", "\ufb02")),
        ("markdown", markdown),
        ("markdown-refs", markdown_refs),
        ("markdown-lists", lambda t, rng: "\n".join(
            (rng.choice(["- ", "* ", "1. "]) + p if p.strip() and rng.random() < 0.3 else p) for p in t.split("\n"))),
        ("inline-tags", inline_tags),
        ("embeds", embeds),
        ("mojibake", lambda t, rng: "".join(
            ch.encode("utf-8").decode("cp1252", errors="strict") if all(b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                                                                       for b in ch.encode("utf-8"))
            else ch.encode("utf-8").decode("latin-1") for ch in t)),
        ("html-in-text", page),
        ("curly-quotes", curly),
        ("double-escaped", lambda t, rng: t.replace("'", "&amp;#8217;").replace('"', "&amp;quot;")),
        ("json-escaped", lambda t, rng: json.dumps(t)[1:-1]),
        ("one-line", lambda t, rng: " ".join(p.strip() for p in t.split("\n") if p.strip())),
        ("sentence-lines", lambda t, rng: re.sub(r"([.!?]) (?=[A-Z])", "\\1\n", t)),
        ("em-dashes", lambda t, rng: t.replace(" - ", " \u2014 ").replace("...", "\u2026")),
        ("en-dashes", lambda t, rng: t.replace(" - ", " \u2013 ")),
        ("ascii-punct", lambda t, rng: t.replace("\u2014", "--").replace("\u2013", "-").replace("\u2026", "...")),
        ("bare-urls", lambda t, rng: "\n".join(
            p + (f" (https://www.example.com/news/{rng.randrange(10**6)})" if p.strip() and rng.random() < 0.3 else "")
            for p in t.split("\n"))),
    ]


def score(binary, weights, rows):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
        path = f.name
    cmd = [binary, "score", "--quiet", "--no-clusters", "-f", "jsonl", path]
    if weights:
        cmd += ["--weights", weights]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    Path(path).unlink()
    return {r["id"]: r["score"] for r in map(json.loads, out.splitlines())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "spinscore"))
    ap.add_argument("--weights")
    ap.add_argument("--docs", default=str(ROOT.parent / "shared" / "eval" / "dev" / "bbc-originals.jsonl"))
    ap.add_argument("--n", type=int, default=150)
    a = ap.parse_args()
    docs = [json.loads(line) for line in open(a.docs, encoding="utf-8")][: a.n]
    base = score(a.bin, a.weights, [{"id": d["id"], "text": d["text"]} for d in docs])
    print(f"{'form':14s} {'mean':>7s} {'median':>7s} {'max':>7s} {'min':>7s}  same")
    for name, f in forms():
        rng = random.Random(name)
        got = score(a.bin, a.weights, [{"id": d["id"], "text": f(d["text"], rng)} for d in docs])
        shift = [got[i] - base[i] for i in base if got.get(i) is not None and base[i] is not None]
        same = sum(abs(x) < 1e-9 for x in shift)
        print(f"{name:14s} {statistics.mean(shift):+7.2f} {statistics.median(shift):+7.2f} "
              f"{max(shift):+7.2f} {min(shift):+7.2f}  {same}/{len(base)}")


if __name__ == "__main__":
    main()

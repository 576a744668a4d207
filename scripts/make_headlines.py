#!/usr/bin/env python3
"""Headline checks for the other-site originals (measurement only).

  make_headlines.py titled WEB_ORIG.jsonl OUT.jsonl
      each original of scripts/web_originals.py with its page's headline as a first line (the
      og:title, or else <title>, of its page in ../shared/eval/boilerplate/html, without a
      " - Site" suffix; 3 to 16 words), a blank line, then the body, as the BBC dev articles are
      laid out; originals whose page has no such title are left out.
  make_headlines.py only ROUNDTRIPS.jsonl OUT.jsonl
      from make_roundtrip.py output of those titled originals at fraction 1: per group the
      original, the full round trips, and per pivot a copy of the original whose headline alone
      is the round trip's headline (kind title-only-PIVOT): the versions a 25% round trip makes
      when the paragraph it picks is the headline, each beside the full round trip sharing it.
"""
import argparse
import glob
import gzip
import html
import json
import os
import re

HTML = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "eval", "boilerplate", "html")


def page_title(path):
    page = gzip.open(path, "rt", encoding="utf-8", errors="replace").read()
    m = re.search(r'og:title"\s+content="([^"]*)"', page) or re.search(r"<title>([^<]*)</title>", page)
    if not m:
        return None
    title = html.unescape(m.group(1)).strip()
    # "Headline - Site" / "Headline | Site": the site's name is not part of the headline.
    title = re.split(r"\s+[|\-\u2013\u2014]\s+[^|\-\u2013\u2014]*$", title)[0].strip()
    return title if 3 <= len(title.split()) <= 16 else None


def titled(args):
    pages = {os.path.basename(p)[:12]: p for p in glob.glob(os.path.join(args.html, "*.html.gz"))}
    n = 0
    with open(args.input, encoding="utf-8") as f, open(args.output, "w", encoding="utf-8") as out:
        for line in f:
            r = json.loads(line)
            page = pages.get(r["id"])
            title = page and page_title(page)
            if title:
                out.write(json.dumps({"id": r["id"], "text": title + "\n\n" + r["text"]}) + "\n")
                n += 1
    print(f"{n} titled originals", flush=True)


def only(args):
    groups = {}
    with open(args.input, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            groups.setdefault(r["group"], []).append(r)
    n = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for rows in groups.values():
            orig = next((r for r in rows if r["label"] == "clean"), None)
            if orig is None:
                continue
            head, body = orig["text"].split("\n", 1)
            keep = [orig]
            for full in rows:
                if full["label"] != "garbled" or not full["kind"].endswith("-1"):
                    continue
                garbled_head = full["text"].split("\n", 1)[0]
                if garbled_head.strip() == head.strip():
                    continue
                pivot = full["kind"].split("-")[-2]
                keep.append(dict(orig, id=f"{orig['id']}~title-{pivot}", label="garbled", degradation=0.1,
                                 kind=f"title-only-{pivot}", text=garbled_head + "\n" + body))
                keep.append(full)
            if len(keep) > 1:
                n += 1
                for r in keep:
                    out.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{n} groups", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["titled", "only"])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--html", default=HTML)
    args = ap.parse_args()
    (titled if args.mode == "titled" else only)(args)


if __name__ == "__main__":
    main()

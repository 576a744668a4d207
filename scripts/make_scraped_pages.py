#!/usr/bin/env python3
"""Scraped pages (measurement only): per group of labelled JSONL files, its clean original and ONE
garbled version, each framed as a web page: the rewrite as a content farm republishes it ("Read
Also:" links to other stories, an author bio, tags, a comment form), the original with its own
site's lighter furniture ("Related:" links). The links, bio and tags carry names from other
stories, as real scraped pages do, so the two versions share a smaller part of their names than
the bare texts: what a story cluster must still join when a file holds an original and a single
rewrite of it.

    python3 scripts/make_scraped_pages.py OUT.jsonl IN.jsonl [IN.jsonl ...] [--seed 5] [--themes]

--themes frames the original and the rewrite each in one of three page themes (drawn
independently) instead of the above, so that furniture is no clue to the label: the same
content farm; a WordPress news theme (a login box, "Related Posts" with other stories' titles,
dates and excerpts cut with an ellipsis, an RSS footer "The post ... appeared first on ...",
"Source link"); a page copied from a broadcaster (photo credits, "Image caption, ...", an
embedded tweet with its attribution line, "Advertisement - Scroll to continue", a disclaimer).

Each story's group is its first original's group; the rewrite is picked at random among the group's garbled versions.
"""
import argparse
import collections
import json
import random

FIRST_NAMES = ["James", "Maria", "David", "Priya", "Oliver", "Chen", "Fatima", "Lucas", "Sofia",
               "Daniel", "Aisha", "Mateo", "Hannah", "Kenji", "Elena"]
LAST_NAMES = ["Whitaker", "Okonkwo", "Lindqvist", "Moreau", "Castellano", "Nakamura", "Brennan",
              "Haddad", "Kowalski", "Ferreira", "Abernathy", "Rasmussen", "Delacroix", "Petrov"]
SITES = ["Daily Trend Hub", "NewsFlash24", "Global Insider Post", "Viral Wire Today",
         "The Headline Desk", "TopStory Central"]


def headline(text):
    """The first sentence-like line of a text, shortened to a link title."""
    first = text.strip().split("\n")[0]
    words = first.split()
    return " ".join(words[:12]).rstrip(".,;:")


def names_of(text, rng, n):
    """Up to n capitalised words from inside a text's sentences (names, mostly)."""
    words = [w.strip(".,;:\"'()\u201c\u201d\u2019") for w in text.split()]
    caps = [w for i, w in enumerate(words)
            if i > 0 and w[:1].isupper() and len(w) > 3 and not words[i - 1].endswith(".")]
    caps = sorted(set(caps))
    rng.shuffle(caps)
    return caps[:n]


def spun_page(text, others, rng):
    site = rng.choice(SITES)
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    paras = [p for p in text.split("\n") if p.strip()]
    links = [f"Read Also: {headline(o)}" for o in rng.sample(others, 3)]
    tags = names_of(" ".join(rng.sample(others, 2)), rng, 6)
    body = list(paras)
    if len(body) > 2:
        body.insert(len(body) // 2, "- Advertisement -")
        body.insert(len(body) // 2 + 1, links[0])
    lines = [f"Home / News / {site}", f"By {author}", *body, *links[1:],
             f"Tags: {', '.join(tags)}" if tags else "Tags: news",
             f"About the author: {author} is a staff writer at {site} covering world news and politics.",
             "Share this:", "Facebook", "Twitter", "Show More",
             "Leave a Reply", "Your email address will not be published. Required fields are marked *",
             "Comment", "Name *", "Email *", "Post Comment"]
    return "\n".join(lines)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def a_date(rng):
    return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2018, 2022)}"


def excerpt(text, rng):
    """A linked story's excerpt as themes print it: its first words, cut with an ellipsis."""
    words = text.split()
    return " ".join(words[:rng.randint(18, 30)]).rstrip(".,;:") + rng.choice(["…", "...", " […]"])


def wordpress_page(text, others, rng):
    site = rng.choice(SITES)
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    paras = [p for p in text.split("\n") if p.strip()]
    related = []
    for o in rng.sample(others, 3):
        related += [headline(o), a_date(rng), excerpt(o, rng)]
    lines = [f"Home \u00bb News \u00bb {site}", f"By {author}", a_date(rng), "Share on Facebook",
             "Share on Twitter", *paras, f"Tags: {', '.join(names_of(rng.choice(others), rng, 4)) or 'news'}",
             "Previous Post", headline(rng.choice(others)), "Next Post", headline(rng.choice(others)),
             "Related Posts", *related,
             f"The post {headline(text)} appeared first on {site}.", "Source link",
             "Welcome Back!", "Login to your account below", "Remember Me",
             "Retrieve your password", "Please enter your username or email address to reset your password.",
             "Log In"]
    return "\n".join(lines)


def broadcaster_page(text, others, rng):
    paras = [p for p in text.split("\n") if p.strip()]
    photographer = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    handle = rng.choice(LAST_NAMES).lower()
    body = list(paras)
    inserts = [
        f"(Photo by {photographer}/AFP via Getty Images)",
        f"Image caption, {headline(rng.choice(paras))}",
        f"{headline(rng.choice(others))} pic.twitter.com/{rng.randrange(16**8):08x}",
        f"\u2014 {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (@{handle}) {a_date(rng)}",
        "Advertisement - Scroll to continue",
    ]
    # Spread the inserts between paragraphs, in order (a tweet's attribution after its text).
    step = max(1, len(body) // (len(inserts) + 1))
    at = step
    for ins in inserts:
        body.insert(min(at, len(body)), ins)
        at += step + 1
    lines = [f"Image source, {rng.choice(['Getty Images', 'Reuters', 'EPA'])}", *body,
             "Disclaimer: The views expressed in this article are those of the author and do not "
             "necessarily reflect the views of this site.",
             "Follow us on Google News", "Copyright \u00a9 2022. All rights reserved."]
    return "\n".join(lines)


def original_page(text, others, rng):
    paras = [p for p in text.split("\n") if p.strip()]
    related = [f"Related: {headline(o)}" for o in rng.sample(others, 2)]
    return "\n".join([*paras, *related])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output")
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--themes", action="store_true",
                    help="each rewrite in one of three page themes (content farm, WordPress, broadcaster)")
    ap.add_argument("--bare", action="store_true",
                    help="the same pairs without page furniture (the framing's effect alone)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    # Groups of every input that share their original are one story: its rewrite is picked
    # among all their garbled versions, and the original appears once.
    groups = collections.defaultdict(list)
    for path in a.inputs:
        for line in open(path, encoding="utf-8"):
            d = json.loads(line)
            groups[(path, d["group"])].append(d)
    stories = collections.OrderedDict()
    for versions in groups.values():
        clean = [d for d in versions if d["label"] == "clean"]
        if clean:
            stories.setdefault(clean[0]["text"], []).extend(versions)
    originals = list(stories)
    with open(a.output, "w", encoding="utf-8") as out:
        for text, versions in stories.items():
            clean = [d for d in versions if d["label"] == "clean"]
            garbled = [d for d in versions if d["label"] != "clean"]
            if not garbled:
                continue
            others = [t for t in originals if t != text]
            group = str(clean[0]["group"])
            o = dict(clean[0], id=f"{group}/original", group=group)
            framed = original_page(o["text"], others, rng)
            rw = rng.choice(garbled)
            r = dict(rw, id=f"{group}/{rw['kind']}", group=group)
            if a.themes:
                # Both versions in page furniture of the same kinds, so that what the furniture
                # itself adds to a score cancels out: original and rewrite each in a theme.
                themes = [spun_page, wordpress_page, broadcaster_page]
                framed = rng.choice(themes)(o["text"], others, rng)
                spun = rng.choice(themes)(rw["text"], others, rng)
            else:
                spun = spun_page(rw["text"], others, rng)
            if not a.bare:
                o["text"], r["text"] = framed, spun
            for d in (o, r):
                d.pop("source", None)
                out.write(json.dumps(d) + "\n")


if __name__ == "__main__":
    main()

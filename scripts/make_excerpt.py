#!/usr/bin/env python3
"""Excerpt check data (measurement only): a grouped evaluation file with, per group, an excerpt
(the first 45% of paragraphs, at least two) of its original (clean) and of its `spin-sense-0.1`
copy (garbled), as scraper pages republish the start of a story with a link to the rest.

    python3 scripts/make_excerpt.py target/unseen/web_damage.jsonl OUT.jsonl

Writes every input row, then the group's excerpts (kind `excerpt-<kind>`, same label and
degradation as the version they come from); versions of fewer than four paragraphs get none.
Deterministic.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_stitched import paragraphs  # noqa: E402


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    groups = {}
    for r in rows:
        groups.setdefault(r["group"], []).append(r)
    with open(dst, "w", encoding="utf-8") as out:
        for members in groups.values():
            for r in members:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
            for r in members:
                if r["kind"] not in ("original", "spin-sense-0.1"):
                    continue
                ps = paragraphs(r["text"])
                if len(ps) < 4:
                    continue
                e = dict(r, id=r["id"] + "~excerpt", kind="excerpt-" + r["kind"])
                e["text"] = "\n\n".join(ps[: max(2, int(len(ps) * 0.45))])
                out.write(json.dumps(e, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

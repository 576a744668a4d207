#!/usr/bin/env python3
"""Share of lines / characters flagged as boilerplate in the output of
`target/release/examples/boilerplate_lines --jsonl FILE.jsonl` (read from stdin), with the reasons.

  target/release/examples/boilerplate_lines --jsonl DATA.jsonl | scripts/boilerplate_share.py [--show N]
"""
import collections
import json
import sys

show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
n = bp = chars = bpc = docs = docs_flagged = 0
reasons = collections.Counter()
examples = collections.defaultdict(list)
langs = collections.Counter()
for line in sys.stdin:
    r = json.loads(line)
    docs += 1
    langs[r["language"]] += 1
    any_bp = False
    for l in r["lines"]:
        if l["class"] == "blank":
            continue
        n += 1
        chars += len(l["text"])
        if l["class"] == "boilerplate":
            any_bp = True
            bp += 1
            bpc += len(l["text"])
            reasons[l["reason"]] += 1
            examples[l["reason"]].append(l["text"][:100])
    docs_flagged += any_bp
print(f"documents {docs} (with any boilerplate line: {docs_flagged}); languages {dict(langs)}")
print(f"non-blank lines {n}, boilerplate {bp} ({bp / max(n, 1):.4f}); characters {bpc / max(chars, 1):.4f}")
for k, v in reasons.most_common():
    print(f"  {k:<16} {v}", "  e.g. " + " | ".join(examples[k][:show]) if show else "")

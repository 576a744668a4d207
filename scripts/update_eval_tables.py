#!/usr/bin/env python3
"""Rewrites the dev-set tables of EVALUATION.md from scripts/evaluate_dev.sh output.

    scripts/evaluate_dev.sh > on.txt; scripts/evaluate_dev.sh --no-clusters > off.txt
    scripts/update_eval_tables.py on.txt off.txt

The first three tables (seeds, roundtrip-bbc, mqm-zhen-2021) take on.txt, the next three off.txt.
"""
import re
import sys


def tables(path):
    text = open(path).read()
    return re.findall(r"### (\S+)\n```\n(.*?)```", text, re.S)


def main():
    blocks = tables(sys.argv[1]) + tables(sys.argv[2])
    doc = open("EVALUATION.md").read()
    parts = re.split(r"(#### \S+\n```\n.*?```)", doc, flags=re.S)
    k = 0
    for i, p in enumerate(parts):
        m = re.match(r"#### (\S+)\n```\n", p)
        if m and k < len(blocks):
            name, body = blocks[k]
            assert name == m.group(1), (name, m.group(1))
            parts[i] = f"#### {name}\n```\n{body}```"
            k += 1
    assert k == len(blocks) == 6, k
    open("EVALUATION.md", "w").write("".join(parts))


if __name__ == "__main__":
    main()

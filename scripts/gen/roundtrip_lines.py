#!/usr/bin/env python3
"""Round trips of running text, line by line: line i goes English -> pivot i mod 4 -> English
(Apertium, the four pivots of plan.PIVOTS), for training the round-trip contrast model
(models/roundtrip.spinlm, scripts/build_roundtrip_model.sh).

Lines are translated in batches; a batch whose line count changes or whose Apertium call fails
is retried a line at a time, and a line that still fails is left out (never copied through
untranslated: the model must hold round-tripped text only). Output order: all lines of pivot 0,
then pivot 1, and so on, each in input order. Reports on stderr how many lines each pivot kept.

  roundtrip_lines.py IN.txt OUT.txt [--jobs 2]
"""
import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plan import PIVOTS  # noqa: E402
from roundtrip import clean  # noqa: E402

BATCH = 200


def apertium(lines, mode):
    """Translated lines, or None when Apertium fails or the line count changes."""
    try:
        out = subprocess.run(["apertium", "-u", mode], input="\n".join(lines) + "\n", capture_output=True,
                             text=True, check=True).stdout.rstrip("\n").split("\n")
    except (subprocess.CalledProcessError, OSError):
        return None
    return out if len(out) == len(lines) else None


def round_trip(lines, pivot, batch=BATCH):
    """Each line through `pivot` ("fwd:back" Apertium modes) and back, aligned with `lines`: None
    where a line failed even on its own. Batches whose call fails or whose line count changes
    are retried a line at a time."""
    fwd, back = pivot.split(":")
    res = []
    for i in range(0, len(lines), batch):
        chunk = lines[i:i + batch]
        mid = apertium(chunk, fwd)
        out = apertium(mid, back) if mid else None
        if out is None:
            out = []
            for line in chunk:
                m = apertium([line], fwd)
                b = apertium(m, back) if m else None
                out.append(b[0] if b else None)
        res += out
    return res


def one_pivot(lines, pivot):
    """The lines that came back, cleaned; failed lines left out."""
    return [t for t in (clean(x) for x in round_trip(lines, pivot) if x is not None) if t]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    lines = [l.rstrip("\n") for l in open(args.input, encoding="utf-8")]
    parts = [[l for i, l in enumerate(lines) if i % len(PIVOTS) == p and l.strip()] for p in range(len(PIVOTS))]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        results = list(ex.map(one_pivot, parts, PIVOTS))
    for pivot, part, res in zip(PIVOTS, parts, results):
        print(f"{pivot}: {len(res)} of {len(part)} lines", file=sys.stderr)
        if not res:
            sys.exit(f"{pivot}: no line came back: is Apertium with this pair installed?")
    with open(args.output, "w", encoding="utf-8") as f:
        for res in results:
            f.write("\n".join(res) + "\n")


if __name__ == "__main__":
    main()

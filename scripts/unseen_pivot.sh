#!/usr/bin/env bash
# Unseen-pivot check (measurement only): round trips through Apertium's English <-> Serbo-Croatian
# pair, a pivot that neither the round-trip contrast model nor the scorer's training data uses.
# The originals are the first N clean originals of the generated validation split (never fitted on).
#
#   scripts/unseen_pivot.sh [GEN_DIR] [N]     (defaults target/gen, 80; needs apertium-hbs-eng)
#   extra spinscore score options go in SCORE_ARGS, e.g. SCORE_ARGS="--weights my.json"
#
# Prints evaluate.py's per-kind table with story clusters and with each document alone.
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${1:-target/gen}
N=${2:-80}
EVAL=../shared/eval
if ! dpkg -s apertium-hbs-eng >/dev/null 2>&1; then
  echo "needs the Debian package apertium-hbs-eng" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 scripts/first_originals.py "$GEN/fit_valid.jsonl" "$N" > "$tmp/originals.jsonl"
python3 "$EVAL/make_roundtrip.py" "$tmp/originals.jsonl" "$tmp/hbs.jsonl" --pivot eng-hbs:hbs-eng \
  --fraction 0.25 --fraction 1 >&2
cargo build --release --locked -q
for mode in "" "--no-clusters"; do
  echo "### ${mode:-with clusters}"
  python3 "$EVAL/evaluate.py" "$tmp/hbs.jsonl" \
    --cmd "target/release/spinscore score --quiet ${SCORE_ARGS:-} $mode --format jsonl {input} > {output}" | sed '$d'
done

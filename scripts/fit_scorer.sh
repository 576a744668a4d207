#!/usr/bin/env bash
# Rebuild the embedded scorer weights (models/scorer.json) from generated training data.
#   scripts/fit_scorer.sh [GEN_DIR]      (default target/gen; built by scripts/build_training_set.sh if missing)
# The training data comes only from the held-out part of ../shared/corpora (never the dev sets).
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${1:-target/gen}
if [ ! -s "$GEN/train.jsonl" ]; then
  scripts/build_training_set.sh "$GEN"
fi
cat "$GEN/train.jsonl" "$GEN/clusters_train.jsonl" > "$GEN/fit_train.jsonl"
cat "$GEN/valid.jsonl" "$GEN/clusters_valid.jsonl" > "$GEN/fit_valid.jsonl"
cargo build --release --locked -q
# boilerplate.repeated (the share of a page in lines its source repeats across the batch) is left
# out: the generated data has a handful of pages with such lines, so its weight rested on them,
# and on real pages a site's repeated furniture then read as damage (EVALUATION.md, session 41).
target/release/spinscore fit "$GEN/fit_train.jsonl" --valid "$GEN/fit_valid.jsonl" -o models/scorer.json --quiet \
  --exclude boilerplate.repeated

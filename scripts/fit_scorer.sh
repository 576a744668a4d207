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
target/release/spinscore fit "$GEN/fit_train.jsonl" --valid "$GEN/fit_valid.jsonl" -o models/scorer.json --quiet

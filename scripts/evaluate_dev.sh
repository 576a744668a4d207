#!/usr/bin/env bash
# Dev-set figures of the release binary through ../shared/eval/evaluate.py (measurement only).
#   scripts/evaluate_dev.sh [extra spinscore score options, e.g. --weights W --no-clusters]
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=../shared/eval
cargo build --release --locked -q
for d in seeds roundtrip-bbc mqm-zhen-2021; do
  echo "### $d"
  echo '```'
  python3 "$EVAL/evaluate.py" "$EVAL/dev/$d.jsonl" \
    --cmd "target/release/spinscore score --quiet $* --format jsonl {input} > {output}" | sed '$d'
  echo '```'
done

#!/bin/sh
# Rebuilds models/default.spinlm from the LM part of ../shared/corpora with the project's own
# `train`. Usage (from the repo root): scripts/build_model.sh [CORPORA_DIR]
set -eu
corpora="${1:-../shared/corpora}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 scripts/corpus_split.py --part lm "$corpora"/*.txt > "$tmp/lm.txt"
cargo build --release --bin spinscore
bin="$PWD/target/release/spinscore"
# Bigram singletons are pruned to keep the model small (see models/README.md). Trained from
# inside $tmp so the metadata names the source "lm.txt", not the random temporary directory:
# the same corpora give the same bytes.
(cd "$tmp" && "$bin" train --bigram-min-count 2 --trigram-min-count 2 \
    --surface-min-count 2 -o default.spinlm lm.txt)
mv "$tmp/default.spinlm" models/default.spinlm
ls -l models/default.spinlm

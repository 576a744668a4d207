#!/bin/sh
# Rebuilds models/roundtrip.spinlm, the round-trip contrast model: the LM part of
# ../shared/corpora (the text default.spinlm is trained on), each line sent through one of four
# Apertium pivots in turn (Spanish, Catalan, Galician, Esperanto) and back to English
# (scripts/gen/roundtrip_lines.py), trained with the project's own `train`. Fluency compares
# each word's probability under the two models: topic and vocabulary move both alike and cancel,
# what is left is how much the text reads like a machine round trip.
# Needs apertium, apertium-eng-spa, apertium-eng-cat, apertium-en-gl and apertium-eo-en (Debian).
# Usage (from the repo root): scripts/build_roundtrip_model.sh [CORPORA_DIR]   (~10 minutes)
set -eu
corpora="${1:-../shared/corpora}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 scripts/corpus_split.py --part lm "$corpora"/*.txt > "$tmp/lm.txt"
python3 scripts/gen/roundtrip_lines.py "$tmp/lm.txt" "$tmp/roundtrip.txt" --jobs 2
cargo build --release --bin spinscore
bin="$PWD/target/release/spinscore"
# N-grams seen fewer than 3 times are pruned (measured no worse than keeping those seen twice,
# at about half the size); the vocabulary is kept whole, since a word one model knows and the
# other does not would read as evidence. --contrast-only leaves out what the contrast does not
# read (word strings, counts, best continuations, surface forms). Trained from inside $tmp so
# the metadata names the source "roundtrip.txt", not the random temporary directory.
(cd "$tmp" && "$bin" train --contrast-only --bigram-min-count 3 --trigram-min-count 3 \
    --surface-min-count 4294967295 -o roundtrip.spinlm roundtrip.txt)
mv "$tmp/roundtrip.spinlm" models/roundtrip.spinlm
ls -l models/roundtrip.spinlm

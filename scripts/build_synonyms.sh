#!/bin/sh
# Rebuilds models/synonyms.bin: WordNet synonyms (Debian wordnet-base, installed if missing)
# filtered to the vocabulary of models/default.spinlm. Run from the repo root after
# scripts/build_model.sh (the table depends on the model's vocabulary). Deterministic.
set -eu
if [ ! -f /usr/share/wordnet/data.noun ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wordnet-base >/dev/null
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 scripts/synonyms_tsv.py /usr/share/wordnet > "$tmp/synonyms.tsv"
cargo run --release --example build_synonyms -- "$tmp/synonyms.tsv" "$tmp/synonyms.bin" models/default.spinlm
mv "$tmp/synonyms.bin" models/synonyms.bin
ls -l models/synonyms.bin

#!/usr/bin/env bash
# Rebuild the scorer's training data from scratch (see scripts/gen/README.md).
#
#   scripts/build_training_set.sh [OUT_DIR]      (default /work/gen; run from anywhere)
#
# Env: JOBS (Apertium threads for make_roundtrip.py, default 1), SHARED (default ../shared from the repo),
#      KEEP_RT=1 reuses cached round trips in OUT_DIR/rt (they depend only on the originals).
# Deterministic: same corpora + same Debian packages -> byte-identical output.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-/work/gen}"
SHARED="${SHARED:-$REPO/../shared}"
JOBS="${JOBS:-1}"
GEN="$REPO/scripts/gen"

need=()
command -v apertium >/dev/null || need+=(apertium)
for p in apertium-eng-spa apertium-eng-cat apertium-en-gl apertium-eo-en wordnet-base; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p "$OUT"
if [ "${KEEP_RT:-0}" != 1 ]; then rm -rf "$OUT/rt"; fi
start=$(date +%s)
cd "$REPO"
python3 "$GEN/originals.py" --repo "$REPO" --corpora "$SHARED/corpora" "$OUT/originals.jsonl"
python3 "$GEN/roundtrip.py" "$OUT/originals.jsonl" "$OUT/roundtrip.jsonl" --workdir "$OUT/rt" --jobs "$JOBS" \
  --make-roundtrip "$SHARED/eval/make_roundtrip.py"
python3 "$GEN/sparse_rt.py" "$OUT/originals.jsonl" "$OUT/sparse_rt.jsonl"
python3 "$GEN/simulate.py" "$OUT/originals.jsonl" "$OUT/simulated.jsonl" --roundtrip "$OUT/roundtrip.jsonl"
python3 "$GEN/build.py" --originals "$OUT/originals.jsonl" --roundtrip "$OUT/roundtrip.jsonl" \
  --simulated "$OUT/simulated.jsonl" --rows "$OUT/sparse_rt.jsonl" --out "$OUT" --dev-dir "$SHARED/eval/dev"
echo "training set rebuilt in $(( $(date +%s) - start ))s -> $OUT (summary.json)" >&2

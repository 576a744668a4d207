#!/usr/bin/env bash
# The checks on data neither `fit` nor the dev sets hold (measurement only), in one table:
#   - unseen spinner: scripts/unseen_spinner.py (Aiksaurus thesaurus, not WordNet; rates 0.1, 0.3);
#   - unseen pivot: Apertium English <-> Serbo-Croatian round trips (25% and 100% of paragraphs);
#   - republication clusters: both of those for the same 80 originals in one group of five
#     (original, Aiksaurus 0.1 and 0.3, hbs 0.25 and 1), as several sites' rewrites of one story;
#   - other sites: the 157 English article bodies of the extraction benchmark
#     (scripts/web_originals.py), round-tripped through Galician and Esperanto (Apertium pivots
#     neither training nor the dev sets use; 25% and 100% of paragraphs) and spun by the
#     Aiksaurus spinner;
#   - sparse round trips: the same originals with 10% of their paragraphs (at least one)
#     round-tripped through Galician or Esperanto, one copy per pivot (light MT damage without a
#     second version sharing it);
#   - obfuscated copies: the same other sites' originals with 2% and 5% of their words written
#     with Cyrillic/Greek look-alike letters or invisible characters (scripts/make_obfuscated.py);
#   - spinner templates left in the text: the same originals with one to three words written as
#     unpicked spin groups, "{word|synonym}" (scripts/make_spin_templates.py);
#   - typing slips: the same originals with 1% and 3% of their words misspelled (two letters
#     swapped, one dropped or doubled; scripts/make_typos.py);
#   - the training set's own kinds of damage on other sites: the same originals, each with a copy
#     per garbler of scripts/gen/simulate.py at a fixed intensity (WordNet spin at 10% of words
#     by frequent or by any sense, entity mangling, grammar errors in 20% of sentences, one to
#     three heavily damaged sentences; scripts/make_web_damage.py);
#   - headlines: the same originals given their page's headline as a first line, each with a
#     copy whose headline alone is round-tripped (Galician, Esperanto) beside the full round trip
#     sharing it (scripts/make_headlines.py): what a 25% round trip of a short article often is;
#   - scraped pages: per original of the sets above, the original and ONE of its rewrites, each
#     framed as a web page (a content farm's "Read Also:" links, byline, tags, author bio and
#     comment form around the rewrite, "Related:" links under the original), the links and tags
#     naming other stories (scripts/make_scraped_pages.py): a file of originals with a single
#     scraped rewrite each (the seeds' page furniture, one rewrite per original); and the same
#     pairs with both versions in page themes drawn independently (content farm, WordPress with
#     related-post excerpts and a login box, a broadcaster's captions and embedded tweets;
#     `--themes`, scraped_themes.jsonl), so furniture is no clue to the label;
#   - both scraped sets run together on one line (each document's non-empty lines joined by a
#     space: a scraper or an export that collapsed whitespace);
#   - the held-back generated data (GEN_DIR/fit_valid.jsonl);
#   - syndicated copies: per group of aik.jsonl and web_aik.jsonl, the original and one spun
#     version republished four times with other site furniture (scripts/make_syndicated.py);
#   - the cross-register check (scripts/cross_register.py: spun dev seeds against clean BBC originals).
# Each set is scored with story clusters (the file as one batch, as evaluate.py runs it) and with
# each document alone (--no-clusters).
#
#   scripts/unseen_checks.sh [GEN_DIR] [OUT_DIR]   (defaults target/gen, target/unseen)
#   extra `spinscore score` options go in SCORE_ARGS, e.g. SCORE_ARGS="--weights my.json"
#
# GEN_DIR comes from scripts/build_training_set.sh. The sets are built once into OUT_DIR (about
# 6 minutes; needs the Debian packages aiksaurus, apertium-hbs-eng, apertium-en-gl, wordnet-base and
# apertium-eo-en) and reused after.
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${1:-target/gen}
OUT=${2:-target/unseen}
EVAL=../shared/eval
mkdir -p "$OUT"
for p in aiksaurus apertium-hbs-eng apertium-en-gl apertium-eo-en wordnet-base; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "needs the Debian package $p" >&2; exit 1; }
done
if [ ! -s "$GEN/fit_valid.jsonl" ]; then
  # the held-back split as scripts/fit_scorer.sh assembles it (a fresh GEN_DIR has only its parts)
  cat "$GEN/valid.jsonl" "$GEN/clusters_valid.jsonl" > "$GEN/fit_valid.jsonl"
fi
if [ ! -s "$OUT/aik.jsonl" ]; then
  python3 scripts/unseen_spinner.py "$GEN/fit_valid.jsonl" "$OUT/aik.jsonl"
fi
if [ ! -s "$OUT/hbs.jsonl" ]; then
  # The same first 80 clean originals as the unseen spinner takes.
  python3 scripts/first_originals.py "$GEN/fit_valid.jsonl" 80 > "$OUT/hbs_originals.jsonl"
  python3 "$EVAL/make_roundtrip.py" "$OUT/hbs_originals.jsonl" "$OUT/hbs.jsonl" --pivot eng-hbs:hbs-eng \
    --fraction 0.25 --fraction 1 >&2
fi
if [ ! -s "$OUT/multi.jsonl" ]; then
  python3 - "$OUT/aik.jsonl" "$OUT/hbs.jsonl" > "$OUT/multi.jsonl" <<'PY'
import json, sys
# Degradation: original 0, Aiksaurus 0.1 and hbs 0.25 at 1, Aiksaurus 0.3 at 2, hbs 1 at 3.
level = {"original": 0, "aiksaurus-0.1": 1, "aiksaurus-0.3": 2, "roundtrip-hbs-0.25": 1, "roundtrip-hbs-1": 3}
for d in map(json.loads, open(sys.argv[1], encoding="utf-8")):
    d["degradation"] = level[d["kind"]]
    print(json.dumps(d))
for d in map(json.loads, open(sys.argv[2], encoding="utf-8")):
    if d["kind"] == "roundtrip-original":
        continue
    d.pop("source", None)
    d["id"] = f'{d["group"]}/{d["kind"]}'
    d["degradation"] = level[d["kind"]]
    print(json.dumps(d))
PY
fi
cargo build --release --locked -q
if [ ! -s "$OUT/web_orig.jsonl" ]; then
  python3 scripts/web_originals.py target/release/spinscore "$OUT/web_orig.jsonl"
fi
for pivot in gl eo; do
  if [ ! -s "$OUT/web_$pivot.jsonl" ]; then
    python3 "$EVAL/make_roundtrip.py" "$OUT/web_orig.jsonl" "$OUT/web_$pivot.jsonl" \
      --pivot "en-$pivot:$pivot-en" --fraction 0.25 --fraction 1 >&2
  fi
done
if [ ! -s "$OUT/web_sparse.jsonl" ]; then
  python3 "$EVAL/make_roundtrip.py" "$OUT/web_orig.jsonl" "$OUT/web_sparse.jsonl" \
    --pivot en-gl:gl-en --pivot en-eo:eo-en --fraction 0.1 >&2
fi
if [ ! -s "$OUT/web_aik.jsonl" ]; then
  python3 scripts/unseen_spinner.py "$OUT/web_orig.jsonl" "$OUT/web_aik.jsonl" --n 1000
fi
if [ ! -s "$OUT/web_obf.jsonl" ]; then
  python3 scripts/make_obfuscated.py "$OUT/web_orig.jsonl" "$OUT/web_obf.jsonl"
fi
if [ ! -s "$OUT/web_template.jsonl" ]; then
  python3 scripts/make_spin_templates.py "$OUT/web_orig.jsonl" "$OUT/web_template.jsonl"
fi
if [ ! -s "$OUT/web_typo.jsonl" ]; then
  python3 scripts/make_typos.py "$OUT/web_orig.jsonl" "$OUT/web_typo.jsonl"
fi
if [ ! -s "$OUT/web_damage.jsonl" ]; then
  python3 scripts/make_web_damage.py "$OUT/web_orig.jsonl" "$OUT/web_damage.jsonl"
fi
if [ ! -s "$OUT/web_headline.jsonl" ]; then
  python3 scripts/make_headlines.py titled "$OUT/web_orig.jsonl" "$OUT/web_titled.jsonl"
  python3 "$EVAL/make_roundtrip.py" "$OUT/web_titled.jsonl" "$OUT/web_titled_rt.jsonl" \
    --pivot en-gl:gl-en --pivot en-eo:eo-en --fraction 1 >&2
  python3 scripts/make_headlines.py only "$OUT/web_titled_rt.jsonl" "$OUT/web_headline.jsonl"
fi
for set in aik web_aik; do
  if [ ! -s "$OUT/synd_$set.jsonl" ]; then
    python3 scripts/make_syndicated.py "$OUT/$set.jsonl" "$OUT/synd_$set.jsonl"
  fi
done
if [ ! -s "$OUT/scraped.jsonl" ]; then
  python3 scripts/make_scraped_pages.py "$OUT/scraped.jsonl" "$OUT/web_damage.jsonl" "$OUT/web_aik.jsonl" \
    "$OUT/web_eo.jsonl" "$OUT/web_gl.jsonl" "$OUT/web_typo.jsonl" "$OUT/aik.jsonl" "$OUT/hbs.jsonl"
fi
if [ ! -s "$OUT/scraped_themes.jsonl" ]; then
  python3 scripts/make_scraped_pages.py "$OUT/scraped_themes.jsonl" "$OUT/web_damage.jsonl" "$OUT/web_aik.jsonl" \
    "$OUT/web_eo.jsonl" "$OUT/web_gl.jsonl" "$OUT/web_typo.jsonl" "$OUT/aik.jsonl" "$OUT/hbs.jsonl" --themes
fi
# The scraped pages run together on one line (a scraper or an export that collapsed whitespace):
# each document's non-empty lines joined by a space.
for set in scraped scraped_themes; do
  if [ ! -s "$OUT/${set}_1l.jsonl" ]; then
    python3 - "$OUT/$set.jsonl" > "$OUT/${set}_1l.jsonl" <<'PY'
import json, sys
for d in map(json.loads, open(sys.argv[1], encoding="utf-8")):
    d["text"] = " ".join(p.strip() for p in d["text"].split("\n") if p.strip())
    print(json.dumps(d))
PY
  fi
done
printf '%-34s %-24s %-24s\n' "set" "clusters: AUC / pairs" "alone: AUC / pairs"
for set in "$OUT/aik.jsonl" "$OUT/hbs.jsonl" "$OUT/multi.jsonl" "$OUT/web_gl.jsonl" "$OUT/web_eo.jsonl" "$OUT/web_sparse.jsonl" \
  "$OUT/web_aik.jsonl" "$OUT/web_obf.jsonl" "$OUT/web_template.jsonl" "$OUT/web_typo.jsonl" "$OUT/web_damage.jsonl" "$OUT/web_headline.jsonl" "$OUT/scraped.jsonl" "$OUT/scraped_themes.jsonl" "$OUT/scraped_1l.jsonl" "$OUT/scraped_themes_1l.jsonl" "$GEN/fit_valid.jsonl" "$OUT/synd_aik.jsonl" "$OUT/synd_web_aik.jsonl"; do
  row=""
  for mode in "" "--no-clusters"; do
    fig=$(python3 "$EVAL/evaluate.py" "$set" \
      --cmd "target/release/spinscore score --quiet ${SCORE_ARGS:-} $mode --format jsonl {input} > {output}" |
      awk '/^ALL/{print $4 " / " $6}')
    row="$row$(printf '%-24s ' "$fig")"
  done
  printf '%-34s %s\n' "$(basename "$set")" "$row"
done
weights=$(sed -n 's/.*--weights[ =]\([^ ]*\).*/\1/p' <<<"${SCORE_ARGS:-}")
python3 scripts/cross_register.py ${weights:+--weights "$weights"} | grep AUC

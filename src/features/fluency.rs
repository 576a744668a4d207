//! N-gram fluency against the reference model, normalised for word rarity.
//!
//! Every word unit of the content gets its log10 probability in context (`lp`) and its unigram
//! log10 probability (`uni`). The rarity-normalised surprisal `ns = uni - lp` (minus SLOR) is
//! near or below zero for fluent text, whatever the vocabulary, and high where the context
//! makes the word improbable. All features are oriented so that HIGHER = LESS FLUENT.
//!
//! Document means dilute sparse damage, so the family also reports local figures (worst
//! sentences, worst window) and the contextual-substitution signal: a context that predicts
//! one word with confidence while the text holds an improbable other (a spinner's synonym swap).
//! Cost is linear in the number of tokens.
//!
//! This module walks the document once and computes the features; its submodules hold what
//! that walk consults: `synonym_swaps` (the thesaurus search), `candidates` (its per-word
//! cache), `roundtrip` (the round-trip contrast's per-sentence and per-paragraph statistics)
//! and `articles` ("a"/"an" that do not agree with the next word); `summary` turns the walk's
//! counts into the features and evidence.

use super::FamilyOutput;
use crate::document::DocView;
use crate::lexicon::Lexicon;
use crate::model::format::{EOS, UNK, vocab_hash};
use crate::model::units::{UnitSink, for_each_unit_with};
use crate::model::{ContrastModel, Model, Scored, UnitProb, resolve_and_score};
use crate::synonyms::Synonyms;
use crate::tokenize::{Token, TokenKind, normalize};

mod articles;
mod candidates;
mod roundtrip;
mod summary;
mod synonym_swaps;

use candidates::Candidates;
use roundtrip::MtStats;
use summary::{Tally, evidence};
pub use synonym_swaps::{SYN_EVIDENCE, SYN_GAIN, SYN_MIN_GAP, SYN_MIN_NS, SYN_RARITY};
use synonym_swaps::{Thesaurus, Tried, best_synonym, wants_synonym};

/// Word units per window for `fluency.ns_worst_window`.
pub const WINDOW: usize = 8;
/// `ns` above this (the context makes the word 10x less likely than its frequency) counts as
/// a surprising unit.
pub const NS_HIGH: f32 = 1.0;
/// A sentence whose mean `ns` is above this counts as a bad sentence.
pub const SENT_HIGH: f32 = -0.3;
/// A context is confident when its best continuation has at least this log10 probability.
pub const CONFIDENT: f32 = -1.0; // p >= 0.1
/// ... and a swap is flagged when the actual word is this many log10 units below it.
pub const SWAP_GAP: f32 = 2.5;
/// Units seen at least this often in training count as common (for `common_bigram_miss`).
pub const COMMON: u32 = 100;
/// Sentences with fewer word units are left out of the sentence figures.
pub const MIN_SENT_UNITS: usize = 3;
/// Per-unit `ns` is clipped to +-this, so one freak unit cannot dominate a mean.
pub const NS_CLIP: f32 = 3.0;
/// At most this many evidence spans of each kind.
pub const MAX_EVIDENCE: usize = 8;
/// A frequent pair (both units seen at least [`COMMON`] times) is odd when the second unit's
/// `ns` is above this: the model knows both words well, so their surprise is reliable.
pub const COMMON_ODD: f32 = 0.5;

/// Names of the features, in output order.
pub const FEATURES: [&str; 36] = [
    "fluency.surprisal_mean",
    "fluency.ns_mean",
    "fluency.ns_worst_sent10",
    "fluency.ns_worst_sent",
    "fluency.ns_worst_window",
    "fluency.ns_high_share",
    "fluency.bad_sentence_share",
    "fluency.oov_rate",
    "fluency.freq_q1_share",
    "fluency.freq_q2_share",
    "fluency.freq_q3_share",
    "fluency.freq_q4_share",
    "fluency.swap_rate",
    "fluency.swap_mean",
    "fluency.bigram_miss_rate",
    "fluency.common_bigram_miss",
    "fluency.units",
    "fluency.ns_pos_mean",
    "fluency.lc_ns_mean",
    "fluency.lc_worst_sent10",
    "fluency.ns_band_z",
    "fluency.common_odd_rate",
    "fluency.swap2_rate",
    "fluency.syn_swap_rate",
    "fluency.syn_swap_strength",
    "fluency.article_mismatch_rate",
    "fluency.z_scan_max",
    "fluency.mt_llr",
    "fluency.mt_worst_sent",
    "fluency.mt_scan_max",
    "fluency.mt_sent_share",
    "fluency.mt_par_scan",
    "fluency.mt_par_share",
    "fluency.lc_oov_rate",
    "fluency.mt_par_rel",
    "fluency.mt_sent_rel",
];

#[derive(Clone, Copy)]
struct Unit {
    tok: usize,
    id: u32,
    word: bool,
    /// Starts with an upper-case letter (a name when not sentence-initial).
    cap: bool,
}

/// Mean and standard deviation of a (clipped) `ns` in clean text by frequency band
/// `floor(-log10 relative frequency)`, measured on the clean held-out documents of the
/// generated training set (`/work/gen/fit_train.jsonl`, the corpora's held-out part) with the
/// default model. Rare words sit near 0 whatever the fluency, frequent ones well below:
/// without this a document's vocabulary, not its fluency, moves its mean. Bands 5 and rarer
/// (words seen under ~20 times) carry no signal and are left out of `ns_band_z`.
pub(crate) const BAND_NS: [(f32, f32); 5] =
    [(-0.384, 0.607), (-0.384, 0.607), (-0.534, 0.826), (-0.566, 0.982), (-0.335, 0.902)];

/// The [`BAND_NS`] entry of a unit of unigram log10 probability `unigram`: its band
/// `floor(-unigram)` (0 for a positive or NaN `unigram`), `None` for the rare bands past the
/// table. The same entry as `BAND_NS.get((-unigram).max(0.0) as usize)`: the value is neither
/// NaN nor negative, so its truncation is below the table's length exactly when it is, and a
/// value below it converts without the saturating `usize` conversion's range handling.
#[inline(always)]
fn band_ns(unigram: f32) -> Option<&'static (f32, f32)> {
    let x = (-unigram).max(0.0);
    if x < BAND_NS.len() as f32 { BAND_NS.get(x as u32 as usize) } else { None }
}

/// Mean of the worst quarter (at least one) of `sorted` (sorted worst first).
fn worst_quarter(sorted: &[f32]) -> Option<f64> {
    let k = sorted.len().div_ceil(4);
    (k > 0).then(|| sorted[..k].iter().map(|&x| x as f64).sum::<f64>() / k as f64)
}

/// One sentence of [`DocUnits`]: its place in `doc.sentences` and its tokens, and where its
/// units (and hashes) and its ids sit in the flat arrays.
struct SentUnits {
    sentence: usize,
    first: usize,
    last: usize,
    units: std::ops::Range<usize>,
    /// Start of `[BOS, w1, ..., wn, EOS]` in the id arrays (`n` = the units' count).
    ids_at: usize,
}

impl SentUnits {
    /// The range of the sentence's `[BOS, w1, ..., wn, EOS]` in the id arrays.
    fn ids(&self) -> std::ops::Range<usize> {
        self.ids_at..self.ids_at + self.units.len() + 2
    }
}

/// The units of every sentence of a document with at least one token, in order, with their
/// [`vocab_hash`]es, their ids under the reference model (`ids`) and the round-trip model
/// (`mt_ids`, empty without one), each sentence's ids as `[BOS, w1, ..., wn, EOS]`, and their
/// scores under both (`probs`, `mt_logp`: at the index of the unit's id, a placeholder at each
/// `BOS`): exactly what resolving and scoring each sentence alone gives, with the look-ups
/// prefetched ahead across sentence ends ([`resolve_and_score`]).
struct DocUnits {
    units: Vec<Unit>,
    hashes: Vec<u64>,
    ids: Vec<u32>,
    /// Read by the tests only: the round-trip model's ids matter to its scores, not to the
    /// features.
    #[cfg_attr(not(test), allow(dead_code))]
    mt_ids: Vec<u32>,
    probs: Vec<UnitProb>,
    mt_logp: Vec<f32>,
    sents: Vec<SentUnits>,
}

/// Where [`document_units`] puts a sentence's units (its tokens start at `first` in the
/// document's) and their [`vocab_hash`]es.
struct SentenceSink<'a> {
    text: &'a str,
    first: usize,
    units: &'a mut Vec<Unit>,
    hashes: &'a mut Vec<u64>,
}

impl UnitSink for SentenceSink<'_> {
    /// Inlined at each of the unit walk's calls: a call per unit cost about a fifth of the
    /// unit's work.
    #[inline(always)]
    fn unit(&mut self, u: &str, i: usize, t: Token) {
        self.hashes.push(vocab_hash(u.as_bytes()));
        let text = self.text;
        let word = matches!(t.kind, TokenKind::Word | TokenKind::Number);
        let cap = text.as_bytes().get(t.start()).is_some_and(|b| b.is_ascii_uppercase())
            || (text.as_bytes().get(t.start()).is_some_and(|&b| b >= 0x80)
                && text[t.start()..].chars().next().is_some_and(char::is_uppercase));
        // The id is resolved below, with the table slots prefetched a few units ahead.
        self.units.push(Unit { tok: self.first + i, id: UNK, word, cap });
    }
}

/// [`DocUnits`] of `doc`.
fn document_units(model: &Model, roundtrip: Option<&ContrastModel>, doc: &DocView<'_>) -> DocUnits {
    let (text, toks) = (doc.text, doc.tokens);
    // A unit per token, plus one per possessive split off its word ("father's" -> "father",
    // "'s"): a sixteenth more than the tokens keeps the two vectors from growing (a copy of
    // each) in ordinary text.
    let room = toks.len() + toks.len() / 16 + 4;
    let mut units = Vec::with_capacity(room);
    let mut hashes = Vec::with_capacity(room);
    let mut sents = Vec::with_capacity(doc.sentences.len());
    let mut ids_at = 0;
    // One buffer for the normalised units of every sentence.
    let mut buf = String::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        let (first, last) = (sent.first.min(toks.len()), sent.last.min(toks.len()));
        if first >= last {
            continue;
        }
        let at = units.len();
        let mut sink = SentenceSink { text, first, units: &mut units, hashes: &mut hashes };
        for_each_unit_with(text, &toks[first..last], &mut buf, &mut sink);
        let s = SentUnits { sentence: si, first, last, units: at..units.len(), ids_at };
        ids_at = s.ids().end;
        sents.push(s);
    }
    let ranges: Vec<std::ops::Range<usize>> = sents.iter().map(|s| s.units.clone()).collect();
    let mut scored = Scored::default();
    resolve_and_score(model, roundtrip, &hashes, &ranges, &mut scored);
    let Scored { ids, mt_ids, probs, mt_logp } = scored;
    for s in &sents {
        // The sentence's ids after its `BOS`, in unit order.
        for (u, &id) in units[s.units.clone()].iter_mut().zip(&ids[s.ids_at + 1..]) {
            u.id = id;
        }
    }
    DocUnits { units, hashes, ids, mt_ids, probs, mt_logp, sents }
}

/// Fluency features and evidence for one document. `roundtrip` is the contrast model of machine
/// round trips of the reference text ([`ContrastModel::roundtrip_embedded`] for the default model);
/// without it the `fluency.mt_*` features are missing.
pub fn analyze(model: &Model, roundtrip: Option<&ContrastModel>, doc: &DocView<'_>) -> FamilyOutput {
    analyze_with(model, roundtrip, doc, Candidates::for_default(model)).0
}

/// Per sentence of a document, what story clusters compare its versions by; the scores are
/// already at hand in fluency, so clusters need not score every sentence again.
#[derive(Debug, Clone, Default)]
pub struct SentenceScores {
    /// Its disfluency (`SentenceFluency::disfluency` of the model, bit for bit; `None` where it
    /// has none).
    pub disfluency: Vec<Option<f64>>,
    /// How much it reads like a machine round trip: the mean per unit of log10 P(round-trip
    /// model) - log10 P(reference model); `None` without a round-trip model or under
    /// [`MIN_SENT_UNITS`] units.
    pub roundtrip: Vec<Option<f64>>,
}

/// [`analyze`], and per sentence of `doc.sentences` its [`SentenceScores`].
pub fn analyze_with_sentences(
    model: &Model,
    roundtrip: Option<&ContrastModel>,
    doc: &DocView<'_>,
) -> (FamilyOutput, SentenceScores) {
    analyze_with(model, roundtrip, doc, Candidates::for_default(model))
}

/// [`analyze_with_sentences`], with the synonym candidates of known words taken from `cache`
/// when given.
fn analyze_with(
    model: &Model,
    roundtrip: Option<&ContrastModel>,
    doc: &DocView<'_>,
    cache: Option<&Candidates>,
) -> (FamilyOutput, SentenceScores) {
    let text = doc.text;
    let toks = doc.tokens;
    let quart = model.freq_quartiles();

    // Per word unit, in document order.
    // Sized once (at most a value per token or per sentence), not grown push by push.
    let mut ns_all: Vec<f32> = Vec::with_capacity(toks.len());
    let mut sent_means: Vec<f32> = Vec::with_capacity(doc.sentences.len());
    let mut sum_lp = 0f64;
    let mut sum_ns = 0f64;
    let mut sum_pos = 0f64;
    let mut n = 0usize;
    let mut oov = 0usize;
    // Unknown units that do not start with a capital: names are the register's, a lower-case
    // non-word (an untranslated word, a bad inflection) is damage.
    let mut lc_oov = 0usize;
    let mut quarts = [0usize; 4];
    let mut high = 0usize;
    let mut swaps = 0usize;
    let mut swap_sum = 0f64;
    let mut bi_miss = 0usize;
    let mut common_pairs = 0usize;
    let mut common_miss = 0usize;
    // Lower-case units only (names left out): sum, count, and per-sentence means.
    let mut lc_sum = 0f64;
    let mut lc_n = 0usize;
    let (mut z_sum, mut z_n) = (0f64, 0usize);
    let mut lc_sent: Vec<f32> = Vec::with_capacity(doc.sentences.len());
    // Scan statistic for local damage: per sentence, the sum of band-standardised surprisal
    // over sqrt(count), maximised over sentences. A sentence of ordinary words stays near the
    // noise level whatever its length; one damaged sentence stands out in a long document.
    let mut z_scan: Option<f64> = None;
    let mut odd = 0usize;
    let mut odd_pairs = 0usize;
    let mut swaps2 = 0usize;
    let th = Thesaurus { model, syn: Synonyms::embedded(), ordered: model.is_default(), cache };
    // An unknown word is taken as rarer than any word the model has seen.
    let unk_freq = -(model.total_tokens().max(1) as f32).log10();
    let (mut syn_swaps, mut syn_strength) = (0usize, 0f64);
    // Round-trip contrast: per unit, log10 P(round-trip model) - log10 P(reference model).
    let mut mt = MtStats::with_sentences(doc.sentences.len());
    // (gain, token, synonym id, raw log10 gain)
    let mut syn_ev: Vec<(f32, usize, u32, f32)> = Vec::new();

    // Every sentence's units, hashes, ids and scores first, for the whole document in one pass:
    // the vocabulary and n-gram look-ups prefetch ahead across sentence ends, and both models'
    // look-ups for a unit are issued together.
    let spans = document_units(model, roundtrip, doc);
    let DocUnits {
        units: all_units,
        hashes: all_hashes,
        ids: all_ids,
        probs: all_probs,
        mt_logp: all_mt,
        sents,
        ..
    } = &spans;

    let mut searched: Vec<u32> = Vec::new();
    let mut tried: Vec<Tried> = Vec::new();
    let mut prev_end: Option<usize> = None;
    let mut sentence_disfluency: Vec<Option<f64>> = vec![None; doc.sentences.len()];
    let mut sentence_roundtrip: Vec<Option<f64>> = vec![None; doc.sentences.len()];
    for sp in sents {
        let si = sp.sentence;
        let start = toks[sp.first].start();
        if let Some(e) = prev_end
            && text.as_bytes().get(e..start).is_some_and(|gap| gap.contains(&b'\n'))
        {
            mt.end_paragraph();
        }
        prev_end = Some(toks[sp.last - 1].end());
        let units = &all_units[sp.units.clone()];
        let hashes = &all_hashes[sp.units.clone()];
        let ids = &all_ids[sp.ids()];
        // The scores of `[w1, ..., wn, EOS]` (the `BOS` is not scored).
        let scored = sp.ids_at + 1..sp.ids().end;
        let probs = &all_probs[scored.clone()];
        sentence_disfluency[si] = consensus_disfluency(sp.first, units, probs);
        if roundtrip.is_some() {
            sentence_roundtrip[si] = mt.add_sentence(
                probs,
                &all_mt[scored],
                units.first().map_or(0, |u| u.tok),
                units.last().map_or(0, |u| u.tok),
            );
        }
        // The known words the synonym search will run for, their list slots asked for now:
        // each search then asks for the next one's list (hints only).
        searched.clear();
        let mut n_searched = 0usize;
        if let Some(c) = cache {
            let mut seen_word = false;
            for (u, p) in units.iter().zip(probs) {
                if !u.word {
                    continue;
                }
                if u.id != UNK && wants_synonym(u, p, !seen_word) {
                    c.prefetch_slot(u.id);
                    searched.push(u.id);
                }
                seen_word = true;
            }
            if let Some(&w) = searched.first() {
                c.prefetch_list(w);
            }
        }
        let mut s_sum = 0f32;
        let mut s_n = 0usize;
        let mut l_sum = 0f32;
        let mut l_n = 0usize;
        let (mut zs_sum, mut zs_n) = (0f64, 0usize);
        let mut prev_common = false;
        let mut prev_word = false;
        let mut seen_word = false;
        for (k, u) in units.iter().enumerate() {
            let p = probs[k];
            let uni_count = if u.id == UNK { 0 } else { p.count };
            let common = uni_count >= COMMON;
            let pair_common = common && prev_common && u.word && prev_word;
            if u.word && prev_word {
                if p.hit == 1 {
                    bi_miss += 1;
                }
                if pair_common {
                    common_pairs += 1;
                    if p.hit == 1 {
                        common_miss += 1;
                    }
                }
            }
            prev_common = common && u.word;
            prev_word = u.word;
            if !u.word {
                continue;
            }
            let initial = !seen_word;
            seen_word = true;
            n += 1;
            // A mid-sentence capitalised word is (nearly always) a name: its surprise measures
            // how rare the name is, not the fluency.
            let name = u.cap && !initial;
            // A word the context finds improbable (or does not know), with a synonym it expects.
            if wants_synonym(u, &p, initial) {
                if u.id != UNK
                    && let Some(c) = cache
                {
                    // The next searched word's list, its slot asked for above.
                    if let Some(&w2) = searched.get(n_searched + 1) {
                        c.prefetch_list(w2);
                    }
                    n_searched += 1;
                }
                // A known unit's hash is that of its vocabulary word (`Model::word`): the
                // table maps the word's hash to its id.
                let (word, fw) = if u.id == UNK {
                    (vocab_hash(normalize(toks[u.tok].text(text)).as_bytes()), unk_freq)
                } else {
                    (hashes[k], p.unigram)
                };
                let here = &probs[k..probs.len().min(k + 3)];
                if let Some((gain, s, raw)) = best_synonym(&th, word, fw, ids, k + 1, here, &mut tried)
                    && gain > SYN_GAIN
                {
                    syn_swaps += 1;
                    syn_strength += (gain - SYN_GAIN) as f64;
                    if gain >= SYN_EVIDENCE {
                        syn_ev.push((gain, u.tok, s, raw));
                    }
                }
            }
            if u.id == UNK {
                // An unknown word's figures measure the vocabulary, not the fluency.
                oov += 1;
                if !u.cap {
                    lc_oov += 1;
                }
                continue;
            }
            let ns = (p.unigram - p.logp).clamp(-NS_CLIP, NS_CLIP);
            sum_lp += p.logp as f64;
            sum_ns += ns as f64;
            sum_pos += ns.max(0.0) as f64;
            s_sum += ns;
            s_n += 1;
            ns_all.push(ns);
            if !name {
                lc_sum += ns as f64;
                lc_n += 1;
                if let Some(&(mu, sd)) = band_ns(p.unigram) {
                    let z = ((ns - mu) / sd) as f64;
                    z_sum += z;
                    z_n += 1;
                    zs_sum += z;
                    zs_n += 1;
                }
                l_sum += ns;
                l_n += 1;
            }
            if pair_common {
                odd_pairs += 1;
                if ns > COMMON_ODD {
                    odd += 1;
                }
            }
            let q = quart.iter().position(|&b| p.unigram >= b).unwrap_or(3);
            quarts[q] += 1;
            if ns > NS_HIGH {
                high += 1;
            }
            if p.ctx_best_logp >= CONFIDENT && u.id != p.ctx_best {
                let gap = p.ctx_best_logp - p.logp;
                if gap > SWAP_GAP {
                    swaps += 1;
                    swap_sum += (gap - SWAP_GAP) as f64;
                    // A spinner's swap breaks the right context too; names, sentence starts
                    // and predicted sentence ends are not swaps.
                    let right_broken = probs.get(k + 1).is_some_and(|q| q.unigram - q.logp > 0.0);
                    if !name && !initial && p.ctx_best != EOS && right_broken {
                        // Counted by how much the prediction beats the text once the predicted
                        // word's commonness is discounted ("the" over a rare "anonymity" is
                        // the model's ignorance, not a swap).
                        let extra = (model.unigram(p.ctx_best).freq - p.unigram).max(0.0);
                        let gain = gap - SYN_RARITY * extra;
                        if gain > SWAP_GAP {
                            swaps2 += 1;
                        }
                    }
                }
            }
        }
        if s_n >= MIN_SENT_UNITS {
            sent_means.push(s_sum / s_n as f32);
        }
        if l_n >= MIN_SENT_UNITS {
            lc_sent.push(l_sum / l_n as f32);
        }
        if zs_n >= MIN_SENT_UNITS {
            let z = zs_sum / (zs_n as f64).sqrt();
            z_scan = Some(z_scan.map_or(z, |m: f64| m.max(z)));
        }
    }

    let tally = Tally {
        n,
        oov,
        lc_oov,
        sum_lp,
        sum_ns,
        sum_pos,
        quarts,
        high,
        swaps,
        swap_sum,
        swaps2,
        bi_miss,
        common_pairs,
        common_miss,
        lc_sum,
        lc_n,
        z_sum,
        z_n,
        z_scan,
        odd,
        odd_pairs,
        syn_swaps,
        syn_strength,
        ns_all,
        sent_means,
        lc_sent,
    };
    let mismatches = articles::find(model, text, toks, doc.sentences);
    let (features, par_rel) = tally.features(mismatches.len(), &mut mt);
    let evidence = evidence(model, doc, syn_ev, &mt, par_rel, mismatches);
    (
        FamilyOutput { features, evidence },
        SentenceScores { disfluency: sentence_disfluency, roundtrip: sentence_roundtrip },
    )
}

/// A sentence's disfluency as `SentenceFluency::disfluency` computes it, from its units (which
/// start at token `first`) and their scores. A unit counts as [`disfluency_counts`] decides,
/// from the unit's own facts: `word` is the token's [`Token::is_wordlike`] and `cap` its
/// first character's [`char::is_uppercase`].
fn consensus_disfluency(first: usize, units: &[Unit], probs: &[UnitProb]) -> Option<f64> {
    band_z_mean(units.iter().map(|u| u.id != UNK && u.word && !(u.cap && u.tok > first)).zip(probs))
}

/// Whether a unit (of vocabulary id `id`, on token `t`) counts in a sentence's disfluency: a known
/// word that is not a name (capitalised and not the sentence's first token, `after_first`).
pub(crate) fn disfluency_counts(text: &str, t: Token, after_first: bool, id: u32) -> bool {
    let name = after_first && t.text(text).chars().next().is_some_and(char::is_uppercase);
    id != UNK && t.is_wordlike() && !name
}

/// A sentence's disfluency: the mean over its counted units (`true`) of their rarity-normalised
/// surprisal standardised by frequency band (as `ns_band_z`; rare bands left out). `None` when
/// no unit counts.
pub(crate) fn band_z_mean<'p>(units: impl IntoIterator<Item = (bool, &'p UnitProb)>) -> Option<f64> {
    let (mut sum, mut n) = (0f64, 0usize);
    for (counted, p) in units {
        if let (true, Some(&(mu, sd))) = (counted, band_ns(p.unigram)) {
            let ns = (p.unigram - p.logp).clamp(-NS_CLIP, NS_CLIP);
            sum += f64::from((ns - mu) / sd);
            n += 1;
        }
    }
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::BOS;
    use crate::{segment, tokenize};

    fn run(text: &str) -> FamilyOutput {
        let tokens = tokenize::tokenize(text);
        let sentences = segment::sentences(text, &tokens);
        let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
        analyze(Model::embedded(), Some(ContrastModel::roundtrip_embedded()), &doc)
    }

    /// The seed republications in data/seeds, in file-name order.
    fn seed_texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds");
        let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }

    #[test]
    fn synonym_table_is_in_default_model_frequency_order() {
        // best_synonym stops at the first candidate rarer than the word: exact only while
        // every list is most frequent first by the default model's own figures.
        let model = Model::embedded();
        assert!(model.is_default());
        let mut lists = 0;
        for list in Synonyms::embedded().lists() {
            let freqs: Vec<f32> = list
                .map(|c| model.word_id_bytes(c))
                .filter(|&id| id != UNK)
                .map(|id| model.unigram(id).freq)
                .collect();
            assert!(freqs.windows(2).all(|w| w[0] >= w[1]), "{freqs:?}");
            lists += 1;
        }
        assert_eq!(lists, Synonyms::embedded().len());
    }

    #[test]
    fn each_sentence_gets_its_round_trip_contrast() {
        let text = "The minister said on Tuesday that the new rules would take effect next year. \
                    The measure of the government was approved by the majority of the deputies in the session of yesterday.";
        let tokens = tokenize::tokenize(text);
        let sentences = segment::sentences(text, &tokens);
        let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
        let (out, scores) =
            analyze_with_sentences(Model::embedded(), Some(ContrastModel::roundtrip_embedded()), &doc);
        assert_eq!(sentences.len(), 2);
        let (a, b) = (scores.roundtrip[0].unwrap(), scores.roundtrip[1].unwrap());
        // The round-trip-like sentence reads more like a round trip than the English one.
        assert!(b > a, "{a} {b}");
        // The document's mean per unit lies between its sentences' means.
        let mean = out.get("fluency.mt_llr").unwrap();
        assert!(mean > a && mean < b, "{mean} {a} {b}");
        // Without a round-trip model there is no contrast.
        let (_, none) = analyze_with_sentences(Model::embedded(), None, &doc);
        assert_eq!(none.roundtrip, vec![None, None]);
    }

    #[test]
    fn sentence_disfluency_is_what_consensus_would_compute() {
        use crate::features::consensus::SentenceFluency;
        let mut texts = seed_texts();
        texts.push(format!(
            "\"Quoted start\" said Biden. {CLEAN}\n{ROUND_TRIP}\nI don't know. U.S. officials' talks."
        ));
        let model = Model::embedded();
        let mut compared = 0;
        for text in &texts {
            let tokens = tokenize::tokenize(text);
            let sentences = segment::sentences(text, &tokens);
            let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
            let (_, scores) = analyze_with_sentences(model, None, &doc);
            let dis = scores.disfluency;
            assert_eq!(dis.len(), sentences.len());
            assert!(scores.roundtrip.iter().all(Option::is_none), "no round-trip model, no contrast");
            for (s, d) in sentences.iter().zip(&dis) {
                if s.first < s.last && s.last <= tokens.len() {
                    let want = model.disfluency(text, &tokens[s.first..s.last]);
                    assert_eq!(
                        d.map(f64::to_bits),
                        want.map(f64::to_bits),
                        "{:?}",
                        &text[tokens[s.first].start()..]
                    );
                    compared += usize::from(want.is_some());
                }
            }
        }
        assert!(compared > 100, "{compared}");
    }

    /// A sentence's units as (token, id, word, cap), hashes, ids and round-trip model ids.
    type Alone = (Vec<(usize, u32, bool, bool)>, Vec<u64>, Vec<u32>, Vec<u32>);

    /// The units, hashes and ids of one sentence as the per-sentence code resolved them before
    /// [`document_units`].
    fn sentence_units_alone(
        model: &Model,
        rt: &ContrastModel,
        text: &str,
        toks: &[Token],
        first: usize,
        last: usize,
    ) -> Alone {
        let (mut units, mut hashes) = (Vec::new(), Vec::new());
        crate::model::units::for_each_unit(text, &toks[first..last], |u, i| {
            let tok = first + i;
            let h = vocab_hash(u.as_bytes());
            hashes.push(h);
            let t = toks[tok];
            let word = matches!(t.kind, TokenKind::Word | TokenKind::Number);
            let cap = text.as_bytes().get(t.start()).is_some_and(|b| b.is_ascii_uppercase())
                || (text.as_bytes().get(t.start()).is_some_and(|&b| b >= 0x80)
                    && text[t.start()..].chars().next().is_some_and(char::is_uppercase));
            units.push((tok, model.word_id(u), word, cap));
        });
        let mut ids = vec![BOS];
        ids.extend(units.iter().map(|u| u.1));
        ids.push(EOS);
        let mut mt = vec![BOS];
        mt.extend(hashes.iter().map(|&h| rt.word_id_hashed(h)));
        mt.push(EOS);
        (units, hashes, ids, mt)
    }

    #[test]
    fn document_units_equal_each_sentence_resolved_and_scored_alone() {
        let model = Model::embedded();
        let rt = ContrastModel::roundtrip_embedded();
        let mut texts = seed_texts();
        texts.extend(
            [
                "",
                "Hi.",
                "Zorblatt quenwicks. A. The the the. \u{1F600} \u{1F600}. Ölfeld Überweisung x.",
                "One-unit. Sentences! Here? Yes.\n\nAnd a new paragraph , with odd  spacing",
            ]
            .map(String::from),
        );
        let mut checked = (0usize, 0usize, 0usize);
        for text in &texts {
            let tokens = tokenize::tokenize(text);
            let mut sentences = segment::sentences(text, &tokens);
            // Spans past the tokens, empty and reversed ones: skipped, as before.
            let n = tokens.len();
            sentences.push(segment::SentenceSpan { first: n, last: n + 3 });
            sentences.insert(0, segment::SentenceSpan { first: 2.min(n), last: 1.min(n) });
            let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
            for with_rt in [false, true] {
                let d = document_units(model, with_rt.then_some(rt), &doc);
                assert_eq!(d.mt_ids.is_empty(), !with_rt || d.sents.is_empty());
                let mut want_sents = Vec::new();
                for (si, s) in sentences.iter().enumerate() {
                    let (first, last) = (s.first.min(n), s.last.min(n));
                    if first < last {
                        want_sents.push((si, first, last));
                    }
                }
                let got: Vec<_> = d.sents.iter().map(|s| (s.sentence, s.first, s.last)).collect();
                assert_eq!(got, want_sents);
                for s in &d.sents {
                    let (units, hashes, ids, mt) =
                        sentence_units_alone(model, rt, text, &tokens, s.first, s.last);
                    let got: Vec<_> =
                        d.units[s.units.clone()].iter().map(|u| (u.tok, u.id, u.word, u.cap)).collect();
                    assert_eq!(got, units);
                    assert_eq!(&d.hashes[s.units.clone()], &hashes[..]);
                    assert_eq!(&d.ids[s.ids()], &ids[..]);
                    // Scored as the sentence alone, bit for bit; a placeholder at its BOS.
                    let mut alone = Vec::new();
                    model.score_sequence(&ids, &mut alone);
                    let bits = |v: &[UnitProb]| -> Vec<_> {
                        v.iter()
                            .map(|p| {
                                let f = (p.logp.to_bits(), p.unigram.to_bits(), p.ctx_best_logp.to_bits());
                                (f, p.ctx_best, p.hit, p.count)
                            })
                            .collect()
                    };
                    assert_eq!(bits(&d.probs[s.ids_at + 1..s.ids().end]), bits(&alone));
                    assert_eq!(d.probs[s.ids_at], crate::model::NOT_SCORED);
                    assert_eq!(d.probs.len(), d.ids.len());
                    if with_rt {
                        assert_eq!(&d.mt_ids[s.ids()], &mt[..]);
                        let mut alone_mt = Vec::new();
                        rt.score_logp(&mt, &mut alone_mt);
                        let got: Vec<u32> =
                            d.mt_logp[s.ids_at + 1..s.ids().end].iter().map(|x| x.to_bits()).collect();
                        assert_eq!(got, alone_mt.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
                        assert_eq!(d.mt_logp.len(), d.ids.len());
                    } else {
                        assert!(d.mt_logp.is_empty());
                    }
                    checked.0 += 1;
                    checked.1 += usize::from(units.len() <= 1);
                    checked.2 += units.iter().filter(|u| u.1 == UNK).count();
                }
            }
        }
        assert!(checked.0 > 100 && checked.1 > 0 && checked.2 > 5, "{checked:?}");
    }

    #[test]
    fn batched_synonym_search_equals_the_walk_at_every_position() {
        // Every known word of every sentence (seeds, and their words rotated so contexts are
        // improbable), searched through the cache (left scores batched first) and through the
        // table walk (one candidate after another): the same (gain, synonym, raw) bit for bit.
        let model = Model::embedded();
        let mut texts: Vec<String> = Vec::new();
        for t in seed_texts() {
            let mut words: Vec<&str> = t.split_whitespace().collect();
            texts.push(t.clone());
            let third = words.len() / 3;
            words.rotate_left(third);
            texts.push(words.join(" "));
        }
        texts.push("Arsenic. Quoted arsenic. The minister was quoted arsenic".into());
        let cached = Thesaurus {
            model,
            syn: Synonyms::embedded(),
            ordered: true,
            cache: Some(Candidates::for_default(model).unwrap()),
        };
        let walked = Thesaurus { cache: None, ..cached };
        let (mut scratch, mut probs) = (Vec::new(), Vec::new());
        let (mut found, mut none) = (0usize, 0usize);
        for text in &texts {
            let tokens = tokenize::tokenize(text);
            let sentences = segment::sentences(text, &tokens);
            let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
            let d = document_units(model, None, &doc);
            for s in &d.sents {
                let ids = &d.ids[s.ids()];
                probs.clear();
                model.score_sequence(ids, &mut probs);
                for k in 0..s.units.len() {
                    let (h, w) = (d.hashes[s.units.start + k], ids[k + 1]);
                    if w == UNK {
                        continue;
                    }
                    let here = &probs[k..probs.len().min(k + 3)];
                    let fw = probs[k].unigram;
                    let a = best_synonym(&cached, h, fw, ids, k + 1, here, &mut scratch);
                    let b = best_synonym(&walked, h, fw, ids, k + 1, here, &mut scratch);
                    let bits = |x: Option<(f32, u32, f32)>| x.map(|(g, s, r)| (g.to_bits(), s, r.to_bits()));
                    assert_eq!(bits(a), bits(b), "{:?} at {k}", &ids);
                    if a.is_some() {
                        found += 1;
                    } else {
                        none += 1;
                    }
                }
            }
        }
        assert!(found > 500 && none > 500, "{found} {none}");
    }

    #[test]
    fn cached_candidates_give_the_same_output() {
        // The seed documents, and each with its words rotated within every sentence-sized
        // chunk (improbable contexts, so the synonym search runs often).
        let mut texts: Vec<String> = Vec::new();
        for t in seed_texts() {
            let words: Vec<&str> = t.split_whitespace().collect();
            let garbled: Vec<String> = words
                .chunks(12)
                .map(|c| {
                    let mut c = c.to_vec();
                    let k = c.len() / 3;
                    c.rotate_left(k);
                    c.join(" ")
                })
                .collect();
            texts.push(t.clone());
            texts.push(garbled.join(". "));
        }
        texts.push("The minister was quoted arsenic saying that the talks would continue next week.".into());
        let model = Model::embedded();
        let cache = Candidates::for_default(model).expect("default model");
        let mut swaps = 0.0;
        for text in &texts {
            let tokens = tokenize::tokenize(text);
            let sentences = segment::sentences(text, &tokens);
            let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
            let (a, b) =
                (analyze_with(model, None, &doc, None).0, analyze_with(model, None, &doc, Some(cache)).0);
            assert_eq!(a, b);
            for (x, y) in a.features.iter().zip(&b.features) {
                assert_eq!(x.value.map(f64::to_bits), y.value.map(f64::to_bits));
            }
            swaps += a.get("fluency.syn_swap_rate").unwrap_or(0.0);
        }
        assert!(texts.len() > 10 && swaps > 0.0, "{} texts, {swaps}", texts.len());
    }

    const CLEAN: &str = "The company said on Tuesday that its profits had risen sharply in the last three \
        months of the year, helped by strong sales of its new phones. Analysts had expected a smaller rise. \
        The shares closed higher in New York.";
    /// CLEAN through Apertium English -> Catalan -> English.
    const ROUND_TRIP: &str = "The company said at Tuesday that his benefits had ascended sharply in the last \
        three months of the year, aided by strong sales of his new telephones. The analysts had expected a \
        smaller increase. The more enclosed turnouts tall at New York.";

    #[test]
    fn lower_case_oov_leaves_names_out() {
        // An unknown name counts in the OOV rate only; an unknown lower-case word in both.
        let name = run("The minister met Zorblatt Quenwick in the capital on Tuesday to discuss the budget.");
        let word = run(
            "The minister met the zorblattish delegation in the capital on Tuesday to discuss the budget.",
        );
        assert!(name.get("fluency.oov_rate").unwrap() > 0.0);
        assert_eq!(name.get("fluency.lc_oov_rate"), Some(0.0));
        assert!(word.get("fluency.lc_oov_rate").unwrap() > 0.0);
        assert_eq!(word.get("fluency.lc_oov_rate"), word.get("fluency.oov_rate"));
    }

    #[test]
    fn paragraph_contrast_finds_the_round_tripped_paragraph() {
        // Three paragraphs, one of them round-tripped: its paragraph carries the scan, one of
        // three is preferred by the round-trip model, and the clean text's three are not.
        let clean = [CLEAN, CLEAN, CLEAN].join("\n");
        let mixed = [CLEAN, ROUND_TRIP, CLEAN].join("\n");
        let (c, m) = (run(&clean), run(&mixed));
        let (cs, ms) = (c.get("fluency.mt_par_scan").unwrap(), m.get("fluency.mt_par_scan").unwrap());
        assert!(ms > cs + 0.5, "scan: mixed {ms}, clean {cs}");
        assert_eq!(c.get("fluency.mt_par_share"), Some(0.0));
        assert!((m.get("fluency.mt_par_share").unwrap() - 1.0 / 3.0).abs() < 1e-9);
        // One paragraph (no line break): the whole text is that paragraph.
        let one = run(&[CLEAN, ROUND_TRIP].join(" "));
        assert!(matches!(one.get("fluency.mt_par_share"), Some(x) if x == 0.0 || x == 1.0));
        // Without line breaks, a long text is cut into paragraphs of about MAX_PAR_UNITS units:
        // its scan is that of its worst block, not one that grows with its length.
        let scan =
            |copies: usize| run(&vec![ROUND_TRIP; copies].join(" ")).get("fluency.mt_par_scan").unwrap();
        let (twelve, twenty_four) = (scan(12), scan(24));
        assert!(twelve > 0.0 && (twenty_four - twelve).abs() < 0.1 * twelve, "{twelve} vs {twenty_four}");
        let one = run(&[ROUND_TRIP; 12].join(" "));
        let whole = one.get("fluency.mt_llr").unwrap() * one.get("fluency.units").unwrap().sqrt();
        assert!(twelve < 0.8 * whole, "scan {twelve}, one block of the whole text would give {whole}");
        // Too short a paragraph does not count.
        let short = run("The shares rose.");
        assert_eq!(short.get("fluency.mt_par_scan"), None);
        assert_eq!(short.get("fluency.mt_par_share"), None);
    }

    #[test]
    fn relative_contrast_sees_a_rewritten_paragraph_against_its_own_page() {
        // One round-tripped paragraph among clean ones stands out against the page's median;
        // a page round-tripped throughout has nothing to stand out against.
        let clean = run(&[CLEAN, CLEAN, CLEAN].join("\n"));
        let mixed = run(&[CLEAN, ROUND_TRIP, CLEAN].join("\n"));
        let all = run(&[ROUND_TRIP, ROUND_TRIP, ROUND_TRIP].join("\n"));
        for f in ["fluency.mt_par_rel", "fluency.mt_sent_rel"] {
            let (c, m) = (clean.get(f).unwrap(), mixed.get(f).unwrap());
            assert!(m > c + 0.5, "{f}: mixed {m}, clean {c}");
        }
        // Paragraphs of one round trip are alike (its sentences less so).
        let (m, a) = (mixed.get("fluency.mt_par_rel").unwrap(), all.get("fluency.mt_par_rel").unwrap());
        assert!(m > a + 0.5, "mixed {m}, all round-tripped {a}");
        // Identical paragraphs all sit at the median.
        assert!(clean.get("fluency.mt_par_rel").unwrap().abs() < 1e-9);
        // Under two paragraphs there is no page to compare with.
        assert_eq!(run(CLEAN).get("fluency.mt_par_rel"), None);
    }

    #[test]
    fn the_paragraph_unlike_its_page_is_shown() {
        let kind = "paragraph-unlike-page";
        let text = [CLEAN, CLEAN, ROUND_TRIP, CLEAN].join("\n");
        let out = run(&text);
        let shown: Vec<_> = out.evidence.iter().filter(|e| e.kind == kind).collect();
        assert_eq!(shown.len(), 1, "{:?}", out.get("fluency.mt_par_rel"));
        let at = text.find(ROUND_TRIP).unwrap();
        assert_eq!((shown[0].start, shown[0].end), (at, at + ROUND_TRIP.trim_end().len()));
        assert_eq!(shown[0].strength, out.get("fluency.mt_par_rel").unwrap());
        // A clean page, and a page round-tripped throughout, have no such paragraph.
        for page in [[CLEAN; 4].join("\n"), [ROUND_TRIP; 4].join("\n")] {
            assert!(run(&page).evidence.iter().all(|e| e.kind != kind));
        }
    }

    #[test]
    fn a_round_trip_reads_more_like_one_than_its_original() {
        let clean = run(CLEAN);
        let rt = run(ROUND_TRIP);
        for f in ["fluency.mt_llr", "fluency.mt_worst_sent", "fluency.mt_scan_max"] {
            let (c, r) = (clean.get(f).unwrap(), rt.get(f).unwrap());
            assert!(r > c, "{f}: round trip {r} should be above original {c}");
        }
        assert!(rt.get("fluency.mt_sent_share").unwrap() >= clean.get("fluency.mt_sent_share").unwrap());
    }

    #[test]
    fn without_a_round_trip_model_the_mt_features_are_missing() {
        let tokens = tokenize::tokenize(ROUND_TRIP);
        let sentences = segment::sentences(ROUND_TRIP, &tokens);
        let doc = DocView { text: ROUND_TRIP, lines: &[], tokens: &tokens, sentences: &sentences };
        let out = analyze(Model::embedded(), None, &doc);
        let with = run(ROUND_TRIP);
        for f in ["fluency.mt_llr", "fluency.mt_worst_sent", "fluency.mt_scan_max", "fluency.mt_sent_share"] {
            assert_eq!(out.get(f), None, "{f}");
            assert!(with.get(f).is_some(), "{f}");
        }
        assert_eq!(out.get("fluency.mt_par_rel"), None);
        assert_eq!(out.get("fluency.mt_sent_rel"), None);
        // The other features do not depend on the contrast model.
        assert_eq!(out.get("fluency.ns_mean"), with.get("fluency.ns_mean"));
        assert!(out.evidence.iter().all(|e| e.kind != "reads-like-round-trip"));
    }

    #[test]
    fn garbled_ranks_below_fluent() {
        let fluent = run("The president said on Monday that the talks would continue next week.");
        let garbled = run("The president said of Monday that the talks would to continue saw week.");
        let f = fluent.get("fluency.ns_mean").unwrap();
        let g = garbled.get("fluency.ns_mean").unwrap();
        assert!(g > f, "garbled {g} should be above fluent {f}");
        assert!(garbled.evidence.iter().all(|e| e.end <= 74 && e.start < e.end));
    }

    #[test]
    fn names_do_not_count_against_fluency() {
        // Mid-sentence capitalised words are left out of lc_ns_mean; sentence starts are not.
        let plain = run("He said on monday that the talks would continue next week.");
        let (p, q) = (plain.get("fluency.lc_ns_mean").unwrap(), plain.get("fluency.ns_mean").unwrap());
        assert!((p - q).abs() < 1e-9, "{p} vs {q}");
        let named = run("He said on Monday that the talks with Khrushchev would continue.");
        let (p, q) = (named.get("fluency.lc_ns_mean").unwrap(), named.get("fluency.ns_mean").unwrap());
        assert!((p - q).abs() > 1e-6, "{p} vs {q}");
    }

    #[test]
    fn swaps_need_a_broken_right_context() {
        let band = run("The of the that a atmosphere of was the and.");
        let clean = run("The mood of the meeting was calm and the talks went well.");
        assert!(band.get("fluency.ns_band_z").unwrap() > clean.get("fluency.ns_band_z").unwrap());
        assert!(band.get("fluency.common_odd_rate").unwrap() > clean.get("fluency.common_odd_rate").unwrap());
    }

    #[test]
    fn thesaurus_swaps_are_evidence_with_the_expected_word() {
        let out = run("The minister was quoted arsenic saying that the talks would continue next week.");
        let swap = out.evidence.iter().find(|e| e.kind == "synonym-swap").expect("a synonym swap");
        assert_eq!(swap.suggestion.as_deref(), Some("as"));
        assert!(out.get("fluency.syn_swap_rate").unwrap() > 0.0);
        let clean = run("The minister was quoted as saying that the talks would continue next week.");
        assert!(clean.evidence.iter().all(|e| e.kind != "synonym-swap"), "{:?}", clean.evidence);
        assert_eq!(clean.get("fluency.syn_swap_rate"), Some(0.0));
    }

    #[test]
    fn empty_and_pathological_input() {
        let out = run("");
        assert_eq!(out.features.len(), FEATURES.len());
        assert_eq!(out.get("fluency.ns_mean"), None);
        let out = run(&"😀".repeat(10_000));
        assert_eq!(out.features.len(), FEATURES.len());
        let long = "the ".repeat(200_000);
        let t = std::time::Instant::now();
        let out = run(&long);
        assert!(out.get("fluency.ns_mean").is_some());
        assert!(t.elapsed().as_secs() < 10);
    }
}

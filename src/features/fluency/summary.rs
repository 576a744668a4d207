//! The fluency walk's counts turned into the family's features ([`Tally::features`]) and
//! evidence ([`evidence`]).

use super::articles::Mismatch;
use super::roundtrip::MtStats;
use super::{FEATURES, MAX_EVIDENCE, SENT_HIGH, SYN_EVIDENCE, WINDOW, worst_quarter};
use crate::document::DocView;
use crate::features::{Evidence, Family, Feature};
use crate::model::Model;

/// What the walk over a document's word units counted, turned into the family's features by
/// [`Tally::features`]. (The comments below each describe a group of fields.)
pub(super) struct Tally {
    // Word units, and those the model does not know (all, and lower-case ones).
    pub(super) n: usize,
    pub(super) oov: usize,
    pub(super) lc_oov: usize,
    // Over known word units: sums of `lp`, `ns` and `max(ns, 0)`.
    pub(super) sum_lp: f64,
    pub(super) sum_ns: f64,
    pub(super) sum_pos: f64,
    // Known word units per frequency quartile of the model's vocabulary.
    pub(super) quarts: [usize; 4],
    // Known word units with `ns` above `NS_HIGH`.
    pub(super) high: usize,
    // Confident-context swaps: count, summed excess gap, and those that survive the rarity
    // discount.
    pub(super) swaps: usize,
    pub(super) swap_sum: f64,
    pub(super) swaps2: usize,
    // Word pairs the model has no bigram for: all, and among pairs of common words.
    pub(super) bi_miss: usize,
    pub(super) common_pairs: usize,
    pub(super) common_miss: usize,
    // Lower-case (not name) units: `ns` sum and count, band-standardised sum and count.
    pub(super) lc_sum: f64,
    pub(super) lc_n: usize,
    pub(super) z_sum: f64,
    pub(super) z_n: usize,
    // Largest per-sentence scan statistic of band-standardised surprisal.
    pub(super) z_scan: Option<f64>,
    // Pairs of common words, and those whose second word is odd (`ns` > `COMMON_ODD`).
    pub(super) odd: usize,
    pub(super) odd_pairs: usize,
    // Thesaurus swaps above `SYN_GAIN`: count and summed excess gain.
    pub(super) syn_swaps: usize,
    pub(super) syn_strength: f64,
    // Every known unit's `ns`, in order (for the worst window).
    pub(super) ns_all: Vec<f32>,
    // Per sentence (of at least `MIN_SENT_UNITS` units): mean `ns`, all units and lower-case
    // ones.
    pub(super) sent_means: Vec<f32>,
    pub(super) lc_sent: Vec<f32>,
}

impl Tally {
    /// The family's features in [`FEATURES`] order, from the counts, the number of article
    /// mismatches and the round-trip statistics (whose last paragraph this closes). Also returns
    /// the relative paragraph scan the `paragraph-unlike-page` evidence needs.
    pub(super) fn features(
        mut self,
        mismatches: usize,
        mt: &mut MtStats,
    ) -> (Vec<Feature>, Option<(f64, usize)>) {
        let nf = self.n.max(1) as f64;
        let mut features = Vec::with_capacity(FEATURES.len());
        let mut put = |name: &'static str, v: Option<f64>| {
            features.push(match v {
                Some(x) => Feature::new(name, x),
                None => Feature::missing(name),
            })
        };
        let has = self.n > 0;
        put(FEATURES[0], has.then(|| -self.sum_lp / nf));
        let n_known = (self.n - self.oov).max(1) as f64;
        put(FEATURES[1], (self.n > self.oov).then(|| self.sum_ns / n_known));
        // Worst sentences.
        let mut sorted = self.sent_means.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        put(FEATURES[2], worst_quarter(&sorted));
        put(FEATURES[3], sorted.first().map(|&x| x as f64));
        // Worst window of WINDOW word units (the whole document when shorter).
        let worst_window = if self.ns_all.is_empty() {
            None
        } else if self.ns_all.len() <= WINDOW {
            Some(self.ns_all.iter().map(|&x| x as f64).sum::<f64>() / self.ns_all.len() as f64)
        } else {
            let mut s: f64 = self.ns_all[..WINDOW].iter().map(|&x| x as f64).sum();
            let mut best = s;
            for i in WINDOW..self.ns_all.len() {
                s += self.ns_all[i] as f64 - self.ns_all[i - WINDOW] as f64;
                best = best.max(s);
            }
            Some(best / WINDOW as f64)
        };
        put(FEATURES[4], worst_window);
        put(FEATURES[5], has.then(|| self.high as f64 / nf));
        put(
            FEATURES[6],
            (!self.sent_means.is_empty()).then(|| {
                self.sent_means.iter().filter(|&&m| m > SENT_HIGH).count() as f64
                    / self.sent_means.len() as f64
            }),
        );
        put(FEATURES[7], has.then(|| self.oov as f64 / nf));
        for q in 0..4 {
            put(FEATURES[8 + q], has.then(|| self.quarts[q] as f64 / nf));
        }
        put(FEATURES[12], has.then(|| self.swaps as f64 / nf));
        put(FEATURES[13], has.then(|| self.swap_sum / nf));
        put(FEATURES[14], has.then(|| self.bi_miss as f64 / nf));
        put(
            FEATURES[15],
            (self.common_pairs > 0).then(|| self.common_miss as f64 / self.common_pairs as f64),
        );
        put(FEATURES[16], Some(self.n as f64));
        put(FEATURES[17], (self.n > self.oov).then(|| self.sum_pos / n_known));
        put(FEATURES[18], (self.lc_n > 0).then(|| self.lc_sum / self.lc_n as f64));
        self.lc_sent.sort_by(|a, b| b.total_cmp(a));
        put(FEATURES[19], worst_quarter(&self.lc_sent));
        put(FEATURES[20], (self.z_n > 0).then(|| self.z_sum / self.z_n as f64));
        put(FEATURES[21], (self.odd_pairs > 0).then(|| self.odd as f64 / self.odd_pairs as f64));
        put(FEATURES[22], has.then(|| self.swaps2 as f64 / nf));
        put(FEATURES[23], has.then(|| self.syn_swaps as f64 / nf));
        put(FEATURES[24], has.then(|| self.syn_strength / nf));
        put(FEATURES[25], has.then(|| mismatches as f64 / nf));
        put(FEATURES[26], self.z_scan);
        let (llr, worst, scan, share) = mt.features();
        put(FEATURES[27], llr);
        put(FEATURES[28], worst);
        put(FEATURES[29], scan);
        put(FEATURES[30], share);
        mt.end_paragraph();
        let (par_scan, par_share) = mt.paragraph_features();
        put(FEATURES[31], par_scan);
        put(FEATURES[32], par_share);
        put(FEATURES[33], has.then(|| self.lc_oov as f64 / nf));
        let (par_rel, sent_rel) = mt.relative_features();
        put(FEATURES[34], par_rel.map(|(x, _)| x));
        put(FEATURES[35], sent_rel);
        (features, par_rel)
    }
}

/// The family's evidence: thesaurus swaps, round-trip sentences and paragraphs, article
/// mismatches (each kind its [`MAX_EVIDENCE`] strongest).
pub(super) fn evidence(
    model: &Model,
    doc: &DocView<'_>,
    mut syn_ev: Vec<(f32, usize, u32, f32)>,
    mt: &MtStats,
    par_rel: Option<(f64, usize)>,
    mut mismatches: Vec<Mismatch>,
) -> Vec<Evidence> {
    let (text, toks) = (doc.text, doc.tokens);
    // Evidence: thesaurus swaps, round-trip sentences and paragraphs, article mismatches. The
    // least probable units and the confident-context swaps (a strong prediction, another word in
    // the text) are features only: as evidence they were as frequent on clean text as on damaged
    // (scripts/evidence_precision.py, EVALUATION.md "Evidence users can trust").
    let mut evidence = Vec::new();
    strongest(&mut syn_ev, |e| (e.0, e.1));
    for (gain, t, s, raw) in syn_ev {
        let (start, end) = (toks[t].start(), toks[t].end());
        let original = model.word(s);
        evidence.push(Evidence {
            family: Family::Fluency,
            kind: "synonym-swap",
            start,
            end,
            strength: gain as f64,
            note: format!(
                "its synonym \"{original}\" makes this passage {} more probable: a thesaurus swap?",
                times(raw as f64)
            ),
            suggestion: Some(original.to_string()),
        });
    }
    for (ratio, a, b) in mt.evidence() {
        let (start, end) = (toks[a].start(), toks[b].end());
        evidence.push(Evidence {
            family: Family::Fluency,
            kind: "reads-like-round-trip",
            start,
            end,
            strength: f64::from(ratio),
            note: format!(
                "this sentence reads like machine translation and back: {} likelier per word under the round-trip model than under clean English",
                times(f64::from(ratio))
            ),
            suggestion: None,
        });
    }
    if let Some((excess, a, b)) = mt.unlike_page(par_rel) {
        let (start, end) = (toks[a].start(), toks[b].end());
        evidence.push(Evidence {
            family: Family::Fluency,
            kind: "paragraph-unlike-page",
            start,
            end,
            strength: excess,
            note: format!(
                "this paragraph reads more like machine translation and back than the rest of the page ({excess:.1} over its median paragraph): a part rewritten by a tool, or stitched in from elsewhere?"
            ),
            suggestion: None,
        });
    }
    strongest(&mut mismatches, |m| (m.gain, m.tok));
    for m in mismatches {
        let (start, end) = (toks[m.tok].start(), toks.get(m.tok + 1).map_or(toks[m.tok].end(), |t| t.end()));
        evidence.push(Evidence {
            family: Family::Fluency,
            kind: "article-mismatch",
            start,
            end,
            // Rarer in clean text than a synonym swap at the evidence threshold (about 0.3
            // against 10 per 10,000 words of the clean BBC originals): ranked with at least
            // that strength, on the same log10 scale.
            strength: m.gain.max(SYN_EVIDENCE) as f64,
            note: format!(
                "\"{}\": the next word wants \"{}\" (a swapped word after a kept article?)",
                &text[start..end],
                m.want
            ),
            suggestion: Some(m.want.to_string()),
        });
    }
    evidence
}

/// Keeps the [`MAX_EVIDENCE`] strongest entries of `v` by `key` = (strength, token), ties to
/// the earlier token, in document order.
fn strongest<T>(v: &mut Vec<T>, key: impl Fn(&T) -> (f32, usize)) {
    v.sort_by(|a, b| {
        let ((sa, ta), (sb, tb)) = (key(a), key(b));
        sb.total_cmp(&sa).then(ta.cmp(&tb))
    });
    v.truncate(MAX_EVIDENCE);
    v.sort_by_key(|e| key(e).1);
}

/// "340x", "over 1,000,000x": a log10 ratio for people.
fn times(log10: f64) -> String {
    if log10 >= 6.0 { "over 1,000,000x".to_string() } else { format!("{:.0}x", 10f64.powf(log10)) }
}

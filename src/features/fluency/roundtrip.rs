//! The round-trip contrast over a document: per word unit, how much likelier the round-trip
//! model (trained on machine round trips of the reference model's own text) finds it than the
//! reference model, summed per sentence and per paragraph, with the scans that find the
//! sentence or paragraph that reads most like a round trip, alone or against its own page.

use super::{MIN_SENT_UNITS, worst_quarter};
use crate::metrics::median;
use crate::model::UnitProb;

/// Per-unit log10 probability ratios are clipped to this, so one word both models find absurd
/// cannot outweigh a sentence.
pub(super) const MT_CLIP: f32 = 3.0;

/// A sentence whose mean ratio reaches this (log10 per unit: the round-trip model finds it
/// about 2x likelier, unit for unit) is shown as evidence.
pub(super) const MT_EVIDENCE: f64 = 0.3;
/// A paragraph whose contrast exceeds its page's median paragraph by at least this much
/// ([`relative_scan`]'s units) is shown as evidence: 0.8% of the clean training documents have
/// one, against 29-60% of those with a quarter of their paragraphs round-tripped (generated
/// training data, each document scored alone).
pub(super) const PAR_EVIDENCE: f64 = 2.0;

/// Units a paragraph needs to count in the paragraph-level contrast features.
pub(super) const MIN_PAR_UNITS: usize = 12;
/// A paragraph is closed at the first sentence end past this many units (90% of the training
/// originals' paragraphs are shorter), so that text without line breaks, or with very long
/// paragraphs, gets paragraph figures of the usual size: a scan over one block of a whole
/// document would grow with its length.
pub(super) const MAX_PAR_UNITS: usize = 150;

/// What the round-trip contrast gives over a document: per unit, how much likelier the
/// round-trip model finds it than the reference model (log10). Both models are trained on the
/// same text, one of them after machine translation and back, so a document's topic and
/// vocabulary, which move both alike, cancel.
#[derive(Default)]
pub(super) struct MtStats {
    sum: f64,
    n: usize,
    /// Per sentence of at least `MIN_SENT_UNITS` units: mean ratio, first and last token.
    sents: Vec<(f32, usize, usize)>,
    /// Largest per-sentence sum over the square root of its units.
    scan: Option<f64>,
    /// The open paragraph's sum and units.
    par: (f64, usize),
    /// The open paragraph's first and last token.
    par_span: Option<(usize, usize)>,
    /// Paragraphs closed with at least `MIN_PAR_UNITS` units, and how many the round-trip
    /// model prefers.
    pars: (usize, usize),
    /// Largest per-paragraph sum over the square root of its units.
    par_scan: Option<f64>,
    /// Every closed paragraph's (sum, units), for the document-relative scan.
    par_list: Vec<(f64, usize)>,
    /// Their first and last tokens.
    par_spans: Vec<(usize, usize)>,
    /// The same per sentence of at least `MIN_SENT_UNITS` units.
    sent_list: Vec<(f64, usize)>,
}

impl MtStats {
    /// Empty statistics with room for `sentences` sentences.
    pub(super) fn with_sentences(sentences: usize) -> MtStats {
        MtStats { sents: Vec::with_capacity(sentences), ..MtStats::default() }
    }

    /// Adds one sentence's unit probabilities under the reference model and log10 probabilities
    /// under the round-trip model (same units, in order; the sentence end included).
    /// Returns the sentence's mean ratio per unit when it has at least `MIN_SENT_UNITS` units.
    pub(super) fn add_sentence(
        &mut self,
        reference: &[UnitProb],
        roundtrip: &[f32],
        first: usize,
        last: usize,
    ) -> Option<f64> {
        let (mut s, mut n) = (0f64, 0usize);
        for (p, &q) in reference.iter().zip(roundtrip) {
            s += f64::from((q - p.logp).clamp(-MT_CLIP, MT_CLIP));
            n += 1;
        }
        self.sum += s;
        self.n += n;
        self.par.0 += s;
        self.par.1 += n;
        self.par_span = Some(self.par_span.map_or((first, last), |(f, _)| (f, last)));
        if self.par.1 >= MAX_PAR_UNITS {
            self.end_paragraph();
        }
        if n >= MIN_SENT_UNITS {
            self.sents.push(((s / n as f64) as f32, first, last));
            self.sent_list.push((s, n));
            let z = s / (n as f64).sqrt();
            self.scan = Some(self.scan.map_or(z, |m| m.max(z)));
            return Some(s / n as f64);
        }
        None
    }

    /// Closes the open paragraph (a line break came before the next sentence, or it reached
    /// [`MAX_PAR_UNITS`]).
    pub(super) fn end_paragraph(&mut self) {
        let (s, n) = std::mem::take(&mut self.par);
        let span = self.par_span.take();
        if n >= MIN_PAR_UNITS {
            self.pars.0 += 1;
            if s > 0.0 {
                self.pars.1 += 1;
            }
            let z = s / (n as f64).sqrt();
            self.par_scan = Some(self.par_scan.map_or(z, |m| m.max(z)));
            self.par_list.push((s, n));
            self.par_spans.push(span.unwrap_or_default());
        }
    }

    /// The paragraph that reads most unlike the rest of its page, given [`relative_scan_at`] over
    /// the paragraphs, when it does by at least [`PAR_EVIDENCE`]: (excess, first token, last
    /// token).
    pub(super) fn unlike_page(&self, par_rel: Option<(f64, usize)>) -> Option<(f64, usize, usize)> {
        let (excess, k) = par_rel?;
        let (first, last) = *self.par_spans.get(k)?;
        (excess >= PAR_EVIDENCE).then_some((excess, first, last))
    }

    /// `fluency.mt_par_rel` with its paragraph ([`relative_scan_at`] over the paragraphs) and
    /// `mt_sent_rel` ([`relative_scan`] over the sentences).
    pub(super) fn relative_features(&self) -> (Option<(f64, usize)>, Option<f64>) {
        (relative_scan_at(&self.par_list), relative_scan(&self.sent_list))
    }

    /// `fluency.mt_par_scan` (largest per-paragraph sum over the square root of its units) and
    /// `mt_par_share` (share of paragraphs the round-trip model prefers), once the last
    /// paragraph is closed; missing when no paragraph had `MIN_PAR_UNITS` units. Round trips
    /// and rewriters often damage whole paragraphs (a scraper stitching sources, a tool run
    /// over part of a page), and a paragraph holds more evidence than one sentence.
    pub(super) fn paragraph_features(&self) -> (Option<f64>, Option<f64>) {
        (self.par_scan, (self.pars.0 > 0).then(|| self.pars.1 as f64 / self.pars.0 as f64))
    }

    /// `fluency.mt_llr` (mean per unit), `mt_worst_sent` (mean of the worst quarter of
    /// sentences), `mt_scan_max` and `mt_sent_share` (share of sentences the round-trip model
    /// prefers); all missing when nothing was added (no round-trip model, or no text).
    pub(super) fn features(&self) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
        let mut means: Vec<f32> = self.sents.iter().map(|s| s.0).collect();
        means.sort_by(|a, b| b.total_cmp(a));
        let share = (!means.is_empty())
            .then(|| means.iter().filter(|&&m| m > 0.0).count() as f64 / means.len() as f64);
        ((self.n > 0).then(|| self.sum / self.n as f64), worst_quarter(&means), self.scan, share)
    }

    /// Sentences that read most like a round trip (at least [`MT_EVIDENCE`]), strongest first:
    /// (mean ratio, first token, last token).
    pub(super) fn evidence(&self) -> Vec<(f32, usize, usize)> {
        let mut v: Vec<_> = self.sents.iter().copied().filter(|s| f64::from(s.0) >= MT_EVIDENCE).collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        v.truncate(3);
        v
    }
}

/// The largest excess of one span's (sentence's, paragraph's) contrast over the document's own
/// median span, given as (sum, units): the excess summed over the span's units and divided by
/// their square root; missing under two spans. Measured against the document itself, so what
/// moves every span alike (a register the round-trip model happens to favour) cancels, and a
/// rewrite of part of a page stands out against the rest of it.
pub(super) fn relative_scan(items: &[(f64, usize)]) -> Option<f64> {
    relative_scan_at(items).map(|(x, _)| x)
}

/// [`relative_scan`] with the index of the span that gives it (the first, on a tie).
pub(super) fn relative_scan_at(items: &[(f64, usize)]) -> Option<(f64, usize)> {
    if items.len() < 2 {
        return None;
    }
    let mut means: Vec<f64> = items.iter().map(|&(s, n)| s / n as f64).collect();
    let med = median(&mut means)?;
    let mut best: Option<(f64, usize)> = None;
    for (k, &(s, n)) in items.iter().enumerate() {
        let z = (s - med * n as f64) / (n as f64).sqrt();
        if best.is_none_or(|(b, _)| z > b) {
            best = Some((z, k));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_scan_measures_spans_against_the_median() {
        assert_eq!(relative_scan(&[]), None);
        assert_eq!(relative_scan(&[(4.0, 4)]), None);
        // Means 1, 2, 3 (median 2): the 16-unit span at 3 exceeds it by 16 over sqrt(16).
        let got = relative_scan(&[(4.0, 4), (18.0, 9), (48.0, 16)]).unwrap();
        assert!((got - 4.0).abs() < 1e-9, "{got}");
        // An even count takes the middle pair's mean (means 1, 1, 2, 2: median 1.5); a long
        // span below it scores (100 - 150) / 10, a short one above it 0.5.
        let got = relative_scan(&[(1.0, 1), (2.0, 1), (2.0, 1), (100.0, 100)]).unwrap();
        assert!((got - 0.5).abs() < 1e-9, "{got}");
    }

    #[test]
    fn paragraph_stats_close_on_line_breaks_only() {
        let mut m = MtStats::default();
        let p =
            |logp: f32| UnitProb { logp, unigram: -3.0, ctx_best_logp: -1.0, ctx_best: 0, hit: 3, count: 1 };
        let reference = vec![p(-2.0); MIN_PAR_UNITS];
        // Two sentences of half a paragraph each, ratio +0.5 per unit: one paragraph.
        let half = MIN_PAR_UNITS / 2;
        m.add_sentence(&reference[..half], &vec![-1.5; half], 0, 1);
        m.add_sentence(&reference[half..], &vec![-1.5; MIN_PAR_UNITS - half], 2, 3);
        m.end_paragraph();
        // A paragraph the reference model prefers, then one too short to count.
        m.add_sentence(&reference, &[-3.0; MIN_PAR_UNITS], 4, 5);
        m.end_paragraph();
        m.add_sentence(&reference[..2], &[0.0, 0.0], 6, 7);
        m.end_paragraph();
        let (scan, share) = m.paragraph_features();
        let want = 0.5 * MIN_PAR_UNITS as f64 / (MIN_PAR_UNITS as f64).sqrt();
        assert!((scan.unwrap() - want).abs() < 1e-6, "{scan:?} vs {want}");
        assert_eq!(share, Some(0.5));
        assert_eq!(MtStats::default().paragraph_features(), (None, None));
    }

    #[test]
    fn mt_stats_aggregate_sentences() {
        let p =
            |logp: f32| UnitProb { logp, unigram: -3.0, ctx_best_logp: -1.0, ctx_best: 0, hit: 3, count: 1 };
        let mut m = MtStats::default();
        // Sentence 1: the round-trip model is 0.5 likelier per unit; sentence 2: 0.5 less likely;
        // sentence 3 is too short to count as a sentence but counts in the mean.
        let reference = vec![p(-2.0); MIN_SENT_UNITS];
        m.add_sentence(&reference, &[-1.5; MIN_SENT_UNITS], 0, 5);
        m.add_sentence(&reference, &[-2.5; MIN_SENT_UNITS], 6, 11);
        m.add_sentence(&[p(-2.0)], &[-9.0], 12, 12);
        let (llr, worst, scan, share) = m.features();
        let n = 2.0 * MIN_SENT_UNITS as f64 + 1.0;
        assert!((llr.unwrap() - (-MT_CLIP as f64) / n).abs() < 1e-6, "{llr:?}");
        assert!((worst.unwrap() - 0.5).abs() < 1e-6);
        assert!((scan.unwrap() - 0.5 * (MIN_SENT_UNITS as f64).sqrt()).abs() < 1e-6);
        assert_eq!(share, Some(0.5));
        assert_eq!(m.evidence(), vec![(0.5, 0, 5)]);
        // Nothing added (no round-trip model): every feature missing.
        assert_eq!(MtStats::default().features(), (None, None, None, None));
    }
}

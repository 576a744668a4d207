//! Document length in the fit: maxima over sentences or paragraphs corrected for the number of
//! them, and the prior that shrinks a short document's score towards the clean mean.

use std::collections::BTreeMap;

use super::{Example, value};
use crate::features::Feature;
use crate::score::{LENGTH_FEATURE, LengthPrior, PerLength, Scorer, length_term};

/// A clean document's opening scored alone, with the whole document: what the length prior is
/// chosen on (a clean paragraph should score like the clean page it opens).
#[derive(Debug, Clone)]
pub struct LengthPair {
    /// Features of the opening (the first sentences up to some length).
    pub part: Vec<Feature>,
    /// Features of the whole document.
    pub whole: Vec<Feature>,
}

/// Prior weights (word units) tried for the length prior.
const LENGTH_PRIORS: [f64; 14] =
    [0.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0, 80.0, 120.0, 160.0, 240.0];

/// Chooses the length prior for a fitted scorer: `clean_logit` is the mean logit of the whole
/// clean documents; `units` the prior weight under which the shrunk logit of an opening best
/// predicts its whole document's unshrunk logit (least squares). `None` without pairs.
pub fn length_prior(scorer: &Scorer, pairs: &[LengthPair]) -> Option<LengthPrior> {
    let logit = |f: &[Feature]| {
        let p = (scorer.score(f).score / 100.0).clamp(1e-4, 1.0 - 1e-4);
        (p / (1.0 - p)).ln()
    };
    let rows: Vec<(f64, f64, f64)> = pairs
        .iter()
        .filter_map(|p| Some((logit(&p.part), value(&p.part, LENGTH_FEATURE)?, logit(&p.whole))))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let clean_logit = rows.iter().map(|r| r.2).sum::<f64>() / rows.len() as f64;
    let error = |units: f64| {
        let l = LengthPrior { units, clean_logit };
        rows.iter()
            .map(|&(part, n, whole)| (clean_logit + l.factor(n) * (part - clean_logit) - whole).powi(2))
            .sum::<f64>()
    };
    let units = LENGTH_PRIORS.into_iter().min_by(|a, b| error(*a).total_cmp(&error(*b)))?;
    Some(LengthPrior { units, clean_logit })
}

/// The opening of `text`: its first sentences up to the first sentence end (`.`, `!` or `?`
/// before white space, or a line end) at or after `words` words; the whole text when shorter.
pub fn opening(text: &str, words: usize) -> &str {
    let mut seen = 0usize;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_word = false;
            let prev = text[..i].chars().next_back();
            let end = c == '\n' || matches!(prev, Some('.' | '!' | '?' | '"' | '\u{201d}'));
            if seen >= words && end {
                return text[..i].trim_end();
            }
        } else if !in_word {
            in_word = true;
            seen += 1;
        }
    }
    text
}

/// Features that take a maximum over a document's sentences, paragraphs or windows: in clean
/// text they grow with the number of those, so `fit` corrects them for length ([`per_length`]).
/// Worst-quarter means and rates are left as they are.
pub const PER_LENGTH_FEATURES: &[&str] = &[
    "fluency.ns_worst_sent",
    "fluency.ns_worst_window",
    "fluency.z_scan_max",
    "fluency.mt_scan_max",
    "fluency.mt_par_scan",
    "fluency.mt_par_rel",
    "fluency.mt_sent_rel",
    "entities.max_strength",
];

/// The length correction of each of `names` that the labelled clean documents of `examples`
/// support: the least-squares slope of the feature on [`length_term`] of their
/// [`LENGTH_FEATURE`], centred on their mean length term. Features with fewer than 10 such
/// documents, or no spread of length, get none.
pub fn per_length(examples: &[Example], names: &[String]) -> BTreeMap<String, PerLength> {
    let mut out = BTreeMap::new();
    for name in names {
        let pts: Vec<(f64, f64)> = examples
            .iter()
            .filter(|e| e.label.garbled == Some(false))
            .filter_map(|e| {
                Some((length_term(value(&e.features, LENGTH_FEATURE)?), value(&e.features, name)?))
            })
            .collect();
        if pts.len() < 10 {
            continue;
        }
        let n = pts.len() as f64;
        let (ml, mx) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
        let sll: f64 = pts.iter().map(|p| (p.0 - ml).powi(2)).sum();
        if sll <= 1e-12 {
            continue;
        }
        let slope = pts.iter().map(|p| (p.0 - ml) * (p.1 - mx)).sum::<f64>() / sll;
        out.insert(name.clone(), PerLength { slope, center: ml });
    }
    out
}

/// Corrects each feature of `corrections` in `examples` for the document's length, in place.
pub(super) fn correct_lengths(examples: &mut [Example], corrections: &BTreeMap<String, PerLength>) {
    for e in examples {
        if let Some(n) = value(&e.features, LENGTH_FEATURE) {
            for f in &mut e.features {
                if let (Some(l), Some(x)) = (corrections.get(f.name), f.value) {
                    f.value = Some(l.correct(x, n));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{FeatureWeight, Thresholds, Weights};

    #[test]
    fn openings_end_at_a_sentence_end() {
        let t = "One two three. Four five six! Seven eight\nnine ten.";
        assert_eq!(opening(t, 1), "One two three.");
        assert_eq!(opening(t, 4), "One two three. Four five six!");
        assert_eq!(opening(t, 7), "One two three. Four five six! Seven eight");
        assert_eq!(opening(t, 100), t);
        assert_eq!(opening("", 3), "");
    }

    #[test]
    fn length_prior_shrinks_noisy_openings() {
        // Whole documents all at logit 0 (score 50); openings of 20 units spread around it.
        let scorer = Scorer::new(Weights {
            version: 1,
            intercept: 0.0,
            features: vec![FeatureWeight {
                name: "fluency.x".into(),
                mean: 0.0,
                std: 1.0,
                weight: 1.0,
                missing_weight: 0.0,
                excess: None,
                per_length: None,
                sqrt: false,
            }],
            thresholds: Thresholds { suspect: 50.0, garbled: 90.0 },
            length: None,
            provenance: BTreeMap::new(),
        })
        .unwrap();
        let doc = |x: f64, n: f64| vec![Feature::new("fluency.x", x), Feature::new("fluency.units", n)];
        let pairs: Vec<LengthPair> = [-2.0, 2.0, -1.0, 1.0]
            .iter()
            .map(|&x| LengthPair { part: doc(x, 20.0), whole: doc(0.0, 500.0) })
            .collect();
        let l = length_prior(&scorer, &pairs).unwrap();
        assert!(l.clean_logit.abs() < 1e-3);
        // Openings carry no information about the whole here: the most shrinkage tried wins.
        assert_eq!(l.units, *LENGTH_PRIORS.last().unwrap());
        // Openings that equal their wholes need none.
        let same: Vec<LengthPair> =
            [-2.0, 2.0].iter().map(|&x| LengthPair { part: doc(x, 20.0), whole: doc(x, 500.0) }).collect();
        assert_eq!(length_prior(&scorer, &same).unwrap().units, 0.0);
        assert!(length_prior(&scorer, &[]).is_none());
    }
}

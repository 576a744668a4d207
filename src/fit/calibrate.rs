//! Verdict thresholds chosen on validation scores, and the precision and recall they reach.

use serde::Serialize;

use super::FitConfig;
use crate::metrics::Labelled;
use crate::score::Thresholds;

/// Precision and recall of flagged (suspect or garbled) and garbled verdicts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerdictFigures {
    /// Share of documents flagged (score >= suspect) that are garbled.
    pub flagged_precision: f64,
    /// Share of garbled documents flagged.
    pub flagged_recall: f64,
    /// Share of documents called garbled that are garbled.
    pub garbled_precision: f64,
    /// Share of garbled documents called garbled.
    pub garbled_recall: f64,
    /// Share of clean documents flagged (the false-positive rate of `suspect`).
    pub clean_flagged: f64,
    /// Share of clean documents called garbled.
    pub clean_called_garbled: f64,
    /// Flagged precision had the data as many clean documents as garbled ones.
    pub flagged_precision_balanced: f64,
    /// Garbled precision had the data as many clean documents as garbled ones.
    pub garbled_precision_balanced: f64,
}

/// Thresholds: suspect at the score that best separates garbled from clean validation documents
/// (Youden's J), or where the recall of garbled documents reaches `suspect_recall`; garbled at
/// the lowest score whose precision at equal prevalence reaches `garbled_precision`.
pub(super) fn calibrate(docs: &[Labelled], cfg: &FitConfig) -> Thresholds {
    let mut scored: Vec<(f64, bool)> = docs.iter().filter_map(|d| Some((d.score?, d.garbled?))).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n_pos = scored.iter().filter(|s| s.1).count().max(1) as f64;
    let n_neg = (scored.len() as f64 - n_pos).max(1.0);
    let clean_weight = n_pos / n_neg;
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut suspect = None;
    let mut best_j = f64::NEG_INFINITY;
    let mut garbled: Option<f64> = None;
    for (k, &(s, g)) in scored.iter().enumerate() {
        if g {
            tp += 1.0;
        } else {
            fp += clean_weight;
        }
        if tp / (tp + fp) >= cfg.garbled_precision && tp >= 5.0 {
            garbled = Some(s);
        }
        // A threshold flags every document scoring at least as high: judge it once all
        // documents with this score are counted.
        if scored.get(k + 1).is_some_and(|next| next.0 == s) {
            continue;
        }
        match cfg.suspect_recall {
            Some(recall) => {
                if tp / n_pos >= recall {
                    suspect = Some(s);
                    break;
                }
            }
            None => {
                // fp is weighted by n_pos / n_neg: fp / n_pos is the clean share flagged.
                let j = (tp - fp) / n_pos;
                if j > best_j {
                    best_j = j;
                    suspect = Some(s);
                }
            }
        }
    }
    let suspect = suspect.unwrap_or(50.0);
    let garbled = garbled.unwrap_or(90.0).max(suspect);
    let round1 = |x: f64| (x * 10.0).floor() / 10.0;
    Thresholds { suspect: round1(suspect), garbled: round1(garbled).max(round1(suspect)) }
}

pub(super) fn verdict_figures(docs: &[Labelled], t: Thresholds) -> VerdictFigures {
    // (clean, garbled) counts: all, flagged (suspect or garbled), called garbled.
    let (mut all, mut flagged, mut called) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2]);
    for d in docs {
        let (Some(s), Some(g)) = (d.score, d.garbled) else {
            continue;
        };
        let k = usize::from(g);
        all[k] += 1.0;
        if s >= t.suspect {
            flagged[k] += 1.0;
        }
        if s >= t.garbled {
            called[k] += 1.0;
        }
    }
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    // Precision at equal prevalence: from the recall and the clean false-positive rate.
    let balanced = |c: &[f64; 2]| {
        let (tpr, fpr) = (div(c[1], all[1]), div(c[0], all[0]));
        div(tpr, tpr + fpr)
    };
    VerdictFigures {
        flagged_precision: div(flagged[1], flagged[0] + flagged[1]),
        flagged_recall: div(flagged[1], all[1]),
        garbled_precision: div(called[1], called[0] + called[1]),
        garbled_recall: div(called[1], all[1]),
        clean_flagged: div(flagged[0], all[0]),
        clean_called_garbled: div(called[0], all[0]),
        flagged_precision_balanced: balanced(&flagged),
        garbled_precision_balanced: balanced(&called),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(score: f64, garbled: bool) -> Labelled {
        Labelled {
            group: None,
            garbled: Some(garbled),
            degradation: None,
            kind: String::new(),
            score: Some(score),
        }
    }

    #[test]
    fn suspect_threshold_separates_or_reaches_the_recall() {
        // Clean at 0..40, garbled at 30..100 (step 1): the classes overlap on 30..40.
        let mut docs: Vec<Labelled> = (0..40).map(|s| labelled(s as f64, false)).collect();
        docs.extend((30..100).map(|s| labelled(s as f64, true)));
        let youden = calibrate(&docs, &FitConfig { suspect_recall: None, ..FitConfig::default() });
        // Every threshold in the overlap trades one garbled for one clean document; the best J
        // is reached first at 40 (all clean below, 60 of 70 garbled above), ties to the highest.
        assert_eq!(youden.suspect, 40.0);
        let cfg = FitConfig { suspect_recall: Some(1.0), ..FitConfig::default() };
        assert_eq!(calibrate(&docs, &cfg).suspect, 30.0);
        // Garbled: precision 0.95 at equal prevalence, above the overlap.
        assert!(youden.garbled >= 40.0);
        // Tied scores are judged together: a threshold cannot split them.
        let tied = vec![labelled(5.0, false), labelled(5.0, true), labelled(9.0, true), labelled(1.0, false)];
        assert_eq!(
            calibrate(&tied, &FitConfig { suspect_recall: None, ..FitConfig::default() }).suspect,
            9.0
        );
    }
}

//! The scorer: standardised features into a logistic model, a 0-100 score, per-family sub-scores
//! and a calibrated verdict. Weights are data (`models/scorer.json`), embedded by default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{Family, Feature};

/// Standardised values are clipped to this many standard deviations, so one extreme feature
/// cannot decide a score alone.
pub const Z_CLIP: f64 = 6.0;

/// One feature's weight and standardisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureWeight {
    /// Feature name, as the families emit it.
    pub name: String,
    /// Mean on the training data (subtracted).
    pub mean: f64,
    /// Standard deviation on the training data (divided by).
    pub std: f64,
    /// Weight on the standardised value (logit units).
    pub weight: f64,
    /// Weight added when the feature is missing (e.g. no cluster to compare with); the
    /// standardised value then counts as 0.
    #[serde(default)]
    pub missing_weight: f64,
    /// When set, the feature counts only beyond this point (the register screen's excess, see
    /// `fit::register_screen`): the value used is how far past it the feature lies, 0 short of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excess: Option<Excess>,
    /// When set, the feature is first corrected for the document's length (see [`PerLength`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_length: Option<PerLength>,
    /// When set, the feature is taken as its square root before anything else (a rate of rare
    /// events per word: see `fit::FitConfig::sqrt`). Negative values count as 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sqrt: bool,
}

impl FeatureWeight {
    /// The value the weight applies to before standardising: `x` of a document of `units` word
    /// units, as its square root when [`FeatureWeight::sqrt`], corrected for its length, then
    /// its excess.
    pub fn input(&self, x: f64, units: Option<f64>) -> f64 {
        let x = if self.sqrt { x.max(0.0).sqrt() } else { x };
        let x = match (self.per_length, units) {
            (Some(l), Some(n)) => l.correct(x, n),
            _ => x,
        };
        self.excess.map_or(x, |e| e.of(x))
    }
}

/// How a document's length term ([`length_term`]) moves a feature in clean text: a maximum
/// over a document's sentences, paragraphs or windows grows with their number even where no
/// sentence is damaged, so a long clean page would read worse than a short one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PerLength {
    /// Change of the feature per unit of the length term, in clean training documents.
    pub slope: f64,
    /// The length term at which the correction is zero (the clean training documents' mean).
    pub center: f64,
}

impl PerLength {
    /// `x` with the expected effect of `units` word units taken off.
    pub fn correct(&self, x: f64, units: f64) -> f64 {
        x - self.slope * (length_term(units) - self.center)
    }
}

/// The length term of a document of `units` word units: `sqrt(ln units)`, the rate at which the
/// expected maximum of that many independent, normally distributed values grows.
pub fn length_term(units: f64) -> f64 {
    units.max(2.0).ln().sqrt()
}

/// A one-sided hinge: how far a value lies past `over`, upwards (`up`) or downwards.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Excess {
    /// The point from which the feature counts.
    pub over: f64,
    /// True: values above `over` count; false: values below it.
    pub up: bool,
}

impl Excess {
    /// `max(0, x - over)` upwards, `max(0, over - x)` downwards.
    pub fn of(&self, x: f64) -> f64 {
        if self.up { (x - self.over).max(0.0) } else { (self.over - x).max(0.0) }
    }
}

/// Verdict thresholds on the 0-100 score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// At or above: suspect.
    pub suspect: f64,
    /// At or above: garbled.
    pub garbled: f64,
}

/// The feature that measures how much evidence a document holds: its scorable word units.
pub const LENGTH_FEATURE: &str = "fluency.units";

/// The share of a document's text that is page furniture: the boilerplate sub-score.
pub const BOILERPLATE_FEATURE: &str = "boilerplate.ratio";

/// Shrinkage of short documents' scores towards a typical clean document's. A document of `n`
/// word units keeps the share `n / (n + units)` of its logit's distance from `clean_logit`: a
/// short text's rates are noisy, so it needs stronger evidence for the same score, and a clean
/// paragraph scores like the clean page it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LengthPrior {
    /// Prior weight, in word units, of the typical clean document.
    pub units: f64,
    /// The logit short documents are shrunk towards (the mean of clean training documents').
    pub clean_logit: f64,
}

impl LengthPrior {
    /// The share of the logit's distance from `clean_logit` kept by a document of `n` units.
    pub fn factor(&self, n: f64) -> f64 {
        if n > 0.0 && self.units > 0.0 { n / (n + self.units) } else { 1.0 }
    }
}

/// The scorer's parameters, as stored in a weights file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Format version (1).
    pub version: u32,
    /// Logit intercept.
    pub intercept: f64,
    /// Per-feature weights.
    pub features: Vec<FeatureWeight>,
    /// Verdict thresholds.
    pub thresholds: Thresholds,
    /// Shrinkage of short documents (none when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<LengthPrior>,
    /// Where the weights came from: data, command, date, held-back figures.
    #[serde(default)]
    pub provenance: BTreeMap<String, serde_json::Value>,
}

/// The embedded default weights.
pub const DEFAULT_WEIGHTS: &str = include_str!("../models/scorer.json");

/// A document's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Reads like clean text.
    Clean,
    /// Some signs of machine rewriting.
    Suspect,
    /// Heavily degraded.
    Garbled,
}

impl Verdict {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Suspect => "suspect",
            Verdict::Garbled => "garbled",
        }
    }
}

/// What the scorer says of one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// 0-100, higher = more degraded.
    pub score: f64,
    /// Verdict at the calibrated thresholds.
    pub verdict: Verdict,
    /// Per family (0-100): the score the document would get if only that family differed
    /// from the average document. Boilerplate, which does not move the score, has the share
    /// of the page that is boilerplate instead (`boilerplate.ratio` x 100). Families without
    /// any present feature are absent.
    pub subscores: BTreeMap<Family, f64>,
    /// Per family: its contribution to the logit (positive = towards garbled), after length
    /// shrinkage.
    pub contributions: BTreeMap<Family, f64>,
    /// The logit the contributions add to: the intercept, shrunk with them towards the clean
    /// logit for short documents.
    pub base: f64,
    /// The share of its evidence a document keeps for its length (1 = no shrinkage).
    pub length_factor: f64,
    /// Per feature: (name, value, contribution to the logit), largest |contribution| first.
    pub feature_contributions: Vec<(String, Option<f64>, f64)>,
}

/// Turns features into scores. Cheap to share across threads (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct Scorer {
    weights: Weights,
    index: BTreeMap<String, usize>,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn family_of(name: &str) -> Option<Family> {
    let prefix = name.split('.').next()?;
    Family::ALL.into_iter().find(|f| f.name() == prefix)
}

impl Scorer {
    /// A scorer from weights; rejects weights that are not usable.
    pub fn new(weights: Weights) -> Result<Self> {
        if weights.version != 1 {
            return Err(Error::Weights(format!("unsupported version {} (expected 1)", weights.version)));
        }
        let mut index = BTreeMap::new();
        for (i, f) in weights.features.iter().enumerate() {
            if !(f.std > 0.0
                && f.std.is_finite()
                && f.mean.is_finite()
                && f.weight.is_finite()
                && f.excess.is_none_or(|e| e.over.is_finite())
                && f.per_length.is_none_or(|l| l.slope.is_finite() && l.center.is_finite()))
            {
                return Err(Error::Weights(format!(
                    "feature {}: mean/std/weight (and excess point, length slope) must be finite, std > 0",
                    f.name
                )));
            }
            if family_of(&f.name).is_none() {
                return Err(Error::Weights(format!("feature {}: name must start with a family", f.name)));
            }
            if index.insert(f.name.clone(), i).is_some() {
                return Err(Error::Weights(format!("feature {} listed twice", f.name)));
            }
        }
        let t = weights.thresholds;
        if !(0.0..=100.0).contains(&t.suspect) || !(t.suspect..=100.0).contains(&t.garbled) {
            return Err(Error::Weights("thresholds must satisfy 0 <= suspect <= garbled <= 100".into()));
        }
        if let Some(l) = weights.length
            && !(l.units >= 0.0 && l.units.is_finite() && l.clean_logit.is_finite())
        {
            return Err(Error::Weights("length: units must be finite and >= 0, clean_logit finite".into()));
        }
        Ok(Scorer { weights, index })
    }

    /// Parses a weights file's JSON.
    pub fn from_json(json: &str) -> Result<Self> {
        let w: Weights = serde_json::from_str(json).map_err(|e| Error::Weights(e.to_string()))?;
        Scorer::new(w)
    }

    /// The embedded default scorer.
    pub fn embedded() -> Self {
        Scorer::from_json(DEFAULT_WEIGHTS).expect("embedded scorer weights are valid (checked by tests)")
    }

    /// The weights.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// Verdict for a score.
    pub fn verdict(&self, score: f64) -> Verdict {
        let t = self.weights.thresholds;
        if score >= t.garbled {
            Verdict::Garbled
        } else if score >= t.suspect {
            Verdict::Suspect
        } else {
            Verdict::Clean
        }
    }

    /// The logit contribution of each weighted feature present in `features` (missing ones
    /// contribute their `missing_weight`). Features without a weight are ignored.
    pub fn contributions<'a>(
        &self,
        features: impl IntoIterator<Item = &'a Feature>,
    ) -> Vec<(usize, Option<f64>, f64)> {
        let features: Vec<&Feature> = features.into_iter().collect();
        let units = features.iter().find(|f| f.name == LENGTH_FEATURE).and_then(|f| f.value);
        let mut out = Vec::new();
        let mut seen = vec![false; self.weights.features.len()];
        for f in features {
            let Some(&i) = self.index.get(f.name) else {
                continue;
            };
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let w = &self.weights.features[i];
            let c = match f.value {
                Some(x) => ((w.input(x, units) - w.mean) / w.std).clamp(-Z_CLIP, Z_CLIP) * w.weight,
                None => w.missing_weight,
            };
            out.push((i, f.value, c));
        }
        for (i, w) in self.weights.features.iter().enumerate() {
            if !seen[i] {
                out.push((i, None, w.missing_weight));
            }
        }
        out
    }

    /// Scores a document's features.
    pub fn score<'a>(&self, features: impl IntoIterator<Item = &'a Feature>) -> Scored {
        let features: Vec<&Feature> = features.into_iter().collect();
        let mut contribs = self.contributions(features.iter().copied());
        let units = features.iter().find(|f| f.name == LENGTH_FEATURE).and_then(|f| f.value);
        let (length_factor, b) = match (self.weights.length, units) {
            (Some(l), Some(n)) => {
                let k = l.factor(n);
                (k, l.clean_logit + k * (self.weights.intercept - l.clean_logit))
            }
            _ => (1.0, self.weights.intercept),
        };
        for c in &mut contribs {
            c.2 *= length_factor;
        }
        let total: f64 = b + contribs.iter().map(|c| c.2).sum::<f64>();
        let mut per_family: BTreeMap<Family, (f64, bool)> = BTreeMap::new();
        for &(i, v, c) in &contribs {
            if let Some(fam) = family_of(&self.weights.features[i].name) {
                let e = per_family.entry(fam).or_insert((0.0, false));
                e.0 += c;
                e.1 |= v.is_some();
            }
        }
        let score = round4(100.0 * sigmoid(total));
        let contributions = per_family.iter().map(|(f, (c, _))| (*f, round4(*c))).collect();
        // The boilerplate weights are held at zero (a clean story with a comment form is still
        // clean), so "the score if only boilerplate differed" would be the same for every page.
        // Users filter on how much of the page is furniture: report that.
        let mut subscores: BTreeMap<Family, f64> = per_family
            .iter()
            .filter(|(f, (_, present))| *present && **f != Family::Boilerplate)
            .map(|(f, (c, _))| (*f, round2(100.0 * sigmoid(b + c))))
            .collect();
        if let Some(r) = features.iter().find(|f| f.name == BOILERPLATE_FEATURE).and_then(|f| f.value) {
            subscores.insert(Family::Boilerplate, round2(100.0 * r.clamp(0.0, 1.0)));
        }
        let mut feature_contributions: Vec<_> =
            contribs.iter().map(|&(i, v, c)| (self.weights.features[i].name.clone(), v, round4(c))).collect();
        feature_contributions.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then_with(|| a.0.cmp(&b.0)));
        Scored {
            score,
            verdict: self.verdict(score),
            subscores,
            contributions,
            base: round4(b),
            length_factor: round4(length_factor),
            feature_contributions,
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn excess_counts_only_past_its_point() {
        let up = Excess { over: 0.5, up: true };
        assert_eq!((up.of(0.2), up.of(0.5), up.of(0.75)), (0.0, 0.0, 0.25));
        let down = Excess { over: -1.0, up: false };
        assert_eq!((down.of(0.0), down.of(-1.5)), (0.0, 0.5));
        let mut w = weights();
        w.features[0].excess = Some(up);
        let s = Scorer::new(w.clone()).unwrap();
        // fluency.a = 0.2 is short of the point: it counts as 0, like a = 0 without the excess.
        let at = |s: &Scorer, a: f64| {
            s.score(&[Feature::new("fluency.a", a), Feature::new("consensus.b", 1.0)]).score
        };
        let plain = Scorer::new(weights()).unwrap();
        assert_eq!(at(&s, 0.2), at(&plain, 0.0));
        assert_eq!(at(&s, 1.5), at(&plain, 1.0));
        w.features[0].excess = Some(Excess { over: f64::NAN, up: true });
        assert!(Scorer::new(w).is_err());
    }

    #[test]
    fn sqrt_is_taken_before_the_excess() {
        let mut w = weights();
        w.features[0].sqrt = true;
        assert_eq!(w.features[0].input(0.25, None), 0.5);
        assert_eq!(w.features[0].input(-1.0, None), 0.0);
        w.features[0].excess = Some(Excess { over: 0.5, up: true });
        assert_eq!(w.features[0].input(0.25, None), 0.0);
        assert_eq!(w.features[0].input(1.0, None), 0.5);
        // Written only when set, read as unset when absent (weights files of earlier versions).
        let json = serde_json::to_string(&weights()).unwrap();
        assert!(!json.contains("sqrt"));
        assert_eq!(serde_json::from_str::<Weights>(&json).unwrap(), weights());
        let s = Scorer::new(w).unwrap();
        let at = |a: f64| s.score(&[Feature::new("fluency.a", a), Feature::new("consensus.b", 1.0)]).score;
        assert!(at(0.16) < at(2.25) && at(2.25) < at(4.0));
    }

    #[test]
    fn per_length_takes_off_what_length_adds_in_clean_text() {
        let l = PerLength { slope: 1.0, center: length_term(100.0) };
        assert_eq!(l.correct(3.0, 100.0), 3.0);
        assert!(l.correct(3.0, 1000.0) < 3.0 && l.correct(3.0, 10.0) > 3.0);
        // Degenerate lengths are clamped, never NaN.
        assert!(l.correct(3.0, 0.0).is_finite() && l.correct(3.0, -5.0) == l.correct(3.0, 2.0));
        let mut w = weights();
        w.features[0].per_length = Some(l);
        let s = Scorer::new(w.clone()).unwrap();
        let at = |units: Option<f64>| {
            let mut f = vec![Feature::new("fluency.a", 1.0), Feature::new("consensus.b", 1.0)];
            if let Some(n) = units {
                f.push(Feature::new(LENGTH_FEATURE, n));
            }
            s.contributions(&f)[0].2
        };
        // The same maximum counts less in a long document; without a length, uncorrected.
        assert!(at(Some(1000.0)) < at(Some(100.0)) && at(Some(100.0)) < at(Some(10.0)));
        assert_eq!(at(None), at(Some(100.0)));
        w.features[0].per_length = Some(PerLength { slope: f64::INFINITY, center: 0.0 });
        assert!(Scorer::new(w).is_err());
    }

    use super::*;

    fn weights() -> Weights {
        Weights {
            version: 1,
            intercept: -1.0,
            features: vec![
                FeatureWeight {
                    name: "fluency.a".into(),
                    mean: 0.0,
                    std: 1.0,
                    weight: 2.0,
                    missing_weight: 0.0,
                    excess: None,
                    per_length: None,
                    sqrt: false,
                },
                FeatureWeight {
                    name: "consensus.b".into(),
                    mean: 1.0,
                    std: 2.0,
                    weight: 1.0,
                    missing_weight: -0.5,
                    excess: None,
                    per_length: None,
                    sqrt: false,
                },
            ],
            thresholds: Thresholds { suspect: 40.0, garbled: 70.0 },
            length: None,
            provenance: BTreeMap::new(),
        }
    }

    #[test]
    fn embedded_weights_are_valid() {
        let s = Scorer::embedded();
        assert!(!s.weights().features.is_empty());
    }

    #[test]
    fn logistic_with_missing_features() {
        let s = Scorer::new(weights()).unwrap();
        let feats =
            [Feature::new("fluency.a", 1.0), Feature::missing("consensus.b"), Feature::new("other.x", 9.0)];
        let r = s.score(&feats);
        // logit = -1 + 2*1 - 0.5 = 0.5
        assert!((r.score - 100.0 * sigmoid(0.5)).abs() < 0.01);
        assert!(r.subscores.contains_key(&Family::Fluency));
        assert!(!r.subscores.contains_key(&Family::Consensus));
        assert_eq!(r.feature_contributions[0].0, "fluency.a");
    }

    #[test]
    fn boilerplate_subscore_is_the_share_of_furniture() {
        let s = Scorer::new(weights()).unwrap();
        let with = |r: f64| {
            s.score(&[Feature::new("fluency.a", 1.0), Feature::new(BOILERPLATE_FEATURE, r)])
                .subscores
                .get(&Family::Boilerplate)
                .copied()
        };
        assert_eq!(with(0.0), Some(0.0));
        assert_eq!(with(0.256), Some(25.6));
        assert_eq!(with(1.0), Some(100.0));
        // It does not move the score, and no ratio means no sub-score.
        let a = s.score(&[Feature::new("fluency.a", 1.0), Feature::new(BOILERPLATE_FEATURE, 0.9)]);
        let b = s.score(&[Feature::new("fluency.a", 1.0), Feature::missing(BOILERPLATE_FEATURE)]);
        assert_eq!(a.score, b.score);
        assert!(!b.subscores.contains_key(&Family::Boilerplate));
    }

    #[test]
    fn clipping_and_verdicts() {
        let s = Scorer::new(weights()).unwrap();
        let r = s.score(&[Feature::new("fluency.a", 1e9), Feature::new("consensus.b", 1.0)]);
        assert!((r.score - round4(100.0 * sigmoid(-1.0 + 2.0 * Z_CLIP))).abs() < 1e-9);
        assert_eq!(r.verdict, Verdict::Garbled);
        assert_eq!(s.verdict(10.0), Verdict::Clean);
        assert_eq!(s.verdict(40.0), Verdict::Suspect);
    }

    #[test]
    fn short_documents_are_shrunk_towards_the_clean_logit() {
        let mut w = weights();
        w.length = Some(LengthPrior { units: 30.0, clean_logit: -2.0 });
        let s = Scorer::new(w).unwrap();
        let feats = |n: f64| [Feature::new("fluency.a", 1.5), Feature::new("fluency.units", n)];
        let (short, long) = (s.score(&feats(10.0)), s.score(&feats(3000.0)));
        // logit = -1 + 2 * 1.5 - 0.5 (consensus.b missing) = 1.5 unshrunk; 10 units keep a
        // quarter of its distance from -2.
        assert!((short.length_factor - 0.25).abs() < 1e-9);
        assert!((short.score - round4(100.0 * sigmoid(-2.0 + 0.25 * 3.5))).abs() < 1e-9);
        assert!(long.score > short.score && long.length_factor > 0.99);
        // The parts still add up to the logit.
        let sum = short.base + short.contributions.values().sum::<f64>();
        assert!((100.0 * sigmoid(sum) - short.score).abs() < 0.01);
        // No length feature: no shrinkage.
        assert_eq!(s.score(&[Feature::new("fluency.a", 1.5)]).length_factor, 1.0);
    }

    #[test]
    fn rejects_bad_weights() {
        let mut w = weights();
        w.features[0].std = 0.0;
        assert!(Scorer::new(w).is_err());
        let mut w = weights();
        w.features[0].name = "nofamily".into();
        assert!(Scorer::new(w).is_err());
        let mut w = weights();
        w.length = Some(LengthPrior { units: f64::NAN, clean_logit: 0.0 });
        assert!(Scorer::new(w).is_err());
        assert!(Scorer::from_json("{").is_err());
    }
}

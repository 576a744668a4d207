//! Learning the scorer: standardised features into an L2-regularised logistic model, fitted by
//! Newton's method on two objectives at once: garbled-vs-clean labels (pointwise) and the order
//! of versions within a group (pairwise, as in RankNet / RankSVM). Deterministic: same examples,
//! same weights.

mod calibrate;
mod lengths;
mod screen;
mod solver;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use calibrate::VerdictFigures;
use calibrate::{calibrate, verdict_figures};
use lengths::correct_lengths;
pub use lengths::{LengthPair, PER_LENGTH_FEATURES, length_prior, opening, per_length};
pub use screen::{RegisterScreen, SCREEN_EXCESS_QUANTILE, SCREEN_MIN_CLEAN, ScreenRow, register_screen};
use solver::fit_constrained;

use crate::error::{Error, Result};
use crate::features::Feature;
use crate::metrics::{Labelled, Metrics, metrics_by_kind};
use crate::score::{Excess, FeatureWeight, Scorer, Thresholds, Weights, Z_CLIP};

/// One training document: its features and its label.
#[derive(Debug, Clone)]
pub struct Example {
    /// Features as the pipeline computed them.
    pub features: Vec<Feature>,
    /// Label, group, degradation and kind (its `score` is ignored).
    pub label: Labelled,
    /// Where the document comes from (a corpus, a site): the register screen compares sources.
    pub source: String,
}

/// Features reported but never weighed: raw sizes and counts (a score must not depend on a
/// document's length; rates per word carry the same information), and how much a version
/// differs from its cluster (`consensus.deviation`): an independent fluent rewrite differs as
/// much as a garbled one, so difference alone is no evidence of damage.
pub const UNWEIGHTED_FEATURES: &[&str] = &[
    "fluency.units",
    "entities.words",
    "entities.flags",
    "boilerplate.lines",
    "boilerplate.content_chars",
    "consensus.deviation",
];

/// The entity family's per-kind rates, reported but never weighed: the scorer weighs every
/// kind of flag alike, through `entities.flag_rate` and `entities.max_strength`. Training data
/// holds the kinds its generators make (mangled names, acronyms, case) and not the others
/// (obfuscated letters, spinner templates, typing slips): per-kind weights would learn to ignore
/// the kinds they never saw.
pub const ENTITY_KIND_RATES: &[&str] = &[
    "entities.acronym_rate",
    "entities.name_rate",
    "entities.case_rate",
    "entities.number_rate",
    "entities.obfuscation_rate",
    "entities.template_rate",
    "entities.misspelling_rate",
    "entities.strength_rate",
];

/// Families whose every feature measures damage: their weights are held at zero or above, so
/// that, say, page boilerplate never makes a document look cleaner. Without the constraint the
/// fit learns whatever the training data's label proportions happen to reward (a generator that
/// adds boilerplate to more clean than garbled copies taught it "boilerplate = clean").
/// Fluency stays free: its rarity controls (surprisal against word frequency) need both signs.
pub const NON_NEGATIVE_FEATURES: &[&str] = &["boilerplate.", "entities.", "consensus."];

/// Fitting settings.
#[derive(Debug, Clone)]
pub struct FitConfig {
    /// L2 penalty on weights (not on the intercept), relative to the number of examples.
    pub l2: f64,
    /// Total weight of the pairwise objective relative to the pointwise one (0.5 by default:
    /// ranking across documents is what held-out checks find weaker, and order within a group
    /// holds up; EVALUATION.md, session 33).
    pub pair_weight: f64,
    /// Newton iterations at most.
    pub max_iter: usize,
    /// The suspect threshold is the highest score that still flags this share of garbled
    /// validation documents (a wide net: 0.9 by default); `None`: the score that best separates
    /// the two classes (the largest recall of garbled minus the share of clean flagged, Youden's J).
    pub suspect_recall: Option<f64>,
    /// The garbled threshold is the lowest score at which this share of validation documents
    /// called garbled really are, counted at equal prevalence (clean documents weighted so the
    /// two classes weigh the same): the threshold then does not depend on how many garbled
    /// documents the validation data happens to hold.
    pub garbled_precision: f64,
    /// Features whose name starts with one of these are left out.
    pub exclude: Vec<String>,
    /// Features whose name starts with one of these get a weight of zero or more (missing
    /// indicators stay free).
    pub non_negative: Vec<String>,
    /// The register screen ([`register_screen`]): a feature is screened when the spread of its
    /// clean documents' medians across sources exceeds this many times its garbled-clean
    /// separation. `None`: no screen.
    pub register_ratio: Option<f64>,
    /// A screened feature is kept as its excess over the range of clean documents of every source
    /// (see [`ScreenRow::excess`]) instead of being left out.
    pub screen_excess: bool,
    /// A feature kept as its excess gets a weight of zero or more. The excess is zero inside the
    /// clean range and grows towards garbled, so it only measures damage; a negative weight on it
    /// is the fit trading collinear features against each other (more disfluent, lower score),
    /// which unseen kinds of damage then pay for.
    pub non_negative_excess: bool,
    /// Features corrected for document length ([`per_length`]).
    pub per_length: Vec<String>,
    /// Features whose name ends with one of these are taken as their square root before
    /// anything else (see [`SQRT_SUFFIXES`]).
    pub sqrt: Vec<String>,
}

/// Rates of rare events per word or per 100 words (flags, swaps, unknown words): `fit` weighs
/// their square root. Their spread grows with their level, as counts' does, so on the rates
/// themselves a linear weight must choose between the first few flags of a lightly damaged page
/// (tiny against the spread that heavily damaged pages set) and heavily damaged pages outweighing
/// everything; the square root evens the spread out (the variance-stabilising transform of a
/// count). Shares of sentences or paragraphs stay linear.
pub const SQRT_SUFFIXES: &[&str] = &["_rate"];

/// Whether `fit` with `suffixes` ([`FitConfig::sqrt`]) weighs the square root of `name`.
fn takes_sqrt(name: &str, suffixes: &[String]) -> bool {
    suffixes.iter().any(|s| name.ends_with(s.as_str()))
}

/// `examples` with each feature named by `suffixes` taken as its square root, as
/// [`FeatureWeight::input`] takes it.
fn square_rooted(examples: &[Example], suffixes: &[String]) -> Vec<Example> {
    examples
        .iter()
        .map(|e| {
            let mut e = e.clone();
            for f in &mut e.features {
                if takes_sqrt(f.name, suffixes) {
                    f.value = f.value.map(|x| x.max(0.0).sqrt());
                }
            }
            e
        })
        .collect()
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig {
            l2: 1.0,
            pair_weight: 0.5,
            max_iter: 50,
            suspect_recall: Some(0.9),
            garbled_precision: 0.95,
            exclude: UNWEIGHTED_FEATURES.iter().chain(ENTITY_KIND_RATES).map(|s| s.to_string()).collect(),
            non_negative: NON_NEGATIVE_FEATURES.iter().map(|s| s.to_string()).collect(),
            register_ratio: Some(1.0),
            screen_excess: true,
            non_negative_excess: true,
            per_length: PER_LENGTH_FEATURES.iter().map(|s| s.to_string()).collect(),
            sqrt: SQRT_SUFFIXES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// What a fit produced.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    /// The weights (with provenance to be completed by the caller).
    pub weights: Weights,
    /// Figures on the training examples.
    pub train: BTreeMap<String, Metrics>,
    /// Figures on the held-back examples.
    pub valid: BTreeMap<String, Metrics>,
    /// Precision and recall of the verdicts on the held-back examples.
    pub verdicts: VerdictFigures,
    /// The register screen's figures (empty when off or without two sources).
    pub screen: RegisterScreen,
}

struct Design {
    names: Vec<String>,
    /// A screened feature kept as its excess.
    excess: Vec<Option<Excess>>,
    mean: Vec<f64>,
    std: Vec<f64>,
    /// Features that are missing in some training examples get a missing-indicator column.
    has_missing: Vec<bool>,
}

impl Design {
    /// `screened`: features the register screen caught, each left out (None) or kept as its
    /// excess.
    fn build(
        examples: &[Example],
        exclude: &[String],
        screened: &BTreeMap<String, Option<Excess>>,
    ) -> Design {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for e in examples {
            for f in &e.features {
                if !exclude.iter().any(|x| f.name.starts_with(x.as_str()))
                    && screened.get(f.name).is_none_or(|x| x.is_some())
                {
                    names.insert(f.name);
                }
            }
        }
        let mut d = Design {
            names: Vec::new(),
            excess: Vec::new(),
            mean: Vec::new(),
            std: Vec::new(),
            has_missing: Vec::new(),
        };
        for name in names {
            let excess = screened.get(name).copied().flatten();
            let input = |x: f64| excess.map_or(x, |e| e.of(x));
            let vals: Vec<f64> =
                examples.iter().filter_map(|e| value(&e.features, name)).map(input).collect();
            if vals.len() < 2 {
                continue;
            }
            let mean = vals.iter().sum::<f64>() / vals.len() as f64;
            let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (vals.len() - 1) as f64;
            let std = var.sqrt();
            if std.is_nan() || std <= 1e-12 {
                continue;
            }
            d.names.push(name.to_string());
            d.excess.push(excess);
            d.mean.push(mean);
            d.std.push(std);
            d.has_missing.push(vals.len() < examples.len());
        }
        d
    }

    /// Columns: intercept, one per feature, one per feature with a missing indicator.
    fn width(&self) -> usize {
        1 + self.names.len() + self.has_missing.iter().filter(|&&m| m).count()
    }

    fn row(&self, feats: &[Feature]) -> Vec<f64> {
        let mut x = vec![0.0; self.width()];
        x[0] = 1.0;
        let mut mi = 1 + self.names.len();
        for (j, name) in self.names.iter().enumerate() {
            match value(feats, name) {
                Some(v) => {
                    let v = self.excess[j].map_or(v, |e| e.of(v));
                    x[1 + j] = ((v - self.mean[j]) / self.std[j]).clamp(-Z_CLIP, Z_CLIP)
                }
                None if self.has_missing[j] => x[mi] = 1.0,
                None => {}
            }
            if self.has_missing[j] {
                mi += 1;
            }
        }
        x
    }
}

fn value(feats: &[Feature], name: &str) -> Option<f64> {
    feats.iter().find(|f| f.name == name).and_then(|f| f.value).filter(|v| v.is_finite())
}

/// Fits weights on `train`, the length prior on `length_pairs` (none when empty), and calibrates
/// the verdicts on `valid` (on `train` when empty).
pub fn fit(
    train: &[Example],
    valid: &[Example],
    length_pairs: &[LengthPair],
    cfg: &FitConfig,
) -> Result<FitReport> {
    let labelled: Vec<&Example> = train.iter().filter(|e| e.label.garbled.is_some()).collect();
    if labelled.iter().all(|e| e.label.garbled == Some(true))
        || labelled.iter().all(|e| e.label.garbled == Some(false))
    {
        return Err(Error::Config("training data needs both clean and garbled documents".into()));
    }
    // Square roots, then length: the screen, the standardisation and the weights all see the
    // values the scorer computes (`FeatureWeight::input`).
    let train_raw = train;
    let mut prepared = square_rooted(train, &cfg.sqrt);
    let lengths = per_length(&prepared, &cfg.per_length);
    correct_lengths(&mut prepared, &lengths);
    let train = &prepared[..];
    let screen = match cfg.register_ratio {
        Some(r) => register_screen(train, &cfg.exclude, r),
        None => RegisterScreen::default(),
    };
    let design = Design::build(train, &cfg.exclude, &screen.treatment(cfg.screen_excess));
    if design.names.is_empty() {
        return Err(Error::Config("no feature varies in the training data".into()));
    }
    let p = design.width();
    // Pointwise rows.
    let mut rows: Vec<(Vec<f64>, f64, f64)> = Vec::new();
    let xs: Vec<Vec<f64>> = train.iter().map(|e| design.row(&e.features)).collect();
    // Classes weigh equally, so the intercept sits between them whatever their proportions.
    let n_garbled = labelled.iter().filter(|e| e.label.garbled == Some(true)).count() as f64;
    let n_clean = labelled.len() as f64 - n_garbled;
    let (w_garbled, w_clean) =
        (labelled.len() as f64 / (2.0 * n_garbled), labelled.len() as f64 / (2.0 * n_clean));
    for (e, x) in train.iter().zip(&xs) {
        if let Some(g) = e.label.garbled {
            rows.push((x.clone(), if g { 1.0 } else { 0.0 }, if g { w_garbled } else { w_clean }));
        }
    }
    let n_point = rows.len() as f64;
    // Pairwise rows: within a group, the more degraded minus the less degraded, label 1.
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in train.iter().enumerate() {
        if let (Some(g), Some(_)) = (&e.label.group, e.label.degradation) {
            groups.entry(g.as_str()).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for members in groups.values() {
        for &a in members {
            for &b in members {
                let (da, db) =
                    (train[a].label.degradation.unwrap_or(0.0), train[b].label.degradation.unwrap_or(0.0));
                if da > db {
                    let diff: Vec<f64> = xs[a].iter().zip(&xs[b]).map(|(u, v)| u - v).collect();
                    pairs.push(diff);
                }
            }
        }
    }
    if !pairs.is_empty() && cfg.pair_weight > 0.0 {
        let w = cfg.pair_weight * n_point / pairs.len() as f64;
        for d in pairs {
            rows.push((d, 1.0, w));
        }
    }
    // Sign-constrained Newton: an active set of constrained columns held at zero.
    let constrained: Vec<bool> = (0..p)
        .map(|c| {
            c >= 1
                && c <= design.names.len()
                && (cfg.non_negative.iter().any(|x| design.names[c - 1].starts_with(x.as_str()))
                    || (cfg.non_negative_excess && design.excess[c - 1].is_some()))
        })
        .collect();
    let beta = fit_constrained(&rows, &constrained, cfg)?;
    let mut features = Vec::new();
    let mut mi = 1 + design.names.len();
    for (j, name) in design.names.iter().enumerate() {
        let missing_weight = if design.has_missing[j] {
            mi += 1;
            beta[mi - 1]
        } else {
            0.0
        };
        features.push(FeatureWeight {
            name: name.clone(),
            mean: design.mean[j],
            std: design.std[j],
            weight: beta[1 + j],
            missing_weight,
            excess: design.excess[j],
            per_length: lengths.get(name).copied(),
            sqrt: takes_sqrt(name, &cfg.sqrt),
        });
    }
    let mut weights = Weights {
        version: 1,
        intercept: beta[0],
        features,
        thresholds: Thresholds { suspect: 50.0, garbled: 50.0 },
        length: None,
        provenance: BTreeMap::new(),
    };
    weights.length = length_prior(&Scorer::new(weights.clone())?, length_pairs);
    let scorer = Scorer::new(weights.clone())?;
    let score_all = |ex: &[Example]| -> Vec<Labelled> {
        ex.iter()
            .map(|e| Labelled { score: Some(scorer.score(&e.features).score), ..e.label.clone() })
            .collect()
    };
    let train_scored = score_all(train_raw);
    let valid_scored = score_all(valid);
    let calib = if valid_scored.is_empty() { &train_scored } else { &valid_scored };
    weights.thresholds = calibrate(calib, cfg);
    let verdicts = verdict_figures(calib, weights.thresholds);
    Ok(FitReport {
        weights,
        train: metrics_by_kind(&train_scored),
        valid: if valid_scored.is_empty() { BTreeMap::new() } else { metrics_by_kind(&valid_scored) },
        verdicts,
        screen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::length_term;

    fn ex(x: f64, noise: f64, garbled: bool, group: &str) -> Example {
        Example {
            features: vec![Feature::new("fluency.x", x), Feature::new("entities.noise", noise)],
            label: Labelled {
                group: Some(group.into()),
                garbled: Some(garbled),
                degradation: Some(if garbled { 1.0 } else { 0.0 }),
                kind: if garbled { "bad".into() } else { "good".into() },
                score: None,
            },
            source: "s".into(),
        }
    }

    fn data() -> Vec<Example> {
        (0..60)
            .flat_map(|i| {
                let g = format!("g{i}");
                let n = ((i * 37) % 11) as f64 / 11.0;
                [ex(i as f64 * 0.01, n, false, &g), ex(1.0 + i as f64 * 0.01, 1.0 - n, true, &g)]
            })
            .collect()
    }

    #[test]
    fn learns_the_informative_feature_and_is_deterministic() {
        let d = data();
        let r1 = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        let r2 = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        assert_eq!(r1.weights, r2.weights);
        let w = |n: &str| r1.weights.features.iter().find(|f| f.name == n).unwrap().weight;
        assert!(w("fluency.x") > 1.0);
        assert!(w("fluency.x") > 3.0 * w("entities.noise").abs());
        assert!(r1.train["ALL"].auc.unwrap() > 0.99);
        let t = r1.weights.thresholds;
        assert!(t.suspect <= t.garbled);
    }

    /// Groups of a clean and a garbled version at lengths from 20 to 2,000 word units: the
    /// maximum-type `fluency.mt_scan_max` grows with length in clean and garbled text alike
    /// (by 2 per unit of the length term) and garbling adds 1 to it.
    fn lengths() -> Vec<Example> {
        let mut d = Vec::new();
        for i in 0..60 {
            let units = 20.0 * 100f64.powf(i as f64 / 59.0);
            let base = 2.0 * length_term(units) + 0.3 * ((i * 7 % 11) as f64 / 10.0 - 0.5);
            for garbled in [false, true] {
                let mut e = ex(0.0, 0.0, garbled, &format!("g{i}"));
                e.features = vec![
                    Feature::new("fluency.units", units),
                    Feature::new("fluency.mt_scan_max", base + if garbled { 1.0 } else { 0.0 }),
                ];
                d.push(e);
            }
        }
        d
    }

    #[test]
    fn maxima_are_corrected_for_length() {
        let d = lengths();
        let cfg =
            FitConfig { exclude: vec!["fluency.units".into()], register_ratio: None, ..FitConfig::default() };
        let r = fit(&d, &[], &[], &cfg).unwrap();
        let f = r.weights.features.iter().find(|f| f.name == "fluency.mt_scan_max").unwrap();
        let l = f.per_length.expect("a length correction");
        assert!((l.slope - 2.0).abs() < 0.1, "slope {}", l.slope);
        // Corrected, every garbled version outranks every clean one, whatever their lengths.
        let scorer = Scorer::new(r.weights.clone()).unwrap();
        let score = |e: &Example| scorer.score(&e.features).score;
        let min_garbled =
            d.iter().filter(|e| e.label.garbled == Some(true)).map(score).fold(f64::MAX, f64::min);
        let max_clean = d.iter().filter(|e| e.label.garbled == Some(false)).map(score).fold(0.0, f64::max);
        assert!(min_garbled > max_clean, "{min_garbled} vs {max_clean}");
        assert_eq!(r.train["ALL"].auc, Some(1.0));
        // Without the correction the longest clean versions outrank the shortest garbled ones.
        let raw = fit(&d, &[], &[], &FitConfig { per_length: Vec::new(), ..cfg }).unwrap();
        assert!(raw.weights.features.iter().all(|f| f.per_length.is_none()));
        assert!(raw.train["ALL"].auc.unwrap() < 0.9, "{:?}", raw.train["ALL"].auc);
    }

    /// Two sources with `n` groups each (a clean and a garbled version): `fluency.x` separates
    /// the versions the same way in both, `fluency.level` sits at 0 in source a and 1 in source b
    /// and garbling adds only 0.2 to it.
    fn two_sources(n: usize) -> Vec<Example> {
        let mut d = Vec::new();
        for (src, level) in [("a", 0.0), ("b", 1.0)] {
            for i in 0..n {
                for garbled in [false, true] {
                    let damage = if garbled { 1.0 } else { 0.0 };
                    let mut e = ex(damage + i as f64 * 0.001, 0.0, garbled, &format!("{src}{i}"));
                    e.features.push(Feature::new("fluency.level", level + 0.2 * damage));
                    e.source = src.into();
                    d.push(e);
                }
            }
        }
        d
    }

    #[test]
    fn register_screen_drops_what_measures_the_source() {
        let d = two_sources(30);
        let s = register_screen(&d, &[], 1.0);
        assert_eq!(s.sources, ["a", "b"]);
        assert_eq!(s.screened(), BTreeSet::from(["fluency.level".to_string()]));
        let row = |n: &str| s.rows.iter().find(|r| r.name == n).unwrap().clone();
        let level = row("fluency.level");
        assert!((level.spread - 1.0).abs() < 1e-9 && (level.separation - 0.2).abs() < 1e-9);
        assert!(!row("fluency.x").screened() && row("fluency.x").separation > 0.9);
        // A constant feature has no spread and stays (the design leaves it out for other reasons).
        assert_eq!(row("entities.noise").spread, 0.0);
        assert!(register_screen(&d, &[], 10.0).screened().is_empty());
        assert!(
            register_screen(&d, &["fluency.level".into()], 1.0)
                .rows
                .iter()
                .all(|r| r.name != "fluency.level")
        );
        // The excess starts past the 90% quantile of the clean documents of source b (1.0), the
        // higher source, counting upwards as garbling does.
        assert_eq!(level.excess, Some(Excess { over: 1.0, up: true }));
        assert_eq!(row("fluency.x").excess, None);
        // fit applies it by default and reports it; off keeps the feature as it is.
        let weight = |r: &FitReport| r.weights.features.iter().find(|f| f.name == "fluency.level").cloned();
        let drop = fit(&d, &[], &[], &FitConfig { screen_excess: false, ..FitConfig::default() }).unwrap();
        assert!(weight(&drop).is_none());
        assert_eq!(drop.screen, s);
        // Kept as its excess: only source b's garbled documents lie past 1.0 (by 0.2).
        let kept = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        let w = weight(&kept).unwrap();
        assert_eq!(w.excess, Some(Excess { over: 1.0, up: true }));
        assert!((w.mean - 0.2 * 30.0 / 120.0).abs() < 1e-9);
        let off = fit(&d, &[], &[], &FitConfig { register_ratio: None, ..FitConfig::default() }).unwrap();
        assert_eq!(weight(&off).unwrap().excess, None);
        assert_eq!(off.screen, RegisterScreen::default());
    }

    #[test]
    fn register_screen_needs_two_sources_with_enough_clean_documents() {
        // Source b has SCREEN_MIN_CLEAN - 1 clean documents: one source is left, nothing is screened.
        let d: Vec<Example> = two_sources(30)
            .into_iter()
            .filter(|e| {
                e.source == "a"
                    || e.label.group.as_deref().and_then(|g| g[1..].parse::<usize>().ok())
                        < Some(SCREEN_MIN_CLEAN - 1)
            })
            .collect();
        let s = register_screen(&d, &[], 1.0);
        assert_eq!(s.sources, ["a"]);
        assert!(s.rows.is_empty() && s.screened().is_empty());
    }

    #[test]
    fn missing_features_get_an_indicator_weight() {
        let mut d = data();
        for e in d.iter_mut().step_by(3) {
            e.features[1] = Feature::missing("entities.noise");
        }
        let r = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        assert!(r.weights.features.iter().any(|f| f.name == "entities.noise"));
    }

    #[test]
    fn constrained_families_never_get_a_negative_weight() {
        // `entities.noise` is anti-correlated with the label: unconstrained it gets a negative
        // weight; constrained it is held at zero, and the informative feature still carries.
        let d: Vec<Example> = data()
            .into_iter()
            .map(|mut e| {
                let g = e.label.garbled == Some(true);
                e.features[1] = Feature::new(
                    "entities.noise",
                    if g { 0.2 } else { 0.8 } + e.features[1].value.unwrap() * 0.1,
                );
                e
            })
            .collect();
        let free =
            fit(&d, &[], &[], &FitConfig { non_negative: Vec::new(), ..FitConfig::default() }).unwrap();
        let held = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        let w = |r: &FitReport, n: &str| r.weights.features.iter().find(|f| f.name == n).unwrap().weight;
        assert!(w(&free, "entities.noise") < -0.1);
        assert_eq!(w(&held, "entities.noise"), 0.0);
        assert!(w(&held, "fluency.x") > 1.0);
        assert!(held.train["ALL"].auc.unwrap() > 0.99);
    }

    #[test]
    fn excess_features_never_get_a_negative_weight() {
        // `fluency.level` measures the source (0 in a, 1-1.45 in b) and garbling moves it only in
        // source a: it is screened and kept as its excess past source b's clean documents, which
        // only those documents' own top tenth reach. Its excess is then anti-correlated with
        // the label: free, the fit gives it a negative weight; by default it is held at zero.
        let mut d = Vec::new();
        for src in ["a", "b"] {
            for i in 0..40 {
                for garbled in [false, true] {
                    let damage = if garbled { 1.0 } else { 0.0 };
                    let noise = ((i * 37) % 11) as f64 / 11.0;
                    let mut e = ex(damage + 0.3 * noise, 0.0, garbled, &format!("{src}{i}"));
                    let level = if src == "a" { 0.2 * damage } else { 1.0 + 0.05 * (i % 10) as f64 };
                    e.features.push(Feature::new("fluency.level", level));
                    e.source = src.into();
                    d.push(e);
                }
            }
        }
        let weight =
            |r: &FitReport| r.weights.features.iter().find(|f| f.name == "fluency.level").cloned().unwrap();
        let free =
            fit(&d, &[], &[], &FitConfig { non_negative_excess: false, ..FitConfig::default() }).unwrap();
        let held = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        assert!(weight(&free).excess.is_some());
        assert!(weight(&free).weight < -0.01, "{}", weight(&free).weight);
        assert_eq!(weight(&held).weight, 0.0);
        let x = held.weights.features.iter().find(|f| f.name == "fluency.x").unwrap();
        assert!(x.weight > 1.0);
    }

    #[test]
    fn rates_are_weighed_by_their_square_root() {
        // Damage shows as a rate of rare flags: 0-0.04 per 100 words in clean documents, 0.05-1
        // in garbled ones; the per-kind entity rates are reported but not weighed.
        let d: Vec<Example> = data()
            .into_iter()
            .enumerate()
            .map(|(i, mut e)| {
                let rate = if e.label.garbled == Some(true) { 0.05 + 0.016 * (i / 2) as f64 } else { 0.04 };
                e.features.push(Feature::new("fluency.odd_rate", rate));
                e.features.push(Feature::new("entities.name_rate", rate));
                e
            })
            .collect();
        let r = fit(&d, &[], &[], &FitConfig::default()).unwrap();
        let odd = r.weights.features.iter().find(|f| f.name == "fluency.odd_rate").unwrap();
        assert!(odd.sqrt);
        let roots: Vec<f64> =
            d.iter().map(|e| value(&e.features, "fluency.odd_rate").unwrap().sqrt()).collect();
        let mean = roots.iter().sum::<f64>() / roots.len() as f64;
        assert!((odd.mean - mean).abs() < 1e-12, "{} != {mean}", odd.mean);
        assert!(!r.weights.features.iter().any(|f| f.name == "entities.name_rate"));
        assert!(r.weights.features.iter().filter(|f| f.name != "fluency.odd_rate").all(|f| !f.sqrt));
        // The scorer takes the same root: the report's figures are the scorer's.
        let s = Scorer::new(r.weights.clone()).unwrap();
        let scored: Vec<Labelled> = d
            .iter()
            .map(|e| Labelled { score: Some(s.score(&e.features).score), ..e.label.clone() })
            .collect();
        assert_eq!(metrics_by_kind(&scored)["ALL"].auc, r.train["ALL"].auc);
        let linear = fit(&d, &[], &[], &FitConfig { sqrt: Vec::new(), ..FitConfig::default() }).unwrap();
        let odd = linear.weights.features.iter().find(|f| f.name == "fluency.odd_rate").unwrap();
        assert!(!odd.sqrt);
    }

    #[test]
    fn needs_both_labels() {
        let d: Vec<Example> = data().into_iter().filter(|e| e.label.garbled == Some(true)).collect();
        assert!(fit(&d, &[], &[], &FitConfig::default()).is_err());
    }
}

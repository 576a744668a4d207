//! Learning the scorer: standardised features into an L2-regularised logistic model, fitted by
//! Newton's method on two objectives at once: garbled-vs-clean labels (pointwise) and the order
//! of versions within a group (pairwise, as in RankNet / RankSVM). Deterministic: same examples,
//! same weights.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::features::Feature;
use crate::metrics::{Labelled, Metrics, median, metrics_by_kind};
use crate::score::{
    Excess, FeatureWeight, LENGTH_FEATURE, LengthPrior, PerLength, Scorer, Thresholds, Weights, Z_CLIP,
    length_term,
};

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

/// Corrects each feature of `corrections` in `examples` for the document's length, in place.
fn correct_lengths(examples: &mut [Example], corrections: &BTreeMap<String, PerLength>) {
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

/// Clean labelled training documents a source needs to take part in the register screen.
pub const SCREEN_MIN_CLEAN: usize = 20;

/// The share of each source's clean documents a screened feature's excess starts beyond.
pub const SCREEN_EXCESS_QUANTILE: f64 = 0.9;

/// A feature the register screen looked at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenRow {
    /// Feature name.
    pub name: String,
    /// Largest minus smallest median over clean documents of each source.
    pub spread: f64,
    /// |median over garbled documents - median over clean documents|, all sources pooled.
    pub separation: f64,
    /// Set only for a screened feature (`spread > ratio * separation`): the point past which
    /// garbled documents lie and clean ones of every source rarely do (the most extreme, towards
    /// garbled, of each source's [`SCREEN_EXCESS_QUANTILE`] quantile of clean documents). The fit
    /// may keep the feature as its excess over this point ([`FitConfig::screen_excess`]).
    pub excess: Option<Excess>,
}

impl ScreenRow {
    /// Whether the screen caught this feature (it then has an excess point).
    pub fn screened(&self) -> bool {
        self.excess.is_some()
    }
}

/// What the register screen did: the sources it compared and each feature's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RegisterScreen {
    /// The ratio applied.
    pub ratio: f64,
    /// Sources with at least [`SCREEN_MIN_CLEAN`] clean documents (the screen needs two).
    pub sources: Vec<String>,
    /// Every feature with values in clean documents of those sources, by name.
    pub rows: Vec<ScreenRow>,
}

impl RegisterScreen {
    /// Names of the features screened.
    pub fn screened(&self) -> BTreeSet<String> {
        self.rows.iter().filter(|r| r.screened()).map(|r| r.name.clone()).collect()
    }

    /// The screened features, each with its excess when `keep_excess` (None: left out).
    fn treatment(&self, keep_excess: bool) -> BTreeMap<String, Option<Excess>> {
        self.rows
            .iter()
            .filter(|r| r.screened())
            .map(|r| (r.name.clone(), if keep_excess { r.excess } else { None }))
            .collect()
    }
}

/// The `q` quantile (nearest rank) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The register screen. A feature whose clean level differs between sources (registers: a 1961
/// novel, a State of the Union address, a post-edited sentence) by more than `ratio` times the
/// amount garbling moves it measures the register as much as the damage, and a scorer weighing
/// it calls clean text of an unfamiliar register garbled. Medians keep a few outliers from
/// deciding. Features whose clean values are constant everywhere (spread 0) always pass.
/// Returns an empty screen (nothing screened) when fewer than two sources have
/// [`SCREEN_MIN_CLEAN`] clean documents.
pub fn register_screen(examples: &[Example], exclude: &[String], ratio: f64) -> RegisterScreen {
    let mut clean_by_source: BTreeMap<&str, Vec<&Example>> = BTreeMap::new();
    for e in examples.iter().filter(|e| e.label.garbled == Some(false)) {
        clean_by_source.entry(e.source.as_str()).or_default().push(e);
    }
    clean_by_source.retain(|_, v| v.len() >= SCREEN_MIN_CLEAN);
    let mut screen = RegisterScreen {
        ratio,
        sources: clean_by_source.keys().map(|s| s.to_string()).collect(),
        rows: Vec::new(),
    };
    if clean_by_source.len() < 2 {
        return screen;
    }
    let names: BTreeSet<&str> = examples
        .iter()
        .flat_map(|e| e.features.iter().map(|f| f.name))
        .filter(|n| !exclude.iter().any(|x| n.starts_with(x.as_str())))
        .collect();
    let collect = |it: &mut dyn Iterator<Item = &Example>, name: &str| -> Vec<f64> {
        it.filter_map(|e| value(&e.features, name)).collect()
    };
    for name in names {
        let mut medians = Vec::new();
        let mut per_source = Vec::new();
        for docs in clean_by_source.values() {
            let mut v = collect(&mut docs.iter().copied(), name);
            if let Some(m) = median(&mut v) {
                medians.push(m);
                per_source.push(v);
            }
        }
        let garbled =
            median(&mut collect(&mut examples.iter().filter(|e| e.label.garbled == Some(true)), name));
        let clean =
            median(&mut collect(&mut examples.iter().filter(|e| e.label.garbled == Some(false)), name));
        let (Some(g), Some(c)) = (garbled, clean) else { continue };
        if medians.len() < 2 {
            continue;
        }
        let lo = medians.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = medians.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (spread, separation) = (hi - lo, (g - c).abs());
        let screened = spread > 0.0 && spread > ratio * separation;
        // `median` sorted each source's values.
        let up = g >= c;
        let excess = screened.then(|| {
            let q = if up { SCREEN_EXCESS_QUANTILE } else { 1.0 - SCREEN_EXCESS_QUANTILE };
            let points = per_source.iter().map(|v| quantile(v, q));
            let over = if up {
                points.fold(f64::NEG_INFINITY, f64::max)
            } else {
                points.fold(f64::INFINITY, f64::min)
            };
            Excess { over, up }
        });
        screen.rows.push(ScreenRow { name: name.to_string(), spread, separation, excess });
    }
    screen
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

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Solves `a x = b` for symmetric positive definite `a` (Cholesky); `None` if it is not.
fn solve_spd(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i][j] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

/// The intercept's own tiny penalty (keeps the Hessian positive definite when a column is
/// constant).
const INTERCEPT_RIDGE: f64 = 1e-6;

/// Penalised log-loss, its gradient and its Hessian (lower triangle mirrored) at `beta`.
fn loss_grad_hess(rows: &[(Vec<f64>, f64, f64)], beta: &[f64], lambda: f64) -> (Vec<f64>, Vec<Vec<f64>>) {
    let p = beta.len();
    let mut grad = vec![0.0; p];
    let mut hess = vec![vec![0.0; p]; p];
    for (x, y, w) in rows {
        let z: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
        let pr = sigmoid(z);
        let g = w * (pr - y);
        let h = w * (pr * (1.0 - pr)).max(1e-9);
        for i in 0..p {
            if x[i] == 0.0 {
                continue;
            }
            grad[i] += g * x[i];
            for j in 0..=i {
                hess[i][j] += h * x[i] * x[j];
            }
        }
    }
    for i in 0..p {
        let (upper, lower) = hess.split_at_mut(i);
        for (j, row) in upper.iter_mut().enumerate() {
            row[i] = lower[0][j];
        }
    }
    for i in 1..p {
        grad[i] += lambda * beta[i];
        hess[i][i] += lambda;
    }
    hess[0][0] += INTERCEPT_RIDGE;
    (grad, hess)
}

/// The penalised log-loss at `beta` (the objective whose gradient and Hessian
/// [`loss_grad_hess`] gives).
fn penalised_loss(rows: &[(Vec<f64>, f64, f64)], beta: &[f64], lambda: f64) -> f64 {
    let mut loss = 0.0;
    for (x, y, w) in rows {
        let z: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
        // log(1 + e^z) - y z, computed without overflow.
        let softplus = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
        loss += w * (softplus - y * z);
    }
    let ridge: f64 = beta.iter().skip(1).map(|b| b * b).sum();
    loss + 0.5 * lambda * ridge + 0.5 * INTERCEPT_RIDGE * beta[0] * beta[0]
}

/// Step halvings Newton's method tries before it gives up on a step that does not lower the loss.
const MAX_HALVINGS: usize = 40;

/// Newton's method with the columns in `fixed` held at zero, from `beta`. A step that would
/// raise the loss is halved until it lowers it (a full Newton step overshoots where the loss is
/// far from quadratic, and then diverges). An error when it does not converge in
/// [`FitConfig::max_iter`] steps, rather than weights that do not minimise anything.
fn newton(rows: &[(Vec<f64>, f64, f64)], fixed: &[bool], beta: &mut [f64], cfg: &FitConfig) -> Result<()> {
    let p = beta.len();
    let mut loss = penalised_loss(rows, beta, cfg.l2);
    for _ in 0..cfg.max_iter {
        let (mut grad, mut hess) = loss_grad_hess(rows, beta, cfg.l2);
        for c in (0..p).filter(|&c| fixed[c]) {
            hess[c].fill(0.0);
            for row in hess.iter_mut() {
                row[c] = 0.0;
            }
            hess[c][c] = 1.0;
            grad[c] = 0.0;
        }
        let Some(step) = solve_spd(&hess, &grad) else {
            return Err(Error::Config("fit did not converge (singular Hessian)".into()));
        };
        let mut scale = 1.0;
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - s).collect();
        let mut next_loss = penalised_loss(rows, &next, cfg.l2);
        for _ in 0..MAX_HALVINGS {
            if next_loss <= loss {
                break;
            }
            scale *= 0.5;
            next = beta.iter().zip(&step).map(|(b, s)| b - scale * s).collect();
            next_loss = penalised_loss(rows, &next, cfg.l2);
        }
        if next_loss.is_nan() || next_loss > loss {
            // No step along the Newton direction lowers the loss (or the loss is not a
            // number there): at its minimum within rounding.
            return Ok(());
        }
        let max_step = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
        beta.copy_from_slice(&next);
        loss = next_loss;
        if max_step < 1e-8 {
            return Ok(());
        }
    }
    Err(Error::Config(format!("fit did not converge in {} Newton steps", cfg.max_iter)))
}

/// Weights minimising the penalised log-loss with `constrained` columns at zero or above: an
/// active-set method. Fit the free columns; while a constrained weight is negative, hold the most
/// negative at zero and refit; then release a held column whose gradient says it wants to grow,
/// one at a time. Deterministic (ties go to the lower column) and bounded.
fn fit_constrained(rows: &[(Vec<f64>, f64, f64)], constrained: &[bool], cfg: &FitConfig) -> Result<Vec<f64>> {
    let p = constrained.len();
    let mut beta = vec![0.0; p];
    let mut fixed = vec![false; p];
    for _ in 0..4 * p + 4 {
        newton(rows, &fixed, &mut beta, cfg)?;
        let worst = (0..p)
            .filter(|&c| constrained[c] && !fixed[c] && beta[c] < -1e-9)
            .min_by(|&a, &b| beta[a].total_cmp(&beta[b]).then(a.cmp(&b)));
        if let Some(c) = worst {
            fixed[c] = true;
            beta[c] = 0.0;
            continue;
        }
        let (grad, _) = loss_grad_hess(rows, &beta, cfg.l2);
        let release = (0..p)
            .filter(|&c| fixed[c] && grad[c] < -1e-6)
            .min_by(|&a, &b| grad[a].total_cmp(&grad[b]).then(a.cmp(&b)));
        match release {
            Some(c) => fixed[c] = false,
            None => break,
        }
    }
    for c in 0..p {
        if constrained[c] && beta[c] < 0.0 {
            beta[c] = 0.0;
        }
    }
    Ok(beta)
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

/// Thresholds: suspect at the score that best separates garbled from clean validation documents
/// (Youden's J), or where the recall of garbled documents reaches `suspect_recall`; garbled at
/// the lowest score whose precision at equal prevalence reaches `garbled_precision`.
fn calibrate(docs: &[Labelled], cfg: &FitConfig) -> Thresholds {
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

fn verdict_figures(docs: &[Labelled], t: Thresholds) -> VerdictFigures {
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

    #[test]
    fn newton_halves_steps_that_overshoot() {
        // Two opposite labels on one column: the minimum is at 0. From 20 the loss is nearly
        // flat, so a full Newton step lands around -2.5e8 (and the undamped method never came
        // back); halved steps reach the minimum.
        let rows = vec![(vec![1.0], 1.0, 1.0), (vec![1.0], 0.0, 1.0)];
        let cfg = FitConfig { l2: 0.0, ..FitConfig::default() };
        let mut beta = vec![20.0];
        newton(&rows, &[false], &mut beta, &cfg).unwrap();
        assert!(beta[0].abs() < 1e-6, "{beta:?}");
        let at_zero = penalised_loss(&rows, &[0.0], 0.0);
        assert!((penalised_loss(&rows, &beta, 0.0) - at_zero).abs() < 1e-9);
    }

    #[test]
    fn newton_reports_what_does_not_converge() {
        let rows = vec![(vec![1.0, 0.3], 1.0, 1.0), (vec![1.0, -0.2], 0.0, 1.0), (vec![1.0, 0.1], 0.0, 1.0)];
        let cfg = FitConfig { max_iter: 1, ..FitConfig::default() };
        let err = newton(&rows, &[false, false], &mut [0.0, 0.0], &cfg).unwrap_err();
        assert!(err.to_string().contains("did not converge in 1 Newton steps"), "{err}");
    }

    #[test]
    fn cholesky_solves() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let x = solve_spd(&a, &[2.0, 1.0]).unwrap();
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-12);
        assert!((2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-12);
    }
}

//! The register screen: features whose clean level differs between training sources by more
//! than garbling moves them are left out or kept as their excess over every source's clean range.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Example, value};
use crate::metrics::median;
use crate::score::Excess;

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
    /// may keep the feature as its excess over this point ([`super::FitConfig::screen_excess`]).
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
    pub(super) fn treatment(&self, keep_excess: bool) -> BTreeMap<String, Option<Excess>> {
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

//! `spinscore fit`: learn the scorer's weights from labelled JSONL.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::common::{EngineArgs, ExitCode, not_an_input};
use super::eval::{print_metrics, score_labelled};
use super::score::Counts;
use spinscore::Document;
use spinscore::fit::{
    Example, FitConfig, LengthPair, RegisterScreen, SCREEN_MIN_CLEAN, ScreenRow, fit, opening,
};
use spinscore::input::{InputConfig, InputFormat, RecordReader, read_labels};
use spinscore::pipeline::{Engine, Options};

#[derive(Args, Debug)]
pub struct FitArgs {
    /// Labelled JSONL to learn from (label clean/garbled and/or degradation, group).
    #[arg(value_name = "TRAIN")]
    pub train: PathBuf,
    /// Held-back labelled JSONL to report on and calibrate verdicts with.
    #[arg(long, value_name = "FILE")]
    pub valid: Option<PathBuf>,
    /// Where to write the weights (JSON). Required: no default file, so that the embedded
    /// weights' source (models/scorer.json) is only overwritten when it is named.
    #[arg(long, short = 'o', value_name = "FILE", required = true)]
    pub output: PathBuf,
    /// L2 penalty.
    #[arg(long, default_value_t = FitConfig::default().l2)]
    pub l2: f64,
    /// Weight of the within-group ordering objective relative to labels.
    #[arg(long, default_value_t = FitConfig::default().pair_weight)]
    pub pair_weight: f64,
    /// Where the suspect threshold goes: a share (0-1] of garbled validation documents to flag,
    /// or `youden` for the score that best separates garbled from clean (largest recall minus
    /// clean false-positive rate).
    #[arg(long, value_name = "SHARE|youden", default_value = "0.9", value_parser = suspect_rule)]
    pub suspect: SuspectRule,
    /// Leave out features whose name starts with this (repeatable; raw sizes and counts such as
    /// `fluency.units`, and the entity family's per-kind rates, are always left out).
    #[arg(long, value_name = "PREFIX")]
    pub exclude: Vec<String>,
    /// The register screen: features whose median over clean documents differs between the
    /// training data's sources (each with 20+ clean documents) by more than RATIO times the
    /// feature's garbled-clean separation count only past the clean documents of every source;
    /// `off` for none.
    #[arg(long, value_name = "RATIO|off", default_value = "1", value_parser = screen_ratio)]
    pub register_screen: ScreenRatio,
    /// Leave screened features out entirely (by default each is kept as its excess over the
    /// range of clean documents of every source: evidence only beyond what clean text reaches).
    #[arg(long)]
    pub screen_drop: bool,
    /// Let every weight take either sign (by default boilerplate, entity and consensus features
    /// and screened features kept as their excess, which only measure damage, are held at zero
    /// or above).
    #[arg(long)]
    pub unconstrained: bool,
    /// Weigh rates per word as they are (by default the square root of each `*_rate` feature is
    /// weighed: their spread grows with their level, as counts' does).
    #[arg(long)]
    pub linear_rates: bool,
    /// Do not learn from small clusters. By default each group also gives two small stories,
    /// so the consensus features are learnt as they come in small clusters too: its original
    /// (first clean document) with one version (a story republished once), and up to three of
    /// its garbled versions without the original (copies whose original is not in the input).
    /// Versions are chosen by a hash of their id.
    #[arg(long)]
    pub no_small_clusters: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Features of every scored record, and the counts of the records read (the other passes read the
/// same records). With clusters on, each document is also taken a second time without its
/// consensus features, so the scorer learns to rank documents that have no cluster.
fn examples(
    engine: &Engine<'_>,
    no_cluster: &Engine<'_>,
    path: &std::path::Path,
    batch: usize,
    planned: bool,
    small_clusters: bool,
    quiet: bool,
) -> Result<(Vec<Example>, Counts)> {
    let (scored, counts) = score_labelled(engine, path, batch, planned, quiet, true)?;
    let mut out: Vec<Example> = scored
        .into_iter()
        .filter(|(r, _)| r.scored.is_some())
        .map(|(r, mut l)| {
            l.score = None;
            Example { features: r.features, label: l, source: r.source }
        })
        .collect();
    if engine.options().clusters {
        // The same records again: their errors were reported above.
        let (alone, _) = score_labelled(no_cluster, path, batch, false, quiet, false)?;
        out.extend(alone.into_iter().filter(|(r, _)| r.scored.is_some()).map(|(r, mut l)| {
            l.score = None;
            l.group = l.group.map(|g| format!("{g}#alone"));
            Example { features: r.features, label: l, source: r.source }
        }));
        if small_clusters {
            out.extend(small_cluster_examples(engine, path)?);
        }
    }
    Ok((out, counts))
}

/// Garbled versions of a group scored together without their original ([`FitArgs::no_small_clusters`]).
const ORPHAN_VERSIONS: usize = 3;

/// The small-cluster examples ([`FitArgs::no_small_clusters`]), per group with a clean document
/// (its first is the original): the original and one other labelled version scored as a batch
/// of two (group `GROUP#pair`), and up to [`ORPHAN_VERSIONS`] garbled versions, when there are
/// two or more, scored as a batch without it (group `GROUP#orphans`). Each report is an
/// example; the groups are the ranking objective's own. Versions are those with the smallest Fx
/// hashes of their ids (rustc-hash: fixed for the locked crate version, unlike std's hasher).
fn small_cluster_examples(engine: &Engine<'_>, path: &std::path::Path) -> Result<Vec<Example>> {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    use std::hash::BuildHasher;
    let labels = read_labels(path).with_context(|| format!("reading labels of {}", path.display()))?;
    let cfg = InputConfig { format: InputFormat::Jsonl, ..InputConfig::default() };
    let reader = spinscore::input::RecordReaders::new(vec![path.to_path_buf()], cfg);
    // Per group (in the order groups first appear), its labelled documents in input order.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<(Document, spinscore::metrics::Labelled)>> = BTreeMap::new();
    for (seq, rec) in reader.enumerate() {
        let Ok(doc) = rec.doc else { continue };
        let Some(l) = labels.get(&(seq as u64)) else { continue };
        let (Some(g), Some(_)) = (&l.group, l.garbled) else { continue };
        if !groups.contains_key(g) {
            order.push(g.clone());
        }
        groups.entry(g.clone()).or_default().push((doc, l.clone()));
    }
    let mut batches: Vec<Vec<(Document, spinscore::metrics::Labelled)>> = Vec::new();
    let hash = |d: &Document| rustc_hash::FxBuildHasher.hash_one(&d.id);
    for g in &order {
        let members = &groups[g];
        let Some(o) = members.iter().position(|(_, l)| l.garbled == Some(false)) else { continue };
        let version = (0..members.len()).filter(|&k| k != o).min_by_key(|&k| (hash(&members[k].0), k));
        let Some(k) = version else { continue };
        let group = Some(format!("{g}#pair"));
        let ((original, lo), (doc, l)) = (&members[o], &members[k]);
        batches.push(vec![
            (original.clone(), spinscore::metrics::Labelled { group: group.clone(), ..lo.clone() }),
            (doc.clone(), spinscore::metrics::Labelled { group, ..l.clone() }),
        ]);
        let mut ks: Vec<usize> = (0..members.len()).filter(|&k| members[k].1.garbled == Some(true)).collect();
        ks.sort_by_key(|&k| (hash(&members[k].0), k));
        ks.truncate(ORPHAN_VERSIONS);
        ks.sort_unstable();
        if ks.len() >= 2 {
            let group = Some(format!("{g}#orphans"));
            batches.push(
                ks.iter()
                    .map(|&k| {
                        let (doc, l) = &members[k];
                        (doc.clone(), spinscore::metrics::Labelled { group: group.clone(), ..l.clone() })
                    })
                    .collect(),
            );
        }
    }
    let scored: Vec<Vec<Example>> = batches
        .into_par_iter()
        .map(|batch| {
            let (docs, labels): (Vec<_>, Vec<_>) = batch.into_iter().map(|(d, l)| (Ok(d), l)).unzip();
            engine
                .score_batch(docs, 0)
                .into_iter()
                .zip(labels)
                .filter(|(r, _)| r.scored.is_some())
                .map(|(r, mut l)| {
                    l.score = None;
                    Example { features: r.features, label: l, source: r.source }
                })
                .collect()
        })
        .collect();
    Ok(scored.into_iter().flatten().collect())
}

/// Lengths (words) of the openings of clean training documents the length prior is chosen on.
const OPENING_WORDS: [usize; 3] = [40, 80, 160];

/// Each clean document of `path` and its openings, scored alone (no clusters; each under a source
/// of its own, so an opening's lines do not count as repeated page furniture).
fn length_pairs(alone: &Engine<'_>, path: &std::path::Path) -> Result<Vec<LengthPair>> {
    let labels = read_labels(path).with_context(|| format!("reading labels of {}", path.display()))?;
    let cfg = std::sync::Arc::new(InputConfig { format: InputFormat::Jsonl, ..InputConfig::default() });
    // Each opening with its document's place in the file (records on one line are apart).
    let mut docs: Vec<(u64, usize, Document)> = Vec::new();
    // Unreadable records were reported by the main pass; they have no opening either.
    for (seq, rec) in RecordReader::new(path, cfg).enumerate() {
        let (seq, Ok(d)) = (seq as u64, rec.doc) else { continue };
        if labels.get(&seq).and_then(|l| l.garbled) != Some(false) {
            continue;
        }
        let whole = d.text.trim_end();
        let parts: Vec<&str> =
            OPENING_WORDS.iter().map(|&w| opening(whole, w)).filter(|o| o.len() < whole.len()).collect();
        for (k, t) in std::iter::once(whole).chain(parts).enumerate() {
            let mut doc = Document::new(format!("{}#{k}", d.id), format!("opening-{seq}-{k}"), t);
            doc.origin = d.origin.clone();
            docs.push((seq, k, doc));
        }
    }
    let (keys, records): (Vec<(u64, usize)>, Vec<_>) =
        docs.into_iter().map(|(l, k, d)| ((l, k), Ok(d))).unzip();
    let reports = alone.score_batch(records, 0);
    let mut pairs = Vec::new();
    let mut whole: Option<(u64, &[spinscore::Feature])> = None;
    for (&(seq, k), r) in keys.iter().zip(&reports) {
        if r.scored.is_none() {
            continue;
        }
        if k == 0 {
            whole = Some((seq, &r.features));
        } else if let Some((_, w)) = whole.filter(|w| w.0 == seq) {
            pairs.push(LengthPair { part: r.features.clone(), whole: w.to_vec() });
        }
    }
    Ok(pairs)
}

pub fn run(a: &FitArgs) -> Result<ExitCode> {
    let inputs: Vec<PathBuf> = std::iter::once(a.train.clone()).chain(a.valid.clone()).collect();
    not_an_input(Some(&a.output), &inputs)?;
    let engine = a.engine.engine()?;
    let alone = Engine::new(
        engine.model(),
        engine.scorer().clone(),
        Options { clusters: false, ..engine.options().clone() },
    )
    .with_roundtrip(engine.roundtrip());
    // Whole datasets are one batch so that every version of a story can be clustered.
    let batch = usize::MAX / 2;
    let planned = a.engine.plans_batches();
    let (train, train_counts) =
        examples(&engine, &alone, &a.train, batch, planned, !a.no_small_clusters, a.quiet)?;
    let (valid, valid_counts) = match &a.valid {
        Some(v) => examples(&engine, &alone, v, batch, planned, !a.no_small_clusters, a.quiet)?,
        None => (Vec::new(), Counts::default()),
    };
    if train.is_empty() {
        bail!("{}: no scorable labelled records", a.train.display());
    }
    let mut cfg = FitConfig {
        l2: a.l2,
        pair_weight: a.pair_weight,
        suspect_recall: a.suspect.0,
        register_ratio: a.register_screen.0,
        screen_excess: !a.screen_drop,
        ..FitConfig::default()
    };
    cfg.exclude.extend(a.exclude.iter().cloned());
    if a.unconstrained {
        cfg.non_negative.clear();
        cfg.non_negative_excess = false;
    }
    if a.linear_rates {
        cfg.sqrt.clear();
    }
    let openings = length_pairs(&alone, &a.train)?;
    let mut report = fit(&train, &valid, &openings, &cfg).context("fitting")?;
    let prov = &mut report.weights.provenance;
    prov.insert("command".into(), std::env::args().collect::<Vec<_>>().join(" ").into());
    prov.insert("train".into(), a.train.display().to_string().into());
    prov.insert("train_examples".into(), train.len().into());
    if let Some(v) = &a.valid {
        prov.insert("valid".into(), v.display().to_string().into());
        prov.insert("valid_examples".into(), valid.len().into());
    }
    prov.insert("length_pairs".into(), openings.len().into());
    prov.insert("l2".into(), a.l2.into());
    prov.insert("pair_weight".into(), a.pair_weight.into());
    prov.insert("small_clusters".into(), (!a.no_small_clusters).into());
    prov.insert(
        "suspect_rule".into(),
        a.suspect.0.map_or("youden".to_string(), |r| format!("recall {r}")).into(),
    );
    prov.insert("non_negative".into(), cfg.non_negative.clone().into());
    prov.insert("exclude".into(), cfg.exclude.clone().into());
    prov.insert("sqrt_suffixes".into(), cfg.sqrt.clone().into());
    prov.insert(
        "register_screen".into(),
        match cfg.register_ratio {
            Some(_) => serde_json::json!({
                "screen": report.screen,
                "kept_as_excess": cfg.screen_excess,
                "excess_non_negative": cfg.screen_excess && cfg.non_negative_excess,
            }),
            None => "off".into(),
        },
    );
    prov.insert("model".into(), engine.model().describe().into());
    prov.insert("valid_metrics".into(), serde_json::to_value(&report.valid)?);
    prov.insert("verdicts".into(), serde_json::to_value(&report.verdicts)?);
    let json = serde_json::to_string_pretty(&report.weights)? + "\n";
    std::fs::write(&a.output, json).with_context(|| format!("writing {}", a.output.display()))?;
    print_screen(&report.screen, a.register_screen.0, !a.screen_drop);
    println!("training data ({} examples):", train.len());
    print_metrics(&report.train);
    if !valid.is_empty() {
        println!("\nheld back ({} examples):", valid.len());
        print_metrics(&report.valid);
    }
    let t = report.weights.thresholds;
    let v = &report.verdicts;
    println!(
        "\nthresholds: suspect >= {} (flags {:.1}% of garbled, {:.1}% of clean; precision {:.3}, {:.3} at equal prevalence)",
        t.suspect,
        100.0 * v.flagged_recall,
        100.0 * v.clean_flagged,
        v.flagged_precision,
        v.flagged_precision_balanced
    );
    println!(
        "            garbled >= {} (calls {:.1}% of garbled, {:.1}% of clean garbled; precision {:.3}, {:.3} at equal prevalence)",
        t.garbled,
        100.0 * v.garbled_recall,
        100.0 * v.clean_called_garbled,
        v.garbled_precision,
        v.garbled_precision_balanced
    );
    if let Some(l) = report.weights.length {
        println!(
            "length prior: {} word units towards logit {:.3}, chosen on {} openings of clean training documents",
            l.units,
            l.clean_logit,
            openings.len()
        );
    }
    for f in &report.weights.features {
        if let Some(l) = f.per_length {
            println!(
                "length correction: {:<26} {:+.3} per unit of sqrt(ln units) from {:.3} (clean training documents)",
                f.name, -l.slope, l.center
            );
        }
    }
    println!("weights written to {}", a.output.display());
    // As `score`: records that could not be read (reported above) make the run's exit code.
    let counts = Counts { errors: train_counts.errors + valid_counts.errors, ..train_counts };
    Ok(counts.exit_code())
}

fn print_screen(screen: &RegisterScreen, ratio: Option<f64>, keep_excess: bool) {
    let Some(ratio) = ratio else {
        println!("register screen: off\n");
        return;
    };
    if screen.sources.len() < 2 {
        println!(
            "register screen: not applied (needs two sources with {SCREEN_MIN_CLEAN}+ clean documents; found {})\n",
            screen.sources.len()
        );
        return;
    }
    let screened: Vec<&ScreenRow> = screen.rows.iter().filter(|r| r.screened()).collect();
    println!(
        "register screen over {} sources ({}): {} of {} features screened (clean spread > {ratio} x separation), {}",
        screen.sources.len(),
        screen.sources.join(", "),
        screened.len(),
        screen.rows.len(),
        if keep_excess {
            "each kept as its excess past the clean documents of every source"
        } else {
            "left out"
        }
    );
    for r in screened {
        let past = match r.excess {
            Some(e) if keep_excess => {
                format!("  counts {} {:.4}", if e.up { "above" } else { "below" }, e.over)
            }
            _ => String::new(),
        };
        println!("  {:<32} spread {:.4}  separation {:.4}{past}", r.name, r.spread, r.separation);
    }
    println!();
}

/// The register screen's ratio (`None`: off).
#[derive(Debug, Clone, Copy)]
pub struct ScreenRatio(Option<f64>);

fn screen_ratio(s: &str) -> Result<ScreenRatio, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(ScreenRatio(None));
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(ScreenRatio(Some(x))),
        _ => Err(format!("{s:?} is neither a ratio >= 0 nor \"off\"")),
    }
}

/// How the suspect threshold is chosen: a recall of garbled documents, or Youden's J (`None`).
#[derive(Debug, Clone, Copy)]
pub struct SuspectRule(Option<f64>);

fn suspect_rule(s: &str) -> Result<SuspectRule, String> {
    if s.eq_ignore_ascii_case("youden") {
        return Ok(SuspectRule(None));
    }
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(SuspectRule(Some(x))),
        _ => Err(format!("{s:?} is neither a share in (0, 1] nor \"youden\"")),
    }
}

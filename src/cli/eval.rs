//! `spinscore eval`: AUC, pair accuracy, Kendall tau and a verdict confusion table on a
//! user's labelled data (the definitions of evaluate.py).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{EngineArgs, ExitCode, progress, score_all};
use super::score::Counts;
use spinscore::input::{InputConfig, RecordReaders, read_labels, readable_twice};
use spinscore::metrics::{Labelled, Metrics, metrics_by_kind};
use spinscore::pipeline::{Engine, Report, Status};

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Labelled JSONL: id, text, label (clean/garbled), degradation, group, kind.
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Scores a labelled dataset (in planned batches when `planned` and clusters are on); returns
/// each scored record's report with its label, in input order, and the counts of every record
/// read (their [`Counts::exit_code`] is the run's, as for `score`). Records that could not be
/// read are listed on stderr (unless `quiet`) when `report_errors`: false for a second reading
/// of records whose errors a first one reported.
pub fn score_labelled(
    engine: &Engine<'_>,
    path: &std::path::Path,
    batch: usize,
    planned: bool,
    quiet: bool,
    report_errors: bool,
) -> Result<(Vec<(Report, Labelled)>, Counts)> {
    let report_errors = report_errors && !quiet;
    if !readable_twice(path) {
        anyhow::bail!("{}: labelled data is read more than once: give a file, not a pipe", path.display());
    }
    let labels = read_labels(path).with_context(|| format!("reading labels of {}", path.display()))?;
    let cfg = InputConfig { format: spinscore::input::InputFormat::Jsonl, ..InputConfig::default() };
    let pb = progress(quiet);
    let mut out = Vec::new();
    let mut counts = Counts::default();
    let readers = RecordReaders::new(vec![path.to_path_buf()], cfg);
    score_all(engine, readers, batch, planned, |rep| -> Result<()> {
        pb.inc(1);
        counts.add(&rep);
        if let Status::Error(m) = &rep.status {
            if report_errors {
                pb.suspend(|| eprintln!("spinscore: {}: {m}", rep.origin));
            }
            return Ok(());
        }
        if let Some(l) = labels.get(&rep.seq) {
            let mut l = l.clone();
            l.score = rep.score();
            out.push((rep, l));
        }
        Ok(())
    })?;
    pb.finish_and_clear();
    // Planned batches come in batch order: back to input order.
    out.sort_by_key(|(r, _)| r.seq);
    if counts.errors > 0 && report_errors {
        eprintln!("spinscore: {} records could not be read", counts.errors);
    }
    Ok((out, counts))
}

fn fmt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:6.3}")).unwrap_or_else(|| "   -  ".into())
}

/// Prints figures per kind as evaluate.py does.
pub fn print_metrics(m: &BTreeMap<String, Metrics>) {
    println!(
        "{:28} {:>6} {:>6} {:>6} {:>7} {:>7} {:>6}",
        "kind", "docs", "cover", "auc", "pairs", "pairacc", "tau"
    );
    for (k, v) in m.iter().filter(|(k, _)| *k != "ALL").chain(m.get_key_value("ALL")) {
        println!(
            "{:28} {:>6} {} {} {:>7} {} {}",
            k,
            v.docs,
            fmt(Some(v.coverage)),
            fmt(v.auc),
            v.pairs,
            fmt(v.pair_acc),
            fmt(v.tau)
        );
    }
}

pub fn run(a: &EvalArgs) -> Result<ExitCode> {
    let engine = a.engine.engine()?;
    let planned = a.engine.plans_batches();
    let (scored, counts) =
        score_labelled(&engine, &a.dataset, a.engine.batch_size.max(1), planned, a.quiet, true)?;
    let labelled: Vec<Labelled> = scored.iter().map(|(_, l)| l.clone()).collect();
    let m = metrics_by_kind(&labelled);
    // Confusion table: label x verdict.
    let mut confusion: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (rep, l) in &scored {
        let label = match l.garbled {
            Some(true) => "garbled",
            Some(false) => "clean",
            None => "unlabelled",
        };
        let verdict = rep.scored.as_ref().map(|s| s.verdict.name()).unwrap_or("unscored");
        *confusion.entry(label.into()).or_default().entry(verdict.into()).or_default() += 1;
    }
    if a.json {
        let t = engine.scorer().weights().thresholds;
        println!(
            "{}",
            serde_json::json!({"dataset": a.dataset.display().to_string(), "kinds": m, "confusion": confusion, "thresholds": t})
        );
    } else {
        print_metrics(&m);
        let t = engine.scorer().weights().thresholds;
        println!("\nverdicts (suspect >= {}, garbled >= {}):", t.suspect, t.garbled);
        println!("{:12} {:>8} {:>8} {:>8} {:>9}", "label", "clean", "suspect", "garbled", "unscored");
        for (label, row) in &confusion {
            let g = |k: &str| row.get(k).copied().unwrap_or(0);
            println!(
                "{:12} {:>8} {:>8} {:>8} {:>9}",
                label,
                g("clean"),
                g("suspect"),
                g("garbled"),
                g("unscored")
            );
        }
    }
    Ok(counts.exit_code())
}

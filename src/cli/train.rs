//! `spinscore train`: build a reference model from clean running text.

use std::path::PathBuf;

use anyhow::Context;
use spinscore::input::expand_paths;
use spinscore::model::train::{TrainConfig, train_files};
use spinscore::model::{ContrastModel, Model};

use super::common::{ExitCode, report_skipped};

/// Build a reference language model from clean running text (files, directories, JSONL).
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Where to write the model.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Training text: files, read as `score` reads them (JSONL and CSV records' text field, HTML
    /// pages' main text, anything else as plain text; `-` for standard input), or directories
    /// (read recursively: document and record files, no hidden files).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Text field of JSONL records (and column of CSV files).
    #[arg(long, default_value = "text")]
    pub field: String,
    /// Units seen fewer times become <unk>.
    #[arg(long, default_value_t = 1)]
    pub vocab_min_count: u32,
    /// Keep at most this many units (most frequent first).
    #[arg(long)]
    pub vocab_limit: Option<usize>,
    /// Bigrams seen fewer times are not stored.
    #[arg(long, default_value_t = 1)]
    pub bigram_min_count: u32,
    /// Trigrams seen fewer times are not stored.
    #[arg(long, default_value_t = 2)]
    pub trigram_min_count: u32,
    /// Case-kept surface forms seen fewer times are not stored.
    #[arg(long, default_value_t = 2)]
    pub surface_min_count: u32,
    /// Write a contrast-only model, for `--roundtrip-model`: no word strings, counts, best
    /// continuations or surface forms (a smaller file that only the round-trip contrast reads).
    #[arg(long)]
    pub contrast_only: bool,
    /// List the files a directory walk skipped on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Runs `spinscore train`: exit code 1 when some records gave no text (each is listed on
/// stderr), as `score` does for records it cannot read.
pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let cfg = TrainConfig {
        vocab_min_count: args.vocab_min_count,
        vocab_limit: args.vocab_limit,
        bigram_min_count: args.bigram_min_count,
        trigram_min_count: args.trigram_min_count,
        surface_min_count: args.surface_min_count,
        jsonl_field: args.field.clone(),
        contrast_only: args.contrast_only,
    };
    let (files, skipped) = expand_paths(&args.inputs).context("reading inputs")?;
    report_skipped(&skipped, args.verbose);
    let trained = train_files(&args.inputs, &files, &cfg).context("training failed")?;
    for e in &trained.skipped {
        eprintln!("spinscore: skipped {e}");
    }
    let bytes = trained.bytes;
    let info = if args.contrast_only {
        ContrastModel::from_bytes(bytes.clone()).map(|m| m.info())
    } else {
        Model::from_bytes(bytes.clone()).map(|m| m.info())
    }
    .context("the trained model does not open")?;
    std::fs::write(&args.output, &bytes).with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "wrote {}: {} bytes, vocab {}, bigrams {}, trigrams {}, surface forms {}, {} training units",
        args.output.display(),
        info.bytes,
        info.vocab,
        info.bigrams,
        info.trigrams,
        info.surface_forms,
        info.total_tokens
    );
    if !trained.skipped.is_empty() {
        eprintln!("spinscore: {} records gave no text (listed above)", trained.skipped.len());
        return Ok(ExitCode::RecordErrors);
    }
    Ok(ExitCode::Ok)
}

//! Command-line parsing and dispatch. One file per subcommand.

mod common;
mod eval;
mod explain;
mod filter;
mod fit;
mod score;
mod sources;
mod train;
mod verdict_log;

use clap::{Parser, Subcommand};

pub use common::ExitCode;

/// Score English text for how degraded a machine rewrite it is, and rank documents by it.
#[derive(Parser, Debug)]
#[command(name = "spinscore", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Score documents and write a ranked report, most degraded first.
    Score(score::ScoreArgs),
    /// Roll scores up per source, worst first.
    Sources(sources::SourcesArgs),
    /// Filter a JSONL or CSV feed by score; kept records are written unchanged.
    Filter(filter::FilterArgs),
    /// Show a document with its flagged spans and each feature's contribution. Documents are
    /// scored with the others of their batch (consecutive records), as `score` scores them.
    Explain(explain::ExplainArgs),
    /// Build a reference language model from clean running text.
    Train(train::TrainArgs),
    /// Learn the scorer's weights from labelled JSONL.
    Fit(fit::FitArgs),
    /// Measure ranking quality on labelled JSONL (AUC, pair accuracy, Kendall tau, verdicts).
    Eval(eval::EvalArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Score(a) => score::run(a),
        Command::Sources(a) => sources::run(a),
        Command::Filter(a) => filter::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Train(a) => train::run(a),
        Command::Fit(a) => fit::run(a),
        Command::Eval(a) => eval::run(a),
    };
    match result {
        Ok(code) => code as i32,
        Err(e) => {
            if common::is_broken_pipe(&e) {
                return ExitCode::Ok as i32;
            }
            eprintln!("spinscore: {}", message(&e));
            ExitCode::Fatal as i32
        }
    }
}

/// The error and its causes, `: `-separated as `{:#}` writes them, leaving out a cause whose
/// text the message already ends with (the library's I/O and model errors name their cause).
fn message(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.is_empty() {
            msg = text;
        } else if !msg.ends_with(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
    }
    msg
}

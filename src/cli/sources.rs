//! `spinscore sources`: one row per source, worst first.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{EngineArgs, ExitCode, InputArgs, OutputArg, not_an_input, output, progress, score_all};
use super::score::Counts;
use spinscore::report::{SourceRollup, SourcesWriter};

#[derive(Args, Debug)]
pub struct SourcesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputArg::Csv)]
    pub format: OutputArg,
    /// Write the roll-up here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(a: &SourcesArgs) -> Result<ExitCode> {
    let engine = a.engine.engine()?;
    let readers = a.input.open()?;
    not_an_input(a.output.as_ref(), readers.files())?;
    let pb = progress(a.input.quiet);
    let mut rollup = SourceRollup::default();
    let mut counts = Counts::default();
    let planned = a.engine.plans_batches();
    score_all(&engine, readers, a.engine.batch_size, planned, |rep| -> Result<()> {
        pb.inc(1);
        counts.add(&rep);
        rollup.add(&rep).context("rolling up sources (temporary files)")
    })?;
    pb.finish_and_clear();
    let mut out = SourcesWriter::new(output(a.output.as_ref())?, a.format.into());
    rollup.finish(&mut out).context("writing sources")?;
    out.finish().context("writing sources")?;
    if !a.input.quiet {
        eprintln!("spinscore: {}", counts.summary());
    }
    Ok(counts.exit_code())
}

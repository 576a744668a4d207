//! `spinscore score`: a ranked report, most degraded first.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{EngineArgs, ExitCode, InputArgs, OutputArg, not_an_input, output, progress, score_all};
use spinscore::pipeline::{Report, Status};
use spinscore::report::{RankKey, Ranker, ReportWriter};

#[derive(Args, Debug)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputArg::Csv)]
    pub format: OutputArg,
    /// Write the report here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write rows in input order, without ranking: from planned batches put back in input order
    /// through temporary files (bounded memory); with `--in-order-batches`, as they are scored
    /// (constant memory, and rows of a stream on standard input come as it is read).
    #[arg(long)]
    pub unranked: bool,
}

/// Summary counts for stderr and the exit code.
#[derive(Default)]
pub struct Counts {
    pub scored: u64,
    pub unscored: u64,
    pub errors: u64,
}

impl Counts {
    pub fn add(&mut self, r: &Report) {
        match r.status {
            Status::Scored => self.scored += 1,
            Status::Unscored(_) => self.unscored += 1,
            Status::Error(_) => self.errors += 1,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        if self.errors > 0 { ExitCode::RecordErrors } else { ExitCode::Ok }
    }

    pub fn summary(&self) -> String {
        format!("{} scored, {} not scored, {} errors", self.scored, self.unscored, self.errors)
    }
}

/// Bytes of rendered rows held in memory before sorted runs spill to temporary files.
const RANK_MEMORY: usize = 16 << 20;

pub fn run(a: &ScoreArgs) -> Result<ExitCode> {
    let engine = a.engine.engine()?;
    let readers = a.input.open()?;
    not_an_input(a.output.as_ref(), readers.files())?;
    let mut writer = ReportWriter::new(output(a.output.as_ref())?, a.format.into(), engine.scorer());
    let pb = progress(a.input.quiet);
    let mut counts = Counts::default();
    let mut ranker = Ranker::new(RANK_MEMORY);
    let mut errors_shown = 0;
    let mut row = Vec::new();
    // Planned batches come in batch order: unranked rows are put back in input order.
    let planned = a.engine.plans_batches();
    score_all(&engine, readers, a.engine.batch_size, planned, |rep| -> Result<()> {
        counts.add(&rep);
        pb.inc(1);
        if let Status::Error(msg) = &rep.status
            && !a.input.quiet
        {
            errors_shown += 1;
            if errors_shown <= 20 {
                pb.suspend(|| eprintln!("spinscore: {}: {msg}", rep.origin));
            }
        }
        if a.unranked && !planned {
            writer.write(&rep).context("writing report")?;
        } else {
            row.clear();
            writer.render_into(&rep, &mut row).context("rendering report")?;
            let key = if a.unranked { RankKey::input_order(&rep) } else { RankKey::of(&rep) };
            ranker.push(key, &row).context("ranking (temporary files)")?;
        }
        Ok(())
    })?;
    pb.finish_and_clear();
    if !a.unranked || planned {
        ranker.finish(&mut writer).context("writing report")?;
    }
    writer.finish().context("writing report")?;
    if !a.input.quiet {
        if errors_shown > 20 {
            eprintln!("spinscore: ... {} more errors (see the error column)", errors_shown - 20);
        }
        eprintln!("spinscore: {}", counts.summary());
    }
    Ok(counts.exit_code())
}

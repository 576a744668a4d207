//! Options shared by subcommands: inputs, model, scorer, threads, progress.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use spinscore::input::{InputConfig, InputFormat, RecordReaders, Skip, SkippedFile, expand_paths};
use spinscore::model::{ContrastModel, Model};
use spinscore::pipeline::{DEFAULT_BATCH, Engine, Options, Report};
use spinscore::report::OutputFormat;
use spinscore::score::Scorer;

/// Process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Every record was read (scored, or not scored for a stated reason such as too short).
    Ok = 0,
    /// The run finished but some records could not be read (or an input was empty); they are
    /// listed as error rows.
    RecordErrors = 1,
    /// Nothing useful could be done: bad arguments, unreadable model or output.
    Fatal = 2,
}

/// True when the error is a closed pipe (e.g. output piped into `head`): not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|ce| matches!(ce.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Auto,
    Text,
    Jsonl,
    Csv,
    Html,
    Warc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    Csv,
    Jsonl,
    Table,
}

impl From<OutputArg> for OutputFormat {
    fn from(o: OutputArg) -> Self {
        match o {
            OutputArg::Csv => OutputFormat::Csv,
            OutputArg::Jsonl => OutputFormat::Jsonl,
            OutputArg::Table => OutputFormat::Table,
        }
    }
}

/// Where documents come from and how records are read.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or directories (recursive; .txt/.md/.html documents, .jsonl/.csv records); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read every input as this format instead of deciding by extension.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub input_format: FormatArg,
    /// Record field (JSONL key or CSV column) holding the id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Record field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Record field holding HTML, used when the text field is absent.
    #[arg(long, default_value = "html")]
    pub html_field: String,
    /// Record field naming the source.
    #[arg(long, default_value = "source")]
    pub source_field: String,
    /// Record field holding the URL (its host is the source when there is no source field).
    #[arg(long, default_value = "url")]
    pub url_field: String,
    /// Largest record read, in MiB (a JSONL line, a CSV row, a web archive page decoded, a whole
    /// file); a longer one becomes an error row and the rest of the input is still read (but
    /// not the rest of a CSV file whose quoted field never closes).
    #[arg(long, value_name = "MIB", default_value_t = (spinscore::input::MAX_RECORD_BYTES >> 20) as u32,
          value_parser = clap::value_parser!(u32).range(1..=4095))]
    pub max_record_mib: u32,
    /// List skipped files on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// No progress bar or summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

impl InputArgs {
    pub fn config(&self) -> InputConfig {
        InputConfig {
            format: match self.input_format {
                FormatArg::Auto => InputFormat::Auto,
                FormatArg::Text => InputFormat::Text,
                FormatArg::Jsonl => InputFormat::Jsonl,
                FormatArg::Csv => InputFormat::Csv,
                FormatArg::Html => InputFormat::Html,
                FormatArg::Warc => InputFormat::Warc,
            },
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            html_field: self.html_field.clone(),
            source_field: self.source_field.clone(),
            url_field: self.url_field.clone(),
            max_record_bytes: (self.max_record_mib as usize) << 20,
            ..InputConfig::default()
        }
    }

    /// Expands directories and opens a reader over every input.
    pub fn open(&self) -> Result<RecordReaders> {
        let (files, skipped) = expand_paths(&self.paths).context("reading inputs")?;
        if !self.quiet {
            report_skipped(&skipped, self.verbose);
        }
        Ok(RecordReaders::new(files, self.config()))
    }
}

/// Says on stderr how many files a directory walk skipped, and why; lists them when `verbose`.
pub fn report_skipped(skipped: &[SkippedFile], verbose: bool) {
    for (why, what) in [
        (Skip::NotADocument, "that are not documents"),
        (Skip::NotAFile, "that are not regular files (named pipes, sockets, devices)"),
        (Skip::SameFile, "already read through another path (a symbolic link)"),
    ] {
        let these: Vec<&SkippedFile> = skipped.iter().filter(|s| s.why == why).collect();
        if these.is_empty() {
            continue;
        }
        let more = if verbose { ":" } else { " (--verbose lists them)" };
        eprintln!("spinscore: skipped {} file(s) {what}{more}", these.len());
        if verbose {
            for s in these {
                eprintln!("  {}", s.path.display());
            }
        }
    }
}

/// Model, scorer and performance settings.
#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// Reference model file (default: the embedded model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Round-trip contrast model: a model trained on machine round trips of the reference
    /// model's training text (default: the embedded one, used with the default reference model
    /// only).
    #[arg(long, value_name = "FILE")]
    pub roundtrip_model: Option<PathBuf>,
    /// Scorer weights file (default: the embedded weights).
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Documents with fewer content words than this get no score.
    #[arg(long, default_value_t = Options::default().min_words)]
    pub min_words: usize,
    /// Records scored together; story clusters are found within a batch.
    #[arg(long, default_value_t = DEFAULT_BATCH)]
    pub batch_size: usize,
    /// Do not compare versions of the same story within a batch.
    #[arg(long)]
    pub no_clusters: bool,
    /// Batches of consecutive records: no first pass to bring versions of a story together
    /// (faster on large inputs, and rows of standard input come as they are scored; versions
    /// must then be close to each other).
    #[arg(long)]
    pub in_order_batches: bool,
}

impl EngineArgs {
    /// Loads the model and scorer and sets up the thread pool.
    pub fn engine(&self) -> Result<Engine<'static>> {
        if let Some(n) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build_global()
                .context("setting up worker threads")?;
        }
        let model: &'static Model = match &self.model {
            None => Model::embedded(),
            Some(p) => {
                let m = Model::open_path(p).with_context(|| format!("opening model {}", p.display()))?;
                Box::leak(Box::new(m))
            }
        };
        let scorer = match &self.weights {
            None => Scorer::embedded(),
            Some(p) => {
                let json =
                    std::fs::read_to_string(p).with_context(|| format!("reading weights {}", p.display()))?;
                Scorer::from_json(&json).with_context(|| format!("weights {}", p.display()))?
            }
        };
        let opts = Options {
            min_words: self.min_words,
            clusters: !self.no_clusters,
            between_batches: Some(crate::return_freed_memory),
            ..Options::default()
        };
        let engine = Engine::new(model, scorer, opts);
        Ok(match &self.roundtrip_model {
            None => engine,
            Some(p) => {
                let m = ContrastModel::open_path(p)
                    .with_context(|| format!("opening round-trip model {}", p.display()))?;
                engine.with_roundtrip(Some(Box::leak(Box::new(m))))
            }
        })
    }
}

impl EngineArgs {
    /// True when [`score_all`] should plan its batches: story clusters are on and not
    /// `--in-order-batches`, whatever the input (files, or standard input and pipes, whose
    /// documents wait in a temporary file between the passes). Reports then come in batch
    /// order.
    pub fn plans_batches(&self) -> bool {
        !self.no_clusters && !self.in_order_batches
    }
}

/// Scores every record of `readers`, calling `each` with its report: in planned batches, so
/// that versions of a story anywhere in the input are compared, when `planned`
/// ([`EngineArgs::plans_batches`]); else in batches read in order. Raw records are not kept.
pub fn score_all(
    engine: &Engine<'_>,
    mut readers: RecordReaders,
    batch: usize,
    planned: bool,
    mut each: impl FnMut(Report) -> Result<()>,
) -> Result<()> {
    if planned && engine.options().clusters {
        return engine.run_planned(&mut readers, batch, each);
    }
    // The raw records are not written back: drop them as they are read (half a batch's memory).
    let records = readers.map(|r| spinscore::input::Record { raw: spinscore::input::Raw::File, ..r });
    engine.run(records, batch, |rep, _raw| each(rep))
}

/// A progress counter on stderr when stderr is a terminal (and not `--quiet`).
pub fn progress(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {pos} documents  {per_sec}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    pb
}

/// Fails when `out` is one of the `inputs`: creating it would empty the input before it is read
/// (or between the two readings of a feed).
pub fn not_an_input(out: Option<&PathBuf>, inputs: &[PathBuf]) -> Result<()> {
    let Some(out) = out.and_then(|o| std::fs::canonicalize(o).ok()) else { return Ok(()) };
    match inputs.iter().find(|p| std::fs::canonicalize(p).is_ok_and(|c| c == out)) {
        Some(p) => anyhow::bail!("{}: the output would overwrite this input", p.display()),
        None => Ok(()),
    }
}

/// Opens the output: a file, or buffered stdout.
pub fn output(path: Option<&PathBuf>) -> Result<Box<dyn std::io::Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock())),
    })
}

//! `spinscore filter`: keep the records of a JSONL or CSV feed that score low enough.
//!
//! Two passes over the feed: the first scores every record as `score` does (in planned batches,
//! so the scores are the ones `score` reports) and rolls scores up per source; the second writes
//! each record, unchanged, to the kept output or the rejects file. Standard input is spooled to a
//! temporary file first. Kept + rejected + errored = input, always.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::common::{EngineArgs, ExitCode, InputArgs, not_an_input, output, progress, score_all};
use super::verdict_log::{Outcome, Verdict, VerdictLog};
use spinscore::input::{BOM, InputFormat, Raw, RecordReader, RecordReaders, format_of, readable_twice};
use spinscore::pipeline::Status;

#[derive(Args, Debug)]
pub struct FilterArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Drop records scoring above this (0-100).
    #[arg(long, value_name = "SCORE")]
    pub max_score: Option<f64>,
    /// Drop every record of a source whose mean score is above this.
    #[arg(long, value_name = "SCORE")]
    pub max_source_score: Option<f64>,
    /// Drop records whose boilerplate share (non-blank characters in boilerplate lines, 0-1) is
    /// above this. Boilerplate does not raise the score; this is how to filter on it.
    #[arg(long, value_name = "SHARE")]
    pub max_boilerplate: Option<f64>,
    /// Also drop records that could not be scored (too short, not English).
    #[arg(long)]
    pub drop_unscored: bool,
    /// Add the score and verdict to kept records (`spinscore_score`, `spinscore_verdict`).
    #[arg(long)]
    pub add_score: bool,
    /// Write kept records here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write every dropped or unreadable record here, with its reason (`spinscore_reason`).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
}

pub fn run(a: &FilterArgs) -> Result<ExitCode> {
    if a.max_score.is_none()
        && a.max_source_score.is_none()
        && a.max_boilerplate.is_none()
        && !a.drop_unscored
    {
        bail!(
            "nothing to filter by: give --max-score, --max-source-score, --max-boilerplate and/or --drop-unscored"
        );
    }
    if let Some(b) = a.max_boilerplate.filter(|b| !(0.0..=1.0).contains(b)) {
        bail!("--max-boilerplate is a share between 0 and 1 (got {b})");
    }
    if a.input.paths.len() != 1 {
        bail!("filter reads one feed (a JSONL or CSV file, or - for standard input)");
    }
    let given = &a.input.paths[0];
    not_an_input(a.output.as_ref(), std::slice::from_ref(given))?;
    not_an_input(a.rejects.as_ref(), std::slice::from_ref(given))?;
    let engine = a.engine.engine()?;
    let mut cfg = a.input.config();
    // The feed is read twice: standard input and pipes are spooled to a temporary file first.
    let spool = if given.as_os_str() == "-" {
        Some(spooled(&mut std::io::stdin().lock()).context("spooling standard input")?)
    } else if !readable_twice(given) {
        let what = || format!("spooling {}", given.display());
        Some(spooled(&mut std::fs::File::open(given).with_context(what)?).with_context(what)?)
    } else {
        None
    };
    let path: PathBuf = spool.as_ref().map_or_else(|| given.clone(), |t| t.path().to_path_buf());
    let format = match cfg.format {
        InputFormat::Auto if given.as_os_str() == "-" => sniff(&path)?,
        InputFormat::Auto => format_of(given).unwrap_or(InputFormat::Text),
        f => f,
    };
    if !matches!(format, InputFormat::Jsonl | InputFormat::Csv) {
        bail!("{}: filter reads JSONL or CSV feeds (use --input-format)", given.display());
    }
    cfg.format = format;
    let cfg = Arc::new(cfg);
    let display = given.display().to_string();

    // Pass one: score everything.
    let pb = progress(a.input.quiet);
    // Memory per source (only with --max-source-score), not per record: the records' verdicts
    // go to a temporary file.
    let by_source = a.max_source_score.is_some();
    let mut sources: HashMap<Box<str>, u32> = HashMap::new();
    let mut sums: Vec<(f64, u64)> = Vec::new();
    let mut verdicts = VerdictLog::new().context("creating a temporary file")?;
    // Scored as `score` scores the same file: in planned batches unless --in-order-batches, so
    // versions of one story anywhere in the feed are compared and the scores filtered on are
    // the scores `score` reports. Reports then come in batch order: each is kept at its place.
    let readers = RecordReaders::new(vec![path.clone()], (*cfg).clone());
    let planned = a.engine.plans_batches();
    score_all(&engine, readers, a.engine.batch_size, planned, |rep| -> Result<()> {
        pb.inc(1);
        let sid = match by_source.then(|| sources.get(rep.source.as_str())) {
            None => 0,
            Some(Some(&sid)) => sid,
            Some(None) => {
                let sid = u32::try_from(sums.len()).context("more than 4 billion sources")?;
                sources.insert(rep.source.as_str().into(), sid);
                sums.push((0.0, 0));
                sid
            }
        };
        if let (Some(s), Some(sum)) = (rep.score(), sums.get_mut(sid as usize)) {
            sum.0 += s;
            sum.1 += 1;
        }
        let outcome = match &rep.status {
            Status::Scored => Outcome::Scored,
            Status::Unscored(r) => Outcome::Unscored(r.clone()),
            Status::Error(m) => Outcome::Error(format!("{}:{}: {m}", display, rep.origin.line)),
        };
        let v = Verdict {
            score: rep.score(),
            boilerplate: rep.boilerplate_ratio,
            verdict: rep.scored.as_ref().map(|s| s.verdict),
            source: sid,
            outcome,
        };
        verdicts.put(rep.seq, v).context("writing a temporary file")
    })?;
    pb.finish_and_clear();
    let means: Vec<Option<f64>> = sums.iter().map(|&(s, n)| (n > 0).then(|| s / n as f64)).collect();
    let mut source_names: Vec<Box<str>> = vec![Box::default(); sums.len()];
    for (name, sid) in sources {
        source_names[sid as usize] = name;
    }
    let records = verdicts.len();
    let mut verdicts =
        verdicts.into_reader().with_context(|| format!("{display}: reading back the first pass"))?;

    // Pass two: write each record where it belongs.
    let delimiter = match format {
        InputFormat::Csv => {
            spinscore::input::csv_delimiter_of(&path).with_context(|| format!("cannot read {display}"))?
        }
        _ => b',',
    };
    let mut kept_sink = Sink::new(output(a.output.as_ref())?, format, delimiter);
    let mut rej_sink = match &a.rejects {
        Some(p) => Some(Sink::new(output(Some(p))?, format, delimiter)),
        None => None,
    };
    let mut reader = RecordReader::new(&path, cfg.clone());
    let (mut kept, mut rejected, mut errored) = (0u64, 0u64, 0u64);
    while let Some(rec) = reader.next() {
        let Some(v) = verdicts.next_verdict().context("reading a temporary file")? else {
            bail!("{display}: the feed changed between the two passes");
        };
        let reason = match &v.outcome {
            Outcome::Error(m) => Some(format!("error: {m}")),
            Outcome::Unscored(r) if a.drop_unscored => Some(format!("not scored: {r}")),
            Outcome::Unscored(_) => None,
            Outcome::Scored => {
                let s = v.score.unwrap_or(0.0);
                let src_mean = means.get(v.source as usize).copied().flatten();
                if let Some(m) = a.max_score.filter(|&m| s > m) {
                    Some(format!("score {s:.2} > {m}"))
                } else if let Some((m, b)) = a.max_boilerplate.zip(v.boilerplate).filter(|&(m, b)| b > m) {
                    Some(format!("boilerplate share {b:.3} > {m}"))
                } else {
                    a.max_source_score.and_then(|m| {
                        src_mean.filter(|&sm| sm > m).map(|sm| {
                            let name = source_names.get(v.source as usize).map_or("", |n| n);
                            format!("source {name} mean score {sm:.2} > {m}")
                        })
                    })
                }
            }
        };
        let score = v.score.map(|s| format!("{s:.2}")).unwrap_or_default();
        let headers = reader.csv_headers();
        match reason {
            None => {
                kept += 1;
                let extra: &[(&str, &str)] = if a.add_score {
                    &[("spinscore_score", &score), ("spinscore_verdict", v.verdict.map_or("", |l| l.name()))]
                } else {
                    &[]
                };
                kept_sink.write(&rec.raw, headers, extra)?;
            }
            Some(reason) => {
                if matches!(v.outcome, Outcome::Error(_)) {
                    errored += 1;
                } else {
                    rejected += 1;
                }
                if let Some(sink) = rej_sink.as_mut() {
                    sink.write(
                        &rec.raw,
                        headers,
                        &[("spinscore_reason", &reason), ("spinscore_score", &score)],
                    )?;
                }
            }
        }
    }
    if verdicts.left() != 0 {
        bail!("{display}: the feed changed between the two passes (it had {records} records in the first)");
    }
    // The feed's header, for a CSV sink that got no row.
    let header = reader.csv_headers();
    let kept_extra: &[&str] = if a.add_score { &["spinscore_score", "spinscore_verdict"] } else { &[] };
    kept_sink.finish(header, kept_extra).context("writing kept records")?;
    if let Some(s) = rej_sink {
        s.finish(header, &["spinscore_reason", "spinscore_score"]).context("writing rejects")?;
    }
    if !a.input.quiet {
        eprintln!(
            "spinscore filter: {} records: {kept} kept, {rejected} rejected, {errored} errored",
            kept + rejected + errored
        );
    }
    Ok(if errored > 0 { ExitCode::RecordErrors } else { ExitCode::Ok })
}

/// A temporary file holding everything `from` gives (removed when dropped).
fn spooled(from: &mut dyn Read) -> std::io::Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::NamedTempFile::new()?;
    std::io::copy(from, &mut tmp)?;
    tmp.flush()?;
    Ok(tmp)
}

/// Guesses the format of spooled standard input (decompressed if gzip): JSON when it starts with
/// `{` or `[` (after a byte order mark and whitespace) or is empty (read as JSONL, an empty input
/// is its one error row), else CSV.
fn sniff(path: &Path) -> Result<InputFormat> {
    let mut buf = Vec::with_capacity(4096);
    spinscore::input::open_decoded(path)?.take(4096).read_to_end(&mut buf)?;
    let start = if buf.starts_with(BOM) { BOM.len() } else { 0 };
    Ok(match buf[start..].iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') | None => InputFormat::Jsonl,
        Some(_) => InputFormat::Csv,
    })
}

/// Adds `"key":"value"` fields to a JSON object line, keeping its bytes otherwise. A line that is
/// not a JSON object (malformed) is wrapped: `{"spinscore_raw": "<line>", ...}`.
fn splice_json(line: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
    if extra.is_empty() {
        return line.to_vec();
    }
    let mut fields = String::new();
    for (k, v) in extra {
        fields.push_str(&format!(",{}:{}", serde_json::Value::from(*k), serde_json::Value::from(*v)));
    }
    let trimmed = line.trim_ascii_end();
    let is_object = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(trimmed).is_ok();
    if is_object && trimmed.last() == Some(&b'}') {
        let body = trimmed[..trimmed.len() - 1].trim_ascii_end();
        let mut out = body.to_vec();
        if body.last() == Some(&b'{') {
            out.extend_from_slice(&fields.as_bytes()[1..]);
        } else {
            out.extend_from_slice(fields.as_bytes());
        }
        out.push(b'}');
        out
    } else {
        let raw = String::from_utf8_lossy(line);
        format!("{{\"spinscore_raw\":{}{}}}", serde_json::Value::from(raw.as_ref()), fields).into_bytes()
    }
}

/// Where kept or rejected records go, in the feed's own format.
enum Sink {
    Json(Box<dyn Write>),
    Csv { w: Box<csv::Writer<Box<dyn Write>>>, header: bool },
}

impl Sink {
    /// A sink writing `format` (CSV fields separated by `delimiter`, as the feed has them).
    fn new(w: Box<dyn Write>, format: InputFormat, delimiter: u8) -> Self {
        match format {
            InputFormat::Csv => Sink::Csv {
                w: Box::new(csv::WriterBuilder::new().flexible(true).delimiter(delimiter).from_writer(w)),
                header: false,
            },
            _ => Sink::Json(w),
        }
    }

    fn write(&mut self, raw: &Raw, headers: Option<&csv::ByteRecord>, extra: &[(&str, &str)]) -> Result<()> {
        match (self, raw) {
            (Sink::Json(w), Raw::Json(line)) => {
                w.write_all(&splice_json(line, extra))?;
                w.write_all(b"\n")?;
            }
            (Sink::Csv { w, header }, Raw::Csv(fields)) => {
                if !*header {
                    *header = true;
                    write_header(w, headers, extra.iter().map(|(k, _)| *k))?;
                }
                let mut row = fields.clone();
                for (_, v) in extra {
                    row.push_field(v.as_bytes());
                }
                w.write_byte_record(&row)?;
            }
            (Sink::Json(w), _) => {
                let mut obj = serde_json::Map::new();
                for (k, v) in extra {
                    obj.insert(k.to_string(), (*v).into());
                }
                serde_json::to_writer(&mut *w, &obj)?;
                w.write_all(b"\n")?;
            }
            (Sink::Csv { w, .. }, _) => {
                let row: Vec<&str> = extra.iter().map(|(_, v)| *v).collect();
                w.write_record(&row)?;
            }
        }
        Ok(())
    }

    /// Flushes the records written. A CSV sink that got no row still gets the feed's header
    /// (`headers`, with the `extra` column names), so that nothing kept is an empty feed, not an
    /// empty file.
    fn finish(self, headers: Option<&csv::ByteRecord>, extra: &[&str]) -> Result<()> {
        match self {
            Sink::Json(mut w) => w.flush()?,
            Sink::Csv { mut w, header } => {
                if !header && headers.is_some() {
                    write_header(&mut w, headers, extra.iter().copied())?;
                }
                (*w).into_inner().map_err(|e| e.into_error())?.flush()?
            }
        }
        Ok(())
    }
}

/// Writes the feed's header with the `extra` column names after it.
fn write_header<'k>(
    w: &mut csv::Writer<Box<dyn Write>>,
    headers: Option<&csv::ByteRecord>,
    extra: impl Iterator<Item = &'k str>,
) -> Result<()> {
    let mut h = headers.cloned().unwrap_or_default();
    for k in extra {
        h.push_field(k.as_bytes());
    }
    w.write_byte_record(&h)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::splice_json;

    #[test]
    fn splices_fields_into_objects() {
        assert_eq!(splice_json(br#"{"id":"a"}"#, &[("k", "v")]), br#"{"id":"a","k":"v"}"#);
        assert_eq!(splice_json(b"{ }", &[("k", "v")]), br#"{"k":"v"}"#);
        assert_eq!(splice_json(b"not json", &[("k", "v")]), br#"{"spinscore_raw":"not json","k":"v"}"#);
        assert_eq!(splice_json(br#"{"id":"a"}"#, &[]), br#"{"id":"a"}"#);
    }
}

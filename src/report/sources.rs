//! Per-source roll-ups (`spinscore sources`) in bounded memory.
//!
//! A feed can hold millions of sources (one per site of a crawl): held in memory, 1.5 million
//! took 800 MB. Totals are kept in memory up to a limit, then spilled to a temporary file as a
//! run sorted by source; at the end the runs are merged source by source, and the rows are
//! ranked by mean score with `score`'s [`Ranker`] (sorted runs past the same limit). A roll-up
//! that fits in memory touches no file, and one that does not gives the same rows.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};

use serde::Serialize;

use super::{
    OutputFormat, RankKey, Ranker, RunLevels, finished_run, fmt_num, fmt_pct, new_run, run_reader,
    spreadsheet_safe, truncate,
};
use crate::pipeline::{Report, Status};
use crate::score::Verdict;

/// Bytes of totals (and later of rows) held in memory before a run is spilled.
pub const ROLLUP_MEMORY: usize = 32 << 20;

/// Bytes a source's totals cost beyond its name and scores (map node, vector, counts).
const ACC_OVERHEAD: usize = 160;

/// Running per-source totals.
#[derive(Debug, Default, Clone, PartialEq)]
struct SourceAcc {
    documents: u64,
    errors: u64,
    unscored: u64,
    /// Scores of scored documents, in the order they were reported.
    scores: Vec<f32>,
    flagged: u64,
    garbled: u64,
    /// The boilerplate ratios' sum in units of 2^-64, so that it is exact and the same whatever
    /// parts the records were added in (a float sum of the parts' float sums was not).
    boilerplate_sum: u128,
    boilerplate_n: u64,
}

/// 2^64: [`SourceAcc::boilerplate_sum`]'s units in one.
const FIXED_ONE: f64 = 18_446_744_073_709_551_616.0;

/// A boilerplate ratio (0-1) in the units of [`SourceAcc::boilerplate_sum`].
fn fixed_ratio(b: f64) -> u128 {
    // Exact scaling by a power of two; the cast drops what is below 2^-64 (and maps NaN to 0).
    (b.clamp(0.0, 1.0) * FIXED_ONE) as u128
}

impl SourceAcc {
    /// Adds the totals of a later part of the input (its scores after these).
    fn merge(&mut self, later: SourceAcc) {
        self.documents += later.documents;
        self.errors += later.errors;
        self.unscored += later.unscored;
        self.scores.extend_from_slice(&later.scores);
        self.flagged += later.flagged;
        self.garbled += later.garbled;
        self.boilerplate_sum += later.boilerplate_sum;
        self.boilerplate_n += later.boilerplate_n;
    }

    /// The source's row (its scores sorted for the median, in place: no second copy).
    fn row(mut self, source: String) -> SourceRow {
        let n = self.scores.len();
        // The mean is summed in report order, before the scores are sorted.
        let mean_score = (n > 0).then(|| self.scores.iter().map(|&x| x as f64).sum::<f64>() / n as f64);
        let median = crate::metrics::median(&mut self.scores);
        let share = |x: u64| (n > 0).then(|| x as f64 / n as f64);
        SourceRow {
            source,
            documents: self.documents,
            scored: n as u64,
            unscored: self.unscored,
            errors: self.errors,
            mean_score,
            median_score: median,
            flagged_share: share(self.flagged),
            garbled_share: share(self.garbled),
            mean_boilerplate: (self.boilerplate_n > 0)
                .then(|| self.boilerplate_sum as f64 / FIXED_ONE / self.boilerplate_n as f64),
        }
    }

    fn write_to(&self, source: &str, w: &mut impl Write) -> io::Result<()> {
        put_str(w, source)?;
        for x in [self.documents, self.errors, self.unscored, self.flagged, self.garbled, self.boilerplate_n]
        {
            w.write_all(&x.to_le_bytes())?;
        }
        w.write_all(&self.boilerplate_sum.to_le_bytes())?;
        w.write_all(&(self.scores.len() as u64).to_le_bytes())?;
        for s in &self.scores {
            w.write_all(&s.to_le_bytes())?;
        }
        Ok(())
    }

    /// The next source and totals of a run, `None` at its end.
    fn read_from(r: &mut impl Read) -> io::Result<Option<(String, SourceAcc)>> {
        let Some(source) = get_str(r)? else { return Ok(None) };
        let mut u = [0u64; 6];
        for x in &mut u {
            *x = get_u64(r)?;
        }
        let mut sum = [0u8; 16];
        r.read_exact(&mut sum)?;
        let boilerplate_sum = u128::from_le_bytes(sum);
        let n = usize::try_from(get_u64(r)?).map_err(io::Error::other)?;
        let mut bytes = vec![0u8; n.checked_mul(4).ok_or_else(|| io::Error::other("corrupt run"))?];
        r.read_exact(&mut bytes)?;
        let scores = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let [documents, errors, unscored, flagged, garbled, boilerplate_n] = u;
        let acc = SourceAcc {
            documents,
            errors,
            unscored,
            scores,
            flagged,
            garbled,
            boilerplate_sum,
            boilerplate_n,
        };
        Ok(Some((source, acc)))
    }
}

/// One row of the per-source roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// The source.
    pub source: String,
    /// Records read from it (including errors).
    pub documents: u64,
    /// Records scored.
    pub scored: u64,
    /// Records not scored (too short, not English).
    pub unscored: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// Mean score of scored documents.
    pub mean_score: Option<f64>,
    /// Median score of scored documents.
    pub median_score: Option<f64>,
    /// Share of scored documents with verdict suspect or garbled.
    pub flagged_share: Option<f64>,
    /// Share of scored documents with verdict garbled.
    pub garbled_share: Option<f64>,
    /// Mean boilerplate ratio of readable documents.
    pub mean_boilerplate: Option<f64>,
}

impl SourceRow {
    fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        put_str(w, &self.source)?;
        for x in [self.documents, self.scored, self.unscored, self.errors] {
            w.write_all(&x.to_le_bytes())?;
        }
        let opts = [
            self.mean_score,
            self.median_score,
            self.flagged_share,
            self.garbled_share,
            self.mean_boilerplate,
        ];
        for x in opts {
            w.write_all(&[u8::from(x.is_some())])?;
            w.write_all(&x.unwrap_or(0.0).to_le_bytes())?;
        }
        Ok(())
    }

    fn read_from(r: &mut impl Read) -> io::Result<Option<SourceRow>> {
        let Some(source) = get_str(r)? else { return Ok(None) };
        let mut u = [0u64; 4];
        for x in &mut u {
            *x = get_u64(r)?;
        }
        let mut o = [None; 5];
        for x in &mut o {
            let mut flag = [0u8];
            r.read_exact(&mut flag)?;
            let v = f64::from_bits(get_u64(r)?);
            *x = (flag[0] != 0).then_some(v);
        }
        let [documents, scored, unscored, errors] = u;
        let [mean_score, median_score, flagged_share, garbled_share, mean_boilerplate] = o;
        Ok(Some(SourceRow {
            source,
            documents,
            scored,
            unscored,
            errors,
            mean_score,
            median_score,
            flagged_share,
            garbled_share,
            mean_boilerplate,
        }))
    }
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    w.write_all(&(s.len() as u64).to_le_bytes())?;
    w.write_all(s.as_bytes())
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// A length-prefixed string, `None` at a clean end of the run.
fn get_str(r: &mut impl Read) -> io::Result<Option<String>> {
    let mut b = [0u8; 8];
    // No byte at all is the end; part of a length is a cut run.
    loop {
        match r.read(&mut b[..1]) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    r.read_exact(&mut b[1..])?;
    let n = usize::try_from(u64::from_le_bytes(b)).map_err(io::Error::other)?;
    let mut s = Vec::new();
    r.take(n as u64).read_to_end(&mut s)?;
    if s.len() != n {
        return Err(io::Error::other("a temporary run ends inside a record"));
    }
    String::from_utf8(s).map(Some).map_err(io::Error::other)
}

/// Per-source roll-up of reports, in bounded memory (see the module docs).
#[derive(Debug)]
pub struct SourceRollup {
    map: BTreeMap<String, SourceAcc>,
    /// Estimated bytes held by `map`.
    held: usize,
    limit: usize,
    /// Spilled runs, merged a level at a time as [`Ranker`] merges its own.
    runs: RunLevels,
}

impl Default for SourceRollup {
    fn default() -> Self {
        SourceRollup::with_limit(ROLLUP_MEMORY)
    }
}

impl SourceRollup {
    /// A roll-up that spills once it holds about `limit` bytes (and sorts its rows in as much).
    pub fn with_limit(limit: usize) -> Self {
        SourceRollup { map: BTreeMap::new(), held: 0, limit, runs: RunLevels::new() }
    }

    /// Adds one report. Fails only when a run cannot be spilled.
    pub fn add(&mut self, r: &Report) -> io::Result<()> {
        let a = match self.map.get_mut(r.source.as_str()) {
            Some(a) => a,
            None => {
                self.held += r.source.len() + ACC_OVERHEAD;
                self.map.entry(r.source.clone()).or_default()
            }
        };
        a.documents += 1;
        match &r.status {
            Status::Error(_) => a.errors += 1,
            Status::Unscored(_) => a.unscored += 1,
            Status::Scored => {}
        }
        if let Some(s) = &r.scored {
            a.scores.push(s.score as f32);
            self.held += 4;
            if s.verdict != Verdict::Clean {
                a.flagged += 1;
            }
            if s.verdict == Verdict::Garbled {
                a.garbled += 1;
            }
        }
        if let Some(b) = r.boilerplate_ratio {
            a.boilerplate_sum += fixed_ratio(b);
            a.boilerplate_n += 1;
        }
        if self.held > self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the totals held as a run sorted by source, and empties the map.
    fn spill(&mut self) -> io::Result<()> {
        let mut w = new_run()?;
        for (source, acc) in std::mem::take(&mut self.map) {
            acc.write_to(&source, &mut w)?;
        }
        self.held = 0;
        self.runs.push(finished_run(w)?, |full| {
            let mut w = new_run()?;
            merge_runs(full, |source, acc| acc.write_to(&source, &mut w))?;
            finished_run(w)
        })
    }

    /// Runs spilled to temporary files so far.
    pub fn spilled_runs(&self) -> usize {
        self.runs.spilled
    }

    /// Every source's row, worst first, to `out`. Rows are ranked by a [`Ranker`] (in memory up
    /// to the same limit, then in sorted runs), numbered in source order to break ties.
    pub fn finish(mut self, out: &mut SourcesWriter<impl Write>) -> io::Result<()> {
        let mut ranker = Ranker::new(self.limit);
        let mut buf = Vec::new();
        let mut seq = 0u64;
        let mut rank = |row: SourceRow| -> io::Result<()> {
            buf.clear();
            row.write_to(&mut buf)?;
            ranker.push(RankKey::of_source(&row, seq), &buf)?;
            seq += 1;
            Ok(())
        };
        if self.runs.spilled == 0 {
            for (source, acc) in std::mem::take(&mut self.map) {
                rank(acc.row(source))?;
            }
        } else {
            self.merge_runs(&mut rank)?;
        }
        ranker.finish_with(|_, mut bytes| match SourceRow::read_from(&mut bytes)? {
            Some(row) => out.write(&row),
            None => Err(io::Error::other("an empty ranked row")),
        })
    }

    /// The whole totals of every source, in source order, from the runs spilled (and what is
    /// held, spilled last): a source's parts in the order they were spilled, so its scores
    /// stay in report order.
    fn merge_runs(mut self, each: &mut impl FnMut(SourceRow) -> io::Result<()>) -> io::Result<()> {
        if !self.map.is_empty() {
            self.spill()?;
        }
        merge_runs(self.runs.oldest_first(), |source, acc| each(acc.row(source)))
    }

    /// Every source's row, worst first (all in memory: for small roll-ups and tests).
    pub fn into_rows(self) -> io::Result<Vec<SourceRow>> {
        let mut collect = SourcesWriter::collecting();
        self.finish(&mut collect)?;
        match collect.sink {
            Sink::Collect(rows) => Ok(rows),
            _ => Ok(Vec::new()),
        }
    }
}

/// Hands each source's whole totals in `runs` (sorted by source, oldest first), in source
/// order, to `each`: a source's parts are merged in the order of the runs that hold them.
fn merge_runs(runs: Vec<File>, mut each: impl FnMut(String, SourceAcc) -> io::Result<()>) -> io::Result<()> {
    let mut readers: Vec<BufReader<File>> = runs.into_iter().map(run_reader).collect();
    let mut heads: Vec<Option<SourceAcc>> = Vec::with_capacity(readers.len());
    let mut heap = BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        let next = SourceAcc::read_from(r)?;
        heads.push(next.map(|(source, acc)| {
            heap.push(Reverse((source, i)));
            acc
        }));
    }
    // Equal sources pop in run order (the heap orders by run number after the name).
    while let Some(Reverse((source, i))) = heap.pop() {
        let mut acc = take_head(&mut heads, &mut readers, &mut heap, i)?;
        while let Some(Reverse((next, j))) = heap.peek() {
            if *next != source {
                break;
            }
            let j = *j;
            heap.pop();
            acc.merge(take_head(&mut heads, &mut readers, &mut heap, j)?);
        }
        each(source, acc)?;
    }
    Ok(())
}

/// Takes run `i`'s current totals and queues its next source.
fn take_head(
    heads: &mut [Option<SourceAcc>],
    readers: &mut [BufReader<File>],
    heap: &mut BinaryHeap<Reverse<(String, usize)>>,
    i: usize,
) -> io::Result<SourceAcc> {
    let acc = heads[i].take().ok_or_else(|| io::Error::other("a temporary run lost its place"))?;
    if let Some((source, next)) = SourceAcc::read_from(&mut readers[i])? {
        heads[i] = Some(next);
        heap.push(Reverse((source, i)));
    }
    Ok(acc)
}

impl RankKey {
    /// A source row's key: sources with a mean score first, highest first; then `seq` (the
    /// row's place in source order, so ties go by name).
    fn of_source(row: &SourceRow, seq: u64) -> RankKey {
        match row.mean_score {
            // Non-negative floats order like their bits (`+ 0.0` makes a -0.0 plain zero).
            Some(m) => RankKey {
                class: 0,
                inverted_score: u64::MAX - (m.max(0.0) + 0.0).to_bits(),
                seq,
                scored: true,
            },
            None => RankKey { class: 1, inverted_score: 0, seq, scored: false },
        }
    }
}

/// Writes source rows one at a time, numbering their ranks, in a given format.
pub struct SourcesWriter<W: Write> {
    sink: Sink<W>,
    rank: u64,
}

enum Sink<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
    Table(W),
    /// Rows kept instead of written ([`SourceRollup::into_rows`]).
    Collect(Vec<SourceRow>),
}

impl SourcesWriter<Vec<u8>> {
    fn collecting() -> Self {
        SourcesWriter { sink: Sink::Collect(Vec::new()), rank: 0 }
    }
}

impl<W: Write> SourcesWriter<W> {
    /// A writer of `format` to `out`; the header (CSV, table) comes with the first row or
    /// [`SourcesWriter::finish`].
    pub fn new(out: W, format: OutputFormat) -> Self {
        let sink = match format {
            OutputFormat::Jsonl => Sink::Jsonl(out),
            OutputFormat::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
            OutputFormat::Table => Sink::Table(out),
        };
        SourcesWriter { sink, rank: 0 }
    }

    fn header(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Csv(w) => w.write_record([
                "rank",
                "source",
                "documents",
                "scored",
                "unscored",
                "errors",
                "mean_score",
                "median_score",
                "flagged_share",
                "garbled_share",
                "mean_boilerplate",
            ])?,
            Sink::Table(out) => writeln!(
                out,
                "{:>4}  {:<32}  {:>6}  {:>6}  {:>6}  {:>6}  {:>8}  {:>8}  {:>11}",
                "rank", "source", "docs", "errors", "mean", "median", "flagged", "garbled", "boilerplate"
            )?,
            Sink::Jsonl(_) | Sink::Collect(_) => {}
        }
        Ok(())
    }

    /// Writes the next row (rows come in rank order).
    pub fn write(&mut self, r: &SourceRow) -> io::Result<()> {
        if self.rank == 0 {
            self.header()?;
        }
        self.rank += 1;
        let rank = self.rank;
        match &mut self.sink {
            Sink::Collect(rows) => rows.push(r.clone()),
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, r)?;
                out.write_all(b"\n")?;
            }
            Sink::Csv(w) => w.write_record([
                rank.to_string(),
                spreadsheet_safe(&r.source).into_owned(),
                r.documents.to_string(),
                r.scored.to_string(),
                r.unscored.to_string(),
                r.errors.to_string(),
                fmt_num(r.mean_score, 2),
                fmt_num(r.median_score, 2),
                fmt_num(r.flagged_share, 4),
                fmt_num(r.garbled_share, 4),
                fmt_num(r.mean_boilerplate, 4),
            ])?,
            Sink::Table(out) => writeln!(
                out,
                "{:>4}  {:<32}  {:>6}  {:>6}  {:>6}  {:>6}  {:>8}  {:>8}  {:>11}",
                rank,
                truncate(&r.source, 32),
                r.documents,
                r.errors,
                fmt_num(r.mean_score, 1),
                fmt_num(r.median_score, 1),
                fmt_pct(r.flagged_share),
                fmt_pct(r.garbled_share),
                fmt_pct(r.mean_boilerplate),
            )?,
        }
        Ok(())
    }

    /// Writes the header if no row came, and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        if self.rank == 0 {
            self.header()?;
        }
        match &mut self.sink {
            Sink::Jsonl(out) | Sink::Table(out) => out.flush(),
            Sink::Csv(w) => w.flush(),
            Sink::Collect(_) => Ok(()),
        }
    }
}

/// Writes source rows (in rank order) in the given format.
pub fn write_sources<W: Write>(out: &mut W, rows: &[SourceRow], format: OutputFormat) -> io::Result<()> {
    let mut w = SourcesWriter::new(out, format);
    rows.iter().try_for_each(|r| w.write(r))?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Origin;
    use crate::score::Scorer;

    /// Record `seq` of source `source`: scored (with a verdict by score), unscored or an error.
    fn report(scorer: &Scorer, seq: u64, source: &str, score: Option<f64>, unscored: bool) -> Report {
        let mut r = Report::from_error(
            seq,
            &crate::input::RecordError {
                origin: Origin { file: "f".into(), line: seq + 1 },
                id: Some(format!("d{seq}")),
                source: Some(source.to_string()),
                msg: "x".into(),
            },
        );
        if let Some(s) = score {
            r.status = Status::Scored;
            let mut sc = scorer.score(&[]);
            sc.score = s;
            sc.verdict = if s > 60.0 {
                Verdict::Garbled
            } else if s > 30.0 {
                Verdict::Suspect
            } else {
                Verdict::Clean
            };
            r.scored = Some(sc);
            r.boilerplate_ratio = Some((seq % 10) as f64 / 10.0);
        } else if unscored {
            r.status = Status::Unscored("too short".into());
            r.boilerplate_ratio = Some(0.5);
        }
        r
    }

    fn reports() -> Vec<Report> {
        let scorer = Scorer::embedded();
        (0..3000u64)
            .map(|i| {
                // A few large sources, many with one record, names in no order; some scores
                // tie across sources.
                let source = match i % 5 {
                    0 | 1 => format!("big{}.example", i % 3),
                    2 => format!("s{}.example", (i * 7919) % 3001),
                    3 => "ünïcode «source»".to_string(),
                    _ => format!("{}", (i * 31) % 17),
                };
                let score = match i % 7 {
                    0 => None,
                    1 => Some(50.0),
                    _ => Some(((i * 37) % 1000) as f64 / 10.0 + 0.013),
                };
                report(&scorer, i, &source, score, i % 14 == 0)
            })
            .collect()
    }

    /// The rows' order: worst source (highest mean score) first; sources with nothing scored
    /// last; then by name.
    fn rank_cmp(a: &SourceRow, b: &SourceRow) -> std::cmp::Ordering {
        b.mean_score
            .is_some()
            .cmp(&a.mean_score.is_some())
            .then_with(|| b.mean_score.unwrap_or(0.0).total_cmp(&a.mean_score.unwrap_or(0.0)))
            .then_with(|| a.source.cmp(&b.source))
    }

    fn rolled(limit: usize) -> (Vec<SourceRow>, usize) {
        rolled_by(limit, crate::report::FAN_IN)
    }

    fn rolled_by(limit: usize, fan_in: usize) -> (Vec<SourceRow>, usize) {
        let mut r = SourceRollup::with_limit(limit);
        r.runs.fan_in = fan_in;
        for rep in reports() {
            r.add(&rep).unwrap();
        }
        let runs = r.spilled_runs();
        (r.into_rows().unwrap(), runs)
    }

    #[test]
    fn spilled_and_in_memory_rollups_give_the_same_rows() {
        let (mem, runs) = rolled(usize::MAX);
        assert_eq!(runs, 0);
        let (spilled, runs) = rolled(4096);
        assert!(runs > 10, "{runs} runs");
        assert_eq!(spilled.len(), mem.len());
        for (a, b) in spilled.iter().zip(&mem) {
            assert_eq!(a, b);
        }
        // Every record is counted once, and the rows are ranked.
        assert_eq!(mem.iter().map(|r| r.documents).sum::<u64>(), 3000);
        for w in mem.windows(2) {
            assert_eq!(
                rank_cmp(&w[0], &w[1]),
                std::cmp::Ordering::Less,
                "{} before {}",
                w[0].source,
                w[1].source
            );
        }
        // Runs merged three at a time as they spill (levels up to four): the same rows.
        let (tiered, runs) = rolled_by(1024, 3);
        assert!(runs > 27, "{runs} runs");
        assert_eq!(tiered, mem);
        let big = mem.iter().find(|r| r.source == "big1.example").unwrap();
        assert_eq!(big.documents, 400);
        assert!(big.median_score.is_some() && big.flagged_share.is_some());
    }

    #[test]
    fn spilled_rollups_write_the_same_bytes_in_every_format() {
        for format in [OutputFormat::Csv, OutputFormat::Jsonl, OutputFormat::Table] {
            let write = |limit: usize| {
                let mut r = SourceRollup::with_limit(limit);
                for rep in reports() {
                    r.add(&rep).unwrap();
                }
                let mut out = Vec::new();
                let mut w = SourcesWriter::new(&mut out, format);
                r.finish(&mut w).unwrap();
                w.finish().unwrap();
                out
            };
            let mem = write(usize::MAX);
            assert_eq!(write(1), mem, "{format:?}");
            assert_eq!(write(100_000), mem, "{format:?}");
            let mut listed = Vec::new();
            let mut r2 = SourceRollup::with_limit(usize::MAX);
            for rep in reports() {
                r2.add(&rep).unwrap();
            }
            write_sources(&mut listed, &r2.into_rows().unwrap(), format).unwrap();
            assert_eq!(listed, mem, "{format:?}");
        }
    }

    #[test]
    fn an_empty_rollup_writes_only_the_header() {
        let mut out = Vec::new();
        let mut w = SourcesWriter::new(&mut out, OutputFormat::Csv);
        SourceRollup::default().finish(&mut w).unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
    }

    #[test]
    fn run_records_round_trip_and_a_cut_run_is_an_error() {
        let acc = SourceAcc {
            documents: 5,
            errors: 1,
            unscored: 1,
            scores: vec![1.5, 99.0, 0.25],
            flagged: 1,
            garbled: 1,
            boilerplate_sum: fixed_ratio(0.75) * 2 + fixed_ratio(1e-30),
            boilerplate_n: 4,
        };
        let mut buf = Vec::new();
        acc.write_to("src «é»", &mut buf).unwrap();
        let back = SourceAcc::read_from(&mut buf.as_slice()).unwrap();
        assert_eq!(back, Some(("src «é»".to_string(), acc.clone())));
        for cut in 1..buf.len() {
            assert!(SourceAcc::read_from(&mut &buf[..cut]).is_err(), "cut at {cut}");
        }
        let row = acc.clone().row("r".into());
        let mut buf = Vec::new();
        row.write_to(&mut buf).unwrap();
        assert_eq!(SourceRow::read_from(&mut buf.as_slice()).unwrap(), Some(row));
        assert_eq!(SourceRow::read_from(&mut &[][..]).unwrap(), None);
    }
}

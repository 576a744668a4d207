//! Per-source roll-ups (`spinscore sources`) in bounded memory.
//!
//! A feed can hold millions of sources (one per site of a crawl): held in memory, 1.5 million
//! took 800 MB. Totals are kept in memory up to a limit, then spilled to a temporary file as a
//! run sorted by source; at the end the runs are merged source by source, and the rows, which
//! are ranked by mean score, are sorted the same way (sorted runs merged). A roll-up that fits
//! in memory touches no file, and one that does not gives the same rows.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

use serde::Serialize;

use super::{OutputFormat, fmt_num, fmt_pct, spreadsheet_safe, truncate};
use crate::pipeline::{Report, Status};
use crate::score::Verdict;

/// Bytes of totals (and later of rows) held in memory before a run is spilled.
pub const ROLLUP_MEMORY: usize = 32 << 20;

/// Bytes a source's totals cost beyond its name and scores (map node, vector, counts).
const ACC_OVERHEAD: usize = 160;

/// Bytes a row costs beyond its source's name.
const ROW_OVERHEAD: usize = 120;

/// Bytes a spilled run is read and written through.
const RUN_BUFFER: usize = 1 << 16;

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
        self.scores.sort_by(f32::total_cmp);
        let sorted = &self.scores;
        let median = (n > 0).then(|| {
            if n % 2 == 1 {
                sorted[n / 2] as f64
            } else {
                (sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0
            }
        });
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
    /// Worst source (highest mean score) first; sources with nothing scored last; then by name.
    fn rank_cmp(&self, other: &SourceRow) -> Ordering {
        other
            .mean_score
            .is_some()
            .cmp(&self.mean_score.is_some())
            .then_with(|| other.mean_score.unwrap_or(0.0).total_cmp(&self.mean_score.unwrap_or(0.0)))
            .then_with(|| self.source.cmp(&other.source))
    }

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

/// A new temporary file, buffered for writing.
fn run_file() -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(RUN_BUFFER, tempfile::tempfile()?))
}

/// A written run, rewound for reading.
fn rewound(w: BufWriter<File>) -> io::Result<BufReader<File>> {
    let mut f = w.into_inner().map_err(|e| e.into_error())?;
    f.rewind()?;
    Ok(BufReader::with_capacity(RUN_BUFFER, f))
}

/// Per-source roll-up of reports, in bounded memory (see the module docs).
#[derive(Debug)]
pub struct SourceRollup {
    map: BTreeMap<String, SourceAcc>,
    /// Estimated bytes held by `map`.
    held: usize,
    limit: usize,
    runs: Vec<File>,
}

impl Default for SourceRollup {
    fn default() -> Self {
        SourceRollup::with_limit(ROLLUP_MEMORY)
    }
}

impl SourceRollup {
    /// A roll-up that spills once it holds about `limit` bytes (and sorts its rows in as much).
    pub fn with_limit(limit: usize) -> Self {
        SourceRollup { map: BTreeMap::new(), held: 0, limit, runs: Vec::new() }
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
        let mut w = run_file()?;
        for (source, acc) in std::mem::take(&mut self.map) {
            acc.write_to(&source, &mut w)?;
        }
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        self.runs.push(f);
        self.held = 0;
        Ok(())
    }

    /// Runs spilled to temporary files so far.
    pub fn spilled_runs(&self) -> usize {
        self.runs.len()
    }

    /// Every source's row, worst first, to `out`.
    pub fn finish(mut self, out: &mut SourcesWriter<impl Write>) -> io::Result<()> {
        let limit = self.limit;
        if self.runs.is_empty() {
            let mut rows: Vec<SourceRow> = self.map.into_iter().map(|(s, a)| a.row(s)).collect();
            rows.sort_by(SourceRow::rank_cmp);
            return rows.iter().try_for_each(|r| out.write(r));
        }
        if !self.map.is_empty() {
            self.spill()?;
        }
        // Merge the runs source by source (a source's parts in the order they were spilled, so
        // its scores stay in report order), ranking each whole source's row.
        let mut readers: Vec<BufReader<File>> =
            self.runs.drain(..).map(|f| BufReader::with_capacity(RUN_BUFFER, f)).collect();
        let mut heads: Vec<Option<SourceAcc>> = Vec::with_capacity(readers.len());
        let mut heap = BinaryHeap::new();
        for (i, r) in readers.iter_mut().enumerate() {
            let next = SourceAcc::read_from(r)?;
            heads.push(next.map(|(source, acc)| {
                heap.push(Reverse((source, i)));
                acc
            }));
        }
        let mut sorter = RowSorter::new(limit);
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
            sorter.push(acc.row(source))?;
        }
        sorter.finish(out)
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

/// Rows put in any order, written in rank order in bounded memory.
struct RowSorter {
    rows: Vec<SourceRow>,
    held: usize,
    limit: usize,
    runs: Vec<BufWriter<File>>,
}

impl RowSorter {
    fn new(limit: usize) -> Self {
        RowSorter { rows: Vec::new(), held: 0, limit, runs: Vec::new() }
    }

    fn push(&mut self, row: SourceRow) -> io::Result<()> {
        self.held += row.source.len() + ROW_OVERHEAD;
        self.rows.push(row);
        if self.held > self.limit {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.rows.sort_by(SourceRow::rank_cmp);
        let mut w = run_file()?;
        for r in self.rows.drain(..) {
            r.write_to(&mut w)?;
        }
        self.runs.push(w);
        self.held = 0;
        Ok(())
    }

    fn finish(mut self, out: &mut SourcesWriter<impl Write>) -> io::Result<()> {
        if self.runs.is_empty() {
            self.rows.sort_by(SourceRow::rank_cmp);
            return self.rows.iter().try_for_each(|r| out.write(r));
        }
        if !self.rows.is_empty() {
            self.spill()?;
        }
        let mut readers = self.runs.into_iter().map(rewound).collect::<io::Result<Vec<_>>>()?;
        let mut heap = BinaryHeap::with_capacity(readers.len());
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(row) = SourceRow::read_from(r)? {
                heap.push(Reverse(Head(row, i)));
            }
        }
        while let Some(Reverse(Head(row, i))) = heap.pop() {
            out.write(&row)?;
            if let Some(next) = SourceRow::read_from(&mut readers[i])? {
                heap.push(Reverse(Head(next, i)));
            }
        }
        Ok(())
    }
}

/// A run's first row not yet written, ordered by rank (sources are unique, so rows never tie).
struct Head(SourceRow, usize);

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.rank_cmp(&other.0).then(self.1.cmp(&other.1))
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

    fn rolled(limit: usize) -> (Vec<SourceRow>, usize) {
        let mut r = SourceRollup::with_limit(limit);
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
            assert_eq!(w[0].rank_cmp(&w[1]), Ordering::Less, "{} before {}", w[0].source, w[1].source);
        }
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

//! Reports: ranking, CSV / JSONL / table writers, and per-source roll-ups.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use crate::features::{Family, Feature};
use crate::pipeline::{Report, Status};
use crate::score::{Scorer, Verdict};

/// Output format of `score` and `sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Comma-separated, header row, spreadsheet-safe.
    #[default]
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Aligned columns for a terminal.
    Table,
}

/// Sorts reports most degraded first: scored by score (descending), then unscored, then errors;
/// ties keep input order.
pub fn rank(reports: &mut [Report]) {
    reports.sort_by(|a, b| {
        let key = |r: &Report| match (&r.status, r.score()) {
            (Status::Scored, Some(_)) => 0,
            (Status::Unscored(_), _) => 1,
            _ => 2,
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| b.score().unwrap_or(0.0).total_cmp(&a.score().unwrap_or(0.0)))
            .then(a.seq.cmp(&b.seq))
    });
}

/// Cells that a spreadsheet would run as a formula get a leading apostrophe: those starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return, except a sign alone (standard input's
/// id and source are `-`) or before a plain number (`-3.5`), which a spreadsheet reads as text
/// or a number and which must stay as they are.
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes() {
        [b'+' | b'-', rest @ ..] if rest.is_empty() || is_plain_number(rest) => s.into(),
        [b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// ASCII digits with at most one decimal point (`3`, `3.5`, `.5`, `3.`).
fn is_plain_number(b: &[u8]) -> bool {
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &[][..]),
    };
    !(int.is_empty() && frac.is_empty()) && int.iter().chain(frac).all(u8::is_ascii_digit)
}

/// `x` with `digits` decimals (and a sign either way when `plus`); a value that rounds to zero
/// is written 0 (or +0), never -0.
pub fn fixed(x: f64, digits: usize, plus: bool) -> String {
    let s = if plus { format!("{x:+.digits$}") } else { format!("{x:.digits$}") };
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => {
            format!("{}{rest}", if plus { "+" } else { "" })
        }
        _ => s,
    }
}

/// `x` with `digits` decimals, empty when missing or not finite.
fn fmt_num(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => fixed(v, digits, false),
        _ => String::new(),
    }
}

/// A share as a percentage with one decimal ("12.5%"); empty when there is none (a source with
/// nothing scored), not a bare "%".
fn fmt_pct(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => fixed(100.0 * v, 1, false) + "%",
        _ => String::new(),
    }
}

fn status_text(r: &Report) -> String {
    match &r.status {
        Status::Scored => String::new(),
        Status::Unscored(why) => format!("not scored: {why}"),
        Status::Error(msg) => format!("{}: {msg}", r.origin),
    }
}

/// Evidence as short quoted snippets: `"A.S." (acronym-near-miss -> U.S.)`.
pub fn evidence_summary(r: &Report, max: usize) -> String {
    let mut parts = Vec::new();
    for e in r.evidence.iter().take(max) {
        let mut s = format!("\"{}\" ({}", e.text, e.evidence.kind);
        if let Some(sug) = &e.evidence.suggestion {
            s.push_str(&format!(" -> {sug}"));
        }
        s.push(')');
        parts.push(s);
    }
    parts.join(" | ")
}

/// Writes ranked reports as CSV, JSONL or a table.
pub struct ReportWriter<W: Write> {
    out: W,
    format: OutputFormat,
    feature_names: Vec<String>,
    rank: u64,
    header_done: bool,
}

impl<W: Write> ReportWriter<W> {
    /// A writer; the main feature columns are the features the scorer weighs and the entity
    /// family's per-kind rates (weighed together, as `entities.flag_rate`).
    pub fn new(out: W, format: OutputFormat, scorer: &Scorer) -> Self {
        let mut feature_names: Vec<String> = scorer
            .weights()
            .features
            .iter()
            .map(|f| f.name.clone())
            .chain(crate::fit::ENTITY_KIND_RATES.iter().map(|s| s.to_string()))
            .collect();
        feature_names.sort();
        feature_names.dedup();
        ReportWriter { out, format, feature_names, rank: 0, header_done: false }
    }

    fn header(&self) -> Vec<String> {
        let mut h: Vec<String> =
            ["rank", "id", "source", "score", "verdict"].iter().map(|s| s.to_string()).collect();
        h.extend(Family::ALL.iter().map(|f| f.name().to_string()));
        h.extend(self.feature_names.iter().cloned());
        h.extend(
            [
                "cluster_id",
                "cluster_size",
                "consensus_deviation",
                "likely_original",
                "words",
                "language",
                "evidence",
                "error",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        h
    }

    /// Every CSV cell but the rank; the cells of text that comes from the input (ids, sources,
    /// evidence, errors) are [`spreadsheet_safe`].
    fn cells(&self, r: &Report) -> Vec<String> {
        let safe = |s: &str| spreadsheet_safe(s).into_owned();
        let s = r.scored.as_ref();
        let mut c = vec![
            safe(&r.id),
            safe(&r.source),
            fmt_num(s.map(|s| s.score), 2),
            s.map(|s| s.verdict.name().to_string()).unwrap_or_default(),
        ];
        for f in Family::ALL {
            c.push(fmt_num(s.and_then(|s| s.subscores.get(&f).copied()), 2));
        }
        for name in &self.feature_names {
            let v = r.features.iter().find(|f| f.name == name).and_then(|f| f.value);
            c.push(fmt_num(v, 4));
        }
        let cl = r.cluster.as_ref();
        // The id of the cluster's first member: a record id.
        c.push(cl.map(|c| safe(&c.id)).unwrap_or_default());
        c.push(cl.map(|c| c.size.to_string()).unwrap_or_default());
        c.push(fmt_num(cl.map(|c| c.deviation), 4));
        c.push(cl.map(|c| c.likely_original.to_string()).unwrap_or_default());
        c.push(r.words.to_string());
        c.push(r.language.unwrap_or("").to_string());
        c.push(safe(&evidence_summary(r, 3)));
        c.push(safe(&status_text(r)));
        c
    }

    /// A report's row without its rank, in the writer's format (newline-terminated). Rows can be
    /// rendered as soon as a report exists and ranked later (see [`Ranker`]).
    pub fn render(&self, r: &Report) -> io::Result<Vec<u8>> {
        let mut row = Vec::with_capacity(512);
        self.render_into(r, &mut row)?;
        Ok(row)
    }

    /// [`ReportWriter::render`], appended to `out` (a buffer used again for row after row
    /// allocates nothing).
    pub fn render_into(&self, r: &Report, out: &mut Vec<u8>) -> io::Result<()> {
        match self.format {
            OutputFormat::Csv => {
                let mut buf = csv::Writer::from_writer(out);
                for cell in self.cells(r) {
                    buf.write_field(cell)?;
                }
                buf.write_record(None::<&[u8]>)?;
                buf.flush()
            }
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut *out, &JsonRow::new(r))?;
                out.push(b'\n');
                Ok(())
            }
            OutputFormat::Table => {
                let s = r.scored.as_ref();
                let tail = if r.scored.is_some() { evidence_summary(r, 2) } else { status_text(r) };
                writeln!(
                    out,
                    "{:>6}  {:<8}  {:<32}  {:<18}  {:>6}  {}",
                    s.map(|s| format!("{:.1}", s.score)).unwrap_or_else(|| "-".into()),
                    s.map(|s| s.verdict.name()).unwrap_or("-"),
                    truncate(&r.id, 32),
                    truncate(&r.source, 18),
                    r.words,
                    truncate(&tail, 100)
                )
            }
        }
    }

    fn write_header(&mut self) -> io::Result<()> {
        if self.header_done {
            return Ok(());
        }
        self.header_done = true;
        match self.format {
            OutputFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(self.header())?;
                self.out.write_all(&w.into_inner().map_err(|e| e.into_error())?)
            }
            OutputFormat::Table => writeln!(
                self.out,
                "{:>5}  {:>6}  {:<8}  {:<32}  {:<18}  {:>6}  evidence / reason",
                "rank", "score", "verdict", "id", "source", "words"
            ),
            OutputFormat::Jsonl => Ok(()),
        }
    }

    /// Writes a rendered row; `scored` rows get the next rank. Call in ranked order.
    pub fn write_rendered(&mut self, scored: bool, row: &[u8]) -> io::Result<()> {
        self.write_header()?;
        let rank = scored.then(|| {
            self.rank += 1;
            self.rank
        });
        match self.format {
            OutputFormat::Csv => {
                if let Some(r) = rank {
                    write!(self.out, "{r}")?;
                }
                self.out.write_all(b",")?;
                self.out.write_all(row)
            }
            OutputFormat::Jsonl => {
                match rank {
                    Some(r) => write!(self.out, "{{\"rank\":{r},")?,
                    None => self.out.write_all(b"{\"rank\":null,")?,
                }
                self.out.write_all(row.get(1..).unwrap_or_default())
            }
            OutputFormat::Table => {
                match rank {
                    Some(r) => write!(self.out, "{r:>5}  ")?,
                    None => write!(self.out, "{:>5}  ", "-")?,
                }
                self.out.write_all(row)
            }
        }
    }

    /// Writes one report; call in ranked order.
    pub fn write(&mut self, r: &Report) -> io::Result<()> {
        let row = self.render(r)?;
        self.write_rendered(r.scored.is_some(), &row)
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.header_done && self.format == OutputFormat::Csv {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(self.header())?;
            self.out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A table cell: `s` on one line (control characters, newlines among them, become spaces: a
/// record's id or source can hold any) and at most `max` characters.
fn truncate(s: &str, max: usize) -> String {
    let chars = s.chars().map(|c| if c.is_control() { ' ' } else { c });
    if s.chars().count() <= max {
        return chars.collect();
    }
    let mut out: String = chars.take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A report's features as a JSON object in name order (what a `BTreeMap` of them wrote; a
/// name given twice keeps its last value), without building a map for every row: the order is
/// worked out once for each list of names, and reports share one.
struct FeatureMap<'a>(&'a [Feature]);

thread_local! {
    /// The feature names last serialised and their order.
    static FEATURE_ORDER: std::cell::RefCell<(Vec<&'static str>, Vec<u32>)> = const {
        std::cell::RefCell::new((Vec::new(), Vec::new()))
    };
}

/// Indices of `features` in name order, the last of each name only.
fn name_order(features: &[Feature]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..features.len() as u32).collect();
    order.sort_by_key(|&i| features[i as usize].name);
    let mut kept: Vec<u32> = Vec::with_capacity(order.len());
    for i in order {
        match kept.last_mut() {
            Some(last) if features[*last as usize].name == features[i as usize].name => *last = i,
            _ => kept.push(i),
        }
    }
    kept
}

impl Serialize for FeatureMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        FEATURE_ORDER.with(|cache| {
            let mut cache = cache.borrow_mut();
            let (names, order) = &mut *cache;
            let same = names.len() == self.0.len()
                && names.iter().zip(self.0).all(|(a, f)| std::ptr::eq(*a, f.name));
            if !same {
                *names = self.0.iter().map(|f| f.name).collect();
                *order = name_order(self.0);
            }
            let mut m = s.serialize_map(Some(order.len()))?;
            for &i in order.iter() {
                let f = &self.0[i as usize];
                m.serialize_entry(f.name, &f.value)?;
            }
            m.end()
        })
    }
}

/// One JSONL report row.
#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    source: &'a str,
    score: Option<f64>,
    verdict: Option<Verdict>,
    subscores: Option<&'a BTreeMap<Family, f64>>,
    contributions: Option<&'a BTreeMap<Family, f64>>,
    features: FeatureMap<'a>,
    evidence: &'a [crate::pipeline::EvidenceRow],
    words: usize,
    boilerplate_ratio: Option<f64>,
    language: Option<&'a str>,
    cluster: Option<&'a crate::features::consensus::ClusterInfo>,
    file: &'a str,
    line: u64,
    #[serde(flatten)]
    status: &'a Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

impl<'a> JsonRow<'a> {
    fn new(r: &'a Report) -> Self {
        let s = r.scored.as_ref();
        JsonRow {
            id: &r.id,
            source: &r.source,
            score: s.map(|s| s.score),
            verdict: s.map(|s| s.verdict),
            subscores: s.map(|s| &s.subscores),
            contributions: s.map(|s| &s.contributions),
            features: FeatureMap(&r.features),
            evidence: &r.evidence,
            words: r.words,
            boilerplate_ratio: r.boilerplate_ratio,
            language: r.language,
            cluster: r.cluster.as_ref(),
            file: &r.origin.file,
            line: r.origin.line,
            status: &r.status,
            error: match &r.status {
                Status::Error(m) => Some(format!("{}: {m}", r.origin)),
                _ => None,
            },
            warnings: &r.warnings,
        }
    }
}

mod sources;
pub use sources::{SourceRollup, SourceRow, SourcesWriter, write_sources};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_maps_serialise_as_a_btree_map_of_them_did() {
        let f = |name: &'static str, value: Option<f64>| Feature { name, value };
        let lists = [
            vec![f("z.b", Some(1.0)), f("a.x", None), f("m.q", Some(-2.5))],
            // The same names in another order, and a name given twice (the last value kept).
            vec![f("m.q", Some(3.0)), f("z.b", None), f("a.x", Some(0.5)), f("m.q", Some(4.0))],
            vec![],
            vec![f("z.b", Some(1.0)), f("a.x", None), f("m.q", Some(-2.5))],
        ];
        for list in &lists {
            let map: BTreeMap<&str, Option<f64>> = list.iter().map(|f| (f.name, f.value)).collect();
            assert_eq!(
                serde_json::to_string(&FeatureMap(list)).unwrap(),
                serde_json::to_string(&map).unwrap()
            );
        }
    }

    #[test]
    fn percentages_are_blank_when_there_is_no_share() {
        assert_eq!(fmt_pct(Some(0.125)), "12.5%");
        assert_eq!(fmt_pct(Some(0.0)), "0.0%");
        assert_eq!(fmt_pct(None), "");
        assert_eq!(fmt_pct(Some(f64::NAN)), "");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
        assert_eq!(spreadsheet_safe("- Advertisement -"), "'- Advertisement -");
        assert_eq!(spreadsheet_safe("plain"), "plain");
        for formula in [
            "-1+1",
            "+A1",
            "-A1",
            "-3.5)",
            "--",
            "- ",
            "-.",
            "+-1",
            "-1 ",
            "@SUM(A1)",
            "\t-1",
            "-cmd|' /C calc'!A0",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"), "{formula:?}");
        }
    }

    #[test]
    fn a_lone_sign_and_plain_numbers_are_not_formulas() {
        // Standard input's id and source are `-`; a numeric id or source stays a number.
        for cell in ["-", "+", "-3.5", "+2", "-0.50", "-.5", "-7.", "-12", "3.5"] {
            assert_eq!(spreadsheet_safe(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn numbers_never_print_negative_zero() {
        assert_eq!(fmt_num(Some(-0.00001), 4), "0.0000");
        assert_eq!(fmt_num(Some(-0.0), 2), "0.00");
        assert_eq!(fmt_num(Some(-0.5), 2), "-0.50");
        assert_eq!(fmt_num(Some(f64::NAN), 2), "");
        assert_eq!(fixed(-0.0002, 3, true), "+0.000");
        assert_eq!(fixed(-0.0006, 3, true), "-0.001");
        assert_eq!(fixed(0.25, 2, true), "+0.25");
    }

    #[test]
    fn table_cells_stay_on_one_line_and_send_no_control_codes() {
        // An id or source from a record can hold any character.
        assert_eq!(truncate("ctl\n\t\u{0}x\r\u{1b}[31m", 32), "ctl   x  [31m");
        assert_eq!(truncate("a\nbcdef", 4), "a b…");
    }

    #[test]
    fn truncation_is_char_safe() {
        assert_eq!(truncate("ééééé", 3), "éé…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}

/// Sort key of a rendered row: scored rows by score (descending), then unscored, then errors;
/// input order breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RankKey {
    class: u8,
    inverted_score: u64,
    seq: u64,
    /// The row gets a rank number (compared last: never decides an order, `seq` is unique).
    scored: bool,
}

impl RankKey {
    /// The key of a report.
    pub fn of(r: &Report) -> RankKey {
        let class = match (&r.status, r.score()) {
            (Status::Scored, Some(_)) => 0,
            (Status::Unscored(_), _) => 1,
            _ => 2,
        };
        // Scores are in [0, 100]: for non-negative floats the bit pattern orders like the value.
        let s = r.score().unwrap_or(0.0).clamp(0.0, f64::MAX);
        RankKey { class, inverted_score: u64::MAX - s.to_bits(), seq: r.seq, scored: class == 0 }
    }

    /// A key that orders rows by their place in the input only (`score --unranked` when
    /// batches were planned: reports come in batch order); scored rows are numbered as
    /// [`ReportWriter::write`] numbers them.
    pub fn input_order(r: &Report) -> RankKey {
        RankKey { class: 0, inverted_score: 0, seq: r.seq, scored: r.scored.is_some() }
    }

    fn scored(&self) -> bool {
        self.scored
    }
}

/// Ranks rendered rows in bounded memory: rows are kept in memory up to a limit, then sorted
/// runs are spilled to anonymous temporary files and merged at the end.
///
/// Runs are merged [`FAN_IN`] at a time into one run of the next level as they come, so a
/// feed of any size keeps at most `FAN_IN - 1` runs a level open (a few levels: each holds
/// `FAN_IN` times the rows of the one below) and every row is copied once a level. Merging all
/// runs at the end at once would open one file and one 64 KiB buffer per run (16 MB of rows
/// for `score`): past a thousand runs, the process's open files run out.
///
/// The rows held are copied into one buffer kept from run to run: a row in a vector of its own
/// was freed at each spill, its pages handed back to the system and faulted in again by the
/// next run (a third of the run's time on a feed of short records, in the kernel).
pub struct Ranker {
    /// Each row's key and where its bytes are in `arena`.
    rows: Vec<(RankKey, Range<usize>)>,
    arena: Vec<u8>,
    limit: usize,
    runs: RunLevels,
}

/// Runs of one level merged into one of the next: 64 files and 64 KiB buffers open at a time
/// per level, and a level's runs hold 64 times the rows of the one below's (1 GB of rows at
/// level 1 for `score`'s 16 MB runs).
pub const FAN_IN: usize = 64;

/// Sorted runs spilled to temporary files, by level: a run of level `l + 1` is [`FAN_IN`] runs
/// of level `l` merged, so all of a higher level's rows were spilled before any of a lower
/// level's. Shared by [`Ranker`] and the source roll-up.
#[derive(Debug)]
struct RunLevels {
    levels: Vec<Vec<File>>,
    /// Runs merged into one when a level has this many ([`FAN_IN`]).
    fan_in: usize,
    /// Runs spilled from memory so far.
    spilled: usize,
}

impl RunLevels {
    fn new() -> Self {
        RunLevels { levels: Vec::new(), fan_in: FAN_IN, spilled: 0 }
    }

    /// Files a run just spilled from memory. A level that fills is handed to `merge` (its runs
    /// oldest first), which makes them one run of the next level.
    fn push(&mut self, run: File, mut merge: impl FnMut(Vec<File>) -> io::Result<File>) -> io::Result<()> {
        self.spilled += 1;
        let (mut run, mut level) = (run, 0);
        loop {
            if self.levels.len() <= level {
                self.levels.resize_with(level + 1, Vec::new);
            }
            self.levels[level].push(run);
            if self.levels[level].len() < self.fan_in {
                return Ok(());
            }
            run = merge(std::mem::take(&mut self.levels[level]))?;
            level += 1;
        }
    }

    /// Runs on disk now, at every level (at most `FAN_IN - 1` a level).
    fn open(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }

    /// Every run, oldest first: the highest level's, then each lower level's.
    fn oldest_first(&mut self) -> Vec<File> {
        self.levels.drain(..).rev().flatten().collect()
    }
}

impl Ranker {
    /// A ranker that spills once it holds more than `limit` bytes of rows.
    pub fn new(limit: usize) -> Self {
        Ranker { rows: Vec::new(), arena: Vec::new(), limit, runs: RunLevels::new() }
    }

    /// Adds a rendered row.
    pub fn push(&mut self, key: RankKey, row: &[u8]) -> io::Result<()> {
        let start = self.arena.len();
        self.arena.extend_from_slice(row);
        self.rows.push((key, start..self.arena.len()));
        if self.arena.len() + 32 * self.rows.len() > self.limit {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.rows.sort_unstable_by_key(|r| r.0);
        let mut f = new_run()?;
        for (k, at) in self.rows.drain(..) {
            write_run_item(&mut f, k, &self.arena[at])?;
        }
        self.arena.clear();
        self.runs.push(finished_run(f)?, |full| {
            let mut f = new_run()?;
            merge_runs(full, |k, row| write_run_item(&mut f, k, row))?;
            finished_run(f)
        })
    }

    /// Number of runs spilled to disk so far.
    pub fn spilled_runs(&self) -> usize {
        self.runs.spilled
    }

    /// Number of runs on disk now, at every level (at most `FAN_IN - 1` a level).
    pub fn open_runs(&self) -> usize {
        self.runs.open()
    }

    /// Writes every row in rank order.
    pub fn finish<W: Write>(self, w: &mut ReportWriter<W>) -> io::Result<()> {
        self.finish_with(|k, row| w.write_rendered(k.scored(), row))
    }

    /// Hands every row, in rank order, to `each`.
    fn finish_with(mut self, mut each: impl FnMut(RankKey, &[u8]) -> io::Result<()>) -> io::Result<()> {
        if self.runs.spilled == 0 {
            self.rows.sort_unstable_by_key(|r| r.0);
            for (k, at) in &self.rows {
                each(*k, &self.arena[at.clone()])?;
            }
            return Ok(());
        }
        if !self.rows.is_empty() {
            self.spill()?;
        }
        // Keys are unique (`seq`), so the order does not depend on how runs were grouped.
        merge_runs(self.runs.oldest_first(), each)
    }
}

/// Hands the rows of sorted `runs`, merged in key order, to `each`.
fn merge_runs(runs: Vec<File>, mut each: impl FnMut(RankKey, &[u8]) -> io::Result<()>) -> io::Result<()> {
    let mut readers: Vec<io::BufReader<File>> = runs.into_iter().map(run_reader).collect();
    let mut heap = std::collections::BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some((k, row)) = read_run_item(r)? {
            heap.push(std::cmp::Reverse((k, i, row)));
        }
    }
    while let Some(std::cmp::Reverse((k, i, row))) = heap.pop() {
        each(k, &row)?;
        if let Some((k, row)) = read_run_item(&mut readers[i])? {
            heap.push(std::cmp::Reverse((k, i, row)));
        }
    }
    Ok(())
}

/// Bytes a sorted run is written and read through: rows are kilobytes each, so 64 KiB writes,
/// not one every few rows.
const RUN_BUFFER: usize = 1 << 16;

/// A new sorted run: an anonymous temporary file (`TMPDIR`), buffered.
fn new_run() -> io::Result<io::BufWriter<File>> {
    Ok(io::BufWriter::with_capacity(RUN_BUFFER, tempfile::tempfile()?))
}

/// A run written in full, rewound for reading.
fn finished_run(w: io::BufWriter<File>) -> io::Result<File> {
    let mut file = w.into_inner().map_err(|e| e.into_error())?;
    io::Seek::rewind(&mut file)?;
    Ok(file)
}

/// A run's reader.
fn run_reader(file: File) -> io::BufReader<File> {
    io::BufReader::with_capacity(RUN_BUFFER, file)
}

/// Writes one row and its key to a run, as [`read_run_item`] reads it.
fn write_run_item(w: &mut impl Write, k: RankKey, row: &[u8]) -> io::Result<()> {
    w.write_all(&[k.class, u8::from(k.scored)])?;
    w.write_all(&k.inverted_score.to_le_bytes())?;
    w.write_all(&k.seq.to_le_bytes())?;
    w.write_all(&(row.len() as u64).to_le_bytes())?;
    w.write_all(row)
}

fn read_run_item(r: &mut impl io::Read) -> io::Result<Option<(RankKey, Vec<u8>)>> {
    let mut class = [0u8; 2];
    match r.read_exact(&mut class) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut b8 = [0u8; 8];
    r.read_exact(&mut b8)?;
    let inverted_score = u64::from_le_bytes(b8);
    r.read_exact(&mut b8)?;
    let seq = u64::from_le_bytes(b8);
    r.read_exact(&mut b8)?;
    let mut row = vec![0u8; u64::from_le_bytes(b8) as usize];
    r.read_exact(&mut row)?;
    Ok(Some((RankKey { class: class[0], inverted_score, seq, scored: class[1] != 0 }, row)))
}

#[cfg(test)]
mod ranker_tests {
    use super::*;
    use crate::document::Origin;
    use crate::pipeline::Report;
    use crate::score::Scorer;

    fn report(seq: u64, score: Option<f64>) -> Report {
        let mut r = Report::from_error(
            seq,
            &crate::input::RecordError {
                origin: Origin { file: "f".into(), line: seq + 1 },
                id: Some(format!("d{seq}")),
                source: None,
                msg: "x".into(),
            },
        );
        if let Some(s) = score {
            r.status = Status::Scored;
            let scorer = Scorer::embedded();
            let mut sc = scorer.score(&[]);
            sc.score = s;
            r.scored = Some(sc);
        }
        r
    }

    fn ranked(limit: usize) -> String {
        let scorer = Scorer::embedded();
        let mut w = ReportWriter::new(Vec::new(), OutputFormat::Table, &scorer);
        let mut rk = Ranker::new(limit);
        for (i, s) in [Some(10.0), None, Some(90.0), Some(10.0), Some(50.0), None].into_iter().enumerate() {
            let r = report(i as u64, s);
            rk.push(RankKey::of(&r), &w.render(&r).unwrap()).unwrap();
        }
        rk.finish(&mut w).unwrap();
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn many_runs_are_merged_a_level_at_a_time() {
        // 500 rows, a run each, merged four at a time: the same rows in the same order as in
        // memory, with a few runs a level open at any time.
        let rows: Vec<(RankKey, Vec<u8>)> = (0..500u64)
            .map(|i| {
                let score = if i % 7 == 0 { None } else { Some((i * 37 % 101) as f64) };
                let r = report(i, score);
                (RankKey::of(&r), format!("row {i} {score:?}\n").into_bytes())
            })
            .collect();
        let collect = |mut rk: Ranker| {
            let mut most_open = 0;
            for (k, row) in &rows {
                rk.push(*k, row).unwrap();
                most_open = most_open.max(rk.open_runs());
            }
            let spilled = rk.spilled_runs();
            let mut out = Vec::new();
            rk.finish_with(|k, row| {
                out.push((k, row.to_vec()));
                Ok(())
            })
            .unwrap();
            (out, spilled, most_open)
        };
        let (mem, spilled, _) = collect(Ranker::new(usize::MAX));
        assert_eq!(spilled, 0);
        let mut sorted = rows.clone();
        sorted.sort_by_key(|r| r.0);
        assert_eq!(mem, sorted);
        let mut tiny = Ranker::new(1);
        tiny.runs.fan_in = 4;
        let (spilt, spilled, most_open) = collect(tiny);
        assert_eq!(spilled, 500);
        // 500 runs in base 4 take five levels of at most three runs.
        assert!(most_open <= 15, "{most_open}");
        assert_eq!(spilt, mem);
    }

    #[test]
    fn spilled_and_in_memory_rankings_agree() {
        let mem = ranked(usize::MAX);
        let ids: Vec<&str> = mem.lines().skip(1).map(|l| l.split_whitespace().nth(3).unwrap()).collect();
        assert_eq!(ids, ["d2", "d4", "d0", "d3", "d1", "d5"]);
        assert!(mem.lines().nth(1).unwrap().trim_start().starts_with("1 "));
        assert_eq!(ranked(1), mem);
    }
}

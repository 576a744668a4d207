//! `spinscore explain`: a document with its flagged spans marked, and what each feature
//! contributed to its score.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::common::{EngineArgs, ExitCode, InputArgs, output};
use spinscore::Document;
use spinscore::features::boilerplate::LineClass;
use spinscore::features::entities::kinds::OBFUSCATED;
use spinscore::features::{Evidence, Family};
use spinscore::input::RecordError;
use spinscore::pipeline::{Analysis, Report, Status, next_batch, snippet};
use spinscore::report::fixed;
use spinscore::score::Weights;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Colour: auto uses it on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Only explain the record with this id.
    #[arg(long)]
    pub id: Option<String>,
}

pub fn run(a: &ExplainArgs) -> Result<ExitCode> {
    let engine = a.engine.engine()?;
    let records = a.input.open()?;
    let color = match a.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    };
    let mut out = output(None)?;
    let mut code = ExitCode::Ok;
    let mut found = false;
    // Scored in batches of consecutive records, as `score --in-order-batches` scores them: the
    // same story clusters and repeated lines, so the same scores (for an input of one batch,
    // those `score` gives in any mode).
    let mut records = records.map(|r| spinscore::input::Record { raw: spinscore::input::Raw::File, ..r });
    let (batch, max_doc) = (a.engine.batch_size, engine.options().max_doc_bytes);
    let mut first_seq = 0u64;
    let wanted = |id: &str| a.id.as_deref().is_none_or(|want| want == id);
    let holds = |r: &Result<Document, RecordError>| match r {
        Ok(d) => wanted(&d.id),
        Err(e) => a.id.is_none() || e.id.as_deref() == a.id.as_deref(),
    };
    while let Some((docs, _)) = next_batch(&mut records, batch, max_doc) {
        let n = docs.len() as u64;
        // Only a batch holding the asked-for record is scored.
        if !docs.iter().any(holds) {
            first_seq += n;
            continue;
        }
        for ex in engine.explain_batch(docs, first_seq) {
            match (&ex.record, &ex.analysis) {
                (Err(e), _) if holds(&ex.record) => {
                    eprintln!("spinscore: {e}");
                    code = ExitCode::RecordErrors;
                }
                (Ok(doc), Some(analysis)) if wanted(&doc.id) => {
                    found = true;
                    match a.format {
                        ExplainFormat::Json => write_json(&mut out, doc, analysis, &ex.report)?,
                        ExplainFormat::Text => {
                            write_text(&mut out, doc, analysis, &ex.report, engine.scorer().weights(), color)?
                        }
                    }
                }
                _ => {}
            }
        }
        first_seq += n;
    }
    out.flush()?;
    if let (Some(id), false) = (&a.id, found) {
        anyhow::bail!("no record with id {id:?}");
    }
    Ok(code)
}

#[derive(Serialize)]
struct LineRow<'a> {
    line: usize,
    start: usize,
    end: usize,
    class: LineClass,
    reason: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    #[serde(flatten)]
    evidence: &'a Evidence,
    text: String,
}

#[derive(Serialize)]
struct ExplainJson<'a> {
    #[serde(flatten)]
    report: &'a Report,
    lines: Vec<LineRow<'a>>,
    /// Every piece of evidence, but boilerplate lines only up to
    /// `boilerplate::EVIDENCE_PER_REASON` per reason (`lines` has every line's class).
    all_evidence: Vec<EvidenceOut<'a>>,
}

fn write_json(out: &mut dyn Write, doc: &Document, a: &Analysis, report: &Report) -> Result<()> {
    let lines = a
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| LineRow {
            line: i + 1,
            start: l.span.start,
            end: l.span.end,
            class: l.class,
            reason: l.reason,
            text: &doc.text[l.span.start..l.span.end],
        })
        .collect();
    let all_evidence =
        a.evidence().map(|e| EvidenceOut { evidence: e, text: snippet(&doc.text, e.start, e.end) }).collect();
    serde_json::to_writer(&mut *out, &ExplainJson { report, lines, all_evidence }).context("writing JSON")?;
    out.write_all(b"\n")?;
    Ok(())
}

/// What [`visible`] writes as code points; each level shows what the one before does too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Show {
    /// Control characters other than tab (C0, DEL, C1): from the input, they would act on the
    /// terminal (escape sequences) instead of being read.
    Controls,
    /// And characters that print as nothing (zero-width spaces and joiners, the byte-order mark,
    /// soft hyphens): a flagged span.
    Invisible,
    /// And every letter past Latin (the Cyrillic and Greek look-alikes of an obfuscated word), so
    /// an obfuscated word does not look like its suggestion.
    Letters,
}

/// Text from the input as explain writes it: the characters of `show` as `⟨U+XXXX⟩`.
fn visible(span: &str, show: Show) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || (show >= Show::Invisible
                && matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
            || (show >= Show::Letters && c > '\u{24f}' && c.is_alphabetic())
    };
    if !span.contains(hidden) {
        return span.into();
    }
    span.chars()
        .map(|c| if hidden(c) { format!("\u{27e8}U+{:04X}\u{27e9}", c as u32) } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// How a flagged span of this kind is shown.
fn span_show(kind: &str) -> Show {
    if kind == OBFUSCATED { Show::Letters } else { Show::Invisible }
}

fn family_colour(f: Family) -> &'static str {
    match f {
        Family::Fluency => "\x1b[1;31m",
        Family::Entities => "\x1b[1;33m",
        Family::Boilerplate => "\x1b[2m",
        Family::Consensus => "\x1b[1;35m",
    }
}

const RESET: &str = "\x1b[0m";

fn write_text(
    out: &mut dyn Write,
    doc: &Document,
    a: &Analysis,
    r: &Report,
    weights: &Weights,
    color: bool,
) -> Result<()> {
    let bold = |s: &str| {
        if color { format!("\x1b[1m{s}{RESET}") } else { s.to_string() }
    };
    let (id, source) = (visible(&doc.id, Show::Controls), visible(&doc.source, Show::Controls));
    writeln!(out, "{}", bold(&format!("== {id}  (source {source})")))?;
    match (&r.status, &r.scored) {
        (Status::Scored, Some(s)) => {
            writeln!(out, "score {:.1}  verdict {}  words {}", s.score, s.verdict.name(), r.words)?;
            if s.length_factor < 1.0 {
                writeln!(
                    out,
                    "family contributions (logit; + = towards garbled; base {:+.3}; short text keeps {:.0}% of its evidence):",
                    s.base,
                    100.0 * s.length_factor
                )?;
            } else {
                writeln!(out, "family contributions (logit; + = towards garbled; base {:+.3}):", s.base)?;
            }
            for (fam, c) in &s.contributions {
                let sub = s
                    .subscores
                    .get(fam)
                    .map(|x| match fam {
                        Family::Boilerplate => format!("{x:5.1}% of the page is boilerplate"),
                        _ => format!("sub-score {x:5.1}"),
                    })
                    .unwrap_or_else(|| "missing".into());
                writeln!(out, "  {:<12} {:>8}   {}", fam.name(), fixed(*c, 3, true), sub)?;
            }
            writeln!(out, "feature contributions:")?;
            let weight = |name: &str| weights.features.iter().find(|f| f.name == name);
            let (mut corrected, mut rooted) = (false, false);
            for (name, v, c) in s.feature_contributions.iter().filter(|x| x.2 != 0.0 || x.1.is_some()) {
                let v = v.map(|v| fixed(v, 4, false)).unwrap_or_else(|| "missing".into());
                let mark = match weight(name) {
                    Some(f) if f.per_length.is_some() => "*",
                    Some(f) if f.sqrt => "\u{221a}",
                    _ => " ",
                };
                corrected |= mark == "*";
                rooted |= mark == "\u{221a}";
                writeln!(out, "  {:<36}{mark}{:>12}  {:>8}", name, v, fixed(*c, 3, true))?;
            }
            if corrected {
                writeln!(
                    out,
                    "  * a maximum over the document's sentences or paragraphs: weighed by how far it lies from what a clean document of this length reaches"
                )?;
            }
            if rooted {
                writeln!(
                    out,
                    "  \u{221a} a rate per word: its square root is weighed, so the first few flags count for more than later ones"
                )?;
            }
        }
        (Status::Unscored(why), _) => writeln!(out, "not scored: {}", visible(why, Show::Controls))?,
        (Status::Error(m), _) => writeln!(out, "error: {}", visible(m, Show::Controls))?,
        _ => {}
    }
    if let Some(c) = &r.cluster {
        writeln!(
            out,
            "cluster {} of {} versions; deviation {:.3}; likely original: {}",
            c.id, c.size, c.deviation, c.likely_original
        )?;
    }
    writeln!(out)?;

    // Spans to mark: every non-boilerplate evidence, non-overlapping, earliest first.
    let mut spans: Vec<&Evidence> =
        a.evidence().filter(|e| e.family != Family::Boilerplate && e.end > e.start).collect();
    spans.sort_by(|x, y| x.start.cmp(&y.start).then(y.strength.total_cmp(&x.strength)));
    let mut marks: Vec<&Evidence> = Vec::new();
    for e in spans {
        if marks.last().is_none_or(|m| e.start >= m.end) {
            marks.push(e);
        }
    }
    let text = doc.text.as_str();
    let mut mi = 0;
    for (n, line) in a.lines.iter().enumerate() {
        let lt = visible(&text[line.span.start..line.span.end], Show::Controls);
        if line.class == LineClass::Boilerplate {
            if color {
                writeln!(
                    out,
                    "{}{:>4} ~ {}  [{}]{RESET}",
                    family_colour(Family::Boilerplate),
                    n + 1,
                    lt,
                    line.reason
                )?;
            } else {
                writeln!(out, "{:>4} ~ {}  [boilerplate: {}]", n + 1, lt, line.reason)?;
            }
            while mi < marks.len() && marks[mi].start < line.span.end {
                mi += 1;
            }
            continue;
        }
        let mut s = String::new();
        let mut pos = line.span.start;
        while mi < marks.len() && marks[mi].start < line.span.end {
            let m = marks[mi];
            mi += 1;
            let (ms, me) = (m.start.max(pos), m.end.min(line.span.end));
            if ms >= me || !text.is_char_boundary(ms) || !text.is_char_boundary(me) {
                continue;
            }
            s.push_str(&visible(&text[pos..ms], Show::Controls));
            let label = match &m.suggestion {
                Some(sug) => format!("{} -> {}", m.kind, visible(sug, Show::Controls)),
                None => m.kind.to_string(),
            };
            if color {
                s.push_str(&format!(
                    "{}\x1b[4m{}{RESET}{}⟨{label}⟩{RESET}",
                    family_colour(m.family),
                    visible(&text[ms..me], span_show(m.kind)),
                    "\x1b[2m"
                ));
            } else {
                s.push_str(&format!(
                    "[[{}]]{{{}:{label}}}",
                    visible(&text[ms..me], span_show(m.kind)),
                    m.family.name()
                ));
            }
            pos = me;
        }
        s.push_str(&visible(&text[pos..line.span.end], Show::Controls));
        let s = s.trim_end_matches(' ');
        match line.class {
            LineClass::Blank => writeln!(out, "{:>4}{s}", n + 1)?,
            LineClass::List => writeln!(out, "{:>4} : {s}  [list: not scored]", n + 1)?,
            _ => writeln!(out, "{:>4} | {s}", n + 1)?,
        }
    }
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Show, visible};

    #[test]
    fn invisible_characters_in_a_flagged_span_are_shown() {
        assert_eq!(visible("mini\u{200b}ster", Show::Letters), "mini\u{27e8}U+200B\u{27e9}ster");
        assert_eq!(
            visible("co\u{200d}op\u{feff}", Show::Invisible),
            "co\u{27e8}U+200D\u{27e9}op\u{27e8}U+FEFF\u{27e9}"
        );
        assert_eq!(visible("g\u{43e}vernment", Show::Letters), "g\u{27e8}U+043E\u{27e9}vernment");
        assert!(matches!(visible("g\u{43e}vernment", Show::Invisible), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(visible("Zürich", Show::Letters), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_but_tab_are_shown_at_every_level() {
        for show in [Show::Controls, Show::Invisible, Show::Letters] {
            assert_eq!(
                visible("a\x1b[2J\tb\x00\x7f\u{85}\u{9f}\r", show),
                "a\u{27e8}U+001B\u{27e9}[2J\tb\u{27e8}U+0000\u{27e9}\u{27e8}U+007F\u{27e9}\
                 \u{27e8}U+0085\u{27e9}\u{27e8}U+009F\u{27e9}\u{27e8}U+000D\u{27e9}"
            );
        }
        // Only controls in ordinary text: zero-width and non-Latin characters are left as they are.
        assert!(matches!(
            visible("co\u{200d}op \u{43e} \u{a0}é\u{2028}", Show::Controls),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}

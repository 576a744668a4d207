//! Documents as they come in, and the prepared view the feature families read.

use serde::Serialize;

use crate::features::boilerplate::LineInfo;
use crate::pipeline::cost::{MAX_DOC_LINES, MAX_DOC_UNITS, lines_prefix, units_prefix};
use crate::segment::SentenceSpan;
use crate::tokenize::Token;

/// Where a document came from: the file and, for record formats, the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The input path, or `-` for standard input.
    pub file: String,
    /// 1-based line of the record (JSONL line, CSV record's first line); 0 for a whole file.
    pub line: u64,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 { write!(f, "{}", self.file) } else { write!(f, "{}:{}", self.file, self.line) }
    }
}

/// One document to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Identifier, unique within a run (record id, or the file path).
    pub id: String,
    /// The source it is rolled up under: `source` field, else the host of `url`, else the
    /// parent directory.
    pub source: String,
    /// The text (already extracted from HTML where the input was HTML).
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
    /// Warnings about the input that did not stop scoring (e.g. invalid UTF-8 decoded lossily).
    pub warnings: Vec<String>,
}

impl Document {
    /// Cuts the text to at most `max` bytes (at a character boundary),
    /// [`MAX_DOC_UNITS`] units (words, marks, symbols) and
    /// [`MAX_DOC_LINES`] lines, with a warning, and gives
    /// the memory back: work and memory per document stay bounded.
    pub fn cut_text(&mut self, max: usize) {
        let total = self.text.len();
        let kept = crate::input::cut_at(&self.text, max).len();
        // A text has at most one unit or line a byte: only a longer one is counted.
        let kept = match &self.text[..kept] {
            t if t.len() > MAX_DOC_UNITS => units_prefix(t, MAX_DOC_UNITS),
            _ => kept,
        };
        let kept = match &self.text[..kept] {
            t if t.len() > MAX_DOC_LINES => lines_prefix(t, MAX_DOC_LINES),
            _ => kept,
        };
        if kept < total {
            self.text.truncate(kept);
            self.text.shrink_to_fit();
            self.warnings.push(cut_warning(kept, total));
        }
    }

    /// A document from plain text, with origin `-`.
    pub fn new(id: impl Into<String>, source: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            source: source.into(),
            text: text.into(),
            origin: Origin { file: "-".into(), line: 0 },
            warnings: Vec::new(),
        }
    }
}

/// A document prepared for the feature families: its lines with their boilerplate class, and the
/// tokens and sentences of its content lines only.
#[derive(Debug, Clone, Copy)]
pub struct DocView<'a> {
    /// The whole text; all offsets index into it.
    pub text: &'a str,
    /// Every line, classified.
    pub lines: &'a [LineInfo],
    /// Tokens of content lines, in order.
    pub tokens: &'a [Token],
    /// Sentences over `tokens`.
    pub sentences: &'a [SentenceSpan],
}

/// The warning on a document whose text was cut to `kept` of `total` bytes.
pub(crate) fn cut_warning(kept: usize, total: usize) -> String {
    format!("scored on the first {kept} of {total} bytes")
}

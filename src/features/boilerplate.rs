//! Boilerplate line classification. (Skeleton; see issue 5.)
use super::FamilyOutput;
use crate::segment::{LineSpan, lines};
use serde::Serialize;

/// The class of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineClass {
    /// Article text: fluency and entity features read it.
    Content,
    /// Page furniture.
    Boilerplate,
    /// Empty or whitespace only.
    Blank,
}

/// A classified line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineInfo {
    /// Its byte range.
    #[serde(skip)]
    pub span: LineSpan,
    /// Its class.
    pub class: LineClass,
    /// Why: a short stable reason such as `comment-form`, `short-no-punct`, `content`.
    pub reason: &'static str,
}

/// Lines repeated across documents of one source in a batch (template text).
#[derive(Debug, Default)]
pub struct RepeatIndex {}

impl RepeatIndex {
    /// Builds the index from `(source, text)` pairs of one batch.
    pub fn build<'a>(_docs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        RepeatIndex {}
    }
}

/// Result of classifying a document's lines.
#[derive(Debug, Clone, Default)]
pub struct Classified {
    /// Every line with its class.
    pub lines: Vec<LineInfo>,
    /// Language of the content, ISO 639-3 (`eng`), when identified.
    pub language: Option<&'static str>,
    /// Features (`boilerplate.ratio`, ...) and evidence (one per boilerplate line).
    pub output: FamilyOutput,
}

/// Classifies each line of `text` (from `source`) as content, boilerplate or blank.
pub fn classify(text: &str, _source: &str, _repeats: &RepeatIndex) -> Classified {
    let lines = lines(text)
        .into_iter()
        .map(|span| {
            let blank = text[span.start..span.end].trim().is_empty();
            LineInfo {
                span,
                class: if blank {
                    LineClass::Blank
                } else {
                    LineClass::Content
                },
                reason: if blank { "blank" } else { "content" },
            }
        })
        .collect();
    Classified {
        lines,
        language: None,
        output: FamilyOutput::default(),
    }
}

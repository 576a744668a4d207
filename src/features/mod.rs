//! Feature families. Each family turns a prepared document into named features and evidence.
//!
//! - [`fluency`]: n-gram fluency against the reference model (rarity-normalised).
//! - [`entities`]: mangled names, acronyms and numbers.
//! - [`boilerplate`]: page furniture versus article content; decides which lines the other
//!   families read.
//! - [`consensus`]: agreement with other versions of the same story in the batch.

use serde::Serialize;

pub mod boilerplate;
pub mod consensus;
pub mod entities;
pub mod fluency;

/// A family of features. Reports give one sub-score per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// How probable the text is under the reference language model.
    Fluency,
    /// Corrupted names, acronyms and numbers.
    Entities,
    /// Page furniture around (or instead of) the article.
    Boilerplate,
    /// Disagreement with other versions of the same story.
    Consensus,
}

impl Family {
    /// All families, in report order.
    pub const ALL: [Family; 4] = [
        Family::Fluency,
        Family::Entities,
        Family::Boilerplate,
        Family::Consensus,
    ];

    /// Lower-case name used in column headers and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Family::Fluency => "fluency",
            Family::Entities => "entities",
            Family::Boilerplate => "boilerplate",
            Family::Consensus => "consensus",
        }
    }
}

/// One named feature value. `None` means "not measurable for this document" (for example no
/// cluster to compare with), which the scorer treats differently from zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Feature {
    /// Stable name, `family.what` (for example `fluency.slor_mean`); weights refer to it.
    pub name: &'static str,
    /// The value, or `None` when missing.
    pub value: Option<f64>,
}

impl Feature {
    /// A present feature.
    pub fn new(name: &'static str, value: f64) -> Self {
        let value = if value.is_finite() { Some(value) } else { None };
        Feature { name, value }
    }
    /// A missing feature.
    pub fn missing(name: &'static str) -> Self {
        Feature { name, value: None }
    }
}

/// A span of the document that supports the score: a garbled phrase, a mangled name, a
/// boilerplate line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The family that found it.
    pub family: Family,
    /// Short machine-readable kind, e.g. `improbable-span`, `acronym-near-miss`, `comment-form`.
    pub kind: &'static str,
    /// Byte offset of the span's start in the document text.
    pub start: usize,
    /// Byte offset one past the span's end.
    pub end: usize,
    /// How strong the evidence is, comparable within a family (higher = more suspicious).
    pub strength: f64,
    /// A human-readable explanation.
    pub note: String,
    /// The likely original, where one can be guessed ("U.S." for "A.S.").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// What one family computed for one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FamilyOutput {
    /// Named features.
    pub features: Vec<Feature>,
    /// Supporting spans.
    pub evidence: Vec<Evidence>,
}

impl FamilyOutput {
    /// Value of the named feature, if present.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.features
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value)
    }
}

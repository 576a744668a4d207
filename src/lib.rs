//! spinscore scores English text for how degraded a machine rewrite it is (article spinners,
//! paraphrase tools, round-trip machine translation) and ranks documents by it.
//!
//! Pipeline: [`input`] reads documents, [`tokenize`] and [`segment`] cut them up, the
//! [`features`] families measure fluency, entity mangling, boilerplate and consensus with other
//! versions of a story, [`score`] turns features into a 0-100 score with a verdict, and
//! [`report`] writes the results.

#![warn(missing_docs)]

pub mod batching;
pub mod dictionary;
pub mod document;
pub mod error;
pub mod features;
pub mod fit;
pub mod input;
pub mod lexicon;
pub mod links;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod score;
pub mod segment;
pub mod spelling;
pub mod synonyms;
pub mod tokenize;

#[cfg(test)]
mod test_support;

pub use document::{DocView, Document, Origin};
pub use error::{Error, Result};
pub use features::{Evidence, Family, FamilyOutput, Feature};
pub use lexicon::{CountLexicon, Lexicon};
pub use model::Model;

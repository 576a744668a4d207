//! Entity mangling signals. (Skeleton; see issue 4.)
use super::FamilyOutput;
use crate::document::DocView;
use crate::lexicon::Lexicon;

/// Entity features and evidence for one document.
pub fn analyze(_lex: &dyn Lexicon, _doc: &DocView<'_>) -> FamilyOutput {
    FamilyOutput::default()
}

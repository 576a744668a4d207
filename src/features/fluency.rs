//! N-gram fluency against the reference model. (Skeleton; see issue 3.)
use super::FamilyOutput;
use crate::document::DocView;
use crate::model::Model;

/// Fluency features and evidence for one document.
pub fn analyze(_model: &Model, _doc: &DocView<'_>) -> FamilyOutput {
    FamilyOutput::default()
}

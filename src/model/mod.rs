//! The reference language model: format, opening, training. (Skeleton; see issue 3.)

/// Why a model could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not a spinscore model.
    #[error("not a spinscore model (bad magic)")]
    Format,
}

/// The reference model.
#[derive(Debug)]
pub struct Model {}

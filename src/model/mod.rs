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

impl Model {
    /// The embedded default model. (Skeleton.)
    pub fn embedded() -> &'static Model {
        static M: Model = Model {};
        &M
    }

    /// One line describing the model. (Skeleton.)
    pub fn describe(&self) -> String {
        "skeleton".into()
    }

    /// Opens a model file. (Skeleton.)
    pub fn open_path(_path: &std::path::Path) -> crate::Result<Model> {
        Err(ModelError::Format.into())
    }
}

impl crate::lexicon::Lexicon for Model {
    fn surface_count(&self, _surface: &str) -> u64 {
        0
    }
    fn normalized_count(&self, _norm: &str) -> u64 {
        0
    }
    fn near_misses(&self, _surface: &str, _max_edits: u32) -> Vec<(String, u64)> {
        Vec::new()
    }
    fn total_tokens(&self) -> u64 {
        0
    }
    fn bigram_count(&self, _first: &str, _second: &str) -> u64 {
        0
    }
}

//! One error type for the library.

use std::path::PathBuf;

/// Everything the library can fail with. Variants carry the context a user needs
/// (the file, the line) so the binary can print a message that names them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// One input record (a JSONL line, a CSV row, a file) could not be turned into a document.
    #[error("{file}:{line}: {msg}")]
    Record {
        /// The input file ("-" for stdin).
        file: String,
        /// 1-based line (JSONL, text) or record line (CSV); 0 when the whole file is meant.
        line: u64,
        /// What is wrong with it.
        msg: String,
    },
    /// A model file is malformed, of another version, or fails its checksum.
    #[error("model: {0}")]
    Model(#[from] crate::model::ModelError),
    /// A scorer weights file is malformed.
    #[error("scorer weights: {0}")]
    Weights(String),
    /// A caller passed an invalid setting.
    #[error("{0}")]
    Config(String),
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

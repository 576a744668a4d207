//! A list of English words (`models/dictionary.fst`): the lower-case words of the SCOWL word
//! lists Debian ships as `wamerican` and `wbritish`, for telling a real word the reference text
//! happens not to have ("gamer", "tonne") from a typing slip ("goverment").
//!
//! The list is an [`fst::Set`] embedded in the binary and opened in place (no parsing, no
//! allocation). `scripts/build_dictionary.sh` rebuilds it; provenance and licence in
//! `models/README.md`.

use std::sync::OnceLock;

static EMBEDDED_BYTES: &[u8] = include_bytes!("../models/dictionary.fst");

/// A set of lower-case words.
pub struct Dictionary {
    set: fst::Set<&'static [u8]>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary").field("words", &self.set.len()).finish()
    }
}

impl Dictionary {
    /// The list embedded in the binary (opened once, on first use).
    ///
    /// # Panics
    /// If the embedded bytes are not a valid set: a build defect, not an input error.
    pub fn embedded() -> &'static Dictionary {
        static D: OnceLock<Dictionary> = OnceLock::new();
        D.get_or_init(|| Dictionary::open(EMBEDDED_BYTES).expect("embedded models/dictionary.fst is invalid"))
    }

    /// A dictionary over the bytes of an fst set.
    pub fn open(bytes: &'static [u8]) -> Result<Dictionary, fst::Error> {
        Ok(Dictionary { set: fst::Set::new(bytes)? })
    }

    /// Whether `word` (lower case) is in the list.
    pub fn contains(&self, word: &str) -> bool {
        self.set.contains(word)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True for an empty list.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_knows_words_and_not_slips() {
        let d = Dictionary::embedded();
        assert!(d.len() > 50_000, "{d:?}");
        for w in ["government", "receive", "tonne", "colour", "color", "insider", "visuals"] {
            assert!(d.contains(w), "{w}");
        }
        for w in ["goverment", "recieve", "zorblax", "", "Government"] {
            assert!(!d.contains(w), "{w}");
        }
    }
}

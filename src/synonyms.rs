//! Substitution candidates: for a word, the words a thesaurus-driven article spinner could have
//! replaced with it (WordNet synonyms over all senses and parts of speech, inflected alike,
//! kept only where the reference model's vocabulary has both). Fluency uses them to ask whether
//! a word the context finds improbable has a synonym the context expects.
//!
//! The table is one byte buffer opened without parsing, keyed by normalised word:
//!
//! | bytes | content |
//! | --- | --- |
//! | 0..8 | magic `SPINSYN\x01` |
//! | 8..12 | format version (u32) |
//! | 16..24 | words (u64) |
//! | 24..32 | slots (u64) |
//! | 32..40 | blob length (u64) |
//! | 40..48 | checksum of everything after the header (u64) |
//! | 64.. | slots × 16 bytes: word hash u64 (0 = empty, linear probing), blob offset u32, length u32 |
//! | then | blob: each word's candidates, most frequent first, joined by `\n` |
//!
//! Hashing, slot placement and the checksum are the model format's ([`crate::model::format`]).

use std::path::Path;
use std::sync::OnceLock;

use crate::model::format::{checksum, home, next_slot, u32_at, u64_at, vocab_hash};
use crate::model::{Bytes, ModelError};

/// First eight bytes of a synonym table.
pub const MAGIC: [u8; 8] = *b"SPINSYN\x01";
/// Format version this build reads and writes.
pub const VERSION: u32 = 1;
/// Header size.
pub const HEADER_LEN: usize = 64;
const SLOT: usize = 16;

static EMBEDDED_BYTES: &[u8] = include_bytes!("../models/synonyms.bin");

/// A synonym table, opened from bytes.
pub struct Synonyms {
    bytes: Bytes,
    words: usize,
    slots: usize,
    blob: usize,
    checksum: u64,
}

impl std::fmt::Debug for Synonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synonyms").field("words", &self.words).field("bytes", &self.get().len()).finish()
    }
}

impl Synonyms {
    /// The table embedded in the binary (opened once, on first use).
    ///
    /// # Panics
    /// If the embedded bytes are not a valid table: a build defect, not an input error.
    pub fn embedded() -> &'static Synonyms {
        static S: OnceLock<Synonyms> = OnceLock::new();
        S.get_or_init(|| {
            Synonyms::open(Bytes::Static(EMBEDDED_BYTES))
                .unwrap_or_else(|e| panic!("embedded table models/synonyms.bin is invalid: {e}"))
        })
    }

    /// Opens a table over owned bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Synonyms, ModelError> {
        Synonyms::open(Bytes::Owned(bytes))
    }

    /// Reads and opens a table file.
    pub fn open_path(path: impl AsRef<Path>) -> crate::Result<Synonyms> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        Ok(Synonyms::from_bytes(bytes)?)
    }

    fn get(&self) -> &[u8] {
        self.bytes.get()
    }

    fn open(bytes: Bytes) -> Result<Synonyms, ModelError> {
        let b = bytes.get();
        if b.len() < MAGIC.len() || b[..MAGIC.len()] != MAGIC {
            return Err(ModelError::Format);
        }
        if b.len() < HEADER_LEN {
            return Err(ModelError::Truncated { needed: HEADER_LEN as u64, got: b.len() as u64 });
        }
        let version = u32_at(b, 8);
        if version != VERSION {
            return Err(ModelError::Version { expected: VERSION, got: version });
        }
        let (words, slots, blob) = (u64_at(b, 16), u64_at(b, 24), u64_at(b, 32));
        let needed = slots
            .checked_mul(SLOT as u64)
            .and_then(|s| s.checked_add(blob))
            .and_then(|s| s.checked_add(HEADER_LEN as u64))
            .ok_or_else(|| ModelError::Corrupt("synonym table sizes overflow".into()))?;
        if needed != b.len() as u64 {
            return Err(ModelError::Truncated { needed, got: b.len() as u64 });
        }
        if slots == 0 || words >= slots {
            return Err(ModelError::Corrupt(format!("synonym table: {words} words in {slots} slots")));
        }
        let (slots, blob) = (slots as usize, blob as usize);
        let blob_at = HEADER_LEN + SLOT * slots;
        let Ok(text) = std::str::from_utf8(&b[blob_at..]) else {
            return Err(ModelError::Corrupt("synonym blob is not UTF-8".into()));
        };
        // Every slot's span is checked once here, so look-ups can slice.
        let mut used = 0u64;
        for i in 0..slots {
            let o = HEADER_LEN + SLOT * i;
            if u64_at(b, o) == 0 {
                continue;
            }
            used += 1;
            let (off, len) = (u32_at(b, o + 8) as usize, u32_at(b, o + 12) as usize);
            if off + len > blob || !text.is_char_boundary(off) || !text.is_char_boundary(off + len) {
                return Err(ModelError::Corrupt(format!("synonym slot {i} points outside the blob")));
            }
        }
        if used != words {
            return Err(ModelError::Corrupt(format!(
                "synonym table: header says {words} words, slots hold {used}"
            )));
        }
        let checksum = u64_at(b, 40);
        Ok(Synonyms { bytes, words: words as usize, slots, blob, checksum })
    }

    /// Checks the content against the header's checksum.
    pub fn verify(&self) -> Result<(), ModelError> {
        let got = checksum(&self.get()[HEADER_LEN..]);
        if got != self.checksum {
            return Err(ModelError::ChecksumMismatch { expected: self.checksum, got });
        }
        Ok(())
    }

    /// Words with candidates.
    pub fn len(&self) -> usize {
        self.words
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    /// The candidates of a normalised word, most frequent first in the default model (empty
    /// when it has none).
    pub fn of(&self, word: &str) -> impl Iterator<Item = &str> {
        // Spans and UTF-8 were validated at open.
        self.of_bytes(word.as_bytes()).map(|c| std::str::from_utf8(c).unwrap_or(""))
    }

    /// [`Synonyms::of`] as bytes, without the UTF-8 check (for look-ups by bytes, such as
    /// [`crate::model::Model::word_id_bytes`]).
    pub fn of_bytes(&self, word: &[u8]) -> impl Iterator<Item = &[u8]> {
        self.of_hashed(vocab_hash(word))
    }

    /// [`Synonyms::of_bytes`] of the word whose [`vocab_hash`] is `h` (callers that hashed the
    /// word for the model's vocabulary look its candidates up without hashing it again).
    pub fn of_hashed(&self, h: u64) -> impl Iterator<Item = &[u8]> {
        let b = self.get();
        let mut i = home(h, self.slots);
        let mut found: &[u8] = b"";
        for _ in 0..self.slots {
            let o = HEADER_LEN + SLOT * i;
            let k = u64_at(b, o);
            if k == 0 {
                break;
            }
            if k == h {
                found = self.list_at(o);
                break;
            }
            i = next_slot(i, self.slots);
        }
        split_list(found)
    }

    /// Every word's candidate list, in slot order (for checks over the whole table).
    pub fn lists(&self) -> impl Iterator<Item = impl Iterator<Item = &[u8]>> {
        let b = self.get();
        (0..self.slots)
            .map(|i| HEADER_LEN + SLOT * i)
            .filter(move |&o| u64_at(b, o) != 0)
            .map(|o| split_list(self.list_at(o)))
    }

    /// The blob bytes of the occupied slot at byte offset `o` (spans were validated at open).
    fn list_at(&self, o: usize) -> &[u8] {
        let b = self.get();
        let (off, len) = (u32_at(b, o + 8) as usize, u32_at(b, o + 12) as usize);
        let at = HEADER_LEN + SLOT * self.slots;
        &b[at + off..at + off + len]
    }

    /// Bytes of a table holding `entries` (word, candidates in the order to keep). Words are
    /// stored in sorted order and empty candidate lists dropped, so the same entries give the
    /// same bytes.
    pub fn build(entries: impl IntoIterator<Item = (String, Vec<String>)>) -> Vec<u8> {
        let mut entries: Vec<(String, Vec<String>)> = entries
            .into_iter()
            .map(|(w, c)| {
                (w, c.into_iter().filter(|s| !s.is_empty() && !s.contains('\n')).collect::<Vec<_>>())
            })
            .filter(|(w, c)| !w.is_empty() && !c.is_empty())
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| a.0 == b.0);
        let slots = (entries.len() * 2).max(1) + 1;
        let mut table = vec![0u8; SLOT * slots];
        let mut blob = Vec::new();
        for (w, cands) in &entries {
            let off = blob.len() as u32;
            blob.extend_from_slice(cands.join("\n").as_bytes());
            let len = blob.len() as u32 - off;
            let h = vocab_hash(w.as_bytes());
            let mut i = home(h, slots);
            while u64_at(&table, SLOT * i) != 0 {
                i = next_slot(i, slots);
            }
            let o = SLOT * i;
            table[o..o + 8].copy_from_slice(&h.to_le_bytes());
            table[o + 8..o + 12].copy_from_slice(&off.to_le_bytes());
            table[o + 12..o + 16].copy_from_slice(&len.to_le_bytes());
        }
        let mut out = vec![0u8; HEADER_LEN];
        out[..8].copy_from_slice(&MAGIC);
        out[8..12].copy_from_slice(&VERSION.to_le_bytes());
        out[16..24].copy_from_slice(&(entries.len() as u64).to_le_bytes());
        out[24..32].copy_from_slice(&(slots as u64).to_le_bytes());
        out[32..40].copy_from_slice(&(blob.len() as u64).to_le_bytes());
        out.extend_from_slice(&table);
        out.extend_from_slice(&blob);
        let sum = checksum(&out[HEADER_LEN..]);
        out[40..48].copy_from_slice(&sum.to_le_bytes());
        out
    }

    /// Blob size in bytes (the candidates' text).
    pub fn blob_len(&self) -> usize {
        self.blob
    }
}

/// The candidates of one blob list (`\n`-joined).
fn split_list(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    list.split(|&c| c == b'\n').filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Synonyms {
        Synonyms::from_bytes(Synonyms::build([
            ("arsenic".to_string(), vec!["as".to_string(), "ratsbane".to_string()]),
            ("good".to_string(), vec!["right".to_string(), "bully".to_string()]),
            ("none".to_string(), vec![]),
        ]))
        .unwrap()
    }

    #[test]
    fn looks_up_candidates_in_order() {
        let t = table();
        assert_eq!(t.len(), 2);
        assert_eq!(t.of("arsenic").collect::<Vec<_>>(), ["as", "ratsbane"]);
        assert_eq!(t.of("good").collect::<Vec<_>>(), ["right", "bully"]);
        assert_eq!(t.of("none").count(), 0);
        assert_eq!(t.of("").count(), 0);
        t.verify().unwrap();
    }

    #[test]
    fn same_entries_same_bytes() {
        let a = Synonyms::build([("b".into(), vec!["c".into()]), ("a".into(), vec!["d".into()])]);
        let b = Synonyms::build([("a".into(), vec!["d".into()]), ("b".into(), vec!["c".into()])]);
        assert_eq!(a, b);
    }

    #[test]
    fn corrupt_tables_are_errors_not_panics() {
        let good = Synonyms::build([("good".into(), vec!["right".into()])]);
        assert!(matches!(Synonyms::from_bytes(b"nonsense".to_vec()), Err(ModelError::Format)));
        for cut in [10, HEADER_LEN, good.len() - 1] {
            assert!(Synonyms::from_bytes(good[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        let mut bad = good.clone();
        // Point the one occupied slot's span past the blob.
        for i in 0..(bad.len() - HEADER_LEN) / SLOT {
            let o = HEADER_LEN + SLOT * i;
            if o + SLOT <= bad.len() && u64_at(&bad, o) != 0 {
                bad[o + 12..o + 16].copy_from_slice(&1000u32.to_le_bytes());
            }
        }
        assert!(Synonyms::from_bytes(bad).is_err());
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x20;
        let t = Synonyms::from_bytes(flipped).unwrap();
        assert!(matches!(t.verify(), Err(ModelError::ChecksumMismatch { .. })));
    }

    #[test]
    fn embedded_table_opens() {
        let t = Synonyms::embedded();
        assert!(t.len() > 1000);
        t.verify().unwrap();
        assert!(t.of("arsenic").any(|s| s == "as"));
    }
}

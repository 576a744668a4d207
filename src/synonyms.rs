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
//! | 64.. | slots × 8 bytes: u64 = blob offset (bits 40..64) above a 40-bit fingerprint of the word hash (its low bits, never 0; 0 = empty slot), linear probing at load at most 0.7 |
//! | then | blob: each word's candidates, most frequent first, joined by `\n`, then a `\0` |
//!
//! Hashing, slot placement and the checksum are the model format's ([`crate::model::format`]).
//! The fingerprint keeps the hash bits the home slot does not use: a word without candidates
//! matches a stored word's fingerprint with odds about 2^-40 per slot probed, and the writer
//! refuses a table where one word's fingerprint would hide another's. Version 1 tables (16-byte
//! slots of full hash, offset and length) are refused: rebuild with `scripts/build_synonyms.sh`.

use std::path::Path;
use std::sync::OnceLock;

use crate::model::format::{checksum, fingerprint_table, home, next_slot, u32_at, u64_at, vocab_hash};
use crate::model::{Bytes, ModelError};

/// First eight bytes of a synonym table.
pub const MAGIC: [u8; 8] = *b"SPINSYN\x01";
/// Format version this build reads and writes.
pub const VERSION: u32 = 2;
/// Header size.
pub const HEADER_LEN: usize = 64;
const SLOT: usize = 8;
/// Bits of a slot's hash fingerprint; the blob offset takes the rest.
const FP_BITS: u32 = 40;
const FP_MASK: u64 = (1 << FP_BITS) - 1;
/// Largest blob the slots can point into.
const MAX_BLOB: usize = 1 << (64 - FP_BITS);

/// The fingerprint a slot keeps of a word's [`vocab_hash`] `h`: its low [`FP_BITS`] bits,
/// never 0 (the high bits choose the home slot).
#[inline(always)]
fn fingerprint(h: u64) -> u64 {
    (h & FP_MASK).max(1)
}

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
        if blob > MAX_BLOB || (blob > 0 && !text.ends_with('\0')) {
            return Err(ModelError::Corrupt("synonym blob does not end its last list".into()));
        }
        // Every slot's offset is checked once here, so look-ups can slice (a list runs to the
        // next `\0`, and the blob ends with one).
        let mut used = 0u64;
        for i in 0..slots {
            let k = u64_at(b, HEADER_LEN + SLOT * i);
            if k == 0 {
                continue;
            }
            used += 1;
            let off = (k >> FP_BITS) as usize;
            if k & FP_MASK == 0 || off >= blob || !text.is_char_boundary(off) {
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
        let want = fingerprint(h);
        let mut i = home(h, self.slots);
        let mut found: &[u8] = b"";
        for _ in 0..self.slots {
            let k = u64_at(b, HEADER_LEN + SLOT * i);
            if k == 0 {
                break;
            }
            if k & FP_MASK == want {
                found = self.list_at(k);
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
            .map(move |i| u64_at(b, HEADER_LEN + SLOT * i))
            .filter(|&k| k != 0)
            .map(|k| split_list(self.list_at(k)))
    }

    /// The blob bytes of the list of occupied slot `k`, up to its `\0` (offsets were validated
    /// at open, and the blob ends with a `\0`).
    fn list_at(&self, k: u64) -> &[u8] {
        let at = HEADER_LEN + SLOT * self.slots + (k >> FP_BITS) as usize;
        let rest = self.get().get(at..).unwrap_or(b"");
        let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        &rest[..end]
    }

    /// Bytes of a table holding `entries` (word, candidates in the order to keep). Words are
    /// stored in sorted order and empty candidate lists dropped, so the same entries give the
    /// same bytes. Fails when the candidates' text passes 16 MiB or two words' fingerprints
    /// collide in one probe run (odds about 2^-40 per such pair).
    pub fn build(entries: impl IntoIterator<Item = (String, Vec<String>)>) -> crate::Result<Vec<u8>> {
        let mut entries: Vec<(String, Vec<String>)> = entries
            .into_iter()
            .map(|(w, c)| {
                let c =
                    c.into_iter().filter(|s| !s.is_empty() && !s.contains(['\n', '\0'])).collect::<Vec<_>>();
                (w, c)
            })
            .filter(|(w, c)| !w.is_empty() && !c.is_empty())
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut blob = Vec::new();
        let mut keys = Vec::with_capacity(entries.len());
        for (w, cands) in &entries {
            keys.push((vocab_hash(w.as_bytes()), blob.len() as u64));
            blob.extend_from_slice(cands.join("\n").as_bytes());
            blob.push(0);
        }
        if blob.len() > MAX_BLOB {
            return Err(crate::Error::Config(format!(
                "synonym candidates take {} bytes, over 16 MiB",
                blob.len()
            )));
        }
        let table = slot_table(&keys).map_err(|(a, b)| {
            crate::Error::Config(format!(
                "synonym table: hash fingerprints of {:?} and {:?} collide",
                entries[a].0, entries[b].0
            ))
        })?;
        let slots = table.len() / SLOT;
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
        Ok(out)
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

/// The slots of words given as (hash, blob offset), inserted in order; `Err((a, b))` when word
/// `b`'s look-up would find word `a`.
fn slot_table(keys: &[(u64, u64)]) -> Result<Vec<u8>, (usize, usize)> {
    const _: () = assert!(SLOT == 8);
    let slots: Vec<(u64, u64)> =
        keys.iter().map(|&(h, off)| (h, (off << FP_BITS) | fingerprint(h))).collect();
    fingerprint_table(&slots, |k| k & FP_MASK, fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Synonyms {
        Synonyms::from_bytes(
            Synonyms::build([
                ("arsenic".to_string(), vec!["as".to_string(), "ratsbane".to_string()]),
                ("good".to_string(), vec!["right".to_string(), "bully".to_string()]),
                ("none".to_string(), vec![]),
            ])
            .unwrap(),
        )
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
        let a = Synonyms::build([("b".into(), vec!["c".into()]), ("a".into(), vec!["d".into()])]).unwrap();
        let b = Synonyms::build([("a".into(), vec!["d".into()]), ("b".into(), vec!["c".into()])]).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn corrupt_tables_are_errors_not_panics() {
        let good =
            Synonyms::build([("good".into(), vec!["right".into()]), ("bad".into(), vec!["ill".into()])])
                .unwrap();
        assert!(matches!(Synonyms::from_bytes(b"nonsense".to_vec()), Err(ModelError::Format)));
        for cut in [10, HEADER_LEN, good.len() - 1] {
            assert!(Synonyms::from_bytes(good[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        let mut v1 = good.clone();
        v1[8..12].copy_from_slice(&1u32.to_le_bytes());
        assert!(matches!(Synonyms::from_bytes(v1), Err(ModelError::Version { expected: 2, got: 1 })));
        let slots = (good.len() - HEADER_LEN) / SLOT;
        for (offset, fp) in [(1000u64, None), (0, Some(0u64))] {
            // Point an occupied slot past the blob, or give it a zero fingerprint.
            let mut bad = good.clone();
            let o = (0..slots).map(|i| HEADER_LEN + SLOT * i).find(|&o| u64_at(&bad, o) != 0).unwrap();
            let k = u64_at(&bad, o);
            let k = (offset << FP_BITS) | fp.unwrap_or(k & FP_MASK);
            bad[o..o + 8].copy_from_slice(&k.to_le_bytes());
            assert!(matches!(Synonyms::from_bytes(bad), Err(ModelError::Corrupt(_))), "{offset} {fp:?}");
        }
        // A blob whose last list is not ended.
        let mut open = good.clone();
        let last = open.len() - 1;
        open[last] = b'x';
        assert!(matches!(Synonyms::from_bytes(open), Err(ModelError::Corrupt(_))));
        let mut flipped = good.clone();
        flipped[last - 1] ^= 0x20;
        let t = Synonyms::from_bytes(flipped).unwrap();
        assert!(matches!(t.verify(), Err(ModelError::ChecksumMismatch { .. })));
        // Every truncation and many flipped bytes: an error or a table that answers.
        for cut in 0..good.len() {
            let _ = Synonyms::from_bytes(good[..cut].to_vec());
        }
        for at in 0..good.len() {
            let mut v = good.clone();
            v[at] = v[at].wrapping_add(0x9D);
            if let Ok(t) = Synonyms::from_bytes(v) {
                let _ =
                    (t.of("good").count(), t.of("bad").count(), t.lists().map(|l| l.count()).sum::<usize>());
            }
        }
    }

    #[test]
    fn fingerprints_find_words_and_collisions_are_refused() {
        let t = table();
        // Another word: no candidates; the stored words' lists end at their own `\0`.
        assert_eq!(t.of("goods").count(), 0);
        assert_eq!(t.of("good").last(), Some("bully"));
        // Same low 40 bits, same home slot: the later word could never be found.
        let h = 0x8000_0000_0000_4321u64;
        assert_eq!(slot_table(&[(h, 0), (h ^ (1 << 50), 5)]), Err((0, 1)));
        assert!(slot_table(&[(h, 0), (h ^ 1, 5)]).is_ok());
    }

    #[test]
    fn embedded_table_opens() {
        let t = Synonyms::embedded();
        assert!(t.len() > 1000);
        t.verify().unwrap();
        assert!(t.of("arsenic").any(|s| s == "as"));
    }

    #[test]
    fn spelling_variants_are_not_candidates() {
        // WordNet lists British and American spellings as synonyms; the table leaves them out
        // (scripts/synonyms_tsv.py), so British news does not read as thesaurus swaps.
        let t = Synonyms::embedded();
        for (word, variant) in [
            ("organised", "organized"),
            ("defence", "defense"),
            ("centre", "center"),
            ("centred", "centered"),
        ] {
            assert!(t.of(word).next().is_some(), "{word} has candidates");
            assert!(!t.of(word).any(|s| s == variant), "{word} -> {variant}");
            assert!(!t.of(variant).any(|s| s == word), "{variant} -> {word}");
        }
    }
}

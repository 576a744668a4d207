//! The binary layout of a model file, shared by the writer ([`super::train`]) and the readers
//! ([`super::Model`], [`super::ContrastModel`]).
//!
//! All integers are little-endian and read with `from_le_bytes`, so the bytes need no alignment
//! (`include_bytes!` gives none). A file is a fixed 256-byte header followed by sections. A file
//! is of one of two kinds (header field [`field::KIND`]): a full model, or a contrast-only model
//! (`spinscore train --contrast-only`) that keeps only what [`super::ContrastModel`] scores with.
//!
//! | section | full model | contrast-only model |
//! | --- | --- | --- |
//! | `STRINGS` | normalised vocabulary words, concatenated UTF-8 | empty |
//! | `OFFSETS` | `u32` × (V + 1): word `i` is `STRINGS[off[i]..off[i+1]]` | empty |
//! | `VOCAB_HASH` | 8-byte slots: [`vocab_slot`] (0 = empty) | the same |
//! | `UNIGRAMS` | 16 bytes per word id: count u32, logp u16, backoff u16, best-next logp u16, relative-frequency logp u16, best-next id u32 | 4 bytes per word id: logp u16, backoff u16 |
//! | `BIGRAMS` | 14-byte slots: [`bi_slot`] u64, logp u16, backoff u16, best-next logp u16 | 10-byte slots: [`bi_slot_c`] u48, logp u16, backoff u16 |
//! | `TRIGRAMS` | 8-byte slots: [`tri_slot`] (0 = empty) | the same |
//! | `SURFACE` | `fst::Map` of case-kept surface forms to counts | empty |
//! | `META` | UTF-8 JSON describing how the model was trained | the same |
//!
//! The hash tables use open addressing with linear probing at load at most 0.7 ([`slots_for`]),
//! the home slot from the high bits of a 64-bit hash ([`home`]). N-gram keys pack word ids in 21
//! bits each ([`bi_key`], [`tri_key`]). Bigram slots hold the key itself; vocabulary and trigram
//! slots hold a fingerprint of the hash's low bits (43 and 48 bits), independent of the home
//! slot: a word or trigram that is not stored matches a stored one's fingerprint with
//! probability about 2^-43 (2^-48) per slot probed, and the writer refuses a table where one
//! stored entry's fingerprint would hide another's. Log-probabilities (base 10) are quantised
//! as `round(-logp * QSCALE)` in a `u16`.
//!
//! Version 1 (12-byte vocabulary, 16-byte bigram and 10-byte trigram slots, no contrast-only
//! kind) is not read: such a file is refused with [`super::ModelError::Version`], and the model
//! must be trained again with `spinscore train`.

/// First eight bytes of every model file.
pub const MAGIC: [u8; 8] = *b"SPINLM\x00\x01";
/// Format version this build reads and writes.
pub const VERSION: u32 = 2;
/// Identifier of the normalisation ([`crate::tokenize::normalize`] plus the LM unit rules in
/// [`super::units`]); bump when either changes meaning.
pub const NORM_ID: u32 = 2;
/// Size of the fixed header.
pub const HEADER_LEN: usize = 256;
/// Number of sections.
pub const N_SECTIONS: usize = 8;
/// Offset of the section table in the header.
pub const SECTION_TABLE: usize = 96;

/// Section indices.
pub const STRINGS: usize = 0;
/// Vocabulary offsets.
pub const OFFSETS: usize = 1;
/// Vocabulary hash table.
pub const VOCAB_HASH: usize = 2;
/// Unigram records.
pub const UNIGRAMS: usize = 3;
/// Bigram hash table.
pub const BIGRAMS: usize = 4;
/// Trigram hash table.
pub const TRIGRAMS: usize = 5;
/// Surface-form fst.
pub const SURFACE: usize = 6;
/// Training metadata.
pub const META: usize = 7;

/// Vocabulary slot size.
pub const VOCAB_REC: usize = 8;
/// Unigram record size (full model).
pub const UNI_REC: usize = 16;
/// Bigram slot size (full model).
pub const BI_REC: usize = 14;
/// Trigram slot size.
pub const TRI_REC: usize = 8;
/// Unigram record size (contrast-only model).
pub const UNI_REC_C: usize = 4;
/// Bigram slot size (contrast-only model).
pub const BI_REC_C: usize = 10;

/// [`field::KIND`] of a full model.
pub const KIND_FULL: u32 = 0;
/// [`field::KIND`] of a contrast-only model.
pub const KIND_CONTRAST: u32 = 1;

/// Bits per word id in packed keys.
pub const ID_BITS: u32 = 21;
/// Largest vocabulary a model can hold.
pub const MAX_VOCAB: usize = (1 << ID_BITS) - 1;
/// Mask of one id.
pub const ID_MASK: u64 = (1 << ID_BITS) - 1;
/// Mask of a packed bigram (two ids).
pub const BI_MASK: u64 = (1 << (2 * ID_BITS)) - 1;
/// Mask of a packed trigram (three ids).
pub const TRI_MASK: u64 = (1 << (3 * ID_BITS)) - 1;

/// Bit of a bigram slot: the bigram is the context of stored trigrams.
pub const BI_HAS_TRIGRAMS: u64 = 1 << (2 * ID_BITS);
/// An empty full-model bigram slot's u64 (its key bits are two ids of 2^21 - 1, past
/// [`MAX_VOCAB`], so no stored bigram has them).
pub const BI_EMPTY: u64 = u64::MAX;
/// An empty contrast-only bigram slot's u48.
pub const BI_EMPTY_C: u64 = (1 << 48) - 1;
/// Bits of a vocabulary slot's hash fingerprint.
pub const VOCAB_FP_BITS: u32 = 64 - ID_BITS;
/// Bits of a trigram slot's fingerprint.
pub const TRI_FP_BITS: u32 = 48;

/// Quantisation scale of log10 probabilities.
pub const QSCALE: f32 = 5000.0;
/// Quantised value meaning "no probability" (minus infinity).
pub const QNONE: u16 = u16::MAX;

/// Reserved word ids.
pub const UNK: u32 = 0;
/// Sentence start.
pub const BOS: u32 = 1;
/// Sentence end.
pub const EOS: u32 = 2;
/// Names of the reserved ids, in id order.
pub const SPECIALS: [&str; 3] = ["<unk>", "<s>", "</s>"];

/// Header field offsets.
pub mod field {
    /// Format version, u32.
    pub const VERSION: usize = 8;
    /// N-gram order, u32.
    pub const ORDER: usize = 12;
    /// Normalisation id, u32.
    pub const NORM: usize = 16;
    /// Number of sections, u32.
    pub const N_SECTIONS: usize = 20;
    /// Checksum of everything after the header, u64.
    pub const CHECKSUM: usize = 24;
    /// Training tokens, u64.
    pub const TOTAL_TOKENS: usize = 32;
    /// Vocabulary size including specials, u64.
    pub const VOCAB: usize = 40;
    /// Stored bigrams, u64.
    pub const BIGRAMS: usize = 48;
    /// Stored trigrams, u64.
    pub const TRIGRAMS: usize = 56;
    /// Surface forms, u64.
    pub const SURFACE: usize = 64;
    /// Kind of model, u32: [`super::KIND_FULL`] or [`super::KIND_CONTRAST`].
    pub const KIND: usize = 72;
}

/// Reads a little-endian u16 at `at` (caller guarantees bounds).
#[inline(always)]
pub fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// Reads a little-endian u32 at `at`.
#[inline(always)]
pub fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

/// Reads a little-endian u64 at `at`.
#[inline(always)]
pub fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// The `N`-byte record at byte `at` of `b`, or `None` past the end: the tables' readers take a
/// slot or record with one bounds check and read its fields with [`rec_u16`], [`rec_u32`] and
/// [`rec_u64`] (constant offsets into an array, checked at compile time once inlined) instead
/// of checking every field against the section.
#[inline(always)]
pub fn record<const N: usize>(b: &[u8], at: usize) -> Option<&[u8; N]> {
    b.get(at..)?.first_chunk::<N>()
}

/// Reads a little-endian u16 at `at` of a record.
#[inline(always)]
pub fn rec_u16<const N: usize>(r: &[u8; N], at: usize) -> u16 {
    u16::from_le_bytes([r[at], r[at + 1]])
}

/// Reads a little-endian u32 at `at` of a record.
#[inline(always)]
pub fn rec_u32<const N: usize>(r: &[u8; N], at: usize) -> u32 {
    u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]])
}

/// Reads a little-endian u64 at `at` of a record.
#[inline(always)]
pub fn rec_u64<const N: usize>(r: &[u8; N], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&r[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Quantises a log10 probability.
#[inline]
pub fn quantize(logp: f64) -> u16 {
    if !logp.is_finite() {
        return QNONE;
    }
    let q = (-logp * QSCALE as f64).round();
    q.clamp(0.0, (QNONE - 1) as f64) as u16
}

/// Turns a quantised value back into a log10 probability (`-inf` for [`QNONE`]).
#[inline(always)]
pub fn dequantize(q: u16) -> f32 {
    if q == QNONE { f32::NEG_INFINITY } else { -(q as f32) / QSCALE }
}

/// Stable 64-bit hash of a word (fixed by the format: never change without a version bump).
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(a)).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(a)).wrapping_mul(K).rotate_left(29);
    }
    mix64(h)
}

/// The vocabulary-table hash of a word: [`hash_bytes`], never 0 (0 marks an empty slot).
#[inline]
pub fn vocab_hash(b: &[u8]) -> u64 {
    hash_bytes(b).max(1)
}

/// The splitmix64 finaliser: spreads a key over all bits (used for n-gram slots).
#[inline(always)]
pub fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The packed key of bigram `(v, w)`.
#[inline(always)]
pub fn bi_key(v: u32, w: u32) -> u64 {
    ((v as u64 & ID_MASK) << ID_BITS) | (w as u64 & ID_MASK)
}

/// The packed key of trigram `(u, v, w)`.
#[inline(always)]
pub fn tri_key(u: u32, v: u32, w: u32) -> u64 {
    ((u as u64 & ID_MASK) << (2 * ID_BITS)) | bi_key(v, w)
}

/// The fingerprint a vocabulary slot keeps of a word's [`vocab_hash`] `h`: its low
/// [`VOCAB_FP_BITS`] bits, never 0 (the high bits choose the home slot).
#[inline(always)]
pub fn vocab_fp(h: u64) -> u64 {
    (h & ((1 << VOCAB_FP_BITS) - 1)).max(1)
}

/// A vocabulary slot: the fingerprint of hash `h` above the word's id (never 0).
#[inline(always)]
pub fn vocab_slot(h: u64, id: u32) -> u64 {
    (vocab_fp(h) << ID_BITS) | (id as u64 & ID_MASK)
}

/// A full-model bigram slot's u64: the key in bits 0..42, [`BI_HAS_TRIGRAMS`] in bit 42 and the
/// context's best continuation id in bits 43..64.
#[inline(always)]
pub fn bi_slot(key: u64, has_trigrams: bool, best: u32) -> u64 {
    (key & BI_MASK)
        | if has_trigrams { BI_HAS_TRIGRAMS } else { 0 }
        | ((best as u64 & ID_MASK) << (2 * ID_BITS + 1))
}

/// The best continuation id of a full-model bigram slot's u64.
#[inline(always)]
pub fn bi_slot_best(s: u64) -> u32 {
    (s >> (2 * ID_BITS + 1)) as u32
}

/// A contrast-only bigram slot's u48: the key in bits 0..42, [`BI_HAS_TRIGRAMS`] in bit 42.
#[inline(always)]
pub fn bi_slot_c(key: u64, has_trigrams: bool) -> u64 {
    (key & BI_MASK) | if has_trigrams { BI_HAS_TRIGRAMS } else { 0 }
}

/// The fingerprint a trigram slot keeps of its key's hash `mix64(key)`: the low
/// [`TRI_FP_BITS`] bits, never 0.
#[inline(always)]
pub fn tri_fp(h: u64) -> u64 {
    (h & ((1 << TRI_FP_BITS) - 1)).max(1)
}

/// A trigram slot: the fingerprint of `h = mix64(key)` below the quantised logp `q`.
#[inline(always)]
pub fn tri_slot(h: u64, q: u16) -> u64 {
    tri_fp(h) | ((q as u64) << TRI_FP_BITS)
}

/// Checksum of a byte range: a fast 64-bit multiply-mix over 8-byte words.
pub fn checksum(b: &[u8]) -> u64 {
    let mut h: u64 = 0x6A09_E667_F3BC_C908 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(a)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    for &x in chunks.remainder() {
        h = (h.rotate_left(23) ^ x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    mix64(h)
}

/// Number of slots for a table of `n` entries at load factor at most 0.7.
pub fn slots_for(n: usize) -> usize {
    (n * 10).div_ceil(7).max(8)
}

/// A table of 8-byte slots at [`slots_for`] load: each entry `(hash, slot)` is placed by linear
/// probing from `home(hash)`, in order, and its look-up stops at the first slot whose
/// `slot_fp(slot)` equals `hash_fp(hash)` (0 marks an empty slot; no entry's slot word is 0).
/// `Err((a, b))` when entry `b`'s look-up would find entry `a`'s slot first: two fingerprints
/// that collide within one probe run.
pub fn fingerprint_table(
    entries: &[(u64, u64)],
    slot_fp: impl Fn(u64) -> u64,
    hash_fp: impl Fn(u64) -> u64,
) -> Result<Vec<u8>, (usize, usize)> {
    let slots = slots_for(entries.len());
    let mut table = vec![0u8; 8 * slots];
    let mut at = vec![0usize; slots];
    for (x, &(h, word)) in entries.iter().enumerate() {
        let mut i = home(h, slots);
        while u64_at(&table, 8 * i) != 0 {
            i = next_slot(i, slots);
        }
        table[8 * i..8 * i + 8].copy_from_slice(&word.to_le_bytes());
        at[i] = x;
    }
    // Each look-up must end at its own slot (an entry inserted later can also sit before an
    // earlier one in its probe run).
    for (x, &(h, _)) in entries.iter().enumerate() {
        let mut i = home(h, slots);
        while slot_fp(u64_at(&table, 8 * i)) != hash_fp(h) {
            i = next_slot(i, slots);
        }
        if at[i] != x {
            return Err((at[i], x));
        }
    }
    Ok(table)
}

/// The home slot of hash `h` in a table of `n` slots (multiply-shift range reduction, so `n`
/// need not be a power of two).
#[inline(always)]
pub fn home(h: u64, n: usize) -> usize {
    ((h as u128 * n as u128) >> 64) as usize
}

/// The slot after `i` in a table of `n` slots.
#[inline(always)]
pub fn next_slot(i: usize, n: usize) -> usize {
    if i + 1 == n { 0 } else { i + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation_round_trips() {
        for lp in [0.0, -0.3, -1.234, -7.0, -12.5] {
            assert!((dequantize(quantize(lp)) as f64 - lp).abs() < 1e-3);
        }
        assert_eq!(dequantize(quantize(f64::NEG_INFINITY)), f32::NEG_INFINITY);
    }

    #[test]
    fn record_fields_equal_the_slice_readers() {
        let b: Vec<u8> = (0..40u8).map(|x| x.wrapping_mul(37).wrapping_add(11)).collect();
        for at in 0..=24 {
            let r = record::<16>(&b, at).unwrap();
            for f in 0..=8 {
                assert_eq!(rec_u64(r, f), u64_at(&b, at + f));
            }
            for f in 0..=12 {
                assert_eq!(rec_u32(r, f), u32_at(&b, at + f));
            }
            for f in 0..=14 {
                assert_eq!(rec_u16(r, f), u16_at(&b, at + f));
            }
        }
        assert!(record::<16>(&b, 25).is_none());
        assert!(record::<16>(&b, 41).is_none());
        assert!(record::<16>(&b, usize::MAX).is_none());
    }

    #[test]
    fn hash_is_stable() {
        // The format depends on these exact values.
        assert_eq!(hash_bytes(b"the"), hash_bytes(b"the"));
        assert_ne!(hash_bytes(b"the"), hash_bytes(b"The"));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
    }

    #[test]
    fn packed_slots_round_trip() {
        let max_id = (MAX_VOCAB - 1) as u32;
        for h in [1u64, 2, 0x1234_5678_9ABC_DEF0, u64::MAX, 1 << 43, (1 << 43) - 1] {
            for id in [0u32, 1, 77, max_id] {
                let s = vocab_slot(h, id);
                assert_ne!(s, 0, "a stored word's slot is never empty");
                assert_eq!(s >> ID_BITS, vocab_fp(h));
                assert_eq!((s & ID_MASK) as u32, id);
            }
        }
        for (v, w) in [(0, 0), (1, 2), (max_id, max_id), (max_id, 0)] {
            let key = bi_key(v, w);
            for has in [false, true] {
                for best in [0u32, 5, max_id] {
                    let s = bi_slot(key, has, best);
                    assert_ne!(s, BI_EMPTY);
                    assert_eq!(s & BI_MASK, key);
                    assert_eq!(s & BI_HAS_TRIGRAMS != 0, has);
                    assert_eq!(bi_slot_best(s), best);
                    let c = bi_slot_c(key, has);
                    assert!(c < 1 << 48 && c != BI_EMPTY_C);
                    assert_eq!((c & BI_MASK, c & BI_HAS_TRIGRAMS != 0), (key, has));
                }
            }
            for u in [0, 3, max_id] {
                assert_eq!(tri_key(u, v, w) >> (2 * ID_BITS), u as u64);
                assert_eq!(tri_key(u, v, w) & BI_MASK, key);
                assert!(tri_key(u, v, w) <= TRI_MASK);
            }
        }
        for h in [0u64, 1, 1 << 48, u64::MAX, mix64(42)] {
            for q in [0u16, 1, 12345, QNONE - 1] {
                let s = tri_slot(h, q);
                assert_ne!(s, 0, "a stored trigram's slot is never empty");
                assert_eq!(s & ((1 << TRI_FP_BITS) - 1), tri_fp(h));
                assert_eq!((s >> TRI_FP_BITS) as u16, q);
            }
        }
    }

    #[test]
    fn fingerprints_are_the_low_bits_and_never_zero() {
        // The home slot comes from the high bits: two hashes that differ only there share a
        // fingerprint, and hashes that differ in the low bits do not.
        let h = 0x0123_4567_89AB_CDEF;
        assert_eq!(vocab_fp(h), vocab_fp(h ^ (1 << 63)));
        assert_ne!(vocab_fp(h), vocab_fp(h ^ 1));
        assert_eq!(tri_fp(h), tri_fp(h ^ (1 << 60)));
        assert_ne!(tri_fp(h), tri_fp(h ^ (1 << 47)));
        assert_eq!(vocab_fp(1 << 50), 1);
        assert_eq!(tri_fp(1 << 50), 1);
    }
}

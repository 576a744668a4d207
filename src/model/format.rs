//! The binary layout of a model file, shared by the writer ([`super::train`]) and the reader
//! ([`super::Model`]).
//!
//! All integers are little-endian and read with `from_le_bytes`, so the bytes need no alignment
//! (`include_bytes!` gives none). A file is a fixed 256-byte header followed by sections:
//!
//! | section | content |
//! | --- | --- |
//! | `STRINGS` | normalised vocabulary words, concatenated UTF-8 |
//! | `OFFSETS` | `u32` × (V + 1): word `i` is `STRINGS[off[i]..off[i+1]]` |
//! | `VOCAB_HASH` | open-addressing (linear probing) table of 12-byte slots: 64-bit word hash (0 = empty), id u32 |
//! | `UNIGRAMS` | 16 bytes per word id: count u32, logp u16, backoff u16, best-next logp u16, relative-frequency logp u16, best-next id u32 |
//! | `BIGRAMS` | open-addressing table of 16-byte slots: key u64, logp u16, backoff u16, best-next logp u16, flags u16 |
//! | `TRIGRAMS` | open-addressing table of 10-byte slots: key u64, logp u16 |
//! | `SURFACE` | `fst::Map` of case-kept surface forms to counts |
//! | `META` | UTF-8 JSON describing how the model was trained |
//!
//! N-gram keys pack word ids in 21 bits each (`w1 << 42 | w2 << 21 | w3`) with bit 63 set for an
//! occupied slot; bigram keys carry the context's best continuation id in bits 42..63.
//! Log-probabilities (base 10) are quantised as `round(-logp * QSCALE)` in a `u16`.

/// First eight bytes of every model file.
pub const MAGIC: [u8; 8] = *b"SPINLM\x00\x01";
/// Format version this build reads and writes.
pub const VERSION: u32 = 1;
/// Identifier of the normalisation ([`crate::tokenize::normalize`] plus the LM unit rules in
/// [`super::units`]); bump when either changes meaning.
pub const NORM_ID: u32 = 1;
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
pub const VOCAB_REC: usize = 12;
/// Unigram record size.
pub const UNI_REC: usize = 16;
/// Bigram slot size.
pub const BI_REC: usize = 16;
/// Trigram slot size.
pub const TRI_REC: usize = 10;

/// Bits per word id in packed keys.
pub const ID_BITS: u32 = 21;
/// Largest vocabulary a model can hold.
pub const MAX_VOCAB: usize = (1 << ID_BITS) - 1;
/// Mask of one id.
pub const ID_MASK: u64 = (1 << ID_BITS) - 1;
/// Occupied-slot marker.
pub const OCCUPIED: u64 = 1 << 63;
/// Mask of a packed bigram (two ids).
pub const BI_MASK: u64 = (1 << (2 * ID_BITS)) - 1;

/// Flag in a bigram slot's last u16: the bigram is the context of stored trigrams.
pub const BI_HAS_TRIGRAMS: u16 = 1;

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
}

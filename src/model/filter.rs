//! Key filters for the n-gram tables: one bit per class of hash values, set for every stored
//! key, so a look-up whose bit is clear knows the key is absent without probing the table.
//!
//! A third of the bigrams and about half of the trigrams a text asks for are not stored, and
//! at the tables' 0.7 load an absent key is found absent only after about six linear probes
//! (one or two cache lines of a table of megabytes). A filter of about eight bits per table
//! slot (a few hundred kilobytes, which stay in the core's cache) answers most of those with
//! one bit; the rest (about one in ten) probe as before. The filter never answers "absent" for
//! a stored key, so every look-up returns what the table alone returns.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::format::{BI_MASK, TRI_FP_BITS, mix64, rec_u64, record};

/// Bits per table slot (rounded up to a power of two in all).
const BITS_PER_SLOT: usize = 8;

/// Units a model scores before its filters are built: building reads every table once (a few
/// milliseconds for the embedded models), which a short input would not win back.
pub(crate) const FILTER_AFTER_UNITS: u64 = 100_000;

/// A set of hash classes: bit `h & mask` is set for every stored key's hash `h`.
#[derive(Debug)]
pub(crate) struct KeyFilter {
    words: Box<[u64]>,
    mask: u64,
}

impl KeyFilter {
    /// A filter over `slots` table slots holding the hashes `hs`.
    pub(crate) fn build(slots: usize, hs: impl Iterator<Item = u64>) -> KeyFilter {
        let bits = slots.saturating_mul(BITS_PER_SLOT).next_power_of_two().max(64);
        let mut words = vec![0u64; bits / 64].into_boxed_slice();
        let mask = bits as u64 - 1;
        for h in hs {
            let i = h & mask;
            if let Some(w) = words.get_mut((i >> 6) as usize) {
                *w |= 1 << (i & 63);
            }
        }
        KeyFilter { words, mask }
    }

    /// False when no key of hash `h` is stored; true when one may be.
    #[inline(always)]
    pub(crate) fn may_hold(&self, h: u64) -> bool {
        let i = h & self.mask;
        self.words.get((i >> 6) as usize).is_none_or(|w| (w >> (i & 63)) & 1 != 0)
    }

    /// Brings the word holding `h`'s bit towards the cache (a hint: no effect on results).
    #[inline(always)]
    pub(crate) fn prefetch(&self, h: u64) {
        if let Some(w) = self.words.get(((h & self.mask) >> 6) as usize) {
            super::prefetch_ref(w);
        }
    }
}

/// The filters of a model's bigram table (by `mix64` of the key) and trigram table (by the
/// slot's fingerprint, the low [`TRI_FP_BITS`] bits of the key's hash: what a look-up compares).
#[derive(Debug)]
pub(crate) struct Filters {
    pub bi: KeyFilter,
    pub tri: KeyFilter,
}

impl Filters {
    /// The filters of a bigram table of `rec`-byte slots whose first 8 bytes hold the key under
    /// `key_bits` (an empty slot reads `empty`), and of a trigram table of 8-byte slots.
    pub(crate) fn build<const REC: usize>(
        bigrams: &[u8],
        key_bits: u64,
        empty: u64,
        trigrams: &[u8],
    ) -> Filters {
        let bi_slots = bigrams.len() / REC;
        let bi = KeyFilter::build(
            bi_slots,
            (0..bi_slots).filter_map(|i| {
                let k = rec_u64(record::<REC>(bigrams, REC * i)?, 0) & key_bits;
                (k != empty).then(|| mix64(k & BI_MASK))
            }),
        );
        const FP_MASK: u64 = (1 << TRI_FP_BITS) - 1;
        let tri_slots = trigrams.len() / 8;
        let tri = KeyFilter::build(
            tri_slots,
            (0..tri_slots).filter_map(|i| {
                let k = rec_u64(record::<8>(trigrams, 8 * i)?, 0);
                (k != 0).then_some(k & FP_MASK)
            }),
        );
        Filters { bi, tri }
    }
}

/// A model's filters, built once it has scored [`FILTER_AFTER_UNITS`] units.
#[derive(Debug, Default)]
pub(crate) struct LazyFilters {
    scored: AtomicU64,
    filters: OnceLock<Filters>,
}

impl LazyFilters {
    /// The filters, when built.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<&Filters> {
        self.filters.get()
    }

    /// Counts `units` more units scored, building the filters with `build` once the count
    /// reaches [`FILTER_AFTER_UNITS`]; the filters when built.
    pub(crate) fn after(&self, units: u64, build: impl FnOnce() -> Filters) -> Option<&Filters> {
        if let Some(f) = self.filters.get() {
            return Some(f);
        }
        if self.scored.fetch_add(units, Ordering::Relaxed).saturating_add(units) < FILTER_AFTER_UNITS {
            return None;
        }
        Some(self.filters.get_or_init(build))
    }
}

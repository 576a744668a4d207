//! The reference language model: a trigram model (interpolated modified Kneser-Ney) over
//! normalised word units, a case-kept surface vocabulary, and each context's most likely
//! continuation (for contextual-substitution evidence).
//!
//! A model is one byte buffer in the layout of [`mod@format`]; opening it validates the header and
//! the section bounds and copies nothing, so the embedded default opens in microseconds.
//! [`train`] builds the bytes from text.

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU32;

use serde::Serialize;

use crate::lexicon::{LetterTrigrams, NameIndex, SlipIndex};
#[cfg(test)]
use lexicon::{SURFACE_FST_LOOKUPS, near_misses_1, near_misses_automaton};
use surface::SurfaceTable;

mod contrast;
mod filter;
pub mod format;
mod lexicon;
mod sequences;
mod surface;
pub mod train;
pub mod units;

pub use contrast::ContrastModel;
pub use sequences::{NOT_SCORED, Scored, resolve_and_score};

use format::*;

/// Why a model could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not a spinscore model.
    #[error("not a spinscore model (bad magic)")]
    Format,
    /// A spinscore model of another format version.
    #[error(
        "format version {got}, this build reads version {expected}: rebuild the file (a model with `spinscore train`, the synonym table with scripts/build_synonyms.sh; models/README.md)"
    )]
    Version {
        /// The version this build reads.
        expected: u32,
        /// The file's version.
        got: u32,
    },
    /// Trained with another normalisation than this build applies.
    #[error("model normalisation {got}, this build uses {expected}")]
    Normalization {
        /// This build's normalisation id.
        expected: u32,
        /// The file's.
        got: u32,
    },
    /// The file is shorter than its header says.
    #[error("model file truncated: needs {needed} bytes, has {got}")]
    Truncated {
        /// Bytes the header requires.
        needed: u64,
        /// Bytes present.
        got: u64,
    },
    /// The content does not match the header's checksum.
    #[error("model checksum mismatch: header says {expected:016x}, content gives {got:016x}")]
    ChecksumMismatch {
        /// Checksum stored in the header.
        expected: u64,
        /// Checksum of the content.
        got: u64,
    },
    /// A contrast-only model where a full one is needed.
    #[error(
        "a contrast-only model (trained with --contrast-only) cannot be the reference model: give it as the round-trip model"
    )]
    ContrastOnly,
    /// A section is inconsistent with the header.
    #[error("corrupt model: {0}")]
    Corrupt(String),
}

/// Bytes a table is opened over: borrowed from the binary or owned (a file read).
pub(crate) enum Bytes {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl Bytes {
    #[inline(always)]
    pub(crate) fn get(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned(v) => v,
        }
    }
}

/// A reference language model, opened from bytes.
pub struct Model {
    bytes: Bytes,
    /// The parsed header: sections, sizes, table slots, counts, checksum.
    h: Header,
    bi_slots: usize,
    quartiles: OnceLock<[f32; 3]>,
    /// The surface fst as a hash table (about 40,000 forms), built once
    /// [`SURFACE_FST_LOOKUPS`](lexicon::SURFACE_FST_LOOKUPS) look-ups have been answered from the fst or at the first
    /// [`Lexicon::name_index`](crate::lexicon::Lexicon::name_index): a hash probe instead of an fst walk per look-up.
    surfaces: OnceLock<SurfaceTable>,
    /// [`Lexicon::surface_count`](crate::lexicon::Lexicon::surface_count) calls answered from the fst so far.
    surface_lookups: AtomicU32,
    /// The frequent capitalised surface forms by phonetic key, built from `surfaces` at the
    /// first [`Lexicon::name_index`](crate::lexicon::Lexicon::name_index) (a few thousand forms).
    names: OnceLock<NameIndex>,
    slips: OnceLock<SlipIndex>,
    /// Letter-trigram counts of the surface forms, built from `surfaces` at the first
    /// [`Lexicon::letter_trigrams`](crate::lexicon::Lexicon::letter_trigrams).
    letters: OnceLock<LetterTrigrams>,
    /// The bigram and trigram tables' key filters, built once enough units were scored.
    filters: filter::LazyFilters,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("info", &self.info()).finish()
    }
}

/// What a model is: its header figures and training metadata.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// Format version.
    pub version: u32,
    /// N-gram order.
    pub order: u32,
    /// Normalisation id.
    pub normalization: u32,
    /// Vocabulary size (normalised units, including `<unk>`, `<s>`, `</s>`).
    pub vocab: u64,
    /// Stored bigrams.
    pub bigrams: u64,
    /// Stored trigrams.
    pub trigrams: u64,
    /// Case-kept surface forms.
    pub surface_forms: u64,
    /// Tokens the model was trained on.
    pub total_tokens: u64,
    /// File size.
    pub bytes: u64,
    /// Content checksum from the header.
    pub checksum: u64,
    /// Training metadata (JSON).
    pub meta: String,
}

/// A unigram record.
#[derive(Debug, Clone, Copy)]
pub struct Unigram {
    /// Raw training count.
    pub count: u32,
    /// log10 P(w) (smoothed).
    pub logp: f32,
    /// log10 backoff weight of `w` as a context.
    pub backoff: f32,
    /// log10 P of the most likely word after `w` (`-inf` if none stored).
    pub best_logp: f32,
    /// log10 of the relative frequency `count / total` (the rarity normaliser).
    pub freq: f32,
    /// That word's id.
    pub best: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bigram {
    has_trigrams: bool,
    logp: f32,
    backoff: f32,
    best_logp: f32,
    best: u32,
}

/// A position of a sequence with its neighbours fixed, for scoring candidate words in it
/// ([`Model::slot`]).
#[derive(Debug, Clone)]
pub struct Slot {
    u: u32,
    v: u32,
    n1: Option<u32>,
    n2: Option<u32>,
    /// The left context is two words (else the slot is second, after `<s>` only).
    left3: bool,
    uv: Option<Bigram>,
    v_backoff: f32,
    n1_logp: f32,
    /// [`Model::logp2`] of `(n1, n2)`, once asked for.
    n12: std::cell::Cell<Option<f32>>,
}

/// A word tried in a [`Slot`]: the records [`Model::slot_mid`] and [`Model::slot_right`] share
/// with [`Model::slot_left`].
#[derive(Debug, Clone, Copy)]
pub struct SlotWord {
    w: u32,
    backoff: f32,
    vw: Option<Bigram>,
    wn1: Option<Bigram>,
}

/// The score of one unit in its context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitProb {
    /// log10 P(w | two previous units).
    pub logp: f32,
    /// log10 of w's relative frequency in the training text (the rarity normaliser).
    pub unigram: f32,
    /// log10 P of the continuation the longest stored context predicts best.
    pub ctx_best_logp: f32,
    /// Its id (meaningless when `ctx_best_logp` is `-inf`).
    pub ctx_best: u32,
    /// Longest n-gram found: 1, 2 or 3.
    pub hit: u8,
    /// Training count of w.
    pub count: u32,
}

/// How many units ahead [`Model::score_sequence`] prefetches table slots.
const PREFETCH_AHEAD: usize = 4;

/// A cache hint for the memory of `r` (no effect on results; nothing off x86-64).
#[inline(always)]
pub(crate) fn prefetch_ref<T: ?Sized>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint that never faults or changes memory, and SSE is part of
        // the x86-64 baseline; the pointer comes from a live reference anyway.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((r as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// The context of unit `k` of the sequence `next` for a cache hint: `(u, v, w)` with `u` missing
/// for the second unit (scored on its bigram); `None` for the first unit (the sentence start,
/// which is not scored) and past the end.
#[inline(always)]
fn ahead_in_next(next: &[u32], k: usize) -> Option<(Option<u32>, u32, u32)> {
    let w = *next.get(k)?;
    let v = *next.get(k.checked_sub(1)?)?;
    Some((k.checked_sub(2).and_then(|i| next.get(i).copied()), v, w))
}

/// Gives `hint` the unit [`PREFETCH_AHEAD`] after unit `j` of `ids` as `(u, v, w)`: in `ids`,
/// or else in `next`, the sequence scored next ([`ahead_in_next`]).
#[inline(always)]
pub(super) fn unit_ahead(ids: &[u32], next: &[u32], j: usize, hint: impl FnOnce(Option<u32>, u32, u32)) {
    match ids.get(j + PREFETCH_AHEAD) {
        Some(&wa) => hint(Some(ids[j + PREFETCH_AHEAD - 2]), ids[j + PREFETCH_AHEAD - 1], wa),
        None => {
            if let Some((u, v, w)) = ahead_in_next(next, j + PREFETCH_AHEAD - ids.len()) {
                hint(u, v, w);
            }
        }
    }
}

/// A cache hint for byte `o` of `s` (nothing when out of range or off x86-64).
#[inline(always)]
fn prefetch(s: &[u8], o: usize) {
    #[cfg(target_arch = "x86_64")]
    if o < s.len() {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint that never faults or changes memory, and SSE is part of
        // the x86-64 baseline; the pointer is in bounds anyway.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(s[o..].as_ptr().cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (s, o);
}

/// A model's tables, sliced once for a run of look-ups and hints over many units, with its key
/// filters as they were when sliced ([`Model`] and [`ContrastModel`] differ in their records'
/// sizes, `UNI` and `BI` bytes, and in what they read of them). The model's sections sit
/// behind interior mutability (its lazily built indexes), so a loop that slices them per
/// look-up re-reads and re-checks every bound each time; a view of plain slices does not.
pub(super) struct UnitTables<'a, const UNI: usize, const BI: usize> {
    pub(super) uni: &'a [u8],
    pub(super) bi: &'a [u8],
    pub(super) tri: &'a [u8],
    vocab_table: &'a [u8],
    pub(super) vocab: usize,
    vocab_slots: usize,
    pub(super) bi_slots: usize,
    tri_slots: usize,
    pub(super) filters: Option<&'a filter::Filters>,
}

impl<'a, const UNI: usize, const BI: usize> UnitTables<'a, UNI, BI> {
    /// The tables of a model of either kind: its `bytes`, their header `h`, its bigram table's
    /// slots and its filters (the fields both models have).
    #[inline(always)]
    pub(super) fn of(
        bytes: &'a [u8],
        h: &Header,
        bi_slots: usize,
        filters: Option<&'a filter::Filters>,
    ) -> Self {
        let section = |i: usize| {
            let (a, b) = h.sec[i];
            &bytes[a..b]
        };
        UnitTables {
            uni: section(UNIGRAMS),
            bi: section(BIGRAMS),
            tri: section(TRIGRAMS),
            vocab_table: section(VOCAB_HASH),
            vocab: h.vocab,
            vocab_slots: h.vocab_slots,
            bi_slots,
            tri_slots: h.tri_slots,
            filters,
        }
    }

    /// The id of the word whose [`vocab_hash`] is `h` ([`UNK`] when unknown).
    #[inline(always)]
    pub(super) fn word_id(&self, h: u64) -> u32 {
        vocab_lookup(self.vocab_table, self.vocab_slots, h)
    }

    /// The cache hint for the home slot of a word whose [`vocab_hash`] is `h`.
    #[inline(always)]
    pub(super) fn prefetch_word(&self, h: u64) {
        prefetch(self.vocab_table, VOCAB_REC * home(h, self.vocab_slots));
    }

    /// The quantised-then-dequantised logp of trigram `(u, v, w)`, if stored, given the key's
    /// hash `h` (`mix64` of the key, as [`UnitHash::tri`] holds it) when at hand.
    #[inline(always)]
    pub(super) fn trigram_hashed(&self, u: u32, v: u32, w: u32, h: Option<u64>) -> Option<f32> {
        let h = h.unwrap_or_else(|| mix64(tri_key(u, v, w)));
        trigram_lookup_hashed(self.tri, self.tri_slots, h, self.filters.map(|f| &f.tri))
    }

    /// The unit hint without the key filters: the unigram record of `w` and the home slots of
    /// bigram `(v, w)` and, given `u`, of trigram `(u, v, w)`. A hint only: no effect on
    /// results.
    #[inline(always)]
    pub(super) fn prefetch_unit_plain(&self, u: Option<u32>, v: u32, w: u32) {
        // Without filters the context's hash is never asked for.
        self.prefetch_unit_with(None, u.map(|u| (u, 0)), v, w);
    }

    /// The unit hint with the key filters (when built): the trigram slot is left out when the
    /// filter holds no bigram of hash `h_uv` (the context `(u, v)`: an unstored context has no
    /// trigrams, so the look-up never comes), and the filter words of `(v, w)` (for the next
    /// unit's call and the look-up) and of the trigram (for its look-up) are asked for. Returns
    /// the keys' hashes, for the unit's scoring ([`Model::seq_step_hashed`]); the bigram's is
    /// the next unit's `h_uv`. A hint only: no effect on results.
    #[inline(always)]
    pub(super) fn prefetch_unit(&self, u: Option<(u32, u64)>, v: u32, w: u32) -> UnitHash {
        self.prefetch_unit_with(self.filters, u, v, w)
    }

    /// The unit hint with filters `f` (none: every slot asked for, as without filters).
    #[inline(always)]
    fn prefetch_unit_with(
        &self,
        f: Option<&filter::Filters>,
        u: Option<(u32, u64)>,
        v: u32,
        w: u32,
    ) -> UnitHash {
        let wi = if (w as usize) < self.vocab { w as usize } else { UNK as usize };
        prefetch(self.uni, UNI * wi);
        let hb = mix64(bi_key(v, w));
        prefetch(self.bi, BI * home(hb, self.bi_slots));
        if let Some(f) = f {
            f.bi.prefetch(hb);
        }
        let mut tri = None;
        if let Some((u, h_uv)) = u
            && f.is_none_or(|f| f.bi.may_hold(h_uv))
        {
            let ht = mix64(tri_key(u, v, w));
            prefetch(self.tri, TRI_REC * home(ht, self.tri_slots));
            if let Some(f) = f {
                f.tri.prefetch(tri_fp(ht));
            }
            tri = Some(ht);
        }
        UnitHash { bi: hb, tri }
    }
}

/// The hashes (`mix64` of the keys) a unit's look-ups start from, computed by its cache hint
/// ([`UnitTables::prefetch_unit`]) and passed on to its scoring, which need not compute them
/// again.
#[derive(Clone, Copy, Default)]
pub(super) struct UnitHash {
    /// Of bigram `(v, w)`.
    pub bi: u64,
    /// Of trigram `(u, v, w)`, when the hint computed it.
    pub tri: Option<u64>,
}

static EMBEDDED_BYTES: &[u8] = include_bytes!("../../models/default.spinlm");

impl Model {
    /// The default model embedded in the binary (opened once, on first use).
    ///
    /// # Panics
    /// If the embedded bytes are not a valid model: a build defect, not an input error.
    pub fn embedded() -> &'static Model {
        static M: OnceLock<Model> = OnceLock::new();
        M.get_or_init(|| {
            Model::from_static(EMBEDDED_BYTES)
                .unwrap_or_else(|e| panic!("embedded model models/default.spinlm is invalid: {e}"))
        })
    }

    /// Opens a model over borrowed static bytes (no copy).
    pub fn from_static(bytes: &'static [u8]) -> Result<Model, ModelError> {
        Model::open(Bytes::Static(bytes))
    }

    /// Opens a model over owned bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Model, ModelError> {
        Model::open(Bytes::Owned(bytes))
    }

    /// Reads and opens a model file.
    pub fn open_path(path: impl AsRef<Path>) -> crate::Result<Model> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        Ok(Model::from_bytes(bytes)?)
    }

    fn open(bytes: Bytes) -> Result<Model, ModelError> {
        let b = bytes.get();
        let h = Header::parse(b)?;
        if h.kind != KIND_FULL {
            return Err(ModelError::ContrastOnly);
        }
        let (sec, vocab) = (h.sec, h.vocab);
        let len = |i: usize| sec[i].1 - sec[i].0;
        if len(OFFSETS) != 4 * (vocab + 1) {
            return Err(ModelError::Corrupt("vocabulary offsets size".into()));
        }
        if len(UNIGRAMS) != UNI_REC * vocab {
            return Err(ModelError::Corrupt("unigram table size".into()));
        }
        // Offsets must rise within the strings section: checked once here so lookups can slice.
        let offs = &b[sec[OFFSETS].0..sec[OFFSETS].1];
        let strings_len = len(STRINGS);
        let mut prev = 0u32;
        for i in 0..=vocab {
            let o = u32_at(offs, 4 * i);
            if o < prev || o as usize > strings_len || (i == 0 && o != 0) {
                return Err(ModelError::Corrupt("vocabulary offsets out of order".into()));
            }
            prev = o;
        }
        if prev as usize != strings_len {
            return Err(ModelError::Corrupt("vocabulary strings size".into()));
        }
        if std::str::from_utf8(&b[sec[STRINGS].0..sec[STRINGS].1]).is_err() {
            return Err(ModelError::Corrupt("vocabulary is not UTF-8".into()));
        }
        let bi_slots = table_slots(&sec, BIGRAMS, BI_REC, "bigram")?;
        // fst trusts its bytes when searching, so its own checksum (CRC32C, about 0.1 ms for
        // the default model's surface map) is checked at open.
        match fst::Map::new(&b[sec[SURFACE].0..sec[SURFACE].1]) {
            Ok(m) if m.as_fst().verify().is_ok() => {}
            _ => {
                return Err(ModelError::Corrupt("surface vocabulary is not a valid fst map".into()));
            }
        }
        let m = Model {
            h,
            bi_slots,
            quartiles: OnceLock::new(),
            surfaces: OnceLock::new(),
            surface_lookups: AtomicU32::new(0),
            names: OnceLock::new(),
            slips: OnceLock::new(),
            letters: OnceLock::new(),
            filters: filter::LazyFilters::default(),
            bytes,
        };
        Ok(m)
    }

    /// Checks the content against the header's checksum (reads the whole file).
    pub fn verify(&self) -> Result<(), ModelError> {
        self.h.verify(self.bytes.get())
    }

    /// One line naming the model: order, sizes and checksum.
    pub fn describe(&self) -> String {
        let i = self.info();
        format!(
            "order {} model, {} units, {} bigrams, {} trigrams, {} training tokens, checksum {:016x}",
            i.order, i.vocab, i.bigrams, i.trigrams, i.total_tokens, i.checksum
        )
    }

    /// Header facts: version, order, counts, checksum, training metadata.
    pub fn info(&self) -> ModelInfo {
        self.h.info(self.bytes.get())
    }

    #[inline(always)]
    fn section(&self, i: usize) -> &[u8] {
        let (a, b) = self.h.sec[i];
        &self.bytes.get()[a..b]
    }

    /// Unigram log10-probability bounds of the frequency quartiles (by token mass): a unit with
    /// `logp >= q[0]` is among the most frequent words that make up a quarter of running text,
    /// `q[1] <= logp < q[0]` the second quarter, and so on (the QuEst frequency quartiles).
    pub fn freq_quartiles(&self) -> [f32; 3] {
        *self.quartiles.get_or_init(|| {
            let mut v: Vec<(u32, f32)> = (SPECIALS.len() as u32..self.h.vocab as u32)
                .map(|id| {
                    let u = self.unigram(id);
                    (u.count, u.freq)
                })
                .collect();
            v.sort_by_key(|x| std::cmp::Reverse(x.0));
            let total: u64 = v.iter().map(|x| x.0 as u64).sum();
            let mut q = [f32::NEG_INFINITY; 3];
            let mut acc = 0u64;
            let mut k = 0;
            for (c, lp) in v {
                acc += c as u64;
                while k < 3 && acc * 4 >= total * (k as u64 + 1) {
                    q[k] = lp;
                    k += 1;
                }
            }
            q
        })
    }

    /// Vocabulary size (including the reserved ids).
    pub fn vocab_size(&self) -> usize {
        self.h.vocab
    }

    /// The id of a normalised unit ([`UNK`] when unknown).
    #[inline]
    pub fn word_id(&self, norm: &str) -> u32 {
        self.word_id_hashed(vocab_hash(norm.as_bytes()))
    }

    /// The cache hint for the home slot of a word whose [`vocab_hash`] is `h` (no effect on
    /// results): callers that know several words ahead overlap their table misses.
    #[inline]
    pub fn prefetch_word(&self, h: u64) {
        self.tables().prefetch_word(h);
    }

    /// [`Model::word_id`] of a normalised unit given as bytes.
    #[inline]
    pub fn word_id_bytes(&self, norm: &[u8]) -> u32 {
        self.word_id_hashed(vocab_hash(norm))
    }

    /// True if this is the default model (the embedded one's content checksum): tables built
    /// against it, such as the synonym table's frequency order, hold exactly.
    pub fn is_default(&self) -> bool {
        self.h.checksum == u64_at(EMBEDDED_BYTES, field::CHECKSUM)
    }

    /// [`Model::word_id`] of the word whose [`vocab_hash`] is `h`.
    #[inline]
    pub fn word_id_hashed(&self, h: u64) -> u32 {
        vocab_lookup(self.section(VOCAB_HASH), self.h.vocab_slots, h)
    }

    #[inline]
    fn word_bytes(&self, id: u32) -> &[u8] {
        let id = id as usize;
        if id >= self.h.vocab {
            return b"";
        }
        let offs = self.section(OFFSETS);
        // Offsets were validated at open as rising and within the strings section.
        let a = u32_at(offs, 4 * id) as usize;
        let b = u32_at(offs, 4 * id + 4) as usize;
        &self.section(STRINGS)[a..b]
    }

    /// The normalised unit of an id ("" when out of range).
    pub fn word(&self, id: u32) -> &str {
        // The section was validated as UTF-8; a boundary inside a character still gives "".
        std::str::from_utf8(self.word_bytes(id)).unwrap_or("")
    }

    /// The unigram record of an id (`<unk>`'s for out-of-range ids).
    #[inline]
    pub fn unigram(&self, id: u32) -> Unigram {
        unigram_in(self.section(UNIGRAMS), self.h.vocab, id)
    }

    #[inline(always)]
    fn bigram(&self, v: u32, w: u32) -> Option<Bigram> {
        bigram_in(self.section(BIGRAMS), self.bi_slots, self.filters.get(), v, w)
    }

    #[inline]
    fn trigram(&self, u: u32, v: u32, w: u32) -> Option<f32> {
        let f = self.filters.get().map(|f| &f.tri);
        trigram_lookup_filtered(self.section(TRIGRAMS), self.h.tri_slots, tri_key(u, v, w), f)
    }

    /// Builds the bigram and trigram filters once `units` more units scored make
    /// [`filter::FILTER_AFTER_UNITS`] (look-ups give the same answers with or without them).
    pub(crate) fn count_scored(&self, units: u64) {
        self.filters.after(units, || {
            filter::Filters::build::<BI_REC>(
                self.section(BIGRAMS),
                u64::MAX,
                BI_EMPTY,
                self.section(TRIGRAMS),
            )
        });
    }

    /// True if the model stores the bigram (v, w) (seen at least the training's minimum count).
    pub fn has_bigram(&self, v: u32, w: u32) -> bool {
        self.bigram(v, w).is_some()
    }

    /// log10 P(w | v) with the model's backoff.
    pub fn logp2(&self, v: u32, w: u32) -> f32 {
        match self.bigram(v, w) {
            Some(b) => b.logp,
            None => self.unigram(v).backoff + self.unigram(w).logp,
        }
    }

    /// log10 P(w | u v) with the model's backoff (as [`Model::score_sequence`] gives for `w`
    /// after `u v`).
    pub fn logp3(&self, u: u32, v: u32, w: u32) -> f32 {
        let p2 = self.logp2(v, w);
        match self.bigram(u, v) {
            Some(ctx) => match ctx.has_trigrams.then(|| self.trigram(u, v, w)).flatten() {
                Some(p3) => p3,
                None => ctx.backoff + p2,
            },
            None => p2,
        }
    }

    /// The surface table ([`Model::surface_table`]), built at the first call.
    fn surface_map(&self) -> &SurfaceTable {
        self.surfaces.get_or_init(|| self.surface_table())
    }

    /// [`Model::logp3`] from its parts: `uv` the bigram record of `(u, v)` and `p2` the
    /// [`Model::logp2`] of `(v, w)`.
    #[inline]
    fn logp3_from(&self, u: u32, v: u32, w: u32, uv: Option<Bigram>, p2: f32) -> f32 {
        match uv {
            Some(ctx) => match ctx.has_trigrams.then(|| self.trigram(u, v, w)).flatten() {
                Some(p3) => p3,
                None => ctx.backoff + p2,
            },
            None => p2,
        }
    }

    /// The slot at `ids[j]` (`j >= 1`) for trying other words in it: the records of its
    /// fixed neighbours are looked up once, not once per word tried.
    pub fn slot(&self, ids: &[u32], j: usize) -> Slot {
        let (u, v) = (ids[j.saturating_sub(2)], ids[j - 1]);
        let (n1, n2) = (ids.get(j + 1).copied(), ids.get(j + 2).copied());
        Slot {
            u,
            v,
            n1,
            n2,
            left3: j >= 2,
            uv: if j >= 2 { self.bigram(u, v) } else { None },
            v_backoff: self.unigram(v).backoff,
            n1_logp: n1.map_or(0.0, |n| self.unigram(n).logp),
            n12: std::cell::Cell::new(None),
        }
    }

    /// The left score of `w` (whose unigram record is `uw`) in `slot`: [`Model::logp3`]`(u, v,
    /// w)`, or [`Model::logp2`]`(v, w)` at the second position, exactly as those give it.
    pub fn slot_left(&self, slot: &Slot, w: u32, uw: &Unigram) -> (f32, SlotWord) {
        let vw = self.bigram(slot.v, w);
        let p2 = match vw {
            Some(b) => b.logp,
            None => slot.v_backoff + uw.logp,
        };
        let left = if slot.left3 { self.logp3_from(slot.u, slot.v, w, slot.uv, p2) } else { p2 };
        (left, SlotWord { w, backoff: uw.backoff, vw, wn1: None })
    }

    /// Brings the table slots [`Model::slot_left`] reads for `w` in `slot` towards the cache (a
    /// hint: no effect on results), so a caller trying several words overlaps their misses.
    #[inline]
    pub fn prefetch_slot_left(&self, slot: &Slot, w: u32) {
        prefetch(self.section(BIGRAMS), BI_REC * home(mix64(bi_key(slot.v, w)), self.bi_slots));
        if slot.left3 && slot.uv.is_some_and(|b| b.has_trigrams) {
            prefetch(
                self.section(TRIGRAMS),
                TRI_REC * home(mix64(tri_key(slot.u, slot.v, w)), self.h.tri_slots),
            );
        }
    }

    /// Brings the table slots [`Model::slot_mid`] reads for the word of [`Model::slot_left`]
    /// towards the cache (a hint: no effect on results).
    #[inline]
    pub fn prefetch_slot_mid(&self, slot: &Slot, sw: &SlotWord) {
        if let Some(n1) = slot.n1 {
            prefetch(self.section(BIGRAMS), BI_REC * home(mix64(bi_key(sw.w, n1)), self.bi_slots));
            if sw.vw.is_some_and(|b| b.has_trigrams) {
                prefetch(
                    self.section(TRIGRAMS),
                    TRI_REC * home(mix64(tri_key(slot.v, sw.w, n1)), self.h.tri_slots),
                );
            }
        }
    }

    /// [`Model::logp3`]`(v, w, n1)` for the word of [`Model::slot_left`] (`None` when the slot
    /// is last).
    pub fn slot_mid(&self, slot: &Slot, sw: &mut SlotWord) -> Option<f32> {
        let n1 = slot.n1?;
        let wn1 = self.bigram(sw.w, n1);
        let p2 = match wn1 {
            Some(b) => b.logp,
            None => sw.backoff + slot.n1_logp,
        };
        sw.wn1 = wn1;
        Some(self.logp3_from(slot.v, sw.w, n1, sw.vw, p2))
    }

    /// [`Model::logp3`]`(w, n1, n2)` after [`Model::slot_mid`] (`None` when the slot has fewer
    /// than two words after it).
    pub fn slot_right(&self, slot: &Slot, sw: &SlotWord) -> Option<f32> {
        let (n1, n2) = (slot.n1?, slot.n2?);
        let p2 = match slot.n12.get() {
            Some(p) => p,
            None => {
                let p = self.logp2(n1, n2);
                slot.n12.set(Some(p));
                p
            }
        };
        Some(self.logp3_from(sw.w, n1, n2, sw.wn1, p2))
    }

    /// [`Lexicon::surface_count`](crate::lexicon::Lexicon::surface_count) from the fst, without the table.
    fn surface_count_fst(&self, surface: &str) -> u64 {
        fst::Map::new(self.section(SURFACE)).ok().and_then(|m| m.get(surface)).unwrap_or(0)
    }

    /// Every surface form of the fst with its count (keys that are not UTF-8 cannot be asked
    /// for by a `&str`, so they are left out).
    fn surface_table(&self) -> SurfaceTable {
        match fst::Map::new(self.section(SURFACE)) {
            Ok(map) => SurfaceTable::from_fst(&map),
            Err(_) => SurfaceTable::default(),
        }
    }

    /// This model's tables and key filters, sliced once for a run of look-ups and hints.
    #[inline(always)]
    pub(super) fn tables(&self) -> UnitTables<'_, UNI_REC, BI_REC> {
        UnitTables::of(self.bytes.get(), &self.h, self.bi_slots, self.filters.get())
    }

    /// Scores each unit of `ids` after the first (normally `[BOS, w1, ..., wn, EOS]`), appending
    /// one [`UnitProb`] per unit to `out`.
    pub fn score_sequence(&self, ids: &[u32], out: &mut Vec<UnitProb>) {
        self.score_sequence_then(ids, &[], out);
    }

    /// [`Model::score_sequence`] of `ids`, exactly, that also brings the first units of `next`
    /// (the sequence the caller scores next) towards the cache during its last units, so that
    /// sequence does not start cold. `next` only moves cache hints, never results.
    pub fn score_sequence_then(&self, ids: &[u32], next: &[u32], out: &mut Vec<UnitProb>) {
        let Some(&first) = ids.first() else { return };
        let t = self.tables();
        let mut st = Self::seq_start(&t, first);
        out.reserve(ids.len().saturating_sub(1));
        for j in 1..ids.len() {
            // The tables are megabytes: ask for the slots a few units ahead now, so their cache
            // misses overlap instead of coming one after another (the unit [`PREFETCH_AHEAD`]
            // further on, in `ids` or else in `next`).
            unit_ahead(ids, next, j, |u, v, w| t.prefetch_unit_plain(u, v, w));
            out.push(Self::seq_step(&t, &mut st, ids, j));
        }
    }

    /// The scoring state at the start of a sequence whose first unit is `first`, on tables `t`.
    #[inline(always)]
    pub(super) fn seq_start(t: &UnitTables<'_, UNI_REC, BI_REC>, first: u32) -> SeqState {
        SeqState { prev_bi: None, uv: unigram_in(t.uni, t.vocab, first) }
    }

    /// The score of unit `j >= 1` of `ids`, given the state after units `..j` (updated to
    /// include `j`): one step of [`Model::score_sequence`], on tables `t`.
    #[inline(always)]
    pub(super) fn seq_step(
        t: &UnitTables<'_, UNI_REC, BI_REC>,
        st: &mut SeqState,
        ids: &[u32],
        j: usize,
    ) -> UnitProb {
        let h = UnitHash { bi: mix64(bi_key(ids[j - 1], ids[j])), tri: None };
        Self::seq_step_hashed(t, st, ids, j, h)
    }

    /// [`Model::seq_step`] given the unit's key hashes `h` (from its cache hint).
    #[inline(always)]
    pub(super) fn seq_step_hashed(
        t: &UnitTables<'_, UNI_REC, BI_REC>,
        st: &mut SeqState,
        ids: &[u32],
        j: usize,
        h: UnitHash,
    ) -> UnitProb {
        let v = ids[j - 1];
        let w = ids[j];
        let uv = st.uv;
        let uw = unigram_in(t.uni, t.vocab, w);
        let bi = bigram_hashed(t.bi, t.bi_slots, t.filters, bi_key(v, w), h.bi);
        let (p2, hit2) = match bi {
            Some(b) => (b.logp, 2),
            None => (uv.backoff + uw.logp, 1),
        };
        let (logp, hit, best_logp, best) = match st.prev_bi {
            Some(ctx) if j >= 2 => {
                let p3 = if ctx.has_trigrams { t.trigram_hashed(ids[j - 2], v, w, h.tri) } else { None };
                match p3 {
                    Some(p3) => (p3, 3, ctx.best_logp, ctx.best),
                    None => (ctx.backoff + p2, hit2, ctx.best_logp, ctx.best),
                }
            }
            _ => (p2, hit2, uv.best_logp, uv.best),
        };
        // A context with no stored continuation falls back to the shorter context's best.
        let (best_logp, best) =
            if best_logp.is_finite() { (best_logp, best) } else { (uv.best_logp, uv.best) };
        // The bigram (u, v) and the unigram v looked up for this unit are the context of the
        // next one.
        st.prev_bi = bi;
        st.uv = uw;
        UnitProb { logp, unigram: uw.freq, count: uw.count, ctx_best_logp: best_logp, ctx_best: best, hit }
    }
}

/// [`Model::score_sequence`]'s state between units: the bigram record of the last two units
/// scored and the unigram record of the last.
#[derive(Clone, Copy)]
pub(super) struct SeqState {
    prev_bi: Option<Bigram>,
    uv: Unigram,
}

/// The header of a model file of either kind, checked against the file's length.
pub(crate) struct Header {
    pub kind: u32,
    pub sec: [(usize, usize); N_SECTIONS],
    pub order: u32,
    pub vocab: usize,
    pub vocab_slots: usize,
    pub tri_slots: usize,
    pub total_tokens: u64,
    pub n_bigrams: u64,
    pub n_trigrams: u64,
    pub n_surface: u64,
    pub checksum: u64,
}

impl Header {
    /// Checks magic, version, normalisation, order and section bounds, and the sections both
    /// kinds share (vocabulary table, trigram table, metadata).
    pub(crate) fn parse(b: &[u8]) -> Result<Header, ModelError> {
        if b.len() < MAGIC.len() || b[..MAGIC.len()] != MAGIC {
            return Err(ModelError::Format);
        }
        if b.len() < HEADER_LEN {
            return Err(ModelError::Truncated { needed: HEADER_LEN as u64, got: b.len() as u64 });
        }
        let version = u32_at(b, field::VERSION);
        if version != VERSION {
            return Err(ModelError::Version { expected: VERSION, got: version });
        }
        let norm = u32_at(b, field::NORM);
        if norm != NORM_ID {
            return Err(ModelError::Normalization { expected: NORM_ID, got: norm });
        }
        let order = u32_at(b, field::ORDER);
        if order != 3 {
            return Err(ModelError::Corrupt(format!("order {order}, this build reads order 3")));
        }
        if u32_at(b, field::N_SECTIONS) as usize != N_SECTIONS {
            return Err(ModelError::Corrupt("wrong number of sections".into()));
        }
        let kind = u32_at(b, field::KIND);
        if kind != KIND_FULL && kind != KIND_CONTRAST {
            return Err(ModelError::Corrupt(format!("model kind {kind}")));
        }
        let mut sec = [(0usize, 0usize); N_SECTIONS];
        let mut needed = HEADER_LEN as u64;
        for (i, s) in sec.iter_mut().enumerate() {
            let off = u64_at(b, SECTION_TABLE + 16 * i);
            let len = u64_at(b, SECTION_TABLE + 16 * i + 8);
            let end =
                off.checked_add(len).ok_or_else(|| ModelError::Corrupt(format!("section {i} overflows")))?;
            if off < HEADER_LEN as u64 {
                return Err(ModelError::Corrupt(format!("section {i} overlaps the header")));
            }
            needed = needed.max(end);
            *s = (off as usize, end as usize);
        }
        if needed > b.len() as u64 {
            return Err(ModelError::Truncated { needed, got: b.len() as u64 });
        }
        let vocab = u64_at(b, field::VOCAB) as usize;
        if vocab < SPECIALS.len() || vocab > MAX_VOCAB {
            return Err(ModelError::Corrupt(format!("vocabulary size {vocab}")));
        }
        let vocab_slots = table_slots(&sec, VOCAB_HASH, VOCAB_REC, "vocabulary")?;
        let tri_slots = table_slots(&sec, TRIGRAMS, TRI_REC, "trigram")?;
        if std::str::from_utf8(&b[sec[META].0..sec[META].1]).is_err() {
            return Err(ModelError::Corrupt("metadata is not UTF-8".into()));
        }
        Ok(Header {
            kind,
            sec,
            order,
            vocab,
            vocab_slots,
            tri_slots,
            total_tokens: u64_at(b, field::TOTAL_TOKENS),
            n_bigrams: u64_at(b, field::BIGRAMS),
            n_trigrams: u64_at(b, field::TRIGRAMS),
            n_surface: u64_at(b, field::SURFACE),
            checksum: u64_at(b, field::CHECKSUM),
        })
    }
}

impl Header {
    /// Checks the content of `bytes` (the file this header was parsed from) against the
    /// header's checksum (reads the whole file).
    pub(crate) fn verify(&self, bytes: &[u8]) -> Result<(), ModelError> {
        let got = checksum(&bytes[HEADER_LEN..]);
        if got != self.checksum {
            return Err(ModelError::ChecksumMismatch { expected: self.checksum, got });
        }
        Ok(())
    }

    /// Header facts of the file `bytes` this header was parsed from.
    pub(crate) fn info(&self, bytes: &[u8]) -> ModelInfo {
        let (a, b) = self.sec[META];
        ModelInfo {
            version: VERSION,
            order: self.order,
            normalization: NORM_ID,
            vocab: self.vocab as u64,
            bigrams: self.n_bigrams,
            trigrams: self.n_trigrams,
            surface_forms: self.n_surface,
            total_tokens: self.total_tokens,
            bytes: bytes.len() as u64,
            checksum: self.checksum,
            meta: String::from_utf8_lossy(&bytes[a..b]).into_owned(),
        }
    }
}

/// The number of `rec`-byte slots of hash-table section `i` (a whole, non-zero number).
pub(crate) fn table_slots(
    sec: &[(usize, usize); N_SECTIONS],
    i: usize,
    rec: usize,
    what: &str,
) -> Result<usize, ModelError> {
    let l = sec[i].1 - sec[i].0;
    if l % rec != 0 || l == 0 {
        return Err(ModelError::Corrupt(format!("{what} table size {l}")));
    }
    Ok(l / rec)
}

/// The unigram record of `id` in a full model's unigram table `table` of `vocab` records
/// (`<unk>`'s for out-of-range ids).
#[inline(always)]
fn unigram_in(table: &[u8], vocab: usize, id: u32) -> Unigram {
    let id = if (id as usize) < vocab { id as usize } else { UNK as usize };
    // In range: the section holds `vocab` records (checked at open); a zero record else.
    let r = record::<UNI_REC>(table, UNI_REC * id).unwrap_or(&[0; UNI_REC]);
    Unigram {
        count: rec_u32(r, 0),
        logp: dequantize(rec_u16(r, 4)),
        backoff: dequantize(rec_u16(r, 6)),
        best_logp: dequantize(rec_u16(r, 8)),
        freq: dequantize(rec_u16(r, 10)),
        best: rec_u32(r, 12),
    }
}

/// The record of bigram `(v, w)` in a full model's bigram table `table` of `slots` slots, if
/// stored; answered `None` without probing when the filters `f` hold no key of its hash.
#[inline(always)]
fn bigram_in(table: &[u8], slots: usize, f: Option<&filter::Filters>, v: u32, w: u32) -> Option<Bigram> {
    let key = bi_key(v, w);
    bigram_hashed(table, slots, f, key, mix64(key))
}

/// [`bigram_in`] of bigram key `key`, given its hash `h` (`mix64(key)`).
#[inline(always)]
fn bigram_hashed(
    table: &[u8],
    slots: usize,
    f: Option<&filter::Filters>,
    key: u64,
    h: u64,
) -> Option<Bigram> {
    if let Some(f) = f
        && !f.bi.may_hold(h)
    {
        return None;
    }
    let mut i = home(h, slots);
    for _ in 0..slots {
        // In range: the section holds `slots` slots (checked at open).
        let r = record::<BI_REC>(table, BI_REC * i)?;
        let k = rec_u64(r, 0);
        if k == BI_EMPTY {
            return None;
        }
        if k & BI_MASK == key {
            return Some(Bigram {
                has_trigrams: k & BI_HAS_TRIGRAMS != 0,
                logp: dequantize(rec_u16(r, 8)),
                backoff: dequantize(rec_u16(r, 10)),
                best_logp: dequantize(rec_u16(r, 12)),
                best: bi_slot_best(k),
            });
        }
        i = next_slot(i, slots);
    }
    None
}

/// The id in vocabulary table `table` (of `slots` slots) of the word whose [`vocab_hash`] is
/// `h` ([`UNK`] when not found).
#[inline]
pub(crate) fn vocab_lookup(table: &[u8], slots: usize, h: u64) -> u32 {
    let want = vocab_fp(h);
    let mut i = home(h, slots);
    for _ in 0..slots {
        // In range: the section holds `slots` records (checked at open).
        let Some(r) = record::<VOCAB_REC>(table, VOCAB_REC * i) else { return UNK };
        let k = rec_u64(r, 0);
        if k == 0 {
            return UNK;
        }
        if k >> ID_BITS == want {
            // A 43-bit fingerprint (the low bits of the hash; the high bits chose the home
            // slot): a stranger matches a vocabulary word with odds about 2^-43 per slot probed.
            return (k & ID_MASK) as u32;
        }
        i = next_slot(i, slots);
    }
    UNK
}

/// The quantised-then-dequantised logp of trigram `key` in trigram table `table` (of `slots`
/// slots), if stored; answered `None` without probing when `filter` (the table's
/// [`filter::Filters::tri`]) holds no key of this fingerprint.
#[inline]
pub(crate) fn trigram_lookup_filtered(
    table: &[u8],
    slots: usize,
    key: u64,
    filter: Option<&filter::KeyFilter>,
) -> Option<f32> {
    trigram_lookup_hashed(table, slots, mix64(key), filter)
}

/// [`trigram_lookup_filtered`] of the key of hash `h` (`mix64` of the key: the table keeps
/// its fingerprint, not the key).
#[inline(always)]
fn trigram_lookup_hashed(
    table: &[u8],
    slots: usize,
    h: u64,
    filter: Option<&filter::KeyFilter>,
) -> Option<f32> {
    const FP_MASK: u64 = (1 << TRI_FP_BITS) - 1;
    let want = tri_fp(h);
    if filter.is_some_and(|f| !f.may_hold(want)) {
        return None;
    }
    let mut i = home(h, slots);
    for _ in 0..slots {
        // In range: the section holds `slots` slots (checked at open).
        let r = record::<TRI_REC>(table, TRI_REC * i)?;
        let k = rec_u64(r, 0);
        if k == 0 {
            return None;
        }
        if k & FP_MASK == want {
            return Some(dequantize((k >> TRI_FP_BITS) as u16));
        }
        i = next_slot(i, slots);
    }
    None
}

#[cfg(test)]
mod tests;

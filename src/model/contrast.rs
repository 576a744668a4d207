//! A contrast model: a reference model cut down to what the round-trip contrast scores with
//! ([`ContrastModel::word_id_hashed`] and [`ContrastModel::score_logp`]), without word strings,
//! counts, best continuations or surface forms ([`super::format`], contrast-only kind).

use std::path::Path;
use std::sync::OnceLock;

use super::format::*;
use super::train::{BiEntry, Figures, assemble, bigram_table};
use super::{Bytes, Header, Model, ModelError, ModelInfo, UnitHash, UnitTables, table_slots, vocab_lookup};

static ROUNDTRIP_BYTES: &[u8] = include_bytes!("../../models/roundtrip.spinlm");

/// A contrast-only model, opened from bytes.
pub struct ContrastModel {
    bytes: Bytes,
    /// The parsed header: sections, sizes, table slots, counts, checksum.
    h: Header,
    bi_slots: usize,
    /// The bigram and trigram tables' key filters, built once enough units were scored.
    pub(super) filters: super::filter::LazyFilters,
}

impl std::fmt::Debug for ContrastModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContrastModel").field("info", &self.info()).finish()
    }
}

/// (has_trigrams, logp, backoff) of a stored bigram.
type Bigram = (bool, f32, f32);

/// A contrast model's tables ([`ContrastModel::tables`]).
pub(super) type Tables<'a> = UnitTables<'a, UNI_REC_C, BI_REC_C>;

/// `logp` and `backoff` of a unigram (`<unk>`'s for out-of-range ids).
#[inline(always)]
fn unigram_in(t: &Tables<'_>, id: u32) -> (f32, f32) {
    let id = if (id as usize) < t.vocab { id as usize } else { UNK as usize };
    // In range: the section holds `vocab` records (checked at open); a zero record else.
    let r = record::<UNI_REC_C>(t.uni, UNI_REC_C * id).unwrap_or(&[0; UNI_REC_C]);
    (dequantize(rec_u16(r, 0)), dequantize(rec_u16(r, 2)))
}

/// The stored bigram of key `key` (`bi_key(v, w)`), if any, given its hash `h` (`mix64(key)`);
/// answered `None` without probing when the filters hold no key of that hash.
#[inline(always)]
fn bigram_hashed(t: &Tables<'_>, key: u64, h: u64) -> Option<Bigram> {
    if let Some(f) = t.filters
        && !f.bi.may_hold(h)
    {
        return None;
    }
    let mut i = home(h, t.bi_slots);
    for _ in 0..t.bi_slots {
        // In range: the section holds `bi_slots` slots (checked at open).
        let r = record::<BI_REC_C>(t.bi, BI_REC_C * i)?;
        let k = rec_u64(r, 0) & BI_EMPTY_C;
        if k == BI_EMPTY_C {
            return None;
        }
        if k & BI_MASK == key {
            return Some((k & BI_HAS_TRIGRAMS != 0, dequantize(rec_u16(r, 6)), dequantize(rec_u16(r, 8))));
        }
        i = next_slot(i, t.bi_slots);
    }
    None
}

impl ContrastModel {
    /// The embedded round-trip model: trained like the default model, on the same text sent
    /// through machine translation and back (models/README.md). Fluency compares each word's
    /// probability under the two, so what the text is about cancels and what is left is how much
    /// it reads like a round trip. Pairs with the default model only.
    ///
    /// # Panics
    /// If the embedded bytes are not a valid model: a build defect, not an input error.
    pub fn roundtrip_embedded() -> &'static ContrastModel {
        static M: OnceLock<ContrastModel> = OnceLock::new();
        M.get_or_init(|| {
            ContrastModel::from_static(ROUNDTRIP_BYTES)
                .unwrap_or_else(|e| panic!("embedded model models/roundtrip.spinlm is invalid: {e}"))
        })
    }

    /// Opens a contrast-only model over borrowed static bytes (no copy).
    pub fn from_static(bytes: &'static [u8]) -> Result<ContrastModel, ModelError> {
        ContrastModel::open(Bytes::Static(bytes))
    }

    /// Opens a model file's bytes: a contrast-only model as it is, a full model cut down
    /// ([`ContrastModel::from_model`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<ContrastModel, ModelError> {
        if Header::parse(&bytes)?.kind == KIND_FULL {
            return ContrastModel::from_model(&Model::from_bytes(bytes)?);
        }
        ContrastModel::open(Bytes::Owned(bytes))
    }

    /// Reads and opens a model file of either kind ([`ContrastModel::from_bytes`]).
    pub fn open_path(path: impl AsRef<Path>) -> crate::Result<ContrastModel> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        Ok(ContrastModel::from_bytes(bytes)?)
    }

    /// The contrast model of a full model: the same scores ([`ContrastModel::score_logp`] gives
    /// the `logp` of [`Model::score_sequence`]), and the same bytes as `spinscore train
    /// --contrast-only` on the full model's text but for the metadata and the checksum.
    pub fn from_model(m: &Model) -> Result<ContrastModel, ModelError> {
        let mut sections: Vec<Vec<u8>> = vec![Vec::new(); N_SECTIONS];
        sections[VOCAB_HASH] = m.section(VOCAB_HASH).to_vec();
        let uni = m.section(UNIGRAMS);
        sections[UNIGRAMS] =
            (0..m.h.vocab).flat_map(|id| uni[UNI_REC * id + 4..UNI_REC * id + 8].to_vec()).collect();
        let bi = m.section(BIGRAMS);
        let mut entries: Vec<BiEntry> = (0..m.bi_slots)
            .filter_map(|i| {
                let r = record::<BI_REC>(bi, BI_REC * i)?;
                let k = rec_u64(r, 0);
                (k != BI_EMPTY).then(|| BiEntry {
                    key: k & BI_MASK,
                    has_trigrams: k & BI_HAS_TRIGRAMS != 0,
                    logp: rec_u16(r, 8),
                    backoff: rec_u16(r, 10),
                    best_logp: QNONE,
                    best: 0,
                })
            })
            .collect();
        entries.sort_by_key(|e| e.key);
        sections[BIGRAMS] = bigram_table(&entries, true);
        sections[TRIGRAMS] = m.section(TRIGRAMS).to_vec();
        sections[META] = m.section(META).to_vec();
        let figures = Figures {
            kind: KIND_CONTRAST,
            total_tokens: m.h.total_tokens,
            vocab: m.h.vocab as u64,
            bigrams: entries.len() as u64,
            trigrams: m.h.n_trigrams,
            surface: 0,
        };
        ContrastModel::open(Bytes::Owned(assemble(&figures, &sections)))
    }

    fn open(bytes: Bytes) -> Result<ContrastModel, ModelError> {
        let h = Header::parse(bytes.get())?;
        if h.kind != KIND_CONTRAST {
            return Err(ModelError::Corrupt("not a contrast-only model".into()));
        }
        let sec = &h.sec;
        let len = |i: usize| sec[i].1 - sec[i].0;
        if len(STRINGS) != 0 || len(OFFSETS) != 0 || len(SURFACE) != 0 {
            return Err(ModelError::Corrupt("a contrast-only model with word strings".into()));
        }
        if len(UNIGRAMS) != UNI_REC_C * h.vocab {
            return Err(ModelError::Corrupt("unigram table size".into()));
        }
        let bi_slots = table_slots(sec, BIGRAMS, BI_REC_C, "bigram")?;
        Ok(ContrastModel { h, bi_slots, filters: super::filter::LazyFilters::default(), bytes })
    }

    /// Checks the content against the header's checksum (reads the whole file).
    pub fn verify(&self) -> Result<(), ModelError> {
        self.h.verify(self.bytes.get())
    }

    /// Header facts: version, order, counts, checksum, training metadata.
    pub fn info(&self) -> ModelInfo {
        self.h.info(self.bytes.get())
    }

    /// Vocabulary size (including the reserved ids).
    pub fn vocab_size(&self) -> usize {
        self.h.vocab
    }

    /// A new instance of the embedded round-trip model (its filters not built).
    #[cfg(test)]
    pub(super) fn roundtrip_fresh() -> ContrastModel {
        ContrastModel::from_static(ROUNDTRIP_BYTES).unwrap()
    }

    /// log10 P(w | u v) as [`ContrastModel::score_logp`] gives it for `w` after `u v`.
    #[cfg(test)]
    pub(super) fn logp3(&self, u: u32, v: u32, w: u32) -> f32 {
        let mut out = Vec::new();
        self.score_logp(&[u, v, w], &mut out);
        out[1]
    }

    /// The model's bytes.
    #[cfg(test)]
    pub(super) fn raw(&self) -> &[u8] {
        self.bytes.get()
    }

    #[inline(always)]
    fn section(&self, i: usize) -> &[u8] {
        let (a, b) = self.h.sec[i];
        &self.bytes.get()[a..b]
    }

    /// The id of a normalised unit ([`UNK`] when unknown).
    pub fn word_id(&self, norm: &str) -> u32 {
        self.word_id_hashed(vocab_hash(norm.as_bytes()))
    }

    /// [`ContrastModel::word_id`] of the word whose [`vocab_hash`] is `h`.
    #[inline]
    pub fn word_id_hashed(&self, h: u64) -> u32 {
        vocab_lookup(self.section(VOCAB_HASH), self.h.vocab_slots, h)
    }

    /// This model's tables and key filters, sliced once for a run of look-ups and hints.
    #[inline(always)]
    pub(super) fn tables(&self) -> Tables<'_> {
        Tables::of(self.bytes.get(), &self.h, self.bi_slots, self.filters.get())
    }

    /// Builds the bigram and trigram filters once `units` more units scored make
    /// [`super::filter::FILTER_AFTER_UNITS`] (look-ups give the same answers with or without
    /// them).
    pub(crate) fn count_scored(&self, units: u64) {
        self.filters.after(units, || {
            super::filter::Filters::build::<BI_REC_C>(
                self.section(BIGRAMS),
                BI_EMPTY_C,
                BI_EMPTY_C,
                self.section(TRIGRAMS),
            )
        });
    }

    /// The cache hint for the home slot of a word whose [`vocab_hash`] is `h` (no effect on
    /// results).
    #[inline]
    pub fn prefetch_word(&self, h: u64) {
        self.tables().prefetch_word(h);
    }

    /// log10 P of each unit of `ids` after the first (normally `[BOS, w1, ..., wn, EOS]`) given
    /// the two before it, with the model's backoff, appended to `out`: what
    /// the `logp` of [`Model::score_sequence`] on the full model this was cut from.
    pub fn score_logp(&self, ids: &[u32], out: &mut Vec<f32>) {
        self.score_logp_then(ids, &[], out);
    }

    /// [`ContrastModel::score_logp`] of `ids`, exactly, that also brings the first units of
    /// `next` (the sequence the caller scores next) towards the cache during its last units.
    /// `next` only moves cache hints, never results.
    pub fn score_logp_then(&self, ids: &[u32], next: &[u32], out: &mut Vec<f32>) {
        let Some(&first) = ids.first() else { return };
        let t = self.tables();
        let mut st = Self::seq_start(&t, first);
        out.reserve(ids.len().saturating_sub(1));
        for j in 1..ids.len() {
            // The slots of the unit [`PREFETCH_AHEAD`](super::PREFETCH_AHEAD) further on, in
            // `ids` or else in `next`.
            super::unit_ahead(ids, next, j, |u, v, w| t.prefetch_unit_plain(u, v, w));
            out.push(Self::seq_step(&t, &mut st, ids, j));
        }
    }

    /// The scoring state at the start of a sequence whose first unit is `first`, on tables `t`.
    #[inline(always)]
    pub(super) fn seq_start(t: &Tables<'_>, first: u32) -> LogpState {
        LogpState { prev_bi: None, v_backoff: unigram_in(t, first).1 }
    }

    /// log10 P of unit `j >= 1` of `ids`, given the state after units `..j` (updated to include
    /// `j`): one step of [`ContrastModel::score_logp`], on tables `t`.
    #[inline(always)]
    pub(super) fn seq_step(t: &Tables<'_>, st: &mut LogpState, ids: &[u32], j: usize) -> f32 {
        let h = UnitHash { bi: mix64(bi_key(ids[j - 1], ids[j])), tri: None };
        Self::seq_step_hashed(t, st, ids, j, h)
    }

    /// [`ContrastModel::seq_step`] given the unit's key hashes `h` (from its cache hint).
    #[inline(always)]
    pub(super) fn seq_step_hashed(
        t: &Tables<'_>,
        st: &mut LogpState,
        ids: &[u32],
        j: usize,
        h: UnitHash,
    ) -> f32 {
        let v = ids[j - 1];
        let w = ids[j];
        let (w_logp, w_backoff) = unigram_in(t, w);
        let bi = bigram_hashed(t, bi_key(v, w), h.bi);
        let p2 = match bi {
            Some((_, logp, _)) => logp,
            None => st.v_backoff + w_logp,
        };
        let logp = match st.prev_bi {
            Some((has_trigrams, backoff)) if j >= 2 => {
                let p3 = if has_trigrams { t.trigram_hashed(ids[j - 2], v, w, h.tri) } else { None };
                p3.unwrap_or(backoff + p2)
            }
            _ => p2,
        };
        // (has_trigrams, backoff) of this unit's bigram, and its backoff as a unigram: the
        // context of the next unit.
        st.prev_bi = bi.map(|(t, _, b)| (t, b));
        st.v_backoff = w_backoff;
        logp
    }
}

/// [`ContrastModel::score_logp`]'s state between units: `(has_trigrams, backoff)` of the bigram
/// of the last two units scored, and the last unit's unigram backoff.
#[derive(Clone, Copy)]
pub(super) struct LogpState {
    prev_bi: Option<(bool, f32)>,
    v_backoff: f32,
}

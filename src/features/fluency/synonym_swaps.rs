//! Thesaurus swaps: a word the context finds improbable whose WordNet synonym (at least as
//! frequent) the context expects ("quoted arsenic saying" -> "as"), the mark an article spinner
//! leaves where it replaced a word with a synonym of another sense.

use super::Unit;
use super::candidates::Candidates;
use crate::model::format::UNK;
use crate::model::{Model, Slot, SlotWord, Unigram, UnitProb};
use crate::synonyms::Synonyms;

/// A word is checked for a synonym swap when its `ns` is above this (the context finds it
/// improbable for its frequency) ...
pub const SYN_MIN_NS: f32 = 0.5;
/// ... or when the context's best continuation is this many log10 units more probable (a rare
/// word's `ns` stays low where the model backs off to its unigram).
pub const SYN_MIN_GAP: f32 = 2.0;
/// Weight of the frequency difference in a synonym's gain: 0 compares the two readings' raw
/// probabilities (a frequent synonym always wins), 1 compares their SLOR.
pub const SYN_RARITY: f32 = 0.5;
/// A synonym swap is flagged when the synonym makes the three trigrams around the word this
/// many log10 units more probable (rarity-corrected).
pub const SYN_GAIN: f32 = 1.5;
/// Swaps shown as evidence gain at least this much: about one a thousand words of clean BBC
/// news reaches it, against about one in a hundred of spun text (the features count from
/// [`SYN_GAIN`], where the rate still separates but single flags are unreliable).
pub const SYN_EVIDENCE: f32 = 3.5;

/// The model and the synonym table that [`best_synonym`] searches.
#[derive(Clone, Copy)]
pub(super) struct Thesaurus<'a> {
    pub(super) model: &'a Model,
    pub(super) syn: &'a Synonyms,
    /// The table lists candidates most frequent first by this model's counts (it was built
    /// against the default model).
    pub(super) ordered: bool,
    /// The kept candidates of known words, resolved once (default model only).
    pub(super) cache: Option<&'a Candidates>,
}

/// The synonym of `word` (the unit at `ids[j]`, `j >= 1`, of log10 relative frequency `fw`,
/// given as its [`vocab_hash`](crate::model::format::vocab_hash))
/// that best fits the trigrams around it, with its gain over the word in the text:
/// `(gain, synonym id, raw log10 gain)`. `here` holds the text's scores of `ids[j]`,
/// `ids[j + 1]` and `ids[j + 2]` (those that exist); `scratch` is working space.
///
/// Only synonyms at least as frequent as the word are tried (a spinner's pick replaces a
/// commoner original far more often than the reverse, and a rarer synonym must beat the rarity
/// correction); when the table's most-frequent-first order is the model's own
/// ([`Thesaurus::ordered`]) the search stops at the first rarer one. Only those that fit the
/// left context better by more than that correction are scored on the right: two look-ups for
/// most candidates instead of three.
pub(super) fn best_synonym(
    th: &Thesaurus<'_>,
    word: u64,
    fw: f32,
    ids: &[u32],
    j: usize,
    here: &[UnitProb],
    scratch: &mut Vec<Tried>,
) -> Option<(f32, u32, f32)> {
    let Thesaurus { model, syn, ordered, cache } = *th;
    let w = ids[j];
    let lp_here: f32 = here.iter().map(|q| q.logp).sum();
    let mut best: Option<(f32, u32, f32)> = None;
    // The same candidates the walk below keeps for a known word (`fw` is its frequency).
    let cached = match cache {
        Some(cache) if w != UNK => Some(cache.of(model, syn, w)),
        _ => None,
    };
    // The neighbours' records, looked up at the first candidate that gets that far.
    let mut slot = None;
    if let Some(list) = cached
        && !list.is_empty()
    {
        // Every candidate's left look-ups are asked for before the first is probed, so their
        // cache misses overlap.
        let slot = slot.insert(model.slot(ids, j));
        for (s, _) in list {
            model.prefetch_slot_left(slot, *s);
        }
    }
    // The left score of candidate `s` (at least as frequent as the word, with unigram record
    // `us`): logp3(u, v, s) (logp2(v, s) second in the sentence), with its rarity correction,
    // when it fits the left context better by more than that correction.
    let left_of = |slot: &Slot, s: u32, us: &Unigram| -> Option<Tried> {
        let rarity = SYN_RARITY * (us.freq - fw);
        let (left, sw) = model.slot_left(slot, s, us);
        (left - here[0].logp > rarity).then_some((s, left, sw, rarity))
    };
    // Then logp3(v, s, n1) and logp3(s, n1, n2) where those words exist.
    let mut finish = |slot: &Slot, (s, left, mut sw, rarity): Tried| {
        let mut total = left;
        if let Some(mid) = model.slot_mid(slot, &mut sw) {
            total += mid;
            if let Some(right) = model.slot_right(slot, &sw) {
                total += right;
            }
        }
        let raw = total - lp_here;
        let gain = raw - rarity;
        if best.is_none_or(|b| gain > b.0) {
            best = Some((gain, s, raw));
        }
    };
    match cached {
        // Empty lists leave the slot unset: nothing to try.
        Some(list) => {
            let Some(slot) = &slot else { return None };
            // Every candidate's left score first, asking for the middle look-ups of those that
            // pass, then the rest in the same order: the same scores and the same best.
            scratch.clear();
            for (s, us) in list {
                if let Some(t) = left_of(slot, *s, us) {
                    model.prefetch_slot_mid(slot, &t.2);
                    scratch.push(t);
                }
            }
            for &t in scratch.iter() {
                finish(slot, t);
            }
        }
        None => {
            for cand in syn.of_hashed(word) {
                let s = model.word_id_bytes(cand);
                if s == UNK || s == w {
                    continue;
                }
                let us = model.unigram(s);
                if us.freq < fw {
                    if ordered {
                        break;
                    }
                    continue;
                }
                let slot = slot.get_or_insert_with(|| model.slot(ids, j));
                if let Some(t) = left_of(slot, s, &us) {
                    finish(slot, t);
                }
            }
        }
    }
    best
}

/// A synonym candidate past the left test of [`best_synonym`]: its id, left score, the records
/// the rest of its scoring shares, and its rarity correction.
pub(super) type Tried = (u32, f32, SlotWord, f32);

/// True when the synonym search runs for the word unit `u` scored `p` (`initial`: the
/// sentence's first word unit): a word the context finds improbable, or does not know, and not
/// a name.
#[inline]
pub(super) fn wants_synonym(u: &Unit, p: &UnitProb, initial: bool) -> bool {
    // A mid-sentence capitalised word is (nearly always) a name.
    let name = u.cap && !initial;
    let unlikely = p.unigram - p.logp > SYN_MIN_NS || p.ctx_best_logp - p.logp > SYN_MIN_GAP;
    !name && (u.id == UNK || unlikely)
}

//! The synonym search's candidates of each vocabulary word, resolved once per process.
//!
//! For a known word `w` the search walks the synonym table's list for `w`, looks each
//! candidate's id and unigram record up and keeps those at least as frequent as `w` (stopping
//! at the first rarer one when the table's order is the model's own). None of that depends on
//! the document, so for the default model (the one the embedded table was ordered by) the kept
//! candidates are computed the first time a word is searched and reused: one array probe
//! instead of a table probe, a hash and two model look-ups per candidate. The cache holds at
//! most one list per vocabulary word (61,114 slots, 105,855 synonym pairs for the default
//! model), so it stays bounded whatever the input.

use std::cell::RefCell;
use std::sync::OnceLock;

use crate::model::format::{UNK, vocab_hash};
use crate::model::{Model, Unigram, prefetch_ref};
use crate::synonyms::Synonyms;

/// A word's kept candidates: id and unigram record, in table order.
type List = Box<[(u32, Unigram)]>;

/// The kept candidates of each vocabulary word, filled on demand.
pub(super) struct Candidates {
    lists: Box<[OnceLock<List>]>,
}

impl Candidates {
    /// The process's cache for `model` and the embedded synonym table, when `model` is the
    /// default model (the table's most-frequent-first order holds only for it); `None` else.
    pub fn for_default(model: &Model) -> Option<&'static Candidates> {
        static C: OnceLock<Candidates> = OnceLock::new();
        model.is_default().then(|| {
            C.get_or_init(|| Candidates { lists: (0..model.vocab_size()).map(|_| OnceLock::new()).collect() })
        })
    }

    /// The candidates of the known word `w` that the search tries, in table order, with their
    /// unigram records: those with an id other than `UNK` and `w` and at least as frequent as
    /// `w`, up to the first rarer one. `model` must be the default model and `syn` the embedded
    /// table ([`Candidates::for_default`]).
    pub fn of(&self, model: &Model, syn: &Synonyms, w: u32) -> &[(u32, Unigram)] {
        match self.lists.get(w as usize) {
            Some(list) if w != UNK => list.get_or_init(|| resolve(model, syn, w)),
            _ => &[],
        }
    }
}

impl Candidates {
    /// Brings the list slot of `w` towards the cache (a hint: no effect on results).
    #[inline]
    pub fn prefetch_slot(&self, w: u32) {
        if let Some(list) = self.lists.get(w as usize) {
            prefetch_ref(list);
        }
    }

    /// Brings the start of `w`'s list towards the cache when it is already resolved (a hint:
    /// no effect on results). Reads the list slot: call it after [`Candidates::prefetch_slot`].
    #[inline]
    pub fn prefetch_list(&self, w: u32) {
        if let Some(list) = self.lists.get(w as usize).and_then(OnceLock::get)
            && let Some(first) = list.first()
        {
            prefetch_ref(first);
        }
    }
}

/// [`Candidates::of`], computed. The list is gathered in a buffer kept per thread and copied
/// out at its final size: one allocation per non-empty list (a `Vec` grown push by push and
/// then shrunk took one to three).
fn resolve(model: &Model, syn: &Synonyms, w: u32) -> List {
    thread_local! {
        /// The candidates of the word being resolved.
        static SCRATCH: RefCell<Vec<(u32, Unigram)>> = const { RefCell::new(Vec::new()) };
    }
    let fw = model.unigram(w).freq;
    SCRATCH.with_borrow_mut(|out| {
        out.clear();
        for cand in syn.of_hashed(vocab_hash(model.word(w).as_bytes())) {
            let s = model.word_id_bytes(cand);
            if s == UNK || s == w {
                continue;
            }
            let us = model.unigram(s);
            if us.freq < fw {
                break;
            }
            out.push((s, us));
        }
        List::from(out.as_slice())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_neither_resolve_lists_nor_fail_on_any_id() {
        let model = Model::embedded();
        let syn = Synonyms::embedded();
        let n = model.vocab_size() as u32;
        // A cache of its own (the process's is shared with other tests): the hints leave a
        // list unresolved, and resolving it gives what the process's cache gives.
        let cache = Candidates { lists: (0..n).map(|_| OnceLock::new()).collect() };
        let w = model.word_id("arsenic");
        assert_ne!(w, UNK);
        cache.prefetch_slot(w);
        cache.prefetch_list(w);
        assert!(cache.lists[w as usize].get().is_none());
        let want: Vec<u32> = cache.of(model, syn, w).iter().map(|c| c.0).collect();
        cache.prefetch_list(w);
        assert!(!want.is_empty());
        let shared = Candidates::for_default(model).expect("the embedded model is the default");
        assert_eq!(shared.of(model, syn, w).iter().map(|c| c.0).collect::<Vec<_>>(), want);
        for w in [UNK, n - 1, n, n + 1, u32::MAX] {
            cache.prefetch_slot(w);
            cache.prefetch_list(w);
        }
    }

    #[test]
    fn cached_lists_equal_a_filtered_walk_of_the_table() {
        let model = Model::embedded();
        let syn = Synonyms::embedded();
        let cache = Candidates::for_default(model).expect("the embedded model is the default");
        let mut nonempty = 0;
        for w in 0..model.vocab_size() as u32 + 5 {
            let got: Vec<(u32, f32)> = cache.of(model, syn, w).iter().map(|(s, u)| (*s, u.freq)).collect();
            // The search's own filter, over the table's list for the word's text.
            let mut want = Vec::new();
            if w != UNK && (w as usize) < model.vocab_size() {
                let fw = model.unigram(w).freq;
                for cand in syn.of(model.word(w)) {
                    let s = model.word_id(cand);
                    if s == UNK || s == w {
                        continue;
                    }
                    if model.unigram(s).freq < fw {
                        break;
                    }
                    want.push((s, model.unigram(s).freq));
                }
            }
            assert_eq!(got, want, "word {w} {:?}", model.word(w));
            nonempty += usize::from(!got.is_empty());
        }
        assert!(nonempty > 1000, "{nonempty}");
    }
}

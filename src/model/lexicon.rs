//! The model as a [`Lexicon`]: counts of units, bigrams and case-kept surface forms, the
//! near-miss search over the surface fst, and the indexes built from the surfaces on first use.

use std::sync::atomic::Ordering;

use super::Model;
use super::format::{SURFACE, UNK};
use crate::lexicon::{LetterTrigrams, Lexicon, NameIndex, SlipIndex};

impl Lexicon for Model {
    /// Stored bigrams were seen at least the training minimum (pruned ones count as unseen);
    /// the model keeps probabilities, not counts, so a stored bigram reports that minimum.
    fn bigram_count(&self, first: &str, second: &str) -> u64 {
        let (a, b) = (self.word_id(first), self.word_id(second));
        if a == UNK || b == UNK {
            return 0;
        }
        u64::from(self.bigram(a, b).is_some())
    }

    fn surface_count(&self, surface: &str) -> u64 {
        // A small input (a short document per process) asks a few hundred times: the fst
        // answers those, and the table is built only when the look-ups add up to more. The
        // two agree on every `&str` (the table is the fst's UTF-8 keys).
        if self.surfaces.get().is_none()
            && self.surface_lookups.fetch_add(1, Ordering::Relaxed) < SURFACE_FST_LOOKUPS
        {
            return self.surface_count_fst(surface);
        }
        self.surface_map().get(surface)
    }

    fn surface_counts(&self, surfaces: &[&str], out: &mut [u64]) {
        if self.surfaces.get().is_none() && self.surface_lookups.load(Ordering::Relaxed) < SURFACE_FST_LOOKUPS
        {
            for (o, s) in out.iter_mut().zip(surfaces) {
                *o = self.surface_count(s);
            }
            return;
        }
        self.surface_map().get_many(surfaces, out);
    }

    fn name_index(&self) -> Option<&NameIndex> {
        Some(self.names.get_or_init(|| NameIndex::build(self.surface_map().iter())))
    }

    fn slip_index(&self) -> Option<&SlipIndex> {
        Some(self.slips.get_or_init(|| SlipIndex::build(self.surface_map().iter())))
    }

    fn letter_trigrams(&self) -> Option<&LetterTrigrams> {
        Some(self.letters.get_or_init(|| LetterTrigrams::build(self.surface_map().iter().map(|(k, _)| k))))
    }

    fn normalized_count(&self, norm: &str) -> u64 {
        let id = self.word_id(norm);
        if id == UNK {
            // Possessives are split into two units ("putin" + "'s").
            if let Some(stem) = norm.strip_suffix("'s").filter(|s| !s.is_empty()) {
                let id = self.word_id(stem);
                return if id == UNK { 0 } else { self.unigram(id).count as u64 };
            }
            return 0;
        }
        self.unigram(id).count as u64
    }

    fn near_misses(&self, surface: &str, max_edits: u32) -> Vec<(String, u64)> {
        let Ok(map) = fst::Map::new(self.section(SURFACE)) else {
            return Vec::new();
        };
        let mut out = if max_edits == 1 {
            near_misses_1(map.as_fst(), surface)
        } else {
            near_misses_automaton(&map, surface, max_edits)
        };
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.dedup();
        out.truncate(64);
        out
    }

    fn total_tokens(&self) -> u64 {
        self.h.total_tokens
    }
}

/// [`Lexicon::surface_count`] look-ups answered from the surface fst before its hash table is
/// built: a look-up costs a few hundred instructions more from the fst, the table ~47 M once.
pub(super) const SURFACE_FST_LOOKUPS: u32 = 5_000;

/// Surface forms within `max_edits` (Unicode characters) of `surface`, with a Levenshtein
/// automaton over the whole map (unsorted; `surface` itself left out).
pub(super) fn near_misses_automaton(
    map: &fst::Map<&[u8]>,
    surface: &str,
    max_edits: u32,
) -> Vec<(String, u64)> {
    use fst::{IntoStreamer, Streamer};
    let Ok(aut) = fst::automaton::Levenshtein::new(surface, max_edits) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stream = map.search(aut).into_stream();
    while let Some((k, v)) = stream.next() {
        if k != surface.as_bytes()
            && let Ok(s) = std::str::from_utf8(k)
        {
            out.push((s.to_string(), v));
        }
    }
    out
}

/// Follows `bytes` exactly from `node`; the output of the key when it ends on a final state.
fn walk_exact<'f>(
    f: &'f fst::raw::Fst<&[u8]>,
    mut node: fst::raw::Node<'f>,
    mut out: u64,
    bytes: &[u8],
) -> Option<u64> {
    for &b in bytes {
        let t = node.transition(node.find_input(b)?);
        out += t.out.value();
        node = f.node(t.addr);
    }
    node.is_final().then(|| out + node.final_output().value())
}

/// Surface forms one character edit from `surface` (unsorted, possibly repeated). Walks the
/// fst along the query's prefix and tries one deletion, insertion or substitution at each
/// character boundary: O(length x fan-out x length) node steps instead of a Levenshtein
/// automaton over the whole map (which cost about a third of the pipeline's time).
pub(super) fn near_misses_1(f: &fst::raw::Fst<&[u8]>, surface: &str) -> Vec<(String, u64)> {
    let q = surface.as_bytes();
    let mut out: Vec<(String, u64)> = Vec::new();
    let mut push = |prefix: &[u8], mid: &[u8], suffix: &[u8], v: u64| {
        let mut k = Vec::with_capacity(prefix.len() + mid.len() + suffix.len());
        k.extend_from_slice(prefix);
        k.extend_from_slice(mid);
        k.extend_from_slice(suffix);
        if k != q
            && let Ok(s) = String::from_utf8(k)
        {
            out.push((s, v));
        }
    };
    let mut node = f.root();
    let mut acc_out = 0u64;
    let mut chars: Vec<(Vec<u8>, fst::raw::Node<'_>, u64)> = Vec::new();
    let bounds: Vec<usize> = surface.char_indices().map(|(i, _)| i).chain([q.len()]).collect();
    for (bi, &i) in bounds.iter().enumerate() {
        let next = bounds.get(bi + 1).copied();
        // Deletion of the character at i.
        if let Some(j) = next
            && let Some(v) = walk_exact(f, node, acc_out, &q[j..])
        {
            push(&q[..i], b"", &q[j..], v);
        }
        // Insertion before i and substitution of the character at i.
        chars.clear();
        one_char(f, node, acc_out, &mut Vec::with_capacity(4), &mut chars);
        for (c, n2, o2) in &chars {
            if let Some(v) = walk_exact(f, *n2, *o2, &q[i..]) {
                push(&q[..i], c, &q[i..], v);
            }
            if let Some(j) = next
                && c.as_slice() != &q[i..j]
                && let Some(v) = walk_exact(f, *n2, *o2, &q[j..])
            {
                push(&q[..i], c, &q[j..], v);
            }
        }
        // Advance along the query's own character.
        let Some(j) = next else { break };
        let mut ok = true;
        for &b in &q[i..j] {
            match node.find_input(b) {
                Some(ti) => {
                    let t = node.transition(ti);
                    acc_out += t.out.value();
                    node = f.node(t.addr);
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            // No key has this prefix: only edits at or before i were possible, and they are done.
            break;
        }
    }
    out
}

/// Every whole UTF-8 character leaving `node`: its bytes, the node after it and the output.
fn one_char<'f>(
    f: &'f fst::raw::Fst<&[u8]>,
    node: fst::raw::Node<'f>,
    out: u64,
    bytes: &mut Vec<u8>,
    acc: &mut Vec<(Vec<u8>, fst::raw::Node<'f>, u64)>,
) {
    let need = match bytes.first() {
        None => usize::MAX,
        Some(0..=0x7F) => 1,
        Some(0xC0..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(_) => 4,
    };
    if bytes.len() == need {
        acc.push((bytes.clone(), node, out));
        return;
    }
    for t in node.transitions() {
        let ok = if bytes.is_empty() { t.inp < 0x80 || t.inp >= 0xC0 } else { t.inp & 0xC0 == 0x80 };
        if ok {
            bytes.push(t.inp);
            one_char(f, f.node(t.addr), out + t.out.value(), bytes, acc);
            bytes.pop();
        }
    }
}

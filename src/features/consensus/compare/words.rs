//! Each member's words for comparison: its profile (interned words, entity spellings), the
//! words no peer has, typing slips from a word the peers share, and spellings the majority
//! writes otherwise.

use super::*;

/// Per-member word data for comparisons within a cluster.
pub(super) struct Profile<'a> {
    /// Normalised words (as ids of the cluster's [`Interner`]), in order, with their token index.
    pub(super) words: Vec<(u32, usize)>,
    /// Per sentence of the member, the hash of its word tokens' texts as written, in order
    /// ([`super::sentences::Sent::key`]). Kept per sentence, not per word: a cluster of twenty 1 MB versions held
    /// 29 MB of per-word hashes until its sentences were built.
    pub(super) keys: Vec<u64>,
    /// Distinct entity-like surface forms (capitalised words, acronyms), with first token index.
    pub(super) surfaces: FxHashMap<&'a str, usize>,
}

/// What [`profile`] needs of a spelling (a word token's text as written), worked out at its
/// first occurrence in a cluster and reused at every other: the versions of a story write
/// mostly the same words, so most tokens are found here by one hash of their text instead of
/// being normalised, numbered and tested again.
#[derive(Clone, Copy)]
pub(super) struct Spelling {
    /// Its normalised form's id in the cluster's [`Interner`].
    pub(super) id: u32,
    /// [`fnv1a`] of the text as written.
    pub(super) written: u64,
    /// Whether its [`stem`] is an entity-like surface and no common word ([`is_entity_like`],
    /// [`is_common_word`]), once asked (only for tokens that open no sentence).
    pub(super) entity: Option<bool>,
}

/// A cluster's [`Spelling`]s by their text.
pub(super) type Spellings<'a> = FxHashMap<&'a str, Spelling>;

pub(super) fn is_entity_like(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_uppercase())
        || (s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_alphabetic()))
}

/// Capitalised frequent words ("There", "The") are not entities.
pub(super) fn is_common_word(lex: &dyn Lexicon, s: &str) -> bool {
    let per_million = lex.normalized_count(&normalize(s)) as f64 * 1e6 / lex.total_tokens().max(1) as f64;
    per_million > 100.0
}

/// Member `m`'s [`Profile`]; `spellings` are the cluster's so far (the words are numbered in
/// the order they first occur, as if each token were normalised and interned).
pub(super) fn profile<'a>(
    lex: &dyn Lexicon,
    m: &Member<'a>,
    interner: &mut Interner,
    spellings: &mut Spellings<'a>,
) -> Profile<'a> {
    // At most one word a token: sized once, not grown push by push.
    let mut words = Vec::with_capacity(m.tokens.len());
    let mut written = Vec::with_capacity(m.tokens.len());
    let mut surfaces = FxHashMap::default();
    let starts = sentence_starts(m);
    let mut buf = String::new();
    for (i, t) in m.tokens.iter().enumerate() {
        if !t.is_wordlike() {
            continue;
        }
        let s = t.text(m.text);
        let sp = spellings.entry(s).or_insert_with(|| Spelling {
            id: interner.intern(normalize_with(s, &mut buf)),
            written: fnv1a(s),
            entity: None,
        });
        words.push((sp.id, i));
        written.push(sp.written);
        if !starts[i]
            && *sp.entity.get_or_insert_with(|| {
                let st = stem(s);
                is_entity_like(st) && !is_common_word(lex, st)
            })
        {
            surfaces.entry(stem(s)).or_insert(i);
        }
    }
    // Each sentence's word tokens' hashes, folded in order.
    let keys = m
        .sentences
        .iter()
        .map(|s| {
            let from = words.partition_point(|&(_, t)| t < s.first);
            let to = from + words[from..].partition_point(|&(_, t)| t < s.last);
            written[from..to].iter().fold(0u64, |h, &w| mix(h ^ w))
        })
        .collect();
    Profile { words, keys, surfaces }
}

/// Lower-case words of `m` (profile `p`) that no peer has and the reference never writes, each one
/// typing slip ([`one_slip`]: a letter added, dropped or changed, or two neighbours swapped) from
/// a word most peers have: `(token index, that word, how many peers have it)`, in text order.
/// `support` counts the peers having each word.
pub(super) fn slipped_words<'i>(
    lex: &dyn ConsensusModel,
    m: &Member<'_>,
    p: &Profile<'_>,
    peers: &[usize],
    sets: &[Sets],
    interner: &'i Interner,
    support: &[u32],
) -> Vec<(usize, &'i str, usize)> {
    let majority = peers.len().div_ceil(2).max(2);
    let mut out = Vec::new();
    let mut seen: FxHashSet<u32> = FxHashSet::default();
    // Words most peers have (id, text), once a word needs them.
    let mut forms: Option<Vec<(u32, &str)>> = None;
    for &(w, ti) in &p.words {
        if support[w as usize] != 0 || !seen.insert(w) {
            continue;
        }
        let text = m.tokens[ti].text(m.text);
        // A word of the language (in the reference or the word list) is another word, not a slip
        // ("loops" against two round trips' "loop").
        if text.len() < 5
            || !text.bytes().all(|b| b.is_ascii_lowercase())
            || lex.normalized_count(text) != 0
            || crate::dictionary::Dictionary::embedded().contains(text)
        {
            continue;
        }
        let forms = forms.get_or_insert_with(|| {
            let mut ids: Vec<u32> = peers
                .iter()
                .flat_map(|&j| sets[j].words.iter().copied())
                .filter(|&v| support[v as usize] as usize >= majority)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter()
                .map(|v| (v, interner.word(v)))
                .filter(|(_, f)| f.len() >= 4 && f.bytes().all(|b| b.is_ascii_lowercase()))
                .collect()
        });
        if let Some(&(v, f)) = forms.iter().find(|(_, f)| one_slip(text.as_bytes(), f.as_bytes())) {
            out.push((ti, f, support[v as usize] as usize));
        }
    }
    out
}

/// The buckets of a word's characters (bit `c mod 64` for character `c`): a lower bound on the
/// edit distance of two words, with no table. A bucket one word has and the other lacks holds a
/// character of the first that the second lacks, and every such character's occurrences must be
/// deleted or substituted, an edit each; so the edit distance is at least the number of such
/// buckets, either way round.
pub(super) fn char_buckets(chars: &[char]) -> u64 {
    chars.iter().fold(0, |m, &c| m | 1 << (u32::from(c) % 64))
}

/// "Spelling differs from the cluster" evidence over `start..end`: `count` of the `group`
/// closest versions write `form` (suggested as `suggestion`).
pub(super) fn spelling_evidence(
    start: usize,
    end: usize,
    form: &str,
    suggestion: String,
    count: usize,
    group: usize,
) -> Evidence {
    Evidence {
        family: Family::Consensus,
        kind: "spelling-differs-from-cluster",
        start,
        end,
        strength: count as f64 / group as f64,
        note: format!("{count} of the {group} closest versions of this story write {form:?}"),
        suggestion: Some(suggestion),
    }
}

//! Lines repeated across documents of one source in a batch: template text (CCNet-style
//! paragraph deduplication, per source).

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use super::patterns::normalize_into;

/// Default: a line is template text when it occurs in at least this many documents of a source.
pub const DEFAULT_MIN_DOCS: u32 = 3;

/// A line is template text only if it also occurs in at least this share of the source's
/// documents: template lines sit on most pages of a site, while the versions of one story in a
/// batch (re-posts, rewrites) are few.
pub const MIN_DOC_SHARE: f64 = 0.05;

/// Default cap on distinct (source, line) hashes kept (about 20 MB).
pub const DEFAULT_MAX_ENTRIES: usize = 1 << 20;

/// Lines repeated across documents of one source in a batch (template text).
///
/// Lines are normalised as CCNet does (lowercase, digits to 0, punctuation and accents
/// stripped) and hashed to 64 bits together with the source; lines without any letter or digit
/// never count. Each document counts once per line. Memory is bounded: once
/// [`DEFAULT_MAX_ENTRIES`] distinct hashes are stored, new ones are ignored (in input order, so
/// the result is deterministic).
#[derive(Debug)]
pub struct RepeatIndex {
    /// hash -> (documents containing the line, 1 + index of the last document counted)
    counts: HashMap<u64, (u32, u32)>,
    /// source hash -> number of documents
    sources: HashMap<u64, u32>,
    min_docs: u32,
}

impl Default for RepeatIndex {
    fn default() -> Self {
        RepeatIndex { counts: HashMap::default(), sources: HashMap::default(), min_docs: DEFAULT_MIN_DOCS }
    }
}

impl RepeatIndex {
    /// Builds the index from `(source, text)` pairs of one batch.
    pub fn build<'a>(docs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::build_with(docs, DEFAULT_MIN_DOCS, DEFAULT_MAX_ENTRIES)
    }

    /// Like [`RepeatIndex::build`], also returning each document's normalised lines (in
    /// input order) for [`super::classify_normalised`], which then does not normalise them again.
    /// They take about as much memory as the documents' text.
    pub fn build_keeping<'a>(docs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Vec<NormLines>) {
        Self::build_inner(docs, DEFAULT_MIN_DOCS, DEFAULT_MAX_ENTRIES, true)
    }

    /// Like [`RepeatIndex::build`] with an explicit document threshold and entry cap.
    pub fn build_with<'a>(
        docs: impl IntoIterator<Item = (&'a str, &'a str)>,
        min_docs: u32,
        max_entries: usize,
    ) -> Self {
        Self::build_inner(docs, min_docs, max_entries, false).0
    }

    fn build_inner<'a>(
        docs: impl IntoIterator<Item = (&'a str, &'a str)>,
        min_docs: u32,
        max_entries: usize,
        keep: bool,
    ) -> (Self, Vec<NormLines>) {
        let docs: Vec<(&str, &str)> = docs.into_iter().collect();
        // Normalising and hashing the lines is the costly part and independent per document:
        // done in parallel, then counted in input order (deterministic whatever the threads).
        let (hashed, norms): (Vec<Vec<u64>>, Vec<NormLines>) = docs
            .par_iter()
            .map_init(String::new, |buf, (source, text)| {
                let sk = Self::source_key(source);
                let mut norms = NormLines::default();
                let (spans, by_sentence) = super::page_lines(text);
                let keys = spans
                    .iter()
                    .filter_map(|span| {
                        normalize_into(&text[span.start..span.end], buf);
                        if keep {
                            norms.text.push_str(buf);
                            norms.ends.push(norms.text.len());
                        }
                        Self::line_key(sk, buf)
                    })
                    .collect();
                if keep && by_sentence {
                    norms.sentences = Some(spans);
                }
                (keys, norms)
            })
            .unzip();
        let mut counts: HashMap<u64, (u32, u32)> = HashMap::default();
        let mut sources: HashMap<u64, u32> = HashMap::default();
        for (doc_no, ((source, _), hashes)) in docs.iter().zip(hashed).enumerate() {
            let n = sources.entry(fnv(source.as_bytes(), FNV_OFFSET)).or_insert(0);
            *n = n.saturating_add(1);
            let tag = u32::try_from(doc_no).unwrap_or(u32::MAX - 1).saturating_add(1);
            for h in hashes {
                let len = counts.len();
                match counts.get_mut(&h) {
                    Some(e) if e.1 != tag => {
                        e.0 = e.0.saturating_add(1);
                        e.1 = tag;
                    }
                    Some(_) => {}
                    None if len < max_entries => {
                        counts.insert(h, (1, tag));
                    }
                    None => {}
                }
            }
        }
        (RepeatIndex { counts, sources, min_docs: min_docs.max(2) }, norms)
    }

    /// In how many documents of `source` the line occurs (0 when unknown or blank).
    pub fn count(&self, source: &str, line: &str) -> u32 {
        if self.counts.is_empty() {
            return 0;
        }
        let mut buf = String::new();
        self.count_key(line_hash(source, line, &mut buf))
    }

    /// The part of every line key that depends on the source alone (see [`RepeatIndex::line_key`]).
    pub(super) fn source_key(source: &str) -> u64 {
        fnv(&[0xff], fnv(source.as_bytes(), FNV_OFFSET))
    }

    /// The key of a line already normalised with [`normalize_into`] (whose result does not
    /// depend on surrounding whitespace), given its source's [`RepeatIndex::source_key`];
    /// `None` for lines with no letter or digit.
    pub(super) fn line_key(source_key: u64, normalized: &str) -> Option<u64> {
        (!normalized.is_empty()).then(|| fnv(normalized.as_bytes(), source_key))
    }

    /// In how many documents the line with this key occurs (0 for `None` or an unknown key).
    pub(super) fn count_key(&self, key: Option<u64>) -> u32 {
        key.and_then(|h| self.counts.get(&h)).map_or(0, |e| e.0)
    }

    /// True when the line occurs in at least [`RepeatIndex::threshold`] documents of `source`.
    pub fn is_repeated(&self, source: &str, line: &str) -> bool {
        self.count(source, line) >= self.threshold(source)
    }

    /// How many documents of `source` a line must occur in to be template text: the minimum
    /// given at build time, or [`MIN_DOC_SHARE`] of the source's documents if that is more.
    pub fn threshold(&self, source: &str) -> u32 {
        let docs = self.sources.get(&fnv(source.as_bytes(), FNV_OFFSET)).copied().unwrap_or(0);
        let share = (f64::from(docs) * MIN_DOC_SHARE).ceil() as u32;
        self.min_docs.max(share)
    }

    /// Number of distinct (source, line) hashes stored.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The normalised lines ([`normalize_into`]) of one document, in the order its page is laid out
/// in (its lines, or its sentences when it has no line breaks).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NormLines {
    text: String,
    /// End of each line's normalisation in `text`.
    ends: Vec<usize>,
    /// The lines, when the text has no line breaks and was laid out by sentence
    /// ([`super::page_lines`]).
    pub(super) sentences: Option<Vec<crate::segment::LineSpan>>,
}

impl NormLines {
    /// The normalisation of line `i` (`None` past the last line).
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for a document without lines.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// FNV-1a over the source, a separator, and the normalised line; `None` for lines with no
/// letter or digit.
fn line_hash(source: &str, line: &str, buf: &mut String) -> Option<u64> {
    normalize_into(line, buf);
    RepeatIndex::line_key(RepeatIndex::source_key(source), buf)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_lines_are_the_normalisations() {
        let run_together = "Talks went on for hours in the capital. ".repeat(12)
            + "Leave a Reply Your email address will not be published.";
        let docs = ["  A b\n\nÉlan’s  2024 \r\n---\nlast", "", "one line", run_together.as_str()];
        let (idx, norms) = RepeatIndex::build_keeping(docs.iter().map(|d| ("s", *d)));
        assert_eq!(idx.len(), RepeatIndex::build(docs.iter().map(|d| ("s", *d))).len());
        for (d, n) in docs.iter().zip(&norms) {
            let (spans, by_sentence) = super::super::page_lines(d);
            assert_eq!(n.sentences.is_some(), by_sentence);
            let want: Vec<String> = spans
                .into_iter()
                .map(|sp| {
                    let mut b = String::new();
                    normalize_into(&d[sp.start..sp.end], &mut b);
                    b
                })
                .collect();
            assert_eq!(n.len(), want.len());
            for (i, w) in want.iter().enumerate() {
                assert_eq!(n.get(i), Some(w.as_str()));
            }
            assert_eq!(n.get(want.len()), None);
        }
        assert_eq!(norms[0].get(0), Some("a b"));
        assert_eq!(norms[0].get(2), Some("elans 0000"));
    }

    #[test]
    fn key_of_the_trimmed_normalisation_is_the_line_hash() {
        // classify keys a line by the normalisation of its trimmed text; the index hashes the
        // raw line: surrounding whitespace must not matter.
        let mut buf = String::new();
        let mut norm = String::new();
        for core in
            ["Share this", "© 2021 Élan, Inc.", "abc \u{301}", "\u{301}x", "- 12 -", "...", "’tis", ""]
        {
            for pad in ["", " ", "\t", "\u{a0}", "\u{3000} ", "\r"] {
                let raw = format!("{pad}{core}{pad}");
                normalize_into(raw.trim(), &mut norm);
                let key = RepeatIndex::line_key(RepeatIndex::source_key("src"), &norm);
                assert_eq!(key, line_hash("src", &raw, &mut buf), "{raw:?}");
            }
        }
    }

    #[test]
    fn counts_documents_per_source() {
        let docs = [
            ("a.com", "Story one.\nSubscribe to our newsletter!\n\n"),
            ("a.com", "Story two.\nSUBSCRIBE to our newsletter\nSubscribe to our newsletter!"),
            ("a.com", "Story three.\nsubscribe to our newsletter."),
            ("b.com", "Subscribe to our newsletter!"),
        ];
        let idx = RepeatIndex::build(docs);
        assert_eq!(idx.count("a.com", "Subscribe to our newsletter"), 3);
        assert!(idx.is_repeated("a.com", "Subscribe to our newsletter"));
        assert_eq!(idx.count("b.com", "Subscribe to our newsletter"), 1);
        assert!(!idx.is_repeated("a.com", "Story one."));
        assert_eq!(idx.count("a.com", ""), 0);
        assert_eq!(idx.count("a.com", " -- "), 0);
    }

    #[test]
    fn digits_and_accents_normalised() {
        let docs = [("s", "Updated 2021 café"), ("s", "updated 1999 cafe"), ("s", "UPDATED 0000 CAFÉ!")];
        let idx = RepeatIndex::build(docs);
        assert!(idx.is_repeated("s", "Updated 1234 Café"));
    }

    #[test]
    fn bounded() {
        let texts: Vec<String> = (0u8..100)
            .map(|i| {
                let w = format!("{}{}", (b'a' + i % 26) as char, (b'a' + i / 26) as char);
                format!("line {w} x\nline {w} y")
            })
            .collect();
        let idx = RepeatIndex::build_with(texts.iter().map(|t| ("s", t.as_str())), 3, 10);
        assert_eq!(idx.len(), 10);
    }

    #[test]
    fn threshold_grows_with_the_source() {
        let texts: Vec<String> = (0..200).map(|i| format!("page {i}")).collect();
        let idx = RepeatIndex::build(texts.iter().map(|t| ("big", t.as_str())).chain([("small", "x")]));
        assert_eq!(idx.threshold("big"), 10);
        assert_eq!(idx.threshold("small"), 3);
        assert_eq!(idx.threshold("unknown"), 3);
    }
}

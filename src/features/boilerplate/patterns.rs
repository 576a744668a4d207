//! The boilerplate pattern lexicon: `data/boilerplate-patterns.tsv`, embedded and compiled once.
//!
//! Plain patterns (whole line, prefix, contains) are matched on the normalised line with one
//! Aho-Corasick automaton and a hash map; regexes run one by one on the trimmed line, each only
//! on lines within its word limit (a `RegexSet` over Unicode classes falls back to the PikeVM and
//! was ten times slower).
//! Only lines of at most [`MAX_MATCH_BYTES`] bytes are matched: page furniture is short.
//!
//! Regexes are compiled on first use (see `LazyRegex`): compiling all of them up front cost
//! ~300 M instructions per process, most of it bounded repetitions of Unicode classes.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

/// The embedded lexicon.
pub const LEXICON: &str = include_str!("../../../data/boilerplate-patterns.tsv");

/// Lines longer than this (in bytes) are never matched against the lexicon.
pub const MAX_MATCH_BYTES: usize = 1200;

/// Categories that only count at the edges of the article (no article text after them): a
/// sentence like "Smith is a journalist who ..." can be article text in the middle of a story.
pub const WEAK_CATEGORIES: &[&str] = &["bio", "site-description"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Line,
    Prefix,
    Contains,
    Regex,
}

#[derive(Debug, Clone, Copy)]
struct Pattern {
    category: &'static str,
    kind: Kind,
    max_words: usize,
    /// Normalised text for plain kinds, the regex source for `Regex`.
    text: &'static str,
}

/// A lexicon hit on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The category (the reason reported).
    pub category: &'static str,
    /// True when the line is nothing but the pattern (a label such as "Read more:").
    pub label_only: bool,
    /// True for [`WEAK_CATEGORIES`].
    pub weak: bool,
}

/// The compiled lexicon.
#[derive(Debug)]
pub struct Patterns {
    patterns: Vec<Pattern>,
    /// Normalised whole-line pattern -> index of its first occurrence.
    lines: FxHashMap<&'static str, usize>,
    /// Normalised prefix patterns, for cutting run-together furniture ([`Patterns::phrase_at`]).
    prefixes: FxHashMap<&'static str, usize>,
    /// Words in the longest line or prefix pattern.
    phrase_words: usize,
    /// The first word of every line and prefix pattern.
    phrase_starts: FxHashSet<&'static str>,
    /// Prefix and contains patterns, each padded with spaces; value = pattern index.
    ac: Option<AhoCorasick>,
    ac_ids: Vec<usize>,
    /// The largest `max_words` of the automaton's patterns: a line with more words fits none of
    /// them, so it is not scanned.
    ac_max_words: usize,
    /// (pattern index, regex compiled on first use), in file order.
    regexes: Vec<(usize, LazyRegex)>,
    /// Lines of the data file that could not be used (bad field count or kind; a bad regex is
    /// found on first use and never matches).
    pub errors: Vec<String>,
}

impl Patterns {
    /// Parses and compiles a lexicon in the `data/boilerplate-patterns.tsv` format. Unusable lines are
    /// skipped and listed in `errors`.
    pub fn parse(src: &'static str) -> Patterns {
        let mut patterns = Vec::new();
        let mut errors = Vec::new();
        for (n, raw) in src.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&'static str> = line.splitn(4, '\t').collect();
            if fields.len() != 4 {
                errors.push(format!("line {}: expected 4 TAB-separated fields", n + 1));
                continue;
            }
            let kind = match fields[1] {
                "line" => Kind::Line,
                "prefix" => Kind::Prefix,
                "contains" => Kind::Contains,
                "regex" => Kind::Regex,
                other => {
                    errors.push(format!("line {}: unknown kind {other:?}", n + 1));
                    continue;
                }
            };
            let max_words = match fields[2] {
                "-" => usize::MAX,
                s => match s.parse() {
                    Ok(v) => v,
                    Err(_) => {
                        errors.push(format!("line {}: bad max_words {s:?}", n + 1));
                        continue;
                    }
                },
            };
            let text = fields[3];
            if kind != Kind::Regex {
                let mut norm = String::new();
                normalize_into(text, &mut norm);
                if norm != text {
                    errors.push(format!("line {}: pattern {text:?} is not normalised ({norm:?})", n + 1));
                    continue;
                }
            }
            patterns.push(Pattern { category: fields[0], kind, max_words, text });
        }

        let mut lines = FxHashMap::default();
        let mut prefixes = FxHashMap::default();
        let mut ac_pats = Vec::new();
        let mut ac_ids = Vec::new();
        let mut regexes = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            match p.kind {
                Kind::Line => {
                    lines.entry(p.text).or_insert(i);
                }
                Kind::Prefix | Kind::Contains => {
                    if p.kind == Kind::Prefix {
                        prefixes.entry(p.text).or_insert(i);
                    }
                    ac_pats.push(format!(" {} ", p.text));
                    ac_ids.push(i);
                }
                Kind::Regex => regexes.push((i, LazyRegex::new(p.text))),
            }
        }
        // A DFA: the same matches as the default (a contiguous NFA for this many patterns),
        // found with one table look-up per byte instead of following failure links; it is
        // built once per process. No prefilter: every pattern starts with a space, so it
        // would stop at every word (a memchr call each) to find what the DFA finds anyway.
        let ac =
            match AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).prefilter(false).build(&ac_pats) {
                Ok(ac) => Some(ac),
                Err(e) => {
                    errors.push(format!("aho-corasick: {e}"));
                    None
                }
            };
        let ac_max_words = ac_ids.iter().map(|&i| patterns[i].max_words).max().unwrap_or(0);
        let phrase_words =
            lines.keys().chain(prefixes.keys()).map(|t| t.split(' ').count()).max().unwrap_or(0);
        let phrase_starts = lines.keys().chain(prefixes.keys()).filter_map(|t| t.split(' ').next()).collect();
        Patterns {
            patterns,
            lines,
            prefixes,
            phrase_words,
            phrase_starts,
            ac,
            ac_ids,
            ac_max_words,
            regexes,
            errors,
        }
    }

    /// Words in the longest whole-line or prefix pattern: [`Patterns::phrase_at`] needs no more.
    pub fn phrase_words(&self) -> usize {
        self.phrase_words
    }

    /// True when a word (normalised) can start a whole-line or prefix pattern: most words
    /// cannot, and [`Patterns::phrase_at`] need not be asked.
    pub fn starts_phrase(&self, norm: &str) -> bool {
        norm.split(' ').next().is_some_and(|w| self.phrase_starts.contains(w))
    }

    /// The furniture phrase that starts a run of words in a text whose lines were run together
    /// ("... Previous Post In about 2900 BC ..."). `norms` holds the normalisations of the
    /// next words, one each (see [`normalize_into`]). Returns how many of them the longest
    /// matching pattern spans and whether it is a whole-line pattern (the phrase was a line of
    /// its own: the text after it starts another) rather than a prefix one (a line starts at
    /// the phrase). A one-word phrase counts only as a label (`label` true: the word ended in
    /// a colon, "Tags:"), since single words such as "home" or "reply" are common in prose.
    pub fn phrase_at<S: AsRef<str>>(&self, norms: &[S], label: bool) -> Option<(usize, bool)> {
        if !self.starts_phrase(norms.first()?.as_ref()) {
            return None;
        }
        let mut joined = String::new();
        let mut found = None;
        for (k, w) in norms.iter().map(AsRef::as_ref).take(self.phrase_words).enumerate() {
            if w.is_empty() {
                // punctuation alone ("Advertisement - Scroll to continue") is passed over
                if k == 0 {
                    return None;
                }
                continue;
            }
            if k > 0 {
                joined.push(' ');
            }
            joined.push_str(w);
            if k == 0 && !label {
                continue;
            }
            if self.lines.contains_key(joined.as_str()) {
                found = Some((k + 1, true));
            } else if self.prefixes.contains_key(joined.as_str()) {
                found = Some((k + 1, false));
            }
        }
        found
    }

    /// The embedded lexicon, compiled on first use.
    pub fn embedded() -> &'static Patterns {
        static P: OnceLock<Patterns> = OnceLock::new();
        P.get_or_init(|| Patterns::parse(LEXICON))
    }

    /// Number of usable patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when no pattern is usable.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// [`Patterns::find`] on a line not yet normalised: `trimmed` is normalised into `scratch`
    /// and padded there. `words` is its word count.
    pub fn find_text(&self, trimmed: &str, words: usize, scratch: &mut String) -> Option<Hit> {
        normalize_into(trimmed, scratch); // clears `scratch` first
        scratch.insert(0, ' ');
        scratch.push(' ');
        self.find(trimmed, scratch, words)
    }

    /// Matches one line. `trimmed` is the line without surrounding whitespace, `padded` its
    /// normalisation (see [`normalize_into`]) with one space on each side, `words` its word
    /// count. Returns the first pattern (in file order) that applies.
    pub fn find(&self, trimmed: &str, padded: &str, words: usize) -> Option<Hit> {
        if trimmed.len() > MAX_MATCH_BYTES {
            return None;
        }
        let norm = padded.trim_matches(' ');
        let fits = |i: usize| words <= self.patterns[i].max_words;
        let mut best: Option<usize> = None;
        if let Some(&i) = self.lines.get(norm)
            && fits(i)
        {
            best = Some(i);
        }
        if let Some(ac) = &self.ac
            && words <= self.ac_max_words
        {
            for m in ac.find_overlapping_iter(padded) {
                let i = self.ac_ids[m.pattern().as_usize()];
                if self.patterns[i].kind == Kind::Prefix && m.start() != 0 {
                    continue;
                }
                if fits(i) && best.is_none_or(|b| i < b) {
                    best = Some(i);
                }
            }
        }
        for (i, re) in &self.regexes {
            if best.is_some_and(|b| b < *i) {
                break; // an earlier pattern already matched
            }
            if fits(*i) && re.is_match(trimmed) {
                best = Some(*i);
                break;
            }
        }
        best.map(|i| {
            let p = &self.patterns[i];
            Hit {
                category: p.category,
                label_only: p.kind != Kind::Regex && p.text == norm,
                weak: WEAK_CATEGORIES.contains(&p.category),
            }
        })
    }
}

/// A lexicon regex compiled on first use, behind a gate.
///
/// The gate is the same regex with every bounded repetition made unbounded (`X{0,40}` ->
/// `X*`, `X{1,30}` -> `X+`), built from the parsed expression: it matches every line the
/// regex matches (a superset language, look-arounds included), and compiles each repeated
/// Unicode class once instead of up to 40 times (forward and reverse). The exact regex is
/// compiled and run only on lines the gate matches, so `is_match` answers exactly what the
/// exact regex answers, and lexicon hits are rare enough that most processes never compile
/// it. Nothing is parsed before first use; a regex that does not parse or compile never
/// matches, as when `Regex::new` failed at load time (`embedded_regexes_compile` checks the
/// embedded lexicon).
#[derive(Debug)]
struct LazyRegex {
    src: &'static str,
    /// `None`: `src` does not parse. `Some(None)`: no gate (loosening changes nothing).
    gate: OnceLock<Option<Option<regex_automata::meta::Regex>>>,
    exact: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(src: &'static str) -> LazyRegex {
        LazyRegex { src, gate: OnceLock::new(), exact: OnceLock::new() }
    }

    fn is_match(&self, line: &str) -> bool {
        match self.gate() {
            None => false,
            Some(Some(gate)) if !gate.is_match(line) => false,
            Some(_) => self.exact().is_some_and(|r| r.is_match(line)),
        }
    }

    fn gate(&self) -> Option<&Option<regex_automata::meta::Regex>> {
        self.gate
            .get_or_init(|| {
                let (loose, changed) = loosen(regex_syntax::Parser::new().parse(self.src).ok()?);
                Some(if changed {
                    regex_automata::meta::Regex::builder().build_from_hir(&loose).ok()
                } else {
                    None
                })
            })
            .as_ref()
    }

    fn exact(&self) -> Option<&Regex> {
        self.exact.get_or_init(|| Regex::new(self.src).ok()).as_ref()
    }
}

/// `hir` with every repetition `{m,n}` (n > m + 1) made `{m,}`; true when anything changed.
fn loosen(hir: regex_syntax::hir::Hir) -> (regex_syntax::hir::Hir, bool) {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    fn all(subs: Vec<Hir>, changed: &mut bool) -> Vec<Hir> {
        subs.into_iter()
            .map(|h| {
                let (h, c) = loosen(h);
                *changed |= c;
                h
            })
            .collect()
    }
    let mut changed = false;
    let out = match hir.into_kind() {
        HirKind::Repetition(r) => {
            let (sub, c) = loosen(*r.sub);
            changed = c;
            let max = match r.max {
                Some(n) if n > r.min.saturating_add(1) => {
                    changed = true;
                    None
                }
                m => m,
            };
            Hir::repetition(Repetition { min: r.min, max, greedy: r.greedy, sub: Box::new(sub) })
        }
        HirKind::Capture(c) => {
            let (sub, ch) = loosen(*c.sub);
            changed = ch;
            Hir::capture(Capture { index: c.index, name: c.name, sub: Box::new(sub) })
        }
        HirKind::Concat(subs) => Hir::concat(all(subs, &mut changed)),
        HirKind::Alternation(subs) => Hir::alternation(all(subs, &mut changed)),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Look(l) => Hir::look(l),
    };
    (out, changed)
}

/// Normalises `text` into `out` (cleared first) for matching: lowercase, accents stripped,
/// digits to `0`, apostrophes dropped, any other non-alphanumeric run to one space, trimmed.
///
/// A run of ASCII letters is taken eight bytes at a time (`letters8`): the eight bytes are
/// appended lower-cased and the bytes past the run taken off again, so a word costs a few
/// word-sized operations instead of a scan, a `memcpy` call and a capacity check per run. The
/// bytes are written to `out`'s buffer as a `Vec<u8>`, which holds whole characters only once
/// the truncations are done.
pub fn normalize_into(text: &str, out: &mut String) {
    let mut v = std::mem::take(out).into_bytes();
    v.clear();
    let mut space = true; // suppress leading spaces
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII without decoding a char.
            if b.is_ascii_alphabetic() {
                // A run of letters, lower-cased: eight bytes at a time, then byte by byte.
                while let Some(&x) = bytes[i..].first_chunk::<8>() {
                    let x = u64::from_le_bytes(x);
                    let letters = letters8(x);
                    let run = ((!letters & HIGH8).trailing_zeros() / 8) as usize;
                    let at = v.len();
                    v.extend_from_slice(&(x | (letters >> 2)).to_le_bytes());
                    v.truncate(at + run);
                    i += run;
                    if run < 8 {
                        break;
                    }
                }
                while let Some(&c) = bytes.get(i).filter(|c| c.is_ascii_alphabetic()) {
                    v.push(c.to_ascii_lowercase());
                    i += 1;
                }
                // The space after a word, the commonest byte to follow one.
                if bytes.get(i) == Some(&b' ') {
                    v.push(b' ');
                    i += 1;
                    space = true;
                } else {
                    space = false;
                }
                continue;
            }
            i += 1;
            if b.is_ascii_digit() {
                v.push(b'0');
                space = false;
            } else if b == b'\'' || b == b'`' {
                // dropped: "don't" -> "dont"
            } else if !space {
                v.push(b' ');
                space = true;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        i += c.len_utf8();
        if matches!(c, '’' | '‘' | 'ʼ') {
            // apostrophes
        } else if c.is_alphanumeric() {
            if c.is_numeric() {
                v.push(b'0');
            } else {
                unicode_normalization::char::decompose_canonical(c, |d| {
                    if !unicode_normalization::char::is_combining_mark(d) {
                        for l in d.to_lowercase() {
                            v.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                    }
                });
            }
            space = false;
        } else if unicode_normalization::char::is_combining_mark(c) {
            // a combining accent after its base letter
        } else if !space {
            v.push(b' ');
            space = true;
        }
    }
    if v.last() == Some(&b' ') {
        v.pop();
    }
    *out = String::from_utf8(v).expect("normalize_into appends whole characters");
}

/// The high bit of each byte of a `u64`.
const HIGH8: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (eight bytes, little-endian) that is an ASCII letter, the
/// other bits clear. Folding the case bit (`| 0x20`) maps exactly the letters into `a`-`z`;
/// bytes with the high bit set are left out, and with it cleared no byte-wise addition carries
/// into the next byte.
#[inline(always)]
fn letters8(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let folded = (x | (ONES * 0x20)) & !HIGH8;
    let at_least_a = folded.wrapping_add(ONES * u64::from(0x80 - b'a'));
    let above_z = folded.wrapping_add(ONES * u64::from(0x80 - b'z' - 1));
    at_least_a & !above_z & !x & HIGH8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_phrases_are_found_at_the_start_of_a_run_of_words() {
        let p = Patterns::embedded();
        let words = |t: &str| -> Vec<String> {
            t.split(' ')
                .map(|w| {
                    let mut n = String::new();
                    normalize_into(w, &mut n);
                    n
                })
                .collect()
        };
        let at = |t: &str, label: bool| {
            let w = words(t);
            p.phrase_at(&w, label)
        };
        assert_eq!(at("Related Posts There can be", false), Some((2, true)));
        assert_eq!(at("Read Also: Sales plunged", false), Some((2, false)));
        assert_eq!(at("Leave a Reply Your email", false), Some((3, true)));
        // a single word counts only as a label
        assert_eq!(at("Tags: Border, Instagram", true), Some((1, true)));
        assert_eq!(at("Comments were closed", false), None);
        assert_eq!(at("Americans have gone", false), None);
        assert!(p.starts_phrase("related") && !p.starts_phrase("americans"));
        assert_eq!(p.phrase_at::<&str>(&[], false), None);
    }

    #[test]
    fn dfa_finds_what_the_default_automaton_finds() {
        // The kind of automaton changes the speed, not the matches: overlapping matches on
        // every pattern, pairs of patterns run together and plain lines are the same.
        let p = Patterns::embedded();
        let pats: Vec<String> = p
            .patterns
            .iter()
            .filter(|q| matches!(q.kind, Kind::Prefix | Kind::Contains))
            .map(|q| format!(" {} ", q.text))
            .collect();
        assert!(pats.len() > 20);
        let default = AhoCorasick::new(&pats).unwrap();
        let dfa = p.ac.as_ref().unwrap();
        let mut hay: Vec<String> = Vec::new();
        for (i, a) in pats.iter().enumerate() {
            hay.push(a.clone());
            hay.push(format!("{a}{}", pats[(i * 7 + 3) % pats.len()].trim_start()));
            hay.push(format!(" x{}y ", a.trim()));
        }
        for line in
            ["the cat sat on the mat", "read more share this article", "", " ", "click here to subscribe"]
        {
            hay.push(format!(" {} ", norm(line)));
        }
        let matches = |ac: &AhoCorasick, h: &str| -> Vec<(usize, usize, usize)> {
            ac.find_overlapping_iter(h).map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect()
        };
        let mut hits = 0;
        for h in &hay {
            let want = matches(&default, h);
            hits += want.len();
            assert_eq!(matches(dfa, h), want, "{h:?}");
        }
        assert!(hits > pats.len());
    }

    #[test]
    fn lines_with_more_words_than_any_automaton_pattern_skip_the_scan_only() {
        // The same answers as a lexicon that scans every line, for every word count around
        // the automaton's largest `max_words`, on lines holding every prefix/contains pattern.
        let p = Patterns::embedded();
        let mut scan_all = Patterns::parse(LEXICON);
        assert!(p.ac_max_words >= 20 && p.ac_max_words < usize::MAX);
        scan_all.ac_max_words = usize::MAX;
        let mut lines: Vec<String> = p
            .patterns
            .iter()
            .filter(|q| q.kind != Kind::Regex)
            .flat_map(|q| [q.text.to_string(), format!("{} and more words here", q.text)])
            .collect();
        lines.extend(["", "the cat sat on the mat", "Read more: the cat sat"].map(String::from));
        let (mut hits, mut long_hits) = (0, 0);
        for line in &lines {
            let t = line.trim();
            let padded = format!(" {} ", norm(t));
            for words in 0..=p.ac_max_words + 30 {
                let a = p.find(t, &padded, words).map(|h| (h.category, h.label_only, h.weak));
                let b = scan_all.find(t, &padded, words).map(|h| (h.category, h.label_only, h.weak));
                assert_eq!(a, b, "{t:?} {words}");
                hits += usize::from(a.is_some());
                long_hits += usize::from(a.is_some() && words > p.ac_max_words);
            }
        }
        assert!(hits > lines.len() && long_hits > 0, "{hits} {long_hits}");
    }

    fn norm(s: &str) -> String {
        let mut o = String::new();
        normalize_into(s, &mut o);
        o
    }

    /// `normalize_into`'s definition, a character at a time.
    fn normalize_reference(text: &str) -> String {
        use unicode_normalization::char::{decompose_canonical, is_combining_mark};
        let mut out = String::new();
        let mut space = true;
        for c in text.chars() {
            if matches!(c, '\'' | '`' | '’' | '‘' | 'ʼ') {
            } else if c.is_alphanumeric() {
                if c.is_numeric() {
                    out.push('0');
                } else {
                    decompose_canonical(c, |d| {
                        if !is_combining_mark(d) {
                            out.extend(d.to_lowercase());
                        }
                    });
                }
                space = false;
            } else if is_combining_mark(c) {
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
        if out.ends_with(' ') {
            out.pop();
        }
        out
    }

    #[test]
    fn normalize_into_matches_its_definition() {
        // Every byte value next to letter runs of every length around the eight-byte step, in
        // pseudo-random order, and lines of the shared corpora and the lexicon.
        let pieces = [
            "a",
            "Z",
            "officials",
            "SAID",
            "mIxEdCaSeWoRdS",
            "abcdefgh",
            "ABCDEFGHI",
            "x9",
            "2021",
            "don't",
            "’s",
            "Élan",
            "naïve",
            "Дом",
            "中文",
            "\u{301}",
            " ",
            "  ",
            "\t",
            "-",
            "@",
            "[",
            "`",
            "{",
            "/",
            "…",
            "ß",
            "İ",
            "\u{a0}",
            "_",
        ];
        let mut strings: Vec<String> = (0u8..0x80).map(|b| format!("ab{}cd", char::from(b))).collect();
        strings.extend((0u8..0x80).map(|b| format!("abcdefg{}hijklmnopq{}", char::from(b), char::from(b))));
        let mut rng = crate::test_support::XorShift::new(0x51_7cc1_b727_220a);
        strings.extend((0..20_000).map(|_| rng.string_of(&pieces, 16)));
        strings.extend(LEXICON.lines().map(String::from));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for p in entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()) {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    strings.extend(text.lines().take(20_000).map(String::from));
                }
            }
        }
        let mut out = String::from("left over");
        for t in &strings {
            normalize_into(t, &mut out);
            assert_eq!(out, normalize_reference(t), "{t:?}");
        }
    }

    fn hit(line: &str) -> Option<&'static str> {
        let t = line.trim();
        let words = t.split_whitespace().count();
        Patterns::embedded().find_text(t, words, &mut String::new()).map(|h| h.category)
    }

    #[test]
    fn loosen_unbounds_repetitions() {
        let parse = |s: &str| regex_syntax::Parser::new().parse(s).unwrap();
        let loose = |s: &str| loosen(parse(s));
        assert_eq!(loose(r"a{0,40}b{2}c?d{1,30}"), (parse(r"a*b{2}c?d+"), true));
        assert_eq!(loose(r"^(?:ab|[\p{L} ]{2,5}){0,3}$"), (parse(r"^(?:ab|[\p{L} ]{2,})*$"), true));
        assert_eq!(loose(r"a?b{3}c{1,2}"), (parse(r"a?b{3}c{1,2}"), false));
        let bad = LazyRegex::new(r"a{");
        assert!(bad.gate().is_none() && bad.exact().is_none() && !bad.is_match("a{"));
    }

    /// Lines to compare the lazy regexes with the exact ones on: corpora and evaluation text
    /// when present, and lines built around every repetition bound of the lexicon.
    fn regex_test_lines() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut lines: Vec<String> = Vec::new();
        for f in [
            "shared/corpora/brown.en.txt",
            "shared/corpora/mlqe-pe-postedits.en.txt",
            "shared/corpora/state_union.en.txt",
            "shared/eval/dev/seeds.jsonl",
            "shared/eval/dev/roundtrip-bbc.jsonl",
        ] {
            let Ok(text) = std::fs::read_to_string(root.join(f)) else {
                eprintln!("{f} not found: skipped");
                continue;
            };
            if f.ends_with(".jsonl") {
                for rec in text.lines() {
                    let Some(t) = rec.split("\"text\":\"").nth(1) else { continue };
                    let t = t.split("\",\"").next().unwrap_or(t);
                    lines.extend(t.split("\\n").map(|l| l.replace("\\u2019", "’").replace("\\\"", "\"")));
                }
            } else {
                lines.extend(text.lines().map(str::to_string));
            }
        }
        let heads = [
            "",
            "By ",
            "by ",
            "Posted by ",
            "Written by ",
            "Author: ",
            "Updated: ",
            "Published on ",
            "Last updated at ",
            "London ",
            "New York City ",
            "Jean-Luc O’Neil ",
            "Ana is a ",
            "Smith was the ",
            "It is one of the ",
            "Read more: ",
            "WATCH ",
            "©",
            "Photo: ",
            "Mon., ",
            "12:30 ",
            "3 ",
            "(AP",
            "Getty Images",
            "https://",
            "www.",
            "a@b.",
            "Monday",
            "5 minutes",
            "Nation News is the ",
            "2024-01-02",
            "Jan 5, 2024 ",
            "Copyright ",
            "(Photo by ",
            "Image courtesy of ",
            "— Jen Psaki ",
            "Image source, ",
            "The post ",
            "see https://t.co/",
        ];
        let fills = ["a", "é", "Z", " ", ".", "’", "'", "-", "1", "x y", "–", "°", "0"];
        let tails = [
            "",
            " | 12 May 2024",
            " - 3",
            " on Monday 4",
            " •",
            " 12°C",
            "°",
            " 5 C",
            "°F rain",
            " journalist",
            " news website",
            " 2024",
            " ago",
            " photo",
            ",",
            " hours ago",
            " pm",
            " site",
            "/AFP via Getty Images)",
            " (AP Photo/Evan Vucci)",
            " (@PressSec) December 30, 2021",
            " appeared first on World News",
        ];
        for h in heads {
            for f in fills {
                for n in [0, 1, 2, 3, 4, 5, 6, 7, 29, 30, 31, 39, 40, 41, 42] {
                    for t in tails {
                        lines.push(format!("{h}{}{t}", f.repeat(n)));
                        lines.push(format!("{h}{} {t}", vec!["Word"; n.min(9)].join(" ")));
                    }
                }
            }
        }
        lines.sort();
        lines.dedup();
        lines
    }

    #[test]
    fn lazy_regexes_match_exactly_like_the_regexes() {
        let p = Patterns::embedded();
        let lines = regex_test_lines();
        assert!(lines.len() > 50_000, "{}", lines.len());
        let mut gated = 0;
        for (_, lazy) in &p.regexes {
            let exact = Regex::new(lazy.src).unwrap();
            let gate = lazy.gate().unwrap().as_ref();
            gated += usize::from(gate.is_some());
            let (mut hits, mut gate_only) = (0, 0);
            for l in &lines {
                let t = l.trim();
                let want = exact.is_match(t);
                assert_eq!(lazy.is_match(t), want, "{} on {t:?}", lazy.src);
                hits += usize::from(want);
                gate_only += usize::from(!want && gate.as_ref().is_some_and(|g| g.is_match(t)));
            }
            assert!(hits > 0, "{} never matched", lazy.src);
            eprintln!("{hits:6} hits {gate_only:6} gate-only  {}", lazy.src);
        }
        assert!(gated >= 9, "{gated}");
    }

    #[test]
    fn embedded_regexes_compile() {
        for (_, lazy) in &Patterns::embedded().regexes {
            assert!(lazy.exact().is_some(), "{}", lazy.src);
        }
    }

    #[test]
    fn embedded_lexicon_is_clean() {
        let p = Patterns::embedded();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert!(p.len() > 200);
    }

    #[test]
    fn normalisation() {
        assert_eq!(norm("- Advertisement -"), "advertisement");
        assert_eq!(norm("Don’t miss: Élan 2024!"), "dont miss elan 0000");
        assert_eq!(norm("Deja una respuesta"), "deja una respuesta");
        assert_eq!(norm("  "), "");
    }

    #[test]
    fn comment_forms() {
        assert_eq!(hit("Leave a Reply"), Some("comment-form"));
        assert_eq!(hit("Deja una respuesta"), Some("comment-form"));
        assert_eq!(
            hit("Your email address will not be published. Required fields are marked *"),
            Some("comment-form")
        );
        assert_eq!(hit("Please enter your comment!"), Some("comment-form"));
        assert_eq!(hit("She left a reply on his desk before the meeting."), None);
    }

    #[test]
    fn ads_and_share() {
        assert_eq!(hit("- Advertisement -"), Some("advertisement"));
        assert_eq!(hit("Share this"), Some("share"));
        assert_eq!(hit("They share this view of the crisis, officials said."), None);
    }

    #[test]
    fn related_links() {
        assert_eq!(
            hit("Read Also:  Colleges face legal risks under 'divisive concept' bill"),
            Some("related-link")
        );
        assert_eq!(
            hit("READ  Belarusian athlete under the auspices of the Olympic authorities"),
            Some("related-link")
        );
        assert_eq!(hit("WATCH: Biden and Putin to host another videoconference"), Some("related-link"));
        assert_eq!(hit("Show More"), Some("related-link"));
        assert_eq!(hit("Related news"), Some("related-link"));
        assert_eq!(hit("Reading the statement, he paused."), None);
        assert_eq!(hit("Watch out for further moves, the official warned."), None);
    }

    #[test]
    fn bylines_dates_weather_urls() {
        assert_eq!(hit("By harry"), Some("byline"));
        assert_eq!(hit("By the end of the year the troops had left."), None);
        assert_eq!(hit("Mon. Jul 8th, 2024"), Some("date"));
        assert_eq!(hit("Thursday, July 7, 2022"), Some("date"));
        assert_eq!(hit("-13.7 C"), Some("weather"));
        assert_eq!(hit("London 12°C"), Some("weather"));
        assert_eq!(hit("Part 2"), None);
        assert_eq!(hit("https://example.com/a?b=c Some title"), Some("url"));
        assert_eq!(hit("© – Agence France-Presse, 2021"), Some("copyright"));
        assert_eq!(hit("Back to top button"), Some("navigation"));
    }

    #[test]
    fn credits_embeds_and_disclaimers() {
        assert_eq!(hit("(Photo by Mandel Ngan/AFP via Getty Images)"), Some("credit"));
        assert_eq!(hit("Photo by China News Service reporter Tomita"), Some("credit"));
        assert_eq!(
            hit("President Joe Biden speaks at the White House. (AP Photo/Evan Vucci)"),
            Some("credit")
        );
        assert_eq!(hit("— Jen Psaki (@PressSec) December 30, 2021"), Some("embed"));
        assert_eq!(hit("We are on it pic.twitter.com/abc123XYZ"), Some("embed"));
        assert_eq!(hit("we're. on. it. https://t.co/HO1ZRs9T1P"), Some("embed"));
        assert_eq!(hit("AT&T Co. said on Monday that its profit rose."), None);
        assert_eq!(
            hit(
                "Disclaimer: The views expressed in this article are those of the author and not of this site."
            ),
            Some("copyright")
        );
        assert_eq!(hit("Image source, Getty Images"), Some("credit"));
        assert_eq!(hit("Media caption, Watch: Biden warns Putin over Ukraine"), Some("credit"));
        assert_eq!(hit("Source link"), Some("credit"));
        assert_eq!(
            hit("The post Biden and Putin to talk as tensions rise appeared first on World News Daily."),
            Some("credit")
        );
        assert_eq!(
            hit("This article was originally published on The Conversation. Read the original article."),
            Some("credit")
        );
        assert_eq!(hit("Read Full Article"), Some("related-link"));
        assert_eq!(hit("Join our Telegram channel for the latest updates."), Some("share"));
        assert_eq!(hit("Advertisement - Scroll to continue"), Some("advertisement"));
        assert_eq!(
            hit("The study, originally published in Nature, was widely cited by other researchers."),
            None
        );
        // Prose that mentions a photographer or an agency is not a credit.
        assert_eq!(
            hit("The photo by the agency's reporter was shared widely on Monday, officials said."),
            None
        );
        assert_eq!(hit("Officials told Reuters the talks would resume in Geneva next month."), None);
    }

    #[test]
    fn login_forms() {
        assert_eq!(hit("Retrieve your password"), Some("navigation"));
        assert_eq!(
            hit("Please enter your username or email address to reset your password."),
            Some("navigation")
        );
        assert_eq!(hit("Login to your account below"), Some("navigation"));
        assert_eq!(hit("Remember Me"), Some("navigation"));
        assert_eq!(
            hit("Hackers forced thousands of users to reset their passwords, the company said."),
            None
        );
    }

    #[test]
    fn weak_bio_and_site_description() {
        let t = "Cedric is a journalist with over a decade of experience reporting on local US news.";
        let padded = format!(" {} ", norm(t));
        let h = Patterns::embedded().find(t, &padded, 15).unwrap();
        assert_eq!(h.category, "bio");
        assert!(h.weak);
        assert_eq!(
            hit("Nation World News is the fastest emerging news website covering all the latest news."),
            Some("site-description")
        );
    }

    #[test]
    fn label_only() {
        let t = "read more:";
        let h = Patterns::embedded().find(t, " read more ", 2).unwrap();
        assert!(h.label_only);
        let h = Patterns::embedded().find("Read more about it", " read more about it ", 4).unwrap();
        assert!(!h.label_only);
    }
}

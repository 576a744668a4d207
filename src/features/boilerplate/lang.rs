//! Cheap per-line statistics (words, English stopwords, terminal punctuation) and language
//! identification with `whatlang` where the statistics leave doubt.
//!
//! whatlang is only called on lines that do not look English by their stopwords, and only when
//! they have enough letters for an identification to mean something; English prose almost
//! never falls below the stopword threshold, so the common case costs one pass over the line.

use whatlang::{Lang, Script};

/// English function words (lowercase, ASCII). A line of English prose has 30-50% of them.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "down", "during", "each", "even", "ever", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "just", "last", "may", "me", "might", "more", "most", "much", "must",
    "my", "new", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our",
    "out", "over", "own", "said", "same", "says", "she", "should", "since", "so", "some", "still", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "though",
    "through", "to", "too", "two", "under", "until", "up", "us", "very", "was", "we", "were", "what", "when",
    "where", "whether", "which", "while", "who", "whom", "why", "will", "with", "would", "yet", "you",
    "your",
];

/// A word of at most 8 bytes as a `u64` (little-endian, zero-padded): no stopword holds a zero
/// byte, so the packing is one-to-one on them.
const fn pack(b: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < b.len() {
        k |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// [`STOPWORDS`] packed and sorted: one integer comparison per binary-search step instead of a
/// string comparison.
const STOPWORD_KEYS: [u64; STOPWORDS.len()] = {
    let mut keys = [0u64; STOPWORDS.len()];
    let mut i = 0;
    while i < STOPWORDS.len() {
        assert!(STOPWORDS[i].len() <= 8);
        keys[i] = pack(STOPWORDS[i].as_bytes());
        i += 1;
    }
    // Insertion sort (const context).
    let mut i = 1;
    while i < keys.len() {
        let mut j = i;
        while j > 0 && keys[j - 1] > keys[j] {
            let t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    keys
};

/// Slots in [`STOPWORD_TABLE`] (a power of two, under a third full).
const TABLE_SLOTS: usize = 512;

/// The home slot of a packed word (multiplicative hashing).
const fn home_slot(k: u64) -> usize {
    (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 55) as usize & (TABLE_SLOTS - 1)
}

/// [`STOPWORD_KEYS`] in an open-addressing table (linear probing, 0 = empty): about one probe
/// per word instead of eight binary-search steps.
const STOPWORD_TABLE: [u64; TABLE_SLOTS] = {
    let mut t = [0u64; TABLE_SLOTS];
    let mut i = 0;
    while i < STOPWORD_KEYS.len() {
        let k = STOPWORD_KEYS[i];
        let mut s = home_slot(k);
        while t[s] != 0 {
            s = (s + 1) & (TABLE_SLOTS - 1);
        }
        t[s] = k;
        i += 1;
    }
    t
};

const LOW_BITS: u64 = 0x0101_0101_0101_0101;

/// True for an English stopword (the word in lower case).
pub(super) fn is_stopword(word: &str) -> bool {
    is_stopword_bytes(word.as_bytes())
}

/// `is_stopword` on the word's bytes (a word cut from a line at ASCII boundaries).
#[inline]
fn is_stopword_bytes(b: &[u8]) -> bool {
    if b.is_empty() || b.len() > 8 {
        return false;
    }
    // Packed byte by byte: a `copy_from_slice` of a variable length is a `memcpy` call.
    let x = b.iter().rev().fold(0u64, |k, &c| k << 8 | u64::from(c));
    if x & (0x80 * LOW_BITS) != 0 {
        return false; // not ASCII
    }
    // ASCII lower-casing of all eight bytes at once: a byte is in 'A'..='Z' when adding 0x3f sets
    // its top bit and adding 0x25 does not (every byte is below 0x80, so no carry crosses bytes).
    let upper = x.wrapping_add(0x3f * LOW_BITS) & !x.wrapping_add(0x25 * LOW_BITS) & (0x80 * LOW_BITS);
    let k = x | (upper >> 2);
    let mut s = home_slot(k);
    loop {
        match STOPWORD_TABLE[s] {
            0 => return false,
            e if e == k => return true,
            _ => s = (s + 1) & (TABLE_SLOTS - 1),
        }
    }
}

/// Statistics of one (trimmed) line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineStats {
    /// Words: maximal runs of letters, digits and inner apostrophes.
    pub words: usize,
    /// Of which English stopwords.
    pub stopwords: usize,
    /// Of which start with a lowercase letter.
    pub lower_initial: usize,
    /// Letters.
    pub letters: usize,
    /// Letters outside the Latin script (Cyrillic, CJK, Arabic, ...).
    pub non_latin_letters: usize,
    /// Characters (not bytes).
    pub chars: usize,
    /// Link-list separators standing alone: `|`, `•`, `·`, `»`, `›`, `>`, `/`.
    pub separators: usize,
    /// Ends with `.`, `!`, `?` or `…` (closing quotes and brackets ignored).
    pub terminal: bool,
}

impl LineStats {
    /// Share of words that are English stopwords.
    pub fn stopword_density(&self) -> f64 {
        if self.words == 0 { 0.0 } else { self.stopwords as f64 / self.words as f64 }
    }
}

/// Character classes [`line_stats`] needs, as bit flags.
const ALNUM: u8 = 1;
/// `'`, `’` or `-`: part of a word once one has started.
const JOINER: u8 = 2;
const ALPHA: u8 = 4;
const NON_LATIN: u8 = 8;
const SPACE: u8 = 16;
const SEP: u8 = 32;

/// The classes of a character (the definition; [`ASCII_FLAGS`] caches it for ASCII).
fn char_flags(c: char) -> u8 {
    let mut f = 0;
    if c.is_alphanumeric() {
        f |= ALNUM;
    }
    if matches!(c, '\'' | '’' | '-') {
        f |= JOINER;
    }
    if c.is_alphabetic() {
        f |= ALPHA;
        if c as u32 > 0x24F && !matches!(c as u32, 0x1E00..=0x1EFF) {
            f |= NON_LATIN;
        }
    }
    if c.is_whitespace() {
        f |= SPACE;
    }
    if matches!(c, '|' | '•' | '·' | '»' | '›' | '>' | '/') {
        f |= SEP;
    }
    f
}

/// [`char_flags`] of each ASCII character, so that ASCII text is classified without decoding
/// or Unicode table look-ups (a test checks the table against `char_flags`).
const ASCII_FLAGS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            ALNUM | ALPHA
        } else if c.is_ascii_digit() {
            ALNUM
        } else if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            SPACE
        } else if matches!(c, b'\'' | b'-') {
            JOINER
        } else if matches!(c, b'|' | b'>' | b'/') {
            SEP
        } else {
            0
        };
        b += 1;
    }
    t
};

/// [`ASCII_FLAGS`] over all byte values, 0 from 0x80 (the bytes of a non-ASCII character end an
/// ASCII run).
const RUN_FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = ASCII_FLAGS[b];
        b += 1;
    }
    t
};

/// Computes [`LineStats`] for a trimmed line in one pass.
pub fn line_stats(line: &str) -> LineStats {
    let mut s = LineStats::default();
    let mut word_start: Option<usize> = None;
    let mut prev_space = true;
    let mut pending_sep = false;
    let finish = |s: &mut LineStats, start: usize, mut end: usize| {
        // Trailing apostrophes (`'`, `’`) are not part of the word; on bytes, as
        // `trim_end_matches` would but without decoding.
        let b = line.as_bytes();
        loop {
            if end > start && b[end - 1] == b'\'' {
                end -= 1;
            } else if end >= start + 3 && b[end - 3..end] == *"’".as_bytes() {
                end -= 3;
            } else {
                break;
            }
        }
        if end == start {
            return;
        }
        s.words += 1;
        if is_stopword_bytes(&b[start..end]) {
            s.stopwords += 1;
        }
        let first = b[start];
        let lower = if first < 0x80 {
            first.is_ascii_lowercase()
        } else {
            // `start` begins a character (a word starts at a character the loop decoded).
            line.get(start..).and_then(|w| w.chars().next()).is_some_and(char::is_lowercase)
        };
        if lower {
            s.lower_initial += 1;
        }
    };
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at = i;
        let b = bytes[i];
        let f = if b < 0x80 {
            let f = ASCII_FLAGS[usize::from(b)];
            if f & ALNUM != 0 {
                // A run of ASCII letters and digits, taken whole: every byte of it is one
                // character inside a word, neither space nor separator, and a letter when ALPHA.
                let mut j = i + 1;
                let mut alpha = usize::from(f & ALPHA != 0);
                while let Some(&c) = bytes.get(j) {
                    let g = RUN_FLAGS[usize::from(c)];
                    if g & ALNUM == 0 {
                        break;
                    }
                    alpha += usize::from(g & ALPHA != 0);
                    j += 1;
                }
                s.chars += j - i;
                s.letters += alpha;
                if word_start.is_none() {
                    word_start = Some(at);
                }
                pending_sep = false;
                prev_space = false;
                i = j;
                continue;
            }
            i += 1;
            f
        } else {
            let Some(c) = line[i..].chars().next() else { break };
            i += c.len_utf8();
            char_flags(c)
        };
        s.chars += 1;
        let in_word = f & ALNUM != 0 || (f & JOINER != 0 && word_start.is_some());
        if f & ALPHA != 0 {
            s.letters += 1;
            if f & NON_LATIN != 0 {
                s.non_latin_letters += 1;
            }
        }
        if in_word {
            if word_start.is_none() {
                word_start = Some(at);
            }
        } else if let Some(st) = word_start.take() {
            finish(&mut s, st, at);
        }
        // a separator counts when surrounded by whitespace: "Home | News"
        if f & SPACE != 0 {
            if pending_sep {
                s.separators += 1;
            }
            pending_sep = false;
            prev_space = true;
        } else {
            pending_sep = prev_space && f & SEP != 0;
            prev_space = false;
        }
    }
    if let Some(st) = word_start {
        finish(&mut s, st, line.len());
    }
    let tail = line.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '“' | '’' | '‘' | '»' | '«' | ')' | ']' | '*')
    });
    s.terminal = tail.ends_with(['.', '!', '?', '…', '。', '！', '？']);
    s
}

/// Minimum letters before a line's language is judged at all.
pub const MIN_LETTERS_FOR_LANG: usize = 40;

/// Below this stopword density a line is "not obviously English" and worth identifying.
pub const ENGLISH_STOPWORD_DENSITY: f64 = 0.12;

/// whatlang confidence needed on a line that already looks un-English by its stopwords and
/// capitalisation (whatlang's own `is_reliable` is stricter and misses most single sentences).
pub const MIN_CONFIDENCE: f64 = 0.5;

/// Decides whether a line of an English document is in another language. Only lines with
/// enough letters are judged; lines that look English by stopwords, and lines made mostly of
/// capitalised words (names, headlines), are never flagged. Returns the ISO 639-3 code.
pub fn foreign_line(line: &str, st: &LineStats) -> Option<&'static str> {
    if st.letters >= 10 && st.non_latin_letters * 2 > st.letters {
        // another script entirely (the check needs far fewer letters than Latin-script ids)
        return whatlang::detect(line).map(|i| i.lang().code()).or(Some("und"));
    }
    if st.letters < MIN_LETTERS_FOR_LANG || st.words < 6 {
        return None;
    }
    if st.stopword_density() >= ENGLISH_STOPWORD_DENSITY {
        return None;
    }
    if st.lower_initial * 2 < st.words {
        return None; // mostly capitalised: names, titles
    }
    let info = whatlang::detect(line)?;
    if info.script() != Script::Latin
        || info.lang() == Lang::Eng
        || !(info.is_reliable() || info.confidence() >= MIN_CONFIDENCE)
    {
        return None;
    }
    Some(info.lang().code())
}

/// Below this share of English stopwords among all its words, a document whose lines mostly
/// do not look English is not English. Garbled English keeps about 0.1 (a round trip's
/// untranslated words and a list page's short lines lower the share of each line); Spanish,
/// Catalan, Galician and Esperanto translations of English news keep 0.07 at most.
pub const MIN_ENGLISH_STOPWORD_SHARE: f64 = 0.08;

/// Identifies the language of a document from its longer lines (`(text, stats)` pairs): English
/// when most of their characters are in lines that look English by stopwords, else whatever
/// whatlang says about the first few KB, unless its guess is unreliable and the lines together
/// still hold [`MIN_ENGLISH_STOPWORD_SHARE`] of English stopwords (a garbled English page is
/// not French). `None` when there is too little text to say.
pub fn document_language<'a>(
    lines: impl Iterator<Item = (&'a str, &'a LineStats)> + Clone,
) -> Option<&'static str> {
    let mut total = 0usize;
    let mut english = 0usize;
    let mut letters = 0usize;
    let (mut words, mut stopwords) = (0usize, 0usize);
    for (_, st) in lines.clone() {
        total += st.chars;
        letters += st.letters;
        words += st.words;
        stopwords += st.stopwords;
        if st.stopword_density() >= ENGLISH_STOPWORD_DENSITY && st.non_latin_letters * 2 <= st.letters {
            english += st.chars;
        }
    }
    if letters < MIN_LETTERS_FOR_LANG {
        return None;
    }
    if english * 2 >= total {
        return Some(Lang::Eng.code());
    }
    let mut sample = String::new();
    for (text, _) in lines {
        if sample.len() > 4096 {
            break;
        }
        sample.push_str(text);
        sample.push('\n');
    }
    let info = whatlang::detect(&sample)?;
    Some(sample_language(info.lang(), info.is_reliable(), words, stopwords))
}

/// The language of a document whatlang guessed as `guess` (`reliable` or not), whose lines hold
/// `stopwords` English stopwords among `words` words.
fn sample_language(guess: Lang, reliable: bool, words: usize, stopwords: usize) -> &'static str {
    if !reliable && stopwords as f64 >= MIN_ENGLISH_STOPWORD_SHARE * words as f64 {
        return Lang::Eng.code();
    }
    guess.code()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_list_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stopword("The"));
        for w in STOPWORDS {
            assert!(is_stopword(w) && is_stopword(&w.to_uppercase()), "{w}");
            assert!(!is_stopword(&format!("{w}x")) || STOPWORDS.contains(&format!("{w}x").as_str()));
        }
        assert!(STOPWORD_KEYS.windows(2).all(|p| p[0] < p[1]));
        assert!(!is_stopword("putin"));
    }

    #[test]
    fn stats() {
        let s = line_stats("The call began at 3:35 pm, officials said.”");
        assert_eq!(s.words, 9);
        assert!(s.terminal);
        assert!(s.stopword_density() > 0.3);
        let s = line_stats("Home | News | Sport » World");
        assert_eq!(s.separators, 3);
        assert!(!s.terminal);
        assert_eq!(line_stats("don't stop").words, 2);
    }

    #[test]
    fn stopword_table_matches_a_search_of_the_list() {
        let reference = |w: &str| {
            w.len() <= 8 && w.is_ascii() && !w.is_empty() && {
                let k = w
                    .bytes()
                    .enumerate()
                    .fold(0u64, |k, (i, c)| k | u64::from(c.to_ascii_lowercase()) << (8 * i));
                STOPWORD_KEYS.binary_search(&k).is_ok()
            }
        };
        let mut words: Vec<String> = Vec::new();
        for w in STOPWORDS {
            words.push(w.to_string());
            words.push(w.to_uppercase());
            words.push(format!("{w}s"));
            words.push(format!("{w}@"));
            words.push(format!("{w}\u{e9}"));
            words.push(w[1..].to_string());
        }
        for a in 0u8..128 {
            for b in 0u8..128 {
                words.push(String::from_utf8(vec![a, b]).unwrap_or_default());
                words.push(String::from_utf8(vec![b'i', a, b]).unwrap_or_default());
            }
        }
        words.extend(["THE", "tHe", "[he", "@nd", "`he", "{he", "Z", "z", "whetherr", ""].map(String::from));
        for w in &words {
            assert_eq!(is_stopword(w), reference(w), "{w:?}");
        }
    }

    #[test]
    fn ascii_flags_match_char_flags() {
        for b in 0u8..128 {
            assert_eq!(ASCII_FLAGS[usize::from(b)], char_flags(char::from(b)), "{b:#x}");
        }
    }

    /// The char-by-char definition `line_stats` had before its ASCII table.
    fn line_stats_reference(line: &str) -> LineStats {
        let mut s = LineStats::default();
        let mut word_start: Option<usize> = None;
        let mut prev_space = true;
        let mut pending_sep = false;
        let finish = |s: &mut LineStats, start: usize, end: usize| {
            let w = line[start..end].trim_end_matches(['\'', '’']);
            if w.is_empty() {
                return;
            }
            s.words += 1;
            if is_stopword(w) {
                s.stopwords += 1;
            }
            if w.chars().next().is_some_and(char::is_lowercase) {
                s.lower_initial += 1;
            }
        };
        for (i, c) in line.char_indices() {
            s.chars += 1;
            let in_word = c.is_alphanumeric()
                || (matches!(c, '\'' | '’') && word_start.is_some())
                || (c == '-' && word_start.is_some());
            if c.is_alphabetic() {
                s.letters += 1;
                if c as u32 > 0x24F && !matches!(c as u32, 0x1E00..=0x1EFF) {
                    s.non_latin_letters += 1;
                }
            }
            if in_word {
                if word_start.is_none() {
                    word_start = Some(i);
                }
            } else if let Some(st) = word_start.take() {
                finish(&mut s, st, i);
            }
            if c.is_whitespace() {
                if pending_sep {
                    s.separators += 1;
                }
                pending_sep = false;
                prev_space = true;
            } else {
                pending_sep = prev_space && matches!(c, '|' | '•' | '·' | '»' | '›' | '>' | '/');
                prev_space = false;
            }
        }
        if let Some(st) = word_start {
            finish(&mut s, st, line.len());
        }
        let tail = line.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '“' | '’' | '‘' | '»' | '«' | ')' | ']' | '*')
        });
        s.terminal = tail.ends_with(['.', '!', '?', '…', '。', '！', '？']);
        s
    }

    #[test]
    fn line_stats_matches_the_char_by_char_definition() {
        let alphabet: Vec<char> = "aZ9 '’-|•/>\t\u{a0}éДß·»x.!?”)\u{301}中".chars().collect();
        // Every string of up to 3 characters over a rule-exercising alphabet.
        let mut strings = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> =
                level.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            strings.extend(next.iter().cloned());
            level = next;
        }
        // Pseudo-random longer strings (xorshift, deterministic).
        let mut rng = crate::test_support::XorShift::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..rng.below(40) {
                t.push(alphabet[rng.below(alphabet.len())]);
            }
            strings.push(t);
        }
        strings.push("The call began at 3:35 pm, officials said.”".into());
        strings.push("Home | News | Sport » World / Ünïon — Президент".into());
        for t in &strings {
            assert_eq!(line_stats(t), line_stats_reference(t), "{t:?}");
        }
    }

    #[test]
    fn line_stats_ascii_runs_match_the_definition_on_corpora_and_long_words() {
        // Long ASCII words next to every class the run ends on (non-ASCII letters and marks,
        // joiners, separators, spaces), in pseudo-random order.
        let pieces = [
            "officials",
            "Said",
            "x9",
            "2021",
            "don't",
            "U.S.",
            "’s",
            "-",
            " | ",
            " ",
            "\t",
            "é",
            "Ünïon",
            "\u{301}",
            "Дом",
            "中文",
            "'",
            "whether",
            "THE",
            "a",
            "/",
            "»",
            "e-mail",
            "\u{a0}",
            "…",
        ];
        let mut strings: Vec<String> = Vec::new();
        let mut rng = crate::test_support::XorShift::new(0x2545_f491_4f6c_dd1d);
        strings.extend((0..20_000).map(|_| rng.string_of(&pieces, 24)));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for p in entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()) {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    strings.extend(text.lines().take(20_000).map(|l| l.trim().to_string()));
                }
            }
        } else {
            eprintln!("{} not found: corpus lines skipped", dir.display());
        }
        for t in &strings {
            assert_eq!(line_stats(t), line_stats_reference(t), "{t:?}");
        }
    }

    #[test]
    fn spanish_comment_line_is_foreign() {
        let l = "Tu dirección de correo electrónico no será publicada. Los campos obligatorios están marcados con *";
        assert_eq!(foreign_line(l, &line_stats(l)), Some("spa"));
    }

    #[test]
    fn english_and_names_are_not_foreign() {
        for l in [
            "The White House said the call began at 3:35 p.m. and lasted fifty minutes.",
            "Dasha Litvinova, Robert Burns, Juras Karmanov, Vladimir Isachenkov, Moscow, Kyiv",
            "Deja una respuesta",
            "Oleksiy Danilov Volodymyr Zelenskyy Dmitry Peskov Sergei Ryabkov Wendy Sherman",
        ] {
            assert_eq!(foreign_line(l, &line_stats(l)), None, "{l}");
        }
    }

    #[test]
    fn other_script_is_foreign() {
        let l = "Президент России Владимир Путин провёл телефонный разговор";
        assert!(foreign_line(l, &line_stats(l)).is_some());
    }

    #[test]
    fn document_languages() {
        let en =
            "The United States and its allies have refused to provide Russia with the guarantees it wants.";
        let es = "El presidente de Estados Unidos habló con su homólogo ruso sobre la crisis en la frontera de Ucrania.";
        let st_en = line_stats(en);
        let st_es = line_stats(es);
        assert_eq!(document_language([(en, &st_en)].into_iter()), Some("eng"));
        assert_eq!(document_language([(es, &st_es), (es, &st_es)].into_iter()), Some("spa"));
        assert_eq!(document_language(std::iter::empty()), None);
    }

    #[test]
    fn unreliable_guess_yields_to_english_stopwords() {
        // A meal plan round-tripped through Esperanto (web_eo): whatlang guessed French at
        // confidence 0.1 while a tenth of its words were English stopwords.
        assert_eq!(sample_language(Lang::Fra, false, 1000, 105), "eng");
        assert_eq!(sample_language(Lang::Fra, true, 1000, 105), "fra");
        // Galician and Spanish translations of English news, guessed unreliably.
        assert_eq!(sample_language(Lang::Spa, false, 1000, 66), "spa");
        assert_eq!(sample_language(Lang::Eng, false, 1000, 10), "eng");
    }
}

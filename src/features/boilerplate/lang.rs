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

fn is_stopword(word: &str) -> bool {
    let b = word.as_bytes();
    if b.is_empty() || b.len() > 8 || !b.is_ascii() {
        return false;
    }
    let mut k = 0u64;
    for (i, s) in b.iter().enumerate() {
        k |= (s.to_ascii_lowercase() as u64) << (8 * i);
    }
    STOPWORD_KEYS.binary_search(&k).is_ok()
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

/// Computes [`LineStats`] for a trimmed line in one pass.
pub fn line_stats(line: &str) -> LineStats {
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
        // a separator counts when surrounded by whitespace: "Home | News"
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

/// Identifies the language of a document from its longer lines (`(text, stats)` pairs): English
/// when most of their characters are in lines that look English by stopwords, else whatever
/// whatlang says about the first few KB. `None` when there is too little text to say.
pub fn document_language<'a>(
    lines: impl Iterator<Item = (&'a str, &'a LineStats)> + Clone,
) -> Option<&'static str> {
    let mut total = 0usize;
    let mut english = 0usize;
    let mut letters = 0usize;
    for (_, st) in lines.clone() {
        total += st.chars;
        letters += st.letters;
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
    Some(info.lang().code())
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
}

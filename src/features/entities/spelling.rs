//! Letter-trigram plausibility of a spelling: how many distinct reference surface forms hold each
//! trigram of lower-cased letters (word edges included). A name respelled by a spinner or a
//! careless rewrite often gains a trigram that English spelling almost never has ("Brtain":
//! "^br" "brt", "Gaullle": "lll", "Khrushhchev": "hhc"), while a real variant or another real
//! name does not ("Davos" / "Davis", "Jonas" / "Jones"). The entity family asks this only of an
//! unknown name one edit from a known one.

/// Letters a trigram position can hold: the word edge, `a`-`z`, and any other character.
const SYMBOLS: usize = 28;
/// The word edge's symbol.
const EDGE: usize = 0;
/// The symbol of every character outside `a`-`z` (after ASCII lower-casing).
const OTHER: usize = SYMBOLS - 1;

/// Letter-trigram counts over distinct surface forms (see the module documentation).
#[derive(Debug, Clone)]
pub struct LetterTrigrams {
    counts: Box<[u32]>,
    forms: u64,
}

impl Default for LetterTrigrams {
    fn default() -> Self {
        LetterTrigrams { counts: vec![0; SYMBOLS * SYMBOLS * SYMBOLS].into_boxed_slice(), forms: 0 }
    }
}

/// [`symbol`] of each byte, for ASCII words.
const ASCII_SYMBOL: [u8; 128] = {
    let mut t = [OTHER as u8; 128];
    let mut i = 0;
    while i < 26 {
        t[b'a' as usize + i] = i as u8 + 1;
        t[b'A' as usize + i] = i as u8 + 1;
        i += 1;
    }
    t
};

fn symbol(c: char) -> usize {
    let c = c.to_ascii_lowercase();
    if c.is_ascii_lowercase() { usize::from(c as u8 - b'a') + 1 } else { OTHER }
}

/// Calls `f` with each trigram id of `w` with its edges ("^ab", "abc", ..., "yz$"), in order.
#[inline]
fn for_each_trigram(w: &str, mut f: impl FnMut(usize)) {
    // The id of the last two symbols; the first trigram is "^" + the first two letters ("^^a"
    // is not one), so the first symbol only fills the window.
    let mut pair = EDGE;
    let mut first = true;
    let mut step = |c: usize| {
        if !first {
            f(pair * SYMBOLS + c);
        }
        first = false;
        pair = pair % SYMBOLS * SYMBOLS + c;
    };
    if w.is_ascii() {
        for &b in w.as_bytes() {
            step(usize::from(ASCII_SYMBOL[usize::from(b)]));
        }
    } else {
        for c in w.chars() {
            step(symbol(c));
        }
    }
    if !w.is_empty() {
        step(EDGE);
    }
}

/// The trigram ids of `w` ([`for_each_trigram`]) into `out`.
fn trigrams_into(w: &str, out: &mut Vec<usize>) {
    out.clear();
    for_each_trigram(w, |i| out.push(i));
}

impl LetterTrigrams {
    /// A trigram held by at most this many distinct reference forms is rare. Chosen on generated
    /// respellings and clean text (EVALUATION.md, "Entity evidence"): at 3, no clean BBC or
    /// generated original had a flag, while 10 began to call "Davos" a "Davis".
    pub const RARE_FORMS: u32 = 3;

    /// Counts the trigrams of `forms`, each form taken once per distinct trigram (a form
    /// repeated in the iterator counts again: give each form once).
    pub fn build<'s>(forms_in: impl IntoIterator<Item = &'s str>) -> LetterTrigrams {
        let mut t = LetterTrigrams::default();
        // The last form (numbered from 1) that counted each trigram: a form counts a trigram
        // once however often it holds it, without sorting its trigrams.
        let mut last = vec![0u32; t.counts.len()];
        let counts = &mut t.counts;
        let mut forms = 0u64;
        for f in forms_in {
            if f.is_empty() {
                continue;
            }
            forms += 1;
            let stamp = forms as u32;
            for_each_trigram(f, |i| {
                if last[i] != stamp {
                    last[i] = stamp;
                    counts[i] = counts[i].saturating_add(1);
                }
            });
        }
        t.forms = forms;
        t
    }

    /// Number of forms counted.
    pub fn forms(&self) -> u64 {
        self.forms
    }

    /// Distinct forms holding the trigram `tri` (three characters; `^` or `$` for a word edge).
    pub fn count(&self, tri: &str) -> u32 {
        let s: Vec<usize> =
            tri.chars().map(|c| if c == '^' || c == '$' { EDGE } else { symbol(c) }).collect();
        match s[..] {
            [a, b, c] => self.counts[(a * SYMBOLS + b) * SYMBOLS + c],
            _ => 0,
        }
    }

    /// The rarest trigram of `form` that `other` does not hold, when it is rare
    /// ([`LetterTrigrams::RARE_FORMS`] forms or fewer), as the three characters (`^`/`$` for the edges). `None`
    /// when every trigram `form` adds to `other`'s is common enough, or when the table is
    /// empty.
    pub fn rare_gain(&self, form: &str, other: &str) -> Option<String> {
        if self.forms == 0 {
            return None;
        }
        let (mut mine, mut theirs) = (Vec::new(), Vec::new());
        trigrams_into(form, &mut mine);
        trigrams_into(other, &mut theirs);
        let (n, id) = mine.iter().filter(|i| !theirs.contains(i)).map(|&i| (self.counts[i], i)).min()?;
        (n <= Self::RARE_FORMS).then(|| trigram_text(id))
    }
}

/// A trigram id as text: `^` and `$` for the edges, `?` for a character outside `a`-`z`.
fn trigram_text(id: usize) -> String {
    let show = |s: usize, edge: char| match s {
        EDGE => edge,
        OTHER => '?',
        s => char::from(b'a' + (s - 1) as u8),
    };
    let (a, b, c) = (id / (SYMBOLS * SYMBOLS), id / SYMBOLS % SYMBOLS, id % SYMBOLS);
    [show(a, '^'), show(b, '^'), show(c, '$')].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(w: &str) -> Vec<String> {
        let mut out = Vec::new();
        trigrams_into(w, &mut out);
        out.iter().map(|&id| trigram_text(id)).collect()
    }

    #[test]
    fn trigrams_with_edges() {
        assert_eq!(ids("Brtain"), ["^br", "brt", "rta", "tai", "ain", "in$"]);
        assert_eq!(ids("Ab"), ["^ab", "ab$"]);
        assert_eq!(ids("A"), ["^a$"]);
        assert!(ids("").is_empty());
        assert_eq!(ids("Zoë"), ["^zo", "zo?", "o?$"]);
    }

    #[test]
    fn ascii_table_is_the_symbol_rule() {
        for b in 0u8..128 {
            assert_eq!(usize::from(ASCII_SYMBOL[usize::from(b)]), symbol(char::from(b)), "{b}");
        }
    }

    #[test]
    fn counts_forms_once_each() {
        let t = LetterTrigrams::build(["Britain", "British", "brain", "lll", "Bill"]);
        assert_eq!(t.forms(), 5);
        assert_eq!(t.count("^br"), 3);
        assert_eq!(t.count("lll"), 1);
        assert_eq!(t.count("ll$"), 2);
        assert_eq!(t.count("xyz"), 0);
        assert_eq!(t.count("xy"), 0);
    }

    #[test]
    fn rare_gain_finds_the_trigram_an_edit_brings_in() {
        // Enough English to make common trigrams common.
        let words = "britain british brigade bring bright train brain gain certain again \
                     atlantic plant planet gaul gaulle paul fall tall all ball hall call \
                     davis davos jones jonas kernel david dave avid vivid";
        let forms: Vec<String> = words.split_whitespace().map(str::to_string).collect();
        let t = LetterTrigrams::build(forms.iter().map(String::as_str));
        assert_eq!(t.rare_gain("Brtain", "Britain").as_deref(), Some("brt"));
        assert_eq!(t.rare_gain("Gaullle", "Gaulle").as_deref(), Some("lll"));
        // The edit's trigrams are all seen in more than RARE_FORMS forms: quiet.
        let common = LetterTrigrams::build(["avos", "bavos", "cavos", "lavos", "navos"]);
        assert_eq!(common.rare_gain("Davos", "Davis"), None);
        assert_eq!(LetterTrigrams::default().rare_gain("Brtain", "Britain"), None);
        // A form with nothing new is quiet.
        assert_eq!(t.rare_gain("Britain", "Britain"), None);
    }
}

//! Obfuscated words: Latin words with Cyrillic or Greek look-alike letters ("gоvernment" with a
//! Cyrillic "о") or invisible characters inside them ("mini\u{200b}ster"). Scrapers write copies
//! this way so that duplicate detectors miss them; in English prose neither happens by accident.
//!
//! Only non-ASCII word tokens are examined, so ASCII text costs one byte scan per word.

use super::context::Ctx;
use super::{evidence, kinds};
use crate::features::Evidence;
use crate::tokenize::TokenKind;

/// Strength of an obfuscated word: certain evidence, as strong as a clear entity garble.
pub(super) const STRENGTH: f64 = 3.0;

/// The Latin letter a Cyrillic or Greek letter is drawn like, if it is a look-alike.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'һ' => 'h',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        // Greek
        'ο' => 'o',
        'α' => 'a',
        'ν' => 'v',
        'ι' => 'i',
        'κ' => 'k',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        _ => return None,
    })
}

/// Characters that are invisible when printed and have no business between two letters of an
/// English word (the soft hyphen, a legitimate hyphenation hint, is not one of them).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Is `c` a Latin letter (ASCII or accented)?
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && ('\u{c0}'..='\u{24f}').contains(&c))
}

/// What an obfuscated word was written to look like: look-alikes back to Latin letters,
/// invisible characters dropped. `None` when the word is not obfuscated: it has no look-alike
/// or invisible character, or fewer than two Latin letters (a Greek or Cyrillic word, or a unit
/// such as "μm"), or its other letters are neither Latin nor look-alikes.
pub(super) fn revealed(word: &str) -> Option<String> {
    if word.is_ascii() {
        return None;
    }
    let (mut latin, mut tricks) = (0usize, 0usize);
    let mut out = String::with_capacity(word.len());
    let mut prev_letter = false;
    let mut pending_invisible = false;
    for c in word.chars() {
        if is_invisible(c) {
            // Counts only between two letters (a joiner at an edge is segmentation residue).
            pending_invisible |= prev_letter;
            continue;
        }
        if is_latin_letter(c) {
            latin += 1;
            out.push(c);
        } else if let Some(l) = latin_lookalike(c) {
            tricks += 1;
            out.push(l);
        } else if c.is_alphabetic() {
            return None; // a letter of another script that looks like nothing Latin
        } else {
            out.push(c);
        }
        let letter = c.is_alphabetic();
        if pending_invisible && letter {
            tricks += 1;
        }
        pending_invisible = false;
        prev_letter = letter;
    }
    (tricks > 0 && latin >= 2).then_some(out)
}

/// Flags every obfuscated word of the content: word tokens [`revealed`] finds, and two words
/// joined by a run of zero-width spaces (which splits a word into two tokens).
pub(super) fn find(ctx: &Ctx<'_>, ev: &mut Vec<Evidence>) {
    // Look-alikes and invisible characters are all non-ASCII.
    if ctx.text.is_ascii() {
        return;
    }
    let (toks, bytes) = (ctx.toks, ctx.text.as_bytes());
    for (i, t) in toks.iter().enumerate() {
        if bytes[t.start()..t.end()].is_ascii() {
            continue;
        }
        match t.kind {
            TokenKind::Word => {
                let w = ctx.tok(i);
                if let Some(shown) = revealed(w) {
                    let note =
                        format!("\u{201c}{shown}\u{201d} written with look-alike or invisible characters");
                    ev.push(evidence(kinds::OBFUSCATED, t.start(), t.end(), STRENGTH, note, Some(shown)));
                }
            }
            TokenKind::Symbol => {
                let s = ctx.tok(i);
                if !s.chars().all(|c| c == '\u{200b}') {
                    continue;
                }
                let (Some(a), Some(b)) = (i.checked_sub(1).and_then(|k| toks.get(k)), toks.get(i + 1)) else {
                    continue;
                };
                if a.kind != TokenKind::Word
                    || b.kind != TokenKind::Word
                    || a.end() != t.start()
                    || t.end() != b.start()
                {
                    continue;
                }
                let shown = format!("{}{}", ctx.tok(i - 1), ctx.tok(i + 1));
                let note = format!("\u{201c}{shown}\u{201d} split by an invisible space");
                ev.push(evidence(kinds::OBFUSCATED, a.start(), b.end(), STRENGTH, note, Some(shown)));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::entities::test_support::run;

    #[test]
    fn look_alikes_and_invisible_characters_are_revealed() {
        assert_eq!(revealed("gоvernment").as_deref(), Some("government")); // Cyrillic о
        assert_eq!(revealed("Рutin").as_deref(), Some("Putin")); // Cyrillic Р
        assert_eq!(revealed("οfficials").as_deref(), Some("officials")); // Greek ο
        assert_eq!(revealed("co\u{200d}operation").as_deref(), Some("cooperation"));
        assert_eq!(revealed("min\u{feff}ister").as_deref(), Some("minister"));
        assert_eq!(revealed("caf\u{e9}\u{200c}s").as_deref(), Some("caf\u{e9}s"));
    }

    #[test]
    fn real_words_of_other_scripts_and_units_are_not_obfuscation() {
        for w in [
            "government",
            "café",
            "Zürich",
            "Москва",         // Cyrillic word
            "Αθήνα",          // Greek word
            "μm",             // unit
            "μg",             // unit
            "soft\u{ad}ware", // a soft hyphen is a hyphenation hint
            "\u{200d}ok",     // joiner at an edge
            "ok\u{200d}",
            "xо", // one Latin letter
            "αβγ",
        ] {
            assert_eq!(revealed(w), None, "{w}");
        }
    }

    #[test]
    fn flags_obfuscated_words_and_words_split_by_zero_width_spaces() {
        let text = "The gоvernment said on Tuesday that talks would go on.\n\
                    The prime mini\u{200b}ster told reporters that progress had been made.\n\
                    Officials met in Москва and measured 5 μm of dust on the café floor.\n";
        let ev = run(&crate::features::entities::test_support::reference(), text).evidence;
        let got: Vec<(&str, &str)> = ev
            .iter()
            .filter(|e| e.kind == kinds::OBFUSCATED)
            .map(|e| (&text[e.start..e.end], e.suggestion.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(got, [("gоvernment", "government"), ("mini\u{200b}ster", "minister")]);
    }
}

//! Figures whose magnitude or currency changes within the document: "$1.13bn" in one place and
//! "1.13 trillion dollars" in another (long-scale "billón" read as a trillion is a classic
//! round-trip error). Only distinctive figures are compared (a decimal point or three
//! significant digits), so "2 million ... 2 billion" or "30bn ... 30 trillion rupiah" in clean
//! text is left alone, and only amounts in the same currency (or with none given).

use rustc_hash::FxHashMap as HashMap;

use super::context::Ctx;
use super::{evidence, kinds};
use crate::features::Evidence;
use crate::tokenize::TokenKind;

/// Most distinct figures tracked per document.
const MAX_FIGURES: usize = 2000;

fn magnitude(s: &str) -> Option<u8> {
    Some(match s.to_ascii_lowercase().as_str() {
        "k" | "thousand" | "thousands" => 3,
        "m" | "mn" | "million" | "millions" => 6,
        "bn" | "b" | "billion" | "billions" => 9,
        "tn" | "trillion" | "trillions" => 12,
        _ => return None,
    })
}

fn currency(s: &str) -> Option<&'static str> {
    Some(match s.to_ascii_lowercase().as_str() {
        "$" | "dollar" | "dollars" | "usd" => "dollar",
        "£" | "pound" | "pounds" | "gbp" | "sterling" => "pound",
        "€" | "euro" | "euros" | "eur" => "euro",
        "¥" | "yen" => "yen",
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
struct Amount {
    start: usize,
    end: usize,
    mag: u8,
    cur: Option<&'static str>,
}

/// Distinctive figures keep their digits; others (single significant digit, no decimals) are
/// skipped.
fn distinctive(m: &str) -> bool {
    let sig = m.trim_start_matches(['0', '.', ',']).chars().filter(char::is_ascii_digit).count();
    m.contains('.') || sig >= 3
}

pub(super) fn find(ctx: &Ctx<'_>, ev: &mut Vec<Evidence>) {
    let mut figures: HashMap<&str, Vec<Amount>> = HashMap::default();
    let mut order: Vec<&str> = Vec::new();
    for i in 0..ctx.toks.len() {
        let t = ctx.toks[i];
        if t.kind != TokenKind::Number {
            continue;
        }
        let s = ctx.tok(i);
        let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(s.len());
        let mantissa = s[..split].trim_end_matches(['.', ',']);
        let suffix = &s[split..];
        if mantissa.is_empty() || !distinctive(mantissa) {
            continue;
        }
        let mut start = t.start();
        let mut end = t.end();
        let mut cur = None;
        if i > 0 && ctx.toks[i - 1].end() == t.start() {
            cur = currency(ctx.tok(i - 1));
            if cur.is_some() {
                start = ctx.toks[i - 1].start();
            }
        }
        let mut next = ctx.next_adjacent(i);
        let mag = if suffix.is_empty() {
            let m = next.and_then(|k| magnitude(ctx.tok(k)));
            if m.is_some() {
                end = ctx.toks[next.unwrap_or(i)].end();
                next = next.and_then(|k| ctx.next_adjacent(k));
            }
            m
        } else {
            magnitude(suffix)
        };
        let Some(mag) = mag else { continue };
        if cur.is_none()
            && let Some(k) = next
            && let Some(c) = currency(ctx.tok(k))
        {
            cur = Some(c);
            end = ctx.toks[k].end();
        }
        if !figures.contains_key(mantissa) {
            if figures.len() >= MAX_FIGURES {
                continue;
            }
            order.push(mantissa);
        }
        figures.entry(mantissa).or_default().push(Amount { start, end, mag, cur });
    }

    for m in order {
        let amounts = &figures[m];
        let mut by_mag: Vec<(u8, usize, usize)> = Vec::new(); // (magnitude, count, first index)
        for (k, a) in amounts.iter().enumerate() {
            match by_mag.iter_mut().find(|x| x.0 == a.mag) {
                Some(x) => x.1 += 1,
                None => by_mag.push((a.mag, 1, k)),
            }
        }
        // Amounts in two currencies are two amounts ("£40m" and "$40m").
        let curs: Vec<&str> = amounts.iter().filter_map(|a| a.cur).collect();
        if by_mag.len() < 2 || curs.iter().any(|c| *c != curs[0]) {
            continue;
        }
        let best = by_mag.iter().max_by_key(|x| (x.1, std::cmp::Reverse(x.2))).copied();
        let Some((best_mag, best_n, best_first)) = best else {
            continue;
        };
        let tie = by_mag.iter().filter(|x| x.1 == best_n).count() > 1;
        let canon = amounts[best_first];
        let canon_text = &ctx.text[canon.start..canon.end];
        for a in amounts {
            let differs = a.mag != best_mag;
            if !differs && !tie {
                continue;
            }
            let shown = &ctx.text[a.start..a.end];
            let note =
                format!("\u{201c}{shown}\u{201d}: the same figure appears as \u{201c}{canon_text}\u{201d}");
            let sugg = (!tie && differs).then(|| canon_text.to_string());
            ev.push(evidence(kinds::NUMBER_GARBLE, a.start, a.end, 1.0, note, sugg));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds;
    use super::super::test_support::{flags, reference, run};

    #[test]
    fn magnitude_change() {
        let lex = reference();
        let t = "Yukos paid $1.13bn for it. The firm paid $1.13bn in 2004, and the state took \
                 1.13 trillion dollars from it.";
        let out = run(&lex, t);
        assert_eq!(
            flags(t, &out.evidence),
            [(kinds::NUMBER_GARBLE, "1.13 trillion dollars", Some("$1.13bn"))]
        );
    }

    #[test]
    fn consistent_or_generic_figures_are_quiet() {
        let lex = reference();
        for t in [
            "It cost $1.13bn. Later the $1.13bn deal and 1.13 billion dollars were paid.",
            "2 million people and 2 billion dollars were paid in 2004.",
            "It rose 3.5% to 3.5 points.",
            "It is $5.4bn; 5.4bn; 1.13bn 1.",
            "It was £40.5m ($40.5bn) and 30 trillion rupiah or 30bn.",
        ] {
            let out = run(&lex, t);
            assert!(out.evidence.is_empty(), "{t}: {:?}", flags(t, &out.evidence));
        }
    }
}

//! Spinner templates left in the text: "{said|stated|noted}". Article spinners write their
//! rewrites as spin syntax, alternatives in braces separated by bars, and pick one of each
//! group per copy; a copy published with a group unpicked shows the machinery. English prose has
//! no such groups; code, wiki markup and shell braces are told apart by what may stand in one
//! (words only, single braces, at least two alternatives).

use super::context::Ctx;
use super::{evidence, kinds};
use crate::features::Evidence;
use crate::tokenize::TokenKind;

/// Strength of a template left in the text: certain evidence of a spinner.
pub(super) const STRENGTH: f64 = 3.0;

/// Words one alternative may have.
const MAX_WORDS: usize = 6;
/// Alternatives one group may have.
const MAX_ALTERNATIVES: usize = 12;

/// The end (token index of the closing brace) of a spin group opening at token `i`, when the
/// tokens from `i` read `{ words | words [| words ...] }` on one line: each alternative 1 to
/// [`MAX_WORDS`] words (hyphens and apostrophes may join them), 2 to [`MAX_ALTERNATIVES`]
/// alternatives, and no brace right before or after (wiki and template markup double them).
fn group_end(ctx: &Ctx<'_>, i: usize) -> Option<usize> {
    if ctx.tok(i) != "{"
        || i.checked_sub(1).is_some_and(|p| ctx.tok(p) == "{" && ctx.next_adjacent(p) == Some(i))
    {
        return None;
    }
    let (mut words, mut alternatives) = (0usize, 1usize);
    let mut k = i;
    loop {
        k = ctx.next_adjacent(k)?;
        let t = ctx.toks[k];
        match (t.kind, ctx.tok(k)) {
            (TokenKind::Word, _) => {
                words += 1;
                if words > MAX_WORDS {
                    return None;
                }
            }
            (TokenKind::Punct, "-" | "'" | "\u{2019}") if words > 0 => {}
            (TokenKind::Symbol, "|") if words > 0 => {
                alternatives += 1;
                if alternatives > MAX_ALTERNATIVES {
                    return None;
                }
                words = 0;
            }
            (TokenKind::Punct, "}") if words > 0 && alternatives >= 2 => {
                let doubled = ctx.next_adjacent(k).is_some_and(|n| ctx.tok(n) == "}");
                return (!doubled).then_some(k);
            }
            _ => return None,
        }
    }
}

/// Flags every spin group left in the content.
pub(super) fn find(ctx: &Ctx<'_>, ev: &mut Vec<Evidence>) {
    let bytes = ctx.text.as_bytes();
    if memchr::memchr(b'{', bytes).is_none() {
        return;
    }
    let mut i = 0;
    while i < ctx.toks.len() {
        let t = ctx.toks[i];
        if t.kind != TokenKind::Punct || bytes.get(t.start()) != Some(&b'{') {
            i += 1;
            continue;
        }
        if let Some(end) = group_end(ctx, i) {
            let (start, stop) = (ctx.toks[i].start(), ctx.toks[end].end());
            let shown = &ctx.text[start..stop];
            let note = format!("spinner template \u{201c}{shown}\u{201d} left in the text");
            ev.push(evidence(kinds::SPIN_TEMPLATE, start, stop, STRENGTH, note, None));
            i = end + 1;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::entities::test_support::{reference, run};

    fn groups(text: &str) -> Vec<&str> {
        run(&reference(), text)
            .evidence
            .iter()
            .filter(|e| e.kind == kinds::SPIN_TEMPLATE)
            .map(|e| &text[e.start..e.end])
            .collect()
    }

    #[test]
    fn spin_groups_are_flagged() {
        let text = "The minister {said|stated|noted} that talks would go on. \
                    Officials {met for five hours|held long talks} and agreed to {re-meet|meet again}. \
                    It is the {country's|nation\u{2019}s} first deal in {years|a {long|very long} time}.";
        assert_eq!(
            groups(text),
            [
                "{said|stated|noted}",
                "{met for five hours|held long talks}",
                "{re-meet|meet again}",
                "{country's|nation\u{2019}s}",
                "{long|very long}",
            ]
        );
    }

    #[test]
    fn code_markup_and_prose_braces_are_not_spin_groups() {
        for text in [
            "Use the template {{cite|title=Report|year=2020}} here.",
            "The set {a, b, c} is finite.",
            "Run mkdir {src,tests} now.",
            "A pipe | in prose and {braces} alone.",
            "{only one alternative}",
            "{a||b} is odd.",
            "{|a|b} and {a|b|} are not groups.",
            "An unclosed {said|stated group runs on\n} to the next line.",
            "{one two three four five six seven|eight} is too long.",
        ] {
            assert!(groups(text).is_empty(), "{text}: {:?}", groups(text));
        }
        // Single letters are words: a set-builder "{x|y}" reads as a spin group. Rare in prose.
        assert_eq!(groups("returns {x|y} here"), ["{x|y}"]);
    }
}

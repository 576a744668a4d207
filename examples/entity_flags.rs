//! Runs the entity family over documents and prints its flags, a flag-rate summary and,
//! for labelled JSONL (`group`, `label`, `degradation`), pair accuracy and AUC of each feature.
//!
//! ```text
//! cargo run --release --example entity_flags -- --lexicon lm.txt [--quiet] [--pairs] INPUT...
//! ```
//! INPUT is a `.jsonl` file (one `{"id", "text", ...}` object a line) or a plain text file (one
//! document). All lines are treated as content. The lexicon is a [`CountLexicon`] counted from
//! the `--lexicon` text files (for example `scripts/corpus_split.py --part lm` output).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use spinscore::document::DocView;
use spinscore::features::boilerplate::{LineClass, LineInfo};
use spinscore::features::entities;
use spinscore::lexicon::CountLexicon;
use spinscore::segment::{lines, sentences};
use spinscore::tokenize::tokenize;

struct Doc {
    id: String,
    text: String,
    group: Option<String>,
    label: Option<String>,
    degradation: Option<f64>,
}

fn read_docs(path: &str) -> Vec<Doc> {
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    if !path.ends_with(".jsonl") {
        return vec![Doc { id: path.to_string(), text: data, group: None, label: None, degradation: None }];
    }
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", n + 1));
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            Doc {
                id: s("id").unwrap_or_else(|| format!("{path}:{}", n + 1)),
                text: s("text").unwrap_or_default(),
                group: s("group"),
                label: s("label"),
                degradation: v.get("degradation").and_then(|x| x.as_f64()),
            }
        })
        .collect()
}

fn main() {
    let mut lex = CountLexicon::new();
    let mut inputs = Vec::new();
    let (mut quiet, mut pairs) = (false, false);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lexicon" => {
                let p = args.next().expect("--lexicon FILE");
                let t = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
                lex.add_text(&t);
            }
            "--quiet" => quiet = true,
            "--pairs" => pairs = true,
            _ => inputs.push(a),
        }
    }
    eprintln!("lexicon: {} surface forms, {} tokens", lex.len(), spinscore::Lexicon::total_tokens(&lex));
    let docs: Vec<Doc> = inputs.iter().flat_map(|p| read_docs(p)).collect();

    let t0 = Instant::now();
    let (mut words, mut flags) = (0.0, 0usize);
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut feats: Vec<Vec<(&'static str, Option<f64>)>> = Vec::new();
    for d in &docs {
        let text = d.text.as_str();
        let toks = tokenize(text);
        let sents = sentences(text, &toks);
        let ls: Vec<LineInfo> = lines(text)
            .into_iter()
            .map(|span| LineInfo { span, class: LineClass::Content, reason: "content" })
            .collect();
        let view = DocView { text, lines: &ls, tokens: &toks, sentences: &sents };
        let out = entities::analyze(&lex, &view);
        let w = out.get(entities::names_of_features::WORDS).unwrap_or(0.0);
        words += w;
        flags += out.evidence.len();
        if !quiet {
            println!("{}\twords={}\tflags={}", d.id, w, out.evidence.len());
        }
        for e in &out.evidence {
            *by_kind.entry(e.kind).or_default() += 1;
            if !quiet {
                let s = e.suggestion.as_deref().map(|s| format!(" -> {s}")).unwrap_or_default();
                println!(
                    "  {:<18} {}..{} \u{201c}{}\u{201d}{}  ({:.2}; {})",
                    e.kind,
                    e.start,
                    e.end,
                    &text[e.start..e.end],
                    s,
                    e.strength,
                    e.note
                );
            }
        }
        feats.push(out.features.iter().map(|f| (f.name, f.value)).collect());
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "SUMMARY docs={} words={} flags={} flags_per_10k_words={:.2} secs={:.2}",
        docs.len(),
        words,
        flags,
        1e4 * flags as f64 / words.max(1.0),
        secs
    );
    for (k, n) in &by_kind {
        println!("  {k}: {n} ({:.2} per 10k words)", 1e4 * *n as f64 / words.max(1.0));
    }
    if pairs {
        report_pairs(&docs, &feats);
    }
}

/// Per feature: accuracy over ordered pairs within a group (more degraded should score higher,
/// ties count half) and AUC of garbled against clean documents.
fn report_pairs(docs: &[Doc], feats: &[Vec<(&'static str, Option<f64>)>]) {
    let Some(names) = feats.first().map(|f| f.iter().map(|x| x.0).collect::<Vec<_>>()) else {
        return;
    };
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(g) = &d.group {
            groups.entry(g).or_default().push(i);
        }
    }
    println!("PAIRS feature pair_accuracy (pairs) auc");
    for (fi, name) in names.iter().enumerate() {
        let val = |i: usize| feats[i].get(fi).and_then(|x| x.1).unwrap_or(0.0);
        let (mut right, mut n) = (0.0, 0usize);
        for members in groups.values() {
            for &a in members {
                for &b in members {
                    let (Some(da), Some(db)) = (docs[a].degradation, docs[b].degradation) else {
                        continue;
                    };
                    if da > db {
                        n += 1;
                        right += match val(a).partial_cmp(&val(b)) {
                            Some(std::cmp::Ordering::Greater) => 1.0,
                            Some(std::cmp::Ordering::Equal) => 0.5,
                            _ => 0.0,
                        };
                    }
                }
            }
        }
        let pos: Vec<f64> =
            (0..docs.len()).filter(|&i| docs[i].label.as_deref() == Some("garbled")).map(val).collect();
        let neg: Vec<f64> =
            (0..docs.len()).filter(|&i| docs[i].label.as_deref() == Some("clean")).map(val).collect();
        let mut auc = 0.0;
        for p in &pos {
            for q in &neg {
                auc += if p > q {
                    1.0
                } else if p == q {
                    0.5
                } else {
                    0.0
                };
            }
        }
        let auc = auc / (pos.len() * neg.len()).max(1) as f64;
        println!("  {name:<28} {:.3} ({n}) {auc:.3}", right / n.max(1) as f64);
    }
}

//! Pairwise anchor similarity of documents (JSONL with id/text, or text files): for choosing the
//! clustering threshold. Prints the highest similarities between different groups and the lowest
//! within a group (JSONL with a "group" field).
//!   cargo run --release --example cluster_sim -- FILE.jsonl [--top N]
use spinscore::Model;
use spinscore::features::consensus::{Member, anchors, similarity, weighted_overlap};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let top: usize = args
        .iter()
        .position(|a| a == "--top")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let mut docs: Vec<(String, String, String)> = Vec::new();
    for a in args.iter().filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err()) {
        let body = std::fs::read_to_string(a).expect("read");
        if a.ends_with(".jsonl") {
            for l in body.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(l).expect("json");
                let g = v.get("group").map(|g| g.to_string()).unwrap_or_else(|| v["id"].to_string());
                docs.push((v["id"].to_string(), g, v["text"].as_str().unwrap_or("").to_string()));
            }
        } else {
            docs.push((a.clone(), "files".into(), body));
        }
    }
    // Content tokens only, as the pipeline clusters them.
    let engine = spinscore::pipeline::Engine::new(
        Model::embedded(),
        spinscore::score::Scorer::embedded(),
        spinscore::pipeline::Options::default(),
    );
    let analyses: Vec<_> = docs
        .iter()
        .map(|d| engine.analyze(&spinscore::Document::new("x", "s", d.2.clone()), &Default::default()))
        .collect();
    let toks: Vec<_> = analyses.iter().map(|a| a.tokens.clone()).collect();
    let sents: Vec<_> = analyses.iter().map(|a| a.sentences.clone()).collect();
    let members: Vec<Member<'_>> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| Member {
            text: &d.2,
            tokens: &toks[i],
            sentences: &sents[i],
            disfluency: None,
            roundtrip: None,
        })
        .collect();
    let model = Model::embedded();
    let mut between = Vec::new();
    let mut within = Vec::new();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let s = if std::env::var_os("OVERLAP").is_some() {
                weighted_overlap(&anchors(model, &members[i]).names, &anchors(model, &members[j]).names)
            } else {
                similarity(model, &members[i], &members[j])
            };
            if docs[i].1 == docs[j].1 { within.push((s, i, j)) } else { between.push((s, i, j)) }
        }
    }
    between.sort_by(|a, b| b.0.total_cmp(&a.0));
    within.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!("highest between groups ({} pairs):", between.len());
    for (s, i, j) in between.iter().take(top) {
        println!("  {s:.3}  {}  {}", docs[*i].0, docs[*j].0);
    }
    println!("lowest within groups ({} pairs):", within.len());
    for (s, i, j) in within.iter().take(top) {
        println!("  {s:.3}  {}  {}", docs[*i].0, docs[*j].0);
    }
}

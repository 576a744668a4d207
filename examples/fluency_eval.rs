//! Runs the fluency family over every document of a dataset JSONL (all lines treated as
//! content) and prints one JSON object per document: `{"id": ..., "features": {name: value}}`.
//!
//! `cargo run --release --example fluency_eval -- DATASET.jsonl [MODEL]`
//! (the embedded default model when MODEL is left out). `scripts/fluency_metrics.py` turns the
//! output into AUC and pair accuracy per feature.

use std::io::{BufRead, Write};

use spinscore::features::fluency;
use spinscore::model::{ContrastModel, Model};
use spinscore::{DocView, segment, tokenize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: fluency_eval DATASET.jsonl [MODEL]")?;
    let owned;
    let model: &Model = match args.get(2) {
        Some(p) => {
            let t = std::time::Instant::now();
            owned = Model::open_path(p)?;
            eprintln!("opened {p} in {:?}", t.elapsed());
            &owned
        }
        None => Model::embedded(),
    };
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut bytes = 0usize;
    let t = std::time::Instant::now();
    for line in f.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: serde_json::Value = serde_json::from_str(&line)?;
        let text = rec["text"].as_str().unwrap_or("");
        bytes += text.len();
        let tokens = tokenize::tokenize(text);
        let sentences = segment::sentences(text, &tokens);
        let doc = DocView { text, lines: &[], tokens: &tokens, sentences: &sentences };
        let fo = fluency::analyze(model, model.is_default().then(ContrastModel::roundtrip_embedded), &doc);
        let feats: serde_json::Map<String, serde_json::Value> =
            fo.features.iter().map(|f| (f.name.to_string(), serde_json::json!(f.value))).collect();
        let ev: Vec<_> = fo.evidence.iter().map(|e| serde_json::json!([e.kind, e.note])).collect();
        writeln!(out, "{}", serde_json::json!({"id": rec["id"], "features": feats, "evidence": ev}))?;
    }
    let s = t.elapsed().as_secs_f64();
    eprintln!("{bytes} bytes in {s:.3} s: {:.1} MB/s", bytes as f64 / s / 1e6);
    Ok(())
}

//! Builds the synonym table (`models/synonyms.bin`) from the TSV of `scripts/synonyms_tsv.py`,
//! keeping only candidates the reference model has seen at least `MIN_COUNT` times (a candidate
//! must be scorable; the word itself may be unknown to the model, as a spinner's rare pick often
//! is), each word's candidates most frequent first, at most `MAX_CANDIDATES` of them.
//!
//! `cargo run --release --example build_synonyms -- SYNONYMS.tsv OUT.bin [MODEL]`
//! (the embedded default model when MODEL is left out). `scripts/build_synonyms.sh` runs both.

use std::io::BufRead;

use spinscore::model::Model;
use spinscore::model::format::UNK;
use spinscore::synonyms::Synonyms;

/// Training count a candidate needs in the model.
const MIN_COUNT: u32 = 3;
/// Candidates kept per word.
const MAX_CANDIDATES: usize = 24;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(tsv), Some(out)) = (args.get(1), args.get(2)) else {
        return Err("usage: build_synonyms SYNONYMS.tsv OUT.bin [MODEL]".into());
    };
    let owned;
    let model: &Model = match args.get(3) {
        Some(p) => {
            owned = Model::open_path(p)?;
            &owned
        }
        None => Model::embedded(),
    };
    let count = |w: &str| match model.word_id(w) {
        UNK => 0,
        id => model.unigram(id).count,
    };
    let mut entries = Vec::new();
    let (mut pairs, mut lines) = (0usize, 0usize);
    for (n, line) in std::io::BufReader::new(std::fs::File::open(tsv)?).lines().enumerate() {
        let line = line.map_err(|e| format!("{tsv}:{}: {e}", n + 1))?;
        lines += 1;
        let mut fields = line.split('\t');
        let Some(word) = fields.next() else { continue };
        let mut cands: Vec<(u32, &str)> =
            fields.map(|s| (count(s), s)).filter(|&(c, s)| c >= MIN_COUNT && s != word).collect();
        cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        cands.dedup_by(|a, b| a.1 == b.1);
        cands.truncate(MAX_CANDIDATES);
        pairs += cands.len();
        entries.push((word.to_string(), cands.into_iter().map(|(_, s)| s.to_string()).collect()));
    }
    let bytes = Synonyms::build(entries)?;
    std::fs::write(out, &bytes)?;
    let t = Synonyms::from_bytes(bytes)?;
    eprintln!(
        "{out}: {} words with candidates ({pairs} pairs) from {lines} lines, {} bytes",
        t.len(),
        std::fs::metadata(out)?.len()
    );
    Ok(())
}

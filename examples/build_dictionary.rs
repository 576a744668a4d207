//! Builds the word list `models/dictionary.fst` ([`spinscore::dictionary`]) from word-list files
//! of one word a line: the words written only in ASCII lower-case letters are kept (names,
//! possessives and accented words are left out), sorted and deduplicated into an fst set.
//!
//! `cargo run --release --example build_dictionary -- OUT.fst LIST...`
//! (`scripts/build_dictionary.sh` runs it on Debian's wamerican and wbritish lists).

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), lists) = (args.get(1), &args[2.min(args.len())..]) else {
        return Err("usage: build_dictionary OUT.fst LIST...".into());
    };
    if lists.is_empty() {
        return Err("usage: build_dictionary OUT.fst LIST...".into());
    }
    let mut words: Vec<String> = Vec::new();
    for path in lists {
        let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| format!("{path}:{}: {e}", n + 1))?;
            let w = line.trim();
            if !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()) {
                words.push(w.to_string());
            }
        }
    }
    words.sort_unstable();
    words.dedup();
    let mut b = fst::SetBuilder::new(std::io::BufWriter::new(std::fs::File::create(out)?))?;
    for w in &words {
        b.insert(w)?;
    }
    b.finish()?;
    eprintln!("{out}: {} words", words.len());
    Ok(())
}

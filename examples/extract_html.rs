//! Extracts the main text of HTML files with `spinscore::input::html::extract_main_text`.
//!
//! `extract_html FILE...` prints one JSON line per file: `{"id": <file stem>, "text": ...}`
//! (id without `.html`), the format `scripts/eval_html.py --cmd` reads. `--text FILE` prints the
//! plain text of one file instead. `--clean` also drops the lines the boilerplate classifier
//! flags (no batch repeats).

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!("usage: extract_html [--text] [--clean] FILE...");
        std::process::exit(2);
    }
    let mut text_mode = false;
    let mut clean = false;
    let mut start = 0;
    for a in &args {
        match a.as_str() {
            "--text" => text_mode = true,
            "--clean" => clean = true,
            _ => break,
        }
        start += 1;
    }
    let files = &args[start..];
    let none = spinscore::features::boilerplate::RepeatIndex::default();
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    let t0 = std::time::Instant::now();
    let mut bytes = 0usize;
    for path in files {
        let raw = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed += 1;
                continue;
            }
        };
        bytes += raw.len();
        let html = String::from_utf8_lossy(&raw);
        let text = match spinscore::input::html::extract_main_text(&html) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed += 1;
                String::new()
            }
        };
        let text = if clean { content_lines(&text, &none) } else { text };
        let _ = if text_mode {
            writeln!(out, "{text}")
        } else {
            let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned());
            let id = name.unwrap_or_default().trim_end_matches(".gz").trim_end_matches(".html").to_string();
            writeln!(out, "{}", serde_json::json!({ "id": id, "text": text }))
        };
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "{} files, {failed} without text, {:.1} MB in {secs:.2} s ({:.1} MB/s)",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
}

/// The text with boilerplate lines removed.
fn content_lines(text: &str, idx: &spinscore::features::boilerplate::RepeatIndex) -> String {
    use spinscore::features::boilerplate::{LineClass, classify};
    let c = classify(text, "", idx);
    let kept: Vec<&str> = c
        .lines
        .iter()
        .filter(|l| l.class != LineClass::Boilerplate)
        .map(|l| &text[l.span.start..l.span.end])
        .collect();
    kept.join("\n")
}

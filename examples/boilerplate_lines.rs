//! Lists every line of text files with its boilerplate class and reason.
//!
//! `boilerplate_lines FILE...` prints, per file, `line  class  reason  text` and the file's
//! features. Files are one batch: lines repeated across documents of the same source (here: the
//! same directory) count as template text.
//! `boilerplate_lines --jsonl FILE` reads JSONL records with a `text` field (and optional
//! `source`/`id`) and prints per-line results as JSON, one record a line.
//! `boilerplate_lines --bench N [--jsonl] FILE...` classifies the documents N times and prints
//! MB/s (one thread, lexicon compiled before timing).

use spinscore::features::boilerplate::{LineClass, RepeatIndex, classify};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut bench = 0usize;
    let mut jsonl = false;
    while let Some(flag) = args.first().cloned() {
        if flag == "--bench" && args.len() > 1 {
            bench = args[1].parse().unwrap_or(1);
            args.drain(..2);
        } else if flag == "--jsonl" {
            jsonl = true;
            args.remove(0);
        } else {
            break;
        }
    }
    // (id, source, text)
    let mut docs: Vec<(String, String, String)> = Vec::new();
    for path in &args {
        let Ok(raw) = std::fs::read(path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        let text = String::from_utf8_lossy(&raw).into_owned();
        if jsonl {
            for (n, line) in text.lines().enumerate() {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let t = v.get("text").and_then(|x| x.as_str()).unwrap_or("").to_string();
                let src = v.get("source").and_then(|x| x.as_str()).unwrap_or("").to_string();
                let id = v
                    .get("id")
                    .and_then(|x| x.as_str())
                    .map_or_else(|| format!("{path}:{}", n + 1), str::to_string);
                docs.push((id, src, t));
            }
        } else {
            let src =
                std::path::Path::new(path).parent().map(|p| p.display().to_string()).unwrap_or_default();
            docs.push((path.clone(), src, text));
        }
    }
    let index = RepeatIndex::build(docs.iter().map(|(_, s, t)| (s.as_str(), t.as_str())));
    if bench > 0 {
        let bytes: usize = docs.iter().map(|d| d.2.len()).sum::<usize>() * bench;
        if let Some((_, s, t)) = docs.first() {
            let _ = classify(t, s, &index); // compile the lexicon outside the timing
        }
        let t0 = std::time::Instant::now();
        let mut flagged = 0usize;
        for _ in 0..bench {
            for (_, s, t) in &docs {
                let c = classify(t, s, &index);
                flagged += c.lines.iter().filter(|l| l.class == LineClass::Boilerplate).count();
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "{:.1} MB in {secs:.3} s: {:.1} MB/s (one thread; {flagged} boilerplate lines)",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs.max(1e-9)
        );
        return;
    }
    for (id, src, text) in &docs {
        let c = classify(text, src, &index);
        if jsonl {
            let lines: Vec<_> = c
                .lines
                .iter()
                .map(|l| serde_json::json!({"class": l.class, "reason": l.reason, "text": &text[l.span.start..l.span.end]}))
                .collect();
            let feats: serde_json::Map<String, serde_json::Value> =
                c.output.features.iter().map(|f| (f.name.to_string(), serde_json::json!(f.value))).collect();
            println!(
                "{}",
                serde_json::json!({"id": id, "language": c.language, "features": feats, "lines": lines})
            );
            continue;
        }
        println!("=== {id} (language {:?})", c.language);
        for (n, l) in c.lines.iter().enumerate() {
            if l.class == LineClass::Blank {
                continue;
            }
            let t = &text[l.span.start..l.span.end];
            let short: String = t.chars().take(90).collect();
            let mark = if l.class == LineClass::Boilerplate { "BP" } else { "  " };
            println!("{:>4} {mark} {:<16} {short}", n + 1, l.reason);
        }
        let feats: Vec<String> = c
            .output
            .features
            .iter()
            .map(|f| {
                format!("{}={:.3}", f.name.trim_start_matches("boilerplate."), f.value.unwrap_or(f64::NAN))
            })
            .collect();
        println!("     {}", feats.join(" "));
    }
}

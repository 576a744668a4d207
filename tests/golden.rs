//! Golden files: the binary's whole output on the seeds and the fixture feed, checked against
//! tests/golden/. Any change to scores, ranking, evidence or layout shows up here as a diff to
//! review. After an intended change, rewrite them with
//!
//!     SPINSCORE_BLESS=1 cargo test --test golden
//!
//! and commit the new files with the change. JSON numbers are compared to 1e-6 (relative), so
//! a last-bit difference in a libm function does not fail the test; text output is exact.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spinscore(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_spinscore"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run spinscore");
    // Exit 1 means some records were errors (the fixture feed has two on purpose).
    assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf-8 output")
}

fn bless() -> bool {
    std::env::var_os("SPINSCORE_BLESS").is_some()
}

fn golden(name: &str) -> PathBuf {
    root().join("tests/golden").join(name)
}

fn read_golden(path: &Path, got: &str) -> Option<String> {
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, got).unwrap();
        return None;
    }
    Some(std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{}: {e}; create it with SPINSCORE_BLESS=1 cargo test --test golden", path.display())
    }))
}

/// Where two JSON values differ (numbers within 1e-6 relative), as a path; `None` if equal.
fn json_diff(want: &Value, got: &Value, at: &str) -> Option<String> {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            let close = (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
            (!close).then(|| format!("{at}: {a} != {b}"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("{at}: {} items != {}", a.len(), b.len()));
            }
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| json_diff(x, y, &format!("{at}[{i}]")))
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys = |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
            if keys(a) != keys(b) {
                return Some(format!("{at}: keys {:?} != {:?}", keys(a), keys(b)));
            }
            a.iter().find_map(|(k, x)| json_diff(x, &b[k], &format!("{at}.{k}")))
        }
        _ => (want != got).then(|| format!("{at}: {want} != {got}")),
    }
}

fn check_jsonl(name: &str, args: &[&str]) {
    let got = spinscore(args);
    let path = golden(name);
    let Some(want) = read_golden(&path, &got) else { return };
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    assert_eq!(w.len(), g.len(), "{}: {} rows, now {}", path.display(), w.len(), g.len());
    for (i, (a, b)) in w.iter().zip(&g).enumerate() {
        let (a, b): (Value, Value) = (serde_json::from_str(a).unwrap(), serde_json::from_str(b).unwrap());
        if let Some(d) = json_diff(&a, &b, "") {
            panic!(
                "{} row {}: {d}\n(intended? SPINSCORE_BLESS=1 cargo test --test golden)",
                path.display(),
                i + 1
            );
        }
    }
}

fn check_text(name: &str, args: &[&str]) {
    let got = spinscore(args);
    let path = golden(name);
    let Some(want) = read_golden(&path, &got) else { return };
    if want != got {
        let line = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{} differs from line {}:\n  want: {:?}\n  got:  {:?}\n(intended? SPINSCORE_BLESS=1 cargo test --test golden)",
            path.display(),
            line + 1,
            want.lines().nth(line).unwrap_or(""),
            got.lines().nth(line).unwrap_or("")
        );
    }
}

#[test]
fn seeds_as_one_batch_jsonl() {
    check_jsonl("seeds.score.jsonl", &["score", "--format", "jsonl", "data/seeds"]);
}

#[test]
fn seeds_alone_jsonl() {
    check_jsonl("seeds.no-clusters.jsonl", &["score", "--format", "jsonl", "--no-clusters", "data/seeds"]);
}

#[test]
fn feed_csv_report() {
    check_text("feed.score.csv", &["score", "data/fixtures/feed.jsonl"]);
}

#[test]
fn feed_sources() {
    check_text("feed.sources.csv", &["sources", "data/fixtures/feed.jsonl"]);
}

#[test]
fn seed_explain_text() {
    check_text("seed004.explain.txt", &["explain", "data/seeds/004_dbb5cbce777983ee.txt"]);
}

#[test]
fn json_diff_tolerates_last_bits_only() {
    let a: Value = serde_json::json!({"x": [1.0, 2.5], "s": "a"});
    assert!(json_diff(&a, &serde_json::json!({"x": [1.0, 2.5000000001], "s": "a"}), "").is_none());
    assert!(json_diff(&a, &serde_json::json!({"x": [1.0, 2.51], "s": "a"}), "").is_some());
    assert!(json_diff(&a, &serde_json::json!({"x": [1.0, 2.5], "s": "b"}), "").is_some());
    assert!(json_diff(&a, &serde_json::json!({"x": [1.0], "s": "a"}), "").is_some());
}

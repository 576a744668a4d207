//! Labels of evaluation and training datasets (the format of `../shared/eval/evaluate.py`).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::metrics::Labelled;

/// Reads `label`, `degradation`, `group` and `kind` of every JSONL line, keyed by 1-based line
/// number. Lines that are not JSON objects are left out (the record reader reports them).
pub fn read_labels(path: &Path) -> Result<HashMap<u64, Labelled>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = HashMap::new();
    for (i, line) in std::io::BufReader::new(f).split(b'\n').enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&line) else {
            continue;
        };
        let garbled = match m.get("label").and_then(Value::as_str) {
            Some("garbled") => Some(true),
            Some("clean") => Some(false),
            Some(other) => {
                return Err(Error::Record {
                    file: path.display().to_string(),
                    line: i as u64 + 1,
                    msg: format!("label must be \"clean\" or \"garbled\", not {other:?}"),
                });
            }
            None => None,
        };
        let degradation = m.get("degradation").and_then(Value::as_f64);
        let group = match m.get("group") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let kind = m.get("kind").and_then(Value::as_str).unwrap_or("all").to_string();
        out.insert(i as u64 + 1, Labelled { group, garbled, degradation, kind, score: None });
    }
    Ok(out)
}

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
        // A byte order mark starts the file, not the first record (as the record reader reads it).
        let line = if i == 0 { line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&line) } else { &line };
        let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(line) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_label() {
        // The record reader drops it, so the first record is scored and must find its label.
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("labelled.jsonl");
        std::fs::write(&p, b"\xef\xbb\xbf{\"label\":\"clean\",\"group\":\"g\"}\r\n{\"label\":\"garbled\"}\n")
            .unwrap();
        let labels = read_labels(&p).unwrap();
        assert_eq!(labels.get(&1).and_then(|l| l.garbled), Some(false));
        assert_eq!(labels.get(&1).and_then(|l| l.group.as_deref()), Some("g"));
        assert_eq!(labels.get(&2).and_then(|l| l.garbled), Some(true));
    }
}

//! Labels of evaluation and training datasets (the format of `../shared/eval/evaluate.py`).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::metrics::Labelled;

/// Reads `label`, `degradation`, `group` and `kind` of every JSONL line (of a file that may be
/// gzip-compressed), keyed by 1-based line number, or of every element of a JSON array of
/// records (or of indented records), keyed by the line it starts on, as the record reader
/// names it: two records starting on one line (a one-line array) are an error. Lines
/// that are not JSON objects are left out (the record reader reports them); a field that is
/// null is absent. A label field that cannot be read (a label other than
/// `clean`/`garbled`, or a field of the wrong JSON type) is an [`Error::Record`] naming the file,
/// the line and the field: labels are what the figures and weights are made of, so none is
/// dropped.
pub fn read_labels(path: &Path) -> Result<HashMap<u64, Labelled>> {
    if !super::is_json_lines(path).map_err(|e| Error::io(path, e))? {
        return element_labels(path);
    }
    let f = super::open_decoded(path).map_err(|e| Error::io(path, e))?;
    let mut out = HashMap::new();
    for (i, line) in f.split(b'\n').enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        // A byte order mark starts the file (or one joined on with `cat`), not a record: the
        // record reader drops it at the start of any line.
        let line = line.strip_prefix(super::BOM).unwrap_or(&line);
        let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        out.insert(i as u64 + 1, labelled(path, i as u64 + 1, &m)?);
    }
    Ok(out)
}

/// The labels of one record's object `m`, on `line` of `path`.
fn labelled(path: &Path, line: u64, m: &serde_json::Map<String, Value>) -> Result<Labelled> {
    let bad = |msg: String| Error::Record { file: path.display().to_string(), line, msg };
    let field = |name: &str| m.get(name).filter(|v| !v.is_null());
    let garbled = match field("label") {
        Some(Value::String(s)) if s == "garbled" => Some(true),
        Some(Value::String(s)) if s == "clean" => Some(false),
        Some(other) => {
            return Err(bad(format!("label must be \"clean\" or \"garbled\", not {}", shown(other))));
        }
        None => None,
    };
    let degradation = match field("degradation") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(other) => return Err(bad(format!("degradation must be a number, not {}", shown(other)))),
        None => None,
    };
    let group = match field("group") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(bad(format!("group must be a string or a number, not {}", shown(other))));
        }
        None => None,
    };
    let kind = match field("kind") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(bad(format!("kind must be a string, not {}", shown(other)))),
        None => "all".to_string(),
    };
    Ok(Labelled { group, garbled, degradation, kind, score: None })
}

/// [`read_labels`] of a JSON array of records (or indented records), element by element as the
/// record reader reads them, keyed by the line each starts on.
fn element_labels(path: &Path) -> Result<HashMap<u64, Labelled>> {
    let cfg = super::InputConfig { format: super::InputFormat::Jsonl, ..Default::default() };
    let mut out = HashMap::new();
    for rec in super::RecordReader::new(path, std::sync::Arc::new(cfg)) {
        let line = match &rec.doc {
            Ok(d) => d.origin.line,
            Err(e) => e.origin.line,
        };
        let super::Raw::Json(bytes) = &rec.raw else { continue };
        let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(bytes) else { continue };
        if out.contains_key(&line) {
            return Err(Error::Record {
                file: path.display().to_string(),
                line,
                msg: "several records start on this line: labels are matched to records by line \
                      (convert with: jq -c '.[]' FILE > NEW.jsonl)"
                    .into(),
            });
        }
        out.insert(line, labelled(path, line, &m)?);
    }
    Ok(out)
}

/// A field's value for a message: a string quoted, another scalar as written, an object or an
/// array by its type (it may be long).
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        other => other.to_string(),
    }
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
        // Nor the first label of a file joined on with `cat` (the record reader drops it there too).
        std::fs::write(&p, b"{\"label\":\"clean\"}\n\xef\xbb\xbf{\"label\":\"garbled\",\"group\":\"h\"}\n")
            .unwrap();
        let labels = read_labels(&p).unwrap();
        assert_eq!(labels.get(&2).and_then(|l| l.garbled), Some(true));
        assert_eq!(labels.get(&2).and_then(|l| l.group.as_deref()), Some("h"));
    }

    #[test]
    fn indented_records_are_keyed_by_their_first_line_and_one_line_arrays_refused() {
        let array = "[\n  {\n    \"label\": \"clean\",\n    \"group\": \"g\"\n  },\n  {\"label\": \"garbled\", \"group\": \"g\"}\n]\n";
        let l = labels_of(array).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!((l[&2].garbled, l[&6].garbled), (Some(false), Some(true)));
        let l = labels_of("{\n  \"label\": \"clean\"\n}\n{\n  \"label\": \"garbled\"\n}\n").unwrap();
        assert_eq!((l[&1].garbled, l[&4].garbled), (Some(false), Some(true)));
        let e = labels_of("[{\"label\":\"clean\"},{\"label\":\"garbled\"}]").unwrap_err().to_string();
        assert!(e.contains("several records start on this line") && e.contains("jq"), "{e}");
        // A label of the wrong type names the element's line.
        match labels_of("[\n{\"label\": \"clean\"},\n{\"label\": 3}\n]") {
            Err(Error::Record { line, msg, .. }) => assert_eq!(line, 3, "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    fn labels_of(lines: &str) -> Result<HashMap<u64, Labelled>> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("labelled.jsonl");
        std::fs::write(&p, lines).unwrap();
        read_labels(&p)
    }

    #[test]
    fn a_label_field_of_the_wrong_type_is_an_error_naming_file_line_and_field() {
        for (field, value) in [
            ("label", "1"),
            ("label", "true"),
            ("degradation", "\"high\""),
            ("degradation", "[1]"),
            ("group", "{\"id\": 1}"),
            ("group", "false"),
            ("kind", "3"),
        ] {
            let lines = format!("{{\"label\":\"clean\"}}\n{{\"id\":\"b\",\"{field}\":{value}}}\n");
            match labels_of(&lines) {
                Err(Error::Record { file, line, msg }) => {
                    assert!(file.ends_with("labelled.jsonl"), "{file}");
                    assert_eq!(line, 2, "{field}: {msg}");
                    assert!(msg.starts_with(field), "{field}: {msg}");
                }
                other => panic!("{field}: {value} gave {other:?}"),
            }
        }
    }

    #[test]
    fn null_label_fields_are_absent_and_numbers_are_groups() {
        let l = labels_of("{\"label\":null,\"degradation\":null,\"group\":null,\"kind\":null}\n{\"group\":7,\"degradation\":2}\n")
            .unwrap();
        let first = &l[&1];
        assert_eq!((first.garbled, first.degradation, first.group.as_deref()), (None, None, None));
        assert_eq!(first.kind, "all");
        assert_eq!((l[&2].group.as_deref(), l[&2].degradation), (Some("7"), Some(2.0)));
    }
}

//! Labels of evaluation and training datasets (the format of `../shared/eval/evaluate.py`).

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::metrics::Labelled;

/// Reads `label`, `degradation`, `group` and `kind` of every record of a labelled dataset
/// (JSONL, a JSON array of records or indented records, any of them gzip-compressed or UTF-16),
/// read by the record reader as `eval`, `fit` and `score` read it, keyed by the record's place
/// in the file: 0 for the first record the reader gives (unreadable ones count), as
/// [`Report::seq`](crate::pipeline::Report::seq) numbers them in a run over that one file. So
/// records that share a line (a one-line array) keep their own labels. Records that are not JSON
/// objects have none (the record reader reports them); a field that is null is absent. A label
/// field that cannot be read (a label other than `clean`/`garbled`, or a field of the wrong JSON
/// type) is an [`Error::Record`] naming the file, the record's line and the field: labels are
/// what the figures and weights are made of, so none is dropped.
pub fn read_labels(path: &Path) -> Result<HashMap<u64, Labelled>> {
    let cfg = super::InputConfig { format: super::InputFormat::Jsonl, ..Default::default() };
    let mut out = HashMap::new();
    for (seq, rec) in super::RecordReader::new(path, std::sync::Arc::new(cfg)).enumerate() {
        let line = match &rec.doc {
            Ok(d) => d.origin.line,
            Err(e) => e.origin.line,
        };
        let super::Raw::Json(bytes) = &rec.raw else { continue };
        let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(bytes) else { continue };
        out.insert(seq as u64, labelled(path, line, &m)?);
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
        assert_eq!(labels.get(&0).and_then(|l| l.garbled), Some(false));
        assert_eq!(labels.get(&0).and_then(|l| l.group.as_deref()), Some("g"));
        assert_eq!(labels.get(&1).and_then(|l| l.garbled), Some(true));
        // Nor the first label of a file joined on with `cat` (the record reader drops it there too).
        std::fs::write(&p, b"{\"label\":\"clean\"}\n\xef\xbb\xbf{\"label\":\"garbled\",\"group\":\"h\"}\n")
            .unwrap();
        let labels = read_labels(&p).unwrap();
        assert_eq!(labels.get(&1).and_then(|l| l.garbled), Some(true));
        assert_eq!(labels.get(&1).and_then(|l| l.group.as_deref()), Some("h"));
    }

    #[test]
    fn labels_are_keyed_by_the_records_place_in_the_file_however_laid_out() {
        let array = "[\n  {\n    \"label\": \"clean\",\n    \"group\": \"g\"\n  },\n  {\"label\": \"garbled\", \"group\": \"g\"}\n]\n";
        let l = labels_of(array).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!((l[&0].garbled, l[&1].garbled), (Some(false), Some(true)));
        let l = labels_of("{\n  \"label\": \"clean\"\n}\n{\n  \"label\": \"garbled\"\n}\n").unwrap();
        assert_eq!((l[&0].garbled, l[&1].garbled), (Some(false), Some(true)));
        // A one-line array: two records on one line keep their own labels.
        let l = labels_of("[{\"label\":\"clean\"},{\"label\":\"garbled\",\"kind\":\"k\"}]").unwrap();
        assert_eq!((l[&0].garbled, l[&1].garbled, l[&1].kind.as_str()), (Some(false), Some(true), "k"));
        // A line that is not a record takes its place and has no label.
        let l = labels_of("{\"label\":\"clean\"}\nnot json\n{\"label\":\"garbled\"}\n").unwrap();
        assert_eq!((l.len(), l[&2].garbled), (2, Some(true)));
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
        let first = &l[&0];
        assert_eq!((first.garbled, first.degradation, first.group.as_deref()), (None, None, None));
        assert_eq!(first.kind, "all");
        assert_eq!((l[&1].group.as_deref(), l[&1].degradation), (Some("7"), Some(2.0)));
    }
}

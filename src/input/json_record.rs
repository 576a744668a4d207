//! Parses one JSONL record, cutting its text field while parsing.
//!
//! A record can hold tens of MB of text of which only the first part is scored. Parsed into a
//! `serde_json::Value`, the whole text would exist twice more besides the raw line (serde_json's
//! unescaping buffer and the string built from it). Here, when the line is longer than the cut,
//! the text field is only validated in place and decoded up to the cut; every other field is
//! parsed as usual.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A JSONL record as parsed.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    /// A JSON object: its fields other than the text field, and the text field.
    Object(Map<String, Value>, TextField),
    /// Valid JSON that is not an object.
    NotObject,
}

/// What the text field held.
#[derive(Debug, PartialEq)]
pub enum TextField {
    /// Absent or null.
    Missing,
    /// Something other than a string.
    NotString,
    /// A string: its first `max` bytes at most (cut at a character boundary) and its whole length.
    Text {
        /// The text kept.
        text: String,
        /// The whole text's length in bytes.
        total: usize,
    },
}

/// Parses `json` as one record whose text is the field `text_field`, keeping at most `max` bytes
/// of that text. Errors are serde_json's, as `serde_json::from_slice` would report them.
pub fn parse(json: &[u8], text_field: &str, max: usize) -> Result<Parsed, serde_json::Error> {
    // A line no longer than the cut cannot hold more text than is kept: parse it the usual way.
    let in_place = json.len() > max;
    let mut de = serde_json::Deserializer::from_slice(json);
    let parsed = RecordSeed { text_field, max, in_place }.deserialize(&mut de).and_then(|p| {
        de.end()?;
        Ok(p)
    });
    match parsed {
        Ok(Some(p)) => Ok(p),
        // The text's escapes need serde_json's own checks (e.g. a lone surrogate): parse the
        // whole record the usual way, which reports the error exactly, or accepts it.
        Ok(None) => from_value(serde_json::from_slice(json)?, text_field, max),
        Err(e) => Err(e),
    }
}

/// A record parsed the usual way, as [`parse`] returns it.
fn from_value(v: Value, text_field: &str, max: usize) -> Result<Parsed, serde_json::Error> {
    let Value::Object(mut m) = v else { return Ok(Parsed::NotObject) };
    let text = match m.remove(text_field) {
        None | Some(Value::Null) => TextField::Missing,
        Some(Value::String(mut s)) => {
            let total = s.len();
            s.truncate(cut_at(&s, max).len());
            TextField::Text { text: s, total }
        }
        Some(_) => TextField::NotString,
    };
    Ok(Parsed::Object(m, text))
}

/// `s` cut to at most `max` bytes at a character boundary.
pub fn cut_at(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// Decodes a JSON string literal (quotes included, already validated by serde_json except for
/// the pairing of `\u` surrogates) up to `max` bytes of text; `None` when an escape does not
/// decode to a character (left to serde_json to report).
fn decode_cut(literal: &str, max: usize) -> Option<TextField> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    if memchr::memchr(b'\\', inner.as_bytes()).is_none() {
        return Some(TextField::Text { text: cut_at(inner, max).to_string(), total: inner.len() });
    }
    let mut text = String::new();
    let mut total = 0;
    let mut full = false;
    let mut rest = inner;
    while let Some(i) = memchr::memchr(b'\\', rest.as_bytes()) {
        let (plain, esc) = rest.split_at(i);
        total += plain.len();
        push(&mut text, plain, max, &mut full);
        let (ch, used) = escape_at(esc.as_bytes())?;
        let mut buf = [0u8; 4];
        let s = ch.encode_utf8(&mut buf);
        total += s.len();
        push(&mut text, s, max, &mut full);
        rest = esc.get(used..)?;
    }
    total += rest.len();
    push(&mut text, rest, max, &mut full);
    let kept = cut_at(&text, max).len();
    text.truncate(kept);
    Some(TextField::Text { text, total })
}

/// The character of the JSON escape at the start of `b` (`b[0] == b'\\'`: `\"`, `\\`, `\/`, `\b`,
/// `\f`, `\n`, `\r`, `\t`, or `\uXXXX`, a surrogate pair as one character) and the escape's
/// length; `None` for any other escape, a lone surrogate or too few hex digits.
pub(super) fn escape_at(b: &[u8]) -> Option<(char, usize)> {
    Some(match *b.get(1)? {
        b'"' => ('"', 2),
        b'\\' => ('\\', 2),
        b'/' => ('/', 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => {
            let hi = hex4(b.get(2..6)?)?;
            match hi {
                0xD800..=0xDBFF => {
                    if b.get(6..8)? != b"\\u" {
                        return None;
                    }
                    let lo = hex4(b.get(8..12)?)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return None;
                    }
                    (char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?, 12)
                }
                _ => (char::from_u32(hi)?, 6),
            }
        }
        _ => return None,
    })
}

/// Appends `s` to the decoded `text` unless it is `full`: it is once it holds a character
/// boundary past `max`, and from then on the cut of `text` is the cut of the whole.
fn push(text: &mut String, s: &str, max: usize, full: &mut bool) {
    if *full {
        return;
    }
    let part = cut_at(s, (max + 1).saturating_sub(text.len()));
    text.push_str(part);
    *full = part.len() < s.len() || text.len() > max;
}

/// The value of four hex digits.
fn hex4(b: &[u8]) -> Option<u32> {
    if !b.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    std::str::from_utf8(b).ok().and_then(|s| u32::from_str_radix(s, 16).ok())
}

struct RecordSeed<'a> {
    text_field: &'a str,
    max: usize,
    /// Validate the text in place and decode only what is kept.
    in_place: bool,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    /// `None`: the text needs the usual parse (see [`decode_cut`]).
    type Value = Option<Parsed>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Option<Parsed>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        let mut text = TextField::Missing;
        let mut usual = false;
        while let Some(key) = map.next_key::<String>()? {
            // A repeated key keeps its last value, as `serde_json::Value` does.
            if key != self.text_field {
                let v: Value = map.next_value()?;
                fields.insert(key, v);
            } else if self.in_place {
                let raw: &'de RawValue = map.next_value()?;
                let lit = raw.get();
                text = match lit.as_bytes().first() {
                    Some(b'"') => match decode_cut(lit, self.max) {
                        Some(t) => t,
                        None => {
                            usual = true;
                            TextField::Missing
                        }
                    },
                    _ if lit == "null" => TextField::Missing,
                    _ => TextField::NotString,
                };
            } else {
                text = map.next_value_seed(TextSeed { max: self.max })?;
            }
        }
        Ok((!usual).then_some(Parsed::Object(fields, text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(Parsed::NotObject))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(Parsed::NotObject))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some(Parsed::NotObject))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some(Parsed::NotObject))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(Parsed::NotObject))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(Parsed::NotObject))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Parsed::NotObject))
    }
}

struct TextSeed {
    max: usize,
}

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = TextField;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TextField, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = TextField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<TextField, E> {
        Ok(TextField::Text { text: cut_at(s, self.max).to_string(), total: s.len() })
    }

    fn visit_string<E>(self, mut s: String) -> Result<TextField, E> {
        let total = s.len();
        s.truncate(cut_at(&s, self.max).len());
        Ok(TextField::Text { text: s, total })
    }

    fn visit_unit<E>(self) -> Result<TextField, E> {
        Ok(TextField::Missing)
    }

    fn visit_bool<E>(self, _: bool) -> Result<TextField, E> {
        Ok(TextField::NotString)
    }

    fn visit_i64<E>(self, _: i64) -> Result<TextField, E> {
        Ok(TextField::NotString)
    }

    fn visit_u64<E>(self, _: u64) -> Result<TextField, E> {
        Ok(TextField::NotString)
    }

    fn visit_f64<E>(self, _: f64) -> Result<TextField, E> {
        Ok(TextField::NotString)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextField, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TextField::NotString)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextField, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(TextField::NotString)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(json: &str, max: usize) -> TextField {
        match parse(json.as_bytes(), "text", max).unwrap() {
            Parsed::Object(_, t) => t,
            Parsed::NotObject => panic!("{json} is an object"),
        }
    }

    #[test]
    fn text_is_cut_while_parsing_and_other_fields_kept() {
        let p = parse(br#"{"id":"a","text":"hello world","n":[1,{"x":2}]}"#, "text", 5).unwrap();
        let Parsed::Object(fields, t) = p else { panic!("an object") };
        assert_eq!(t, TextField::Text { text: "hello".into(), total: 11 });
        assert_eq!(fields.get("id"), Some(&Value::String("a".into())));
        assert_eq!(fields.get("n").unwrap().to_string(), r#"[1,{"x":2}]"#);
        assert!(!fields.contains_key("text"));
    }

    #[test]
    fn escapes_and_character_boundaries() {
        // "é" is two bytes: a cut inside it moves back; escaped text goes through the buffer.
        assert_eq!(text(r#"{"text":"ab\u00e9cd"}"#, 3), TextField::Text { text: "ab".into(), total: 6 });
        assert_eq!(text(r#"{"text":"a\nb"}"#, 10), TextField::Text { text: "a\nb".into(), total: 3 });
        assert_eq!(text(r#"{"text":"abc"}"#, 0), TextField::Text { text: String::new(), total: 3 });
    }

    #[test]
    fn text_field_kinds() {
        assert_eq!(text(r#"{"id":1}"#, 9), TextField::Missing);
        assert_eq!(text(r#"{"text":null}"#, 9), TextField::Missing);
        for v in ["1", "-2", "1.5", "true", "[1,[2]]", r#"{"a":{"b":1}}"#] {
            assert_eq!(text(&format!(r#"{{"text":{v}}}"#), 9), TextField::NotString, "{v}");
        }
        // The last of repeated keys wins, as in serde_json::Value.
        assert_eq!(text(r#"{"text":"a","text":"bc"}"#, 9), TextField::Text { text: "bc".into(), total: 2 });
    }

    #[test]
    fn not_objects_and_errors_match_serde_json() {
        for j in ["[1,2]", "3", "\"s\"", "null", "true", "-1.5"] {
            assert_eq!(parse(j.as_bytes(), "text", 9).unwrap(), Parsed::NotObject, "{j}");
        }
        for j in [r#"{"text":"a""#, r#"{"text":"a"} x"#, "{", r#"{"a":tru}"#, "", r#"{"text":"\q"}"#] {
            let ours = parse(j.as_bytes(), "text", 9).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Value>(j).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{j}");
        }
    }

    #[test]
    fn in_place_decoding_matches_the_usual_parse_at_every_cut() {
        let lines = [
            r#"{"id":"x","text":"plain ascii text"}"#,
            r#"{"text":"tab\there \"quoted\" back\\slash \/ \b\f\r\n end"}"#,
            r#"{"text":"caf\u00e9 na\u00EFve \u4e2d\u6587 \ud83d\ude00 ok"}"#,
            r#"{"text":"é中😀 raw multibyte then \n escape"}"#,
            r#"{"text":"\u0000\u001f controls"}"#,
            r#"{"text":""}"#,
            r#"{"text":"\ud83d"}"#,
            r#"{"text":"\ude00 lone trailing"}"#,
            r#"{"text":"\ud83d\u0041 unpaired"}"#,
            r#"{"a":1,"text":"first","text":"sec\u00e9ond"}"#,
            r#"{"text":null,"html":"<p>x</p>"}"#,
            r#"{"text":["a"]}"#,
        ];
        for line in lines {
            let usual = serde_json::from_slice::<Value>(line.as_bytes()).map_err(|e| e.to_string());
            for max in 0..=line.len() + 1 {
                let ours = parse(line.as_bytes(), "text", max).map_err(|e| e.to_string());
                let want = usual.clone().map(|v| from_value(v, "text", max).unwrap());
                assert_eq!(ours, want, "{line} cut at {max}");
            }
        }
    }

    #[test]
    fn cut_at_boundaries() {
        assert_eq!(cut_at("héllo", 2), "h");
        assert_eq!(cut_at("héllo", 3), "hé");
        assert_eq!(cut_at("abc", 5), "abc");
    }
}

//! Input formats turned into documents. (HTML main-content extraction so far; files, JSONL and
//! CSV readers live beside it.)

pub mod html;

//! CLI integration tests: the real binary on real files, one temp dir per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spinscore"));
    c.env("NO_COLOR", "1");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("data/fixtures").join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run spinscore")
}

/// Runs spinscore with `input` on its standard input.
fn run_with_stdin(args: &[&str], input: Vec<u8>) -> Output {
    let mut child =
        bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&input).unwrap();
    });
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn jsonl(o: &Output) -> Vec<serde_json::Value> {
    stdout(o).lines().map(|l| serde_json::from_str(l).expect("JSON row")).collect()
}

fn row<'a>(rows: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    rows.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no row {id} in {rows:?}"))
}

/// The text of seed 002, the cleanest of the seeds.
fn seed_002() -> String {
    std::fs::read_to_string(root().join("data/seeds/002_9b250bf8fdcec7e7.txt")).unwrap()
}

/// Seed 002's non-blank lines, trimmed: its paragraphs.
fn seed_002_paragraphs() -> Vec<String> {
    seed_002().lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// A character count, for [`wrap`].
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `p` hard-wrapped greedily at `width`, as `measure` counts a line (characters, or bytes as
/// `fold` counts them).
fn wrap(p: &str, width: usize, measure: fn(&str) -> usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for w in p.split_whitespace() {
        let last = lines.last_mut().unwrap();
        if !last.is_empty() && measure(last) + 1 + measure(w) > width {
            lines.push(w.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(w);
        }
    }
    lines.join("\n")
}

/// Seed 002 as an HTML page: its lines as paragraphs of an article, with a script and a menu.
fn seed_002_page() -> String {
    let body: String =
        seed_002().lines().filter(|l| !l.trim().is_empty()).map(|l| format!("<p>{l}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html><head><title>t</title><script>var x = 1;</script></head><body><nav><a href='/'>Home</a></nav><article>{body}</article></body></html>"
    )
}

/// The first row of `score --quiet -f jsonl [extra] path` (which must succeed).
fn first_row(path: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["score", "--quiet", "-f", "jsonl"];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    jsonl(&o).remove(0)
}

/// Writes `plain` and each of `forms` (file name, text) to a new directory, scores each file
/// alone and asserts that every form gets the plain text's score and word count. Returns the
/// plain text's row and the forms' rows, in order.
fn assert_scored_as_plain(
    plain: &str,
    forms: &[(&str, &str)],
) -> (serde_json::Value, Vec<serde_json::Value>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("plain.txt"), plain).unwrap();
    let plain = first_row(&d.path().join("plain.txt"), &[]);
    let rows = forms
        .iter()
        .map(|(name, text)| {
            std::fs::write(d.path().join(name), text).unwrap();
            let row = first_row(&d.path().join(name), &[]);
            assert_eq!(row["score"], plain["score"], "{name}: {row}");
            assert_eq!(row["words"], plain["words"], "{name}");
            row
        })
        .collect();
    (plain, rows)
}

#[test]
fn score_directory_csv_has_header_and_ranks() {
    let o = run(&["score", root().join("data/seeds").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    for col in [
        "rank",
        "id",
        "source",
        "score",
        "verdict",
        "fluency",
        "entities",
        "boilerplate",
        "evidence",
        "words",
        "error",
    ] {
        assert!(headers.iter().any(|h| h == col), "missing column {col}: {headers:?}");
    }
    let rows: Vec<_> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 5);
    let scores: Vec<f64> = rows.iter().map(|r| r[3].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "not ranked: {scores:?}");
    assert_eq!(&rows[0][0], "1");
    assert!(rows.iter().all(|r| &r[2] == "seeds"), "source is the parent directory");
}

#[test]
fn jsonl_input_reports_every_record_and_fails_softly() {
    let o = run(&["score", "--format", "jsonl", fixture("feed.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "some records failed: {}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 7, "7 non-blank lines, 7 rows");
    let broken = rows.iter().find(|r| r["line"] == 3).unwrap();
    assert_eq!(broken["status"], "error");
    assert!(broken["error"].as_str().unwrap().contains("feed.jsonl:3: malformed JSON"), "{broken}");
    let notext = row(&rows, "notext");
    assert!(notext["error"].as_str().unwrap().contains("feed.jsonl:4: missing text field 'text'"));
    let short = row(&rows, "short");
    assert_eq!(short["status"], "unscored");
    assert!(short["reason"].as_str().unwrap().starts_with("too short"));
    assert!(short["score"].is_null());
    assert_eq!(row(&rows, "s002")["source"], "www.example-news.com", "url host is the source");
    assert_eq!(row(&rows, "s004")["source"], "spinfarm");
    assert!(row(&rows, "s004")["score"].is_number());
    // errors are also reported on stderr with file and line
    assert!(stderr(&o).contains("feed.jsonl:3"), "{}", stderr(&o));
}

#[test]
fn csv_input_with_ragged_row() {
    let o = run(&["score", "-f", "jsonl", fixture("feed.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 4);
    let ragged = row(&rows, "ragged");
    assert!(ragged["error"].as_str().unwrap().contains("feed.csv:"), "{ragged}");
    assert!(ragged["error"].as_str().unwrap().contains("ragged row"));
    assert_eq!(row(&rows, "s004")["source"], "spinfarm");
}

#[test]
fn custom_field_names() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("f.jsonl");
    let text = std::fs::read_to_string(root().join("data/seeds/002_9b250bf8fdcec7e7.txt")).unwrap();
    std::fs::write(&p, serde_json::json!({"key": "k1", "body": text, "site": "w"}).to_string()).unwrap();
    let o = run(&[
        "score",
        "-f",
        "jsonl",
        "--id-field",
        "key",
        "--text-field",
        "body",
        "--source-field",
        "site",
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!((rows[0]["id"].as_str(), rows[0]["source"].as_str()), (Some("k1"), Some("w")));
}

#[test]
fn bad_files_are_error_rows_and_the_run_continues() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("data/seeds/002_9b250bf8fdcec7e7.txt"), d.path().join("good.txt")).unwrap();
    std::fs::write(d.path().join("empty.txt"), "").unwrap();
    std::fs::write(d.path().join("binary.txt"), b"\x00\x01\x02garbage\x00").unwrap();
    std::fs::write(d.path().join("picture.png"), b"png").unwrap();
    let missing = d.path().join("missing.txt");
    let o =
        run(&["score", "-f", "jsonl", "--verbose", d.path().to_str().unwrap(), missing.to_str().unwrap()]);
    // A path that does not exist at all is fatal before anything runs.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.txt"), "{}", stderr(&o));

    let o = run(&["score", "-f", "jsonl", "--verbose", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 3, "good, empty, binary; the png is skipped");
    let err = |name: &str| {
        rows.iter().find(|r| r["id"].as_str().unwrap().ends_with(name)).unwrap()["error"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(err("empty.txt").contains("empty file"));
    assert!(err("binary.txt").contains("binary file"));
    assert!(stderr(&o).contains("picture.png"), "--verbose lists skipped files: {}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error_row() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("locked.txt");
    std::fs::write(&p, "some text").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        return; // running as root: permissions do not apply
    }
    let o = run(&["score", "-f", "jsonl", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(jsonl(&o)[0]["error"].as_str().unwrap().contains("cannot read"));
}

#[test]
fn invalid_utf8_is_decoded_and_flagged() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(root().join("data/seeds/002_9b250bf8fdcec7e7.txt")).unwrap();
    bytes.extend_from_slice(b"\nCaf\xe9 au lait.\n");
    std::fs::write(d.path().join("latin1.txt"), bytes).unwrap();
    let o = run(&["score", "-f", "jsonl", d.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    assert!(rows[0]["score"].is_number());
    assert_eq!(rows[0]["warnings"][0], "invalid UTF-8 decoded lossily");
}

#[test]
fn legacy_encodings_score_as_their_utf8_text() {
    // Seed 002 as a Windows-1252 page and as a Windows "Unicode" (UTF-16) export score exactly
    // as the UTF-8 file; only the first carries a warning.
    let d = tempfile::tempdir().unwrap();
    let seed = root().join("data/seeds/002_9b250bf8fdcec7e7.txt");
    let text = std::fs::read_to_string(&seed).unwrap();
    // Its non-ASCII characters: Latin-1 ones ("á", "©", a no-break space) are their own byte.
    let cp1252_byte = |c: char| match c {
        '’' => Some(0x92),
        '–' => Some(0x96),
        c => u8::try_from(u32::from(c)).ok(),
    };
    assert!(text.contains('’') && text.chars().all(|c| cp1252_byte(c).is_some()));
    let cp1252: Vec<u8> = text.chars().filter_map(cp1252_byte).collect();
    std::fs::write(d.path().join("cp1252.txt"), cp1252).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(d.path().join("utf16.txt"), utf16).unwrap();
    let o = run(&[
        "score",
        "-f",
        "jsonl",
        "--no-clusters",
        seed.to_str().unwrap(),
        d.path().join("cp1252.txt").to_str().unwrap(),
        d.path().join("utf16.txt").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    let row = |name: &str| rows.iter().find(|r| r["id"].as_str().unwrap().ends_with(name)).unwrap();
    let want = row("002_9b250bf8fdcec7e7.txt");
    for name in ["cp1252.txt", "utf16.txt"] {
        assert_eq!(row(name)["score"], want["score"], "{name}");
        assert_eq!(row(name)["words"], want["words"], "{name}");
    }
    assert_eq!(row("cp1252.txt")["warnings"][0], "not UTF-8: read as Windows-1252");
    assert!(row("utf16.txt").get("warnings").is_none_or(|w| w.is_null()), "{}", row("utf16.txt"));
}

#[test]
fn stdin_text_and_jsonl() {
    let text = std::fs::read_to_string(root().join("data/seeds/004_dbb5cbce777983ee.txt")).unwrap();
    let feed = std::fs::read_to_string(fixture("feed.jsonl")).unwrap();
    for (input, n) in [(text, 1), (feed, 7)] {
        let o = run_with_stdin(&["score", "-f", "jsonl", "-"], input.into_bytes());
        assert_eq!(jsonl(&o).len(), n, "{}", stderr(&o));
    }
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let feed = fixture("feed.jsonl");
    let one = run(&["score", "-f", "jsonl", "--threads", "1", feed.to_str().unwrap()]);
    let two = run(&["score", "-f", "jsonl", "--threads", "2", "--batch-size", "3", feed.to_str().unwrap()]);
    let four = run(&["score", "-f", "jsonl", "--threads", "4", feed.to_str().unwrap()]);
    assert_eq!(stdout(&one), stdout(&four));
    // batch size changes which documents can form clusters, not the ids, order of ranks or errors
    assert_eq!(jsonl(&one).len(), jsonl(&two).len());
}

#[test]
fn table_format_is_aligned_text() {
    let o = run(&["score", "-f", "table", root().join("data/seeds").to_str().unwrap()]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().contains("rank"));
    assert_eq!(out.lines().count(), 6);
}

#[test]
fn sources_rolls_up_worst_first() {
    let o = run(&["sources", "-f", "jsonl", fixture("feed.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let rows = jsonl(&o);
    let names: Vec<&str> = rows.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert!(names.contains(&"spinfarm") && names.contains(&"www.example-news.com"), "{names:?}");
    let spin = row_by(&rows, "source", "spinfarm");
    assert_eq!(spin["documents"], 3);
    assert_eq!(spin["scored"], 2);
    assert_eq!(spin["unscored"], 1);
    let means: Vec<f64> = rows.iter().filter_map(|r| r["mean_score"].as_f64()).collect();
    assert!(means.windows(2).all(|w| w[0] >= w[1]));
    let csv_out = run(&["sources", fixture("feed.csv").to_str().unwrap()]);
    assert!(
        stdout(&csv_out).starts_with("rank,source,documents,scored,unscored,errors,mean_score,median_score")
    );
}

fn row_by<'a>(rows: &'a [serde_json::Value], key: &str, val: &str) -> &'a serde_json::Value {
    rows.iter().find(|r| r[key] == val).unwrap()
}

fn count_lines(p: &Path) -> usize {
    std::fs::read_to_string(p).unwrap().lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn filter_conserves_records_jsonl() {
    let d = tempfile::tempdir().unwrap();
    let kept = d.path().join("kept.jsonl");
    let rej = d.path().join("rejects.jsonl");
    let o = run(&[
        "filter",
        fixture("feed.jsonl").to_str().unwrap(),
        "--max-score",
        "0",
        "--rejects",
        rej.to_str().unwrap(),
        "-o",
        kept.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "errored records make exit 1: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("7 records: 1 kept, 4 rejected, 2 errored"), "{err}");
    assert_eq!(count_lines(&kept) + count_lines(&rej), 7);
    // kept records are byte-for-byte the input lines
    let input = std::fs::read_to_string(fixture("feed.jsonl")).unwrap();
    for l in std::fs::read_to_string(&kept).unwrap().lines() {
        assert!(input.lines().any(|i| i == l), "changed record: {l}");
    }
    let rejects = std::fs::read_to_string(&rej).unwrap();
    assert!(rejects.contains("\"spinscore_raw\":\"{\\\"id\\\": \\\"broken\\\""), "{rejects}");
    assert!(rejects.contains("error: "));
    assert!(rejects.contains("score "));
}

#[test]
fn filter_keeps_everything_under_a_high_threshold_and_adds_scores() {
    let o = run(&["filter", fixture("feed.jsonl").to_str().unwrap(), "--max-score", "100", "--add-score"]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 5, "7 records - 2 errors: {}", stderr(&o));
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v.get("spinscore_verdict").is_some());
    }
}

/// Runs `filter` on a fixture feed with `criterion`, rejects to a temporary file; returns the
/// run and the rejects file's contents.
fn filter_with_rejects(feed: &str, criterion: &[&str]) -> (Output, String) {
    let d = tempfile::tempdir().unwrap();
    let ext = Path::new(feed).extension().unwrap().to_str().unwrap();
    let rej = d.path().join(format!("rej.{ext}"));
    let feed = fixture(feed);
    let mut args = vec!["filter", feed.to_str().unwrap()];
    args.extend_from_slice(criterion);
    args.extend_from_slice(&["--rejects", rej.to_str().unwrap()]);
    let o = run(&args);
    let rejects = std::fs::read_to_string(&rej).unwrap();
    (o, rejects)
}

#[test]
fn filter_csv_by_source_mean() {
    let (o, rejects) = filter_with_rejects("feed.csv", &["--max-source-score", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("4 records: 0 kept, 3 rejected, 1 errored"), "{}", stderr(&o));
    // Nothing kept is still a CSV feed: its header and no rows (an empty file would be an
    // "empty file" error row for the next stage).
    assert_eq!(stdout(&o), "id,source,text\n");
    // The same for a feed of a header and no record.
    let d = tempfile::tempdir().unwrap();
    let header_only = d.path().join("header.csv");
    std::fs::write(&header_only, "id,source,text\n").unwrap();
    let o = run(&["filter", header_only.to_str().unwrap(), "--max-score", "50"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), "id,source,text\n"), "{}", stderr(&o));
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(rejects.as_bytes());
    assert_eq!(rdr.headers().unwrap().iter().next_back(), Some("spinscore_score"));
    let recs: Vec<_> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 4);
    assert!(recs.iter().any(|r| r.iter().any(|f| f.contains("mean score"))));
}

#[test]
fn semicolon_feeds_are_scored_and_filtered_as_comma_ones() {
    // The fixture feed as a decimal-comma spreadsheet writes it: `;` between fields.
    let d = tempfile::tempdir().unwrap();
    let semi = d.path().join("feed.csv");
    let mut w = csv::WriterBuilder::new().delimiter(b';').flexible(true).from_path(&semi).unwrap();
    for rec in csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_path(fixture("feed.csv"))
        .unwrap()
        .records()
    {
        w.write_record(&rec.unwrap()).unwrap();
    }
    w.flush().unwrap();
    let scores = |p: &Path| {
        let o = run(&["score", "-f", "jsonl", p.to_str().unwrap()]);
        jsonl(&o)
            .into_iter()
            .map(|r| (r["id"].clone(), r["score"].clone(), r["error"].is_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(scores(&semi), scores(&fixture("feed.csv")));
    let o = run(&["filter", semi.to_str().unwrap(), "--max-score", "100", "--add-score"]);
    let kept = stdout(&o);
    assert!(kept.starts_with("id;source;text;spinscore_score;spinscore_verdict\n"), "{kept}");
    let rows: Vec<_> =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(kept.as_bytes()).records().collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.as_ref().is_ok_and(|r| r.len() == 5)));
}

/// The (id, score) of every row of a `score -f jsonl` run that is not an error, by id.
fn id_scores(o: &Output) -> Vec<(serde_json::Value, serde_json::Value)> {
    let mut v: Vec<_> = jsonl(o)
        .into_iter()
        .filter(|r| r["error"].is_null())
        .map(|r| (r["id"].clone(), r["score"].clone()))
        .collect();
    v.sort_by_key(|(id, _)| id.to_string());
    v
}

#[test]
fn json_array_exports_score_as_jsonl_does() {
    // The fixture feed as a scraper's JSON exporter writes it, indented, from a file and from
    // standard input; filter writes the kept records as JSONL lines.
    let feed = std::fs::read_to_string(fixture("feed.jsonl")).unwrap();
    let objects: Vec<serde_json::Value> =
        feed.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).collect();
    let array = serde_json::to_string_pretty(&objects).unwrap();
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("items.json");
    std::fs::write(&path, &array).unwrap();
    let want = id_scores(&run(&["score", "-f", "jsonl", fixture("feed.jsonl").to_str().unwrap()]));
    assert!(want.len() >= 3);
    let from_file = run(&["score", "-f", "jsonl", path.to_str().unwrap()]);
    assert_eq!(id_scores(&from_file), want, "{}", stderr(&from_file));
    let from_stdin = run_with_stdin(&["score", "-f", "jsonl", "-"], array.into_bytes());
    assert_eq!(id_scores(&from_stdin), want, "{}", stderr(&from_stdin));
    let o = run(&["filter", path.to_str().unwrap(), "--max-score", "100"]);
    let kept = stdout(&o);
    assert!(
        !kept.is_empty() && kept.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{kept}"
    );
}

#[test]
fn gzip_feeds_score_and_filter_as_plain_ones() {
    use std::io::Write;
    let feed = std::fs::read(fixture("feed.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&feed).unwrap();
    let gz = gz.finish().unwrap();
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("feed.jsonl.gz");
    std::fs::write(&path, &gz).unwrap();
    let want = id_scores(&run(&["score", "-f", "jsonl", fixture("feed.jsonl").to_str().unwrap()]));
    let from_file = run(&["score", "-f", "jsonl", path.to_str().unwrap()]);
    assert_eq!(id_scores(&from_file), want, "{}", stderr(&from_file));
    let from_stdin = run_with_stdin(&["score", "-f", "jsonl", "-"], gz.clone());
    assert_eq!(id_scores(&from_stdin), want, "{}", stderr(&from_stdin));
    // filter writes the kept records decompressed, the same as from the plain feed.
    let plain = run(&["filter", fixture("feed.jsonl").to_str().unwrap(), "--max-score", "50"]);
    let o = run(&["filter", path.to_str().unwrap(), "--max-score", "50"]);
    assert_eq!((stdout(&o), o.status.code()), (stdout(&plain), plain.status.code()), "{}", stderr(&o));
    let o = run_with_stdin(&["filter", "-", "--max-score", "50"], gz);
    assert_eq!(stdout(&o), stdout(&plain), "{}", stderr(&o));
}

#[test]
fn inputs_larger_than_a_batch_are_planned_however_they_are_given() {
    use std::io::Write;
    // The five seeds (one story) far apart, between the fixture feed's records, in batches of
    // three: planned batches bring the versions together, from the plain file, from its gzip
    // and from standard input (whose documents are kept in a temporary file between the two
    // passes).
    let seeds = root().join("data/seeds");
    let mut names: Vec<_> = std::fs::read_dir(&seeds).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let feed = std::fs::read_to_string(fixture("feed.jsonl")).unwrap();
    let fillers: Vec<&str> = feed.lines().filter(|l| l.trim_start().starts_with('{')).collect();
    let mut jsonl_text = String::new();
    for (i, p) in names.iter().enumerate() {
        let rec = serde_json::json!({"id": format!("seed{i}"), "text": std::fs::read_to_string(p).unwrap()});
        jsonl_text.push_str(&format!("{rec}\n"));
        for f in fillers.iter().cycle().skip(i).take(4) {
            jsonl_text.push_str(f);
            jsonl_text.push('\n');
        }
    }
    let d = tempfile::tempdir().unwrap();
    let plain = d.path().join("mixed.jsonl");
    std::fs::write(&plain, &jsonl_text).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(jsonl_text.as_bytes()).unwrap();
    let gz_path = d.path().join("mixed.jsonl.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let scores = |p: &Path, extra: &[&str]| {
        let mut args = vec!["score", "-f", "jsonl", "--batch-size", "3", p.to_str().unwrap()];
        args.extend(extra);
        let o = run(&args);
        (id_scores(&o), o.status.code())
    };
    let want = scores(&plain, &[]);
    assert_eq!(scores(&gz_path, &[]), want);
    // Without a writable temporary directory the documents are held in memory, with a warning.
    let o = bin()
        .args(["score", "-f", "jsonl", "--batch-size", "3", gz_path.to_str().unwrap()])
        .env("TMPDIR", d.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!((id_scores(&o), o.status.code()), want, "{}", stderr(&o));
    assert!(jsonl(&o).iter().any(|r| r["warnings"].to_string().contains("TMPDIR")), "{}", stdout(&o));
    // From standard input too, plain or compressed.
    for bytes in [std::fs::read(&plain).unwrap(), std::fs::read(&gz_path).unwrap()] {
        let o = run_with_stdin(&["score", "-f", "jsonl", "--batch-size", "3", "-"], bytes);
        assert_eq!((id_scores(&o), o.status.code()), want, "{}", stderr(&o));
    }
    // Consecutive batches score the seeds otherwise: the plan is what brought them together.
    assert_ne!(scores(&gz_path, &["--in-order-batches"]).0, want.0);
    assert_eq!(scores(&gz_path, &["--in-order-batches"]), scores(&plain, &["--in-order-batches"]));
}

/// A web archive record of `kind` for `uri` holding `block`.
fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[test]
fn web_archive_pages_score_as_their_files() {
    // The seeds as text records of a WET file (one metadata record first), from a file and from
    // standard input: each scores as the seed file does, named by its address.
    let mut wet = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabc\n\r\n\r\n".to_vec();
    let seeds = root().join("data/seeds");
    let mut names: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let body = std::fs::read(seeds.join(name)).unwrap();
        wet.extend(warc_record("conversion", &format!("https://seeds.example/{name}"), &body));
    }
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("seeds.warc.wet");
    std::fs::write(&path, &wet).unwrap();
    let by_name = |o: &Output| -> Vec<(String, serde_json::Value)> {
        let mut v: Vec<_> = jsonl(o)
            .into_iter()
            .map(|r| (r["id"].as_str().unwrap().rsplit('/').next().unwrap().to_string(), r["score"].clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let want = by_name(&run(&["score", "-f", "jsonl", seeds.to_str().unwrap()]));
    assert_eq!(want.len(), 5);
    let o = run(&["score", "-f", "jsonl", path.to_str().unwrap()]);
    assert_eq!(by_name(&o), want, "{}", stderr(&o));
    assert!(jsonl(&o).iter().all(|r| r["source"] == "seeds.example"));
    let o = run_with_stdin(&["score", "-f", "jsonl", "-"], wet);
    assert_eq!(by_name(&o), want, "{}", stderr(&o));
}

#[test]
fn web_archive_bodies_are_decoded_within_the_record_cap() {
    // A gzip page, a plain one, and a body of 8 MiB of spaces that gzip packs into a few KiB:
    // past --max-record-mib once decoded, it is an error row naming its page, and the rest of
    // the archive is read.
    use std::io::Write;
    let gzip = |data: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    };
    let page = std::fs::read_to_string(root().join("data/seeds/002_9b250bf8fdcec7e7.txt")).unwrap();
    let html =
        format!("<html><body><article><p>{}</p></article></body></html>", page.replace("\n\n", "</p><p>"));
    let mut warc = Vec::new();
    for (uri, encoding, body) in [
        ("https://a.example/gz", "Content-Encoding: gzip\r\n", gzip(html.as_bytes())),
        ("https://b.example/bomb", "Content-Encoding: gzip\r\n", gzip(&vec![b' '; 8 << 20])),
        ("https://c.example/plain", "", html.clone().into_bytes()),
    ] {
        let mut http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{encoding}\r\n").into_bytes();
        http.extend(body);
        warc.extend(warc_record("response", uri, &http));
    }
    assert!(warc.len() < 1 << 20);
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("crawl.warc");
    std::fs::write(&path, &warc).unwrap();
    let o = run(&["score", "-f", "jsonl", "--max-record-mib", "1", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "an error row: {}", stderr(&o));
    let rows = jsonl(&o);
    let status = |id: &str| rows.iter().find(|r| r["id"] == id).map(|r| r["status"].clone());
    assert_eq!(status("https://a.example/gz").unwrap(), "scored");
    assert_eq!(status("https://c.example/plain").unwrap(), "scored");
    let bomb = rows.iter().find(|r| r["id"] == "https://b.example/bomb").unwrap();
    assert_eq!(bomb["status"], "error");
    assert_eq!(bomb["reason"], "HTTP body longer than 1048576 bytes once decompressed: not read");
    // The two pages are the same text: the same score.
    let score = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap()["score"].as_f64().unwrap();
    assert_eq!(score("https://a.example/gz"), score("https://c.example/plain"));
}

#[test]
fn filter_from_stdin() {
    let feed = std::fs::read(fixture("feed.jsonl")).unwrap();
    let o = run_with_stdin(&["filter", "-", "--max-score", "100"], feed);
    assert!(stderr(&o).contains("7 records: 5 kept, 0 rejected, 2 errored"), "{}", stderr(&o));
}

#[test]
fn filter_by_boilerplate_share() {
    // s000 (9.2% of its characters in boilerplate lines) and s002 (10.1%) go; s004 (2.9%), the
    // council page (0%) and the unscored short record stay.
    let (o, rejects) = filter_with_rejects("feed.jsonl", &["--max-boilerplate", "0.05"]);
    assert!(stderr(&o).contains("7 records: 3 kept, 2 rejected, 2 errored"), "{}", stderr(&o));
    assert_eq!(rejects.matches("boilerplate share 0.").count(), 2, "{rejects}");
    assert!(rejects.contains("\"id\": \"s000\"") && rejects.contains("\"id\": \"s002\""), "{rejects}");
    let bad = run(&["filter", fixture("feed.jsonl").to_str().unwrap(), "--max-boilerplate", "5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("between 0 and 1"), "{}", stderr(&bad));
}

#[test]
fn filter_needs_a_criterion() {
    let o = run(&["filter", fixture("feed.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing to filter by"));
}

#[test]
fn explain_text_and_json() {
    let seed = root().join("data/seeds/004_dbb5cbce777983ee.txt");
    let o = run(&["explain", seed.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("score "), "{out}");
    assert!(out.contains("family contributions"));
    assert!(!out.contains("\x1b["), "NO_COLOR and a pipe mean no colour");
    let o = run(&["explain", "--color", "always", seed.to_str().unwrap()]);
    assert!(stdout(&o).contains("\x1b["));
    let o = run(&["explain", "-f", "json", seed.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let lines = v["lines"].as_array().unwrap();
    assert!(lines.iter().all(|l| l["class"].is_string() && l["reason"].is_string()));
    assert_eq!(lines[0]["text"], "Mon. Jul 8th, 2024");
}

#[test]
fn explain_text_shows_control_characters_as_code_points_and_json_keeps_them() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("f.jsonl");
    let seed = std::fs::read_to_string(root().join("data/seeds/004_dbb5cbce777983ee.txt")).unwrap();
    let text = format!("Red \x1b[31malert\x1b[0m\x07 and\tDEL\x7f C1\u{9b}2J done\r.\n{seed}");
    let rec = serde_json::json!({"id": "id\x1b]0;title\x07", "source": "s\x1b[2J", "text": text});
    std::fs::write(&p, rec.to_string() + "\n").unwrap();
    for color in ["never", "always"] {
        let o = run(&["explain", "--color", color, p.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        // Only explain's own colour sequences are escapes.
        let without_colour =
            ["\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[4m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;35m"]
                .iter()
                .fold(out.clone(), |s, c| s.replace(c, ""));
        assert!(
            !without_colour.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{color}: {out:?}"
        );
        for shown in [
            "Red \u{27e8}U+001B\u{27e9}[31malert\u{27e8}U+001B\u{27e9}[0m\u{27e8}U+0007\u{27e9} and\tDEL\u{27e8}U+007F\u{27e9}",
            "C1\u{27e8}U+009B\u{27e9}2J done\u{27e8}U+000D\u{27e9}.",
            "id\u{27e8}U+001B\u{27e9}]0;title\u{27e8}U+0007\u{27e9}",
            "s\u{27e8}U+001B\u{27e9}[2J",
        ] {
            assert!(without_colour.contains(shown), "{color}: {shown:?} not in {out:?}");
        }
    }
    let o = run(&["explain", "-f", "json", p.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["lines"][0]["text"], text.lines().next().unwrap(), "JSON keeps the text as it is");
    assert_eq!(v["id"], "id\x1b]0;title\x07");
}

#[test]
fn explain_selects_a_record_by_id() {
    let o = run(&["explain", "--id", "s004", fixture("feed.jsonl").to_str().unwrap()]);
    assert!(stdout(&o).starts_with("== s004"), "{}", stdout(&o));
    let o = run(&["explain", "--id", "nope", fixture("feed.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_scores_versions_together_as_score_does() {
    // The seeds are five versions of one story: explain compares them (story clusters) and
    // gives every document the score `score` gives it, on its own or picked out by --id.
    let seeds = root().join("data/seeds");
    let o = run(&["score", "--quiet", "-f", "jsonl", seeds.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want: std::collections::BTreeMap<String, f64> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap().to_string(), v["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(want.len(), 5);
    let o = run(&["explain", "-f", "json", seeds.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: std::collections::BTreeMap<String, f64> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            assert_eq!(v["cluster"]["size"], 5, "{v}");
            (v["id"].as_str().unwrap().to_string(), v["scored"]["score"].as_f64().unwrap())
        })
        .collect();
    assert_eq!(got, want);
    let (id, score) = want.iter().next().unwrap();
    let o = run(&["explain", "--id", id, seeds.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(text.contains(&format!("score {score:.1} ")), "{score} not in {text}");
    assert!(text.contains("cluster ") && text.contains("of 5 versions"), "{text}");
}

#[test]
fn bad_weights_file_is_a_clear_fatal_error() {
    let d = tempfile::tempdir().unwrap();
    let w = d.path().join("w.json");
    std::fs::write(&w, "{not json").unwrap();
    let o = run(&["score", "--weights", w.to_str().unwrap(), root().join("data/seeds").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("w.json"), "{}", stderr(&o));
}

#[test]
fn broken_pipe_is_not_an_error() {
    let mut child = bin()
        .args(["score", root().join("data/seeds").to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.code() == Some(0), "{:?} {}", o.status, stderr(&o));
}

#[test]
fn seeds_rank_the_garbled_republications_above_the_fluent_one() {
    let o = run(&["score", "-f", "jsonl", root().join("data/seeds").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    let score = |prefix: &str| -> f64 {
        rows.iter().find(|r| r["id"].as_str().unwrap().contains(prefix)).unwrap()["score"].as_f64().unwrap()
    };
    assert!(score("/004_") > score("/002_"), "{rows:?}");
    assert!(score("/000_") > score("/002_"), "{rows:?}");
    // The five versions of the story form one cluster, with one likely original: a fluent one
    // (002, the human translation, or 001, the lightly rewritten copy).
    for r in &rows {
        assert_eq!(r["cluster"]["size"], 5, "{r}");
    }
    let originals: Vec<&str> = rows
        .iter()
        .filter(|r| r["cluster"]["likely_original"] == true)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(originals.len(), 1, "{originals:?}");
    assert!(originals[0].contains("/002_") || originals[0].contains("/001_"), "{originals:?}");
    // All 8 ordered pairs: 002 below 001 and 003, those two below 000 and 004.
    for (lo, hi) in [("/002_", "/001_"), ("/002_", "/003_")] {
        assert!(score(lo) < score(hi), "{lo} < {hi}: {rows:?}");
    }
    for lo in ["/001_", "/003_"] {
        for hi in ["/000_", "/004_"] {
            assert!(score(lo) < score(hi), "{lo} < {hi}: {rows:?}");
        }
    }
    // 004's mangled acronyms are evidence with the likely original.
    let r004 = rows.iter().find(|r| r["id"].as_str().unwrap().contains("/004_")).unwrap();
    let ev = r004["evidence"].as_array().unwrap();
    assert!(ev.iter().any(|e| e["text"] == "A.S." && e["suggestion"] == "U.S."), "{ev:?}");
}

/// A labelled dataset made of the seeds (evaluate.py's format).
fn labelled_seeds(dir: &Path) -> PathBuf {
    let p = dir.join("labelled.jsonl");
    let mut out = String::new();
    for (name, deg) in [("000", 3.0), ("001", 1.0), ("002", 0.0), ("003", 1.0), ("004", 3.0)] {
        let file = std::fs::read_dir(root().join("data/seeds"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(name))
            .unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        let label = if deg > 0.0 { "garbled" } else { "clean" };
        let row = serde_json::json!({"id": name, "text": text, "group": "g", "label": label, "degradation": deg, "kind": "seed"});
        out.push_str(&row.to_string());
        out.push('\n');
    }
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn eval_prints_metrics_and_confusion() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let o = run(&["eval", "--quiet", data.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("pairacc") && out.contains("ALL") && out.contains("verdicts"), "{out}");
    let o = run(&["eval", "--quiet", "--json", data.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["kinds"]["ALL"]["docs"], 5);
    assert_eq!(v["kinds"]["ALL"]["pairs"], 8);
    assert!(v["kinds"]["ALL"]["auc"].as_f64().is_some());
    // The same records as an indented JSON array (a JSON exporter's file): the same figures.
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(&data).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let array = d.path().join("labelled.json");
    // Indented, and on one line (every record on line 1: labels follow the records, not lines).
    for text in [serde_json::to_string_pretty(&rows).unwrap(), serde_json::to_string(&rows).unwrap()] {
        std::fs::write(&array, text).unwrap();
        let a = run(&["eval", "--quiet", "--json", array.to_str().unwrap()]);
        let mut va: serde_json::Value = serde_json::from_str(stdout(&a).trim()).unwrap();
        va["dataset"] = v["dataset"].clone();
        assert_eq!(va, v, "{}", stderr(&a));
    }
}

#[test]
fn eval_and_fit_exit_as_score_does_when_records_could_not_be_read() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let mut bytes = std::fs::read(&data).unwrap();
    bytes.extend_from_slice(b"{not json\n");
    std::fs::write(&data, bytes).unwrap();
    let o = run(&["score", data.to_str().unwrap()]);
    let code = o.status.code();
    assert_eq!(code, Some(1), "{}", stderr(&o));
    // eval still prints its figures, names the bad line, and exits as score does.
    let o = run(&["eval", data.to_str().unwrap()]);
    assert_eq!(o.status.code(), code, "{}", stderr(&o));
    assert!(stdout(&o).contains("pairacc"), "{}", stdout(&o));
    assert!(stderr(&o).contains("labelled.jsonl:6"), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 records could not be read"), "{}", stderr(&o));
    // fit still writes its weights from the records it could read.
    let w = d.path().join("w.json");
    let o = run(&["fit", data.to_str().unwrap(), "-o", w.to_str().unwrap(), "--l2", "10"]);
    assert_eq!(o.status.code(), code, "{}", stderr(&o));
    // Once, though fit reads the records more than once (with and without clusters).
    assert_eq!(stderr(&o).matches("labelled.jsonl:6").count(), 1, "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("1 records could not be read").count(), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&w).unwrap()).unwrap();
    assert_eq!(v["provenance"]["train_examples"], 15);
}

#[test]
fn a_label_of_the_wrong_type_stops_eval_and_fit_as_a_wrong_label_does() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let good = std::fs::read_to_string(&data).unwrap();
    let w = d.path().join("w.json");
    for (field, value) in [
        ("label", serde_json::json!("CLEAN")),
        ("label", serde_json::json!(0)),
        ("degradation", serde_json::json!("none")),
        ("group", serde_json::json!({"id": "g"})),
    ] {
        // The third record (the clean seed) gets the bad field.
        let lines: Vec<String> = good
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                if i == 2 {
                    v[field] = value.clone();
                }
                v.to_string() + "\n"
            })
            .collect();
        std::fs::write(&data, lines.concat()).unwrap();
        for args in [vec!["eval"], vec!["fit", "-o", w.to_str().unwrap()]] {
            let o = run(&[args.as_slice(), &[data.to_str().unwrap()]].concat());
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?} {field} {value}: {e}");
            assert!(e.contains(&format!("labelled.jsonl:3: {field} must be")), "{args:?} {value}: {e}");
            assert!(!w.exists(), "{field} {value}: weights written");
        }
    }
}

#[test]
fn fit_needs_an_output_and_writes_no_default_file() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    std::fs::create_dir(d.path().join("models")).unwrap();
    let o = bin().current_dir(d.path()).args(["fit", "--quiet", data.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--output"), "{}", stderr(&o));
    assert!(!d.path().join("models/scorer.json").exists(), "fit wrote the default weights file");
}

#[test]
fn fit_writes_weights_that_score_and_is_deterministic() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let (w1, w2) = (d.path().join("w1.json"), d.path().join("w2.json"));
    for w in [&w1, &w2] {
        let o = run(&["fit", "--quiet", data.to_str().unwrap(), "-o", w.to_str().unwrap(), "--l2", "10"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("weights written"));
    }
    let load = |p: &Path| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        v["provenance"]["command"] = serde_json::Value::Null; // names the output file
        v
    };
    assert!(load(&w1) == load(&w2), "same data, same weights");
    // The same records as a one-line JSON array: the same weights (labels follow the records).
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(&data).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let array = d.path().join("labelled.json");
    std::fs::write(&array, serde_json::to_string(&rows).unwrap()).unwrap();
    let o = run(&["fit", "--quiet", array.to_str().unwrap(), "-o", w2.to_str().unwrap(), "--l2", "10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut from_array = load(&w2);
    from_array["provenance"]["train"] = load(&w1)["provenance"]["train"].clone();
    assert!(load(&w1) == from_array, "a one-line array gives the JSONL's weights");
    let v = load(&w1);
    assert!(v["provenance"]["train"].as_str().unwrap().ends_with("labelled.jsonl"));
    assert!(
        v["features"].as_array().unwrap().iter().all(|f| f["name"] != "fluency.units"),
        "length features are never weighed"
    );
    let o = run(&[
        "score",
        "-f",
        "jsonl",
        "--weights",
        w1.to_str().unwrap(),
        root().join("data/seeds").to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(jsonl(&o).len(), 5);
}

#[test]
fn fit_learns_from_small_clusters_unless_told_not_to() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let w = d.path().join("w.json");
    let examples = |extra: &[&str]| -> (serde_json::Value, serde_json::Value) {
        let mut args =
            vec!["fit", "--quiet", data.to_str().unwrap(), "-o", w.to_str().unwrap(), "--l2", "10"];
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&w).unwrap()).unwrap();
        (v["provenance"]["train_examples"].clone(), v["provenance"]["small_clusters"].clone())
    };
    // Five seeds in one group (one clean, four garbled): each in its cluster and alone, plus the
    // clean original with one version as a pair, and three garbled versions without it.
    assert_eq!(examples(&[]), (15.into(), true.into()));
    assert_eq!(examples(&["--no-small-clusters"]), (10.into(), false.into()));
    // Without clusters there are no consensus features to learn from pairs either.
    assert_eq!(examples(&["--no-clusters"]).0, 5);
}

#[test]
fn fit_suspect_rule_is_recorded_and_checked() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let w = d.path().join("w.json");
    let o =
        run(&["fit", "--quiet", data.to_str().unwrap(), "-o", w.to_str().unwrap(), "--suspect", "youden"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&w).unwrap()).unwrap();
    assert_eq!(v["provenance"]["suspect_rule"], "youden");
    let o = run(&["fit", "--quiet", data.to_str().unwrap(), "-o", w.to_str().unwrap(), "--suspect", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("youden"), "{}", stderr(&o));
}

#[test]
fn fit_register_screen_is_reported_recorded_and_checked() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled_seeds(d.path());
    let w = d.path().join("w.json");
    let prov = |w: &Path| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(w).unwrap()).unwrap();
        v["provenance"]["register_screen"].clone()
    };
    // The seeds are one source: the screen needs two, says so and leaves every feature alone.
    let o = run(&["fit", "--quiet", data.to_str().unwrap(), "-o", w.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("register screen: not applied"), "{}", stdout(&o));
    assert_eq!(prov(&w)["screen"]["rows"], serde_json::json!([]));
    assert_eq!(prov(&w)["kept_as_excess"], true);
    let o = run(&[
        "fit",
        "--quiet",
        data.to_str().unwrap(),
        "-o",
        w.to_str().unwrap(),
        "--register-screen",
        "off",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("register screen: off"));
    assert_eq!(prov(&w), "off");
    let o =
        run(&["fit", "--quiet", data.to_str().unwrap(), "-o", w.to_str().unwrap(), "--register-screen=-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ratio"), "{}", stderr(&o));
}

#[test]
fn train_on_no_text_fails_naming_the_input_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("m.spinlm");
    let (empty, blank, dir) =
        (d.path().join("empty.txt"), d.path().join("blank.txt"), d.path().join("nothing"));
    std::fs::write(&empty, "").unwrap();
    std::fs::write(&blank, " \n\t\r\n  \n").unwrap();
    std::fs::create_dir(&dir).unwrap();
    for input in [&empty, &blank, &dir] {
        let o = run(&["train", "-o", m.to_str().unwrap(), input.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{input:?}: {e}");
        assert!(e.contains(input.to_str().unwrap()) && e.contains("no text"), "{e}");
        assert!(!m.exists(), "{input:?}: a model was written");
    }
    let o = run(&["train", "-o", m.to_str().unwrap(), empty.to_str().unwrap(), blank.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("empty.txt, ") && stderr(&o).contains("blank.txt"), "{}", stderr(&o));
    assert!(!m.exists());
}

#[test]
fn train_skips_records_without_text_lists_them_and_exits_1() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("m.spinlm");
    let feed = d.path().join("feed.jsonl");
    let page = d.path().join("empty.html");
    std::fs::write(&feed, "{\"text\":\"The cat sat on the mat.\"}\n{\"body\":\"x\"}\nnot json\n").unwrap();
    std::fs::write(&page, "<html><body></body></html>").unwrap();
    let o = run(&["train", "-o", m.to_str().unwrap(), feed.to_str().unwrap(), page.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("feed.jsonl:2: no string field \"text\""), "{e}");
    assert!(e.contains("feed.jsonl:3: not JSON"), "{e}");
    assert!(e.contains("empty.html:0: "), "{e}");
    assert!(e.contains("3 records gave no text"), "{e}");
    assert!(m.exists(), "the model of the readable records is written");
}

/// A directory `corpus` under `dir` holding a copy of the seed pages.
fn seed_corpus(dir: &std::path::Path) -> std::path::PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for e in std::fs::read_dir(root().join("data/seeds")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    corpus
}

#[test]
fn train_builds_a_model_that_scores() {
    let d = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(d.path());
    let (m1, m2) = (d.path().join("a.spinlm"), d.path().join("b.spinlm"));
    for m in [&m1, &m2] {
        let o = run(&["train", "-o", m.to_str().unwrap(), corpus.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(&m1).unwrap(), std::fs::read(&m2).unwrap(), "same input, same bytes");
    let o = run(&[
        "score",
        "-f",
        "jsonl",
        "--model",
        m1.to_str().unwrap(),
        root().join("data/seeds").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(jsonl(&o).iter().all(|r| r["score"].is_number()));
    // A corrupt model is a clear fatal error, not a panic.
    std::fs::write(&m2, b"not a model at all").unwrap();
    let o = run(&["score", "--model", m2.to_str().unwrap(), root().join("data/seeds").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("b.spinlm"), "{}", stderr(&o));
    // A user's model has no round-trip contrast unless given one: its mt features are missing;
    // with --roundtrip-model they are there. A corrupt round-trip model is a clear error too.
    let seeds = root().join("data/seeds");
    let o = run(&["score", "-f", "jsonl", "--model", m1.to_str().unwrap(), seeds.to_str().unwrap()]);
    assert!(jsonl(&o).iter().all(|r| r["features"].get("fluency.mt_llr").is_none_or(|v| v.is_null())));
    let o = run(&[
        "score",
        "-f",
        "jsonl",
        "--model",
        m1.to_str().unwrap(),
        "--roundtrip-model",
        m1.to_str().unwrap(),
        seeds.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(jsonl(&o).iter().all(|r| r["features"]["fluency.mt_llr"].is_number()));
    let with_full = jsonl(&o);
    let o = run(&["score", "--roundtrip-model", m2.to_str().unwrap(), seeds.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("round-trip model") && stderr(&o).contains("b.spinlm"), "{}", stderr(&o));
    // A contrast-only model scores as the full one does, and is refused as the reference model.
    let c = d.path().join("c.spinlm");
    let o = run(&["train", "--contrast-only", "-o", c.to_str().unwrap(), corpus.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata(&c).unwrap().len() < std::fs::metadata(&m1).unwrap().len());
    let (m1s, cs) = (m1.to_str().unwrap(), c.to_str().unwrap());
    let o = run(&["score", "-f", "jsonl", "--model", m1s, "--roundtrip-model", cs, seeds.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(jsonl(&o), with_full);
    let o = run(&["score", "--model", cs, seeds.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("contrast-only"), "{}", stderr(&o));
    // A model of format version 1 is refused with a hint to train it again.
    let mut old = std::fs::read(&m1).unwrap();
    old[8..12].copy_from_slice(&1u32.to_le_bytes());
    std::fs::write(&m2, &old).unwrap();
    let o = run(&["score", "--model", m2.to_str().unwrap(), seeds.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("version 1") && stderr(&o).contains("spinscore train"), "{}", stderr(&o));
}

#[test]
fn html_files_are_extracted() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("page.html"), seed_002_page()).unwrap();
    let o = run(&["score", "-f", "jsonl", d.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    assert!(rows[0]["score"].is_number());
    assert!(rows[0]["words"].as_u64().unwrap() > 300);
}

#[test]
fn html_pages_in_text_fields_are_extracted_like_html_files() {
    // A scraper's export often holds the raw page in its text field: it is scored as the same
    // page read from an .html file (with a warning), in JSONL, CSV and an extension-less file;
    // text about HTML and a file read with `--input-format text` are left as they are.
    let d = tempfile::tempdir().unwrap();
    let html = seed_002_page();
    std::fs::write(d.path().join("page.html"), &html).unwrap();
    let jsonl_line = serde_json::json!({"id": "page", "text": html}).to_string();
    std::fs::write(d.path().join("feed.jsonl"), format!("{jsonl_line}\n")).unwrap();
    let mut w = csv::Writer::from_path(d.path().join("feed.csv")).unwrap();
    w.write_record(["id", "text"]).unwrap();
    w.write_record(["page", html.as_str()]).unwrap();
    w.flush().unwrap();
    std::fs::write(d.path().join("page"), &html).unwrap();
    let reference = first_row(&d.path().join("page.html"), &[]);
    assert!(reference["score"].is_number(), "{reference}");
    for file in ["feed.jsonl", "feed.csv", "page"] {
        let row = first_row(&d.path().join(file), &[]);
        assert_eq!(row["score"], reference["score"], "{file}: {row}");
        assert_eq!(row["words"], reference["words"], "{file}");
        let warnings = row["warnings"].to_string();
        assert!(warnings.contains("HTML page"), "{file}: {warnings}");
    }
    // Forced to text, the file is scored as its raw markup.
    let raw = first_row(&d.path().join("page"), &["--input-format", "text"]);
    assert_ne!(raw["words"], reference["words"], "{raw}");
    assert!(!raw["warnings"].to_string().contains("HTML page"), "{raw}");
}

#[test]
fn character_references_and_mojibake_in_text_are_read_as_their_characters() {
    // "Biden&#8217;s" in an exported feed, or "Bidenâ€™s" from a wrong decoder, is "Biden’s":
    // the same score as the text written out, in a JSONL record and a text file alike.
    let d = tempfile::tempdir().unwrap();
    let text = seed_002();
    let escaped = text.replace('\u{2019}', "&#8217;").replace('"', "&quot;").replace('\u{201c}', "&ldquo;");
    assert_ne!(escaped, text);
    let line = |t: &str| serde_json::json!({"id": "x", "text": t}).to_string() + "\n";
    std::fs::write(d.path().join("plain.jsonl"), line(&text)).unwrap();
    std::fs::write(d.path().join("escaped.jsonl"), line(&escaped)).unwrap();
    std::fs::write(d.path().join("escaped.txt"), &escaped).unwrap();
    // The same text's UTF-8 read as Latin-1 ("’" as "â\u{80}\u{99}"): mojibake.
    let mojibake: String = text.bytes().map(char::from).collect();
    std::fs::write(d.path().join("mojibake.jsonl"), line(&mojibake)).unwrap();
    let plain = first_row(&d.path().join("plain.jsonl"), &[]);
    for file in ["escaped.jsonl", "escaped.txt", "mojibake.jsonl"] {
        let row = first_row(&d.path().join(file), &[]);
        assert_eq!(row["score"], plain["score"], "{file}");
        assert_eq!(row["words"], plain["words"], "{file}");
        // Shorter once repaired is not cut.
        assert!(row.get("warnings").is_none(), "{file}: {}", row["warnings"]);
    }
}

#[test]
fn hard_wrapped_text_scores_as_its_paragraphs() {
    // A plain-text export wrapped at 72 columns is read as the same paragraphs unwrapped.
    let paragraphs = seed_002_paragraphs();
    let wrapped: Vec<String> = paragraphs.iter().map(|p| wrap(p, 72, chars)).collect();
    assert!(wrapped.iter().any(|p| p.contains('\n')));
    assert_scored_as_plain(&paragraphs.join("\n\n"), &[("wrapped.txt", &wrapped.join("\n\n"))]);
}

#[test]
fn invisible_characters_and_markdown_score_as_the_text_a_reader_sees() {
    // Soft hyphens, a zero-width space after each sentence, and Markdown exports (a "#"
    // headline, a link on a phrase, a bold name, an image line; reference links, a code span
    // and a code block; HTML tags left in the text; a CMS export's comments, script and
    // iframe), and the text written as a JSON string body change nothing a reader sees.
    let paragraphs = seed_002_paragraphs();
    let plain_text = paragraphs.join("\n\n");
    let invisible = plain_text.replace(". ", ".\u{200b} ").replace("administration", "adminis\u{ad}tration");
    let mut md: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
    md[0] = format!("# {}", md[0]);
    md[1] = md[1].replacen("Biden", "**Biden**", 1);
    let words: Vec<&str> = md[2].split(' ').collect();
    md[2] = format!("[{} {}](https://example.com/a/1) {}", words[0], words[1], words[2..].join(" "));
    md.insert(2, "![A photo of the talks](https://example.com/img/1.jpg)".to_string());
    let markdown = md.join("\n\n");
    // Another export: reference-style links with their definitions at the end, a code span, a
    // fenced code block.
    let mut refs: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
    refs[1] = refs[1].replacen("Biden", "[Biden][1]", 1);
    refs[3] = refs[3].replacen(" the ", " `the` ", 1);
    refs.insert(
        2,
        "```python\nimport requests\nrows = requests.get(url, timeout=10).json()\n```".to_string(),
    );
    refs.push("[1]: https://example.com/people/biden \"Profile\"".to_string());
    let references = refs.join("\n\n");
    // A text field that kept some of its page's tags.
    let mut tagged: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
    tagged[1] = tagged[1].replacen("Biden", "<strong>Biden</strong>", 1);
    tagged[2] = format!("<a href=\"https://example.com/a/1\" rel=\"noopener\">{}</a>", tagged[2]);
    let tags = tagged.join("\n\n");
    // A CMS export: block comments around paragraphs (the first one too), an embedded tweet's
    // script and a video iframe between them.
    let mut embedded: Vec<String> =
        paragraphs.iter().map(|p| format!("<!-- wp:paragraph -->{p}<!-- /wp:paragraph -->")).collect();
    embedded.insert(
        2,
        "<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>"
            .to_string(),
    );
    embedded
        .insert(4, "<iframe src=\"https://www.youtube.com/embed/x1\" allowfullscreen></iframe>".to_string());
    let embeds = embedded.join("\n\n");
    // An export that wrote the text as a JSON string body: "\n" and "\u2019" as escapes.
    let escaped: String = plain_text
        .chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '"' => "\\\"".to_string(),
            c if !c.is_ascii() => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect();
    assert_ne!(invisible, plain_text);
    assert!(markdown.contains("**Biden**") && markdown.contains("](https://"), "{markdown}");
    assert!(references.contains("[Biden][1]") && references.contains("`the`"), "{references}");
    assert!(!escaped.contains('\n') && escaped.contains("\\n"), "{escaped}");
    assert_scored_as_plain(
        &plain_text,
        &[
            ("invisible.txt", &invisible),
            ("page.md", &markdown),
            ("refs.md", &references),
            ("tags.txt", &tags),
            ("embeds.txt", &embeds),
            ("escaped.txt", &escaped),
        ],
    );
}

#[test]
fn wrapped_indented_and_listed_copies_score_as_the_text_a_reader_sees() {
    // Seed 002 with every fourth paragraph a list item, then the same hard-wrapped at 72
    // columns (a wrapped item's marker takes room on its first line; characters counted, or
    // bytes as `fold` counts them), indented by four spaces after the first line (pretty-printed
    // HTML, trimmed as a whole), and both.
    let items: Vec<String> = seed_002_paragraphs()
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 4 == 1 { format!("- {p}") } else { p.clone() })
        .collect();
    let listed = items.join("\n\n");
    let wrapped = items.iter().map(|p| wrap(p, 72, chars)).collect::<Vec<_>>().join("\n\n");
    let folded = items.iter().map(|p| wrap(p, 72, str::len)).collect::<Vec<_>>().join("\n\n");
    let indented = listed.replace('\n', "\n    ");
    let both = wrapped.replace('\n', "\n\t");
    assert!(wrapped.contains("\n- ") && wrapped.lines().all(|l| l.chars().count() <= 72));
    assert_ne!(folded, wrapped, "seed 002 has curly quotes: a wrap by bytes breaks elsewhere");
    assert_scored_as_plain(
        &seed_002_paragraphs().join("\n\n"),
        &[
            ("listed.txt", &listed),
            ("wrapped.txt", &wrapped),
            ("folded.txt", &folded),
            ("indented.txt", &indented),
            ("both.txt", &both),
        ],
    );
}

#[test]
fn links_after_sentences_and_titles_leave_the_score_as_it_is() {
    // A page that gives its sources' addresses after a headline and some paragraphs scores as
    // the same page without them: an address is not prose, and a line ending in one is still
    // article text.
    let paragraphs = seed_002_paragraphs();
    let plain_text = paragraphs.join("\n\n");
    let linked: Vec<String> = paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| match i % 3 {
            0 => format!("{p} (https://www.example.com/news/{i}?ref=feed)"),
            1 => format!("{p} <desk{i}@example.com>"),
            _ => p.to_string(),
        })
        .collect();
    let linked_text = linked.join("\n\n");
    let (plain, rows) = assert_scored_as_plain(&plain_text, &[("linked.txt", &linked_text)]);
    let row = &rows[0];
    // The boilerplate share counts characters, so the longer lines of links may move it.
    for family in ["fluency", "entities"] {
        assert_eq!(row["subscores"][family], plain["subscores"][family], "{family}");
    }
}

#[test]
fn an_address_inside_a_sentence_reads_as_one_rare_word() {
    // "write to desk@example.com by Friday": the address stands where a name would, so the
    // page scores as it does with an unknown word there (not as if "to" and "by" were adjacent),
    // and Cloudflare's placeholder for a hidden address is such an address.
    let d = tempfile::tempdir().unwrap();
    let paragraphs = seed_002_paragraphs();
    let with = |fill: &[&str]| -> String {
        let mut ps = paragraphs.clone();
        for (i, f) in fill.iter().enumerate() {
            ps[2 * i + 1] = format!("{} Readers can see the letter at {f} from Monday.", ps[2 * i + 1]);
        }
        ps.join("\n\n")
    };
    let cases = [
        ("rare", with(&["quillbury", "quillbury", "quillbury"])),
        ("addr", with(&["www.example.com/news/letter?id=7", "[email protected]", "desk@example.com"])),
    ];
    let mut rows = Vec::new();
    for (name, text) in &cases {
        let path = d.path().join(format!("{name}.txt"));
        std::fs::write(&path, text).unwrap();
        rows.push(first_row(&path, &[]));
    }
    assert_eq!(rows[1]["score"], rows[0]["score"], "{}", rows[1]);
    assert_eq!(rows[1]["words"], rows[0]["words"]);
}

#[test]
fn overlong_record_is_an_error_row_and_the_feed_goes_on() {
    let long = format!("{{\"id\":\"big\",\"text\":\"{}\"}}", "The talks went on. ".repeat(60_000));
    assert!(long.len() > 1 << 20);
    let feed = format!(
        "{{\"id\":\"a\",\"text\":\"The officials said that the talks would continue next week in Geneva.\"}}\n{long}\n{{\"id\":\"c\",\"text\":\"The president said on Monday that the talks would continue next week.\"}}\n"
    );
    let o = run_with_stdin(
        &["score", "--quiet", "-f", "jsonl", "--min-words", "3", "--max-record-mib", "1", "-"],
        feed.into_bytes(),
    );
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 3, "{rows:?}");
    let bad = rows.iter().find(|r| r["status"] == "error").expect("an error row");
    let msg = bad["error"].as_str().unwrap();
    assert!(msg.contains(":2: record longer than 1048576 bytes"), "{msg}");
    assert_eq!(row(&rows, "a")["status"], "scored");
    assert_eq!(row(&rows, "c")["status"], "scored");
}

/// An unrelated short news item about an invented place (`k` picks its names and figures).
fn filler(k: usize) -> String {
    const NAMES: [&str; 25] = [
        "Aldermoor",
        "Briggsby",
        "Caldenwick",
        "Dunmarrow",
        "Elsworthy",
        "Fenhallow",
        "Garroway",
        "Hollinsby",
        "Ivesdale",
        "Jorrington",
        "Kestleford",
        "Lamberhurst",
        "Marrowby",
        "Northcombe",
        "Ottersley",
        "Pellingham",
        "Quarrendon",
        "Rushmere",
        "Stavenhoe",
        "Thornaby",
        "Ulverscot",
        "Varnholt",
        "Wendlebury",
        "Yarrowfield",
        "Zennorby",
    ];
    let (name, town) = (NAMES[k % 25], NAMES[(k * 7 + 3) % 25]);
    format!(
        "{name} Hall reopens\n\nThe {name} Hall in {town} reopened on Saturday after a renovation that \
         took {} months, the {name} Trust said. Visitors queued outside the hall in {town} before the doors \
         opened, and the trust said more than {} people had booked tickets for the first week. The \
         building, which dates from {}, had been closed since a storm damaged its roof.",
        k % 11 + 3,
        1200 + 37 * k,
        1850 + k
    )
}

/// The five versions of the seed story at records 0, 7, 14, 21 and 28 of a JSONL file, among 25
/// unrelated ones.
fn spread_seeds(dir: &Path) -> PathBuf {
    let p = dir.join("spread.jsonl");
    let mut seeds: Vec<PathBuf> =
        std::fs::read_dir(root().join("data/seeds")).unwrap().map(|e| e.unwrap().path()).collect();
    seeds.sort();
    let mut out = String::new();
    let (mut s, mut f) = (0, 0);
    for i in 0..30 {
        let row = if i % 7 == 0 && s < seeds.len() {
            s += 1;
            let text = std::fs::read_to_string(&seeds[s - 1]).unwrap();
            serde_json::json!({"id": format!("seed{}", s - 1), "source": "seeds", "text": text})
        } else {
            f += 1;
            serde_json::json!({"id": format!("filler{f}"), "source": "local", "text": filler(f)})
        };
        out.push_str(&row.to_string());
        out.push('\n');
    }
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn versions_far_apart_in_a_file_are_compared_whatever_the_batch_size() {
    let d = tempfile::tempdir().unwrap();
    let p = spread_seeds(d.path());
    let file = p.to_str().unwrap();
    let whole = jsonl(&run(&["score", "-f", "jsonl", file]));
    let small = run(&["score", "-f", "jsonl", "--batch-size", "6", "--threads", "1", file]);
    assert!(small.status.success(), "{}", stderr(&small));
    let small_rows = jsonl(&small);
    for k in 0..5 {
        let id = format!("seed{k}");
        let (a, b) = (row(&whole, &id), row(&small_rows, &id));
        assert_eq!(b["cluster"]["size"], 5, "{b}");
        assert_eq!(a["score"], b["score"], "{id}");
    }
    let two = run(&["score", "-f", "jsonl", "--batch-size", "6", "--threads", "2", file]);
    assert_eq!(stdout(&small), stdout(&two));
    // Unranked rows come back in input order, scored rows numbered in that order.
    let unranked = jsonl(&run(&["score", "-f", "jsonl", "--unranked", "--batch-size", "6", file]));
    let ids: Vec<&str> = unranked.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(&ids[..3], ["seed0", "filler1", "filler2"]);
    assert_eq!(ids[7], "seed1");
    let ranks: Vec<u64> = unranked.iter().filter_map(|r| r["rank"].as_u64()).collect();
    assert_eq!(ranks, (1..=ranks.len() as u64).collect::<Vec<_>>());
    // From standard input the same plan brings them together (its documents wait in a
    // temporary file); with --in-order-batches the batches are read in order and the versions
    // are cut apart.
    let piped =
        run_with_stdin(&["score", "-f", "jsonl", "--batch-size", "6", "-"], std::fs::read(&p).unwrap());
    let piped = jsonl(&piped);
    for k in 0..5 {
        let id = format!("seed{k}");
        assert_eq!(row(&piped, &id)["score"], row(&whole, &id)["score"], "{id}");
    }
    let in_order = run_with_stdin(
        &["score", "-f", "jsonl", "--batch-size", "6", "--in-order-batches", "-"],
        std::fs::read(&p).unwrap(),
    );
    assert!(
        jsonl(&in_order)
            .iter()
            .any(|r| r["cluster"]["size"] != 5 && r["id"].as_str().unwrap().starts_with("seed"))
    );
}

#[test]
fn boilerplate_evidence_comes_after_the_evidence_behind_the_score() {
    let o = run(&["score", "-f", "jsonl", root().join("data/seeds").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    let mut both = 0;
    for r in &rows {
        let fams: Vec<&str> =
            r["evidence"].as_array().unwrap().iter().map(|e| e["family"].as_str().unwrap()).collect();
        let first_bp = fams.iter().position(|f| *f == "boilerplate").unwrap_or(fams.len());
        assert!(fams[first_bp..].iter().all(|f| *f == "boilerplate"), "{}: {fams:?}", r["id"]);
        both += usize::from(first_bp > 0 && first_bp < fams.len());
    }
    // Every seed page has furniture and other evidence both.
    assert_eq!(both, rows.len());
}

#[test]
fn filter_scores_as_score_does_with_versions_far_apart() {
    let d = tempfile::tempdir().unwrap();
    let p = spread_seeds(d.path());
    let file = p.to_str().unwrap();
    let scored = jsonl(&run(&["score", "-f", "jsonl", "--batch-size", "6", file]));
    let kept = run(&["filter", "--max-score", "100", "--add-score", "--batch-size", "6", file]);
    assert!(kept.status.success(), "{}", stderr(&kept));
    let rows = jsonl(&kept);
    // Every record kept, in input order, with the score `score` gives it.
    let input: Vec<serde_json::Value> =
        std::fs::read_to_string(&p).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        rows.iter().map(|r| &r["id"]).collect::<Vec<_>>(),
        input.iter().map(|r| &r["id"]).collect::<Vec<_>>()
    );
    for r in &rows {
        let want = row(&scored, r["id"].as_str().unwrap())["score"].as_f64().map(|s| format!("{s:.2}"));
        assert_eq!(r["spinscore_score"].as_str().map(String::from), want, "{}", r["id"]);
    }
    // The versions were compared: the spun copies score as in one batch, above the cleanest.
    let seed = |k: usize| {
        row(&rows, &format!("seed{k}"))["spinscore_score"].as_str().unwrap().parse::<f64>().unwrap()
    };
    assert!(seed(4) > seed(2) && seed(0) > seed(2), "{rows:?}");
    // Standard input is spooled, so it is planned alike.
    let piped = run_with_stdin(
        &["filter", "--max-score", "100", "--add-score", "--batch-size", "6", "-"],
        std::fs::read(&p).unwrap(),
    );
    assert_eq!(stdout(&piped), stdout(&kept));
}

#[test]
fn planned_batches_report_every_record_once_with_its_line() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("mixed.jsonl");
    let mut lines = Vec::new();
    for i in 0..12 {
        lines.push(match i % 4 {
            1 => "{not json".to_string(),
            2 => serde_json::json!({"id": format!("r{i}"), "body": "no text field"}).to_string(),
            _ => serde_json::json!({"id": format!("r{i}"), "text": filler(i)}).to_string(),
        });
        if i == 5 {
            lines.push(String::new()); // a blank line is skipped, not a record
        }
    }
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let o = run(&["score", "-f", "jsonl", "--unranked", "--batch-size", "3", p.to_str().unwrap()]);
    let rows = jsonl(&o);
    let got: Vec<(u64, String)> = rows
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["status"].as_str().unwrap_or("").to_string()))
        .collect();
    let want_lines: Vec<u64> = (1..=13).filter(|&l| l != 7).collect();
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), want_lines, "{rows:?}");
    let errors = rows.iter().filter(|r| r["status"] == "error").count();
    assert_eq!(errors, 6, "{rows:?}");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn obfuscated_and_templated_copies_score_above_their_original_with_the_evidence() {
    let clean = "The government said on Tuesday that the talks in Geneva would go on for another week. \
                 Officials from both sides met for five hours and agreed to meet again in the city. \
                 The prime minister told reporters that progress had been made on several points.";
    let hidden = clean.replace("government", "g\u{43e}vernment").replace("minister", "mini\u{200b}ster");
    let template = clean.replace("told", "{told|informed|said to}");
    let input = [("clean", clean), ("hidden", hidden.as_str()), ("template", template.as_str())]
        .iter()
        .map(|(id, t)| serde_json::json!({"id": id, "text": t}).to_string() + "\n")
        .collect::<String>();
    let o = run_with_stdin(
        &["score", "--no-clusters", "-f", "jsonl", "--input-format", "jsonl", "-"],
        input.into(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&o);
    let (c, h) = (row(&rows, "clean"), row(&rows, "hidden"));
    assert!(h["score"].as_f64().unwrap() > c["score"].as_f64().unwrap() + 10.0, "{h}\n{c}");
    let kinds: Vec<(&str, &str)> = h["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "obfuscated")
        .map(|e| (e["text"].as_str().unwrap(), e["suggestion"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("g\u{43e}vernment", "government"), ("mini\u{200b}ster", "minister")]);
    assert_eq!(c["features"]["entities.obfuscation_rate"], 0.0);
    let t = row(&rows, "template");
    assert!(t["score"].as_f64().unwrap() > c["score"].as_f64().unwrap() + 10.0, "{t}\n{c}");
    assert!(
        t["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "spin-template" && e["text"] == "{told|informed|said to}"),
        "{t}"
    );
    assert_eq!(c["features"]["entities.template_rate"], 0.0);
}

#[test]
fn fatal_errors_name_their_cause_once() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("missing.txt");
    let o = run(&["score", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("missing.txt"), "{e}");
    assert_eq!(e.matches("No such file or directory").count(), 1, "{e}");
    let model = d.path().join("model.bin");
    std::fs::write(&model, "not a model").unwrap();
    let o = run(&["score", "--model", model.to_str().unwrap(), fixture("feed.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("model.bin"), "{e}");
    assert_eq!(e.matches("bad magic").count(), 1, "{e}");
}

#[cfg(unix)]
#[test]
fn unreadable_subdirectory_is_an_error_row_and_the_run_continues() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("data/seeds/002_9b250bf8fdcec7e7.txt"), d.path().join("good.txt")).unwrap();
    let locked = d.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("inside.txt"), "some text").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        return; // running as root: permissions do not apply
    }
    let o = run(&["score", "-f", "jsonl", d.path().to_str().unwrap()]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().any(|r| r["score"].is_number()), "{rows:?}");
    let err = rows.iter().find(|r| r["status"] == "error").unwrap();
    assert!(err["file"].as_str().unwrap().ends_with("locked"), "{err}");
    assert!(err["error"].as_str().unwrap().contains("cannot read"), "{err}");
}

/// Runs spinscore with `args`; `None` if it did not finish within a minute (it was killed), so
/// that a run that would wait forever fails its test instead of hanging it.
#[cfg(unix)]
fn run_within_a_minute(args: &[std::ffi::OsString]) -> Option<Output> {
    use std::io::Read;
    let mut child = bin().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Read as it comes, so that a full pipe never stops the child.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            r.read_to_end(&mut v).map(|_| v).unwrap()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Some(Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() })
}

/// Makes a named pipe.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Runs spinscore on a named pipe that `content` is written to once; `None` if it did not
/// finish within a minute (it was killed).
#[cfg(unix)]
fn run_on_fifo(args: &[&str], name: &str, content: Vec<u8>) -> Option<Output> {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join(name);
    mkfifo(&fifo);
    let writer = fifo.clone();
    std::thread::spawn(move || std::fs::write(writer, content));
    let args: Vec<std::ffi::OsString> =
        args.iter().map(|a| a.into()).chain([fifo.into_os_string()]).collect();
    run_within_a_minute(&args)
}

#[cfg(unix)]
#[test]
fn a_named_pipe_inside_a_directory_is_skipped_not_waited_on() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("data/seeds/002_9b250bf8fdcec7e7.txt"), d.path().join("good.txt")).unwrap();
    mkfifo(&d.path().join("feed.jsonl")); // no writer will come
    let args = ["score", "-f", "jsonl", "--verbose", d.path().to_str().unwrap()].map(Into::into);
    let o = run_within_a_minute(&args).expect("score on a directory holding a named pipe finishes");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(jsonl(&o).len(), 1, "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("skipped 1 file(s) that are not regular files") && e.contains("feed.jsonl"), "{e}");
}

#[cfg(unix)]
#[test]
fn pipes_given_as_paths_are_read_once() {
    let path = fixture("feed.jsonl");
    let feed = std::fs::read(&path).unwrap();
    // More records than a batch: a file would be read twice (planned batches).
    let want = run(&["score", "-f", "jsonl", "--batch-size", "2", path.to_str().unwrap()]);
    let o = run_on_fifo(&["score", "-f", "jsonl", "--batch-size", "2"], "feed.jsonl", feed.clone())
        .expect("score on a pipe finishes");
    assert!(!stderr(&o).contains("seek"), "{}", stderr(&o));
    let statuses = |o: &Output| {
        let mut v: Vec<String> = jsonl(o).iter().map(|r| format!("{} {}", r["line"], r["status"])).collect();
        v.sort();
        v
    };
    assert_eq!(statuses(&o), statuses(&want), "{}", stderr(&o));
    // filter reads its feed twice: a pipe is spooled as standard input is.
    let want = run(&["filter", "--max-score", "100", path.to_str().unwrap()]);
    let o = run_on_fifo(&["filter", "--max-score", "100", "--batch-size", "2"], "feed.jsonl", feed.clone())
        .expect("filter on a pipe finishes");
    assert_eq!(stdout(&o), stdout(&want), "{}", stderr(&o));
    // eval reads its dataset more than once: a pipe is refused, not read as empty.
    let o = run_on_fifo(&["eval"], "labelled.jsonl", feed).expect("eval on a pipe finishes");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("labelled.jsonl"), "{}", stderr(&o));
}

#[test]
fn byte_order_marks_do_not_hide_the_first_record() {
    let feed = std::fs::read(fixture("feed.jsonl")).unwrap();
    let plain = run_with_stdin(&["score", "-f", "jsonl", "--unranked", "-"], feed.clone());
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&feed);
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bom.jsonl");
    std::fs::write(&p, &bom).unwrap();
    let from_file = run(&["score", "-f", "jsonl", "--unranked", p.to_str().unwrap()]);
    let from_stdin = run_with_stdin(&["score", "-f", "jsonl", "--unranked", "-"], bom.clone());
    let ids =
        |o: &Output| jsonl(o).iter().map(|r| (r["line"].clone(), r["status"].clone())).collect::<Vec<_>>();
    assert_eq!(ids(&from_file), ids(&plain), "{}", stderr(&from_file));
    assert_eq!(ids(&from_stdin), ids(&plain), "{}", stderr(&from_stdin));
    // Two such files joined with `cat`: the second one's first record is read as well.
    let joined = d.path().join("joined.jsonl");
    std::fs::write(&joined, [&bom[..], &bom[..]].concat()).unwrap();
    let o = run(&["score", "-f", "jsonl", "--unranked", joined.to_str().unwrap()]);
    let statuses = |o: &Output| jsonl(o).iter().map(|r| r["status"].clone()).collect::<Vec<_>>();
    assert_eq!(statuses(&o), [statuses(&plain), statuses(&plain)].concat(), "{}", stderr(&o));
    // filter writes the first record back without the mark.
    let o = run(&["filter", "--max-score", "100", p.to_str().unwrap()]);
    assert!(!stdout(&o).starts_with('\u{feff}'), "{}", stdout(&o));
    assert!(stdout(&o).starts_with('{'), "{}", stdout(&o));
}

#[test]
fn an_output_that_is_an_input_is_refused_before_it_is_overwritten() {
    let d = tempfile::tempdir().unwrap();
    let feed = d.path().join("feed.jsonl");
    let original = std::fs::read(fixture("feed.jsonl")).unwrap();
    std::fs::write(&feed, &original).unwrap();
    let f = feed.to_str().unwrap();
    let in_dir = d.path().to_str().unwrap();
    for args in [
        vec!["score", f, "-o", f],
        vec!["score", in_dir, "-o", f],
        vec!["sources", f, "-o", f],
        vec!["filter", "--max-score", "50", f, "-o", f],
        vec!["filter", "--max-score", "50", f, "--rejects", f],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("feed.jsonl"), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(&feed).unwrap(), original, "{args:?} overwrote its input");
    }
    // fit on labelled data it can learn from: refused before it reads, as training or as
    // held-back data.
    let data = labelled_seeds(d.path());
    let labelled = std::fs::read(&data).unwrap();
    let l = data.to_str().unwrap();
    for args in [vec!["fit", "--quiet", l, "-o", l], vec!["fit", "--quiet", l, "--valid", l, "-o", l]] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("overwrite this input"), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(&data).unwrap(), labelled, "{args:?} overwrote its input");
    }
}

#[test]
fn an_empty_input_is_one_error_row_whatever_its_format_and_from_standard_input() {
    let d = tempfile::tempdir().unwrap();
    for (name, content) in
        [("empty.txt", ""), ("empty.csv", ""), ("empty.jsonl", ""), ("blank.jsonl", "\n \n")]
    {
        let p = d.path().join(name);
        std::fs::write(&p, content).unwrap();
        let o = run(&["score", "-f", "jsonl", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let rows = jsonl(&o);
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert_eq!(rows[0]["status"], "error", "{name}");
        assert!(rows[0]["error"].as_str().unwrap().ends_with(&format!("{name}: empty file")), "{}", rows[0]);
    }
    // Standard input with nothing on it, whatever format it is read as.
    for forced in [&[][..], &["--input-format", "jsonl"], &["--input-format", "text"]] {
        let args: Vec<&str> = ["score", "-f", "jsonl"].iter().chain(forced).chain(&["-"]).copied().collect();
        let o = run_with_stdin(&args, Vec::new());
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let rows = jsonl(&o);
        assert_eq!(rows.len(), 1, "{args:?}: {rows:?}");
        assert_eq!(rows[0]["error"], "-: empty file", "{args:?}");
    }
    // filter counts it as an errored record, as score does.
    let o = run_with_stdin(&["filter", "--max-score", "50", "-"], Vec::new());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(stderr(&o).contains("1 records: 0 kept, 0 rejected, 1 errored"), "{}", stderr(&o));
}

#[test]
fn csv_cells_of_standard_input_and_negative_numbers_are_not_escaped_as_formulas() {
    let text = std::fs::read(root().join("data/seeds/002_9b250bf8fdcec7e7.txt")).unwrap();
    let o = run_with_stdin(&["score", "-"], text);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    let row = rdr.records().next().unwrap().unwrap();
    let cell = |name: &str| row[headers.iter().position(|h| h == name).unwrap()].to_string();
    // Standard input's id and source are `-`: a lone sign, not a formula.
    assert_eq!((cell("id"), cell("source")), ("-".to_string(), "-".to_string()));
    // Features (some negative) stay numbers.
    let values: Vec<String> = headers.iter().filter(|h| h.contains('.')).map(cell).collect();
    assert!(values.iter().any(|v| v.starts_with('-')), "{values:?}");
    for v in values.iter().filter(|v| !v.is_empty()) {
        assert!(v.parse::<f64>().is_ok(), "{v:?} is not a number: {values:?}");
    }
}

#[test]
fn train_reads_a_directory_as_score_does_and_lists_what_it_skipped() {
    let d = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(d.path());
    let (clean, with_junk) = (d.path().join("clean.spinlm"), d.path().join("junk.spinlm"));
    let o = run(&["train", "-o", clean.to_str().unwrap(), corpus.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(corpus.join(".DS_Store"), b"\0\0\0\x01Bud1\0\0\x10\0 Icnv lsvo junk").unwrap();
    std::fs::write(corpus.join("picture.png"), b"\x89PNG\r\n\x1a\n IHDR sRGB junk").unwrap();
    let o = run(&["train", "--verbose", "-o", with_junk.to_str().unwrap(), corpus.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&with_junk).unwrap(),
        std::fs::read(&clean).unwrap(),
        "only the documents are read"
    );
    let e = stderr(&o);
    assert!(e.contains("skipped 1 file(s) that are not documents:") && e.contains("picture.png"), "{e}");
    assert!(!e.contains(".DS_Store"), "hidden files are passed over silently, as by score: {e}");
}

#[test]
fn a_cluster_id_is_a_record_id_and_escaped_in_csv_as_the_id_is() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("feed.jsonl");
    let mut out = String::new();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(root().join("data/seeds")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for (k, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        out.push_str(&serde_json::json!({"id": format!("=HYPERLINK(\"x\",{k})"), "text": text}).to_string());
        out.push('\n');
    }
    std::fs::write(&p, out).unwrap();
    let o = run(&["score", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert!(rows.iter().all(|r| !r[col("cluster_id")].is_empty()), "the seeds are one cluster");
    for r in &rows {
        for name in ["id", "cluster_id"] {
            assert!(r[col(name)].starts_with("'="), "{name}: {:?}", &r[col(name)]);
        }
    }
}

/// The five seeds, each with its lines run together on one line (whitespace collapsed, as some
/// scrapers and exports leave a page), scored alone: the page furniture is still found, and the
/// cleanest and the most damaged seed stay at the ends of the ranking.
#[test]
fn seed_pages_run_together_on_one_line_keep_their_furniture_and_order() {
    let d = tempfile::tempdir().unwrap();
    let seeds = root().join("data/seeds");
    let mut names: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    let mut score = std::collections::HashMap::new();
    for name in &names {
        let text = std::fs::read_to_string(seeds.join(name)).unwrap();
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let path = d.path().join(name);
        std::fs::write(&path, &one_line).unwrap();
        let row = first_row(&path, &["--no-clusters"]);
        let ratio = row["boilerplate_ratio"].as_f64().unwrap();
        assert!(ratio > 0.01, "{name}: no furniture found on one line: {row}");
        score.insert(name[..3].to_string(), row["score"].as_f64().unwrap());
    }
    // Scored alone, as given, the seeds order 002 lowest and 004 highest (003 above 000 needs
    // their story cluster); on one line before session 48, 002 scored above 001.
    for other in ["000", "001", "003", "004"] {
        assert!(score["002"] < score[other], "002 {other}: {score:?}");
    }
    for other in ["000", "001", "002", "003"] {
        assert!(score[other] < score["004"], "{other} 004: {score:?}");
    }
}

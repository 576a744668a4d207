//! The HTTP response inside a web archive's `response` record: its status and headers, the
//! chunked transfer and the content encodings undone (gzip, deflate with or without its zlib
//! wrapper, Brotli, Zstandard; several in turn as `Content-Encoding: gzip, br` lists them). A
//! decoded body is read no further than the record cap: a few megabytes of compressed zeros
//! would otherwise fill gigabytes.

use std::io::Read;

/// Why an HTML response's body cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum BodyError {
    /// Malformed (chunking, compressed data) or in an encoding not read: the message.
    Unreadable(String),
    /// Longer than the cap once decoded.
    Overlong,
}

/// The HTML page a `response` block holds: `None` when it is not a successful HTML response
/// (a redirect, an image, a script), else its body, undone from chunked transfer and content
/// encodings and at most `cap` bytes, or why it cannot be read.
pub(super) fn response_page(block: &[u8], cap: usize) -> Option<Result<Vec<u8>, BodyError>> {
    let end = memchr::memmem::find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| memchr::memmem::find(block, b"\n\n").map(|i| (i, i + 2)))?;
    let head = String::from_utf8_lossy(&block[..end.0]);
    let mut lines = head.lines();
    let status = lines.next()?;
    let code = status.split_whitespace().nth(1)?;
    if !code.starts_with('2') {
        return None;
    }
    let (mut html, mut chunked, mut encodings) = (false, false, String::new());
    for l in lines {
        let Some((name, value)) = l.split_once(':') else { continue };
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => html = value.contains("html"),
            "transfer-encoding" => chunked = value.contains("chunked"),
            "content-encoding" => {
                // Repeated headers list further encodings, applied after the earlier ones.
                if !encodings.is_empty() {
                    encodings.push(',');
                }
                encodings.push_str(&value);
            }
            _ => {}
        }
    }
    if !html {
        return None;
    }
    let mut body = block[end.1..].to_vec();
    if chunked {
        body = match dechunk(&body) {
            Some(b) => b,
            None => return Some(Err(BodyError::Unreadable("malformed chunked HTTP body".into()))),
        };
    }
    // Undone last applied first.
    for coding in encodings.split(',').map(str::trim).rev() {
        body = match decode(coding, &body, cap) {
            Ok(Some(b)) => b,
            Ok(None) => continue,
            Err(e) => return Some(Err(e)),
        };
    }
    Some(Ok(body))
}

/// `body` undone from one content `coding`, at most `cap` bytes; `None` for the identity.
fn decode(coding: &str, body: &[u8], cap: usize) -> Result<Option<Vec<u8>>, BodyError> {
    match coding {
        "" | "identity" => Ok(None),
        "gzip" | "x-gzip" => read_capped(flate2::read::MultiGzDecoder::new(body), cap).map(Some),
        // The standard wraps deflate data in zlib's header, which some servers leave out (and
        // raw data may open with two bytes that pass for one: then it is read raw).
        "deflate" => {
            if has_zlib_header(body) {
                match read_capped(flate2::read::ZlibDecoder::new(body), cap) {
                    Err(BodyError::Unreadable(_)) => {}
                    other => return other.map(Some),
                }
            }
            read_capped(flate2::read::DeflateDecoder::new(body), cap).map(Some)
        }
        "br" => read_capped(brotli_decompressor::Decompressor::new(body, 1 << 12), cap).map(Some),
        "zstd" => unzstd(body, cap).map(Some),
        other => Err(BodyError::Unreadable(format!("HTTP content encoding {other:?} not read"))),
    }
}

/// Whether `data` opens with a zlib header: deflate, a window of at most 32 KiB, and a check
/// value that makes the two bytes a multiple of 31 (RFC 1950).
fn has_zlib_header(data: &[u8]) -> bool {
    match data {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

/// Largest Zstandard window read: what HTTP's `zstd` coding allows (RFC 9659). A decoder keeps
/// a window of output, so a frame asking for gigabytes is refused before it is decoded.
const MAX_ZSTD_WINDOW: u64 = 8 << 20;

/// A Zstandard body (one frame or several) undone, at most `cap` bytes.
fn unzstd(mut body: &[u8], cap: usize) -> Result<Vec<u8>, BodyError> {
    let bad = |m: &str| BodyError::Unreadable(format!("HTTP body: zstd: {m}"));
    let mut out = Vec::new();
    while !body.is_empty() {
        let left = cap - out.len();
        match zstd_window(body) {
            Some(ZstdWindow::Skippable(n)) => {
                body = body.get(n..).ok_or_else(|| bad("skippable frame cut short"))?;
                continue;
            }
            Some(ZstdWindow::Content(n)) if n > left as u64 => return Err(BodyError::Overlong),
            Some(ZstdWindow::Content(_)) => {}
            Some(ZstdWindow::Window(n)) if n > MAX_ZSTD_WINDOW => {
                return Err(bad(&format!("window of {n} bytes, over the 8 MiB HTTP allows")));
            }
            Some(ZstdWindow::Window(_)) => {}
            None => return Err(bad("not a frame header")),
        }
        // The decoder is a parser of untrusted bytes: a panic in it is this body's error, not
        // the run's end.
        let frame = std::panic::catch_unwind(|| {
            let mut src = body;
            let d = ruzstd::StreamingDecoder::new(&mut src).map_err(|e| bad(&e.to_string()))?;
            let got = read_capped(d, left)?;
            Ok::<_, BodyError>((got, body.len() - src.len()))
        });
        let (got, used) = frame.map_err(|_| bad("the decoder failed"))??;
        out.extend_from_slice(&got);
        if used == 0 {
            return Err(bad("frame not consumed"));
        }
        body = &body[used..];
    }
    Ok(out)
}

/// What a Zstandard frame header says about the memory its decoding takes (RFC 8878, 3.1).
#[derive(Debug, PartialEq, Eq)]
enum ZstdWindow {
    /// A skippable frame of this many bytes in all.
    Skippable(usize),
    /// A single-segment frame: its window is its content, of this many bytes.
    Content(u64),
    /// A frame with a window of this many bytes.
    Window(u64),
}

/// The window of the Zstandard frame `data` opens with; `None` when it opens with none.
fn zstd_window(data: &[u8]) -> Option<ZstdWindow> {
    let magic = u32::from_le_bytes(data.get(..4)?.try_into().ok()?);
    if magic & 0xffff_fff0 == 0x184d_2a50 {
        let len = u32::from_le_bytes(data.get(4..8)?.try_into().ok()?);
        return Some(ZstdWindow::Skippable((len as usize).saturating_add(8)));
    }
    if magic != 0xfd2f_b528 {
        return None;
    }
    let fhd = *data.get(4)?;
    if fhd & 0x20 == 0 {
        // Window_Descriptor: exponent and mantissa.
        let wd = *data.get(5)?;
        let base = 1u64 << (10 + (wd >> 3));
        return Some(ZstdWindow::Window(base + base / 8 * u64::from(wd & 7)));
    }
    let dict_len = [0, 1, 2, 4][usize::from(fhd & 3)];
    let at = 5 + dict_len;
    let fcs = match fhd >> 6 {
        0 => u64::from(*data.get(at)?),
        1 => u64::from(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?)) + 256,
        2 => u64::from(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?)),
        _ => u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?),
    };
    Some(ZstdWindow::Content(fcs))
}

/// All of `r`, or [`BodyError::Overlong`] once it gives more than `cap` bytes.
fn read_capped(r: impl Read, cap: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    r.take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Unreadable(format!("HTTP body: {e}")))?;
    if out.len() > cap {
        return Err(BodyError::Overlong);
    }
    Ok(out)
}

/// A chunked HTTP body's content; `None` when it is malformed.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = memchr::memchr(b'\n', body)?;
        let size_field = std::str::from_utf8(&body[..eol]).ok()?.trim();
        let size = usize::from_str_radix(size_field.split(';').next()?.trim(), 16).ok()?;
        body = &body[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        body = body.strip_prefix(b"\r\n").or_else(|| body.strip_prefix(b"\n")).unwrap_or(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const HTML: &[u8] = b"<html><body><p>Both sides agreed to meet again.</p></body></html>";

    fn response(headers: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}\r\n").into_bytes();
        b.extend_from_slice(body);
        b
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    /// `data` in Brotli's format as one uncompressed meta-block (RFC 7932, section 9.2): the
    /// encoder crate is not a dependency, and any decoder must read this.
    fn brotli_stored(data: &[u8]) -> Vec<u8> {
        assert!(!data.is_empty() && data.len() <= 1 << 16);
        // Bits, least significant first: WBITS=16 (one 0 bit); ISLAST=0; MNIBBLES=4 (00);
        // MLEN-1 in 16 bits; ISUNCOMPRESSED=1; then padding to the byte and the bytes.
        let mut bits: Vec<bool> = vec![false, false, false, false];
        let mlen = data.len() - 1;
        bits.extend((0..16).map(|i| mlen >> i & 1 == 1));
        bits.push(true);
        let mut out = Vec::new();
        for chunk in bits.chunks(8) {
            out.push(chunk.iter().enumerate().fold(0u8, |b, (i, &x)| b | u8::from(x) << i));
        }
        out.extend_from_slice(data);
        // The last meta-block: ISLAST=1, ISLASTEMPTY=1.
        out.push(0b11);
        out
    }

    #[test]
    fn content_encodings_are_undone() {
        let plain = response_page(&response("", HTML), 1 << 20).unwrap().unwrap();
        assert_eq!(plain, HTML);
        let gz = response_page(&response("Content-Encoding: gzip\r\n", &gzip(HTML)), 1 << 20);
        assert_eq!(gz.unwrap().unwrap(), HTML);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(HTML).unwrap();
        let zlib = z.finish().unwrap();
        assert!(has_zlib_header(&zlib));
        let got = response_page(&response("Content-Encoding: deflate\r\n", &zlib), 1 << 20);
        assert_eq!(got.unwrap().unwrap(), HTML);
        // Raw deflate, as some servers send it.
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        d.write_all(HTML).unwrap();
        let raw = d.finish().unwrap();
        assert!(!has_zlib_header(&raw));
        let got = response_page(&response("Content-Encoding: deflate\r\n", &raw), 1 << 20);
        assert_eq!(got.unwrap().unwrap(), HTML);
        // Raw deflate opening with two bytes that pass for a zlib header: a stored block of 29
        // bytes whose padding bits are not zero (0x08), its length's low byte 29 (0x1d).
        let data = &HTML[..29];
        let mut odd = vec![0x08, 0x1d, 0x00, 0xe2, 0xff];
        odd.extend_from_slice(data);
        odd.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
        assert!(has_zlib_header(&odd));
        assert_eq!(decode("deflate", &odd, 1 << 20), Ok(Some(data.to_vec())));
        let br = brotli_stored(HTML);
        let got = response_page(&response("Content-Encoding: br\r\n", &br), 1 << 20);
        assert_eq!(got.unwrap().unwrap(), HTML);
        // Two encodings, in one header and in two; undone last first.
        let both = brotli_stored(&gzip(HTML));
        let got = response_page(&response("Content-Encoding: gzip, br\r\n", &both), 1 << 20);
        assert_eq!(got.unwrap().unwrap(), HTML);
        let got =
            response_page(&response("Content-Encoding: gzip\r\nContent-Encoding: br\r\n", &both), 1 << 20);
        assert_eq!(got.unwrap().unwrap(), HTML);
        let got = response_page(&response("Content-Encoding: identity\r\n", HTML), 1 << 20);
        assert_eq!(got.unwrap().unwrap(), HTML);
    }

    #[test]
    fn bodies_that_cannot_be_read_say_why() {
        let unknown = response_page(&response("Content-Encoding: compress\r\n", HTML), 1 << 20);
        assert_eq!(
            unknown,
            Some(Err(BodyError::Unreadable("HTTP content encoding \"compress\" not read".into())))
        );
        for coding in ["gzip", "br", "deflate"] {
            let got = response_page(&response(&format!("Content-Encoding: {coding}\r\n"), HTML), 1 << 20);
            match got {
                Some(Err(BodyError::Unreadable(m))) => assert!(m.starts_with("HTTP body: "), "{coding}: {m}"),
                other => panic!("{coding}: {other:?}"),
            }
        }
        // Not pages: a redirect, an image, no header end.
        assert_eq!(response_page(b"HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n", 100), None);
        assert_eq!(response_page(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nx", 100), None);
        assert_eq!(response_page(b"HTTP/1.1 200 OK\r\nContent-Type: text/html", 100), None);
    }

    #[test]
    fn decoded_bodies_stop_at_the_cap() {
        // 64 MiB of spaces compress to about 64 KiB: decoded, they would be a thousand times
        // the record that holds them.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; 64 << 20]).unwrap();
        let bomb = gz.finish().unwrap();
        assert!(bomb.len() < 1 << 17, "{}", bomb.len());
        let got = response_page(&response("Content-Encoding: gzip\r\n", &bomb), 1 << 20);
        assert_eq!(got, Some(Err(BodyError::Overlong)));
        // Exactly the cap is read; one byte more is not.
        let gz = gzip(HTML);
        let at = response_page(&response("Content-Encoding: gzip\r\n", &gz), HTML.len());
        assert_eq!(at.unwrap().unwrap(), HTML);
        let over = response_page(&response("Content-Encoding: gzip\r\n", &gz), HTML.len() - 1);
        assert_eq!(over, Some(Err(BodyError::Overlong)));
        let br = brotli_stored(HTML);
        let over = response_page(&response("Content-Encoding: br\r\n", &br), HTML.len() - 1);
        assert_eq!(over, Some(Err(BodyError::Overlong)));
    }

    fn unhex(h: &str) -> Vec<u8> {
        (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
    }

    /// `ZSTD_PAGE` as `zstd -19 page.html` writes it (a single-segment frame, its size in the
    /// header) and as `zstd <page.html` does (a streamed frame with a 2 MiB window).
    const ZSTD_PAGE: &[u8] = b"<html><body><p>Both sides agreed to meet again.</p></body></html>";
    const ZSTD_SINGLE: &str = "28b52ffd2441d50100b2430c10b079bf104b737257a613689393c7545459fcfb0e131d024374\
        a83db3db795be634d4142f51d67f4222ccb5476016ffc601001507050566f065de";
    const ZSTD_STREAMED: &str = "28b52ffd04580902003c68746d6c3e3c626f64793e3c703e426f74682073696465732061\
        677265656420746f206d65657420616761696e2e3c2f703e3c2f626f64793e3c2f68746d6c3e66f065de";

    #[test]
    fn zstd_bodies() {
        let single = unhex(&ZSTD_SINGLE.split_whitespace().collect::<String>());
        let streamed = unhex(&ZSTD_STREAMED.split_whitespace().collect::<String>());
        assert_eq!(zstd_window(&single), Some(ZstdWindow::Content(ZSTD_PAGE.len() as u64)));
        assert_eq!(zstd_window(&streamed), Some(ZstdWindow::Window(2 << 20)));
        for frame in [&single, &streamed] {
            let got = response_page(&response("Content-Encoding: zstd\r\n", frame), 1 << 20);
            assert_eq!(got.unwrap().unwrap(), ZSTD_PAGE);
        }
        // Two frames, with a skippable frame between them.
        let mut two = single.clone();
        two.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
        two.extend_from_slice(&streamed);
        let got = response_page(&response("Content-Encoding: zstd\r\n", &two), 1 << 20).unwrap().unwrap();
        assert_eq!(got, [ZSTD_PAGE, ZSTD_PAGE].concat());
        // A size over the cap is refused from the header; a streamed frame stops at the cap.
        assert_eq!(unzstd(&single, ZSTD_PAGE.len() - 1), Err(BodyError::Overlong));
        assert_eq!(unzstd(&streamed, ZSTD_PAGE.len() - 1), Err(BodyError::Overlong));
        assert_eq!(unzstd(&two, ZSTD_PAGE.len() + 1), Err(BodyError::Overlong));
        // A 128 MiB window (`zstd --long=27`) is refused before decoding.
        let long = [0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x88, 0, 0];
        assert_eq!(zstd_window(&long), Some(ZstdWindow::Window(128 << 20)));
        let got = unzstd(&long, 1 << 20);
        assert_eq!(
            got,
            Err(BodyError::Unreadable(
                "HTTP body: zstd: window of 134217728 bytes, over the 8 MiB HTTP allows".into()
            ))
        );
        // Not zstd, and frames cut anywhere: errors, never a panic.
        assert!(matches!(unzstd(HTML, 1 << 20), Err(BodyError::Unreadable(_))));
        for cut in 1..streamed.len() {
            assert!(matches!(unzstd(&streamed[..cut], 1 << 20), Err(BodyError::Unreadable(_))), "{cut}");
        }
    }

    #[test]
    fn damaged_bodies_are_errors_not_panics() {
        // Valid bodies of each coding with bytes flipped or cut, and random bytes: whatever
        // comes out is bounded by the cap, and nothing panics.
        let single = unhex(&ZSTD_SINGLE.split_whitespace().collect::<String>());
        let valid = [
            ("gzip", gzip(HTML)),
            ("br", brotli_stored(HTML)),
            ("zstd", single),
            ("deflate", {
                let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
                d.write_all(HTML).unwrap();
                d.finish().unwrap()
            }),
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for (coding, body) in &valid {
            for _ in 0..300 {
                let mut b = body.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % b.len() as u64) as usize;
                    b[at] ^= 1 << (next() % 8);
                }
                b.truncate(1 + (next() % b.len() as u64) as usize);
                if let Ok(Some(out)) = decode(coding, &b, 200) {
                    assert!(out.len() <= 200);
                }
                let random: Vec<u8> = (0..next() % 64).map(|_| next() as u8).collect();
                if let Ok(Some(out)) = decode(coding, &random, 200) {
                    assert!(out.len() <= 200);
                }
            }
        }
    }

    #[test]
    fn chunked_bodies() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n").as_deref(), Some(&b"abcde"[..]));
        assert_eq!(dechunk(b"5\r\nabc"), None);
        assert_eq!(dechunk(b"zz\r\n"), None);
        let got = response_page(&response("Transfer-Encoding: chunked\r\n", b"5\r\nabc"), 100);
        assert_eq!(got, Some(Err(BodyError::Unreadable("malformed chunked HTTP body".into()))));
    }
}

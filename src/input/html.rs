//! HTML to text. (First version: tags stripped, block elements become line breaks; issue 5
//! replaces it with main-content extraction.)

/// Extracts the readable text of an HTML page, one block per line.
pub fn extract_main_text(html: &str) -> Result<String, String> {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if skip_until.is_none() {
            out.push_str(&rest[..lt]);
        }
        let after = &rest[lt + 1..];
        let gt = after.find('>').unwrap_or(after.len());
        let tag = after[..gt].trim().to_ascii_lowercase();
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        match skip_until {
            Some(end) if tag.starts_with('/') && name == end => skip_until = None,
            Some(_) => {}
            None if !tag.starts_with('/') && matches!(name.as_str(), "script" | "style" | "noscript") => {
                skip_until = Some(match name.as_str() {
                    "script" => "script",
                    "style" => "style",
                    _ => "noscript",
                })
            }
            None => {
                if matches!(
                    name.as_str(),
                    "p" | "div" | "br" | "li" | "h1" | "h2" | "h3" | "h4" | "tr" | "article" | "section"
                ) {
                    out.push('\n');
                }
            }
        }
        rest = after.get(gt + 1..).unwrap_or("");
    }
    if skip_until.is_none() {
        out.push_str(rest);
    }
    let text = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return Err("no text found in the page".into());
    }
    Ok(lines.join("\n"))
}

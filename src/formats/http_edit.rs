//! Writing an edited request back into a `.http` file with the smallest
//! change: unchanged lines (the request line, a header, the body) are kept
//! byte for byte, comments among the headers stay where they were, and
//! new lines use the file's own line ending.

use super::http_file::{Block, HttpFile};

/// Replaces the lines of `b` in `file` (the caller re-indexes).
pub(super) fn replace(
    file: &mut HttpFile,
    b: &Block,
    old_body: Option<&str>,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) {
    let eol = file.eol;
    let mut out: Vec<String> = Vec::new();

    if b.method == method && b.url == url {
        out.extend(file.lines[b.request.clone()].iter().cloned());
    } else {
        let mut line = if !b.explicit_method && method == "GET" {
            url.to_string()
        } else {
            format!("{method} {url}")
        };
        if let Some(v) = &b.version {
            line.push(' ');
            line.push_str(v);
        }
        out.push(line + eol);
    }

    // Headers: walk the old lines, keeping comments in place and each
    // header line that is unchanged at its position.
    let mut k = 0;
    for i in b.headers.clone() {
        let t = file.content(i).trim();
        let is_comment = t.starts_with('#') || t.starts_with("//");
        if is_comment {
            out.push(file.lines[i].clone());
            continue;
        }
        let old = b.header_list.get(k);
        if let Some(new) = headers.get(k) {
            if old == Some(new) {
                out.push(file.lines[i].clone());
            } else {
                out.push(format!("{}: {}{eol}", new.0, new.1));
            }
        }
        k += 1;
    }
    for (n, v) in headers.iter().skip(k) {
        out.push(format!("{n}: {v}{eol}"));
    }

    // The blank line(s) between headers and body, and the body.
    let body_end = b.region_end();
    let gap = if b.body.is_empty() {
        body_end..body_end
    } else {
        b.headers.end..b.body.start
    };
    match body {
        Some(new) if Some(new) == old_body => {
            out.extend(file.lines[gap.start..body_end].iter().cloned());
        }
        Some(new) => {
            if gap.is_empty() || old_body.is_none() {
                out.push(eol.to_string());
            } else {
                out.extend(file.lines[gap].iter().cloned());
            }
            let mut text = new.to_string();
            if !text.ends_with('\n') {
                text.push_str(eol);
            }
            out.extend(text.split_inclusive('\n').map(str::to_string));
        }
        None => {}
    }

    // Every line but the last needs its line ending; the last keeps the
    // old region's choice (a file without a final newline keeps none).
    let region = b.request.start..body_end;
    let old_last_has_eol = file.lines[region.clone()]
        .last()
        .is_none_or(|l| l.ends_with('\n'));
    let count = out.len();
    for (i, l) in out.iter_mut().enumerate() {
        let last = i + 1 == count;
        if !l.ends_with('\n') && (!last || old_last_has_eol) {
            l.push_str(eol);
        }
        if last && !old_last_has_eol && region.end == file.lines.len() {
            let trimmed = l.trim_end_matches(['\r', '\n']).len();
            l.truncate(trimmed);
        }
    }
    file.lines.splice(region, out);
}

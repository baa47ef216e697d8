//! Readers for curl option values: files named with `@`, seconds,
//! `--data-urlencode`'s five forms and `-F`'s field syntax. Each error
//! names the option it came from.

use std::path::Path;
use std::time::Duration;

use super::curl::{bad, text_of, CurlError};
use super::multipart::{self, Part};

pub(super) fn read(flag: &str, path: &str) -> Result<Vec<u8>, CurlError> {
    if path == "-" {
        return Err(CurlError::Unsupported {
            flag: flag.into(),
            why: "reading from standard input (@-); save the data to a file".into(),
        });
    }
    super::files::read_body_file(Path::new(path)).map_err(|message| CurlError::File {
        flag: flag.into(),
        path: path.into(),
        message,
    })
}

pub(super) fn seconds(flag: &str, v: &str) -> Result<Duration, CurlError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| bad(flag, format!("{v:?} is not a number of seconds")))
}

/// `--data-urlencode`'s forms: `content`, `=content`, `name=content`,
/// `@file`, `name@file`; whichever of `=` and `@` comes first decides.
pub(super) fn urlencode_arg(flag: &str, raw: &[u8]) -> Result<Vec<u8>, CurlError> {
    let eq = raw.iter().position(|&b| b == b'=');
    let at = raw.iter().position(|&b| b == b'@');
    let (name, content) = match (eq, at) {
        (Some(e), a) if a.is_none_or(|a| e < a) => (&raw[..e], raw[e + 1..].to_vec()),
        (_, Some(a)) => (&raw[..a], read(flag, &text_of(&raw[a + 1..]))?),
        _ => (&raw[..0], raw.to_vec()),
    };
    let mut out = name.to_vec();
    if !name.is_empty() {
        out.push(b'=');
    }
    for b in content {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    Ok(out)
}

/// `-F name=value`, `name=@file[;type=…][;filename=…]`, `name=<file`.
pub(super) fn form_part(flag: &str, v: &str, special: bool) -> Result<Part, CurlError> {
    let (name, value) = v
        .split_once('=')
        .ok_or_else(|| bad(flag, format!("{v:?} is not name=content")))?;
    let mut part = Part {
        name: name.to_string(),
        data: value.as_bytes().to_vec(),
        filename: None,
        content_type: None,
    };
    let file = value.strip_prefix('@').map(|f| (f, true));
    let file = file.or_else(|| value.strip_prefix('<').map(|f| (f, false)));
    if let (true, Some((spec, upload))) = (special, file) {
        let mut fields = spec.split(';');
        let path = fields.next().unwrap_or_default().trim_matches('"');
        part.data = read(flag, path)?;
        if upload {
            part.filename = Some(path.rsplit(['/', '\\']).next().unwrap_or(path).to_string());
            part.content_type = Some(multipart::guess_type(path).to_string());
        }
        for f in fields {
            match f.split_once('=') {
                Some(("type", t)) => part.content_type = Some(t.to_string()),
                Some(("filename", n)) => part.filename = Some(n.trim_matches('"').to_string()),
                _ => return Err(bad(flag, format!("unknown form field option {f:?}"))),
            }
        }
    }
    Ok(part)
}

//! `send`'s body options: `--accept-encoding` (a header), `--compress-body`
//! (the body compressed, `Content-Encoding` said — both visible on the
//! wire), `--save-body FILE` (the decoded body) and `--save-wire DIR`
//! (`sent.bin`, `received.bin`: the bytes as recorded).

use std::path::Path;

use super::SendArgs;
use crate::decode::body::describe;
use crate::decode::coding::{self, Coding, DecodeLimits};
use crate::wire::{Exchange, Spill};

/// A coding `--compress-body` can apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompressArg {
    Gzip,
    Deflate,
    Br,
    Zstd,
}

impl CompressArg {
    pub fn coding(self) -> Coding {
        match self {
            CompressArg::Gzip => Coding::Gzip,
            CompressArg::Deflate => Coding::Deflate,
            CompressArg::Br => Coding::Br,
            CompressArg::Zstd => Coding::Zstd,
        }
    }
}

fn has(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Applies `--accept-encoding` and `--compress-body` to the request.
pub fn apply(
    args: &super::RequestArgs,
    headers: &mut Vec<(String, String)>,
    body: &mut Option<Vec<u8>>,
) -> Result<(), String> {
    if let Some(list) = &args.accept_encoding {
        if has(headers, "accept-encoding") {
            return Err(
                "--accept-encoding and -H 'Accept-Encoding: ...' both given: keep one".into(),
            );
        }
        let list = list.trim();
        if list.is_empty() || list.contains(['\r', '\n', '\0']) {
            return Err("--accept-encoding needs a list like 'gzip, br, zstd'".into());
        }
        headers.push(("Accept-Encoding".into(), list.to_string()));
    }
    if let Some(c) = args.compress_body {
        let Some(data) = body.as_mut() else {
            return Err("--compress-body needs a body (-d or --data-file)".into());
        };
        if has(headers, "content-encoding") {
            return Err(
                "--compress-body and -H 'Content-Encoding: ...' both given: keep one".into(),
            );
        }
        let coding = c.coding();
        *data = coding::encode(coding, data)
            .map_err(|e| format!("cannot compress the body with {coding}: {e}"))?;
        headers.push(("Content-Encoding".into(), coding.name().into()));
    }
    Ok(())
}

/// Whether the whole body must be kept (on disk past the memory cap).
pub fn spill(args: &SendArgs) -> Spill {
    if args.save_body.is_some() {
        Spill::TempFile
    } else {
        Spill::Off
    }
}

/// Checks the save options against the targets.
pub fn check(args: &SendArgs, urls: usize) -> Result<(), String> {
    let saving = args.save_body.is_some() || args.save_wire.is_some();
    if saving && (urls > 1 || args.parallel.is_some() || args.repeat.is_some()) {
        return Err("--save-body and --save-wire take one URL (and no --parallel/--repeat)".into());
    }
    Ok(())
}

/// Saves what was asked of `ex` (the last exchange of a request); returns
/// lines for stderr, or an error line when a file could not be written.
pub fn save(args: &SendArgs, ex: &Exchange) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    if let Some(dir) = &args.save_wire {
        notes.extend(save_wire(dir, ex)?);
    }
    if let Some(file) = &args.save_body {
        notes.push(save_body(file, ex, args.decode_limits())?);
    }
    Ok(notes)
}

fn save_wire(dir: &Path, ex: &Exchange) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let t = &ex.transcript;
    let mut notes = Vec::new();
    for (name, bytes, total) in [
        ("sent.bin", &t.sent[..], t.sent_total),
        ("received.bin", &t.received[..], t.received_total),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let missing = total - bytes.len() as u64;
        notes.push(if missing > 0 {
            format!(
                "saved {} bytes of the wire to {} — {missing} of {total} were not kept (past --max-body)",
                bytes.len(),
                path.display()
            )
        } else {
            format!("saved {} bytes of the wire to {}", bytes.len(), path.display())
        });
    }
    Ok(notes)
}

fn save_body(file: &Path, ex: &Exchange, limits: DecodeLimits) -> Result<String, String> {
    let Some(resp) = &ex.response else {
        return Err(format!("no response: nothing saved to {}", file.display()));
    };
    let body = describe(resp, limits);
    let out =
        std::fs::File::create(file).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let mut out = std::io::BufWriter::new(out);
    let outcome = body.decode_to(&mut out);
    std::io::Write::flush(&mut out).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let undone = match (&body.refused, body.codings.is_empty()) {
        (None, false) => {
            let names: Vec<&str> = body.codings.iter().map(|c| c.name()).collect();
            format!(", {} undone", names.join(", "))
        }
        _ => String::new(),
    };
    let mut line = format!(
        "saved the body ({} bytes{undone}) to {}",
        outcome.written,
        file.display()
    );
    for problem in body.refused.iter().cloned().chain(outcome.problem()) {
        line.push_str(&format!(" — {problem}"));
    }
    if body.raw_missing > 0 {
        line.push_str(&format!(" — {} body bytes were not kept", body.raw_missing));
    }
    Ok(crate::report::escape::sanitize_text(&line))
}

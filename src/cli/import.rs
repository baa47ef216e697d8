//! `send`'s ways in and out besides the command line itself: a request
//! from a curl command (`--curl`) or a `.http` file (`--file`, `--name`,
//! `--env`), the request as code (`--export`), and HAR files in
//! (`import-har`; `--har` is written as the run goes, by
//! `formats::HarWriter`).

use std::io::Write;

use super::SendArgs;
use crate::formats::{self, ExportFormat, Redaction};
use crate::wire::{ErrorPhase, RequestSpec, WireError};

fn input(msg: impl Into<String>) -> WireError {
    WireError::new(ErrorPhase::Input, msg)
}

/// The request `--curl` or `--file` stands for, if either was given. The
/// whole request comes from there: method, URL, headers, body, options.
pub fn imported(args: &SendArgs) -> Result<Option<(RequestSpec, bool)>, WireError> {
    let Some((spec, fail)) = imported_only(args)? else {
        return Ok(None);
    };
    overlay(args, spec).map(|s| Some((s, fail)))
}

/// The curl flags that change nothing about the request: `-f` is taken
/// (as `send --fail`), the others are named on stderr, not dropped
/// silently. Returns whether `-f` was among them.
fn curl_flags_left(flags: &[String]) -> bool {
    let fail = |f: &String| matches!(f.as_str(), "-f" | "--fail" | "--fail-with-body");
    let rest: Vec<&str> = flags
        .iter()
        .filter(|f| !fail(f))
        .map(String::as_str)
        .collect();
    if !rest.is_empty() {
        eprintln!(
            "wirescope send: --curl: taken but with no effect on the request: {}",
            rest.join(" ")
        );
    }
    flags.iter().any(fail)
}

/// The command line's own flags applied on top of an imported request, so
/// that none is silently dropped: `-H` headers appended after the imported
/// ones, `-u`/`--bearer`/`--api-key` helpers appended, `-d`/`--data-file`
/// replacing the body, `--accept-encoding`/`--compress-body`/`--request-id`
/// applied, `-k`, `--cacert`, `-L`, `--http1.1`/`--http2`/
/// `--http2-prior-knowledge` and `--cookies` set, and the timeouts and
/// retry knobs given (`RequestArgs::apply`).
fn overlay(args: &SendArgs, mut spec: RequestSpec) -> Result<RequestSpec, WireError> {
    let per = args.request.apply(&mut spec)?;
    if !per.query.is_empty() {
        spec.url = super::auth::with_query(&spec.url, &per.query);
    }
    if per.request_id {
        spec.headers
            .push(("X-Request-ID".into(), super::auth::uuid_v4()));
    }
    Ok(spec)
}

fn imported_only(args: &SendArgs) -> Result<Option<(RequestSpec, bool)>, WireError> {
    if let Some(cmd) = &args.curl {
        let got = formats::parse_curl_full(cmd, &|name| std::env::var(name).ok())
            .map_err(|e| input(format!("--curl: {e}")))?;
        for note in &got.shell {
            eprintln!("wirescope send: --curl: {note}");
        }
        return Ok(Some((got.spec, curl_flags_left(&got.no_effect))));
    }
    if let Some(path) = &args.file {
        let name = args.name.as_deref().ok_or_else(|| {
            input("--file needs --name NAME (or a number, from 1) to pick a request")
        })?;
        return formats::env::spec_from_path(path, name, args.env.as_deref())
            .map(|spec| Some((spec, false)))
            .map_err(|e| input(format!("{}: {e}", path.display())));
    }
    Ok(None)
}

/// `--export FORMAT`: each request as code, on stdout; nothing is sent.
/// Credentials are redacted unless `keep_secrets` (and stderr says so).
pub fn export(specs: &[RequestSpec], format: &str, keep_secrets: bool) -> Result<(), WireError> {
    let format = ExportFormat::from_name(format).map_err(|e| input(format!("--export: {e}")))?;
    let mut out = std::io::stdout().lock();
    let mut redacted = false;
    for spec in specs {
        let hidden = (!keep_secrets)
            .then(|| formats::redact::spec(spec))
            .flatten();
        redacted |= hidden.is_some();
        out.write_all(&formats::export(hidden.as_ref().unwrap_or(spec), format))
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| input(format!("writing the export: {e}")))?;
    }
    if redacted {
        eprintln!(
            "wirescope send: credentials in the export are REDACTED (--export-keep-secrets keeps them)"
        );
    }
    Ok(())
}

/// `wirescope import-har FILE`: the HAR's entries go into the history (in
/// time order among the entries already there); returns the exit code.
pub fn import_har(args: super::ImportHarArgs) -> i32 {
    let run = || -> Result<usize, String> {
        let text = std::fs::read_to_string(&args.file)
            .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
        let har: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not JSON: {e}", args.file.display()))?;
        let redaction = if args.keep_secrets {
            Redaction::Off
        } else {
            Redaction::On
        };
        let mut history = formats::History::open_user()?;
        history.import_har(&har, redaction)
    };
    match run() {
        Ok(n) => {
            println!(
                "imported {n} exchange{} into the history",
                if n == 1 { "" } else { "s" }
            );
            0
        }
        Err(e) => {
            eprintln!("wirescope import-har: {e}");
            3
        }
    }
}

//! Exports run for real against the in-process demo server: each exported
//! command or program sends a request to `/echo-raw`, which answers with
//! the bytes it received, and those are compared with what wirescope's
//! own `Session::send` made the server receive (method, target, headers
//! in order and case, body). Clients that are not installed are skipped
//! with a note; nothing is installed at test time.

use crate::formats_support;

use std::path::Path;
use std::process::{Command, Stdio};

use formats_support::corpus::CORPUS;
use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::formats::{export, to_curl, to_httpie, to_httpx, to_python, to_raw, ExportFormat};
use wirescope::wire::{HttpVersion, Probe, RequestSpec, Session};

/// A request as the server saw it: start line, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn seen(raw: &[u8]) -> Seen {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    Seen {
        start,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

impl Seen {
    /// Without the client's own `User-Agent`, when the request named none.
    fn without_agent(mut self, spec: &RequestSpec) -> Seen {
        if !spec
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("user-agent"))
        {
            self.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("user-agent"));
        }
        self
    }

    /// Repeated names joined, as dict-based clients send them.
    fn merged(mut self) -> Seen {
        let mut out: Vec<(String, String)> = Vec::new();
        for (n, v) in self.headers {
            match out.iter_mut().find(|(h, _)| h.eq_ignore_ascii_case(&n)) {
                Some((_, prev)) => {
                    let sep = if n.eq_ignore_ascii_case("cookie") {
                        "; "
                    } else {
                        ", "
                    };
                    prev.push_str(sep);
                    prev.push_str(&v);
                }
                None => out.push((n, v)),
            }
        }
        self.headers = out;
        self
    }
}

fn h(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Requests with odd headers and bodies, all to `/echo-raw`. The query
/// is already in the form every client puts on the wire (they re-encode
/// different characters).
fn cases(base: &str) -> Vec<(&'static str, RequestSpec)> {
    let url = format!("{base}/echo-raw?q=a%27b&x=$HOME&e=caf%C3%A9&k=;,!*~");
    let mut odd = RequestSpec::get(url.clone());
    odd.method = "POST".into();
    odd.headers = h(&[
        ("X-Request-ID", "it's \"q\" \\ $HOME `x` ${y} '\\''"),
        ("x-lower-case", "a:b;c=d@e"),
        ("X-Uni", "café ☕"),
        ("Cookie", "a=1"),
        ("Cookie", "b=2"),
        ("X-Empty", ""),
        ("Content-Type", "text/plain; charset=utf-8"),
    ]);
    odd.body = Some("l1\nl2 'x' \"y\" \\ $PATH ${x} `id` é ☕\r\n\tend".into());

    let mut binary = RequestSpec::get(format!("{base}/echo-raw"));
    binary.method = "PUT".into();
    binary.headers = h(&[("Content-Type", "application/octet-stream")]);
    binary.body = Some(vec![0xff, b'\'', b'"', 0, b'\\', 0x80, b'\n', 0x01]);

    let mut agent = RequestSpec::get(format!("{base}/echo-raw"));
    agent.headers = h(&[
        ("ACCEPT", "text/html"),
        ("x-Trace", "1"),
        ("user-agent", "my agent/1.0"),
    ]);

    let mut empty = RequestSpec::get(format!("{base}/echo-raw"));
    empty.method = "DELETE".into();
    empty.body = Some(Vec::new());

    let mut large = RequestSpec::get(format!("{base}/echo-raw"));
    large.method = "POST".into();
    large.headers = h(&[("Content-Type", "application/json")]);
    large.body = Some(format!("{{\"pad\":\"{}\"}}", "x".repeat(1_100_000)).into_bytes());

    vec![
        ("odd headers", odd),
        ("binary body", binary),
        ("own agent and accept", agent),
        ("empty body", empty),
        // Past curl's threshold for `Expect: 100-continue` and the size
        // of one shell argument.
        ("large body", large),
    ]
}

/// Whether `program --version`-style probing works (and so it is there).
fn installed(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "NOTE: {program} {} failed: its export is not run",
            args.join(" ")
        );
    }
    ok
}

/// Runs `program args` in `dir` with `stdin`; returns stdout.
fn run(program: &str, args: &[&str], dir: &Path, stdin: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin).expect("stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{program} failed: {}\n--- input ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(stdin)
    );
    out.stdout
}

/// Python code with its two closing `print`s replaced by writing the
/// response's bytes as they are (the echo may not be text).
fn python_bytes_out(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let n = lines.len();
    assert!(
        n > 2 && lines[n - 1] == "print(response.text)" && lines[n - 2].starts_with("print("),
        "{code}"
    );
    format!(
        "{}\nimport sys\nsys.stdout.buffer.write(response.content)\n",
        lines[..n - 2].join("\n")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_send_what_wirescope_sends() {
    let srv = DemoServer::start(DemoConfig::default())
        .await
        .expect("demo server");
    let base = srv.base_url();
    let has_curl = installed("curl", &["--version"]);
    let has_requests = installed("python3", &["-c", "import requests"]);
    let has_httpx = installed("python3", &["-c", "import httpx"]);
    let has_httpie = installed("http", &["--version"]);
    for (name, spec) in cases(&base) {
        let ex = Session::new().send(&spec, Probe::none()).await;
        let resp = ex
            .response
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: {:?}", ex.error));
        assert_eq!(resp.status, 200, "{name}");
        // The server's record of our bytes is our own record of them, and
        // the raw export is both.
        assert_eq!(resp.body, ex.transcript.sent, "{name}");
        assert_eq!(to_raw(&spec), ex.transcript.sent, "{name}: raw export");
        assert_eq!(export(&spec, ExportFormat::Raw), ex.transcript.sent);
        let ours = seen(&ex.transcript.sent).without_agent(&spec);

        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(body) = &spec.body {
            // Bodies no shell word can hold are read from body.bin.
            std::fs::write(dir.path().join("body.bin"), body).expect("body.bin");
        }
        let d = dir.path().to_path_buf();
        let jobs: Vec<(&str, bool, String)> = vec![
            ("curl", has_curl, to_curl(&spec)),
            (
                "requests",
                has_requests,
                python_bytes_out(&to_python(&spec)),
            ),
            ("httpx", has_httpx, python_bytes_out(&to_httpx(&spec))),
            ("httpie", has_httpie, to_httpie(&spec)),
        ];
        for (client, present, code) in jobs {
            if !present {
                continue;
            }
            let d = d.clone();
            let c = code.clone();
            let out = tokio::task::spawn_blocking(move || match client {
                "curl" | "httpie" => run("bash", &["-c", &c], &d, b""),
                _ => run("python3", &["-"], &d, c.as_bytes()),
            })
            .await
            .expect("join");
            let mut got = seen(&out).without_agent(&spec);
            let mut want = match client {
                "requests" => ours.clone().merged(),
                _ => ours.clone(),
            };
            if client == "httpie" {
                // HTTPie puts the headers it has defaults for first.
                got.headers.sort();
                want.headers.sort();
            }
            assert_eq!(got, want, "{client} export of {name}:\n{code}");
        }
    }
}

/// What the server received from wirescope for `spec` (checked against
/// the raw export on the way).
async fn wirescope_sends(spec: &RequestSpec) -> Seen {
    let ex = Session::new().send(spec, Probe::none()).await;
    assert!(ex.response.is_some(), "{:?}", ex.error);
    assert_eq!(
        to_raw(spec),
        ex.transcript.sent,
        "raw export of {}",
        spec.url
    );
    seen(&ex.transcript.sent).without_agent(spec)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_exports_run_with_curl_send_the_same() {
    if !installed("curl", &["--version"]) {
        return;
    }
    let srv = DemoServer::start(DemoConfig::default())
        .await
        .expect("demo server");
    let base = srv.base_url();
    let dir = tempfile::tempdir().expect("tempdir");
    for cmd in CORPUS {
        let mut spec =
            crate::formats_support::corpus::import(cmd).unwrap_or_else(|e| panic!("{cmd}: {e}"));
        if spec.method == "HEAD" {
            // The answer to HEAD has no body to echo the request in.
            continue;
        }
        // The same request, sent to the demo server over plain HTTP/1.1.
        let query = url::Url::parse(&spec.url)
            .ok()
            .and_then(|u| u.query().map(|q| format!("?{q}")))
            .unwrap_or_default();
        spec.url = format!("{base}/echo-raw{query}");
        spec.options.http = HttpVersion::Auto;
        let ours = wirescope_sends(&spec).await;
        let exported = to_curl(&spec);
        let d = dir.path().to_path_buf();
        let c = exported.clone();
        let out = tokio::task::spawn_blocking(move || run("bash", &["-c", &c], &d, b""))
            .await
            .expect("join");
        assert_eq!(seen(&out).without_agent(&spec), ours, "{cmd}\n→ {exported}");
    }
}

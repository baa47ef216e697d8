//! Exported code for hostile requests (quotes, backslashes, `$`, `${`,
//! newlines, bidi overrides, non-UTF-8 bytes) checked by the real
//! interpreters where the machine has them: bash hands curl the exact
//! argv, JavaScript's `fetch` (stubbed to print what it was given)
//! receives the exact request, and the Rust output's literals decode back
//! to the request's bytes. Python and HTTPie: `export_stub_tests.rs`.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::curl::parse_curl;
use super::export::{
    export, to_curl, to_fetch, to_httpie, to_httpx, to_python, to_raw, to_reqwest, ExportFormat,
};
use super::shell;
use crate::wire::{CookieJar, HttpVersion, RequestSpec, Verify};

pub(super) fn hostile() -> RequestSpec {
    let mut s = RequestSpec::get("https://h.example/p?q=a'b\"c$d`e&x=${HOME}");
    s.method = "POST".into();
    s.headers = [
        ("X-Quote", "it's \"q\" \\ $HOME `x` ${y} '\\''"),
        ("X-Uni", "café ☕ \u{202e}rtl"),
        ("Cookie", "a=1"),
        ("Cookie", "b=2"),
        ("Content-Type", "text/plain; charset=utf-8"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    s.body = Some("l1\nl2 'x' \"y\" \\ $PATH ${x} `id` é ☕\r\n\tend\u{1b}[31m".into());
    s
}

fn binary() -> RequestSpec {
    let mut s = RequestSpec::get("http://127.0.0.1:1/bin");
    s.method = "PUT".into();
    s.body = Some(vec![0xff, b'\'', b'"', b'\\', 0x80, b'\n', 0x01]);
    s
}

pub(super) fn specs() -> Vec<RequestSpec> {
    let mut with_options = hostile();
    let o = &mut with_options.options;
    o.tls.verify = Verify::Off;
    o.tls.ca_file = Some("/tmp/my ca's.pem".into());
    o.redirects.follow = true;
    o.redirects.max = 5;
    o.http = HttpVersion::Http2;
    o.connect_timeout = Duration::from_millis(2500);
    o.total_timeout = Duration::from_secs(30);
    o.retry.attempts = 3;
    o.retry.backoff = Duration::from_secs(1);
    o.cookies = CookieJar::On;
    let mut head = RequestSpec::get("https://h/");
    head.method = "HEAD".into();
    let mut empty = RequestSpec::get("https://h/-dash");
    empty.method = "DELETE".into();
    empty.body = Some(Vec::new());
    empty.headers = vec![("X-Empty".into(), String::new())];
    let mut dash_url = RequestSpec::get("https://h/q?a=-b");
    dash_url.headers = vec![("A".into(), "-H x".into())];
    vec![
        hostile(),
        binary(),
        with_options,
        head,
        empty,
        dash_url,
        RequestSpec::get("https://h/"),
    ]
}

#[test]
fn curl_round_trips_through_parse_curl() {
    for spec in specs() {
        let cmd = to_curl(&spec);
        assert_eq!(parse_curl(&cmd).ok(), Some(spec), "{cmd}");
    }
}

/// Runs `program args` with `stdin`, or `None` when the program is not
/// installed (the check is skipped, loudly).
pub(super) fn run(
    program: &str,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Option<String> {
    let child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("{program} not found: check skipped");
        return None;
    };
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin.as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{program} failed: {stderr}\n--- input ---\n{stdin}"
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn bash_gives_curl_the_argv_we_parse() {
    for spec in specs() {
        let cmd = to_curl(&spec);
        let script = format!("curl() {{ printf '%s\\0' \"$@\"; }}\n{cmd}");
        let Some(out) = run("bash", &["-s"], &script, &[]) else {
            return;
        };
        let argv: Vec<&str> = out.split_terminator('\0').collect();
        let ours = shell::split(&cmd).expect("split");
        let ours: Vec<String> = ours[1..]
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        assert_eq!(argv, ours, "{cmd}");
    }
}

const FETCH_STUB: &str = r#"
globalThis.fetch = async (url, init) => {
  const dec = (v) => Buffer.from(v, "latin1").toString("utf8");
  const body = init.body === undefined ? null
    : typeof init.body === "string" ? Array.from(Buffer.from(init.body, "utf8"))
    : Array.from(init.body);
  console.log(JSON.stringify({ url, method: init.method,
    headers: (init.headers || []).map(([n, v]) => [n, dec(v)]), body, redirect: init.redirect }));
  return { status: 200, statusText: "OK", text: async () => "" };
};
"#;

#[test]
fn javascript_sends_the_same_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, spec) in specs().into_iter().enumerate() {
        let code = to_fetch(&spec);
        let file = dir.path().join(format!("t{i}.mjs"));
        std::fs::write(&file, format!("{FETCH_STUB}\n{code}")).expect("write");
        let Some(out) = run("node", &[&file.to_string_lossy()], "", &[]) else {
            return;
        };
        let got: serde_json::Value =
            serde_json::from_str(out.lines().next().unwrap_or_default()).expect("json");
        assert_eq!(got["url"], spec.url.as_str(), "{code}");
        assert_eq!(got["method"], spec.method.as_str(), "{code}");
        assert_eq!(got["headers"], serde_json::json!(spec.headers), "{code}");
        assert_eq!(got["body"], serde_json::json!(spec.body), "{code}");
    }
}

/// The string and byte-string literals of Rust source, decoded, after
/// checking that every literal closes, every escape is valid, and the
/// brackets outside literals and comments balance.
fn rust_literals(code: &str) -> Result<Vec<Vec<u8>>, String> {
    let c: Vec<char> = code.chars().collect();
    let (mut i, mut stack, mut lits) = (0, Vec::new(), Vec::new());
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '(' | '[' | '{' => stack.push(c[i]),
            ')' | ']' | '}' => {
                let open = stack.pop().ok_or("unbalanced close")?;
                if !matches!((open, c[i]), ('(', ')') | ('[', ']') | ('{', '}')) {
                    return Err(format!("mismatched {open}{}", c[i]));
                }
            }
            '"' => {
                let bytes_lit = i > 0 && c[i - 1] == 'b';
                let mut out = String::new();
                let mut raw = Vec::new();
                i += 1;
                loop {
                    let ch = *c.get(i).ok_or("unterminated literal")?;
                    i += 1;
                    let v = match ch {
                        '"' => break,
                        '\\' => {
                            let e = *c.get(i).ok_or("dangling escape")?;
                            i += 1;
                            match e {
                                'n' => '\n',
                                'r' => '\r',
                                't' => '\t',
                                '0' => '\0',
                                '\\' | '"' | '\'' => e,
                                'x' => {
                                    let h: String = c[i..i + 2].iter().collect();
                                    i += 2;
                                    let n =
                                        u8::from_str_radix(&h, 16).map_err(|e| e.to_string())?;
                                    if bytes_lit {
                                        raw.push(n);
                                        continue;
                                    }
                                    if n > 0x7f {
                                        return Err("\\x above 7f in a str".into());
                                    }
                                    n as char
                                }
                                'u' if !bytes_lit => {
                                    let end =
                                        c[i..].iter().position(|&x| x == '}').ok_or("bad \\u")?;
                                    let h: String = c[i + 1..i + end].iter().collect();
                                    i += end + 1;
                                    let n =
                                        u32::from_str_radix(&h, 16).map_err(|e| e.to_string())?;
                                    char::from_u32(n).ok_or("bad code point")?
                                }
                                _ => return Err(format!("invalid escape \\{e}")),
                            }
                        }
                        ch if bytes_lit && !ch.is_ascii() => {
                            return Err("non-ASCII in b\"\"".into())
                        }
                        ch => ch,
                    };
                    if bytes_lit {
                        raw.push(v as u8);
                    } else {
                        out.push(v);
                    }
                }
                lits.push(if bytes_lit { raw } else { out.into_bytes() });
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if stack.is_empty() {
        Ok(lits)
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}

#[test]
fn rust_literals_are_balanced_and_exact() {
    for spec in specs() {
        let code = to_reqwest(&spec);
        let lits = rust_literals(&code).unwrap_or_else(|e| panic!("{e}\n{code}"));
        assert!(lits.contains(&spec.url.as_bytes().to_vec()), "{code}");
        assert!(lits.contains(&spec.method.as_bytes().to_vec()), "{code}");
        for (n, v) in &spec.headers {
            assert!(lits.contains(&n.as_bytes().to_vec()), "{code}");
            assert!(lits.contains(&v.as_bytes().to_vec()), "{code}");
        }
        if let Some(b) = &spec.body {
            assert!(lits.contains(b), "{code}");
        }
    }
}

#[test]
fn raw_requests_are_explained_not_mangled() {
    let mut s = RequestSpec::get("http://h/");
    s.raw = Some(b"GET / HTTP/1.1\r\n\r\n".to_vec());
    for f in ExportFormat::ALL {
        let out = export(&s, f);
        if f == ExportFormat::Raw {
            assert_eq!(
                out, b"GET / HTTP/1.1\r\n\r\n",
                "raw bytes are their own export"
            );
        } else {
            let text = String::from_utf8_lossy(&out);
            assert!(text.contains("--raw"), "{f:?}: {text}");
        }
    }
}

#[test]
fn formats_by_name() {
    for (name, f) in [
        ("curl", ExportFormat::Curl),
        ("HTTPie", ExportFormat::Httpie),
        ("python", ExportFormat::Python),
        ("requests", ExportFormat::Python),
        ("httpx", ExportFormat::Httpx),
        ("reqwest", ExportFormat::Reqwest),
        ("rust", ExportFormat::Reqwest),
        ("fetch", ExportFormat::Fetch),
        (" js ", ExportFormat::Fetch),
        ("raw", ExportFormat::Raw),
    ] {
        assert_eq!(ExportFormat::from_name(name), Ok(f), "{name}");
    }
    let names = ExportFormat::names();
    assert_eq!(
        names,
        ["curl", "httpie", "python", "httpx", "reqwest", "fetch", "raw"]
    );
    for f in ExportFormat::ALL {
        assert_eq!(ExportFormat::from_name(f.name()), Ok(f));
    }
    let err = ExportFormat::from_name("perl").err().unwrap_or_default();
    assert!(
        err.contains("perl") && err.contains("httpie, python"),
        "{err}"
    );
    let spec = hostile();
    let same = [
        (ExportFormat::Curl, to_curl(&spec)),
        (ExportFormat::Httpie, to_httpie(&spec)),
        (ExportFormat::Python, to_python(&spec)),
        (ExportFormat::Httpx, to_httpx(&spec)),
        (ExportFormat::Reqwest, to_reqwest(&spec)),
        (ExportFormat::Fetch, to_fetch(&spec)),
    ];
    for (f, text) in same {
        assert_eq!(export(&spec, f), text.into_bytes(), "{f:?}");
    }
    assert_eq!(export(&spec, ExportFormat::Raw), to_raw(&spec));
}

#[test]
fn raw_bytes_are_built_as_the_engine_builds_them() {
    let mut s = RequestSpec::get("http://h.test:8080/p?q=a'b");
    s.method = "PUT".into();
    s.headers = vec![("X-B".into(), "2".into()), ("accept".into(), "x/y".into())];
    s.body = Some(b"abc".to_vec());
    assert_eq!(
        String::from_utf8_lossy(&to_raw(&s)),
        format!(
            "PUT /p?q=a%27b HTTP/1.1\r\nHost: h.test:8080\r\nUser-Agent: {}\r\nX-B: 2\r\naccept: x/y\r\nContent-Length: 3\r\n\r\nabc",
            crate::wire::h1_user_agent()
        )
    );
    let mut s = RequestSpec::get("https://h/");
    s.headers = vec![
        ("Host".into(), "other".into()),
        ("User-Agent".into(), "me".into()),
        ("Accept".into(), "*/*".into()),
        ("Transfer-Encoding".into(), "chunked".into()),
    ];
    s.body = Some(b"0\r\n\r\n".to_vec());
    assert_eq!(
        to_raw(&s),
        b"GET / HTTP/1.1\r\nHost: other\r\nUser-Agent: me\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    );
}

#[test]
fn a_proxy_given_on_the_command_line_goes_into_the_curl_export() {
    let mut s = RequestSpec::get("https://h.example/");
    s.options.proxy.flag = Some("http://u:pw@proxy:3128".into());
    s.options.proxy.noproxy = Some("localhost,.internal".into());
    s.options.proxy.user = Some("bob:secret".into());
    let back = parse_curl(&to_curl(&s)).expect("the export parses");
    assert_eq!(back.options.proxy.flag, s.options.proxy.flag);
    assert_eq!(back.options.proxy.noproxy, s.options.proxy.noproxy);
    assert_eq!(back.options.proxy.user, s.options.proxy.user);
    let redacted = super::redact::spec(&s).expect("credentials redacted");
    let out = to_curl(&redacted);
    assert!(!out.contains("pw@") && !out.contains("secret"), "{out}");
    assert!(
        out.contains("u:REDACTED@proxy:3128") && out.contains("bob:REDACTED"),
        "{out}"
    );
}

#[test]
fn other_clients_are_told_about_the_proxy_they_do_not_set() {
    let mut s = RequestSpec::get("https://h.example/");
    s.options.proxy.flag = Some("http://proxy:3128".into());
    let py = String::from_utf8(export(&s, ExportFormat::Python)).unwrap();
    assert!(
        py.starts_with("# Sent through the proxy http://proxy:3128 (-x)"),
        "{py}"
    );
    let js = String::from_utf8(export(&s, ExportFormat::Fetch)).unwrap();
    assert!(js.starts_with("// Sent through the proxy"), "{js}");
    s.options.proxy.flag = None;
    let py = String::from_utf8(export(&s, ExportFormat::Python)).unwrap();
    assert!(!py.contains("proxy"), "{py}");
}

//! Python and HTTPie exports of hostile requests, checked without a
//! network: the real `python3` runs each program against stub `requests`,
//! `urllib3` and `httpx` modules that print what they were given, and
//! bash runs each `http` command with `http` replaced by a function that
//! prints its argv, which is then read with HTTPie's own item rules. The
//! real clients run against the demo server in `tests/formats_export.rs`.

use serde_json::{json, Value};

use super::export::{merged_headers, to_httpie, to_httpx, to_python, wire_url};
use super::export_tests::{run, specs};
use crate::wire::{RequestSpec, Verify};

const STUBS: [(&str, &str); 6] = [
    ("urllib3/__init__.py", ""),
    ("urllib3/util/__init__.py", "SKIP_HEADER = '@@@SKIP_HEADER@@@'\n"),
    (
        "urllib3/util/retry.py",
        "class Retry:\n    def __init__(self, **kw):\n        kw['backoff_factor'] = float(kw['backoff_factor'])\n        self.kw = kw\n",
    ),
    (
        "requests/adapters.py",
        "class HTTPAdapter:\n    def __init__(self, max_retries=None):\n        self.max_retries = max_retries\n",
    ),
    ("requests/__init__.py", REQUESTS),
    ("httpx.py", HTTPX),
];

const REQUESTS: &str = r#"
import json
from urllib3.util import SKIP_HEADER
class Response:
    status_code = 200
    reason = "OK"
    text = ""
def dec(v):
    return v.decode("utf-8") if isinstance(v, bytes) else v
class Session:
    def __init__(self):
        self.headers = {"User-Agent": "python-requests/0"}
        self.mounts = []
        self.max_redirects = 30
    def mount(self, prefix, adapter):
        self.mounts.append([prefix, adapter.max_retries.kw])
    def request(self, method, url, headers=None, data=None, verify=True,
                allow_redirects=True, timeout=None):
        h = headers or {}
        print(json.dumps({"method": method, "url": url, "session": dict(self.headers),
            "headers": [[dec(k), dec(v)] for k, v in h.items() if v != SKIP_HEADER],
            "skipped": [k for k, v in h.items() if v == SKIP_HEADER],
            "data": list(data) if data is not None else None, "verify": verify,
            "allow_redirects": allow_redirects, "timeout": [float(t) for t in timeout],
            "mounts": self.mounts, "max_redirects": self.max_redirects}))
        return Response()
"#;

const HTTPX: &str = r#"
import json
class Timeout:
    def __init__(self, **kw):
        self.kw = {k: float(v) for k, v in kw.items()}
class HTTPTransport:
    def __init__(self, **kw):
        self.kw = kw
class Response:
    status_code = 200
    reason_phrase = "OK"
    text = ""
def dec(v):
    return v.decode("utf-8") if isinstance(v, bytes) else v
class Client:
    def __init__(self, **kw):
        self.kw = {k: getattr(v, "kw", v) for k, v in kw.items()}
        self.headers = {"Accept": "*/*", "Accept-Encoding": "gzip", "Connection": "keep-alive",
                        "User-Agent": "python-httpx/0"}
    def request(self, method, url, headers=None, content=None):
        print(json.dumps({"method": method, "url": url, "client": self.kw,
            "defaults": list(self.headers),
            "headers": [[dec(k), dec(v)] for k, v in (headers or [])],
            "content": list(content) if content is not None else None}))
        return Response()
"#;

/// Runs `code` against the stubs; `None` when python3 is not installed.
fn run_stubbed(code: &str) -> Option<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in STUBS {
        let file = dir.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(file, text).expect("stub");
    }
    let path = dir.path().to_string_lossy().into_owned();
    let out = run("python3", &["-"], code, &[("PYTHONPATH", &path)])?;
    Some(serde_json::from_str(out.lines().next().unwrap_or_default()).expect("json"))
}

fn has(spec: &RequestSpec, name: &str) -> bool {
    spec.headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case(name))
}

#[test]
fn python_requests_gets_the_request_and_the_retry_policy() {
    for spec in specs() {
        let code = to_python(&spec);
        let Some(got) = run_stubbed(&code) else {
            return;
        };
        let o = &spec.options;
        assert_eq!(got["method"], spec.method.as_str(), "{code}");
        assert_eq!(got["url"], wire_url(&spec).as_str(), "{code}");
        assert_eq!(got["session"], json!({}), "requests' defaults are cleared");
        let mut want: Vec<(String, String)> = Vec::new();
        if !has(&spec, "accept") {
            want.push(("Accept".into(), "*/*".into()));
        }
        want.extend(merged_headers(&spec).0);
        if spec.method == "GET" && spec.body.as_ref().is_some_and(Vec::is_empty) {
            want.push(("Content-Length".into(), "0".into()));
        }
        assert_eq!(got["headers"], json!(want), "{code}");
        assert_eq!(got["skipped"], json!(["Accept-Encoding"]), "{code}");
        assert_eq!(got["data"], json!(spec.body), "{code}");
        let verify = match (&o.tls.verify, &o.tls.ca_file) {
            (Verify::Off, _) => json!(false),
            (Verify::On, Some(ca)) => json!(ca.to_string_lossy()),
            (Verify::On, None) => json!(true),
        };
        assert_eq!(got["verify"], verify);
        assert_eq!(got["allow_redirects"], o.redirects.follow);
        let t = |d: std::time::Duration| d.as_secs_f64();
        assert_eq!(
            got["timeout"],
            json!([t(o.connect_timeout), t(o.read_timeout)])
        );
        if o.retry.attempts > 1 {
            let retry = json!({
                "total": o.retry.attempts - 1,
                "backoff_factor": t(o.retry.backoff),
                "status_forcelist": [429, 500, 502, 503, 504],
                "allowed_methods": ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"],
                "raise_on_status": false,
            });
            assert_eq!(
                got["mounts"],
                json!([["http://", retry], ["https://", retry]])
            );
            assert_eq!(got["max_redirects"], o.redirects.max);
            let mut anything = spec.clone();
            anything.options.retry.non_idempotent = true;
            let got = run_stubbed(&to_python(&anything)).unwrap_or_default();
            assert_eq!(got["mounts"][0][1]["allowed_methods"], Value::Null);
        } else {
            assert_eq!(got["mounts"], json!([]), "no retries, no adapter");
        }
    }
}

#[test]
fn python_httpx_gets_the_request() {
    for spec in specs() {
        let code = to_httpx(&spec);
        let Some(got) = run_stubbed(&code) else {
            return;
        };
        let o = &spec.options;
        assert_eq!(got["method"], spec.method.as_str(), "{code}");
        assert_eq!(got["url"], wire_url(&spec).as_str(), "{code}");
        assert_eq!(got["defaults"], json!(["Accept", "User-Agent"]), "{code}");
        let mut want = spec.headers.clone();
        if spec.method == "DELETE" && spec.body.as_ref().is_some_and(Vec::is_empty) {
            want.push(("Content-Length".into(), "0".into()));
        }
        assert_eq!(got["headers"], json!(want), "{code}");
        assert_eq!(got["content"], json!(spec.body), "{code}");
        let c = &got["client"];
        let t = |d: std::time::Duration| d.as_secs_f64();
        assert_eq!(
            c["timeout"],
            json!({"connect": t(o.connect_timeout), "read": t(o.read_timeout),
                   "write": t(o.read_timeout), "pool": t(o.connect_timeout)})
        );
        assert_eq!(c["follow_redirects"], o.redirects.follow);
        let tls = if o.retry.attempts > 1 {
            assert_eq!(c["transport"]["retries"], o.retry.attempts - 1);
            &c["transport"]
        } else {
            c
        };
        if o.tls.verify == Verify::Off {
            assert_eq!(tls["verify"], false, "{code}");
        }
    }
}

/// HTTPie's reading of a request item (`httpie/cli/argtypes.py`): `\`
/// before a separator character makes it literal; the first separator
/// outside escapes (longest at the same place) splits key from value.
fn httpie_item(s: &str) -> (String, &'static str, String) {
    const SEPS: [&str; 10] = [":=@", "==@", ":=", "==", "=@", ":@", ":", ";", "=", "@"];
    let special = |c: char| ":;=@".contains(c);
    let mut tokens: Vec<(String, bool)> = vec![(String::new(), false)];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let Some(last) = tokens.last_mut() else { break };
        if c != '\\' {
            last.0.push(c);
            continue;
        }
        match chars.next() {
            Some(n) if special(n) => {
                tokens.push((n.to_string(), true));
                tokens.push((String::new(), false));
            }
            n => {
                last.0.push('\\');
                last.0.extend(n);
            }
        }
    }
    for (i, (tok, escaped)) in tokens.iter().enumerate() {
        if *escaped {
            continue;
        }
        let found = SEPS
            .iter()
            .filter_map(|sep| tok.find(sep).map(|p| (p, *sep)))
            .min_by_key(|(p, sep)| (*p, usize::MAX - sep.len()));
        if let Some((p, sep)) = found {
            let key: String = tokens[..i].iter().map(|t| t.0.as_str()).collect();
            let rest: String = tokens[i + 1..].iter().map(|t| t.0.as_str()).collect();
            return (
                key + &tok[..p],
                sep,
                format!("{}{rest}", &tok[p + sep.len()..]),
            );
        }
    }
    panic!("{s:?} is not an HTTPie item");
}

#[test]
fn httpie_arguments_survive_the_shell_and_httpie() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_string_lossy().into_owned();
    for spec in specs() {
        let cmd = to_httpie(&spec);
        std::fs::write(
            dir.path().join("body.bin"),
            spec.body.clone().unwrap_or_default(),
        )
        .expect("body.bin");
        // The function also passes stdin on, so `< body.bin` is checked.
        let script = format!(
            "cd \"{d}\"\nhttp() {{ printf '%s\\0' \"$@\"; printf 'STDIN\\0'; cat; }}\n{cmd}"
        );
        let Some(out) = run("bash", &["-s"], &script, &[]) else {
            return;
        };
        let mut argv: Vec<String> = out.split('\0').map(str::to_string).collect();
        let stdin = argv.pop().unwrap_or_default();
        assert_eq!(argv.pop().as_deref(), Some("STDIN"));
        let first = argv
            .iter()
            .position(|a| !a.starts_with("--"))
            .expect("method");
        assert_eq!(argv[first], spec.method, "{cmd}");
        assert_eq!(argv[first + 1], wire_url(&spec), "{cmd}");
        let mut body = None;
        let mut headers = Vec::new();
        let mut rest = argv[first + 2..].iter();
        while let Some(a) = rest.next() {
            if a == "--raw" {
                body = rest.next().map(|b| b.clone().into_bytes());
                continue;
            }
            match httpie_item(a) {
                (n, ":", v) if v.is_empty() => assert!(!has(&spec, &n), "{n} unset: {cmd}"),
                (n, ":", v) => headers.push((n, v)),
                (n, ";", v) if v.is_empty() => headers.push((n, v)),
                other => panic!("unexpected item {other:?} in {cmd}"),
            }
        }
        let mut want = spec.headers.clone();
        if !has(&spec, "accept") {
            want.insert(0, ("Accept".into(), "*/*".into()));
        }
        if spec.method == "GET" && spec.body.as_ref().is_some_and(Vec::is_empty) {
            want.push(("Content-Length".into(), "0".into()));
        }
        assert_eq!(headers, want, "{cmd}");
        let body = body.or_else(|| cmd.contains("< body.bin").then(|| stdin.into_bytes()));
        if spec
            .body
            .as_ref()
            .is_some_and(|b| std::str::from_utf8(b).is_ok())
        {
            assert_eq!(body, spec.body, "{cmd}");
        } else if spec.body.is_some() {
            assert!(cmd.contains("< body.bin") && body.is_some(), "{cmd}");
        }
    }
}

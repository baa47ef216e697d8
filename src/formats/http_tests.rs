//! `.http` files: parsing, byte-identical round trips, minimal edits, and
//! variable resolution with environment files.

use std::path::Path;

use super::env::{load_environments, resolve, spec_from_file, Map};
use super::http_file::HttpFile;

const FILE: &str = r#"# Top comment: the API of the shop
@host = https://api.example.com
@token = {{secret}}

### Get items
GET {{host}}/items?limit=10 HTTP/1.1
Accept: application/json
# a comment among the headers
Authorization: Bearer {{token}}

### Create item
# @name create
POST {{host}}/items
Content-Type: application/json

{
  "name": "widget",

  "tags": ["a", "b"]
}

> {% client.global.set("id", response.body.id); %}

###
// no name, and a query continued on the next lines
DELETE {{host}}/items/{{id}}
    ?force=true
    &why={{$processEnv WHY}}
"#;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn parses_requests_names_headers_and_bodies() {
    let f = HttpFile::parse(FILE);
    let r = f.requests();
    assert_eq!(r.len(), 3);
    let names: Vec<_> = r.iter().map(|r| r.name.as_deref()).collect();
    assert_eq!(names, [Some("Get items"), Some("create"), None]);
    assert_eq!(
        (r[0].method.as_str(), r[0].url.as_str()),
        ("GET", "{{host}}/items?limit=10")
    );
    assert_eq!(r[0].version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(
        r[0].headers,
        pairs(&[
            ("Accept", "application/json"),
            ("Authorization", "Bearer {{token}}")
        ])
    );
    assert_eq!(r[0].body, None);
    assert_eq!(
        r[1].body.as_deref(),
        Some("{\n  \"name\": \"widget\",\n\n  \"tags\": [\"a\", \"b\"]\n}")
    );
    assert_eq!(r[1].line, 13);
    assert_eq!(
        r[2].url,
        "{{host}}/items/{{id}}?force=true&why={{$processEnv WHY}}"
    );
    assert_eq!(
        f.variables(),
        pairs(&[("host", "https://api.example.com"), ("token", "{{secret}}")])
    );
}

#[test]
fn round_trips_byte_for_byte() {
    let crlf = FILE.replace('\n', "\r\n");
    let no_final_newline = FILE.trim_end();
    for text in [
        FILE,
        &crlf,
        no_final_newline,
        "",
        "\n\n",
        "GET http://x",
        "###\n###",
    ] {
        assert_eq!(HttpFile::parse(text).to_text(), text);
    }
    assert_eq!(HttpFile::parse(&crlf).requests().len(), 3);
}

#[test]
fn an_unchanged_replace_changes_nothing() {
    let mut f = HttpFile::parse(FILE);
    for r in f.requests() {
        let res = f.replace_request(r.index, &r.method, &r.url, &r.headers, r.body.as_deref());
        assert!(res.is_ok());
    }
    assert_eq!(f.to_text(), FILE);
    assert!(f.replace_request(9, "GET", "x", &[], None).is_err());
}

#[test]
fn replace_rewrites_only_that_request() {
    let mut f = HttpFile::parse(FILE);
    let before = f.requests();
    let mut headers = before[1].headers.clone();
    headers.push(("X-Trace".into(), "1".into()));
    let body = "{\"name\": \"gadget\"}";
    assert!(f
        .replace_request(1, "PUT", "{{host}}/items/7", &headers, Some(body))
        .is_ok());
    let text = f.to_text();
    let old: Vec<&str> = FILE.split_inclusive('\n').collect();
    let new: Vec<&str> = text.split_inclusive('\n').collect();
    let region = &before[1].lines;
    assert_eq!(new[..region.start], old[..region.start]);
    let added = new.len() as isize - old.len() as isize;
    let tail_old = &old[region.end..];
    let tail_new = &new[(region.end as isize + added) as usize..];
    assert_eq!(
        tail_new, tail_old,
        "comments, handler and later requests kept"
    );
    let r = f.requests();
    assert_eq!(
        (r[1].method.as_str(), r[1].url.as_str()),
        ("PUT", "{{host}}/items/7")
    );
    assert_eq!(r[1].headers, headers);
    assert_eq!(r[1].body.as_deref(), Some(body));
    assert_eq!(r[1].name.as_deref(), Some("create"));

    // Changing one header keeps the comment among the headers in place.
    let mut f = HttpFile::parse(FILE);
    let h = pairs(&[
        ("Accept", "text/plain"),
        ("Authorization", "Bearer {{token}}"),
    ]);
    assert!(f
        .replace_request(0, "GET", "{{host}}/items?limit=10", &h, None)
        .is_ok());
    let want = FILE.replace("Accept: application/json\n#", "Accept: text/plain\n#");
    assert_eq!(f.to_text(), want);

    // Adding a body to the last request of a file without a final newline.
    let mut f = HttpFile::parse("GET http://x/a\r\nX: 1");
    assert!(f
        .replace_request(0, "POST", "http://x/a", &pairs(&[("X", "1")]), Some("b"))
        .is_ok());
    assert_eq!(f.to_text(), "POST http://x/a\r\nX: 1\r\n\r\nb");
}

fn env_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let write =
        |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect("write");
    write(
        "http-client.env.json",
        r#"{"dev": {"secret": "public-placeholder", "id": 1, "host": "https://ignored"},
            "prod": {"secret": "p"}, "$shared": {"id": 5}}"#,
    );
    write(
        "http-client.private.env.json",
        r#"{"dev": {"secret": "dev-token", "SSLConfiguration": {"verify": false}}}"#,
    );
    write(
        ".env",
        "# dotenv\nexport id=42\nQUOTED=\"a\\nb\"\nWHY=dotenv-why # trailing\n",
    );
    dir
}

#[test]
fn environments_load_and_merge() {
    let dir = env_dir();
    let envs = load_environments(dir.path()).expect("envs");
    assert_eq!(envs.names(), ["dev", "prod"]);
    let dev = envs.select(Some("dev")).expect("dev");
    assert_eq!(dev.get("secret").map(String::as_str), Some("dev-token"));
    assert_eq!(dev.get("id").map(String::as_str), Some("1"));
    assert!(!dev.contains_key("SSLConfiguration"));
    let none = envs.select(None).expect("no env");
    assert_eq!(
        none.get("id").map(String::as_str),
        Some("5"),
        "$shared over .env"
    );
    assert_eq!(none.get("QUOTED").map(String::as_str), Some("a\nb"));
    let e = envs.select(Some("staging")).err().unwrap_or_default();
    assert!(e.contains("staging") && e.contains("dev, prod"), "{e}");
    let empty = load_environments(Path::new("/nonexistent-wirescope-dir")).expect("empty");
    assert!(empty.envs.is_empty());
    std::fs::write(dir.path().join("http-client.env.json"), "{oops").expect("write");
    let e = load_environments(dir.path()).err().unwrap_or_default();
    assert!(e.contains("http-client.env.json"), "{e}");
}

#[test]
fn resolution_order_and_unresolved_variables() {
    let file_vars = pairs(&[("a", "file"), ("b", "{{c}}-x"), ("a", "file-later")]);
    let mut env = Map::new();
    env.insert("a".into(), "env".into());
    env.insert("c".into(), "env-c".into());
    env.insert("d".into(), "env-d".into());
    let process = |n: &str| match n {
        "a" | "d" | "e" => Some(format!("process-{n}")),
        _ => None,
    };
    let r = |t: &str| resolve(t, &file_vars, Some(&env), &process);
    assert_eq!(
        r("{{a}} {{ b }} {{d}} {{e}}").ok().as_deref(),
        Some("file-later env-c-x env-d process-e")
    );
    assert_eq!(
        r("{{$processEnv e}}/{{$env.e}}").ok().as_deref(),
        Some("process-e/process-e")
    );
    let err = r("x {{nowhere_var}} y").expect_err("unresolved");
    assert_eq!(err.name, "nowhere_var");
    assert!(err.to_string().contains("{{nowhere_var}}"), "{err}");
}

#[test]
fn spec_from_file_resolves_everything_first() {
    let dir = env_dir();
    let f = HttpFile::parse(FILE);
    let s = spec_from_file(&f, "Get items", Some("dev"), dir.path()).expect("spec");
    assert_eq!(s.url, "https://api.example.com/items?limit=10");
    assert_eq!(
        s.headers,
        pairs(&[
            ("Accept", "application/json"),
            ("Authorization", "Bearer dev-token")
        ])
    );
    let s = spec_from_file(&f, "create", Some("prod"), dir.path()).expect("spec");
    assert_eq!(s.method, "POST");
    assert!(s
        .body
        .as_deref()
        .is_some_and(|b| b.starts_with(b"{\n  \"name\"")));
    // `.env` defines id=42 here ($shared's id=5 wins over .env).
    let e = spec_from_file(&f, "3", None, dir.path())
        .err()
        .unwrap_or_default();
    assert!(e.contains("{{secret}}") || e.contains("WHY"), "{e}");
    let e = spec_from_file(&f, "Get items", None, dir.path())
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("{{secret}}") && e.contains("Get items") && e.contains("line 6"),
        "{e}"
    );
    let e = spec_from_file(&f, "nope", None, dir.path())
        .err()
        .unwrap_or_default();
    assert!(e.contains("nope") && e.contains("create"), "{e}");
}

#[test]
fn body_from_a_file() {
    let dir = env_dir();
    std::fs::write(dir.path().join("body.json"), "{\"id\": \"{{id}}\"}").expect("write");
    let f = HttpFile::parse("POST http://h/x\n\n<@ ./body.json\n");
    let s = spec_from_file(&f, "1", Some("dev"), dir.path()).expect("spec");
    assert_eq!(s.body.as_deref(), Some(&b"{\"id\": \"1\"}"[..]));
    let f = HttpFile::parse("POST http://h/x\n\n< ./missing.json\n");
    let e = spec_from_file(&f, "1", None, dir.path())
        .err()
        .unwrap_or_default();
    assert!(e.contains("missing.json"), "{e}");
}

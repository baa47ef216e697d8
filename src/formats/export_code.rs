//! Code export for programs: Rust `reqwest` (async, tokio) and JavaScript
//! `fetch` (an ES module, top-level await). Header values that are not
//! ASCII are written as their exact UTF-8 bytes, since both clients would
//! otherwise refuse or re-encode them.

use super::export::{body_text, secs, RAW_NOTE};
use super::quote::{js_str, rust_bytes, rust_str};
use crate::wire::{CookieJar, HttpVersion, Options, RequestSpec, Verify};

/// Rust with `reqwest` 0.12 and tokio.
pub fn to_reqwest(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("// {RAW_NOTE}\n");
    }
    let o = &spec.options;
    let mut out = String::from(
        "// Cargo.toml: reqwest = \"0.12\", tokio = { version = \"1\", features = [\"full\"] }\n",
    );
    out.push_str("// reqwest sends header names in lower case.\n");
    out.push_str("#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str("    let client = reqwest::Client::builder()\n");
    for line in reqwest_builder(o) {
        out.push_str("        ");
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("        .build()?;\n");
    out.push_str("    let response = client\n");
    out.push_str(&format!(
        "        .request(reqwest::Method::from_bytes({})?, {})\n",
        rust_bytes(spec.method.as_bytes()),
        rust_str(&spec.url)
    ));
    for (n, v) in &spec.headers {
        let value = if v.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t') {
            rust_str(v)
        } else {
            format!(
                "reqwest::header::HeaderValue::from_bytes({})?",
                rust_bytes(v.as_bytes())
            )
        };
        out.push_str(&format!("        .header({}, {value})\n", rust_str(n)));
    }
    match body_text(spec) {
        Some(Some(text)) => out.push_str(&format!("        .body({})\n", rust_str(text))),
        Some(None) => {
            let bytes = rust_bytes(spec.body.as_deref().unwrap_or_default());
            out.push_str(&format!("        .body({bytes}.to_vec())\n"));
        }
        None => {}
    }
    out.push_str("        .send()\n        .await?;\n");
    out.push_str("    println!(\"{}\", response.status());\n");
    out.push_str("    println!(\"{}\", response.text().await?);\n");
    out.push_str("    Ok(())\n}\n");
    out
}

fn reqwest_builder(o: &Options) -> Vec<String> {
    let mut lines = Vec::new();
    // reqwest follows up to 10 redirects unless told otherwise.
    lines.push(if o.redirects.follow {
        format!(
            ".redirect(reqwest::redirect::Policy::limited({}))",
            o.redirects.max
        )
    } else {
        ".redirect(reqwest::redirect::Policy::none())".into()
    });
    let ms = |d: std::time::Duration| d.as_millis();
    lines.push(format!(
        ".connect_timeout(std::time::Duration::from_millis({}))",
        ms(o.connect_timeout)
    ));
    lines.push(format!(
        ".read_timeout(std::time::Duration::from_millis({}))",
        ms(o.read_timeout)
    ));
    lines.push(format!(
        ".timeout(std::time::Duration::from_millis({}))",
        ms(o.total_timeout)
    ));
    if o.tls.verify == Verify::Off {
        lines.push(".danger_accept_invalid_certs(true) // TLS verification was off".into());
    }
    if let Some(ca) = &o.tls.ca_file {
        lines.push(format!(
            ".add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read({})?)?)",
            rust_str(&ca.to_string_lossy())
        ));
    }
    if let Some(c) = &o.tls.client_cert {
        // reqwest (rustls) takes the certificate and key as one PEM.
        let files = std::iter::once(c)
            .chain(&o.tls.client_key)
            .map(|p| format!("std::fs::read({})?", rust_str(&p.to_string_lossy())))
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(format!(
            ".identity(reqwest::Identity::from_pem(&[{files}].concat())?)"
        ));
    }
    match o.http {
        HttpVersion::Auto => {}
        HttpVersion::Http1 => lines.push(".http1_only()".into()),
        HttpVersion::Http2 => {
            lines.push("// HTTP/2 by ALPN: enable reqwest's \"http2\" feature".into())
        }
        HttpVersion::Http2PriorKnowledge => lines.push(".http2_prior_knowledge()".into()),
        HttpVersion::Http3 => lines.push(
            "// HTTP/3: reqwest's \"http3\" feature (unstable; RUSTFLAGS=\"--cfg reqwest_unstable\") and .http3_prior_knowledge()".into(),
        ),
    }
    if o.cookies == CookieJar::On {
        lines.push(
            "// cookies: enable reqwest's \"cookies\" feature and add .cookie_store(true)".into(),
        );
    }
    lines
}

/// JavaScript `fetch` (Node 18+ or a browser), as an ES module.
pub fn to_fetch(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("// {RAW_NOTE}\n");
    }
    let o = &spec.options;
    let mut out = String::new();
    if o.tls.verify == Verify::Off {
        out.push_str("// TLS verification was off: fetch cannot turn it off per request\n");
        out.push_str("// (Node: NODE_TLS_REJECT_UNAUTHORIZED=0 for the whole process).\n");
    }
    if spec.body.is_some() && matches!(spec.method.as_str(), "GET" | "HEAD") {
        out.push_str("// fetch refuses a body on GET and HEAD requests.\n");
    }
    if o.tls.client_cert.is_some() {
        out.push_str(
            "// The client certificate (--cert) is not sent: fetch has no option for one\n",
        );
        out.push_str("// (Node: undici's Agent({ connect: { cert, key } }) as the dispatcher).\n");
    }
    if spec.headers.iter().any(|(_, v)| !v.is_ascii()) {
        out.push_str("// Header values that are not ASCII are written as their UTF-8 bytes.\n");
    }
    out.push_str(&format!(
        "const response = await fetch({}, {{\n",
        js_str(&spec.url)
    ));
    out.push_str(&format!("  method: {},\n", js_str(&spec.method)));
    if !spec.headers.is_empty() {
        // Pairs, not an object: repeated names and their order survive.
        out.push_str("  headers: [\n");
        for (n, v) in &spec.headers {
            out.push_str(&format!("    [{}, {}],\n", js_str(n), js_bytestring(v)));
        }
        out.push_str("  ],\n");
    }
    match body_text(spec) {
        Some(Some(text)) => out.push_str(&format!("  body: {},\n", js_str(text))),
        Some(None) => {
            let bytes: Vec<String> = spec
                .body
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(u8::to_string)
                .collect();
            out.push_str(&format!(
                "  body: new Uint8Array([{}]),\n",
                bytes.join(", ")
            ));
        }
        None => {}
    }
    let redirect = if o.redirects.follow {
        "follow"
    } else {
        "manual"
    };
    out.push_str(&format!("  redirect: \"{redirect}\",\n"));
    out.push_str(&format!(
        "  signal: AbortSignal.timeout({}), // {} s for the whole exchange\n",
        o.total_timeout.as_millis(),
        secs(o.total_timeout)
    ));
    out.push_str("});\n");
    out.push_str("console.log(response.status, response.statusText);\n");
    out.push_str("console.log(await response.text());\n");
    out
}

/// Header values must be ByteStrings (one char per byte): a non-ASCII
/// value is spelled as its UTF-8 bytes so the wire gets exactly those.
fn js_bytestring(v: &str) -> String {
    if v.is_ascii() {
        return js_str(v);
    }
    let mut out = String::from("\"");
    for &b in v.as_bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

//! Endpoints about body encodings and media types.
//!
//! Owns: /gzip, /deflate, /brotli, /zstd (the echo document compressed
//! with that coding whatever Accept-Encoding says, as httpbin does, so
//! the inspector can show decoding) and the sample documents /encoding/utf8,
//! /html, /json, /xml.

use std::io::Write;

use hyper::header::{HeaderValue, CONTENT_ENCODING};
use hyper::StatusCode;
use serde_json::{json, Value};

use super::echo;
use super::response::{self, Resp, JSON};
use super::routes::Req;

/// Compresses `data` with the named HTTP content coding.
fn compress(coding: &str, data: &[u8]) -> std::io::Result<Vec<u8>> {
    match coding {
        "gzip" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data)?;
            enc.finish()
        }
        // HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2), not raw deflate.
        "deflate" => {
            let mut enc =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data)?;
            enc.finish()
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                enc.write_all(data)?;
                enc.flush()?;
            }
            Ok(out)
        }
        "zstd" => zstd::encode_all(data, 3),
        _ => Err(std::io::Error::other("unknown coding")),
    }
}

/// /gzip, /deflate, /brotli, /zstd.
pub(crate) fn compressed(req: &Req, endpoint: &str) -> Resp {
    let (coding, flag) = match endpoint {
        "gzip" => ("gzip", "gzipped"),
        "deflate" => ("deflate", "deflated"),
        "brotli" => ("br", "brotli"),
        _ => ("zstd", "zstd"),
    };
    let mut doc = echo::document(req);
    doc.insert(flag.into(), json!(true));
    let plain = response::json_text(&Value::Object(doc));
    match compress(coding, plain.as_bytes()) {
        Ok(body) => {
            let mut resp = response::with_body(StatusCode::OK, JSON, response::full(body));
            resp.headers_mut()
                .insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
            resp
        }
        Err(_) => response::error(StatusCode::INTERNAL_SERVER_ERROR, "compression failed"),
    }
}

const UTF8_PAGE: &str = "\
UTF-8 encoded sample text

Greek:     Σὲ γνωρίζω ἀπὸ τὴν κόψη
Russian:   Съешь же ещё этих мягких французских булок
Japanese:  いろはにほへと ちりぬるを
Chinese:   我能吞下玻璃而不伤身体
Arabic:    أنا قادر على أكل الزجاج و هذا لا يؤلمني
Hebrew:    אני יכול לאכול זכוכית וזה לא מזיק לי
Emoji:     🦀 🔍 📡 ✅
Math:      ∀x ∈ ℝ: x² ≥ 0,  ∑ 1/n² = π²/6
Combining: e\u{301} (e + U+0301) vs é (U+00E9)
";

pub(crate) fn utf8_page() -> Resp {
    response::text(StatusCode::OK, UTF8_PAGE)
}

const HTML_DOC: &str = "<!DOCTYPE html>
<html lang=\"en\">
  <head>
    <meta charset=\"utf-8\">
    <title>wirescope demo</title>
  </head>
  <body>
    <h1>Herman Melville &mdash; Moby-Dick</h1>
    <p>Call me Ishmael. Some years ago&mdash;never mind how long precisely&mdash;having
    little or no money in my purse, and nothing particular to interest me on shore,
    I thought I would sail about a little and see the watery part of the world.</p>
  </body>
</html>
";

pub(crate) fn html() -> Resp {
    response::with_body(
        StatusCode::OK,
        "text/html; charset=utf-8",
        response::full(HTML_DOC),
    )
}

pub(crate) fn json_doc() -> Resp {
    let doc = json!({
        "slideshow": {
            "author": "Yours Truly",
            "date": "date of publication",
            "title": "Sample Slide Show",
            "slides": [
                { "title": "Wake up to WonderWidgets!", "type": "all" },
                {
                    "title": "Overview",
                    "type": "all",
                    "items": [
                        "Why <em>WonderWidgets</em> are great",
                        "Who <em>buys</em> WonderWidgets"
                    ]
                }
            ]
        }
    });
    response::json(StatusCode::OK, &doc)
}

const XML_DOC: &str = "<?xml version='1.0' encoding='us-ascii'?>
<!-- A SAMPLE set of slides -->
<slideshow title=\"Sample Slide Show\" date=\"Date of publication\" author=\"Yours Truly\">
  <slide type=\"all\">
    <title>Wake up to WonderWidgets!</title>
  </slide>
  <slide type=\"all\">
    <title>Overview</title>
    <item>Why <em>WonderWidgets</em> are great</item>
    <item/>
    <item>Who <em>buys</em> WonderWidgets</item>
  </slide>
</slideshow>
";

pub(crate) fn xml() -> Resp {
    response::with_body(StatusCode::OK, "application/xml", response::full(XML_DOC))
}

//! Putting a request into the Request pane: from an `.http` file entry,
//! a pasted curl command or a past exchange. Part of `update`: state
//! changes only.

use ratatui_textarea::TextArea;

use crate::formats::{parse_curl_full, CurlImport, HttpRequestEntry};
use crate::tui::app::{App, Mode, PaneId};
use crate::tui::form::{Field, HeaderRow};
use crate::wire::RequestSpec;

/// Whether the request's options replace the form's (a curl command or a
/// past exchange says what it was sent with; an `.http` entry does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Options {
    Keep,
    Replace,
}

fn body_area(text: Option<&str>) -> TextArea<'static> {
    let mut body = match text {
        Some(t) => TextArea::new(t.lines().map(str::to_string).collect()),
        None => TextArea::default(),
    };
    body.set_placeholder_text("(no body — Enter to type one)");
    body
}

/// Fills the form with method, URL, headers and body (text as given:
/// `{{var}}` templates stay templates) and focuses the Request pane.
pub fn form_parts(
    app: &mut App,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) {
    let f = &mut app.form;
    f.method = method.to_string();
    f.url = url.to_string();
    f.headers = headers
        .iter()
        .map(|(n, v)| HeaderRow::new(n, v, true))
        .collect();
    f.body = body_area(body);
    f.accept_encoding = false;
    f.compress = None;
    f.field = Field::Url;
    app.request_scroll = 0;
    app.mode = Mode::Navigate;
    app.focus = PaneId::Request;
}

/// An `.http` entry, unresolved.
pub fn entry(app: &mut App, e: &HttpRequestEntry) {
    form_parts(app, &e.method, &e.url, &e.headers, e.body.as_deref());
}

/// A spec (curl import, history). A body that is not UTF-8 cannot be
/// edited as text: it is left out and the notice says so.
pub fn spec(app: &mut App, spec: &RequestSpec, options: Options) -> Option<String> {
    if spec.raw.is_some() {
        return Some("a raw request cannot be loaded into the Request pane".into());
    }
    let (body, note) = match spec.body.as_deref().map(std::str::from_utf8) {
        None => (None, None),
        Some(Ok(t)) => (Some(t.to_string()), None),
        Some(Err(_)) => (
            None,
            Some(format!(
                "the body ({} bytes) is binary: not loaded, only text bodies can be edited",
                spec.body.as_ref().map_or(0, Vec::len)
            )),
        ),
    };
    form_parts(app, &spec.method, &spec.url, &spec.headers, body.as_deref());
    if options == Options::Replace {
        // The environment's proxy variables stay: a loaded request
        // brings its own -x, not another environment.
        let env = std::mem::take(&mut app.form.options.proxy.env);
        app.form.options = spec.options.clone();
        app.form.options.proxy.env = env;
    }
    if let Some(c) = &mut app.workflow.collection {
        // The form no longer holds a request of the file.
        c.loaded = None;
    }
    note
}

/// The curl prompt's Enter: the command into the form, or the error
/// (naming the flag) in the status bar.
pub fn curl(app: &mut App, text: &str) {
    if text.trim().is_empty() {
        app.notice = Some("no curl command: nothing imported".into());
        return;
    }
    match parse_curl_full(text, &|name| std::env::var(name).ok()) {
        Ok(CurlImport {
            spec: s,
            no_effect: unused,
            shell,
        }) => {
            let note = spec(app, &s, Options::Replace);
            app.notice = Some(note.unwrap_or_else(|| {
                let mut n = format!(
                    "imported from curl: {} {} ({} headers{})",
                    s.method,
                    s.url,
                    s.headers.len(),
                    if s.body.is_some() { ", a body" } else { "" }
                );
                // Flags that change nothing about the request are named.
                if !unused.is_empty() {
                    n.push_str(&format!("; no effect here: {}", unused.join(" ")));
                }
                for note in &shell {
                    n.push_str(&format!("; {note}"));
                }
                n
            }));
        }
        Err(e) => app.notice = Some(format!("curl import: {e}")),
    }
}

/// Pasted text for the curl prompt: line continuations (`\` at a line's
/// end, as "Copy as cURL" writes them) become spaces; other line breaks
/// are kept (inside quotes they are part of a body; outside, the shell
/// splitter reads them as spaces).
pub fn join_lines(text: &str) -> String {
    text.replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .replace("\r\n", "\n")
}

//! From a lesson step to the free-form TUI: the step's request in the
//! form (method, URL, headers, body, options — raw bytes become the
//! request they spell, as the form has no raw mode) and the step's
//! recorded exchanges in the history, so every pane shows them at once.

use std::time::Instant;

use super::RunState;
use crate::tui::app::{App, Mode, PaneId};
use crate::tui::entry::Entry;
use crate::tui::form::{HeaderRow, RequestForm};
use crate::wire::RequestSpec;

/// `Tab`/`f` in lesson mode.
pub(super) fn free_form(app: &mut App) {
    let Some(l) = app.lesson.as_deref_mut() else {
        return;
    };
    let n = l.index + 1;
    let step = &mut l.steps[l.index];
    let mut notes = Vec::new();
    match &step.spec {
        Ok(spec) => {
            let (form, note) = form_for(spec, &step.step.request);
            app.form = form;
            notes.extend(note);
        }
        Err(e) => notes.push(format!("its request cannot be loaded: {e}")),
    }
    let exchanges = match (&step.run, step.in_history) {
        (RunState::Done(r), false) => r.outcome.exchanges.clone(),
        _ => Vec::new(),
    };
    step.in_history |= !exchanges.is_empty();
    l.active = false;
    std::mem::swap(&mut app.zoom, &mut l.zoom);
    for x in exchanges {
        let id = app.next_id;
        app.next_id += 1;
        let mut e = Entry::new(id, &x.method, &x.url, Instant::now());
        e.finish(Box::new(x), Default::default());
        // The history's cap and groups are kept as for any exchange.
        let _ = crate::tui::group_steps::push(app, e);
    }
    if !app.entries.is_empty() {
        crate::tui::update::select(app, app.entries.len() - 1);
    }
    app.mode = Mode::Navigate;
    app.help = None;
    app.focus = PaneId::Request;
    notes.push("F2 goes back to the lesson".into());
    app.notice = Some(format!("lesson step {n} loaded · {}", notes.join(" · ")));
}

/// The form for `spec`, and what the presenter should know about it.
pub(super) fn form_for(
    spec: &RequestSpec,
    r: &crate::lesson::StepRequest,
) -> (RequestForm, Option<String>) {
    let mut note = None;
    let (method, url, headers, body) = match spec
        .raw
        .as_deref()
        .and_then(|raw| parse_raw(raw, &spec.url))
    {
        Some(parsed) => {
            note = Some(
                "raw bytes loaded as the request they spell (the form has no raw mode)".into(),
            );
            parsed
        }
        None => (
            spec.method.clone(),
            spec.url.clone(),
            spec.headers.clone(),
            spec.body.clone().unwrap_or_default(),
        ),
    };
    let mut form = RequestForm::new(&url, spec.options.clone());
    form.method = method;
    form.headers = headers
        .iter()
        .map(|(n, v)| HeaderRow::new(n, v, true))
        .collect();
    if !body.is_empty() {
        form.body.insert_str(String::from_utf8_lossy(&body));
    }
    if let Some(n) = r.parallel {
        form.parallel = n;
        note = Some(format!("P sends it {n} at once"));
    } else if let Some(n) = r.repeat {
        form.parallel = n;
        note = Some(format!("S sends it {n} times, kept connection vs new"));
    } else if r.revalidate {
        note = Some("send it, then R revalidates it".into());
    }
    (form, note)
}

/// Method, URL, headers and body.
type Parsed = (String, String, Vec<(String, String)>, Vec<u8>);

/// Method, URL, headers and body of a raw request (`GET /x HTTP/1.1`...),
/// the URL's path taken from the request line.
fn parse_raw(raw: &[u8], url: &str) -> Option<Parsed> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = match text.split_once("\r\n\r\n") {
        Some((h, b)) => (h.to_string(), b.as_bytes().to_vec()),
        None => (text.trim_end().to_string(), Vec::new()),
    };
    let mut lines = head.lines();
    let mut start = lines.next()?.split_whitespace();
    let method = start.next()?.to_string();
    let target = start.next().unwrap_or("/");
    let origin_end = url
        .find("://")
        .map(|i| i + 3)
        .and_then(|s| url[s..].find('/').map(|j| s + j))
        .unwrap_or(url.len());
    let url = if target.starts_with('/') {
        format!("{}{target}", &url[..origin_end])
    } else {
        url.to_string()
    };
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some((method, url, headers, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bytes_become_the_request_they_spell() {
        let (m, u, h, b) = parse_raw(
            b"POST /echo-raw HTTP/1.1\r\nhOsT: 127.0.0.1:9\r\nContent-Length: 5\r\n\r\nhello world",
            "http://127.0.0.1:9",
        )
        .unwrap();
        assert_eq!(m, "POST");
        assert_eq!(u, "http://127.0.0.1:9/echo-raw");
        assert_eq!(h[0], ("hOsT".to_string(), "127.0.0.1:9".to_string()));
        assert_eq!(b, b"hello world");
        let (_, u, ..) = parse_raw(b"GET /get HTTP/1.1\r\n\r\n", "http://h:1/x/y").unwrap();
        assert_eq!(u, "http://h:1/get");
    }
}

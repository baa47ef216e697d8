//! The TUI's workflow, through the app state (no terminal): an `.http`
//! file edited and written back byte for byte except the request edited;
//! the saved history across two App instances (in a temporary
//! `WIRESCOPE_HISTORY_DIR`, never the real data directory), credentials
//! redacted; snapshots of the Collection pane and the export chooser at
//! 120×40 and 80×24.

use crate::common;

use common::screen::whole;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use wirescope::tui::app::{App, PaneId};
use wirescope::tui::workflow::{self, HistoryMode, WorkflowArgs};
use wirescope::tui::{fixture, update, Msg};
use wirescope::worker::{Command, Event};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    );
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Comments of both kinds, a file variable, a response handler, a
/// comment after the last request (after a `###`: before it, it would be
/// part of the body).
const FILE: &str = "\
// Users API, for the workshop
@host = 127.0.0.1:8080

### list users
# @no-redirect
GET http://{{host}}/anything/users?page=1
Accept: application/json
# the server ignores this one
X-Trace: list

> {% client.test(\"ok\", () => {}); %}

### create user
POST http://{{host}}/anything/users
Content-Type: application/json

{
  \"name\": \"wire\"
}

###
# end of file: keep me
";

fn open(dir: &Path, text: &str) -> App {
    let path = dir.join("api.http");
    std::fs::write(&path, text).unwrap();
    let mut app = fixture::app();
    let args = WorkflowArgs {
        collection: Some(path),
        history: HistoryMode::Off,
        ..Default::default()
    };
    workflow::setup(&mut app, &args).unwrap();
    app
}

#[test]
fn editing_one_request_and_saving_keeps_every_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(dir.path(), FILE);
    assert_eq!(app.focus, PaneId::Collection);
    // The second request, into the Request pane.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, PaneId::Request);
    assert_eq!(app.form.method, "POST");
    // Its header (the row below the URL): edit it, replace the value.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('e'));
    ctrl(&mut app, 'u');
    typed(&mut app, "Content-Type: application/vnd.api+json");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('W'));
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.contains("wrote request \"create user\""), "{notice}");
    let written = std::fs::read_to_string(dir.path().join("api.http")).unwrap();
    assert_eq!(
        written,
        FILE.replace(
            "Content-Type: application/json\n",
            "Content-Type: application/vnd.api+json\n"
        )
    );
    // The body and the first request, edited through the form, too.
    app.form.body = ratatui_textarea::TextArea::new(vec!["{\"name\": \"scope\"}".into()]);
    key(&mut app, KeyCode::Char('W'));
    let written = std::fs::read_to_string(dir.path().join("api.http")).unwrap();
    assert_eq!(
        written,
        FILE.replace(
            "Content-Type: application/json\n",
            "Content-Type: application/vnd.api+json\n"
        )
        .replace("{\n  \"name\": \"wire\"\n}\n", "{\"name\": \"scope\"}\n")
    );
    // No temporary file left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["api.http".to_string()]);
}

#[test]
fn a_crlf_file_keeps_its_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = FILE.replace('\n', "\r\n");
    let mut app = open(dir.path(), &crlf);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    app.form.body =
        ratatui_textarea::TextArea::new(vec!["{".into(), "  \"n\": 1".into(), "}".into()]);
    key(&mut app, KeyCode::Char('W'));
    let written = std::fs::read_to_string(dir.path().join("api.http")).unwrap();
    assert_eq!(
        written,
        crlf.replace(
            "{\r\n  \"name\": \"wire\"\r\n}\r\n",
            "{\r\n  \"n\": 1\r\n}\r\n"
        )
    );
}

/// The fixture exchange, sent with a bearer token.
fn exchange_with_token() -> wirescope::wire::Exchange {
    let mut x = fixture::exchange();
    let sent = b"GET /get?show=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer s3cret-token\r\nAccept: application/json\r\n\r\n".to_vec();
    x.transcript.sent_total = sent.len() as u64;
    x.transcript.sent = sent;
    x
}

#[test]
fn history_survives_two_app_instances_redacted() {
    let dir = tempfile::tempdir().unwrap();
    // The only test of this binary that opens the history: the variable
    // points it at a temporary directory.
    std::env::set_var(workflow::saved::DIR_VAR, dir.path());
    let args = WorkflowArgs {
        history: HistoryMode::On,
        ..Default::default()
    };
    {
        let mut first = fixture::app();
        workflow::setup(&mut first, &args).unwrap();
        assert_eq!(first.workflow.saved.as_ref().unwrap().entries.len(), 0);
        let id = match &key(&mut first, KeyCode::F(5))[..] {
            [Command::Send(id, _)] => *id,
            other => panic!("{other:?}"),
        };
        update(
            &mut first,
            Msg::Worker(Event::Done {
                id,
                exchange: Box::new(exchange_with_token()),
            }),
        );
        // Dropping the app lets the writer finish.
    }
    let stored = std::fs::read_to_string(dir.path().join("history.jsonl")).unwrap();
    assert!(!stored.contains("s3cret"), "{stored}");
    assert!(stored.contains("REDACTED"), "{stored}");

    let mut second = fixture::app();
    workflow::setup(&mut second, &args).unwrap();
    let saved = second.workflow.saved.as_ref().unwrap();
    assert_eq!(saved.entries.len(), 1);
    assert_eq!(saved.entries[0].url, fixture::URL);
    second.focus = PaneId::History;
    let shown = whole(&mut second, 120, 40);
    assert!(shown.contains("saved history (1, newest first)"), "{shown}");
    assert!(shown.contains("GET 127.0.0.1 /get"), "{shown}");
    // Enter on it: back in the Request pane, ready to send again.
    key(&mut second, KeyCode::Char('j'));
    key(&mut second, KeyCode::Enter);
    assert_eq!(second.form.url, fixture::URL);
    assert!(second
        .form
        .headers
        .iter()
        .any(|h| h.name == "Authorization" && h.value.contains("REDACTED")));
    match &key(&mut second, KeyCode::F(5))[..] {
        [Command::Send(_, spec)] => assert_eq!(spec.url, fixture::URL),
        other => panic!("{other:?}"),
    }
}

#[test]
fn collection_sidebar_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("http-client.env.json"),
        r#"{"dev": {"host": "127.0.0.1:8080"}, "prod": {"host": "api.example.com"}}"#,
    )
    .unwrap();
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = open(dir.path(), FILE);
        let shown = whole(&mut app, w, h);
        assert!(shown.contains("Collection"), "{shown}");
        assert!(
            shown.contains("list users") && shown.contains("create user"),
            "{shown}"
        );
        insta::assert_snapshot!(format!("workflow_collection_{w}x{h}"), shown);
    }
    // An edit shows, and so does a variable that does not resolve.
    let mut app = open(dir.path(), FILE);
    app.form.url = "http://{{nowhere}}/x".into();
    let shown = whole(&mut app, 120, 40);
    assert!(shown.contains("● edited"), "{shown}");
    assert!(shown.contains("✖ {{nowhere}}"), "{shown}");
}

#[test]
fn export_chooser_snapshots() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = fixture::app();
        key(&mut app, KeyCode::Char('y'));
        let shown = whole(&mut app, w, h);
        for item in [
            "curl",
            "HTTPie",
            "Python requests",
            "Python httpx",
            "Rust reqwest",
        ] {
            assert!(shown.contains(item), "{item}: {shown}");
        }
        insta::assert_snapshot!(format!("workflow_export_{w}x{h}"), shown);
    }
}

#[test]
fn the_help_overlay_lists_the_workflow_keys() {
    let app = fixture::app();
    let lines: Vec<String> = wirescope::tui::panes::help::lines(&app)
        .iter()
        .map(|l| l.to_string())
        .collect();
    let all = lines.join("\n");
    for hint in [
        "Collection pane",
        "write back to the file",
        "paste a curl command",
        "export: curl, HTTPie",
        "save as HAR",
        "search saved history",
    ] {
        assert!(all.contains(hint), "help lacks {hint:?}:\n{all}");
    }
}

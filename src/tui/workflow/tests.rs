//! The workflow's keys and prompts through `update`, without a terminal:
//! curl import, export (OSC 52 and files), HAR, the Collection pane with
//! environments and write back (the saved history: `tests_history.rs`).

use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::chooser::ChooserKind;
use super::collection::Collection;
use super::export::osc52;
use super::*;
use crate::formats::to_curl;
use crate::tui::fixture;
use crate::tui::update::{update, Msg};
use crate::wire::Verify;
use crate::worker::Command;

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Command> {
    key(app, KeyCode::Char(c))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

fn notice(app: &App) -> String {
    app.notice.clone().unwrap_or_default()
}

const HTTP: &str = "# Users API\n@base = http://127.0.0.1:8080\n\n### list users\nGET {{base}}/users\nAccept: application/json\n\n### create\nPOST {{base}}/users\nContent-Type: application/json\nAuthorization: Bearer {{token}}\n\n{\"name\": \"wire\"}\n";

fn collection_app(dir: &Path, env_json: Option<&str>) -> App {
    let path = dir.join("api.http");
    std::fs::write(&path, HTTP).unwrap();
    if let Some(j) = env_json {
        std::fs::write(dir.join("http-client.env.json"), j).unwrap();
    }
    let mut app = fixture::app();
    let args = WorkflowArgs {
        collection: Some(path),
        history: HistoryMode::Off,
        ..Default::default()
    };
    setup(&mut app, &args).unwrap();
    app
}

#[test]
fn osc52_is_the_one_escape_sequence() {
    assert_eq!(osc52(b"hi"), b"\x1b]52;c;aGk=\x07".to_vec());
    assert_eq!(osc52(b""), b"\x1b]52;c;\x07".to_vec());
    // Whatever the data, only the frame itself has control bytes.
    let out = osc52(b"\x1b]0;evil\x07\n");
    assert!(out[1..out.len() - 1].iter().all(|b| !b.is_ascii_control()));
}

#[test]
fn p_opens_the_curl_prompt_and_enter_fills_the_form() {
    let mut app = fixture::app();
    ch(&mut app, 'p');
    assert!(matches!(
        app.mode,
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::Curl),
            ..
        }
    ));
    let cmd = "curl -k -s -X PUT 'http://127.0.0.1:8080/put' \\\n  -H 'X-Trace: 1' \\\n  --data-raw '{\"a\":\n1}'";
    update(&mut app, Msg::Paste(cmd.into()));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Navigate);
    assert_eq!(app.form.method, "PUT");
    assert_eq!(app.form.url, "http://127.0.0.1:8080/put");
    let lines: Vec<String> = app.form.headers.iter().map(|h| h.line()).collect();
    assert!(lines.contains(&"X-Trace: 1".to_string()), "{lines:?}");
    assert_eq!(
        app.form.body_text(),
        "{\"a\":\n1}",
        "the line break in quotes is kept"
    );
    assert_eq!(app.form.options.tls.verify, Verify::Off);
    assert_eq!(app.focus, PaneId::Request);
    assert!(
        notice(&app).contains("imported from curl"),
        "{}",
        notice(&app)
    );
    // -s changes nothing about the request: said, not dropped silently.
    assert!(
        notice(&app).contains("no effect here: -s"),
        "{}",
        notice(&app)
    );
}

#[test]
fn a_bad_curl_command_names_the_flag_and_changes_nothing() {
    let mut app = fixture::app();
    let before = app.form.url.clone();
    ch(&mut app, 'p');
    typed(&mut app, "curl --frobnicate http://x/");
    key(&mut app, KeyCode::Enter);
    assert!(notice(&app).contains("--frobnicate"), "{}", notice(&app));
    assert_eq!(app.form.url, before);
}

#[test]
fn a_pasted_curl_command_is_shown_and_enter_loads_it() {
    let mut app = fixture::app();
    update(
        &mut app,
        Msg::Paste("curl http://127.0.0.1:8080/get -H 'A: b'".into()),
    );
    match &app.mode {
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::CurlPasted),
            editor,
        } => assert!(editor.text.starts_with("curl http")),
        other => panic!("{other:?}"),
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Navigate);
    assert_eq!(app.form.url, "http://127.0.0.1:8080/get");
    // Other pastes while navigating are ignored, as before.
    update(&mut app, Msg::Paste("hello".into()));
    assert_eq!(app.mode, Mode::Navigate);
}

#[test]
fn any_other_key_puts_a_pasted_curl_command_away_and_does_its_job() {
    let mut app = fixture::app();
    let url = app.form.url.clone();
    update(&mut app, Msg::Paste("curl http://example.com/x".into()));
    // `2` goes to the Wire pane, as it would have without the paste.
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.mode, Mode::Navigate);
    assert_eq!(app.focus, PaneId::Wire, "the key was not swallowed");
    assert_eq!(app.form.url, url, "nothing loaded");
    assert!(notice(&app).contains("not loaded"), "{}", notice(&app));
    // Esc too: put away, nothing else.
    update(&mut app, Msg::Paste("curl http://example.com/x".into()));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Navigate);
    assert_eq!(app.form.url, url);
}

#[test]
fn y_copies_the_request_with_osc52_and_w_writes_a_file() {
    let mut app = fixture::app();
    ch(&mut app, 'y');
    let c = app.workflow.chooser.as_ref().expect("the export chooser");
    assert_eq!(c.kind, ChooserKind::Export);
    assert_eq!(c.items.len(), ExportFormat::ALL.len());
    // Keys go to the chooser: q closes it instead of quitting.
    key(&mut app, KeyCode::Enter);
    assert!(app.workflow.chooser.is_none());
    let spec = app.form.spec().unwrap();
    assert_eq!(app.workflow.outbox, vec![osc52(to_curl(&spec).as_bytes())]);
    assert!(notice(&app).contains("OSC 52"), "{}", notice(&app));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("get.py");
    ch(&mut app, 'y');
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    ch(&mut app, 'w');
    assert!(matches!(
        app.mode,
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::Export(ExportFormat::Python)),
            ..
        }
    ));
    if let Mode::Prompt { editor, .. } = &mut app.mode {
        *editor = LineEditor::new(out.display().to_string());
    }
    key(&mut app, KeyCode::Enter);
    let py = std::fs::read_to_string(&out).unwrap();
    assert!(py.contains("requests"), "{py}");
    // A second write refuses to replace the file.
    ch(&mut app, 'y');
    ch(&mut app, 'w');
    if let Mode::Prompt { editor, .. } = &mut app.mode {
        *editor = LineEditor::new(out.display().to_string());
    }
    key(&mut app, KeyCode::Enter);
    assert!(notice(&app).contains("exists"), "{}", notice(&app));

    ch(&mut app, 'y');
    ch(&mut app, 'q');
    assert!(app.workflow.chooser.is_none() && !app.quit);
}

#[test]
fn h_saves_the_exchange_or_the_session_as_har() {
    let mut app = fixture::app();
    ch(&mut app, 'H');
    assert!(app.workflow.chooser.is_none());
    assert!(notice(&app).contains("no finished exchange"));
    fixture::push_done(&mut app, fixture::exchange());
    fixture::push_done(&mut app, fixture::exchange());
    let dir = tempfile::tempdir().unwrap();
    for (row, name, count) in [(0, "one.har", 1), (1, "all.har", 2)] {
        ch(&mut app, 'H');
        assert_eq!(
            app.workflow.chooser.as_ref().map(|c| c.kind),
            Some(ChooserKind::Har)
        );
        if row == 1 {
            key(&mut app, KeyCode::Down);
        }
        key(&mut app, KeyCode::Enter);
        let path = dir.path().join(name);
        if let Mode::Prompt { editor, .. } = &mut app.mode {
            *editor = LineEditor::new(path.display().to_string());
        }
        key(&mut app, KeyCode::Enter);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(doc["log"]["version"], "1.2");
        assert_eq!(doc["log"]["entries"].as_array().unwrap().len(), count);
        assert!(
            notice(&app).contains("credentials redacted"),
            "{}",
            notice(&app)
        );
    }
}

#[test]
fn the_collection_loads_requests_and_resolves_variables_when_sent() {
    let dir = tempfile::tempdir().unwrap();
    let env = r#"{"dev": {"token": "t0k"}, "prod": {"token": "p"}}"#;
    let mut app = collection_app(dir.path(), Some(env));
    assert_eq!(app.focus, PaneId::Collection);
    assert_eq!(
        app.form.url, "{{base}}/users",
        "the template is what is edited"
    );
    // The first request resolves from the file's variables.
    match &key(&mut app, KeyCode::F(5))[..] {
        [Command::Send(_, spec)] => assert_eq!(spec.url, "http://127.0.0.1:8080/users"),
        other => panic!("{other:?}"),
    }
    // The second needs {{token}}: nothing is sent without it.
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.method, "POST");
    assert_eq!(app.focus, PaneId::Request);
    assert!(key(&mut app, KeyCode::F(5)).is_empty());
    assert!(notice(&app).contains("{{token}}"), "{}", notice(&app));
    assert!(
        notice(&app).contains("request \"create\""),
        "{}",
        notice(&app)
    );
    // E: choose dev (row 0 is "none").
    ch(&mut app, 'E');
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    assert!(notice(&app).contains("environment dev"), "{}", notice(&app));
    match &key(&mut app, KeyCode::F(5))[..] {
        [Command::Send(_, spec)] => {
            assert!(spec
                .headers
                .contains(&("Authorization".into(), "Bearer t0k".into())));
            assert_eq!(spec.body.as_deref(), Some(&b"{\"name\": \"wire\"}"[..]));
        }
        other => panic!("{other:?}"),
    }
    // Exports are resolved too.
    ch(&mut app, 'y');
    key(&mut app, KeyCode::Enter);
    let copied = String::from_utf8(app.workflow.outbox.pop().unwrap()).unwrap();
    assert!(copied.starts_with("\u{1b}]52;c;"));
}

#[test]
fn an_unknown_env_at_start_is_an_error_naming_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.http");
    std::fs::write(&path, HTTP).unwrap();
    std::fs::write(dir.path().join("http-client.env.json"), r#"{"dev": {}}"#).unwrap();
    let mut app = fixture::app();
    let args = WorkflowArgs {
        collection: Some(path),
        env: Some("staging".into()),
        history: HistoryMode::Off,
        ..Default::default()
    };
    let e = setup(&mut app, &args).unwrap_err();
    assert!(e.contains("staging") && e.contains("dev"), "{e}");
}

#[test]
fn w_writes_the_edited_request_back_and_unsaved_edits_are_guarded() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = collection_app(dir.path(), None);
    let path = dir.path().join("api.http");
    // Edit the URL of the first request.
    app.form.url = "{{base}}/users?page=2".into();
    assert!(app
        .workflow
        .collection
        .as_ref()
        .unwrap()
        .is_dirty(&app.form));
    // Loading another request asks first.
    app.focus = PaneId::Collection;
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.url, "{{base}}/users?page=2");
    assert!(notice(&app).contains("unsaved edits"), "{}", notice(&app));
    ch(&mut app, 'W');
    assert!(
        notice(&app).contains("wrote request \"list users\""),
        "{}",
        notice(&app)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        HTTP.replace("GET {{base}}/users\n", "GET {{base}}/users?page=2\n")
    );
    // Now the second loads at once.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.method, "POST");
    // Writing an unchanged request writes nothing.
    ch(&mut app, 'W');
    assert!(notice(&app).contains("no change"), "{}", notice(&app));
}

#[test]
fn tab_and_8_reach_the_collection_only_when_a_file_is_open() {
    let mut app = fixture::app();
    app.focus = PaneId::Body;
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, PaneId::Request);
    ch(&mut app, '8');
    assert_eq!(app.focus, PaneId::Request);
    let dir = tempfile::tempdir().unwrap();
    let mut app = collection_app(dir.path(), None);
    app.focus = PaneId::Body;
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, PaneId::Collection);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, PaneId::Request);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, PaneId::Collection);
    ch(&mut app, '2');
    ch(&mut app, '8');
    assert_eq!(app.focus, PaneId::Collection);
}

#[test]
fn http_file_arg_tells_files_from_urls() {
    let dir = tempfile::tempdir().unwrap();
    let api = dir.path().join("api.rest");
    std::fs::write(&api, "").unwrap();
    let other = dir.path().join("requests.txt");
    std::fs::write(&other, "GET http://x/\n").unwrap();
    let prose = dir.path().join("notes.txt");
    std::fs::write(&prose, "# just a comment\n").unwrap();
    let s = |p: &Path| p.display().to_string();
    assert_eq!(http_file_arg(&s(&api)), Ok(Some(api.clone())));
    assert_eq!(http_file_arg(&s(&other)), Ok(Some(other.clone())));
    assert_eq!(http_file_arg(&s(&prose)), Ok(None));
    assert_eq!(http_file_arg("http://127.0.0.1:8080/get"), Ok(None));
    assert_eq!(http_file_arg("example.com/path"), Ok(None));
    let missing = http_file_arg(&s(&dir.path().join("missing.http")));
    assert!(missing.is_err_and(|e| e.contains("no such file")));
}

#[test]
fn collection_open_reports_a_broken_env_file_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let app = collection_app(dir.path(), Some("{not json"));
    assert!(
        notice(&app).contains("environments not loaded"),
        "{}",
        notice(&app)
    );
    let c: &Collection = app.workflow.collection.as_ref().unwrap();
    assert_eq!(c.requests().len(), 2);
}

#[test]
fn the_tab_bar_makes_room_for_the_collection_at_80_columns() {
    use crate::tui::layout::{tab_at_in, tab_labels, tab_list};
    use ratatui::layout::Rect;
    let panes = tab_list(true);
    let labels = tab_labels(&panes, 80);
    let width: usize = labels.iter().map(|(_, l)| l.chars().count() + 1).sum();
    assert!(width <= 81, "{labels:?}");
    let tabs = Rect::new(0, 1, 80, 1);
    assert_eq!(
        tab_at_in(tabs, (width - 3) as u16, &panes),
        Some(PaneId::Collection)
    );
    assert_eq!(tab_at_in(tabs, 0, &panes), Some(PaneId::Request));
    // Without a file the bar is as it was.
    assert_eq!(tab_labels(&tab_list(false), 80)[0].1, " 1 Request ");
}

//! The one-line prompt at the bottom of the screen: a search (`/`), a JSON
//! path filter (`f`), a file name to save to (`s`). Opening, committing
//! (Enter) and drawing it; Esc cancels like any editing. Part of `update`
//! (state changes only) except `render`.

use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::app::{App, Mode, PaneId};
use super::body_view::Filtered;
use super::editor::LineEditor;
use super::search::{self, Target};
use crate::decode::doc::Doc;
use crate::decode::highlight::Highlighter;
use crate::decode::jsonpath;
use crate::decode::kind::{Kind, Lang};
use crate::decode::pretty::Mode as LineMode;
use crate::wire::exchange::Dir;

/// Bodies saved on the spot at most; larger ones on a thread.
const SAVE_AT_ONCE: u64 = 8 * 1024 * 1024;

/// Bodies filtered at most (the filter parses the whole document).
const FILTER_MAX: u64 = 64 * 1024 * 1024;

/// What the prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    Search(Target),
    Filter,
    SaveBody,
    SaveWire(Dir),
    /// The workflow's prompts: curl command, export and HAR paths, the
    /// saved history's search (`workflow`).
    Work(super::workflow::WorkPrompt),
}

impl Prompt {
    pub fn label(self) -> &'static str {
        match self {
            Prompt::Search(_) => "/",
            Prompt::Filter => "JSON path (.items[0].id, .data[].name; empty: clear): ",
            Prompt::SaveBody => "save the decoded body to: ",
            Prompt::SaveWire(Dir::Sent) => "save the sent bytes to: ",
            Prompt::SaveWire(Dir::Received) => "save the received bytes to: ",
            Prompt::Work(w) => w.label(),
        }
    }
}

fn open_prompt(app: &mut App, prompt: Prompt, text: String) {
    app.mode = Mode::Prompt {
        prompt,
        editor: LineEditor::new(text),
    };
}

/// `/` in the focused pane.
pub fn search(app: &mut App) {
    match Target::of(app.focus) {
        Some(t) => {
            let last = match t {
                Target::Body => app.body.search.as_ref().map(|s| s.query.text().to_string()),
                Target::Wire => app.search.wire.as_ref().map(|s| s.query.text().to_string()),
                Target::Response => app.search.response.as_ref().map(|q| q.text().to_string()),
            };
            open_prompt(app, Prompt::Search(t), last.unwrap_or_default());
        }
        None => app.notice = Some("/ searches the Body, Wire and Response panes".into()),
    }
}

/// `f` in the Body view.
pub fn filter(app: &mut App) {
    let json = app
        .body
        .model
        .as_ref()
        .and_then(|m| m.presented.as_ref())
        .is_some_and(|p| p.kind == Kind::Text(Lang::Json));
    if !json {
        app.notice = Some("the path filter works on JSON bodies".into());
        return;
    }
    let current = app
        .body
        .model
        .as_ref()
        .and_then(|m| m.filtered.as_ref())
        .map(|f| f.path.clone());
    open_prompt(app, Prompt::Filter, current.unwrap_or_else(|| ".".into()));
}

/// `s`: the decoded body (Body view) or the wire bytes of the direction
/// at the top of the Wire pane.
pub fn save(app: &mut App) {
    let Some(id) = app.entry().filter(|e| e.complete()).map(|e| e.id) else {
        app.notice = Some("nothing to save yet".into());
        return;
    };
    match app.focus {
        PaneId::Wire => {
            let dir = app
                .wire
                .model
                .byte_at_row(app.wire.scroll)
                .map_or(Dir::Received, |(d, _)| d);
            open_prompt(
                app,
                Prompt::SaveWire(dir),
                format!("wirescope-{id}-{}.bin", dir.name()),
            );
        }
        _ => {
            let ext = match app
                .body
                .model
                .as_ref()
                .and_then(|m| m.presented.as_ref())
                .map(|p| p.kind)
            {
                Some(Kind::Text(Lang::Json)) => "json",
                Some(Kind::Text(Lang::Html)) => "html",
                Some(Kind::Text(Lang::Xml)) => "xml",
                Some(Kind::Text(Lang::JavaScript)) => "js",
                Some(Kind::Text(Lang::Css)) => "css",
                Some(Kind::Text(Lang::Yaml)) => "yaml",
                Some(Kind::Text(Lang::Plain)) => "txt",
                Some(Kind::Binary) => "bin",
                None => {
                    app.notice = Some("the body is not open yet".into());
                    return;
                }
            };
            open_prompt(app, Prompt::SaveBody, format!("wirescope-{id}-body.{ext}"));
        }
    }
}

/// Enter on the prompt.
pub fn commit(app: &mut App, prompt: Prompt, text: &str) {
    match prompt {
        Prompt::Search(t) => search::commit(app, t, text),
        Prompt::Filter => apply_filter(app, text.trim()),
        Prompt::SaveBody => save_body(app, text.trim()),
        Prompt::SaveWire(dir) => save_wire(app, dir, text.trim()),
        Prompt::Work(w) => super::workflow::commit_prompt(app, w, text),
    }
}

fn apply_filter(app: &mut App, text: &str) {
    let Some(m) = &mut app.body.model else { return };
    if text.is_empty() || text == "." {
        m.filtered = None;
        app.body.scroll = 0;
        return;
    }
    let path = match jsonpath::parse(text) {
        Ok(p) => p,
        Err(e) => {
            app.notice = Some(format!("filter: {e}"));
            return;
        }
    };
    let Some(p) = &m.presented else { return };
    if p.text.len() > FILTER_MAX {
        app.notice = Some("filter: the body is larger than 64 MiB".into());
        return;
    }
    let bytes = match p.text.read_at(0, p.text.len() as usize) {
        Ok(b) => b.into_owned(),
        Err(e) => {
            app.notice = Some(format!("filter: cannot read the body: {e}"));
            return;
        }
    };
    match jsonpath::filter(&bytes, &path) {
        Ok((out, count)) => {
            m.filtered = Some(Filtered {
                path: text.to_string(),
                count,
                doc: Doc::new(crate::decode::body::Source::Mem(out.into()), LineMode::Json),
                hl: Highlighter::new(Lang::Json),
            });
            app.body.scroll = 0;
            app.body.hscroll = 0;
            app.body.hex = false;
            if let Some(s) = &mut app.body.search {
                s.hit = None;
            }
        }
        Err(e) => app.notice = Some(format!("filter: {e}")),
    }
}

/// Refuses to replace a file: a typo must not cost data.
fn target_path(text: &str) -> Result<&Path, String> {
    if text.is_empty() {
        return Err("no file name: nothing saved".into());
    }
    let path = Path::new(text);
    if path.exists() {
        return Err(format!(
            "{} exists: nothing saved (pick another name)",
            crate::report::escape::sanitize_text(text)
        ));
    }
    Ok(path)
}

fn save_body(app: &mut App, text: &str) {
    let path = match target_path(text) {
        Ok(p) => p,
        Err(e) => {
            app.notice = Some(e);
            return;
        }
    };
    let Some(p) = app.body.model.as_ref().and_then(|m| m.presented.as_ref()) else {
        app.notice = Some("the body is not open yet".into());
        return;
    };
    let name = crate::report::escape::sanitize_text(text);
    let (raw, partial) = (p.body.nothing_decoded(), !p.body.decoded_ok());
    let source = p.body.shown().clone();
    let path = path.to_path_buf();
    let save = move || match source.save(&path) {
        Ok(n) if raw => {
            format!("saved the raw body ({n} bytes: nothing could be decoded) to {name}")
        }
        Ok(n) if partial => format!("saved the {n} bytes decoded before the error to {name}"),
        Ok(n) => format!("saved {n} decoded bytes to {name}"),
        Err(e) => format!("cannot save: {e}"),
    };
    if p.body.shown().len() <= SAVE_AT_ONCE {
        app.notice = Some(save());
        return;
    }
    // A large body is copied on a thread; the next frames say when done.
    let slot = std::sync::Arc::new(std::sync::OnceLock::new());
    let out = slot.clone();
    let spawned = std::thread::Builder::new()
        .name("wirescope-save".into())
        .spawn(move || {
            let _ = out.set(save());
        });
    app.notice = Some(match spawned {
        Ok(_) => {
            app.body.saving = Some(slot);
            "saving…".to_string()
        }
        Err(e) => format!("cannot save: {e}"),
    });
}

fn save_wire(app: &mut App, dir: Dir, text: &str) {
    let path = match target_path(text) {
        Ok(p) => p,
        Err(e) => {
            app.notice = Some(e);
            return;
        }
    };
    let Some(e) = app.entry() else { return };
    let (bytes, total) = match dir {
        Dir::Sent => (e.sent(), e.totals().0),
        Dir::Received => (e.received(), e.totals().1),
    };
    let missing = total.saturating_sub(bytes.len() as u64);
    let name = crate::report::escape::sanitize_text(text);
    app.notice = Some(match std::fs::write(path, bytes) {
        Ok(()) if missing > 0 => format!(
            "saved {} {} bytes to {name}; {missing} more were counted, not kept",
            bytes.len(),
            dir.name()
        ),
        Ok(()) => format!("saved {} {} bytes to {name}", bytes.len(), dir.name()),
        Err(e) => format!("cannot save: {e}"),
    });
}

/// Draws the prompt over the footer line.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Mode::Prompt { prompt, editor } = &app.mode else {
        return;
    };
    if let Prompt::Work(w) = prompt {
        return super::workflow::render_prompt(app, *w, editor, area, buf);
    }
    if area.is_empty() {
        return;
    }
    let t = app.theme();
    super::panes::fill(buf, area, &t);
    let (before, after) = editor.split();
    let mut after = after.chars();
    let at = after.next().map_or(" ".to_string(), |c| c.to_string());
    let line = Line::from(vec![
        Span::styled(prompt.label(), t.key),
        Span::raw(crate::report::escape::sanitize_text(before)),
        Span::styled(crate::report::escape::sanitize_text(&at), t.cursor),
        Span::raw(crate::report::escape::sanitize_text(after.as_str())),
        Span::styled("   Enter ok · Esc cancel", t.dim),
    ]);
    super::panes::put(buf, area, 0, &line);
}

//! The everyday workflow around the inspector: `.http` files with their
//! environments (the Collection pane, write back with `W`, `E` for the
//! environment), the history that survives restarts (in the History pane
//! under the session's exchanges, `/` to search it, Enter to load one),
//! curl import (`p`, or paste a curl command), export of the request
//! (`y`: code or raw bytes, to the clipboard with OSC 52 or to a file) and
//! HAR (`H`). State lives in `Workflow` (a field of `App`); the functions
//! here are part of `update`: synchronous, no terminal. Files written are
//! written atomically (`atomic`); the history file by its own thread
//! (`saved`).

mod args;
pub mod atomic;
pub mod chooser;
pub mod collection;
mod collection_nav;
pub mod export;
pub mod history_nav;
pub mod load;
mod prompt_view;
mod resolve;
pub mod saved;

use ratatui::text::Span;

use self::chooser::{Chooser, ChooserKind};
use self::collection::Collection;
use self::export::HarScope;
use self::saved::Saved;
use super::app::{App, Mode, PaneId};
use super::editor::LineEditor;
use super::prompt::Prompt;
use crate::formats::{ExportFormat, Redaction};
use crate::wire::RequestSpec;
use crate::worker::{Command, ExchangeId};

pub use self::args::{http_file_arg, setup, HistoryMode, WorkflowArgs};
pub use self::collection_nav::{click as collection_click, move_by as collection_move};
pub use self::prompt_view::render_prompt;

/// The keys of the workflow, as the key table names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkAction {
    /// Enter in the Collection pane: that request into the Request pane.
    LoadRequest,
    /// `W`: write the request back to its `.http` file.
    SaveRequest,
    /// `E`: choose the environment.
    ChooseEnv,
    /// `p`: paste (or type) a curl command.
    PasteCurl,
    /// `y`: export the request.
    Export,
    /// `H`: save exchanges as HAR.
    Har,
    /// `/` in the History pane.
    HistorySearch,
    /// Enter in the History pane.
    HistoryLoad,
    /// `r` in the History pane: redaction on/off.
    ToggleRedaction,
    ChooserUp,
    ChooserDown,
    /// Enter in a chooser (export: copy to the clipboard).
    ChooserPick,
    /// `w` in the export chooser: write to a file.
    ChooserWrite,
    ChooserClose,
}

/// The workflow's one-line prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkPrompt {
    Curl,
    /// A curl command pasted while navigating, shown for a look: Enter
    /// loads it, any other key leaves the form as it was and does what it
    /// always does (a paste never opens a box that eats the next keys).
    CurlPasted,
    /// Where to write the request exported in this format.
    Export(ExportFormat),
    /// Where to write the HAR file.
    Har(HarScope),
    /// The saved history's search.
    HistoryFilter,
}

impl WorkPrompt {
    pub fn label(self) -> &'static str {
        match self {
            WorkPrompt::Curl => "curl command (paste it): ",
            WorkPrompt::CurlPasted => "pasted · Enter loads it, any other key ignores it: ",
            WorkPrompt::Export(_) => "write the export to: ",
            WorkPrompt::Har(_) => "save the HAR file to: ",
            WorkPrompt::HistoryFilter => "search saved history: ",
        }
    }
}

/// The workflow's state in the App.
#[derive(Debug, Clone, Default)]
pub struct Workflow {
    pub collection: Option<Collection>,
    /// The history on disk (none in tests unless opened, or with
    /// `--no-history`).
    pub saved: Option<Saved>,
    pub chooser: Option<Chooser>,
    /// The saved history's committed `/` query.
    pub filter: String,
    /// The saved exchange picked in the History pane (a row of the
    /// filtered list, newest first); `None`: a session exchange is.
    pub saved_cursor: Option<usize>,
    /// Applies to history records and HAR files.
    pub redaction: Redaction,
    /// Bytes for the terminal (OSC 52), written by the event loop.
    pub outbox: Vec<Vec<u8>>,
}

/// The request to send or export: the form's, with `{{var}}` resolved
/// when it came from the `.http` file.
pub fn spec(app: &App) -> Result<RequestSpec, String> {
    match &app.workflow.collection {
        Some(c) if c.loaded.is_some() => c.resolved_spec(&app.form),
        _ => app.form.spec(),
    }
}

/// Runs a workflow key.
pub fn perform(app: &mut App, action: WorkAction) -> Vec<Command> {
    use WorkAction as W;
    match action {
        W::LoadRequest => collection_nav::load_picked(app),
        W::SaveRequest => collection_nav::save(app),
        W::ChooseEnv => collection_nav::choose_env(app),
        W::PasteCurl => open_prompt(app, WorkPrompt::Curl, String::new()),
        W::Export => export::open(app),
        W::Har => export::open_har(app),
        W::HistorySearch => history_nav::search(app),
        W::HistoryLoad => history_nav::load_picked(app),
        W::ToggleRedaction => history_nav::toggle_redaction(app),
        W::ChooserUp | W::ChooserDown => {
            if let Some(c) = &mut app.workflow.chooser {
                c.move_by(if action == W::ChooserUp { -1 } else { 1 });
            }
        }
        W::ChooserPick | W::ChooserWrite => pick(app, action == W::ChooserWrite),
        W::ChooserClose => app.workflow.chooser = None,
    }
    Vec::new()
}

fn pick(app: &mut App, write: bool) {
    let Some(c) = app.workflow.chooser.take() else {
        return;
    };
    match c.kind {
        ChooserKind::Export => {
            let Some(&f) = ExportFormat::ALL.get(c.cursor) else {
                return;
            };
            if write {
                export::ask_path(app, f);
            } else {
                export::copy(app, f);
            }
        }
        // `w` means nothing here: the chooser stays.
        _ if write => app.workflow.chooser = Some(c),
        ChooserKind::Env => collection_nav::pick_env(app, c.cursor),
        ChooserKind::Har => export::har_pick(
            app,
            if c.cursor == 0 {
                HarScope::Exchange
            } else {
                HarScope::Session
            },
        ),
    }
}

pub(super) fn open_prompt(app: &mut App, prompt: WorkPrompt, text: String) {
    app.mode = Mode::Prompt {
        prompt: Prompt::Work(prompt),
        editor: LineEditor::new(text),
    };
}

/// A key while a pasted curl command is on show: Enter loads it (false:
/// the key goes on as usual); any other key puts it away first, saying
/// so, and then does what it does (true: Enter was taken).
pub fn on_pasted_key(app: &mut App, key: &ratatui::crossterm::event::KeyEvent) -> bool {
    use ratatui::crossterm::event::KeyCode;
    if !matches!(
        app.mode,
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::CurlPasted),
            ..
        }
    ) {
        return false;
    }
    if key.code == KeyCode::Enter {
        if let Mode::Prompt { editor, .. } = std::mem::replace(&mut app.mode, Mode::Navigate) {
            load::curl(app, &editor.text);
        }
        return true;
    }
    app.mode = Mode::Navigate;
    app.notice = Some("the pasted curl command was not loaded (paste again, Enter loads)".into());
    false
}

/// Enter on a workflow prompt.
pub fn commit_prompt(app: &mut App, prompt: WorkPrompt, text: &str) {
    match prompt {
        WorkPrompt::Curl | WorkPrompt::CurlPasted => load::curl(app, text),
        WorkPrompt::Export(f) => export::write(app, f, text),
        WorkPrompt::Har(scope) => export::write_har(app, scope, text),
        WorkPrompt::HistoryFilter => history_nav::commit_search(app, text),
    }
}

/// Bracketed paste the workflow takes: into the curl prompt (line breaks
/// kept, continuations joined), or a curl command pasted while not typing
/// anywhere (shown for Enter to load; see `WorkPrompt::CurlPasted`).
/// False: not taken.
pub fn on_paste(app: &mut App, text: &str) -> bool {
    match &mut app.mode {
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::CurlPasted),
            editor,
        } => {
            // A second paste replaces the one on show.
            *editor = LineEditor::new(load::join_lines(text.trim()));
            true
        }
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::Curl),
            editor,
        } => {
            let s = load::join_lines(text);
            editor.text.insert_str(editor.cursor, &s);
            editor.cursor += s.len();
            true
        }
        Mode::Navigate
            if app.help.is_none()
                && app.jar.is_none()
                && app.workflow.chooser.is_none()
                && text.trim_start().starts_with("curl ") =>
        {
            open_prompt(app, WorkPrompt::CurlPasted, load::join_lines(text.trim()));
            true
        }
        _ => false,
    }
}

/// A finished exchange goes into the saved history (redacted unless
/// turned off).
pub fn record(app: &mut App, id: ExchangeId) {
    let redaction = app.workflow.redaction;
    let Some(saved) = app.workflow.saved.as_mut() else {
        return;
    };
    let Some(x) = app
        .entries
        .iter()
        .find(|e| e.id == id)
        .and_then(|e| e.exchange.as_deref())
    else {
        return;
    };
    saved.record(x, redaction);
    // The newest is at the top: the picked row stays on its exchange.
    let q = app.workflow.filter.clone();
    let shows = saved
        .entries
        .last()
        .is_some_and(|e| q.is_empty() || e.matches(&q));
    if let (Some(j), true) = (app.workflow.saved_cursor, shows) {
        app.workflow.saved_cursor = Some(j + 1);
    }
}

/// Takes the history writer's answers (drops, errors).
pub fn poll(app: &mut App) {
    if let Some(s) = &mut app.workflow.saved {
        s.poll();
    }
}

/// Waits until the saved history is on disk (at exit, in tests).
pub fn flush(app: &mut App) {
    if let Some(s) = &mut app.workflow.saved {
        s.flush();
    }
}

/// The panes of the tab bar, `Tab` and the number keys: all of them, and
/// the Collection while an `.http` file is open.
pub fn tab_panes(app: &App) -> Vec<PaneId> {
    super::layout::tab_list(app.workflow.collection.is_some())
}

pub fn has_pane(app: &App, p: PaneId) -> bool {
    tab_panes(app).contains(&p)
}

/// `Tab` / `Shift-Tab`.
pub fn cycle(app: &App, forward: bool) -> PaneId {
    let panes = tab_panes(app);
    match panes.iter().position(|p| *p == app.focus) {
        Some(i) => {
            let n = panes.len();
            panes[if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }]
        }
        None if forward => app.focus.next(),
        None => app.focus.prev(),
    }
}

/// For the status bar: a history that could not be kept, or that is kept
/// unredacted, stays in sight.
pub fn status_spans(app: &App) -> Vec<Span<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    if let Some(s) = &app.workflow.saved {
        if let Some(n) = &s.note {
            out.push(Span::styled(
                format!("  ⚠ {}", crate::report::escape::sanitize_text(n)),
                t.warning,
            ));
        }
        if app.workflow.redaction == Redaction::Off {
            out.push(Span::styled("  ⚠ history NOT redacted", t.warning));
        }
    }
    out
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_history;

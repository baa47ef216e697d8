//! The one key table. Each binding names its keys, the context it applies
//! in, the `Action` it triggers and the hint people read; the key handler,
//! the footer and the `?` overlay all read this table, so what the screen
//! says is what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::PaneId;
pub use super::bindings::BINDINGS;

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send,
    /// Cancel what is in flight; otherwise stop editing; otherwise close help.
    Escape,
    Quit,
    Help,
    NextPane,
    PrevPane,
    /// Jump to the pane numbered by the key pressed (1–6).
    JumpToPane,
    ToggleWireView,
    ToggleTheme,
    CycleMethod,
    CustomMethod,
    /// Edit the selected field (on the URL: send).
    Activate,
    EditField,
    AddHeader,
    DeleteHeader,
    ToggleHeader,
    ToggleVerify,
    UseDemoUrl,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Keep the typed text and stop editing (on the URL: also send).
    Commit,
    /// The request N times at once: HTTP/2 vs HTTP/1.1 batches.
    Parallel,
    /// The request N times: one kept connection vs a new one each.
    Repeat,
    /// The request again with the session's validators (expect a 304).
    Revalidate,
    /// Open/close the cookie jar view.
    CookieJar,
    /// The focused pane fills the screen, or not.
    Zoom,
    /// Waterfall: a group's exchanges on one axis, or one's phases.
    ToggleLanes,
    /// Follow redirects on/off (`-L`).
    ToggleRedirects,
    /// Show or mask the values of Authorization, Cookie, Set-Cookie.
    ToggleSecrets,
    /// `/`: search the focused text view (Body, Wire, Response).
    Search,
    SearchNext,
    SearchPrev,
    /// Body: save the decoded body; Wire: the bytes of the direction shown.
    Save,
    /// Body: a JSON path filter (`.items[0].id`).
    Filter,
    /// Body: text or hex.
    ToggleBodyHex,
    /// Body: scroll sideways.
    Left,
    Right,
    /// Show the Body pane (in the Wire pane's place when wide).
    ShowBody,
    /// Lesson: reveal the next stage, then the next step.
    LessonNext,
    /// Lesson: the previous step, fully revealed.
    LessonPrev,
    /// Lesson: the current step's reveal again from its request bytes.
    LessonReplay,
    /// Lesson: `+` faster, `-` slower (the key pressed says which).
    LessonSpeed,
    /// Lesson: pause or resume the reveal.
    LessonPause,
    /// Lesson: the free-form TUI with the current step's request loaded.
    LessonFreeForm,
    /// Lesson: focus the pane numbered by the key (1–4).
    LessonFocus,
    /// Free-form: back to the lesson.
    LessonBack,
    /// `.http` files, saved history, curl import, export, HAR.
    Work(super::workflow::WorkAction),
}

/// When a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Always, even while typing.
    Global,
    /// When not typing in a field.
    Navigate,
    /// When not typing and this pane has focus.
    Pane(PaneId),
    /// While typing in a one-line field.
    EditLine,
    /// While the help overlay is open (it takes every other key).
    Help,
    /// While a lesson plays (it takes every key but the overlay's).
    Lesson,
    /// In the free-form TUI opened from a lesson, when not typing.
    LessonAway,
    /// While a chooser (export, environment, HAR) is open: it takes
    /// every key.
    Chooser,
}

/// A key and its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    fn matches(&self, ev: &KeyEvent) -> bool {
        // Shift is part of the character for printable keys ('?' is
        // Shift-/ on most layouts), so it is ignored for them.
        let mods = match ev.code {
            KeyCode::Char(_) => ev.modifiers - KeyModifiers::SHIFT,
            KeyCode::BackTab => ev.modifiers - KeyModifiers::SHIFT,
            _ => ev.modifiers,
        };
        self.code == ev.code && self.mods == mods
    }

    /// How the key is written in hints: `^S`, `F5`, `Esc`, `q`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Delete => "Del".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("^{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub context: Context,
    pub action: Action,
    pub hint: &'static str,
    /// Shown in the footer (the help overlay shows every binding).
    pub footer: bool,
}

impl Binding {
    /// `^S/F5/^R`; runs of digits are written `1-5`.
    pub fn keys_label(&self) -> String {
        let labels: Vec<String> = self.keys.iter().map(Key::label).collect();
        let digits = labels.len() > 2
            && labels
                .iter()
                .all(|l| l.len() == 1 && l.as_bytes()[0].is_ascii_digit());
        if digits {
            return format!("{}-{}", labels[0], labels[labels.len() - 1]);
        }
        labels.join("/")
    }
}

/// What the key handler needs to know to pick a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub help: bool,
    pub editing_line: bool,
    pub editing_body: bool,
    pub focus: PaneId,
    pub lesson: LessonKeys,
    /// A workflow chooser is open.
    pub chooser: bool,
}

/// Whether a lesson is loaded and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LessonKeys {
    #[default]
    Off,
    /// Lesson mode is on screen.
    Playing,
    /// A lesson is loaded, the free-form TUI is on screen.
    Away,
}

impl Context {
    pub fn applies(self, s: &State) -> bool {
        let editing = s.editing_line || s.editing_body;
        match self {
            Context::Chooser => s.chooser,
            _ if s.chooser => false,
            Context::Help => s.help,
            _ if s.help => false,
            Context::Lesson => s.lesson == LessonKeys::Playing,
            _ if s.lesson == LessonKeys::Playing => false,
            Context::LessonAway => s.lesson == LessonKeys::Away && !editing,
            Context::Global => true,
            Context::Navigate => !editing,
            Context::Pane(p) => !editing && s.focus == p,
            Context::EditLine => s.editing_line,
        }
    }
}

/// The action for a key, if any. Keys with no action go to the field
/// being edited (that is how `q` types a `q`).
pub fn lookup(state: &State, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    BINDINGS
        .iter()
        .find(|bnd| bnd.context.applies(state) && bnd.keys.iter().any(|key| key.matches(ev)))
        .map(|bnd| bnd.action)
}

/// Footer hints for the current state, without repeats: the focused
/// pane's and the editor's keys first (what can be done right here), then
/// the global ones, then the rest, in table order within each.
pub fn hints(state: &State) -> Vec<(String, &'static str, Action)> {
    let rank = |c: Context| match c {
        Context::Pane(_)
        | Context::EditLine
        | Context::Help
        | Context::Lesson
        | Context::LessonAway
        | Context::Chooser => 0,
        Context::Global => 1,
        Context::Navigate => 2,
    };
    let mut active: Vec<&Binding> = BINDINGS
        .iter()
        .filter(|b| b.footer && b.context.applies(state))
        .collect();
    active.sort_by_key(|b| rank(b.context));
    let mut out: Vec<(String, &'static str, Action)> = Vec::new();
    for bnd in active {
        if !out.iter().any(|(_, h, _)| *h == bnd.hint) {
            out.push((bnd.keys_label(), bnd.hint, bnd.action));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(focus: PaneId, editing_line: bool) -> State {
        State {
            help: false,
            editing_line,
            editing_body: false,
            focus,
            lesson: LessonKeys::Off,
            chooser: false,
        }
    }

    #[test]
    fn q_quits_only_when_not_editing() {
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(lookup(&st(PaneId::Wire, false), &q), Some(Action::Quit));
        assert_eq!(lookup(&st(PaneId::Request, true), &q), None);
    }

    #[test]
    fn send_works_everywhere_and_question_mark_ignores_shift() {
        for focus in PaneId::ALL {
            for editing in [false, true] {
                let ev = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
                assert_eq!(lookup(&st(focus, editing), &ev), Some(Action::Send));
            }
        }
        let ev = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&st(PaneId::Wire, false), &ev), Some(Action::Help));
    }

    #[test]
    fn labels_read_well() {
        let send = BINDINGS.iter().find(|b| b.action == Action::Send).unwrap();
        assert_eq!(send.keys_label(), "^S/F5/^R");
        let jump = BINDINGS
            .iter()
            .find(|b| b.action == Action::JumpToPane)
            .unwrap();
        assert_eq!(jump.keys_label(), "1-7");
        let h = hints(&st(PaneId::Request, false));
        assert_eq!(h[0].0, "Enter", "the pane's own keys come first");
        let h = hints(&st(PaneId::Wire, false));
        assert_eq!(h[0].1, "send");
    }
}

//! The App: everything the UI shows, as plain state. `update` changes it,
//! the panes draw it; nothing here touches a terminal or a runtime.

use crate::decode::coding::DecodeLimits;
use std::time::Duration;

use super::editor::LineEditor;
use super::entry::{Entry, EntryState};
use super::form::{Field, RequestForm};
use super::group::Group;
use super::h2_model::FramesState;
use super::keymap;
use super::theme::{ColorMode, Theme, ThemeKind};
use super::wire_model::WireModel;
use crate::wire::exchange::Dir;
use crate::wire::Options;
use crate::worker::ExchangeId;

/// The panes, numbered as the `1`–`5` keys jump to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Request,
    Wire,
    Response,
    Waterfall,
    History,
    /// HTTP/2 frames of the exchange shown.
    Frames,
    /// The response body as the application sees it (decoded,
    /// highlighted); takes the Wire pane's place when wide.
    Body,
    /// The requests of the `.http` file opened (`workflow`). Not in `ALL`:
    /// it is there only while a file is open (`workflow::tab_panes`).
    Collection,
}

impl PaneId {
    pub const ALL: [PaneId; 7] = [
        PaneId::Request,
        PaneId::Wire,
        PaneId::Response,
        PaneId::Waterfall,
        PaneId::History,
        PaneId::Frames,
        PaneId::Body,
    ];

    pub fn number(self) -> usize {
        match self {
            PaneId::Collection => PaneId::ALL.len() + 1,
            _ => PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1,
        }
    }

    pub fn from_number(n: usize) -> Option<PaneId> {
        match n {
            _ if n == PaneId::ALL.len() + 1 => Some(PaneId::Collection),
            _ => PaneId::ALL.get(n.checked_sub(1)?).copied(),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Request => "Request",
            PaneId::Wire => "Wire",
            PaneId::Response => "Response",
            PaneId::Waterfall => "Waterfall",
            PaneId::History => "History",
            PaneId::Frames => "Frames",
            PaneId::Body => "Body",
            PaneId::Collection => "Collection",
        }
    }

    pub fn next(self) -> PaneId {
        PaneId::ALL[self.number() % (PaneId::ALL.len() + 1) % PaneId::ALL.len()]
    }

    pub fn prev(self) -> PaneId {
        PaneId::ALL[(self.number() + PaneId::ALL.len() - 2) % PaneId::ALL.len()]
    }
}

/// How the Wire pane shows bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WireView {
    /// Text with CR LF made visible.
    #[default]
    Text,
    /// Offset, 16 bytes of hex, ASCII.
    Hex,
}

/// Whether keys go to a field or drive the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Navigate,
    /// Typing in a one-line field of the Request pane.
    EditLine {
        field: Field,
        editor: LineEditor,
    },
    /// Typing in the body editor.
    EditBody,
    /// Typing in the one-line prompt (search, path filter, file name).
    Prompt {
        prompt: super::prompt::Prompt,
        editor: LineEditor,
    },
}

/// The Wire pane's view state; `model` is derived from the bytes shown.
#[derive(Debug, Clone, Default)]
pub struct WireState {
    pub view: WireView,
    /// The user picked `view` (x): it stands. Until then each exchange
    /// opens in the view that reads best for it — hex for HTTP/2, whose
    /// frames are binary, text for HTTP/1.x.
    pub chosen: bool,
    /// First visible row.
    pub scroll: usize,
    /// Scroll to the highlighted header at the next frame.
    pub follow_highlight: bool,
    /// Put this byte at the top at the next frame (kept across a view
    /// toggle, so text/hex show the same place).
    pub anchor: Option<(Dir, usize)>,
    pub model: WireModel,
}

/// Scroll positions and selections of the other panes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseState {
    /// Selected header (wire order); its bytes are highlighted in Wire.
    pub header: Option<usize>,
    pub scroll: usize,
}

/// The cookie jar view (an overlay): the worker's answer, once it came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JarView {
    pub cookies: Option<Vec<crate::worker::Cookie>>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct App {
    pub form: RequestForm,
    pub mode: Mode,
    pub focus: PaneId,
    pub entries: Vec<Entry>,
    /// The exchange every pane shows (index into `entries`).
    pub selected: Option<usize>,
    pub next_id: ExchangeId,
    pub wire: WireState,
    pub response: ResponseState,
    pub request_scroll: usize,
    pub help: Option<usize>,
    pub theme_kind: ThemeKind,
    pub color: ColorMode,
    pub screen: (u16, u16),
    /// The embedded demo server, when it started.
    pub demo_url: Option<String>,
    /// A one-line message for the status bar (why a send did nothing...).
    pub notice: Option<String>,
    pub quit: bool,
    /// Flows and batch sets of the history (`group`).
    pub groups: Vec<Group>,
    /// Where the bytes of older exchanges go past the memory budget.
    pub parking: super::parking::Parking,
    /// The Frames pane's selection and the decoded connection it shows.
    pub frames: FramesState,
    /// The cookie jar overlay, when open.
    pub jar: Option<JarView>,
    /// The focused pane fills the screen (`z`).
    pub zoom: bool,
    /// For a flow or batch, the Waterfall shows every exchange of it on
    /// one time axis (off: the phases of the one selected).
    pub lanes: bool,
    /// The Body view (`body_view`).
    pub body: super::body_view::BodyView,
    /// Searches of the Wire and Response panes.
    pub search: super::search::Searches,
    /// `.http` files, saved history, curl import, export, HAR.
    pub workflow: super::workflow::Workflow,
    /// Lesson mode (`wirescope lesson`), when a lesson is loaded.
    pub lesson: Option<Box<super::lesson::LessonMode>>,
    /// Show the values of Authorization, Cookie and the like (`U`); off:
    /// masked on screen (`mask`).
    pub reveal_secrets: bool,
    /// How far bodies are decoded (`--max-decoded`, `--max-codings`).
    pub decode: DecodeLimits,
}

impl App {
    /// A fresh app with the request pre-filled: the given URL, or the demo
    /// server's `/get`, so one keypress shows a real exchange.
    pub fn new(url: Option<&str>, demo_url: Option<&str>, options: Options) -> Self {
        let url = match (url, demo_url) {
            (Some(u), _) => u.to_string(),
            (None, Some(d)) => format!("{}/get", d.trim_end_matches('/')),
            (None, None) => String::new(),
        };
        App {
            form: RequestForm::new(&url, options),
            mode: Mode::Navigate,
            focus: PaneId::Request,
            entries: Vec::new(),
            selected: None,
            next_id: 1,
            wire: WireState::default(),
            response: ResponseState::default(),
            request_scroll: 0,
            help: None,
            theme_kind: ThemeKind::Dark,
            color: ColorMode::Color,
            screen: (120, 40),
            demo_url: demo_url.map(str::to_string),
            notice: None,
            quit: false,
            groups: Vec::new(),
            parking: Default::default(),
            frames: FramesState::default(),
            jar: None,
            zoom: false,
            lanes: true,
            body: Default::default(),
            search: Default::default(),
            workflow: Default::default(),
            lesson: None,
            reveal_secrets: false,
            decode: DecodeLimits::default(),
        }
    }

    pub fn theme(&self) -> Theme {
        Theme::new(self.theme_kind, self.color)
    }

    pub fn entry(&self) -> Option<&Entry> {
        self.entries.get(self.selected?)
    }

    pub fn entry_mut(&mut self, id: ExchangeId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    pub fn in_flight(&self) -> bool {
        self.entries.iter().any(|e| e.state == EntryState::InFlight)
    }

    /// A running flow waiting before its next attempt, if any.
    pub fn waiting(&self) -> Option<&super::group::Waiting> {
        self.groups
            .iter()
            .filter(|g| g.running)
            .find_map(|g| g.waiting.as_ref())
    }

    /// Something goes on that Esc can stop: an exchange in flight, or a
    /// flow between hops (waiting to retry).
    pub fn busy(&self) -> bool {
        self.in_flight() || self.waiting().is_some()
    }

    pub fn editing(&self) -> bool {
        !matches!(self.mode, Mode::Navigate)
    }

    /// What the key table needs to know.
    pub fn key_state(&self) -> keymap::State {
        keymap::State {
            // Overlays take the keys (Esc closes them).
            help: self.help.is_some() || self.jar.is_some(),
            editing_line: matches!(self.mode, Mode::EditLine { .. } | Mode::Prompt { .. }),
            editing_body: self.mode == Mode::EditBody,
            focus: self.focus,
            chooser: self.workflow.chooser.is_some(),
            lesson: match &self.lesson {
                None => keymap::LessonKeys::Off,
                Some(l) if l.active => keymap::LessonKeys::Playing,
                Some(_) => keymap::LessonKeys::Away,
            },
        }
    }

    /// The insecure banner applies to the exchange shown.
    pub fn insecure_shown(&self) -> bool {
        self.entry().is_some_and(Entry::insecure)
    }

    /// The exchange shown spoke HTTP/2 (the Frames pane has frames).
    pub fn h2_shown(&self) -> bool {
        self.entry()
            .and_then(|e| e.exchange.as_ref())
            .is_some_and(|x| x.h2.is_some())
    }

    /// Where everything goes on a screen of `area` (drawing and mouse).
    pub fn layout(&self, area: ratatui::layout::Rect) -> super::layout::Screen {
        super::layout::compute_with(
            area,
            self.focus,
            super::layout::Want {
                banner: self.insecure_shown(),
                frames: self.h2_shown() || self.focus == PaneId::Frames,
                zoom: self.zoom,
                body: self.focus == PaneId::Body
                    || (self.body.pinned && self.focus != PaneId::Wire),
                collection: self.workflow.collection.is_some(),
            },
        )
    }
}

/// "12.3 ms", "1234 ms", "12.3 s": readable on a projector.
pub fn fmt_ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// "512 B", "1.5 KiB", "16.0 MiB".
pub fn fmt_bytes(n: u64) -> String {
    const K: f64 = 1024.0;
    let f = n as f64;
    if f < K {
        format!("{n} B")
    } else if f < K * K {
        format!("{:.1} KiB", f / K)
    } else if f < K * K * K {
        format!("{:.1} MiB", f / K / K)
    } else {
        format!("{:.1} GiB", f / K / K / K)
    }
}

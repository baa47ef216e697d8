//! The key table itself: every binding of wirescope, in one list that the
//! key handler, the footer and the help overlay all read (`keymap`).

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::app::PaneId;
use super::keymap::{Action, Binding, Context, Key};
use super::workflow::WorkAction as W;

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}
const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn b(
    keys: &'static [Key],
    context: Context,
    action: Action,
    hint: &'static str,
    footer: bool,
) -> Binding {
    Binding {
        keys,
        context,
        action,
        hint,
        footer,
    }
}

use Action as A;
use Context as C;
use KeyCode as KC;

/// First match wins, so context-specific rows come before general ones.
pub const BINDINGS: &[Binding] = &[
    b(
        &[code(KC::Esc), k('?'), k('q')],
        C::Help,
        A::Help,
        "close help",
        false,
    ),
    b(&[k('j'), code(KC::Down)], C::Help, A::Down, "scroll", false),
    b(&[k('k'), code(KC::Up)], C::Help, A::Up, "scroll", false),
    b(
        &[ctrl('s'), code(KC::F(5)), ctrl('r')],
        C::Global,
        A::Send,
        "send",
        true,
    ),
    b(
        &[code(KC::Esc)],
        C::Global,
        A::Escape,
        "cancel request / stop typing",
        true,
    ),
    b(
        &[ctrl('c')],
        C::Global,
        A::Quit,
        "quit (even while editing)",
        false,
    ),
    b(&[code(KC::Tab)], C::Global, A::NextPane, "pane", true),
    b(
        &[code(KC::BackTab)],
        C::Global,
        A::PrevPane,
        "previous pane",
        false,
    ),
    b(
        &[code(KC::Enter)],
        C::EditLine,
        A::Commit,
        "done (on URL: send)",
        true,
    ),
    b(
        &[k('x')],
        C::Pane(PaneId::Body),
        A::ToggleBodyHex,
        "body text/hex",
        true,
    ),
    b(&[k('/')], C::Pane(PaneId::Body), A::Search, "search", true),
    b(
        &[k('n')],
        C::Pane(PaneId::Body),
        A::SearchNext,
        "next match",
        true,
    ),
    b(
        &[k('N')],
        C::Pane(PaneId::Body),
        A::SearchPrev,
        "previous match",
        false,
    ),
    b(
        &[k('f')],
        C::Pane(PaneId::Body),
        A::Filter,
        "JSON path filter",
        true,
    ),
    b(
        &[k('s')],
        C::Pane(PaneId::Body),
        A::Save,
        "save the decoded body",
        true,
    ),
    b(
        &[k('h'), code(KC::Left)],
        C::Pane(PaneId::Body),
        A::Left,
        "scroll left",
        false,
    ),
    b(
        &[k('l'), code(KC::Right)],
        C::Pane(PaneId::Body),
        A::Right,
        "scroll right",
        false,
    ),
    b(
        &[k('s')],
        C::Pane(PaneId::Wire),
        A::Save,
        "Wire: save the bytes in view",
        false,
    ),
    b(&[k('q')], C::Navigate, A::Quit, "quit", true),
    b(&[k('?')], C::Navigate, A::Help, "keys", true),
    b(
        &[k('1'), k('2'), k('3'), k('4'), k('5'), k('6'), k('7')],
        C::Navigate,
        A::JumpToPane,
        "jump to pane",
        true,
    ),
    b(
        &[k('x')],
        C::Navigate,
        A::ToggleWireView,
        "wire text/hex",
        true,
    ),
    b(&[k('b')], C::Navigate, A::ShowBody, "body view", true),
    // The History pane's saved history (`workflow`): before the general
    // `/`, so `/` there searches it.
    b(
        &[k('/')],
        C::Pane(PaneId::History),
        A::Work(W::HistorySearch),
        "search saved history",
        true,
    ),
    b(
        &[code(KC::Enter)],
        C::Pane(PaneId::History),
        A::Work(W::HistoryLoad),
        "load into Request",
        true,
    ),
    b(
        &[k('r')],
        C::Pane(PaneId::History),
        A::Work(W::ToggleRedaction),
        "redaction of history and HAR on/off",
        false,
    ),
    b(
        &[k('/')],
        C::Navigate,
        A::Search,
        "search (Body, Wire, Response panes)",
        false,
    ),
    b(&[k('n')], C::Navigate, A::SearchNext, "next match", false),
    b(
        &[k('N')],
        C::Navigate,
        A::SearchPrev,
        "previous match",
        false,
    ),
    b(
        &[k('t')],
        C::Navigate,
        A::ToggleTheme,
        "theme: dark, light, presenter",
        false,
    ),
    b(
        &[code(KC::Enter)],
        C::Pane(PaneId::Request),
        A::Activate,
        "send (on URL) / edit",
        true,
    ),
    b(
        &[k('i'), k('e')],
        C::Pane(PaneId::Request),
        A::EditField,
        "edit",
        true,
    ),
    b(
        &[k('m')],
        C::Pane(PaneId::Request),
        A::CycleMethod,
        "method",
        true,
    ),
    b(
        &[k('M')],
        C::Pane(PaneId::Request),
        A::CustomMethod,
        "type a custom method",
        false,
    ),
    b(
        &[k('a')],
        C::Pane(PaneId::Request),
        A::AddHeader,
        "add header",
        true,
    ),
    b(
        &[k('d'), code(KC::Delete)],
        C::Pane(PaneId::Request),
        A::DeleteHeader,
        "delete header",
        false,
    ),
    b(
        &[k(' ')],
        C::Pane(PaneId::Request),
        A::ToggleHeader,
        "on/off",
        true,
    ),
    b(
        &[k('v')],
        C::Pane(PaneId::Request),
        A::ToggleVerify,
        "TLS verification on/off",
        false,
    ),
    b(
        &[k('D')],
        C::Pane(PaneId::Request),
        A::UseDemoUrl,
        "use the demo server's URL",
        false,
    ),
    b(
        &[k('k'), code(KC::Up)],
        C::Navigate,
        A::Up,
        "up / previous",
        false,
    ),
    b(
        &[k('j'), code(KC::Down)],
        C::Navigate,
        A::Down,
        "down / next",
        false,
    ),
    b(
        &[code(KC::PageUp)],
        C::Navigate,
        A::PageUp,
        "page up",
        false,
    ),
    b(
        &[code(KC::PageDown), k(' ')],
        C::Navigate,
        A::PageDown,
        "page down",
        false,
    ),
    b(&[code(KC::Home), k('g')], C::Navigate, A::Top, "top", false),
    b(
        &[code(KC::End), k('G')],
        C::Navigate,
        A::Bottom,
        "bottom",
        false,
    ),
    b(
        &[k('P')],
        C::Navigate,
        A::Parallel,
        "parallel ×N: HTTP/2 vs HTTP/1.1",
        true,
    ),
    b(
        &[k('S')],
        C::Navigate,
        A::Repeat,
        "×N: kept connection vs new each",
        false,
    ),
    b(
        &[k('R')],
        C::Navigate,
        A::Revalidate,
        "revalidate (If-None-Match → 304)",
        true,
    ),
    b(&[k('c')], C::Navigate, A::CookieJar, "cookie jar", false),
    b(
        &[k('U')],
        C::Navigate,
        A::ToggleSecrets,
        "reveal/mask Authorization, cookies",
        false,
    ),
    b(&[k('z')], C::Navigate, A::Zoom, "zoom pane", true),
    b(
        &[k('l')],
        C::Pane(PaneId::Waterfall),
        A::ToggleLanes,
        "group lanes / one exchange's phases",
        true,
    ),
    b(
        &[k('L')],
        C::Pane(PaneId::Request),
        A::ToggleRedirects,
        "follow redirects on/off (-L)",
        false,
    ),
    // The workflow (`workflow`): .http files, curl, export, HAR.
    b(
        &[code(KC::Enter)],
        C::Pane(PaneId::Collection),
        A::Work(W::LoadRequest),
        "load into Request",
        true,
    ),
    b(
        &[k('W')],
        C::Pane(PaneId::Collection),
        A::Work(W::SaveRequest),
        "write back to the file",
        true,
    ),
    b(
        &[k('E')],
        C::Pane(PaneId::Collection),
        A::Work(W::ChooseEnv),
        "environment",
        true,
    ),
    b(
        &[k('8')],
        C::Navigate,
        A::JumpToPane,
        "Collection pane (with an .http file)",
        false,
    ),
    b(
        &[k('W')],
        C::Navigate,
        A::Work(W::SaveRequest),
        "write the request back to its .http file",
        false,
    ),
    b(
        &[k('E')],
        C::Navigate,
        A::Work(W::ChooseEnv),
        "choose the .http file's environment",
        false,
    ),
    b(
        &[k('p')],
        C::Navigate,
        A::Work(W::PasteCurl),
        "paste a curl command (or just paste one)",
        false,
    ),
    b(
        &[k('y')],
        C::Navigate,
        A::Work(W::Export),
        "export: curl, HTTPie, Python, Rust, raw (copy or file)",
        false,
    ),
    b(
        &[k('H')],
        C::Navigate,
        A::Work(W::Har),
        "save as HAR (this exchange or the session)",
        false,
    ),
    b(
        &[code(KC::Enter)],
        C::Chooser,
        A::Work(W::ChooserPick),
        "pick (export: copy via OSC 52)",
        true,
    ),
    b(
        &[k('w')],
        C::Chooser,
        A::Work(W::ChooserWrite),
        "export: write to a file",
        true,
    ),
    b(
        &[k('k'), code(KC::Up)],
        C::Chooser,
        A::Work(W::ChooserUp),
        "up",
        false,
    ),
    b(
        &[k('j'), code(KC::Down)],
        C::Chooser,
        A::Work(W::ChooserDown),
        "down",
        false,
    ),
    b(
        &[code(KC::Esc), k('q')],
        C::Chooser,
        A::Work(W::ChooserClose),
        "close",
        true,
    ),
    // Lesson mode takes every key but the overlay's (`super::lesson`),
    // so its rows need not come first.
    b(
        &[code(KC::Right), k('n'), k(' ')],
        C::Lesson,
        A::LessonNext,
        "next",
        true,
    ),
    b(
        &[code(KC::Left), k('p')],
        C::Lesson,
        A::LessonPrev,
        "back",
        true,
    ),
    b(&[k('r')], C::Lesson, A::LessonReplay, "replay", true),
    b(&[k('+'), k('-')], C::Lesson, A::LessonSpeed, "speed", true),
    b(&[k('.'), k('k')], C::Lesson, A::LessonPause, "pause", true),
    b(
        &[code(KC::Tab), k('f')],
        C::Lesson,
        A::LessonFreeForm,
        "free-form",
        true,
    ),
    b(&[k('z')], C::Lesson, A::Zoom, "zoom", true),
    b(
        &[k('1'), k('2'), k('3'), k('4')],
        C::Lesson,
        A::LessonFocus,
        "focus pane: text, request, lifecycle, response",
        false,
    ),
    b(
        &[k('t')],
        C::Lesson,
        A::ToggleTheme,
        "theme: dark, light, presenter",
        false,
    ),
    b(&[k('?')], C::Lesson, A::Help, "keys", true),
    b(&[k('q')], C::Lesson, A::Quit, "quit", true),
    b(&[ctrl('c')], C::Lesson, A::Quit, "quit", false),
    b(
        &[code(KC::F(2))],
        C::LessonAway,
        A::LessonBack,
        "back to the lesson",
        true,
    ),
];

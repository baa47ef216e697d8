//! The key table itself: every binding of wirescope, in one list that the
//! key handler, the footer and the help overlay all read (`keymap`).

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::app::PaneId;
use super::keymap::{Action, Binding, Context, Key};

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
        "dark/light theme",
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
];

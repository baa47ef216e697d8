//! Colors: a dark and a light theme, a high-contrast presenter theme
//! (`presenter`: bright on black, for projectors and the lesson mode), and
//! a colorless one for `NO_COLOR`.
//!
//! Color never carries meaning alone: every styled thing also has text
//! (badges say "2xx success", the focused pane has a thick border, the
//! selected row a `▶`), and the colorless theme keeps the modifiers (bold,
//! reversed, underline, dim) so it stays usable on any projector.

use ratatui::style::{Color, Modifier, Style};

use crate::decode::h1::RegionKind;
use crate::explain::Family;
use crate::wire::timeline::Phase;

/// Which palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Dark,
    Light,
    /// High contrast: no dim greys, bright colors on black.
    Presenter,
}

impl ThemeKind {
    /// The next theme of the cycle dark → light → presenter.
    pub fn toggled(self) -> Self {
        match self {
            ThemeKind::Dark => ThemeKind::Light,
            ThemeKind::Light => ThemeKind::Presenter,
            ThemeKind::Presenter => ThemeKind::Dark,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ThemeKind::Dark => "dark",
            ThemeKind::Light => "light",
            ThemeKind::Presenter => "presenter",
        }
    }
}

#[path = "lesson/presenter.rs"]
mod presenter;

/// Whether to use colors at all (`NO_COLOR` says no).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    #[default]
    Color,
    NoColor,
}

impl ColorMode {
    /// `NO_COLOR` set to anything non-empty turns colors off (no-color.org).
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => ColorMode::NoColor,
            _ => ColorMode::Color,
        }
    }
}

/// Every style the panes use, resolved for one palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selected: Style,
    pub key: Style,
    pub error: Style,
    pub warning: Style,
    pub banner: Style,
    pub ok: Style,
    /// Bytes of the header selected in the Response pane.
    pub highlight: Style,
    pub cursor: Style,
    pub section: Style,
    colors: bool,
    light: bool,
    presenter: bool,
}

impl Theme {
    pub fn new(kind: ThemeKind, mode: ColorMode) -> Self {
        if kind == ThemeKind::Presenter {
            return presenter::theme(mode);
        }
        let colors = mode == ColorMode::Color;
        let light = kind == ThemeKind::Light;
        let c = |dark: Color, light_c: Color| -> Style {
            if !colors {
                Style::new()
            } else if light {
                Style::new().fg(light_c)
            } else {
                Style::new().fg(dark)
            }
        };
        let (fg, bg) = if light {
            (Color::Black, Color::White)
        } else {
            (Color::Gray, Color::Black)
        };
        let base = if colors {
            Style::new().fg(fg).bg(bg)
        } else {
            Style::new()
        };
        let bold = Modifier::BOLD;
        Theme {
            base,
            dim: c(Color::DarkGray, Color::DarkGray).add_modifier(if colors {
                Modifier::empty()
            } else {
                Modifier::DIM
            }),
            title: c(Color::Cyan, Color::Blue).add_modifier(bold),
            border: c(Color::DarkGray, Color::Gray),
            border_focus: c(Color::Yellow, Color::Blue).add_modifier(bold),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            key: c(Color::Yellow, Color::Magenta).add_modifier(bold),
            error: c(Color::LightRed, Color::Red).add_modifier(bold),
            warning: c(Color::Yellow, Color::Rgb(160, 90, 0)).add_modifier(bold),
            banner: if colors {
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(bold)
            } else {
                Style::new().add_modifier(bold | Modifier::REVERSED)
            },
            ok: c(Color::Green, Color::Green).add_modifier(bold),
            highlight: if colors {
                let bg = if light {
                    Color::LightYellow
                } else {
                    Color::Rgb(70, 70, 0)
                };
                Style::new().bg(bg).add_modifier(Modifier::UNDERLINED)
            } else {
                Style::new().add_modifier(Modifier::UNDERLINED | Modifier::REVERSED)
            },
            cursor: Style::new().add_modifier(Modifier::REVERSED),
            section: c(Color::Cyan, Color::Blue).add_modifier(bold | Modifier::UNDERLINED),
            colors,
            light,
            presenter: false,
        }
    }

    pub fn has_colors(&self) -> bool {
        self.colors
    }

    fn pick(&self, dark: Color, light: Color) -> Style {
        match (self.colors, self.light) {
            (false, _) => Style::new(),
            (true, false) => Style::new().fg(dark),
            (true, true) => Style::new().fg(light),
        }
    }

    /// Style of a wire region. Without colors, weight tells them apart.
    pub fn region(&self, kind: RegionKind) -> Style {
        if self.presenter {
            return presenter::region(self.colors, kind);
        }
        let (dark, light, modifier) = match kind {
            RegionKind::StartLine => (Color::LightCyan, Color::Blue, Modifier::BOLD),
            RegionKind::HeaderName => (Color::LightBlue, Color::Indexed(25), Modifier::BOLD),
            RegionKind::HeaderValue => (Color::White, Color::Black, Modifier::empty()),
            RegionKind::Crlf => (Color::DarkGray, Color::Gray, Modifier::DIM),
            RegionKind::BlankLine => (Color::Magenta, Color::Magenta, Modifier::DIM),
            RegionKind::ChunkSize => (Color::LightMagenta, Color::Magenta, Modifier::ITALIC),
            RegionKind::Body => (Color::LightGreen, Color::Indexed(22), Modifier::empty()),
            RegionKind::Unparsed => (Color::LightRed, Color::Red, Modifier::ITALIC),
            RegionKind::FrameHeader => (Color::LightMagenta, Color::Magenta, Modifier::BOLD),
            RegionKind::Control => (Color::Yellow, Color::Rgb(160, 90, 0), Modifier::ITALIC),
        };
        let style = self.pick(dark, light);
        if self.colors && !matches!(kind, RegionKind::Crlf | RegionKind::BlankLine) {
            style
        } else {
            style.add_modifier(modifier)
        }
    }

    /// Bar style of a waterfall phase.
    pub fn phase(&self, phase: Phase) -> Style {
        if self.presenter {
            return presenter::phase(self.colors, phase);
        }
        let (dark, light) = match phase {
            Phase::Dns => (Color::Cyan, Color::Cyan),
            Phase::Connect => (Color::Yellow, Color::Rgb(160, 120, 0)),
            Phase::Tunnel => (Color::Red, Color::Red),
            Phase::Tls => (Color::Magenta, Color::Magenta),
            Phase::Quic => (Color::Magenta, Color::Magenta),
            Phase::Send => (Color::Blue, Color::Blue),
            Phase::Wait => (Color::Green, Color::Green),
            Phase::Receive => (Color::LightBlue, Color::Indexed(25)),
        };
        self.pick(dark, light)
    }

    /// The status badge: text on a family color ("2xx success" is always
    /// written out, so the color only repeats it).
    pub fn badge(&self, family: Family) -> Style {
        let bg = match family {
            Family::Informational => Color::Blue,
            Family::Success => Color::Green,
            Family::Redirection => Color::Cyan,
            Family::ClientError => Color::Yellow,
            Family::ServerError => Color::Red,
            Family::Unknown => Color::Magenta,
        };
        if self.colors {
            Style::new()
                .fg(Color::Black)
                .bg(bg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_has_no_colors() {
        let t = Theme::new(ThemeKind::Dark, ColorMode::NoColor);
        let styles = [
            t.base,
            t.dim,
            t.title,
            t.border,
            t.border_focus,
            t.selected,
            t.key,
            t.error,
            t.warning,
            t.banner,
            t.ok,
            t.highlight,
            t.cursor,
            t.section,
            t.region(RegionKind::Body),
            t.phase(Phase::Wait),
            t.badge(Family::Success),
        ];
        for s in styles {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
        assert_ne!(t.badge(Family::Success).add_modifier, Modifier::empty());
    }
}

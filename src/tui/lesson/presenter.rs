//! The presenter theme (a child of `theme`): legible from the back of a
//! room and for colour-blind viewers. Bright colors on black, no dim greys,
//! bold where things must stand out; every meaning is also in the text
//! (✓/✗, "2xx success", `\r\n`, phase names), colors only repeat it.
//! Without colors (`NO_COLOR`) the modifiers remain, never `DIM`.

use ratatui::style::{Color, Modifier, Style};

use super::Theme;
use crate::decode::h1::RegionKind;
use crate::wire::timeline::Phase;

pub(super) fn theme(mode: super::ColorMode) -> Theme {
    let colors = mode == super::ColorMode::Color;
    let c = |color: Color| {
        if colors {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    };
    let bold = Modifier::BOLD;
    Theme {
        base: if colors {
            Style::new().fg(Color::White).bg(Color::Black)
        } else {
            Style::new()
        },
        // Secondary text stays white: contrast matters more than hierarchy.
        dim: c(Color::White),
        title: c(Color::LightCyan).add_modifier(bold),
        border: c(Color::White),
        border_focus: c(Color::Yellow).add_modifier(bold),
        selected: Style::new().add_modifier(Modifier::REVERSED | bold),
        key: c(Color::Yellow).add_modifier(bold),
        error: c(Color::LightRed).add_modifier(bold),
        warning: c(Color::Yellow).add_modifier(bold),
        banner: if colors {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(bold)
        } else {
            Style::new().add_modifier(bold | Modifier::REVERSED)
        },
        ok: c(Color::LightGreen).add_modifier(bold),
        highlight: if colors {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::REVERSED)
        },
        cursor: Style::new().add_modifier(Modifier::REVERSED),
        section: c(Color::LightCyan).add_modifier(bold | Modifier::UNDERLINED),
        colors,
        light: false,
        presenter: true,
    }
}

pub(super) fn region(colors: bool, kind: RegionKind) -> Style {
    let (color, modifier) = match kind {
        RegionKind::StartLine => (Color::White, Modifier::BOLD),
        RegionKind::HeaderName => (Color::LightCyan, Modifier::BOLD),
        RegionKind::HeaderValue => (Color::White, Modifier::empty()),
        RegionKind::Crlf => (Color::Yellow, Modifier::empty()),
        RegionKind::BlankLine => (Color::Yellow, Modifier::BOLD),
        RegionKind::ChunkSize => (Color::LightMagenta, Modifier::BOLD),
        RegionKind::Body => (Color::LightGreen, Modifier::empty()),
        RegionKind::Unparsed => (Color::LightRed, Modifier::ITALIC),
        RegionKind::FrameHeader => (Color::LightMagenta, Modifier::BOLD),
        RegionKind::Control => (Color::Yellow, Modifier::ITALIC),
    };
    let style = Style::new().add_modifier(modifier);
    if colors {
        style.fg(color)
    } else {
        style
    }
}

pub(super) fn phase(colors: bool, phase: Phase) -> Style {
    let color = match phase {
        Phase::Dns => Color::LightCyan,
        Phase::Connect => Color::Yellow,
        Phase::Tunnel => Color::LightRed,
        Phase::Tls => Color::LightMagenta,
        Phase::Quic => Color::LightMagenta,
        Phase::Send => Color::LightBlue,
        Phase::Wait => Color::LightGreen,
        Phase::Receive => Color::White,
    };
    if colors {
        Style::new().fg(color).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ColorMode, ThemeKind};
    use super::*;

    #[test]
    fn high_contrast_without_dim_and_colorless_under_no_color() {
        let t = Theme::new(ThemeKind::Presenter, ColorMode::Color);
        for s in [t.base, t.dim, t.border, t.region(RegionKind::Crlf)] {
            assert!(!s.add_modifier.contains(Modifier::DIM), "{s:?}");
            assert_ne!(s.fg, Some(Color::DarkGray));
            assert_ne!(s.fg, Some(Color::Gray));
        }
        assert_eq!(t.base.bg, Some(Color::Black));
        let n = Theme::new(ThemeKind::Presenter, ColorMode::NoColor);
        for s in [
            n.base,
            n.dim,
            n.title,
            n.region(RegionKind::Body),
            n.phase(Phase::Wait),
        ] {
            assert_eq!((s.fg, s.bg), (None, None));
            assert!(!s.add_modifier.contains(Modifier::DIM));
        }
        assert_eq!(ThemeKind::Light.toggled(), ThemeKind::Presenter);
        assert_eq!(ThemeKind::Presenter.toggled(), ThemeKind::Dark);
    }
}

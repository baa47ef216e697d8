//! Where lesson mode puts things. From the minimum size up (and designed
//! for a projector's 100×30): the status line; the text (question, then
//! explanation and facts) across the top; the request's bytes and the
//! response side by side; the lifecycle across the bottom; the key hints.
//! Zoomed (`z`), the focused pane takes everything between status and
//! hints. Below the minimum: the "terminal too small" message.

use ratatui::layout::Rect;

use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};

/// The panes of lesson mode, numbered as the `1`–`4` keys pick them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LessonPane {
    Text,
    Request,
    Lifecycle,
    Response,
}

impl LessonPane {
    pub const ALL: [LessonPane; 4] = [
        LessonPane::Text,
        LessonPane::Request,
        LessonPane::Lifecycle,
        LessonPane::Response,
    ];

    pub fn number(self) -> usize {
        LessonPane::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1
    }

    pub fn from_number(n: usize) -> Option<LessonPane> {
        LessonPane::ALL.get(n.checked_sub(1)?).copied()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonScreen {
    pub too_small: bool,
    pub status: Rect,
    pub panes: Vec<(LessonPane, Rect)>,
    pub footer: Rect,
}

impl LessonScreen {
    pub fn pane(&self, id: LessonPane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == id).map(|(_, r)| *r)
    }
}

/// The lifecycle pane's height: six phases, a summary, the axis and its
/// labels inside a border.
const FALL: u16 = 11;

pub fn compute(area: Rect, zoom: Option<LessonPane>) -> LessonScreen {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return LessonScreen {
            too_small: true,
            status: Rect::default(),
            panes: Vec::new(),
            footer: Rect::default(),
        };
    }
    let row = |y: u16, h: u16| Rect::new(area.x, y, area.width, h);
    let status = row(area.y, 1);
    let footer = row(area.bottom() - 1, 1);
    let top = area.y + 1;
    let body_h = footer.y - top;
    if let Some(p) = zoom {
        return LessonScreen {
            too_small: false,
            status,
            panes: vec![(p, row(top, body_h))],
            footer,
        };
    }
    let fall = FALL.min(body_h / 2);
    let rest = body_h - fall;
    // The text gets a little more than half of what is left: questions
    // and explanations are what the room reads.
    let text = (rest * 9 / 17).max(6).min(rest.saturating_sub(5));
    let middle = rest - text;
    let req_w = area.width * 55 / 100;
    let mid_y = top + text;
    LessonScreen {
        too_small: false,
        status,
        panes: vec![
            (LessonPane::Text, row(top, text)),
            (LessonPane::Request, Rect::new(area.x, mid_y, req_w, middle)),
            (
                LessonPane::Response,
                Rect::new(area.x + req_w, mid_y, area.width - req_w, middle),
            ),
            (LessonPane::Lifecycle, row(mid_y + middle, fall)),
        ],
        footer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projector_size_fits_every_pane_without_overlap() {
        for (w, h) in [(100, 30), (80, 24), (120, 40), (200, 60)] {
            let s = compute(Rect::new(0, 0, w, h), None);
            assert!(!s.too_small);
            assert_eq!(s.panes.len(), 4);
            for (i, (_, a)) in s.panes.iter().enumerate() {
                assert!(a.height >= 5 && a.width >= 30, "{w}x{h} {a:?}");
                assert!(a.y > s.status.y && a.bottom() <= s.footer.y);
                for (_, b) in &s.panes[i + 1..] {
                    assert!(!a.intersects(*b), "{a:?} {b:?}");
                }
            }
        }
        let s = compute(Rect::new(0, 0, 100, 30), None);
        assert_eq!(s.pane(LessonPane::Lifecycle).unwrap().height, 11);
        assert_eq!(s.pane(LessonPane::Text).unwrap().height, 9);
        let z = compute(Rect::new(0, 0, 100, 30), Some(LessonPane::Lifecycle));
        assert_eq!(
            z.panes,
            vec![(LessonPane::Lifecycle, Rect::new(0, 1, 100, 28))]
        );
        assert!(compute(Rect::new(0, 0, 79, 30), None).too_small);
        assert!(compute(Rect::default(), None).too_small);
    }
}

//! Where everything goes. Wide terminals (120×32 and up) show the panes
//! side by side (the Frames pane above the Wire pane when the exchange
//! shown is HTTP/2, or Frames has focus; the Body pane in the Wire pane's
//! place once it has had focus, until Wire has); from 80×24, or zoomed (`z`), one
//! pane at a time behind a tab bar; below that a "terminal too small"
//! message. The same function serves drawing and
//! mouse hit-testing, so a click lands where the pane was drawn.

use ratatui::layout::Rect;

use super::app::PaneId;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// Every pane side by side from here (hex rows need 79 columns).
pub const WIDE_WIDTH: u16 = 120;
pub const WIDE_HEIGHT: u16 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    Wide,
    Tabs,
    TooSmall,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub arrangement: Arrangement,
    pub status: Rect,
    /// The insecure-exchange warning line, when shown.
    pub banner: Option<Rect>,
    pub tabs: Option<Rect>,
    pub panes: Vec<(PaneId, Rect)>,
    pub footer: Rect,
}

impl Screen {
    pub fn pane(&self, id: PaneId) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == id).map(|(_, r)| *r)
    }

    pub fn pane_at(&self, x: u16, y: u16) -> Option<PaneId> {
        let pos = ratatui::layout::Position { x, y };
        self.panes
            .iter()
            .find(|(_, r)| r.contains(pos))
            .map(|(p, _)| *p)
    }
}

/// The tab bar's label of a pane, as drawn and as clicked.
pub fn tab_label(id: PaneId) -> String {
    format!(" {} {} ", id.number(), id.title())
}

/// The panes behind tabs: all of them, and the Collection while an
/// `.http` file is open.
pub fn tab_list(collection: bool) -> Vec<PaneId> {
    let mut panes = PaneId::ALL.to_vec();
    if collection {
        panes.push(PaneId::Collection);
    }
    panes
}

/// The tabs' labels for a bar `width` wide: padded when they all fit so,
/// tighter (`1 Request`) when not.
pub fn tab_labels(panes: &[PaneId], width: u16) -> Vec<(PaneId, String)> {
    let full: Vec<(PaneId, String)> = panes.iter().map(|p| (*p, tab_label(*p))).collect();
    let need: usize = full.iter().map(|(_, l)| l.chars().count() + 1).sum();
    if need <= width as usize + 1 {
        return full;
    }
    panes
        .iter()
        .map(|p| (*p, format!("{} {}", p.number(), p.title())))
        .collect()
}

/// The pane whose tab is at column `x` of the tab bar.
pub fn tab_at(tabs: Rect, x: u16) -> Option<PaneId> {
    tab_at_in(tabs, x, &PaneId::ALL)
}

/// The pane whose tab is at column `x` of a tab bar of `panes`.
pub fn tab_at_in(tabs: Rect, x: u16, panes: &[PaneId]) -> Option<PaneId> {
    let mut left = tabs.x;
    for (id, label) in tab_labels(panes, tabs.width) {
        let w = label.chars().count() as u16;
        if x >= left && x < left + w {
            return Some(id);
        }
        left += w + 1;
    }
    None
}

/// What the screen must make room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Want {
    /// The insecure-exchange warning line.
    pub banner: bool,
    /// The Frames pane, in the wide arrangement.
    pub frames: bool,
    /// One pane at a time even when wide.
    pub zoom: bool,
    /// The Body pane in the Wire pane's place, in the wide arrangement.
    pub body: bool,
    /// The Collection pane (an `.http` file is open): left of the Request
    /// pane, in the wide arrangement.
    pub collection: bool,
}

pub fn compute(area: Rect, focus: PaneId, banner: bool) -> Screen {
    compute_with(
        area,
        focus,
        Want {
            banner,
            ..Want::default()
        },
    )
}

pub fn compute_with(area: Rect, focus: PaneId, want: Want) -> Screen {
    let banner = want.banner;
    let row = |y: u16, h: u16| Rect::new(area.x, y, area.width, h);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Screen {
            arrangement: Arrangement::TooSmall,
            status: Rect::default(),
            banner: None,
            tabs: None,
            panes: Vec::new(),
            footer: Rect::default(),
        };
    }
    let status = row(area.y, 1);
    let banner_rect = banner.then(|| row(area.y + 1, 1));
    let top = area.y + 1 + u16::from(banner);
    let footer = row(area.bottom() - 1, 1);
    let body_h = footer.y - top;
    if area.width >= WIDE_WIDTH && area.height >= WIDE_HEIGHT && !want.zoom {
        let (x, w) = (area.x, area.width);
        let top_h = (body_h * 2 / 5).max(12);
        let bottom_y = top + top_h;
        let bottom_h = body_h - top_h;
        // The Collection takes the top row's left; the Wire pane below
        // keeps its width.
        let col_w = if want.collection {
            (w / 5).clamp(22, 36)
        } else {
            0
        };
        let req_w = if want.collection {
            (w - col_w) * 9 / 20
        } else {
            w * 2 / 5
        };
        let wire_w = (w * 62 / 100).max(79).min(w - 34);
        let side_x = x + wire_w;
        let side_w = w - wire_w;
        let fall_h = 11.min(bottom_h.saturating_sub(5));
        let frames_h = if want.frames { bottom_h / 2 } else { 0 };
        let mut panes = vec![
            (PaneId::Request, Rect::new(x + col_w, top, req_w, top_h)),
            (
                PaneId::Response,
                Rect::new(x + col_w + req_w, top, w - col_w - req_w, top_h),
            ),
            (
                if want.body {
                    PaneId::Body
                } else {
                    PaneId::Wire
                },
                Rect::new(x, bottom_y + frames_h, wire_w, bottom_h - frames_h),
            ),
            (
                PaneId::Waterfall,
                Rect::new(side_x, bottom_y, side_w, fall_h),
            ),
            (
                PaneId::History,
                Rect::new(side_x, bottom_y + fall_h, side_w, bottom_h - fall_h),
            ),
        ];
        if want.frames {
            panes.push((PaneId::Frames, Rect::new(x, bottom_y, wire_w, frames_h)));
        }
        if want.collection {
            panes.push((PaneId::Collection, Rect::new(x, top, col_w, top_h)));
        }
        return Screen {
            arrangement: Arrangement::Wide,
            status,
            banner: banner_rect,
            tabs: None,
            panes,
            footer,
        };
    }
    let tabs = row(top, 1);
    Screen {
        arrangement: Arrangement::Tabs,
        status,
        banner: banner_rect,
        tabs: Some(tabs),
        panes: vec![(focus, row(top + 1, body_h - 1))],
        footer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_shows_every_pane_without_overlap() {
        for (w, h) in [(120, 40), (200, 60), (120, 32)] {
            let s = compute(Rect::new(0, 0, w, h), PaneId::Request, true);
            assert_eq!(s.arrangement, Arrangement::Wide);
            assert_eq!(s.panes.len(), 5);
            let with = compute_with(
                Rect::new(0, 0, w, h),
                PaneId::Request,
                Want {
                    frames: true,
                    ..Want::default()
                },
            );
            assert_eq!(with.panes.len(), 6);
            let (frames, wire) = (
                with.pane(PaneId::Frames).unwrap(),
                with.pane(PaneId::Wire).unwrap(),
            );
            assert!(
                frames.height >= 8 && wire.height >= 9,
                "{frames:?} {wire:?}"
            );
            assert_eq!(frames.bottom(), wire.y);
            for (i, (_, a)) in s.panes.iter().enumerate() {
                assert!(a.width >= 20 && a.height >= 5, "{a:?}");
                assert!(a.bottom() <= s.footer.y);
                for (_, b) in &s.panes[i + 1..] {
                    assert!(!a.intersects(*b), "{a:?} {b:?}");
                }
            }
            assert!(s.pane(PaneId::Wire).unwrap().width >= 79);
        }
    }

    #[test]
    fn small_and_tiny() {
        let s = compute(Rect::new(0, 0, 80, 24), PaneId::Wire, false);
        assert_eq!(s.arrangement, Arrangement::Tabs);
        assert_eq!(s.panes, vec![(PaneId::Wire, Rect::new(0, 2, 80, 21))]);
        assert_eq!(tab_at(s.tabs.unwrap(), 0), Some(PaneId::Request));
        assert_eq!(tab_at(s.tabs.unwrap(), 12), Some(PaneId::Wire));
        let zoomed = Want {
            zoom: true,
            ..Want::default()
        };
        let s = compute_with(Rect::new(0, 0, 120, 40), PaneId::Frames, zoomed);
        assert_eq!(s.arrangement, Arrangement::Tabs);
        assert_eq!(s.panes, vec![(PaneId::Frames, Rect::new(0, 2, 120, 37))]);
        let s = compute(Rect::new(0, 0, 79, 40), PaneId::Wire, false);
        assert_eq!(s.arrangement, Arrangement::TooSmall);
        let s = compute(Rect::default(), PaneId::Wire, true);
        assert_eq!(s.arrangement, Arrangement::TooSmall);
    }
}

//! `/` search in the text views, with `n`/`N` for the next and previous
//! match: the Body view (its display lines, across the whole body), the
//! Wire pane (the bytes both ways, matches lit up) and the Response pane
//! (header lines: the match selects the header, so its bytes light up in
//! Wire too). Part of `update`: state changes only.

use std::ops::Range;

use super::app::{App, PaneId};
use super::entry::Entry;
use super::wire_model::secrets_of;
use crate::decode::doc::display;
use crate::decode::kind::Kind;
use crate::decode::search::{self, Direction, Hit, Query};
use crate::report::mask::mask_header_value;
use crate::wire::exchange::Dir;

/// Matches found in the Wire pane at most.
const WIRE_MAX: usize = 100_000;
/// Bodies searched at most (the decoded cap, 64 MiB, is below it).
const SEARCH_MAX: u64 = 128 * 1024 * 1024;

/// Which view a search runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Body,
    Wire,
    Response,
}

impl Target {
    pub fn of(pane: PaneId) -> Option<Target> {
        match pane {
            PaneId::Body => Some(Target::Body),
            PaneId::Wire => Some(Target::Wire),
            PaneId::Response => Some(Target::Response),
            _ => None,
        }
    }
}

/// A search in the Wire pane: every match both ways, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireSearch {
    pub query: Query,
    pub exchange: u64,
    pub matches: Vec<(Dir, Range<usize>)>,
    pub current: Option<usize>,
}

impl WireSearch {
    /// Matches of `dir` that touch `range`, for lighting them up.
    pub fn marks(&self, dir: Dir, range: &Range<usize>) -> Vec<Range<usize>> {
        let from = self.matches.partition_point(|(d, r)| {
            (*d == Dir::Sent && dir == Dir::Received) || (*d == dir && r.end <= range.start)
        });
        self.matches[from..]
            .iter()
            .take_while(|(d, r)| *d == dir && r.start < range.end)
            .map(|(_, r)| r.clone())
            .collect()
    }
}

/// Searches outside the Body view (which keeps its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Searches {
    pub wire: Option<WireSearch>,
    /// The Response pane's query.
    pub response: Option<Query>,
}

/// Runs a new search for `text` in `target`.
pub fn commit(app: &mut App, target: Target, text: &str) {
    let Some(query) = Query::new(text) else {
        clear(app, target);
        return;
    };
    match target {
        Target::Body => {
            let top = app.body.scroll;
            app.body.search = Some(super::body_view::BodySearch { query, hit: None });
            // From the top of the screen: the first match at or below it.
            let from = top.checked_sub(1).map(|line| Hit {
                line,
                range: usize::MAX..usize::MAX,
            });
            body_step(app, from, Direction::Forward);
        }
        Target::Wire => {
            let Some(e) = app.entry() else { return };
            let exchange = e.id;
            let matches = wire_matches(app, e, &query);
            app.search.wire = Some(WireSearch {
                query,
                exchange,
                matches,
                current: None,
            });
            next(app, Direction::Forward);
        }
        Target::Response => {
            app.search.response = Some(query);
            app.response.header = None;
            next(app, Direction::Forward);
        }
    }
}

/// Every match of `query` in `e`'s bytes both ways. While secrets are
/// masked, a match that touches a masked byte is not one: lighting it up
/// would tell what the dots hide.
fn wire_matches(app: &App, e: &Entry, query: &Query) -> Vec<(Dir, Range<usize>)> {
    let mut matches = Vec::new();
    let h2 = &app.frames.model;
    for (side, dir, bytes) in [(0, Dir::Sent, e.sent()), (1, Dir::Received, e.received())] {
        let hidden = match (app.reveal_secrets, h2.ready) {
            (true, _) => Vec::new(),
            // The Frames model is synced to the shown exchange each frame.
            (false, true) => h2.secrets[side].clone(),
            (false, false) => secrets_of(e, dir),
        };
        let shown = |r: &Range<usize>| !hidden.iter().any(|h| h.start < r.end && r.start < h.end);
        for r in query
            .find_bytes(bytes)
            .into_iter()
            .filter(shown)
            .take(WIRE_MAX)
        {
            matches.push((dir, r));
        }
    }
    matches
}

/// After `U`: the Wire search's matches for what is now on screen.
pub fn secrets_toggled(app: &mut App) {
    let Some(e) = app.entry() else { return };
    let matches = match &app.search.wire {
        Some(s) if s.exchange == e.id => wire_matches(app, e, &s.query),
        _ => return,
    };
    if let Some(s) = &mut app.search.wire {
        s.matches = matches;
        s.current = None;
    }
}

fn clear(app: &mut App, target: Target) {
    match target {
        Target::Body => app.body.search = None,
        Target::Wire => app.search.wire = None,
        Target::Response => app.search.response = None,
    }
}

/// `n` / `N` in the focused pane.
pub fn next(app: &mut App, dir: Direction) {
    match Target::of(app.focus) {
        Some(Target::Body) => {
            let from = app.body.search.as_ref().and_then(|s| s.hit.clone());
            if app.body.search.is_none() {
                app.notice = Some("nothing to repeat: / searches the body".into());
                return;
            }
            body_step(app, from, dir);
        }
        Some(Target::Wire) => wire_step(app, dir),
        Some(Target::Response) => response_step(app, dir),
        None => app.notice = Some("/ searches the Body, Wire and Response panes".into()),
    }
}

fn body_step(app: &mut App, from: Option<Hit>, dir: Direction) {
    let Some(search) = app.body.search.clone() else {
        return;
    };
    let Some(model) = &mut app.body.model else {
        app.notice = Some("the body is not open yet".into());
        return;
    };
    if model
        .presented
        .as_ref()
        .is_some_and(|p| p.kind == Kind::Binary)
    {
        app.notice = Some("this body is binary: search works in text views".into());
        return;
    }
    let Some((doc, _)) = model.doc_mut() else {
        app.notice = Some("the body is still being decoded".into());
        return;
    };
    if doc.source.len() > SEARCH_MAX {
        // A search runs on the UI thread: past this it would stall it.
        app.notice = Some(format!(
            "the body is over {} MiB: save it (s) and search the file",
            SEARCH_MAX >> 20
        ));
        return;
    }
    let found = search::find(doc, &search.query, from.as_ref(), dir, &|l| {
        display(&l.bytes)
    });
    match found {
        Ok(Some((hit, wrapped))) => {
            let height = app.body.height.max(1);
            if hit.line < app.body.scroll || hit.line >= app.body.scroll + height {
                app.body.scroll = hit.line.saturating_sub(height / 3);
            }
            // The match's column in view.
            let col = hit.range.start;
            if col < app.body.hscroll || col > app.body.hscroll + 60 {
                app.body.hscroll = col.saturating_sub(10);
            }
            app.body.hex = false;
            if wrapped {
                app.notice = Some("search wrapped around".into());
            }
            if let Some(s) = &mut app.body.search {
                s.hit = Some(hit);
            }
        }
        Ok(None) => {
            app.notice = Some(format!(
                "no match for '{}'",
                crate::report::escape::sanitize_text(search.query.text())
            ))
        }
        Err(e) => app.notice = Some(format!("cannot read the body: {e}")),
    }
}

fn wire_step(app: &mut App, dir: Direction) {
    let id = app.entry().map(|e| e.id);
    let Some(s) = app.search.wire.as_mut().filter(|s| Some(s.exchange) == id) else {
        app.notice = Some("nothing to repeat: / searches the wire bytes".into());
        return;
    };
    if s.matches.is_empty() {
        app.notice = Some(format!(
            "no match for '{}' in the bytes kept",
            crate::report::escape::sanitize_text(s.query.text())
        ));
        return;
    }
    let n = s.matches.len();
    let at = match (s.current, dir) {
        (None, Direction::Forward) => 0,
        (None, Direction::Backward) => n - 1,
        (Some(c), Direction::Forward) => (c + 1) % n,
        (Some(c), Direction::Backward) => (c + n - 1) % n,
    };
    s.current = Some(at);
    let (d, r) = s.matches[at].clone();
    app.notice = Some(format!("match {}/{n}", at + 1));
    if app.wire.model.ready {
        let row = app.wire.model.row_of(d, r.start);
        app.wire.scroll = row.saturating_sub(3);
    } else {
        app.wire.anchor = Some((d, r.start));
    }
}

fn response_step(app: &mut App, dir: Direction) {
    let Some(q) = app.search.response.clone() else {
        app.notice = Some("nothing to repeat: / searches the headers".into());
        return;
    };
    // The rows as the pane lists them (HTTP/2: as HPACK decoded them,
    // pseudo-headers included), masked values searched as shown.
    let reveal = app.reveal_secrets;
    let headers: Vec<String> = if app.entry().and_then(|e| e.response()).is_some() {
        super::panes::response::header_rows(app)
            .into_iter()
            .map(|(n, v, _)| {
                let v = if reveal { v } else { mask_header_value(&n, &v) };
                display(format!("{n}: {v}").as_bytes())
            })
            .collect()
    } else {
        Vec::new()
    };
    let hits: Vec<usize> = (0..headers.len())
        .filter(|&i| !q.find_all(&headers[i]).is_empty())
        .collect();
    if hits.is_empty() {
        app.notice = Some(format!(
            "no header matches '{}'",
            crate::report::escape::sanitize_text(q.text())
        ));
        return;
    }
    let pick = match (app.response.header, dir) {
        (None, Direction::Forward) => hits[0],
        (None, Direction::Backward) => hits[hits.len() - 1],
        (Some(c), Direction::Forward) => *hits.iter().find(|&&h| h > c).unwrap_or(&hits[0]),
        (Some(c), Direction::Backward) => *hits
            .iter()
            .rev()
            .find(|&&h| h < c)
            .unwrap_or(&hits[hits.len() - 1]),
    };
    let k = hits.iter().position(|&h| h == pick).unwrap_or(0);
    app.notice = Some(format!("header {}/{} matching", k + 1, hits.len()));
    app.response.header = Some(pick);
    app.wire.follow_highlight = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(r: Range<usize>) -> Vec<Range<usize>> {
        vec![r]
    }

    /// An exchange whose request carries a token and whose response sets
    /// a cookie, shown in an app with the Wire pane focused.
    fn app_with_secrets() -> App {
        let mut x = crate::tui::fixture_body::body_exchange(
            &[("Set-Cookie", "sid=c00kie; Path=/")],
            b"{}".to_vec(),
        );
        x.transcript.sent =
            b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\n\r\n".to_vec();
        x.transcript.sent_total = x.transcript.sent.len() as u64;
        let mut app = crate::tui::fixture::app();
        crate::tui::fixture::push_done(&mut app, x);
        app.focus = PaneId::Wire;
        app
    }

    fn wire_hits(app: &App) -> usize {
        app.search.wire.as_ref().map_or(0, |s| s.matches.len())
    }

    #[test]
    fn masked_bytes_cannot_be_found_until_revealed() {
        let mut app = app_with_secrets();
        for hidden in ["t0ken", "c00kie", "Bearer t0"] {
            commit(&mut app, Target::Wire, hidden);
            assert_eq!(wire_hits(&app), 0, "{hidden} is masked");
        }
        // What stays on screen is still found: the scheme, the names.
        commit(&mut app, Target::Wire, "Bearer");
        assert_eq!(wire_hits(&app), 1);
        commit(&mut app, Target::Wire, "sid=");
        assert_eq!(wire_hits(&app), 1);
        // `U` reveals: the search now finds what is shown.
        commit(&mut app, Target::Wire, "t0ken");
        app.reveal_secrets = true;
        secrets_toggled(&mut app);
        assert_eq!(wire_hits(&app), 1);
        app.reveal_secrets = false;
        secrets_toggled(&mut app);
        assert_eq!(wire_hits(&app), 0);
    }

    #[test]
    fn header_search_sees_masked_values_as_shown() {
        let mut app = app_with_secrets();
        app.focus = PaneId::Response;
        commit(&mut app, Target::Response, "c00kie");
        assert_eq!(app.response.header, None);
        assert!(app
            .notice
            .as_deref()
            .unwrap_or("")
            .starts_with("no header matches"));
        commit(&mut app, Target::Response, "Path=/");
        assert_eq!(app.response.header, Some(0));
        app.reveal_secrets = true;
        commit(&mut app, Target::Response, "c00kie");
        assert_eq!(app.response.header, Some(0));
    }

    #[test]
    fn wire_marks_pick_the_row() {
        let s = WireSearch {
            query: Query::new("x").unwrap(),
            exchange: 1,
            matches: vec![
                (Dir::Sent, 2..3),
                (Dir::Sent, 40..41),
                (Dir::Received, 5..6),
                (Dir::Received, 17..18),
            ],
            current: None,
        };
        assert_eq!(s.marks(Dir::Sent, &(0..16)), one(2..3));
        assert_eq!(s.marks(Dir::Sent, &(32..48)), one(40..41));
        assert_eq!(s.marks(Dir::Received, &(0..16)), one(5..6));
        assert_eq!(s.marks(Dir::Received, &(16..32)), one(17..18));
        assert!(s.marks(Dir::Received, &(32..48)).is_empty());
    }
}

//! Finding text in what a view shows: a query (smart case: case-blind
//! unless it has a capital), its matches in a display line or in raw
//! bytes, and the next or previous match across a whole `Doc`, scanning
//! lines in batches so a large body is searched without holding it.
//! Must not import the terminal crates.

use std::io;
use std::ops::Range;

use super::doc::Doc;
use super::pretty::LineOut;

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
    /// Case-blind (the query has no capital letter).
    fold: bool,
    needle: Vec<char>,
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

impl Query {
    /// `None` for an empty query.
    pub fn new(text: &str) -> Option<Query> {
        if text.is_empty() {
            return None;
        }
        let fold = !text.chars().any(char::is_uppercase);
        let needle = text
            .chars()
            .map(|c| if fold { fold_char(c) } else { c })
            .collect();
        Some(Query {
            text: text.to_string(),
            fold,
            needle,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte ranges of the non-overlapping matches in `hay`.
    pub fn find_all(&self, hay: &str) -> Vec<Range<usize>> {
        let chars: Vec<(usize, char)> = hay
            .char_indices()
            .map(|(i, c)| (i, if self.fold { fold_char(c) } else { c }))
            .collect();
        let n = self.needle.len();
        let mut out = Vec::new();
        let mut i = 0;
        while i + n <= chars.len() {
            if chars[i..i + n]
                .iter()
                .map(|(_, c)| *c)
                .eq(self.needle.iter().copied())
            {
                let end = chars.get(i + n).map_or(hay.len(), |(b, _)| *b);
                out.push(chars[i].0..end);
                i += n;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Matches in raw bytes (the Wire pane), case-blind for ASCII when
    /// the query is.
    pub fn find_bytes(&self, hay: &[u8]) -> Vec<Range<usize>> {
        let needle = self.text.as_bytes();
        let n = needle.len();
        let mut out = Vec::new();
        let mut i = 0;
        let eq = |a: u8, b: u8| {
            if self.fold {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        let first = needle[0];
        while i + n <= hay.len() {
            if eq(hay[i], first) && hay[i..i + n].iter().zip(needle).all(|(a, b)| eq(*a, *b)) {
                out.push(i..i + n);
                i += n;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// A match in a document: line number and byte range of its display text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub line: usize,
    pub range: Range<usize>,
}

/// Which way to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// Lines searched per batch.
const BATCH: usize = 2048;

/// The next match after `from` (or before it, going backward) in `doc`,
/// wrapping around the ends once. `display` is the text a line is shown
/// as (what the query is matched against). The flag says it wrapped.
pub fn find(
    doc: &mut Doc,
    query: &Query,
    from: Option<&Hit>,
    dir: Direction,
    display: &dyn Fn(&LineOut) -> String,
) -> io::Result<Option<(Hit, bool)>> {
    let in_line = |line: usize, text: &str, after: Option<&Range<usize>>| -> Option<Hit> {
        let all = query.find_all(text);
        let pick = match (dir, after) {
            (Direction::Forward, None) => all.into_iter().next(),
            (Direction::Forward, Some(a)) => all.into_iter().find(|r| r.start > a.start),
            (Direction::Backward, None) => all.into_iter().next_back(),
            (Direction::Backward, Some(a)) => all.into_iter().rev().find(|r| r.start < a.start),
        };
        pick.map(|range| Hit { line, range })
    };
    // The line of the current match first (later or earlier on it).
    if let Some(h) = from {
        if let Some(l) = doc.lines(h.line, 1)?.first() {
            if let Some(hit) = in_line(h.line, &display(l), Some(&h.range)) {
                return Ok(Some((hit, false)));
            }
        }
    }
    let start = from.map(|h| h.line);
    match dir {
        Direction::Forward => {
            let begin = start.map_or(0, |s| s + 1);
            if let Some(hit) = scan_forward(doc, begin, usize::MAX, &in_line, display)? {
                return Ok(Some((hit, false)));
            }
            let end = start.map_or(0, |s| s + 1);
            Ok(scan_forward(doc, 0, end, &in_line, display)?.map(|h| (h, true)))
        }
        Direction::Backward => {
            doc.ensure_all()?;
            let total = doc.known();
            let begin = start.unwrap_or(total);
            if let Some(hit) = scan_backward(doc, 0, begin, &in_line, display)? {
                return Ok(Some((hit, false)));
            }
            Ok(scan_backward(doc, begin, total, &in_line, display)?.map(|h| (h, true)))
        }
    }
}

type InLine<'a> = dyn Fn(usize, &str, Option<&Range<usize>>) -> Option<Hit> + 'a;

fn scan_forward(
    doc: &mut Doc,
    begin: usize,
    end: usize,
    in_line: &InLine,
    display: &dyn Fn(&LineOut) -> String,
) -> io::Result<Option<Hit>> {
    let mut at = begin;
    while at < end {
        let batch = doc.lines(at, BATCH.min(end - at))?;
        if batch.is_empty() {
            break;
        }
        for (k, l) in batch.iter().enumerate() {
            if let Some(hit) = in_line(at + k, &display(l), None) {
                return Ok(Some(hit));
            }
        }
        at += batch.len();
    }
    Ok(None)
}

/// Lines `begin..end`, last first.
fn scan_backward(
    doc: &mut Doc,
    begin: usize,
    end: usize,
    in_line: &InLine,
    display: &dyn Fn(&LineOut) -> String,
) -> io::Result<Option<Hit>> {
    let mut top = end;
    while top > begin {
        let from = top.saturating_sub(BATCH).max(begin);
        let batch = doc.lines(from, top - from)?;
        for (k, l) in batch.iter().enumerate().rev() {
            if let Some(hit) = in_line(from + k, &display(l), None) {
                return Ok(Some(hit));
            }
        }
        top = from;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::body::Source;
    use crate::decode::pretty::Mode;

    fn one(r: Range<usize>) -> Vec<Range<usize>> {
        vec![r]
    }

    fn show(l: &LineOut) -> String {
        String::from_utf8_lossy(&l.bytes).into_owned()
    }

    #[test]
    fn smart_case_and_non_overlapping() {
        let q = Query::new("ab").unwrap();
        assert_eq!(q.find_all("xABab aab"), [1..3, 3..5, 7..9]);
        let q = Query::new("Ab").unwrap();
        assert_eq!(q.find_all("xABab Ab"), one(6..8));
        assert_eq!(Query::new("aa").unwrap().find_all("aaaa"), [0..2, 2..4]);
        assert_eq!(
            Query::new("é").unwrap().find_all("CAFÉ café"),
            [3..5, 9..11]
        );
        assert!(Query::new("").is_none());
        assert_eq!(
            Query::new("content-type")
                .unwrap()
                .find_bytes(b"X\r\nContent-Type: a"),
            one(3..15)
        );
    }

    #[test]
    fn next_and_previous_wrap_around() {
        let text: String = (0..5000)
            .map(|i| {
                if i % 1000 == 7 {
                    format!("line {i} needle needle\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect();
        let mut doc = Doc::new(Source::Mem(bytes::Bytes::from(text)), Mode::Text);
        let q = Query::new("needle").unwrap();
        let (h1, w) = find(&mut doc, &q, None, Direction::Forward, &show)
            .unwrap()
            .unwrap();
        assert_eq!((h1.line, w), (7, false));
        let (h2, _) = find(&mut doc, &q, Some(&h1), Direction::Forward, &show)
            .unwrap()
            .unwrap();
        assert_eq!(h2.line, 7, "the second match on the same line");
        assert!(h2.range.start > h1.range.start);
        let (h3, _) = find(&mut doc, &q, Some(&h2), Direction::Forward, &show)
            .unwrap()
            .unwrap();
        assert_eq!(h3.line, 1007);
        let (back, _) = find(&mut doc, &q, Some(&h3), Direction::Backward, &show)
            .unwrap()
            .unwrap();
        assert_eq!((back.line, back.range.clone()), (7, h2.range.clone()));
        let last = Hit {
            line: 4007,
            range: 1000..1001,
        };
        let (wrapped, w) = find(&mut doc, &q, Some(&last), Direction::Forward, &show)
            .unwrap()
            .unwrap();
        assert_eq!((wrapped.line, w), (7, true));
        let (up, w) = find(&mut doc, &q, Some(&h1), Direction::Backward, &show)
            .unwrap()
            .unwrap();
        assert_eq!((up.line, w), (4007, true));
        assert!(find(
            &mut doc,
            &Query::new("absent").unwrap(),
            None,
            Direction::Forward,
            &show
        )
        .unwrap()
        .is_none());
    }
}

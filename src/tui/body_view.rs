//! The Body view's state: the body of the exchange shown as the
//! application sees it (content codings undone, charset applied, JSON
//! pretty-printed, highlighted), opened lazily when the view is on screen.
//! Small bodies are prepared at once; decoding a large one runs on a
//! background thread whose one result is picked up by the next frame, and
//! so does the check that a large JSON body is valid (until then it shows
//! pretty). `prepare` makes the lines of one frame; the pane only draws.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use super::body_frame::Frame;
use crate::decode::body::{describe, MEM_CAP};
use crate::decode::coding::DecodeLimits;
use crate::decode::doc::{self, Doc};
use crate::decode::highlight::Highlighter;
use crate::decode::kind::Lang;
use crate::decode::present::{present, Presented, Validate};
use crate::decode::pretty::Mode;
use crate::decode::search::{Hit, Query};
use crate::worker::ExchangeId;

/// Raw bodies up to this are prepared on the spot.
const SYNC_BYTES: u64 = 512 * 1024;

/// A search in the Body view.
#[derive(Debug, Clone)]
pub struct BodySearch {
    pub query: Query,
    pub hit: Option<Hit>,
}

/// A JSON path filter applied to the body.
#[derive(Debug, Clone)]
pub struct Filtered {
    pub path: String,
    pub count: usize,
    pub doc: Doc,
    pub hl: Highlighter,
}

#[derive(Debug, Clone)]
enum Job {
    /// Decoding (and everything after it) on a thread.
    Present(Arc<OnceLock<Presented>>),
    /// Checking that a JSON body is valid.
    Validate(Arc<OnceLock<Result<(), String>>>),
}

/// What is open for one exchange.
#[derive(Debug, Clone)]
pub struct Model {
    pub id: ExchangeId,
    pub presented: Option<Presented>,
    pub doc: Option<Doc>,
    pub hl: Option<Highlighter>,
    pub filtered: Option<Filtered>,
    job: Option<Job>,
    pub started: Option<Instant>,
    /// What the decoding undoes, while it runs ("gzip").
    pub working: String,
}

impl Model {
    /// The document the text view shows (the filter's, if any).
    pub fn doc_mut(&mut self) -> Option<(&mut Doc, &mut Highlighter)> {
        match &mut self.filtered {
            Some(f) => Some((&mut f.doc, &mut f.hl)),
            None => match (&mut self.doc, &mut self.hl) {
                (Some(d), Some(h)) => Some((d, h)),
                _ => None,
            },
        }
    }

    pub fn busy(&self) -> bool {
        self.job.is_some()
    }
}

/// The Body view, as `App::body`.
#[derive(Debug, Clone, Default)]
pub struct BodyView {
    /// The Body pane has the Wire pane's place (wide layout).
    pub pinned: bool,
    /// Hex instead of text.
    pub hex: bool,
    /// First line (text) or row of 16 bytes (hex).
    pub scroll: usize,
    /// Columns scrolled sideways (text).
    pub hscroll: usize,
    pub search: Option<BodySearch>,
    pub model: Option<Model>,
    /// The last frame's lines (made by `prepare`, drawn by the pane).
    pub frame: Frame,
    /// Rows of text the last frame had room for.
    pub height: usize,
    /// A save running on a thread: its outcome, once done.
    pub saving: Option<Arc<OnceLock<String>>>,
}

impl BodyView {
    /// Work is under way that a later frame will show (decoding,
    /// validation, indexing, syntax definitions loading).
    pub fn busy(&self) -> bool {
        self.model.as_ref().is_some_and(Model::busy) || self.frame.pending || self.saving.is_some()
    }

    /// Forgets the body shown (another exchange was picked).
    pub fn reset(&mut self) {
        self.model = None;
        self.scroll = 0;
        self.hscroll = 0;
        self.search = None;
    }
}

fn with_doc(mut p: Presented) -> (Presented, Doc, Highlighter) {
    p.notes.dedup();
    let doc = p.doc();
    let hl = Highlighter::new(p.lang().unwrap_or(Lang::Plain));
    (p, doc, hl)
}

/// Opens the body of exchange `id` (its response `resp`).
pub fn open(id: ExchangeId, resp: &crate::wire::Response, decode: DecodeLimits) -> Model {
    let mut body = describe(resp, decode);
    let ctype = resp.header("content-type").unwrap_or("").to_string();
    let mut model = Model {
        id,
        presented: None,
        doc: None,
        hl: None,
        filtered: None,
        job: None,
        started: None,
        working: String::new(),
    };
    let charset_other = !matches!(
        crate::decode::charset::detect(&ctype, b"").0,
        crate::decode::charset::Charset::Utf8
    );
    let heavy = body.raw.len() > SYNC_BYTES && (body.needs_decoding() || charset_other);
    if heavy {
        let slot = Arc::new(OnceLock::new());
        let out = slot.clone();
        model.working = body
            .codings
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ");
        let spawned = std::thread::Builder::new()
            .name("wirescope-body".into())
            .spawn({
                let ctype = ctype.clone();
                move || {
                    body.decode(MEM_CAP);
                    let mut p = present(body, &ctype, Validate::Later);
                    p.validate();
                    let _ = out.set(p);
                }
            });
        if spawned.is_ok() {
            model.job = Some(Job::Present(slot));
            model.started = Some(Instant::now());
            return model;
        }
        // No thread: do it here.
        body = describe(resp, decode);
    }
    body.decode(MEM_CAP);
    let small = body.raw.len() <= SYNC_BYTES;
    let validate = if small {
        Validate::Now
    } else {
        Validate::Later
    };
    let p = present(body, &ctype, validate);
    if !p.validated {
        let slot = Arc::new(OnceLock::new());
        let out = slot.clone();
        let text = p.text.clone();
        let spawned = std::thread::Builder::new()
            .name("wirescope-json-check".into())
            .spawn(move || {
                let _ = out.set(doc::validate_json(&text));
            });
        if spawned.is_ok() {
            model.job = Some(Job::Validate(slot));
            model.started = Some(Instant::now());
        }
    }
    let (p, d, h) = with_doc(p);
    model.presented = Some(p);
    model.doc = Some(d);
    model.hl = Some(h);
    model
}

/// Picks up finished background work. True when something changed.
pub fn poll(view: &mut BodyView) -> bool {
    let Some(m) = &mut view.model else {
        return false;
    };
    match &m.job {
        Some(Job::Present(slot)) => {
            let Some(p) = slot.get() else { return false };
            let (p, d, h) = with_doc(p.clone());
            m.presented = Some(p);
            m.doc = Some(d);
            m.hl = Some(h);
        }
        Some(Job::Validate(slot)) => {
            let Some(result) = slot.get() else {
                return false;
            };
            if let (Err(e), Some(p)) = (result, &mut m.presented) {
                if p.mode == Mode::Json && !p.body.truncated() {
                    p.mode = Mode::Text;
                    p.notes.push(format!("{e}: shown as text"));
                    m.doc = Some(p.doc());
                    m.hl = Some(Highlighter::new(Lang::Plain));
                    view.search = None;
                }
            }
            if let Some(p) = &mut m.presented {
                p.validated = true;
            }
        }
        None => return false,
    }
    m.job = None;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::coding::{encode, Coding};
    use crate::wire::Response;

    fn response(headers: &[(&str, &str)], body: Vec<u8>) -> Response {
        crate::decode::body::tests::response(headers, &body)
    }

    fn wait(view: &mut BodyView) {
        for _ in 0..2000 {
            if poll(view) || !view.busy() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("background work never finished");
    }

    #[test]
    fn small_bodies_open_at_once() {
        let m = open(
            1,
            &response(
                &[("Content-Type", "application/json")],
                br#"{"a":1}"#.to_vec(),
            ),
            DecodeLimits::default(),
        );
        assert!(!m.busy());
        assert_eq!(m.presented.as_ref().unwrap().mode, Mode::Json);
    }

    #[test]
    fn large_compressed_bodies_decode_in_the_background() {
        // Random hex text compresses to about half: over the threshold.
        let mut x: u64 = 7;
        let plain: Vec<u8> = (0..2_000_000)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % 64 == 63 {
                    b'\n'
                } else {
                    b"0123456789abcdef"[(x >> 60) as usize]
                }
            })
            .collect();
        let gz = encode(Coding::Gzip, &plain).unwrap();
        assert!(gz.len() as u64 > SYNC_BYTES);
        let resp = response(
            &[("Content-Encoding", "gzip"), ("Content-Type", "text/plain")],
            gz,
        );
        let mut view = BodyView {
            model: Some(open(2, &resp, DecodeLimits::default())),
            ..Default::default()
        };
        assert!(view.busy(), "decoding runs on a thread");
        wait(&mut view);
        let p = view.model.as_ref().unwrap().presented.as_ref().unwrap();
        assert_eq!(p.text.len(), plain.len() as u64);
    }

    #[test]
    fn invalid_large_json_falls_back_to_text_when_checked() {
        let mut s = String::from("{\"items\":[");
        for i in 0..60_000 {
            s.push_str(&format!("{{\"id\":{i}}},"));
        }
        s.push_str("oops]}");
        let resp = response(&[("Content-Type", "application/json")], s.into_bytes());
        let mut view = BodyView {
            model: Some(open(3, &resp, DecodeLimits::default())),
            ..Default::default()
        };
        assert_eq!(
            view.model
                .as_ref()
                .unwrap()
                .presented
                .as_ref()
                .unwrap()
                .mode,
            Mode::Json
        );
        wait(&mut view);
        let p = view.model.as_ref().unwrap().presented.as_ref().unwrap();
        assert_eq!(p.mode, Mode::Text);
        assert!(p.notes.iter().any(|n| n.starts_with("not valid JSON")));
    }
}

//! The hostile server and the one way every case is judged.
//!
//! A case is a named misbehaviour: a handler that gets each accepted
//! `TcpStream` raw (TLS and HTTP/2 cases wrap it themselves), the request
//! options it is sent with, and what must come back. `Case::run` starts the
//! server on 127.0.0.1:0, sends one exchange through `Session::send`, and
//! checks the same things for every case: the outcome (error phase and a
//! fragment of its message, or a response), the time taken against the
//! configured timeouts plus `MARGIN`, memory held within the `Limits`, no
//! panic anywhere (spawned engine tasks included), and that nothing the
//! server sent reaches the text or JSON report as a terminal control.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use wirescope::report::text::{render, Sections};
use wirescope::wire::{
    ErrorPhase, Exchange, HttpVersion, Limits, Options, Probe, RequestSpec, Session, TimeoutKind,
};

/// Slack allowed past a configured timeout (scheduling, a debug build, two
/// shared cores).
pub const MARGIN: Duration = Duration::from_millis(1500);

pub type BoxFut = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
/// What the server does with each accepted connection.
pub type Handler = Arc<dyn Fn(TcpStream) -> BoxFut + Send + Sync>;

/// Makes a `Handler` from an async closure.
pub fn handler<F, Fut>(f: F) -> Handler
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |s| Box::pin(f(s)))
}

/// A running hostile server; stops (with every connection task it
/// started) when dropped, so an endless stream never outlives its test.
pub struct Hostile {
    pub addr: SocketAddr,
    accepted: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    pub async fn start(h: Handler) -> Hostile {
        Hostile::on(TcpListener::bind("127.0.0.1:0").await.expect("bind"), h)
    }

    /// Serves on a listener set up by the caller (socket options).
    pub fn on(listener: TcpListener, h: Handler) -> Hostile {
        let addr = listener.local_addr().expect("addr");
        let accepted = Arc::new(AtomicU64::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            while let Ok((s, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                conns.spawn(h(s));
                while conns.try_join_next().is_some() {}
            }
        });
        Hostile {
            addr,
            accepted,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Reads one request head (through the blank line), in large reads; any
/// bytes after it are returned too. Empty if the peer closed first.
pub async fn read_head(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 1 << 20 {
            break;
        }
    }
    buf
}

/// Keeps reading (and discarding) whatever the client sends, so its writes
/// never block on us; returns when it closes.
pub async fn drain(mut r: impl tokio::io::AsyncRead + Unpin) {
    let mut chunk = [0u8; 4096];
    while let Ok(n) = r.read(&mut chunk).await {
        if n == 0 {
            return;
        }
    }
}

/// Closes with an RST instead of a FIN.
pub fn reset(s: TcpStream) {
    let _ = s.set_zero_linger();
    drop(s);
}

/// What a reply does once its bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// FIN right away.
    Close,
    /// Keep the connection open (and silent) for a long time.
    Hold,
    /// RST.
    Reset,
}

/// How long `Then::Hold` holds: longer than any case's deadline.
pub const HOLD: Duration = Duration::from_secs(20);

/// Reads the request, writes `bytes`, then closes, holds or resets.
pub fn reply(bytes: impl Into<Vec<u8>>, then: Then) -> Handler {
    let bytes: Arc<Vec<u8>> = Arc::new(bytes.into());
    handler(move |mut s| {
        let bytes = bytes.clone();
        async move {
            read_head(&mut s).await;
            if s.write_all(&bytes).await.is_err() {
                return;
            }
            finish(s, then).await;
        }
    })
}

pub async fn finish(mut s: TcpStream, then: Then) {
    match then {
        Then::Close => {
            let _ = s.shutdown().await;
            // Let the client read everything before the socket goes.
            tokio::time::timeout(HOLD, drain(s)).await.ok();
        }
        Then::Hold => {
            tokio::time::sleep(HOLD).await;
        }
        Then::Reset => reset(s),
    }
}

/// Reads the request, writes `fast` at once, then `slow` one byte per
/// `gap`, then holds.
pub fn drip(fast: impl Into<Vec<u8>>, slow: impl Into<Vec<u8>>, gap: Duration) -> Handler {
    let (fast, slow): (Arc<Vec<u8>>, Arc<Vec<u8>>) = (Arc::new(fast.into()), Arc::new(slow.into()));
    handler(move |mut s| {
        let (fast, slow) = (fast.clone(), slow.clone());
        async move {
            read_head(&mut s).await;
            if s.write_all(&fast).await.is_err() {
                return;
            }
            for b in slow.iter() {
                if s.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(gap).await;
            }
            tokio::time::sleep(HOLD).await;
        }
    })
}

/// Reads the request, writes `head`, then `block` again and again until
/// `total` bytes went (or forever with `None`), then closes.
pub fn stream(head: impl Into<Vec<u8>>, block: Vec<u8>, total: Option<u64>) -> Handler {
    let (head, block) = (Arc::new(head.into()), Arc::new(block));
    handler(move |mut s| {
        let (head, block) = (head.clone(), block.clone());
        async move {
            read_head(&mut s).await;
            if s.write_all(&head).await.is_err() {
                return;
            }
            let mut sent = 0u64;
            while total.is_none_or(|t| sent < t) {
                let n = match total {
                    Some(t) => (t - sent).min(block.len() as u64) as usize,
                    None => block.len(),
                };
                if s.write_all(&block[..n]).await.is_err() {
                    return;
                }
                sent += n as u64;
            }
            finish(s, Then::Close).await;
        }
    })
}

/// What an exchange must end with.
#[derive(Debug, Clone)]
pub enum Want {
    /// An error in this phase whose message contains the fragment.
    Fails(ErrorPhase, &'static str),
    /// An error in one of these phases (a race decides which), its message
    /// containing one of the fragments.
    FailsIn(&'static [ErrorPhase], &'static [&'static str]),
    /// A response with this status; the fragment must be in a warning
    /// ("" for none required).
    Answers(u16, &'static str),
}

pub fn fails(phase: ErrorPhase, says: &'static str) -> Want {
    Want::Fails(phase, says)
}

pub fn answers(status: u16, warns: &'static str) -> Want {
    Want::Answers(status, warns)
}

pub const READ_TIMEOUT: ErrorPhase = ErrorPhase::Timeout(TimeoutKind::Read);
pub const CONNECT_TIMEOUT: ErrorPhase = ErrorPhase::Timeout(TimeoutKind::Connect);
pub const TOTAL_TIMEOUT: ErrorPhase = ErrorPhase::Timeout(TimeoutKind::Total);

/// Small caps, so "memory stays flat" is cheap to check.
pub fn small_limits() -> Limits {
    Limits {
        max_head_bytes: 16 * 1024,
        max_header_lines: 100,
        max_body_kept: 64 * 1024,
        max_interim: 20,
        ..Limits::default()
    }
}

/// Short timeouts: connect 1 s, read 1 s, total 3 s.
pub fn quick_options() -> Options {
    Options {
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(3),
        limits: small_limits(),
        ..Options::default()
    }
}

type Tweak = Box<dyn FnOnce(&mut RequestSpec) + Send>;
type Check = Box<dyn FnOnce(&Exchange) + Send>;

/// One hostile case.
pub struct Case {
    handler: Handler,
    scheme: &'static str,
    tweak: Vec<Tweak>,
    want: Option<Want>,
    within: Option<Duration>,
    extra: Vec<Check>,
}

impl Case {
    pub fn new(handler: Handler) -> Case {
        Case {
            handler,
            scheme: "http",
            tweak: Vec::new(),
            want: None,
            within: None,
            extra: Vec::new(),
        }
    }

    pub fn want(mut self, want: Want) -> Case {
        self.want = Some(want);
        self
    }

    /// Changes the request before it goes.
    pub fn spec(mut self, f: impl FnOnce(&mut RequestSpec) + Send + 'static) -> Case {
        self.tweak.push(Box::new(f));
        self
    }

    pub fn https(mut self) -> Case {
        self.scheme = "https";
        self
    }

    pub fn h2c(self) -> Case {
        self.spec(|s| s.options.http = HttpVersion::Http2PriorKnowledge)
    }

    pub fn timeouts(self, connect_ms: u64, read_ms: u64, total_ms: u64) -> Case {
        self.spec(move |s| {
            s.options.connect_timeout = Duration::from_millis(connect_ms);
            s.options.read_timeout = Duration::from_millis(read_ms);
            s.options.total_timeout = Duration::from_millis(total_ms);
        })
    }

    /// A tighter bound on the time taken than the default (the timeout
    /// the expected phase names, or the total deadline, plus `MARGIN`).
    pub fn within(mut self, d: Duration) -> Case {
        self.within = Some(d);
        self
    }

    /// A further check on the exchange.
    pub fn check(mut self, f: impl FnOnce(&Exchange) + Send + 'static) -> Case {
        self.extra.push(Box::new(f));
        self
    }

    pub async fn run(self) -> Exchange {
        let srv = Hostile::start(self.handler.clone()).await;
        let url = format!("{}://{}/", self.scheme, srv.addr);
        self.run_against(&url).await
    }

    /// Runs against a URL the caller set up (a blackhole, a closed port).
    pub async fn run_against(self, url: &str) -> Exchange {
        watch_panics();
        let before = panics();
        let mut spec = RequestSpec::get(url);
        spec.options = quick_options();
        for t in self.tweak {
            t(&mut spec);
        }
        let started = Instant::now();
        let ex = Session::new().send(&spec, Probe::none()).await;
        let took = started.elapsed();
        show_outcome(&ex, took);
        export_seeds(&ex);
        let want = self.want.expect("every case says what it wants");
        judge(&spec, &ex, &want);
        let opts = &spec.options;
        let bound = self.within.unwrap_or(
            match &want {
                Want::Fails(ErrorPhase::Timeout(TimeoutKind::Read), _) => opts.read_timeout,
                Want::Fails(ErrorPhase::Timeout(TimeoutKind::Connect), _) => opts.connect_timeout,
                _ => opts.total_timeout,
            } + MARGIN,
        );
        assert!(
            took <= bound,
            "took {took:?}, more than {bound:?}: {:?}",
            ex.error
        );
        bounded(&spec, &ex);
        terminal_safe(&ex);
        pane_frames_as_engine(&ex);
        for f in self.extra {
            f(&ex);
        }
        // Give engine tasks (the HTTP/2 driver) a moment to fail loudly.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(panics(), before, "a task panicked during the exchange");
        ex
    }
}

/// What a case ended with, in the words of the README's table:
/// `HOSTILE_SHOW=1 cargo test --test integration hostile:: -- --nocapture`
/// lists each case's; `HOSTILE_TABLE=FILE` appends them as table rows,
/// sorted and pasted into the README's table by hand.
fn show_outcome(ex: &Exchange, took: Duration) {
    let show = std::env::var_os("HOSTILE_SHOW").is_some();
    let table = std::env::var_os("HOSTILE_TABLE");
    if !show && table.is_none() {
        return;
    }
    let name = std::thread::current().name().unwrap_or("?").to_string();
    let outcome = match (&ex.error, &ex.response) {
        (Some(e), _) => format!("error [{}] — “{}”", e.phase, e.message),
        (None, Some(r)) => {
            let mut shown = format!("a response: {}", r.status);
            if let Some(w) = ex.warnings.first() {
                shown.push_str(&format!(", warning “{w}”"));
            }
            // What the body views say of it (a bomb capped, bad gzip...).
            let body = wirescope::decode::body::decode_response(r, Default::default());
            if let Some(note) = body.notes().first() {
                shown.push_str(&format!("; body: “{note}”"));
            }
            shown
        }
        (None, None) => "nothing".into(),
    };
    // Ports differ from run to run; long messages are cut for the table.
    let outcome = regex_free_ports(&outcome);
    if show {
        eprintln!("CASE {name} [{} ms] → {outcome}", took.as_millis());
    }
    if let Some(path) = table {
        let mut parts = name.rsplit("::");
        let behaviour = parts.next().unwrap_or("?").replace('_', " ");
        let family = parts.next().unwrap_or("?");
        let mut shown: String = outcome.chars().take(140).collect();
        if shown.len() < outcome.len() {
            shown.push('…');
        }
        let row = format!(
            "| {family} | {behaviour} | {} |\n",
            shown.replace('|', "\\|")
        );
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path);
        if let Ok(mut f) = file {
            let _ = std::io::Write::write_all(&mut f, row.as_bytes());
        }
    }
}

/// `127.0.0.1:40123` → `127.0.0.1:PORT`.
fn regex_free_ports(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i + 10]);
        rest = &rest[i + 10..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str("PORT");
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// The outcome is the one wanted.
pub fn judge(spec: &RequestSpec, ex: &Exchange, want: &Want) {
    match want {
        Want::Fails(phase, says) => {
            let Some(e) = &ex.error else {
                panic!(
                    "{}: wanted a {phase} error, got {:?} (warnings {:?})",
                    spec.url,
                    ex.response.as_ref().map(|r| r.status),
                    ex.warnings
                );
            };
            assert_eq!(e.phase, *phase, "{}: {}", spec.url, e.message);
            assert!(
                e.message.contains(says),
                "{}: message {:?} lacks {says:?}",
                spec.url,
                e.message
            );
        }
        Want::FailsIn(phases, says) => {
            let e = ex.error.as_ref().expect("an error");
            assert!(phases.contains(&e.phase), "{}: {e:?}", spec.url);
            assert!(
                says.iter().any(|s| e.message.contains(s)),
                "{}: message {:?} lacks all of {says:?}",
                spec.url,
                e.message
            );
        }
        Want::Answers(status, warns) => {
            assert!(ex.error.is_none(), "{}: {:?}", spec.url, ex.error);
            let r = ex.response.as_ref().expect("a response");
            assert_eq!(r.status, *status);
            assert!(
                warns.is_empty() || ex.warnings.iter().any(|w| w.to_string().contains(warns)),
                "{}: warnings {:?} lack {warns:?}",
                spec.url,
                ex.warnings
            );
        }
    }
}

/// The Wire pane draws the reader's framing, not its own: its body regions
/// are the record's body (or chunk data), its chunk-size regions the
/// record's size lines; and the same bytes still arriving (`layout_of`)
/// would be framed the same.
pub fn pane_frames_as_engine(ex: &Exchange) {
    use wirescope::decode::h1::RegionKind;
    use wirescope::decode::wire_regions::{regions, Framed, Protocol};
    use wirescope::wire::exchange::{Dir, Framing};
    let Some(r) = &ex.response else { return };
    if r.framing == Framing::Http2 {
        return;
    }
    let t = &ex.transcript;
    let len = t.received.len();
    let clip = |x: &std::ops::Range<usize>| x.start.min(len)..x.end.min(len);
    let shown = regions(
        &t.received,
        Dir::Received,
        Protocol::Http1,
        Framed::Recorded(r),
    );
    let of = |k: RegionKind| {
        shown
            .iter()
            .filter(|x| x.kind == k)
            .map(|x| x.range.clone())
            .collect::<Vec<_>>()
    };
    let l = &r.body_layout;
    let mut body: Vec<_> = if l.chunks.is_empty() {
        vec![clip(&l.range)]
    } else {
        l.chunks.iter().map(|c| clip(&c.data)).collect()
    };
    body.retain(|x| !x.is_empty());
    let mut lines: Vec<_> = l.chunks.iter().map(|c| clip(&c.size_line)).collect();
    lines.retain(|x| !x.is_empty());
    if l.chunks_dropped == 0 {
        assert_eq!(of(RegionKind::Body), body, "{}: body regions", ex.url);
    }
    assert_eq!(of(RegionKind::ChunkSize), lines, "{}: chunk lines", ex.url);
    assert_eq!(l.range.start, r.head_start + r.head_len);
    if !t.truncated() && l.chunks_dropped == 0 && !l.chunks.is_empty() {
        let data: usize = l.chunks.iter().map(|c| c.data.len()).sum();
        assert_eq!(data as u64, r.body_len, "{}: chunk data vs body", ex.url);
    }
    if !t.truncated() {
        let head = ex.method.eq_ignore_ascii_case("HEAD");
        let pending = wirescope::wire::layout_of(&t.received, head).map(|p| p.body);
        assert_eq!(pending.as_ref(), Some(l), "{}: pending framing", ex.url);
    }
}

/// Memory held by the record stays within the configured caps.
pub fn bounded(spec: &RequestSpec, ex: &Exchange) {
    let l = spec.options.limits;
    // An HTTP/2 connection's recording has the same cap as an exchange's.
    let keep = l.max_head_bytes + l.max_body_kept;
    let t = &ex.transcript;
    assert!(
        t.received.len() <= keep,
        "received kept {}",
        t.received.len()
    );
    assert!(
        t.sent.len() <= keep.max(64 * 1024 * 1024),
        "sent kept {}",
        t.sent.len()
    );
    assert!(t.received.len() as u64 <= t.received_total);
    assert!(t.chunks.len() <= 100_000, "chunk marks {}", t.chunks.len());
    if let Some(r) = &ex.response {
        assert!(
            r.body.len() <= l.max_body_kept,
            "body kept {}",
            r.body.len()
        );
        assert!(r.body.len() as u64 <= r.body_len);
        assert!(r.interim.len() <= l.max_interim);
        assert!(r.headers.len() <= l.max_header_lines);
    }
    assert!(
        ex.warnings.len() <= l.max_header_lines + 20,
        "{} warnings",
        ex.warnings.len()
    );
    if let Some(c) = &ex.h2 {
        assert!(c.connection.received.len() <= keep);
        assert!(c.connection.sent.len() <= keep);
    }
}

/// A character a terminal could act on: C0 other than LF, DEL, C1, and
/// the bidi overrides.
pub fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first unsafe character of `text`, with some context.
pub fn first_unsafe(text: &str) -> Option<String> {
    let (i, c) = text.char_indices().find(|(_, c)| unsafe_char(*c))?;
    let from = text.floor_char_boundary(i.saturating_sub(40));
    Some(format!("U+{:04X} after {:?}", c as u32, &text[from..i]))
}

/// Whatever the server sent, the text report (every section), the JSON
/// document and the error message hold no terminal control.
pub fn terminal_safe(ex: &Exchange) {
    let all = Sections::parse("all").expect("sections");
    let text = render(ex, &all);
    if let Some(bad) = first_unsafe(&text) {
        panic!("text report carries {bad}");
    }
    let json = serde_json::to_string(&wirescope::report::json::exchange(ex)).expect("json");
    if let Some(bad) = first_unsafe(&json) {
        panic!("JSON report carries {bad}");
    }
    if let Some(e) = &ex.error {
        if let Some(bad) = first_unsafe(&e.message) {
            panic!("error message carries {bad}");
        }
    }
}

/// With `HOSTILE_SEEDS=DIR`, writes what the case's server sent as fuzz
/// seeds in each target's input format (see `fuzz/README.md`):
/// `h1_response` (a flag byte, 1 for HEAD, then the reply), `chunked` (a
/// chunked body) and `h2_frames` (the sent length as two bytes, a chunking
/// byte, the sent bytes, the received bytes).
fn export_seeds(ex: &Exchange) {
    let Some(dir) = std::env::var_os("HOSTILE_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let name = std::thread::current()
        .name()
        .unwrap_or("case")
        .replace("::", "-");
    let name = format!("seed-{}", name.trim_start_matches("hostile-"));
    let t = &ex.transcript;
    // Seeds stay small: a prefix says all a fuzzer needs.
    let write = |target: &str, bytes: &[u8]| {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).expect("seed dir");
        std::fs::write(d.join(&name), &bytes[..bytes.len().min(16 * 1024)]).expect("seed");
    };
    if t.received.is_empty() {
        return;
    }
    if ex
        .negotiated
        .as_ref()
        .is_some_and(|n| n.version == "HTTP/2")
    {
        let sent = &t.sent[..t.sent.len().min(u16::MAX as usize)];
        let mut v = (sent.len() as u16).to_be_bytes().to_vec();
        v.push(0);
        v.extend(sent);
        v.extend(&t.received[..]);
        write("h2_frames", &v);
        return;
    }
    let head = ex.method.eq_ignore_ascii_case("HEAD");
    let mut v = vec![u8::from(head)];
    v.extend(&t.received[..]);
    write("h1_response", &v);
    if let Some(r) = &ex.response {
        let start = r.head_start + r.head_len;
        if r.framing == wirescope::wire::exchange::Framing::Chunked && start < t.received.len() {
            write("chunked", &t.received[start..]);
        }
    } else if let Some(i) = t.received.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&t.received[..i]).to_ascii_lowercase();
        if head.contains("transfer-encoding: chunked") {
            write("chunked", &t.received[i + 4..]);
        }
    }
}

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts panics on runtime worker threads (where the engine's spawned
/// tasks and the servers run): tokio would swallow them otherwise.
pub fn watch_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("tokio-runtime-worker"))
            {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default(info);
        }));
    });
}

pub fn panics() -> u64 {
    PANICS.load(Ordering::SeqCst)
}

/// One `#[tokio::test]` per named case, and the family's list of names
/// (the catalogue test counts them).
macro_rules! cases {
    ($( $(#[$meta:meta])* $name:ident => $case:expr ;)*) => {
        $(
            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let _ = $case.await;
            }
        )*
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

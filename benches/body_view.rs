//! Body view performance budgets, measured (not asserted):
//! - first frame of a 10 MB JSON body's view, from the exchange's record
//!   arriving (`Event::Done`: the entry finishes, the Response preview is
//!   made) to the Body pane drawn at 120×40, highlighted (< 50 ms);
//! - a scrolling frame in the middle of it (< 16 ms), by a line and by a
//!   page, and a jump to the end (the whole index built once);
//! - for reference: decoding a gzip of the same body (done off the UI
//!   thread) and the JSON validity check (also off it).
//!
//! Run with `cargo bench --bench body_view`.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use wirescope::decode::coding::{encode, Coding, DecodeLimits};
use wirescope::tui::app::{App, PaneId};
use wirescope::tui::entry::Entry;
use wirescope::tui::fixture;
use wirescope::tui::fixture_body::{body_exchange, json_of_size};
use wirescope::tui::{update, view, Msg};
use wirescope::wire::Exchange;

const MB: usize = 1 << 20;

fn frame(term: &mut Terminal<TestBackend>, app: &mut App) {
    term.draw(|f| {
        let area = f.area();
        view::render(app, area, f.buffer_mut());
    })
    .expect("TestBackend draws");
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// An app with the Body pane focused and an exchange in flight, whose
/// record is `x`: `done` delivers it as the worker would.
fn in_flight(x: &Exchange) -> (App, Box<Exchange>) {
    let mut app = fixture::app();
    let mut e = Entry::new(1, "GET", fixture::URL, Instant::now());
    e.state = wirescope::tui::entry::EntryState::InFlight;
    app.entries.push(e);
    app.selected = Some(0);
    app.next_id = 2;
    app.focus = PaneId::Body;
    (app, Box::new(x.clone()))
}

fn first_frame(c: &mut Criterion) {
    wirescope::decode::highlight::syntaxes();
    let json = json_of_size(10 * MB);
    let x = body_exchange(&[("Content-Type", "application/json")], json.clone());
    let mut g = c.benchmark_group("body_view_10mb_json");
    g.sample_size(20);
    g.bench_function("done_to_first_frame_120x40", |b| {
        b.iter_batched(
            || in_flight(&x),
            |(mut app, record)| {
                update(
                    &mut app,
                    Msg::Worker(wirescope::worker::Event::Done {
                        id: 1,
                        exchange: record,
                    }),
                );
                let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
                frame(&mut term, &mut app);
                app
            },
            BatchSize::LargeInput,
        )
    });

    // Scrolling in the middle, the index built as far as needed.
    let mut app = fixture::app();
    fixture::push_done(&mut app, x.clone());
    app.focus = PaneId::Body;
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    frame(&mut term, &mut app);
    let t = Instant::now();
    key(&mut app, KeyCode::Char('G'));
    frame(&mut term, &mut app);
    eprintln!(
        "jump to the end of {} lines (the whole index built once): {:?}",
        app.body.scroll,
        t.elapsed()
    );
    app.body.scroll /= 2;
    frame(&mut term, &mut app);
    g.bench_function("scroll_one_line_frame_120x40", |b| {
        b.iter(|| {
            key(&mut app, KeyCode::Char('j'));
            frame(&mut term, &mut app);
        })
    });
    g.bench_function("page_down_frame_120x40", |b| {
        b.iter(|| {
            key(&mut app, KeyCode::PageDown);
            frame(&mut term, &mut app);
            if app.body.scroll > 1_000_000 {
                app.body.scroll = 0;
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("body_work_off_the_ui_thread");
    g.sample_size(10);
    let gz = encode(Coding::Gzip, &json).unwrap();
    let gx = body_exchange(
        &[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
        ],
        gz,
    );
    let resp = gx.response.clone().unwrap();
    g.bench_function("gunzip_10mb_json", |b| {
        b.iter(|| wirescope::decode::body::decode_response(&resp, DecodeLimits::default()))
    });
    let src = wirescope::decode::body::Source::Mem(json.clone().into());
    g.bench_function("validate_10mb_json", |b| {
        b.iter(|| wirescope::decode::doc::validate_json(&src))
    });
    g.finish();
}

criterion_group!(benches, first_frame);
criterion_main!(benches);

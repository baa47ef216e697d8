//! TUI performance budgets, measured (not asserted):
//! - time to first frame: runtime, demo server and worker started, App
//!   built, first frame drawn at 120×40 (< 100 ms), and the frame alone;
//! - one frame of the Wire pane over a 50 MB response, hex and text view,
//!   scrolled to the middle (< 16 ms);
//! - typing while a download streams: 1 MiB of progress events drained,
//!   a key handled and a frame drawn, as one turn of the event loop.
//!
//! Run with `cargo bench --bench tui_render`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::Terminal;

use wirescope::tui::app::{App, PaneId, WireView};
use wirescope::tui::{fixture, update, view, Msg};
use wirescope::wire::exchange::Dir;
use wirescope::wire::{Options, Progress};
use wirescope::worker::Event;

const MB: usize = 1 << 20;

fn frame(term: &mut Terminal<TestBackend>, app: &mut App) {
    term.draw(|f| {
        let area = f.area();
        view::render(app, area, f.buffer_mut());
    })
    .expect("TestBackend draws");
}

fn first_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_frame");
    g.bench_function("app_and_first_frame_120x40", |b| {
        b.iter(|| {
            let mut app = App::new(None, Some("http://127.0.0.1:8080"), Options::default());
            let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
            frame(&mut term, &mut app);
        })
    });
    g.sample_size(10);
    g.bench_function("startup_runtime_demo_worker_first_frame", |b| {
        b.iter(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            let demo = rt
                .block_on(wirescope::demo::DemoServer::start(Default::default()))
                .unwrap();
            let worker = wirescope::worker::spawn(wirescope::wire::Session::new()).unwrap();
            let mut app = App::new(None, Some(&demo.base_url()), Options::default());
            let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
            frame(&mut term, &mut app);
            worker.shutdown();
            drop(demo);
            rt.shutdown_timeout(Duration::from_millis(100));
        })
    });
    g.finish();
}

fn wire_50mb(c: &mut Criterion) {
    let mut g = c.benchmark_group("wire_pane_50mb");
    for view_kind in [WireView::Hex, WireView::Text] {
        let mut app = fixture::app();
        fixture::push_done(&mut app, fixture::big_exchange(50 * MB));
        app.focus = PaneId::Wire;
        app.wire.view = view_kind;
        let area = Rect::new(0, 0, 120, 40);
        // The one-off index build (O(n), once per exchange and width).
        let t = Instant::now();
        view::prepare(&mut app, area);
        eprintln!("{view_kind:?}: index built once in {:?}", t.elapsed());
        app.wire.scroll = app.wire.model.rows() / 2;
        let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
        frame(&mut term, &mut app);
        g.bench_function(
            format!("{view_kind:?}_frame_middle_120x40").to_lowercase(),
            |b| {
                b.iter(|| {
                    app.wire.scroll += 1;
                    frame(&mut term, &mut app);
                })
            },
        );
    }
    g.finish();
}

fn typing_while_downloading(c: &mut Criterion) {
    let mut g = c.benchmark_group("typing_while_downloading");
    let chunk = vec![b'x'; 64 * 1024];
    g.bench_function("drain_1mib_key_and_frame", |b| {
        b.iter_batched(
            || {
                // An exchange 8 MiB into its body, Wire pane in view.
                let mut app = fixture::app();
                update(
                    &mut app,
                    Msg::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)),
                );
                let id = app.entries[0].id;
                let mut head = b"HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n".to_vec();
                head.resize(8 * MB, b'y');
                app.entries[0].live.received = head;
                app.focus = PaneId::Wire;
                let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
                frame(&mut term, &mut app);
                (app, term, id)
            },
            |(mut app, mut term, id)| {
                for _ in 0..16 {
                    let progress = Progress::Bytes {
                        dir: Dir::Received,
                        at: Duration::ZERO,
                        len: chunk.len(),
                        kept: chunk.clone(),
                    };
                    update(&mut app, Msg::Worker(Event::Progress { id, progress }));
                }
                update(
                    &mut app,
                    Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)),
                );
                frame(&mut term, &mut app);
                (app, term)
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, first_frame, wire_50mb, typing_while_downloading);
criterion_main!(benches);

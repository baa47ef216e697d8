//! End to end: the real binary in a real pseudo-terminal (tmux). With no
//! arguments it opens the TUI with the demo server's URL pre-filled; one
//! keypress sends it; the screen shows the status and the waterfall
//! phases; `q` quits with exit status 0. Then: redirects switched on,
//! `/redirect/2` shows its three hops; over h2c the Frames pane shows the
//! HTTP/2 frames; an `.http` file (`tests/fixtures/demo.http`) opens in
//! the Collection pane, its variables resolve from the file and `--env`,
//! an edit is written back and the exchanges land in the saved history (a
//! temporary `WIRESCOPE_HISTORY_DIR`, as in every test here). Skipped
//! (with a note) when tmux is not installed.

use crate::common;

use std::time::{Duration, Instant};

use common::tmux::{tmux_installed, wait_for_file, Tmux};

#[test]
fn sends_the_prefilled_request_to_the_demo_server_and_quits_cleanly() {
    if !tmux_installed() {
        eprintln!("NOTE: tmux is not installed; skipping the end-to-end TUI test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exit_file = dir.path().join("exit");
    let bin = env!("CARGO_BIN_EXE_wirescope");
    let tmux = Tmux::new("e2e");
    let script = format!(
        "WIRESCOPE_HISTORY_DIR='{}' '{bin}'; echo EXIT=$? > '{}'",
        tmux.history.path().display(),
        exit_file.display()
    );
    let out = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        "sh",
        "-c",
        &script,
    ]);
    assert!(out.status.success(), "tmux new-session failed: {out:?}");

    // The pre-filled request to the embedded demo server.
    tmux.wait_for("the TUI with the demo URL", Duration::from_secs(10), |s| {
        s.contains("demo http://127.0.0.1:") && s.contains("/get")
    });
    tmux.keys(&["F5"]);
    let screen = tmux.wait_for(
        "the status and the waterfall",
        Duration::from_secs(10),
        |s| {
            s.contains("200 OK")
                && [
                    "DNS",
                    "TCP connect",
                    "request sent",
                    "waiting (TTFB)",
                    "download",
                ]
                .iter()
                .all(|phase| s.contains(phase))
        },
    );
    assert!(screen.contains("2xx success"), "{screen}");
    assert!(
        screen.contains("HTTP/1.1 200 OK\\r\\n"),
        "the wire view shows CR LF: {screen}"
    );

    tmux.keys(&["q"]);
    let exit = wait_for_file(&exit_file, Duration::from_secs(10));
    assert_eq!(
        exit.as_deref(),
        Some("EXIT=0\n"),
        "the process must exit cleanly"
    );
}

/// Starts the TUI in a tmux session of its own at `w`×`h`.
fn start(tag: &str, w: &str, h: &str) -> Option<Tmux> {
    let tmux = launch(tag, w, h, "")?;
    tmux.wait_for("the TUI with the demo URL", Duration::from_secs(10), |s| {
        s.contains("demo http://127.0.0.1:") && s.contains("/get")
    });
    Some(tmux)
}

/// Starts `wirescope ARGS` (shell words) in a tmux session of its own;
/// `None` (with a note) when tmux is not installed.
pub(crate) fn launch(tag: &str, w: &str, h: &str, args: &str) -> Option<Tmux> {
    if !tmux_installed() {
        eprintln!("NOTE: tmux is not installed; skipping the end-to-end TUI test");
        return None;
    }
    let bin = env!("CARGO_BIN_EXE_wirescope");
    let tmux = Tmux::new(&format!("e2e-{tag}"));
    let script = format!(
        "WIRESCOPE_HISTORY_DIR='{}' exec '{bin}' {args}",
        tmux.history.path().display()
    );
    let out = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        w,
        "-y",
        h,
        "sh",
        "-c",
        &script,
    ]);
    assert!(out.status.success(), "tmux new-session failed: {out:?}");
    Some(tmux)
}

#[test]
fn redirects_show_their_hops_and_h2c_shows_frames() {
    let Some(tmux) = start("flow", "120", "40") else {
        return;
    };
    // L: follow redirects; then edit the URL's last segment and send.
    tmux.keys(&["L"]);
    tmux.wait_for("redirects on", Duration::from_secs(5), |s| {
        s.contains("redirects: followed")
    });
    tmux.keys(&["e", "C-w"]);
    tmux.keys(&["-l", "redirect/2"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("three hops", Duration::from_secs(10), |s| {
        s.contains("hop 2·1 via 302") && s.contains("hop 3·1 via 302") && s.contains("flow of 3")
    });
    assert!(screen.contains("200 OK"), "{screen}");
    assert!(screen.contains("redirect followed: 302"), "{screen}");

    // HTTP version: the option row above the seven last ones (redirects,
    // max redirects, retries, retry backoff, retry POST/PATCH, cookie jar,
    // batch size); h2c is the third choice after auto.
    tmux.keys(&["G", "k", "k", "k", "k", "k", "k", "k"]);
    tmux.keys(&["Enter", "Enter", "Enter"]);
    tmux.wait_for("h2c chosen", Duration::from_secs(5), |s| {
        s.contains("HTTP version     h2c prior knowledge")
    });
    tmux.keys(&["F5"]);
    let screen = tmux.wait_for("the Frames pane", Duration::from_secs(10), |s| {
        s.contains("6 Frames") && s.contains("HEADERS") && s.contains("HTTP/2 stream")
    });
    assert!(screen.contains("DATA"), "{screen}");
    tmux.keys(&["q"]);
}

#[test]
fn an_http_file_opens_in_the_collection_and_an_edit_is_written_back() {
    if !tmux_installed() {
        eprintln!("NOTE: tmux is not installed; skipping the end-to-end TUI test");
        return;
    }
    // The fixture points at 127.0.0.1:8080; this copy at a demo server of
    // the test's own, on a free port.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let demo = rt
        .block_on(wirescope::demo::DemoServer::start(
            wirescope::demo::DemoConfig {
                addr: "127.0.0.1:0".parse().unwrap(),
                ..Default::default()
            },
        ))
        .unwrap();
    let host = demo.base_url().trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::read_to_string("tests/fixtures/demo.http").unwrap();
    let original = fixture.replace("@host = 127.0.0.1:8080", &format!("@host = {host}"));
    let file = dir.path().join("demo.http");
    std::fs::write(&file, &original).unwrap();
    std::fs::copy(
        "tests/fixtures/http-client.env.json",
        dir.path().join("http-client.env.json"),
    )
    .unwrap();

    let bin = env!("CARGO_BIN_EXE_wirescope");
    let tmux = Tmux::new("e2e-http");
    let script = format!(
        "cd '{}' && WIRESCOPE_HISTORY_DIR='{}' exec '{bin}' demo.http --env local",
        dir.path().display(),
        tmux.history.path().display()
    );
    let out = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        "sh",
        "-c",
        &script,
    ]);
    assert!(out.status.success(), "tmux new-session failed: {out:?}");
    tmux.wait_for("the collection", Duration::from_secs(10), |s| {
        s.contains("8 Collection") && s.contains("env local") && s.contains("bearer tok")
    });
    // The first request, {{host}} resolved from the file.
    tmux.keys(&["F5"]);
    tmux.wait_for("200 OK", Duration::from_secs(10), |s| s.contains("200 OK"));
    // The third needs {{token}} from the environment.
    tmux.keys(&["8", "j", "j", "Enter"]);
    // Its value is masked on screen until `U` reveals it.
    tmux.wait_for("the bearer request loaded", Duration::from_secs(5), |s| {
        s.contains("Authorization: Bearer ••••••••")
    });
    tmux.keys(&["U"]);
    tmux.wait_for("the token revealed", Duration::from_secs(5), |s| {
        s.contains("Authorization: Bearer {{token}}") && s.contains("secrets shown")
    });
    tmux.keys(&["F5"]);
    tmux.wait_for("the token on the wire", Duration::from_secs(10), |s| {
        s.contains("Authorization: Bearer demo-token") && s.contains("#2")
    });
    // Edit the URL (Enter sends it too), then write it back.
    tmux.keys(&["e"]);
    tmux.keys(&["-l", "?v=2"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("the edited request sent", Duration::from_secs(10), |s| {
        s.contains("/bearer?v=2") && s.contains("#3")
    });
    tmux.keys(&["W"]);
    tmux.wait_for("written", Duration::from_secs(5), |s| {
        s.contains("wrote request")
    });
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        original.replace("/bearer\n", "/bearer?v=2\n"),
        "only the edited line changed"
    );
    tmux.keys(&["q"]);
    // At exit the three exchanges are in the saved history.
    let history = tmux.history.path().join("history.jsonl");
    let start = Instant::now();
    let mut lines = 0;
    while start.elapsed() < Duration::from_secs(10) {
        lines = std::fs::read_to_string(&history).map_or(0, |s| s.lines().count());
        if lines == 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(lines, 4, "a format line and three exchanges");
    let stored = std::fs::read_to_string(&history).unwrap();
    assert!(!stored.contains("demo-token"), "the token is redacted");
    drop(demo);
}

/// The TUI takes `send`'s request flags (the Request pane opens filled
/// from them), and Esc during a flow's Retry-After wait ends the flow:
/// the header said WAITING, and no second attempt ever shows.
#[test]
fn request_flags_fill_the_request_and_esc_ends_a_retry_wait() {
    if !tmux_installed() {
        eprintln!("NOTE: tmux is not installed; skipping the end-to-end TUI test");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let demo = rt
        .block_on(wirescope::demo::DemoServer::start(
            wirescope::demo::DemoConfig {
                addr: "127.0.0.1:0".parse().unwrap(),
                ..Default::default()
            },
        ))
        .unwrap();
    let url = format!(
        "{}/retry-after?after=4&times=1&key=e2e-wait",
        demo.base_url()
    );
    let Some(tmux) = launch(
        "flags",
        "120",
        "40",
        &format!("-H 'X-Trace: abc' --retry 2 '{url}'"),
    ) else {
        return;
    };
    tmux.wait_for("the request from the flags", Duration::from_secs(10), |s| {
        s.contains("X-Trace: abc") && s.contains("▸ GET http://127.0.0.1:")
    });
    tmux.keys(&["F5"]);
    let waiting = tmux.wait_for("the retry wait", Duration::from_secs(10), |s| {
        s.contains("WAITING") && s.contains("Esc cancels")
    });
    assert!(waiting.contains("Retry-After"), "{waiting}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the cancel", Duration::from_secs(5), |s| {
        s.contains("stopped during its")
    });
    // Past the 4 s the server asked for: no second attempt shows.
    let until = Instant::now() + Duration::from_secs(6);
    while Instant::now() < until {
        let s = tmux.screen();
        assert!(!s.contains("#2 "), "a second attempt showed after Esc: {s}");
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(demo);
}

/// Keys work while a large body downloads: each key's effect is on screen
/// while the header still says IN FLIGHT (checked by polling the screen;
/// no wall-clock assertion). 10 MiB dripped over 6 s by the demo server.
#[test]
fn keys_take_effect_during_a_large_download() {
    let Some(tmux) = start("download-keys", "120", "40") else {
        return;
    };
    tmux.keys(&["e", "C-w"]);
    tmux.keys(&["-l", "drip?numbytes=10485760&duration=6"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("the download under way", Duration::from_secs(10), |s| {
        s.contains("IN FLIGHT") && s.contains("drip")
    });
    // Focus the Waterfall: its border turns heavy (▶4) while in flight.
    tmux.keys(&["4"]);
    let screen = tmux.wait_for("the Waterfall focused", Duration::from_secs(5), |s| {
        s.contains("▶4 Waterfall")
    });
    assert!(
        screen.contains("IN FLIGHT"),
        "the key waited for the download:\n{screen}"
    );
    // The Wire pane to hex, and back to text.
    tmux.keys(&["2", "x"]);
    let screen = tmux.wait_for("Wire in hex", Duration::from_secs(5), |s| {
        s.contains("Wire · hex")
    });
    assert!(screen.contains("IN FLIGHT"), "{screen}");
    tmux.keys(&["x"]);
    let screen = tmux.wait_for("Wire in text", Duration::from_secs(5), |s| {
        s.contains("Wire · text")
    });
    assert!(screen.contains("IN FLIGHT"), "{screen}");
    tmux.wait_for("the download done", Duration::from_secs(30), |s| {
        s.contains("DONE 200")
    });
    tmux.keys(&["q"]);
}

//! End to end: `wirescope lesson raw-get` in a real pseudo-terminal (tmux)
//! at the projector size, 100×30. It opens lesson mode on the first
//! question; `→` sends the request (for real, to the embedded demo
//! server) and the reveal plays; `n` moves on until the explanation shows
//! with its facts checked and the 200 in the response; `q` quits with
//! exit status 0. Skipped (with a note) when tmux is not installed.

use crate::common;

use std::time::{Duration, Instant};

use common::tmux::{tmux_installed, wait_for_file, Tmux};

#[test]
fn lesson_raw_get_plays_to_its_explanation_and_quits_cleanly() {
    if !tmux_installed() {
        eprintln!("NOTE: tmux is not installed; skipping the end-to-end lesson test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exit_file = dir.path().join("exit");
    let bin = env!("CARGO_BIN_EXE_wirescope");
    let tmux = Tmux::new("lesson-e2e");
    let script = format!(
        "'{bin}' lesson raw-get; echo EXIT=$? > '{}'",
        exit_file.display()
    );
    let out = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "30",
        "sh",
        "-c",
        &script,
    ]);
    assert!(out.status.success(), "tmux new-session failed: {out:?}");

    let screen = tmux.wait_for("the first question", Duration::from_secs(15), |s| {
        s.contains("? We send four short lines") && s.contains("[QUESTION]")
    });
    assert!(screen.contains("step 1/2"), "{screen}");
    assert!(
        !screen.contains("200 OK"),
        "no answer before the question: {screen}"
    );

    // → sends; the request's bytes appear with CR LF visible.
    tmux.keys(&["Right"]);
    tmux.wait_for("the request bytes", Duration::from_secs(15), |s| {
        s.contains("GET /get HTTP/1.1\\r\\n") && s.contains("slow motion ×")
    });
    // n moves on a scene at a time, until the explanation.
    let start = Instant::now();
    while !tmux.screen().contains("[EXPLANATION]") {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no explanation: {}",
            tmux.screen()
        );
        tmux.keys(&["n"]);
        std::thread::sleep(Duration::from_millis(400));
    }
    let screen = tmux.wait_for("the facts checked", Duration::from_secs(10), |s| {
        s.contains("✓ status 200") && s.contains("200 · 2xx success")
    });
    assert!(screen.contains("✓ method GET"), "{screen}");
    assert!(screen.contains("HTTP/1.1 200 OK\\r\\n"), "{screen}");
    assert!(screen.contains("real timings scaled"), "{screen}");

    tmux.keys(&["q"]);
    let exit = wait_for_file(&exit_file, Duration::from_secs(10));
    assert_eq!(
        exit.as_deref(),
        Some("EXIT=0\n"),
        "the process must exit cleanly"
    );
}

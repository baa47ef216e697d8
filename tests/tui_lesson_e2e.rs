//! End to end: `wirescope lesson raw-get` in a real pseudo-terminal (tmux)
//! at the projector size, 100×30. It opens lesson mode on the first
//! question; `→` sends the request (for real, to the embedded demo
//! server) and the reveal plays; `n` moves on until the explanation shows
//! with its facts checked and the 200 in the response; `q` quits with
//! exit status 0. Skipped (with a note) when tmux is not installed.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket), killed however the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("running tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(out.status.success(), "send-keys failed: {out:?}");
    }

    /// Polls the screen until `ok` holds, for at most `limit`.
    fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > limit {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn tmux_installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn wait_for_file(path: &Path, limit: Duration) -> Option<String> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(s) = std::fs::read_to_string(path) {
            if s.ends_with('\n') {
                return Some(s);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn lesson_raw_get_plays_to_its_explanation_and_quits_cleanly() {
    if !tmux_installed() {
        eprintln!("NOTE: tmux is not installed; skipping the end-to-end lesson test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exit_file = dir.path().join("exit");
    let bin = env!("CARGO_BIN_EXE_wirescope");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmux = Tmux {
        socket: format!("wirescope-lesson-e2e-{}-{nanos}", std::process::id()),
    };
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

//! `wirescope capture -- CMD` in a terminal (tmux): the TUI opens, the
//! program's exchanges arrive in History grouped by the program's
//! connections, its output goes to the `--child-output` file, and `q`
//! ends the program and removes the run's CA.

use std::time::{Duration, Instant};

use crate::capture::recording_upstream;
use crate::tui_e2e::launch;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captured_exchanges_arrive_in_the_tui_by_connection() {
    let (srv, seen) = recording_upstream().await;
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("child.log");
    let script = dir.path().join("prog.sh");
    // Two curls: two program connections. Then it waits to be ended.
    std::fs::write(
        &script,
        format!(
            "echo \"bundle=$SSL_CERT_FILE\"\ncurl -s {u}\ncurl -s {u}\nexec sleep 30\n",
            u = srv.url("/from-the-program")
        ),
    )
    .expect("script");
    let args = format!(
        "capture --child-output '{}' -- sh '{}'",
        log.display(),
        script.display()
    );
    let Some(tmux) = launch("capture", "120", "40", &args) else {
        return;
    };
    let screen = tokio::task::spawn_blocking(move || {
        let s = tmux.wait_for("two captured exchanges", Duration::from_secs(20), |s| {
            s.contains("prog #1") && s.contains("prog #2")
        });
        (tmux, s)
    })
    .await
    .expect("join");
    let (tmux, s) = screen;
    assert!(s.contains("/from-the-program"), "{s}");
    assert!(s.contains("the program's connection"), "{s}");
    assert_eq!(
        seen.lock().expect("lock").len(),
        2,
        "upstream saw two connections"
    );
    let text = std::fs::read_to_string(&log).expect("the program's output file");
    assert!(
        text.contains("ok\nok\n"),
        "its output went to the file: {text}"
    );
    let bundle = text
        .lines()
        .find_map(|l| l.strip_prefix("bundle="))
        .map(std::path::PathBuf::from)
        .expect("the program saw SSL_CERT_FILE");
    let ca_dir = bundle.parent().expect("dir").to_path_buf();
    assert!(ca_dir.exists());
    tmux.keys(&["q"]);
    let start = Instant::now();
    while ca_dir.exists() && start.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !ca_dir.exists(),
        "q ended the program and removed {}",
        ca_dir.display()
    );
}

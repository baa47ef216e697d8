//! `--rate N/s`: requests to one host spaced on the client, checked
//! against the times a server stamped as each request arrived, and the
//! demo server's rate-limited route (a burst meets 429, a paced run none).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common;

/// A server that stamps when each request's head arrived.
async fn stamping(stamps: Arc<Mutex<Vec<Instant>>>) -> common::TestServer {
    common::serve(move |mut s| {
        let stamps = stamps.clone();
        async move {
            loop {
                let head = common::read_head(&mut s).await;
                if head.is_empty() {
                    return;
                }
                if let Ok(mut v) = stamps.lock() {
                    v.push(Instant::now());
                }
                use tokio::io::AsyncWriteExt;
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    .await;
            }
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_are_spaced_as_the_server_saw_them() {
    let stamps = Arc::new(Mutex::new(Vec::new()));
    let srv = stamping(stamps.clone()).await;
    let url = srv.url("/");
    let out =
        common::send_cmd(&["--rate", "4/s", "--format", "json", &url, &url, &url, &url]).await;
    let docs = common::ok_json_lines(&out);
    assert_eq!(docs.len(), 4);
    let seen = stamps.lock().unwrap().clone();
    assert_eq!(seen.len(), 4);
    // 250 ms apart at the server (a little less allowed for scheduling).
    for pair in seen.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(200), "arrivals {gap:?} apart");
    }
    // Each wait is said, and is not in the exchange's own timings.
    let said = docs
        .iter()
        .filter(|d| d["warnings"].to_string().contains("under --rate 4/s"))
        .count();
    assert!(said >= 2, "{docs:?}");
    for d in &docs {
        assert!(
            d["timings"]["total"].as_f64().unwrap() < 200.0,
            "{}",
            d["timings"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_past_the_max_wait_stops_the_run_with_its_own_exit_code() {
    let stamps = Arc::new(Mutex::new(Vec::new()));
    let srv = stamping(stamps.clone()).await;
    let url = srv.url("/");
    let out = common::send_cmd(&["--rate", "1/m", "--rate-max-wait", "0.5", &url, &url]).await;
    assert_eq!(
        out.status.code(),
        Some(18),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rate-limit") && stderr.contains("--rate-max-wait"),
        "{stderr}"
    );
    assert_eq!(
        stamps.lock().unwrap().len(),
        1,
        "the second request never left"
    );
    let bad = common::send_cmd(&["--rate", "fast", &url]).await;
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--rate"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_run_meets_no_429_where_a_burst_does() {
    let demo = wirescope::demo::DemoServer::start(wirescope::demo::DemoConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    })
    .await
    .unwrap();
    let statuses = |out: &std::process::Output| -> Vec<u64> {
        common::json_lines(out)
            .iter()
            .filter_map(|d| d["status"].as_u64())
            .collect()
    };
    let burst = format!("{}/rate-limited?limit=2&per=1&key=burst", demo.base_url());
    let out = common::send_cmd(&["--format", "json", &burst, &burst, &burst, &burst]).await;
    assert!(statuses(&out).contains(&429), "{:?}", statuses(&out));
    let paced = format!("{}/rate-limited?limit=2&per=1&key=paced", demo.base_url());
    let out = common::send_cmd(&[
        "--rate", "2/s", "--format", "json", &paced, &paced, &paced, &paced,
    ])
    .await;
    assert_eq!(statuses(&out), vec![200; 4]);
}

//! Every built-in lesson runs end to end, headless, against the embedded
//! demo server, and each step shows the facts its text claims (status,
//! method after a redirect, 304, retry count, reused connection, HTTP/2
//! stream count, TLS failure phase). A broken lesson file is reported with
//! its file, line and problem.

use wirescope::lesson::{builtin, figures, parse, play, Stage};

async fn run_lesson(name: &str) {
    let (_, text) = builtin::find(name).expect("built-in lesson");
    let lesson = parse(name, text).expect("parses");
    let stage = Stage::start().await.expect("stage");
    for (i, step) in lesson.steps.iter().enumerate() {
        let outcome = stage.run(step).await.expect("step runs");
        let bad = outcome.check(&step.expect);
        assert!(
            bad.is_empty(),
            "{name} step {} ({}): {bad:?}",
            i + 1,
            step.title
        );
        assert!(!outcome.exchanges.is_empty());
        let filled = figures::fill(&step.explanation, step, &outcome);
        assert!(filled.is_ok(), "{name} step {}: {filled:?}", i + 1);
        let unvouched = figures::unvouched(step, &outcome);
        assert!(
            unvouched.is_empty(),
            "{name} step {} ({}) states numbers its run does not show: {unvouched:?}",
            i + 1,
            step.title
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_raw_get() {
    run_lesson("raw-get").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_content_length() {
    run_lesson("content-length").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_methods() {
    run_lesson("methods").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_status_families() {
    run_lesson("status-families").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_compression() {
    run_lesson("compression").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_etag() {
    run_lesson("etag").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_cold_warm() {
    run_lesson("cold-warm").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_timeouts() {
    run_lesson("timeouts").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_retries() {
    run_lesson("retries").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_redirects() {
    run_lesson("redirects").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_http2() {
    run_lesson("http2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_tls() {
    run_lesson("tls").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_idempotency() {
    run_lesson("idempotency").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_auth() {
    run_lesson("auth").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_rate_limits() {
    run_lesson("rate-limits").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_stale_connections() {
    run_lesson("stale-connections").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playback_prints_questions_bytes_and_explanations() {
    let (_, text) = builtin::find("raw-get").unwrap();
    let lesson = parse("raw-get", text).unwrap();
    let stage = Stage::start().await.unwrap();
    let mut out = Vec::new();
    let failed = play::play(&lesson, &stage, play::Pace::Auto, &mut out)
        .await
        .unwrap();
    assert_eq!(failed, 0);
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("? We send four short lines"), "{s}");
    assert!(s.contains("> GET /get HTTP/1.1\\r\\n"), "{s}");
    assert!(s.contains("< HTTP/1.1 200 OK"), "{s}");
    assert!(s.contains("! HTTP/1.1 is text"), "{s}");
    assert!(s.contains("✓"), "{s}");
}

#[test]
fn a_lesson_with_a_mistake_names_file_line_and_problem() {
    let text = "title = \"Mine\"\n\n[[step]]\ntitle = \"one\"\nquestion = \"?\"\nexplanation = \"!\"\nrequest = { url = \"{{demo}}/get\", follow = true }\n";
    let e = parse("my-lesson.toml", text).unwrap_err();
    assert!(e.starts_with("my-lesson.toml:7:"), "{e}");
    assert!(e.contains("unknown field `follow`"), "{e}");
}

#[test]
fn a_claim_that_does_not_hold_is_reported() {
    let expect = wirescope::lesson::Expect {
        status: Some(200),
        ..Default::default()
    };
    let bad = wirescope::lesson::Outcome::default().check(&expect);
    assert_eq!(bad, vec!["status: expected 200, got none".to_string()]);
}

//! Redirects and retries against the demo server: each hop and attempt is
//! its own exchange, the method/body rules hold, credentials stay with
//! their origin, loops and limits stop with the hops listed.

use crate::common;

use std::time::Duration;

use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::wire::policy::{self, Cause, Flow, Stop};
use wirescope::wire::{Probe, RequestSpec, Session};

async fn demo() -> DemoServer {
    DemoServer::start(DemoConfig::default())
        .await
        .expect("demo")
}

fn post(url: String) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.method = "POST".into();
    s.headers = vec![("Content-Type".into(), "application/json".into())];
    s.body = Some(br#"{"k":"v"}"#.to_vec());
    s.options.redirects.follow = true;
    s
}

async fn run(spec: &RequestSpec) -> Flow {
    policy::run(&Session::new(), spec, &mut |_| Probe::none()).await
}

fn echoed(flow: &Flow) -> serde_json::Value {
    let body = &flow.last().unwrap().response.as_ref().unwrap().body;
    serde_json::from_slice(body).expect("json echo")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_and_body_follow_the_status_rules() {
    let d = demo().await;
    for (status, method, body) in [
        (301, "GET", ""),
        (302, "GET", ""),
        (303, "GET", ""),
        (307, "POST", r#"{"k":"v"}"#),
        (308, "POST", r#"{"k":"v"}"#),
    ] {
        let url = format!(
            "{}/redirect-to?url=/anything&status_code={status}",
            d.base_url()
        );
        let flow = run(&post(url)).await;
        assert_eq!(flow.hops.len(), 2, "{status}");
        let e = echoed(&flow);
        assert_eq!(e["method"], method, "{status}");
        assert_eq!(e["body"], body, "{status}");
        match &flow.hops[1].cause {
            Cause::Redirect { status: s, rule } => {
                assert_eq!(*s, status);
                assert!(rule.starts_with(&status.to_string()), "{rule}");
            }
            other => panic!("{other:?}"),
        }
        // Each hop has its own bytes.
        assert!(flow.hops[1]
            .exchange
            .transcript
            .sent
            .starts_with(format!("{method} /anything").as_bytes()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_stay_with_their_origin() {
    let (a, b) = (demo().await, demo().await);
    let target = format!("{}/headers", b.base_url());
    let mut s = RequestSpec::get(format!("{}/redirect-to?url={}", a.base_url(), target));
    s.options.redirects.follow = true;
    s.headers = vec![
        ("Authorization".into(), "Bearer secret-token".into()),
        ("Cookie".into(), "session=abc".into()),
        ("X-Keep".into(), "yes".into()),
    ];
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 2);
    let headers = echoed(&flow)["headers"].to_string().to_lowercase();
    assert!(
        !headers.contains("authorization") && !headers.contains("cookie"),
        "{headers}"
    );
    assert!(headers.contains("x-keep"));
    assert!(
        flow.hops[1].notes[0].contains("Authorization, Cookie dropped"),
        "{:?}",
        flow.hops[1].notes
    );
    // Same origin keeps them.
    let mut same = s.clone();
    same.url = format!("{}/redirect-to?url=/headers", a.base_url());
    let headers = echoed(&run(&same).await)["headers"]
        .to_string()
        .to_lowercase();
    assert!(headers.contains("authorization"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loops_limits_and_foreign_schemes_stop_clearly() {
    let d = demo().await;
    let mut s = RequestSpec::get(format!("{}/redirect/5", d.base_url()));
    s.options.redirects.follow = true;
    s.options.redirects.max = 3;
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 4);
    match &flow.stopped {
        Some(Stop::Redirect(m)) => assert!(
            m.contains("after 3 redirects") && m.contains("/redirect/5 → "),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }

    // A server whose every answer is a redirect to /a or /b: a → b → a.
    let looping = common::serve(|mut s| async move {
        loop {
            let head = common::read_head(&mut s).await;
            if head.is_empty() {
                return;
            }
            let to = if head.starts_with(b"GET /a ") {
                "/b"
            } else {
                "/a"
            };
            let resp = format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n");
            if tokio::io::AsyncWriteExt::write_all(&mut s, resp.as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    })
    .await;
    let mut s = RequestSpec::get(looping.url("/a"));
    s.options.redirects.follow = true;
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 2);
    assert!(
        flow.stopped
            .as_ref()
            .unwrap()
            .message()
            .contains("redirect loop"),
        "{:?}",
        flow.stopped
    );

    let mut s = RequestSpec::get(format!(
        "{}/redirect-to?url=ftp://example.test/",
        d.base_url()
    ));
    s.options.redirects.follow = true;
    let flow = run(&s).await;
    assert!(flow.stopped.unwrap().message().contains("ftp"));

    // Without -L a redirect is just a response.
    let flow = run(&RequestSpec::get(format!("{}/redirect/1", d.base_url()))).await;
    assert_eq!((flow.hops.len(), flow.stopped), (1, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_succeeds_after_growing_waits() {
    let d = demo().await;
    let mut s = RequestSpec::get(format!("{}/flaky?fail=2&key=grow", d.base_url()));
    s.options.retry.attempts = 4;
    s.options.retry.backoff = Duration::from_millis(100);
    let flow = run(&s).await;
    let statuses: Vec<u16> = flow
        .hops
        .iter()
        .map(|h| h.exchange.response.as_ref().unwrap().status)
        .collect();
    assert_eq!(statuses, vec![503, 503, 200]);
    let waits: Vec<Duration> = flow
        .hops
        .iter()
        .filter_map(|h| match h.cause {
            Cause::Retry { waited, .. } => Some(waited),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 2);
    assert!(waits[0] >= Duration::from_millis(50) && waits[0] < Duration::from_millis(100));
    assert!(waits[1] >= Duration::from_millis(100) && waits[1] < Duration::from_millis(200));
    // The waits are gaps between the exchanges.
    let gap = flow.hops[1]
        .exchange
        .timeline
        .started_at
        .duration_since(flow.hops[0].exchange.timeline.started_at)
        .unwrap();
    assert!(gap >= waits[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_capped() {
    let d = demo().await;
    let mut s = RequestSpec::get(format!("{}/retry-after?after=1&key=ra", d.base_url()));
    s.options.retry.attempts = 3;
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 2);
    assert!(
        matches!(flow.hops[1].cause, Cause::Retry { waited, .. } if waited == Duration::from_secs(1))
    );
    assert_eq!(flow.last().unwrap().response.as_ref().unwrap().status, 200);

    let mut s = RequestSpec::get(format!("{}/retry-after?after=120&key=long", d.base_url()));
    s.options.retry.attempts = 3;
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 1);
    assert!(flow
        .stopped
        .unwrap()
        .message()
        .contains("more than the 30 s maximum wait"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_is_not_retried_unless_allowed() {
    let d = demo().await;
    let mut s = post(format!("{}/flaky?fail=1&key=post", d.base_url()));
    s.options.retry.attempts = 3;
    s.options.retry.backoff = Duration::from_millis(10);
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 1);
    assert!(flow
        .stopped
        .unwrap()
        .message()
        .contains("POST is not idempotent"));

    s.options.retry.non_idempotent = true;
    s.url = format!("{}/flaky?fail=1&key=post2", d.base_url());
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 2);
    assert_eq!(flow.last().unwrap().response.as_ref().unwrap().status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_failures_are_retried() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut s = RequestSpec::get(format!("http://{dead}/"));
    s.options.retry.attempts = 3;
    s.options.retry.backoff = Duration::from_millis(10);
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 3);
    assert!(flow
        .stopped
        .unwrap()
        .message()
        .contains("gave up after 3 attempts"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_different_locations_are_not_followed() {
    let srv = common::canned(
        b"HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n",
        false,
    )
    .await;
    let mut s = RequestSpec::get(srv.url("/"));
    s.options.redirects.follow = true;
    let flow = run(&s).await;
    assert_eq!(flow.hops.len(), 1, "nothing followed");
    let Some(Stop::Redirect(why)) = &flow.stopped else {
        panic!("not stopped: {:?}", flow.stopped);
    };
    assert!(why.contains("2 different Location headers"), "{why}");
    assert!(why.contains("/a | /b"), "{why}");
}

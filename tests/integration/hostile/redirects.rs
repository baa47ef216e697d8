//! Hostile redirects, followed with `wire::policy::run`: loops, 60 hops,
//! credentials carried across host, port and scheme, targets that are not
//! http(s), and Locations that are missing, invalid or full of controls.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use wirescope::wire::policy::{run, Flow, Stop};
use wirescope::wire::{Probe, RequestSpec, Session, Verify};

use super::server::*;

/// Request heads a server received, in order.
type Seen = Arc<Mutex<Vec<String>>>;

/// A keep-alive server answering each request with `route(path)`, and
/// recording every request head.
async fn router(route: fn(&str, u16) -> Vec<u8>) -> (Hostile, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let port = Arc::new(std::sync::OnceLock::<u16>::new());
    let p = port.clone();
    let srv = Hostile::start(handler(move |mut s| {
        let (log, p) = (log.clone(), p.clone());
        async move {
            loop {
                let head = read_head(&mut s).await;
                if head.is_empty() {
                    return;
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let path = text.split(' ').nth(1).unwrap_or("/").to_string();
                log.lock().expect("log").push(text);
                let port = p.get().copied().unwrap_or(0);
                if s.write_all(&route(&path, port)).await.is_err() {
                    return;
                }
            }
        }
    }))
    .await;
    let _ = port.set(srv.addr.port());
    (srv, seen)
}

fn redirect(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

/// Redirects `/go?to=URL` to URL.
fn bounce(path: &str, _port: u16) -> Vec<u8> {
    let to = path.split_once("?to=").map_or("", |(_, t)| t);
    redirect(to)
}

fn ok() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()
}

fn following(url: String, max: u32) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.options = quick_options();
    s.options.redirects.follow = true;
    s.options.redirects.max = max;
    s
}

/// Runs the flow, checks each hop is bounded and terminal-safe, and the
/// whole flow took at most `limit`.
async fn flow(spec: &RequestSpec, limit: Duration) -> Flow {
    let started = Instant::now();
    let f = run(&Session::new(), spec, &mut |_| Probe::none()).await;
    assert!(started.elapsed() <= limit, "took {:?}", started.elapsed());
    for hop in &f.hops {
        bounded(spec, &hop.exchange);
        terminal_safe(&hop.exchange);
        for n in &hop.notes {
            assert!(first_unsafe(n).is_none(), "{n:?}");
        }
    }
    if let Some(stop) = &f.stopped {
        assert!(first_unsafe(stop.message()).is_none(), "{stop:?}");
    }
    f
}

fn stopped_with(f: &Flow, says: &str) {
    match &f.stopped {
        Some(Stop::Redirect(m)) => assert!(m.contains(says), "{m}"),
        other => panic!("wanted a redirect stop saying {says:?}, got {other:?}"),
    }
}

fn credentials(spec: &mut RequestSpec) {
    spec.headers = vec![
        ("Authorization".into(), "Bearer s3cret".into()),
        ("Cookie".into(), "session=s3cret".into()),
        ("X-Keep".into(), "kept".into()),
    ];
}

/// Credentials went to the first request and not to the one that landed.
fn credentials_dropped(f: &Flow, first: &[String], landed: &[String]) {
    assert!(
        first[0].contains("Authorization: Bearer s3cret"),
        "{}",
        first[0]
    );
    let last = landed.last().expect("the target was reached");
    assert!(!last.contains("s3cret"), "{last}");
    assert!(last.contains("X-Keep: kept"), "{last}");
    let notes = f.hops[1].notes.join(" ");
    assert!(notes.contains("Authorization, Cookie dropped"), "{notes}");
    assert!(f.stopped.is_none(), "{:?}", f.stopped);
    assert_eq!(
        f.last().and_then(|e| e.response.as_ref()).map(|r| r.status),
        Some(200)
    );
}

cases! {
    redirect_loop => async {
        let (srv, _) = router(|p, _| match p {
            "/a" => redirect("/b"),
            _ => redirect("/a"),
        })
        .await;
        let f = flow(&following(srv.url("/a"), 50), Duration::from_secs(3)).await;
        stopped_with(&f, "redirect loop");
        assert_eq!(f.hops.len(), 2);
    };

    redirect_to_itself => async {
        let (srv, _) = router(|_, _| redirect("/self")).await;
        let f = flow(&following(srv.url("/self"), 50), Duration::from_secs(3)).await;
        stopped_with(&f, "redirect loop");
        assert_eq!(f.hops.len(), 1);
    };

    sixty_hops_stop_at_the_limit => async {
        let (srv, _) = router(|p, _| {
            let n: u32 = p.trim_start_matches("/hop/").parse().unwrap_or(0);
            if n >= 60 { ok() } else { redirect(&format!("/hop/{}", n + 1)) }
        })
        .await;
        let f = flow(&following(srv.url("/hop/0"), 10), Duration::from_secs(5)).await;
        stopped_with(&f, "stopped after 10 redirects (the limit)");
        assert_eq!(f.hops.len(), 11);
        assert_eq!(srv.accepted(), 1, "hops reuse the connection");
    };

    sixty_hops_followed_to_the_end => async {
        let (srv, seen) = router(|p, _| {
            let n: u32 = p.trim_start_matches("/hop/").parse().unwrap_or(0);
            if n >= 60 { ok() } else { redirect(&format!("/hop/{}", n + 1)) }
        })
        .await;
        let f = flow(&following(srv.url("/hop/0"), 100), Duration::from_secs(10)).await;
        assert!(f.stopped.is_none(), "{:?}", f.stopped);
        assert_eq!(f.hops.len(), 61);
        assert_eq!(seen.lock().expect("seen").len(), 61);
    };

    cross_host_drops_credentials => async {
        // 127.0.0.1 and localhost are one server but two origins.
        let (srv, seen) = router(|p, port| match p {
            "/start" => redirect(&format!("http://localhost:{port}/landed")),
            _ => ok(),
        })
        .await;
        let mut spec = following(srv.url("/start"), 5);
        credentials(&mut spec);
        let f = flow(&spec, Duration::from_secs(5)).await;
        let seen = seen.lock().expect("seen").clone();
        credentials_dropped(&f, &seen[..1], &seen[1..]);
    };

    cross_port_drops_credentials => async {
        let (target, landed) = router(|_, _| ok()).await;
        let (srv, first) = router(bounce).await;
        let mut spec = following(format!("{}?to={}", srv.url("/go"), target.url("/landed")), 5);
        credentials(&mut spec);
        let f = flow(&spec, Duration::from_secs(5)).await;
        let (first, landed) = (first.lock().expect("seen").clone(), landed.lock().expect("seen").clone());
        credentials_dropped(&f, &first, &landed);
    };

    cross_scheme_drops_credentials => async {
        let (tls, landed) = super::tls::https_router().await;
        let (srv, first) = router(bounce).await;
        let mut spec = following(format!("{}?to=https://{}/landed", srv.url("/go"), tls.addr), 5);
        spec.options.tls.verify = Verify::Off;
        credentials(&mut spec);
        let f = flow(&spec, Duration::from_secs(5)).await;
        let (first, landed) = (first.lock().expect("seen").clone(), landed.lock().expect("seen").clone());
        credentials_dropped(&f, &first, &landed);
        assert!(f.last().is_some_and(|e| e.insecure));
    };

    non_http_schemes_are_not_followed => async {
        for (to, scheme) in [
            ("ftp://127.0.0.1/file", "ftp:"),
            ("file:///etc/passwd", "file:"),
            ("javascript:alert(1)", "javascript:"),
            ("data:text/html,hi", "data:"),
            ("gopher://127.0.0.1:70/", "gopher:"),
        ] {
            let (srv, _) = router(bounce).await;
            let f = flow(&following(format!("{}?to={to}", srv.url("/go")), 5), Duration::from_secs(3)).await;
            stopped_with(&f, &format!("will not follow a redirect to a {scheme} URL"));
            assert_eq!(f.hops.len(), 1);
        }
    };

    redirect_without_location => async {
        let (srv, _) = router(|_, _| b"HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n".to_vec()).await;
        let f = flow(&following(srv.url("/"), 5), Duration::from_secs(3)).await;
        stopped_with(&f, "301 without a Location header");
    };

    redirect_to_an_invalid_url => async {
        let (srv, _) = router(|_, _| redirect("http://[::1")).await;
        let f = flow(&following(srv.url("/"), 5), Duration::from_secs(3)).await;
        stopped_with(&f, "is not a valid URL");
    };

    redirect_with_hostile_location_bytes => async {
        let (srv, _) = router(|p, _| match p {
            "/" => b"HTTP/1.1 302 Found\r\nLocation: /\xff\xfe\xc2\x9b2J\xe2\x80\xaeevil\r\nContent-Length: 0\r\n\r\n".to_vec(),
            _ => ok(),
        })
        .await;
        let f = flow(&following(srv.url("/"), 5), Duration::from_secs(3)).await;
        assert!(f.hops.len() <= 2, "{}", f.hops.len());
    };

    /// Latin-1 bytes in a Location are sent on percent-encoded, as a
    /// browser would, not as the `\xE9` text the header list shows.
    redirect_with_latin1_location => async {
        let (srv, seen) = router(|p, _| match p {
            "/" => b"HTTP/1.1 302 Found\r\nLocation: /caf\xe9?q=\xff\r\nContent-Length: 0\r\n\r\n".to_vec(),
            _ => ok(),
        })
        .await;
        let f = flow(&following(srv.url("/"), 5), Duration::from_secs(3)).await;
        assert!(f.stopped.is_none(), "{:?}", f.stopped);
        let heads = seen.lock().expect("log").clone();
        assert!(heads[1].starts_with("GET /caf%E9?q=%FF HTTP/1.1"), "{}", heads[1]);
    };

    redirect_to_a_dead_port => async {
        let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
        let (srv, _) = router(bounce).await;
        let f = flow(&following(format!("{}?to=http://{dead}/", srv.url("/go")), 5), Duration::from_secs(3)).await;
        let last = f.last().expect("two hops");
        assert_eq!(f.hops.len(), 2);
        assert_eq!(last.error.as_ref().map(|e| e.phase), Some(wirescope::wire::ErrorPhase::Connect));
    };
}

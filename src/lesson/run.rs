//! Running lesson steps offline: a stage with the embedded demo server
//! (http and https) and a black-hole address, placeholders expanded, each
//! step's request sent as the step says (one flow, N at once, N repeated,
//! revalidated), and the facts its explanation claims checked.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

use super::model::{Expect, Step, StepRequest};
use crate::demo::{DemoConfig, DemoServer};
use crate::wire::policy::{self, conditional};
use crate::wire::{Exchange, HttpVersion, Probe, RequestSpec, Session, TlsOptions, Verify};

/// Everything a lesson talks to, all on loopback.
pub struct Stage {
    http: DemoServer,
    tls: DemoServer,
    blackhole: SocketAddr,
    // Held so the black hole's queue stays full.
    _hole: (TcpListener, Vec<TcpStream>),
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub exchanges: Vec<Exchange>,
    /// Things said about the run (a stopped redirect, a revalidation).
    pub notes: Vec<String>,
}

impl Stage {
    pub async fn start() -> std::io::Result<Stage> {
        let http = DemoServer::start(DemoConfig::default()).await?;
        let tls = DemoServer::start(DemoConfig {
            tls: true,
            ..DemoConfig::default()
        })
        .await?;
        // A listener whose accept queue is full: the kernel drops further
        // SYNs, so a connect to it hangs until the connect timeout.
        let sock = tokio::net::TcpSocket::new_v4()?;
        sock.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let listener = sock.listen(0)?;
        let blackhole = listener.local_addr()?;
        let mut fillers = Vec::new();
        for _ in 0..8 {
            if let Ok(Ok(s)) =
                tokio::time::timeout(Duration::from_millis(100), TcpStream::connect(blackhole))
                    .await
            {
                fillers.push(s);
            }
        }
        Ok(Stage {
            http,
            tls,
            blackhole,
            _hole: (listener, fillers),
        })
    }

    pub fn demo_url(&self) -> String {
        self.http.base_url()
    }

    /// `{{demo}}`, `{{demo_tls}}`, `{{host}}`, `{{blackhole}}` filled in.
    pub fn expand(&self, s: &str) -> String {
        s.replace("{{demo_tls}}", &self.tls.base_url())
            .replace("{{demo}}", &self.http.base_url())
            .replace("{{host}}", &self.http.addr().to_string())
            .replace("{{blackhole}}", &self.blackhole.to_string())
    }

    /// The spec a step's request stands for.
    pub fn spec(&self, r: &StepRequest) -> Result<RequestSpec, String> {
        let url = match (r.url.trim().is_empty(), r.batch.first()) {
            (true, Some(first)) => first,
            _ => &r.url,
        };
        let mut spec = RequestSpec::get(self.expand(url));
        spec.method = match (&r.method, &r.body) {
            (Some(m), _) => m.clone(),
            (None, Some(_)) => "POST".into(),
            (None, None) => "GET".into(),
        };
        for h in &r.headers {
            let (n, v) = h
                .split_once(':')
                .ok_or_else(|| format!("header '{h}' has no ':'"))?;
            spec.headers
                .push((n.trim().to_string(), v.trim_start().to_string()));
        }
        spec.body = r.body.as_ref().map(|b| b.clone().into_bytes());
        spec.raw = r.raw.as_ref().map(|b| self.expand(b).into_bytes());
        let o = &mut spec.options;
        o.redirects.follow = r.follow_redirects;
        o.retry.attempts = r.attempts.unwrap_or(1);
        o.retry.non_idempotent = r.retry_non_idempotent;
        if let Some(ms) = r.retry_delay_ms {
            o.retry.backoff = Duration::from_millis(ms);
        }
        o.http = match r.http.as_deref() {
            None | Some("auto") => HttpVersion::Auto,
            Some("1.1") => HttpVersion::Http1,
            Some("2") => HttpVersion::Http2,
            Some("h2c") => HttpVersion::Http2PriorKnowledge,
            Some(other) => return Err(format!("http = '{other}': use auto, 1.1, 2 or h2c")),
        };
        if let Some(rate) = &r.rate {
            let per_second = crate::wire::policy::rate::parse_rate(rate)
                .map_err(|m| format!("rate = '{rate}': {m}"))?;
            o.rate = Some(crate::wire::policy::rate::RateLimit::new(
                per_second,
                Duration::from_secs(30),
            ));
        }
        if let Some(ms) = r.connect_timeout_ms {
            o.connect_timeout = Duration::from_millis(ms);
        }
        if let Some(ms) = r.read_timeout_ms {
            o.read_timeout = Duration::from_millis(ms);
        }
        o.tls = TlsOptions {
            verify: if r.insecure { Verify::Off } else { Verify::On },
            ca_file: if r.trust_demo_ca {
                self.tls.ca_path().map(|p| p.to_path_buf())
            } else {
                None
            },
            ..TlsOptions::default()
        };
        Ok(spec)
    }

    /// Runs one step on a session of its own, so each step starts cold
    /// and runs the same way every time.
    pub async fn run(&self, step: &Step) -> Result<Outcome, String> {
        let r = &step.request;
        let spec = self.spec(r)?;
        let session = Session::new();
        let mut out = Outcome::default();
        if let Some(n) = r.parallel {
            let tasks: Vec<_> = (0..n)
                .map(|_| {
                    let (s, spec) = (session.clone(), spec.clone());
                    tokio::spawn(async move { s.send(&spec, Probe::none()).await })
                })
                .collect();
            for t in tasks {
                out.exchanges.extend(t.await.ok());
            }
        } else if !r.batch.is_empty() {
            for (i, url) in r.batch.iter().enumerate() {
                pause(r, i).await;
                let mut one = spec.clone();
                one.url = self.expand(url);
                out.exchanges.push(session.send(&one, Probe::none()).await);
            }
        } else if let Some(n) = r.repeat {
            for i in 0..n {
                pause(r, i).await;
                let ex = match r.fresh {
                    true => Session::new().send(&spec, Probe::none()).await,
                    false => session.send(&spec, Probe::none()).await,
                };
                out.exchanges.push(ex);
            }
        } else {
            let flow = policy::run(&session, &spec, &mut |_| Probe::none()).await;
            out.notes
                .extend(flow.stopped.as_ref().map(|s| s.message().to_string()));
            out.exchanges
                .extend(flow.hops.into_iter().map(|h| h.exchange));
            if r.revalidate {
                let url = out
                    .exchanges
                    .last()
                    .map(|e| e.url.clone())
                    .unwrap_or_default();
                match session.validators(&url) {
                    Some(v) => {
                        let again = conditional::revalidation(&spec, &v);
                        let ex = session.send(&again, Probe::none()).await;
                        out.notes.push(conditional::outcome(&v, &ex));
                        out.exchanges.push(ex);
                    }
                    None => out.notes.push("nothing to revalidate with".into()),
                }
            }
        }
        Ok(out)
    }
}

/// The step's `pause_ms` before every request but the first.
async fn pause(r: &StepRequest, i: usize) {
    if let (Some(ms), true) = (r.pause_ms, i > 0) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

impl Outcome {
    /// The claims of `expect` this run does not bear out (empty: all hold).
    pub fn check(&self, expect: &Expect) -> Vec<String> {
        let mut bad = Vec::new();
        let last = self.exchanges.last();
        let resp = last.and_then(|e| e.response.as_ref());
        let mut claim = |what: &str, want: String, got: String| {
            if want != got {
                bad.push(format!("{what}: expected {want}, got {got}"));
            }
        };
        if let Some(s) = expect.status {
            claim(
                "status",
                s.to_string(),
                resp.map(|r| r.status.to_string()).unwrap_or("none".into()),
            );
        }
        if let Some(w) = &expect.warning {
            // A lesson quotes the words the learner reads on screen.
            let warnings: Vec<String> = last
                .map(|e| e.warnings.iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            let got = warnings.iter().find(|x| x.contains(w.as_str()));
            claim(
                "warning",
                format!("{w:?}"),
                match got {
                    Some(_) => format!("{w:?}"),
                    None => format!("{warnings:?}"),
                },
            );
        }
        if let Some(want) = &expect.statuses {
            let got: Vec<String> = self
                .exchanges
                .iter()
                .map(|e| {
                    e.response
                        .as_ref()
                        .map_or("none".into(), |r| r.status.to_string())
                })
                .collect();
            let want: Vec<String> = want.iter().map(u16::to_string).collect();
            claim("statuses", want.join(", "), got.join(", "));
        }
        if let Some(want) = &expect.each_header {
            let got: Vec<String> = self
                .exchanges
                .iter()
                .zip(want)
                .map(|(e, w)| {
                    let name = w.split_once(':').map_or(w.as_str(), |(n, _)| n.trim());
                    let value = e.response.as_ref().and_then(|r| {
                        r.headers
                            .iter()
                            .find(|(n, _)| n.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v.clone())
                    });
                    format!("{name}: {}", value.as_deref().unwrap_or("(none)"))
                })
                .collect();
            let shown = |v: &[String]| v.join(", ");
            let got = if got.len() == want.len() {
                shown(&got)
            } else {
                format!("{} answers", self.exchanges.len())
            };
            claim("headers", shown(want), got);
        }
        if let Some(m) = &expect.method {
            claim(
                "method",
                m.clone(),
                last.map(|e| e.method.clone()).unwrap_or_default(),
            );
        }
        if let Some(n) = expect.exchanges {
            claim("exchanges", n.to_string(), self.exchanges.len().to_string());
        }
        if let Some(n) = expect.connections {
            let ids: BTreeSet<u64> = self
                .exchanges
                .iter()
                .filter_map(|e| e.connection.as_ref().map(|c| c.id))
                .collect();
            claim("connections", n.to_string(), ids.len().to_string());
        }
        if let Some(r) = expect.reused {
            let got = last.and_then(|e| e.connection.as_ref()).map(|c| c.reused);
            claim(
                "reused",
                r.to_string(),
                got.map(|g| g.to_string()).unwrap_or("none".into()),
            );
        }
        if let Some(p) = &expect.protocol {
            let got = last
                .and_then(|e| e.negotiated.as_ref())
                .map(|n| n.version.to_string());
            claim("protocol", p.clone(), got.unwrap_or("none".into()));
        }
        if let Some(p) = &expect.error_phase {
            let got = last
                .and_then(|e| e.error.as_ref())
                .map(|e| e.phase.name().to_string());
            claim("error phase", p.clone(), got.unwrap_or("none".into()));
        }
        if let Some(b) = &expect.server_saw_body {
            claim(
                "server saw body",
                format!("{b:?}"),
                format!("{:?}", resp.map(server_saw_body).unwrap_or_default()),
            );
        }
        bad
    }
}

/// The request body as the server reported it: `/anything`'s JSON `body`,
/// or what follows the head in `/echo-raw`'s copy of the request.
fn server_saw_body(r: &crate::wire::Response) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&r.body) {
        if let Some(b) = v.get("body").and_then(|b| b.as_str()) {
            return b.to_string();
        }
    }
    match r.body.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => String::from_utf8_lossy(&r.body[i + 4..]).into_owned(),
        None => String::new(),
    }
}

//! Our engine's cost per request against reqwest's, same server (the
//! embedded demo server, in-process on loopback), same run. Criterion
//! reports both; BENCHMARKS.md records the ratio.

use criterion::{criterion_group, criterion_main, Criterion};
use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::wire::{Probe, RequestSpec, Session};

fn small_get(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let demo = rt
        .block_on(DemoServer::start(DemoConfig::default()))
        .expect("demo server");
    let url = format!("{}/get", demo.base_url());

    let mut g = c.benchmark_group("small GET, kept-alive connection");
    let session = Session::new();
    let spec = RequestSpec::get(url.clone());
    g.bench_function("wirescope engine", |b| {
        b.to_async(&rt).iter(|| async {
            let ex = session.send(&spec, Probe::none()).await;
            assert!(ex.is_ok());
        })
    });
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest");
    g.bench_function("reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            let r = client.get(&url).send().await.expect("reqwest send");
            let body = r.bytes().await.expect("body");
            assert!(!body.is_empty());
        })
    });
    g.finish();

    let mut g = c.benchmark_group("small GET, new connection each time");
    g.bench_function("wirescope engine", |b| {
        b.to_async(&rt).iter(|| async {
            let ex = Session::new().send(&spec, Probe::none()).await;
            assert!(ex.is_ok());
        })
    });
    g.bench_function("reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            let client = reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(0)
                .build()
                .expect("reqwest");
            let r = client.get(&url).send().await.expect("reqwest send");
            let body = r.bytes().await.expect("body");
            assert!(!body.is_empty());
        })
    });
    g.finish();
}

criterion_group!(benches, small_get);
criterion_main!(benches);

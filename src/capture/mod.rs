//! `wirescope capture -- CMD`: see what another program puts on the wire.
//!
//! Owns: the run (`run`): a fresh CA (`ca`), the loopback intercepting
//! proxy (`proxy`, the program's request heads in `request`, the upstream
//! leg in `forward`), the program itself (`child`), and what is printed
//! per captured exchange (`record`). Headless for now: the TUI does not
//! show captured exchanges yet, nor is HTTP/2 spoken toward the program.

pub mod ca;
pub mod child;
pub mod forward;
pub mod proxy;
pub mod record;
pub mod request;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use tokio::sync::mpsc;

use proxy::{Event, Shared};

/// `wirescope capture`.
#[derive(Debug, Args)]
#[command(
    after_help = "capture runs headless for now: exchanges are printed (text or JSON Lines) as they complete; the TUI does not show them yet.\nThe program is run with HTTP_PROXY/HTTPS_PROXY (and lowercase), ALL_PROXY, NO_PROXY emptied, and SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, GIT_SSL_CAINFO, CARGO_HTTP_CAINFO, AWS_CA_BUNDLE, DENO_CERT pointing at this run's CA plus the system roots. The CA is made for this run, kept in a private temporary directory and deleted at exit."
)]
pub struct CaptureArgs {
    /// How each captured exchange is printed (on stdout, after the program's own output lines as they come).
    #[arg(long, value_enum, default_value = "text")]
    pub format: CaptureFormat,
    /// Trust this PEM file's CAs (as well as the system's) for the upstream servers.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Write the captured exchanges to this file as well (not done yet: refused).
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// The program and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CaptureFormat {
    Text,
    Json,
}

/// Runs the capture; returns the exit code (the program's).
pub fn main(args: CaptureArgs) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirescope capture: starting the runtime: {e}");
            return 1;
        }
    };
    let code = rt.block_on(run(args));
    // Connection tasks still open (a program's idle keep-alive) end here.
    rt.shutdown_background();
    code
}

async fn run(args: CaptureArgs) -> i32 {
    let say = |m: &str| eprintln!("wirescope capture: {m}");
    if args.har.is_some() {
        say("--har is not implemented yet; use --format json");
        return 2;
    }
    let ca = match ca::RunCa::create() {
        Ok(ca) => Arc::new(ca),
        Err(e) => {
            say(&e);
            return 1;
        }
    };
    if ca.system_bundle.is_none() {
        say("no system CA bundle found: the program will trust only the capture CA (its TLS to hosts outside the capture will fail)");
    }
    let mut opts = crate::wire::spec::Options::default();
    opts.tls.ca_file = args.cacert.clone();
    let listener = match proxy::bind().await {
        Ok(l) => l,
        Err(e) => {
            say(&e);
            return 1;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            say(&format!("reading the proxy's address: {e}"));
            return 1;
        }
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let shared = Shared::new(ca.clone(), opts, tx);
    let server = tokio::spawn(proxy::serve(listener, shared.clone()));
    say(&format!(
        "proxy on {addr}; this run's CA in {} (deleted at exit)",
        ca.dir().display()
    ));
    let env = child::environment(addr, ca.bundle());
    let mut kid = match child::spawn(&args.command, &env) {
        Ok(c) => c,
        Err(e) => {
            say(&e);
            return 127;
        }
    };
    let format = args.format;
    let print = |ev: Event| match ev {
        Event::Exchange(c) => {
            let mut out = std::io::stdout().lock();
            let r = match format {
                CaptureFormat::Json => c.write_json(&mut out),
                CaptureFormat::Text => writeln!(out, "{}", c.text_line()),
            };
            if let Err(e) = r.and_then(|_| out.flush()) {
                say(&format!("writing a captured exchange: {e}"));
            }
        }
        Event::Note(m) => say(&m),
    };
    let status = loop {
        tokio::select! {
            st = kid.wait() => break st,
            Some(ev) = rx.recv() => print(ev),
        }
    };
    // The program may exit the moment it has read a response, before the
    // proxy has filed that exchange: give those in flight a moment.
    let settle = std::time::Instant::now();
    while shared.busy() > 0 && settle.elapsed() < std::time::Duration::from_secs(2) {
        while let Ok(ev) = rx.try_recv() {
            print(ev);
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    if shared.busy() > 0 {
        say("the program exited with exchanges still in flight; they are not reported");
    }
    server.abort();
    drop(shared);
    // Exchanges that finished as the program exited are still queued.
    while let Ok(ev) = rx.try_recv() {
        print(ev);
    }
    // Connection tasks may still hold the CA: its files go now regardless.
    ca.remove();
    drop(ca);
    match status {
        Ok(st) => child::exit_code(st),
        Err(e) => {
            say(&format!("waiting for the program: {e}"));
            1
        }
    }
}

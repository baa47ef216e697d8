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

mod sink;
mod stop;
mod tui;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use ca::RunCa;
use proxy::{Event, Shared};
use sink::Sink;
use stop::Stop;

/// `wirescope capture`.
#[derive(Debug, Args)]
#[command(
    after_help = "In a terminal (and without --format or --har) the TUI opens: the program's exchanges arrive in History, grouped by the program's connection, and its output goes to --child-output FILE; q ends the program and the capture. Otherwise exchanges are printed (text or JSON Lines) as they complete.\nThe program is run with HTTP_PROXY/HTTPS_PROXY (and lowercase), ALL_PROXY, NO_PROXY emptied, and SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, GIT_SSL_CAINFO, CARGO_HTTP_CAINFO, AWS_CA_BUNDLE, DENO_CERT pointing at this run's CA plus the system roots. The CA is made for this run, kept in a private temporary directory and deleted at exit.\nCtrl-C (or SIGTERM) ends the program: SIGTERM, then SIGKILL after 3 s."
)]
pub struct CaptureArgs {
    #[command(flatten)]
    pub out: OutputArgs,
    /// In the TUI: where the program's stdout and stderr go (default: a file in the temporary directory, named at start).
    #[arg(long, value_name = "FILE")]
    pub child_output: Option<PathBuf>,
    /// The program and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `wirescope proxy`: the capture proxy without a program.
#[derive(Debug, Args)]
#[command(
    after_help = "The lines to export (proxy and CA variables) are printed on stderr at start; exchanges go to stdout as they complete. Ctrl-C stops the proxy and deletes the run's CA."
)]
pub struct ProxyArgs {
    /// Where to listen: a loopback address only (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// What both print and write.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// How each captured exchange is printed on stdout as it completes (text when not given and there is no terminal); given, no TUI.
    #[arg(long, value_enum)]
    pub format: Option<CaptureFormat>,
    /// Trust this PEM file's CAs (as well as the system's) for the upstream servers.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Write the captured exchanges to this HAR file as they complete (one page per exchange; the program's connection, the proxy's changes and the upstream leg as _client, _proxy_changes, _upstream; credentials masked).
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// Keep credentials unmasked in the --har file.
    #[arg(long, requires = "har")]
    pub har_keep_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CaptureFormat {
    Text,
    Json,
}

/// Runs the capture; returns the exit code (the program's).
pub fn main(args: CaptureArgs) -> i32 {
    use std::io::IsTerminal;
    let tui = args.out.format.is_none()
        && args.out.har.is_none()
        && std::io::stdout().is_terminal()
        && std::io::stdin().is_terminal();
    if tui {
        return tui::main(args);
    }
    if args.child_output.is_some() {
        say("--child-output applies to the TUI; headless, the program's output passes through");
        return 2;
    }
    on_runtime(run(args))
}

/// Runs the proxy until Ctrl-C; returns the exit code.
pub fn proxy_main(args: ProxyArgs) -> i32 {
    on_runtime(run_proxy(args))
}

fn on_runtime(job: impl std::future::Future<Output = i32>) -> i32 {
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
    let code = rt.block_on(job);
    // Connection tasks still open (a program's idle keep-alive) end here.
    rt.shutdown_background();
    code
}

fn say(m: &str) {
    eprintln!("wirescope capture: {m}");
}

/// A running proxy: its CA, where it listens, what it reports.
struct Running {
    ca: Arc<RunCa>,
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
    rx: mpsc::UnboundedReceiver<Event>,
    sink: Sink,
}

/// Starts the CA and the proxy on `listener`, reporting to `sink`;
/// errors are said.
async fn start(out: &OutputArgs, listener: TcpListener, mut sink: Sink) -> Option<Running> {
    let ca = match RunCa::create() {
        Ok(ca) => Arc::new(ca),
        Err(e) => {
            sink.note(&e);
            return None;
        }
    };
    if ca.system_bundle.is_none() {
        sink.note("no system CA bundle found: the program will trust only the capture CA (its TLS to hosts outside the capture will fail)");
    }
    let own = crate::wire::proxy::ProxyEnv::from_process().names();
    if !own.is_empty() {
        sink.note(&format!(
            "{} set for wirescope itself: not used upstream — capture connects to the servers directly (the program gets the capture proxy instead)",
            own.join(", ")
        ));
    }
    let mut opts = crate::wire::spec::Options::default();
    opts.tls.ca_file = out.cacert.clone();
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            sink.note(&format!("reading the proxy's address: {e}"));
            return None;
        }
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Shared::new(ca.clone(), opts, tx);
    let server = tokio::spawn(proxy::serve(listener, shared.clone()));
    sink.note(&format!(
        "proxy on {addr}; this run's CA in {} (deleted at exit)",
        ca.dir().display()
    ));
    Some(Running {
        ca,
        addr,
        shared,
        server,
        rx,
        sink,
    })
}

impl Running {
    /// Stops accepting, reports what is still queued, removes the CA and
    /// closes the HAR.
    async fn finish(mut self) -> bool {
        // The program may exit the moment it has read a response, before
        // the proxy has filed that exchange (or said why a handshake
        // failed): give its connections a moment to end — its sockets
        // closed with it.
        let settle = std::time::Instant::now();
        while (self.shared.busy() > 0 || self.shared.open() > 0)
            && settle.elapsed() < Duration::from_secs(2)
        {
            while let Ok(ev) = self.rx.try_recv() {
                self.sink.event(ev);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if self.shared.busy() > 0 {
            self.sink
                .note("the program exited with exchanges still in flight; they are not reported");
        }
        self.server.abort();
        drop(self.shared);
        // Exchanges that finished as the program exited are still queued.
        while let Ok(ev) = self.rx.try_recv() {
            self.sink.event(ev);
        }
        // Connection tasks may still hold the CA: its files go now regardless.
        self.ca.remove();
        self.sink.close()
    }
}

async fn run(args: CaptureArgs) -> i32 {
    let listener = match proxy::bind().await {
        Ok(l) => l,
        Err(e) => {
            say(&e);
            return 1;
        }
    };
    let Some(sink) = Sink::open(&args.out) else {
        return 1;
    };
    let Some(mut run) = start(&args.out, listener, sink).await else {
        return 1;
    };
    // Before the program starts: a Ctrl-C from then on must reach our
    // cleanup, not the default action.
    let mut stop = Stop::new();
    let env = child::environment(run.addr, run.ca.bundle());
    let mut kid = match child::spawn(&args.command, &env) {
        Ok(c) => c,
        Err(e) => {
            say(&e);
            run.finish().await;
            return 127;
        }
    };
    let status = loop {
        tokio::select! {
            st = kid.wait() => break st,
            Some(ev) = run.rx.recv() => run.sink.event(ev),
            why = stop.next() => {
                say(&format!("{why}: ending the program (SIGTERM, then SIGKILL after {} s)", child::GRACE.as_secs()));
                break child::end(&mut kid, &mut run.rx, &mut run.sink).await;
            }
        }
    };
    let written = run.finish().await;
    match status {
        Ok(st) if written => child::exit_code(st),
        Ok(_) => 1,
        Err(e) => {
            say(&format!("waiting for the program: {e}"));
            1
        }
    }
}

async fn run_proxy(args: ProxyArgs) -> i32 {
    if !args.listen.ip().is_loopback() {
        say(&format!(
            "--listen {}: the capture proxy listens on loopback only (127.0.0.1 or ::1): it terminates TLS with a CA other machines must not reach",
            args.listen
        ));
        return 2;
    }
    let listener = match TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            say(&format!("listening on {}: {e}", args.listen));
            return 1;
        }
    };
    let Some(sink) = Sink::open(&args.out) else {
        return 1;
    };
    let Some(mut run) = start(&args.out, listener, sink).await else {
        return 1;
    };
    let mut stop = Stop::new();
    eprintln!("# point a program at this proxy (Ctrl-C here stops it):");
    for (k, v) in child::environment(run.addr, run.ca.bundle()) {
        eprintln!("export {k}={}", crate::formats::shell::quote(v.as_bytes()));
    }
    loop {
        tokio::select! {
            Some(ev) = run.rx.recv() => run.sink.event(ev),
            why = stop.next() => {
                say(&format!("{why}: stopping"));
                break;
            }
        }
    }
    if run.finish().await {
        0
    } else {
        1
    }
}

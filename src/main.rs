//! The binary: parse the command line, dispatch. Everything else lives in
//! the library.

use clap::Parser;
use wirescope::cli::{Cli, Command};

fn main() {
    wirescope::crash::install_report_hook();
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Send(args)) => {
            keep_freed_buffers();
            wirescope::cli::send::main(*args)
        }
        Some(Command::Capture(args)) => wirescope::capture::main(args),
        Some(Command::Proxy(args)) => wirescope::capture::proxy_main(args),
        Some(Command::DemoServer(args)) => demo_server(args),
        Some(Command::CrashTest) => panic!("deliberate crash (wirescope crash-test)"),
        Some(Command::ImportHar(args)) => wirescope::cli::import::import_har(args),
        Some(Command::Lesson(args)) => wirescope::cli::lesson::main(args),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "wirescope", &mut std::io::stdout());
            0
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
                Ok(()) => 0,
                // Piped into `head`: nothing more to say.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
                Err(e) => {
                    eprintln!("wirescope man: {e}");
                    1
                }
            }
        }
        None => {
            return_freed_buffers();
            tui(cli)
        }
    };
    std::process::exit(code);
}

/// Each exchange allocates its transcript (up to the body cap) and frees
/// it when reported. glibc hands allocations above 128 KiB back to the
/// kernel on free (mmap), so every exchange of a run faulted its pages in
/// again: 100 bodies of 1 MiB cost ~29,000 page faults against curl's
/// ~1,000. Raising the thresholds makes freed buffers reusable by the next
/// exchange (up to 32 MiB of them stay resident once freed). For `send`,
/// which runs exchange after exchange; the TUI keeps glibc's defaults so
/// memory freed with a dropped exchange goes back to the system.
fn keep_freed_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator tunables; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
    }
}

/// The TUI holds exchanges for a while and lets them go (parked, dropped
/// with a view); glibc's *dynamic* mmap threshold would rise to the size
/// of the first freed transcript and serve the next ones from a heap it
/// cannot trim, so memory freed by parking stayed resident (3 × 1 GiB
/// sends: 104 MiB anonymous against a 64 MiB budget). A fixed threshold
/// keeps large buffers (4 MiB and up) mapped on their own, returned to the system when
/// freed.
fn return_freed_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator tunables; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

fn demo_server(args: wirescope::cli::DemoArgs) -> i32 {
    let cfg = wirescope::demo::DemoConfig {
        addr: args.addr,
        tls: args.tls,
        ca_out: args.ca_out,
        http3: args.http3,
        policy: wirescope::demo::ConnPolicy {
            keep_alive_timeout: args.keep_alive_timeout,
            max_requests_per_connection: args.max_requests_per_connection,
        },
    };
    let run = || -> anyhow::Result<()> {
        tokio::runtime::Runtime::new()?.block_on(wirescope::demo::run_cli(cfg))
    };
    match run() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("wirescope demo-server: {e:#}");
            1
        }
    }
}

fn tui(cli: Cli) -> i32 {
    // The request flags, when any is given, make the opening request.
    let request = if cli.method.is_some() || cli.request != wirescope::cli::RequestArgs::default() {
        let mut spec = wirescope::wire::RequestSpec::get(cli.url.clone().unwrap_or_default());
        spec.options.limits = cli.limits.wire(wirescope::wire::Spill::Off);
        match cli.request.apply(&mut spec) {
            Ok(per) => {
                if per.request_id {
                    spec.headers
                        .push(("X-Request-ID".into(), wirescope::cli::auth::uuid_v4()));
                }
                if !per.query.is_empty() {
                    if spec.url.is_empty() {
                        eprintln!("wirescope: --api-key-query needs the URL it goes on");
                        return 2;
                    }
                    spec.url = wirescope::cli::auth::with_query(&spec.url, &per.query);
                }
            }
            Err(e) => {
                eprintln!("wirescope: {e}");
                return 2;
            }
        }
        spec.method = match &cli.method {
            Some(m) => m.clone(),
            None if spec.body.is_some() => "POST".into(),
            None => "GET".into(),
        };
        Some(spec)
    } else {
        None
    };
    use wirescope::tui::workflow::{http_file_arg, HistoryMode, WorkflowArgs};
    // An existing .http file opens in the Collection pane; anything else
    // is a URL, as before.
    let collection = match cli.url.as_deref().map(http_file_arg).transpose() {
        Ok(c) => c.flatten(),
        Err(e) => {
            eprintln!("wirescope: {e}");
            return 2;
        }
    };
    let args = wirescope::tui::TuiArgs {
        url: if collection.is_some() { None } else { cli.url },
        options: wirescope::wire::Options {
            limits: cli.limits.wire(wirescope::wire::Spill::Off),
            // The proxy variables, read as curl reads them (the Options
            // pane's proxy row names the one in use).
            proxy: wirescope::wire::proxy::ProxySettings {
                env: wirescope::wire::proxy::ProxyEnv::from_process(),
                ..Default::default()
            },
            // The TUI's auto protocol follows an answer's Alt-Svc to h3.
            alt_svc: true,
            ..Default::default()
        },
        decode: cli.limits.decode(),
        session_memory: cli.session_memory,
        request,
        workflow: WorkflowArgs {
            collection,
            env: cli.env,
            history: if cli.no_history {
                HistoryMode::Off
            } else {
                HistoryMode::On
            },
            redaction: if cli.no_redact {
                wirescope::formats::Redaction::Off
            } else {
                wirescope::formats::Redaction::On
            },
        },
    };
    match wirescope::tui::run(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("wirescope: {e:#}");
            1
        }
    }
}

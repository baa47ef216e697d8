//! The binary: parse the command line, dispatch. Everything else lives in
//! the library.

use clap::Parser;
use wirescope::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Send(args)) => wirescope::cli::send::main(*args),
        Some(Command::DemoServer(args)) => demo_server(args),
        Some(Command::Lesson(args)) => wirescope::cli::lesson::main(args),
        None => tui(cli.url),
    };
    std::process::exit(code);
}

fn demo_server(args: wirescope::cli::DemoArgs) -> i32 {
    let cfg = wirescope::demo::DemoConfig {
        addr: args.addr,
        tls: args.tls,
        ca_out: args.ca_out,
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

fn tui(url: Option<String>) -> i32 {
    let args = wirescope::tui::TuiArgs {
        url,
        options: wirescope::wire::Options::default(),
    };
    match wirescope::tui::run(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("wirescope: {e:#}");
            1
        }
    }
}

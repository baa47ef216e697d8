//! `wirescope lesson`: list the built-in lessons, or play one (built-in
//! name or number, or a presenter's own TOML file): in the TUI's lesson
//! mode when stdin and stdout are terminals, else (or with `--plain` or
//! `--auto`) as plain text.

use std::io::IsTerminal;

use super::LessonArgs;
use crate::lesson::{builtin, parse, play, Stage};

pub fn main(args: LessonArgs) -> i32 {
    let Some(which) = args.lesson else {
        println!("Built-in lessons (wirescope lesson NAME | NUMBER | FILE):");
        for (i, (name, lesson)) in builtin::all().into_iter().enumerate() {
            let title = lesson
                .map(|l| l.title)
                .unwrap_or_else(|e| format!("(broken: {e})"));
            println!("  {:>2}  {name:<18} {title}", i + 1);
        }
        return 0;
    };
    let lesson = match builtin::find(&which) {
        Some((name, text)) => parse(&format!("{name}.toml"), text),
        None => match std::fs::read_to_string(&which) {
            Ok(text) => parse(&which, &text),
            Err(e) => Err(format!(
                "{which}: not a built-in lesson, and cannot read it as a file: {e}"
            )),
        },
    };
    let lesson = match lesson {
        Ok(l) => l,
        Err(e) => {
            eprintln!("wirescope lesson: {e}");
            return 3;
        }
    };
    let tui = !args.plain
        && !args.auto
        && std::io::stdout().is_terminal()
        && std::io::stdin().is_terminal();
    if tui {
        return match crate::tui::lesson::start::run(lesson) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("wirescope lesson: {e:#}");
                1
            }
        };
    }
    let pace = if args.auto || !std::io::stdin().is_terminal() {
        play::Pace::Auto
    } else {
        play::Pace::Interactive
    };
    let run = async {
        let stage = Stage::start().await?;
        play::play(&lesson, &stage, pace, &mut std::io::stdout()).await
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirescope lesson: cannot start the runtime: {e}");
            return 1;
        }
    };
    match rt.block_on(run) {
        Ok(0) => 0,
        Ok(n) => {
            eprintln!("wirescope lesson: {n} step(s) did not show what their text claims");
            1
        }
        Err(e) => {
            eprintln!("wirescope lesson: {e}");
            1
        }
    }
}

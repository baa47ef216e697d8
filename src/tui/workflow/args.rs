//! What the command line asks of the workflow: which positional argument
//! is an `.http` file rather than a URL, `--env`, `--no-history`,
//! `--no-redact`; and applying it to a new App before the terminal is
//! taken over.

use std::path::{Path, PathBuf};

use super::collection::Collection;
use super::saved::Saved;
use super::{atomic, collection_nav};
use crate::formats::{HttpFile, Redaction};
use crate::tui::app::App;

/// Whether history is kept on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryMode {
    #[default]
    On,
    /// `--no-history`: nothing read, nothing written.
    Off,
}

/// What the command line says about the workflow.
#[derive(Debug, Clone, Default)]
pub struct WorkflowArgs {
    /// An `.http` file to open in the Collection pane.
    pub collection: Option<PathBuf>,
    /// `--env NAME`.
    pub env: Option<String>,
    pub history: HistoryMode,
    /// `--no-redact` turns it off.
    pub redaction: Redaction,
}

/// The positional argument names an `.http` file to open: an existing
/// file ending in `.http`/`.rest`, or any existing text file that holds
/// at least one request. URLs (and anything else) are not. A name ending
/// in `.http`/`.rest` that is not a file is an error, not a URL.
pub fn http_file_arg(arg: &str) -> Result<Option<PathBuf>, String> {
    let p = Path::new(arg);
    if arg.contains("://") {
        return Ok(None);
    }
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let http_ext = matches!(ext.as_deref(), Some("http" | "rest"));
    if !p.is_file() {
        return match http_ext {
            true => Err(format!("{}: no such file", atomic::shown(p))),
            false => Ok(None),
        };
    }
    if http_ext {
        return Ok(Some(p.to_path_buf()));
    }
    let small = std::fs::metadata(p).is_ok_and(|m| m.len() <= 16 * 1024 * 1024);
    let text = small.then(|| std::fs::read_to_string(p).ok()).flatten();
    let requests = text.is_some_and(|t| !HttpFile::parse(&t).requests().is_empty());
    Ok(requests.then(|| p.to_path_buf()))
}

/// Applies the command line: opens the `.http` file (with `--env`) and
/// the history. An unreadable file or an unknown environment is an error
/// before the terminal is taken over; a history that cannot be opened is
/// a notice.
pub fn setup(app: &mut App, args: &WorkflowArgs) -> Result<(), String> {
    app.workflow.redaction = args.redaction;
    match (&args.collection, &args.env) {
        (Some(path), env) => {
            let mut c = Collection::open(path)?;
            if let Some(env) = env {
                c.set_env(Some(env))
                    .map_err(|e| format!("--env: {e} (beside {})", c.name()))?;
            }
            collection_nav::open(app, c);
        }
        (None, Some(_)) => {
            return Err("--env needs an .http file: wirescope FILE.http --env NAME".into())
        }
        (None, None) => {}
    }
    if args.history == HistoryMode::On {
        match Saved::open_default() {
            Ok(s) => {
                if let Some(n) = &s.note {
                    app.notice = Some(n.clone());
                }
                app.workflow.saved = Some(s);
            }
            Err(e) => app.notice = Some(format!("history is not kept: {e}")),
        }
    }
    Ok(())
}

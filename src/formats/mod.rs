//! Request formats people bring and take away: curl commands, `.http`
//! files with their environments, code in other languages, HAR 1.2, and
//! the on-disk history of exchanges.
//!
//! Everything here is plain data in, plain data out (files only where the
//! format is a file): no terminal crates, no network. The engine's types
//! (`RequestSpec`, `Exchange`) are the common currency.

pub mod curl;
pub mod env;
pub mod export;
pub mod har;
pub mod history;
pub mod http_file;
pub mod multipart;
pub mod quote;
pub mod redact;
pub mod shell;
pub mod wire_view;

mod curl_args;
mod curl_flags;
mod export_code;
mod history_entry;
mod http_edit;
mod time;
mod vars;

#[cfg(test)]
mod curl_tests;
#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod http_tests;

pub use curl::{parse_curl, CurlError};
pub use env::{
    load_environments, resolve, spec_from_file, spec_from_path, Environment, Environments, Map,
    UnresolvedVar,
};
pub use export::{to_curl, to_fetch, to_python, to_reqwest};
pub use har::har;
pub use history::{History, HistoryEntry, HistoryLimits};
pub use http_file::{HttpFile, HttpRequestEntry};
pub use redact::Redaction;
pub use time::rfc3339;

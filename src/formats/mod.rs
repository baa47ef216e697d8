//! Request formats people bring and take away: curl commands, `.http`
//! files with their environments, exports (`export(spec, ExportFormat)`:
//! curl, HTTPie, Python requests/httpx, reqwest, fetch, raw bytes), HAR
//! 1.2 (one exchange or a session, a validator, import into history), and
//! the on-disk history of exchanges.
//!
//! Everything here is plain data in, plain data out (files only where the
//! format is a file): no terminal crates, no network. The engine's types
//! (`RequestSpec`, `Exchange`) are the common currency.

pub mod curl;
pub mod env;
pub mod export;
pub mod files;
pub mod har;
pub mod har_import;
pub mod har_stream;
pub mod har_validate;
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
mod export_httpie;
mod export_python;
mod export_raw;
mod har_parts;
mod history_entry;
mod http_edit;
mod time;
mod vars;

#[cfg(test)]
mod curl_tests;
#[cfg(test)]
mod export_stub_tests;
#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod http_tests;

pub use curl::{parse_curl, parse_curl_full, parse_curl_noting, CurlError, CurlImport};
pub use env::{
    load_environments, resolve, spec_from_file, spec_from_path, Environment, Environments, Map,
    UnresolvedVar,
};
pub use export::{
    export, to_curl, to_fetch, to_httpie, to_httpx, to_python, to_raw, to_reqwest, ExportFormat,
};
pub use har::{har, har_session};
pub use har_import::import_har;
pub use har_stream::HarWriter;
pub use har_validate::validate_har;
pub use history::{History, HistoryEntry, HistoryLimits};
pub use http_file::{HttpFile, HttpRequestEntry};
pub use redact::Redaction;
pub use time::rfc3339;

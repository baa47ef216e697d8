//! wirescope's integration tests, one binary: every file here is a module
//! (linked once, so a one-line change relinks one test binary, not 30).
//! `common`, `formats_support` and `proxy_support` (the test proxies) are
//! shared helpers; `hostile` is the
//! hostile-server suite.

mod common;
mod formats_support;
mod proxy_support;

mod body_view;
mod capture;
mod capture_run;
mod capture_tui;
mod crash;
mod demo_server;
mod demo_state;
mod engine;
mod formats;
mod formats_curl;
mod formats_export;
mod formats_har;
mod formats_har_check;
mod formats_shell;
mod h2_decode;
mod h2_engine;
mod hostile;
mod http3;
mod lessons;
mod mtls;
mod policy;
mod proptests;
mod proxy;
mod rate;
mod record;
mod send_body_cli;
mod send_cli;
mod send_import_cli;
mod send_import_flags_cli;
mod send_more_cli;
mod send_stream;
mod tls;
mod tui_e2e;
mod tui_lesson;
mod tui_lesson_e2e;
mod tui_safety;
mod tui_snapshots;
mod tui_snapshots_h2;
mod tui_workflow;

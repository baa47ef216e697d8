//! wirescope: a terminal HTTP inspector.
//!
//! `wire`, `decode`, `explain` and `demo` know nothing of the terminal;
//! `worker` drives `wire`; `tui` and `report` read what they produce.

pub mod capture;
pub mod cli;
pub mod crash;
pub mod decode;
pub mod demo;
pub mod explain;
pub mod formats;
pub mod lesson;
pub mod report;
pub mod tui;
pub mod wire;
pub mod worker;

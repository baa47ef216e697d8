//! Renderings of the record shared by every front-end: transcript text,
//! hex dump, waterfall lanes, JSON documents (streamed), escaping and
//! masking of bytes for display, lints. `send`, the TUI, lessons and
//! exports all draw through here; nothing here touches the network or a
//! terminal.

pub mod body;
pub mod escape;
pub mod frames;
pub mod h2view;
pub mod h3view;
pub mod hex;
pub mod json;
pub mod lanes;
pub mod lints;
pub mod mask;
pub mod proxy;
pub mod stream;
pub mod text;
pub mod waterfall;

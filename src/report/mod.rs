//! CLI renderers: transcript text, hex dump, waterfall, JSON. They read
//! `wire` records and never touch the network.

pub mod body;
pub mod escape;
pub mod frames;
pub mod h2view;
pub mod hex;
pub mod json;
pub mod lanes;
pub mod lints;
pub mod mask;
pub mod proxy;
pub mod stream;
pub mod text;
pub mod waterfall;

//! Pure functions over recorded bytes: HTTP/1 regions (start line, headers,
//! chunk sizes, body), the display glyphs and row index the Wire pane
//! formats from, HTTP/2 frames and header blocks, and content codings for
//! body previews. Knows nothing of
//! the terminal and never fails on what a server sent.

pub mod coding;
pub mod h1;
pub mod h2;
pub mod text;
pub mod wire_regions;

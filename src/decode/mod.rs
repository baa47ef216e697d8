//! Pure functions over recorded bytes: HTTP/1 regions (start line, headers,
//! chunk sizes, body), the display glyphs and row index the Wire pane
//! formats from, HTTP/2 frames and header blocks, and the body as the
//! application sees it: content codings undone under a cap (`coding`,
//! `body`), charsets (`charset`), kinds (`kind`), pretty display lines
//! made on demand (`pretty`, `doc`), syntax highlighting (`highlight`),
//! search and a JSON path filter. Knows nothing of the terminal and never
//! fails on what a server sent.

pub mod body;
pub mod charset;
pub mod coding;
pub mod doc;
pub mod h1;
pub mod h2;
pub mod highlight;
pub mod jsonpath;
pub mod kind;
pub mod present;
pub mod pretty;
pub mod qpack;
pub mod search;
pub mod source;
pub mod text;
pub mod wire_regions;

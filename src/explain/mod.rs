//! HTTP knowledge as data: methods, status codes, header meanings, readings
//! of header values and lints. Pure functions, no I/O; must not import
//! ratatui or crossterm.

mod caching;
mod cookies;
mod credentials;
pub mod dates;
mod framing;
pub mod headers;
pub mod lints;
pub mod methods;
pub mod readings;
mod request_lints;
pub mod server_timing;
pub mod status;
pub(crate) mod text;

pub use headers::{header, HeaderInfo, HeaderSide, HEADERS};
pub use lints::{request_lints, response_lints, Lint, Severity};
pub use methods::{method, method_semantics, MethodInfo, METHODS};
pub use readings::read_header;
pub use status::{status, Family, StatusInfo};

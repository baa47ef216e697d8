//! Workshop lessons: guided, offline steps on what travels over the wire.
//! `model` is the file format, `builtin` the lessons shipped in
//! `assets/lessons/`, `run` plays steps against the embedded demo server;
//! `facts` and `pace` serve the TUI's lesson mode (claims checked, slow
//! motion).

pub mod builtin;
pub mod facts;
pub mod figures;
pub mod model;
pub mod pace;
pub mod play;
pub mod run;

pub use model::{parse, Expect, Lesson, Step, StepRequest};
pub use run::{Outcome, Stage};

//! Workshop lessons: guided, offline steps on what travels over the wire.
//! `model` is the file format, `builtin` the lessons shipped in
//! `assets/lessons/`, `run` plays steps against the embedded demo server.

pub mod builtin;
pub mod model;
pub mod play;
pub mod run;

pub use model::{parse, Expect, Lesson, Step, StepRequest};
pub use run::{Outcome, Stage};

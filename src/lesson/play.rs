//! Playing a lesson in a plain terminal (or into a file, for slides and
//! rehearsal): each step's question, then — after Enter, unless `--auto` —
//! the request's bytes, the waterfall, the response and the explanation,
//! with the step's facts checked against what really happened.

use std::io::{BufRead, Write};

use super::figures;
use super::model::Lesson;
use super::run::Stage;
use crate::report::{self, text::Sections};

/// How to pace the playback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Wait for Enter before sending each step.
    Interactive,
    /// Run straight through.
    Auto,
}

/// Plays `lesson`; returns the number of steps whose facts did not hold.
pub async fn play(
    lesson: &Lesson,
    stage: &Stage,
    pace: Pace,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let mut failed = 0;
    writeln!(out, "━━ {} ━━", lesson.title)?;
    if !lesson.summary.is_empty() {
        writeln!(out, "{}", lesson.summary)?;
    }
    let total = lesson.steps.len();
    for (i, step) in lesson.steps.iter().enumerate() {
        writeln!(out, "\n── Step {}/{total} · {} ──", i + 1, step.title)?;
        writeln!(out, "? {}", step.question)?;
        if pace == Pace::Interactive {
            write!(out, "  (Enter to send)")?;
            out.flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
        }
        let outcome = match stage.run(step).await {
            Ok(o) => o,
            Err(e) => {
                writeln!(out, "! this step cannot run: {e}")?;
                failed += 1;
                continue;
            }
        };
        // A lesson's credentials are the demo's, and seeing them is the
        // point (Basic auth is only base64).
        let sections = Sections {
            tls: false,
            show_secrets: true,
            ..Sections::default()
        };
        let shown = outcome.exchanges.len().min(3);
        for ex in &outcome.exchanges[..shown] {
            writeln!(out)?;
            // A HEAD answer has no body to preview, whatever its
            // Content-Type says.
            let sections = Sections {
                body: sections.body && ex.method != "HEAD",
                ..sections
            };
            write!(out, "{}", report::text::render(ex, &sections))?;
            if let Some(e) = &ex.error {
                writeln!(
                    out,
                    "error [{}]: {}",
                    e.phase,
                    report::escape::sanitize_text(&e.cli_message())
                )?;
            }
        }
        if outcome.exchanges.len() > shown {
            writeln!(
                out,
                "… and {} more exchanges:",
                outcome.exchanges.len() - shown
            )?;
        }
        if outcome.exchanges.len() > 1 {
            let origin = outcome
                .exchanges
                .iter()
                .map(|e| e.timeline.started_at)
                .min();
            if let Some(origin) = origin {
                let label = |ex: &crate::wire::Exchange| match &ex.connection {
                    Some(c) => format!("conn #{}", c.id),
                    None => "-".into(),
                };
                write!(
                    out,
                    "{}",
                    report::lanes::render(&outcome.exchanges, origin, &label, &|_| Vec::new())
                )?;
            }
        }
        for n in &outcome.notes {
            writeln!(out, "note: {}", report::escape::sanitize_text(n))?;
        }
        let mut bad = outcome.check(&step.expect);
        let explanation = match figures::fill(&step.explanation, step, &outcome) {
            Ok(text) => text,
            Err(e) => {
                bad.push(e);
                step.explanation.clone()
            }
        };
        writeln!(out, "\n! {}", explanation.trim())?;
        if bad.is_empty() {
            writeln!(out, "✓ the facts above are what this run showed")?;
        } else {
            failed += 1;
            for b in bad {
                writeln!(out, "✗ {b}")?;
            }
        }
    }
    Ok(failed)
}

//! A lesson as data: a title, then steps; each step a request (or raw
//! bytes) with a question for the room before sending and an explanation
//! after, plus the facts the explanation relies on (`expect`), so every
//! built-in lesson is checked end to end by the tests.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Asked before sending: "predict what comes back".
    pub question: String,
    /// Revealed after the response.
    pub explanation: String,
    pub request: StepRequest,
    #[serde(default)]
    pub expect: Expect,
    /// Numbers the text states that are not about this run (a status it
    /// is compared with, an RFC section): listed so the lesson test,
    /// which fails on any other number the recording cannot back, lets
    /// them through on purpose.
    #[serde(default)]
    pub cites: Vec<String>,
}

/// What to send. URLs and raw bytes may use `{{demo}}` (the demo server's
/// http base URL), `{{demo_tls}}` (its https twin), `{{host}}` (host:port
/// of the http one) and `{{blackhole}}` (an address whose connects hang).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StepRequest {
    pub method: Option<String>,
    pub url: String,
    /// Instead of `url`: these URLs one after another on one session (a
    /// table of answers in one step).
    pub batch: Vec<String>,
    /// "Name: value" lines, in order.
    pub headers: Vec<String>,
    pub body: Option<String>,
    /// Exact bytes to write instead of a built request (raw mode).
    pub raw: Option<String>,
    pub follow_redirects: bool,
    /// Tries in all (1 = no retry).
    pub attempts: Option<u32>,
    pub retry_non_idempotent: bool,
    pub retry_delay_ms: Option<u64>,
    /// "auto", "1.1", "2", "h2c".
    pub http: Option<String>,
    pub connect_timeout_ms: Option<u64>,
    pub read_timeout_ms: Option<u64>,
    /// Trust the demo server's CA (for `{{demo_tls}}`); without it the
    /// run-time certificate is refused, as any unknown issuer would be.
    pub trust_demo_ca: bool,
    pub insecure: bool,
    /// Send N at once (HTTP/2 streams on one connection).
    pub parallel: Option<usize>,
    /// Send N one after another on one kept connection...
    pub repeat: Option<usize>,
    /// ...or each on a new connection.
    pub fresh: bool,
    /// Send it, then again with the validators of the first answer.
    pub revalidate: bool,
    /// With `repeat` or `batch`: wait this long between requests (an idle
    /// kept-alive connection, a rate limit refilling).
    pub pause_ms: Option<u64>,
    /// The client's own limiter, as `--rate` ("2/s").
    pub rate: Option<String>,
}

/// Facts the step's explanation claims; checked after it runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Expect {
    /// Status of the last exchange.
    pub status: Option<u16>,
    /// Words in one of the last exchange's warnings.
    pub warning: Option<String>,
    /// Status of every exchange, in order.
    pub statuses: Option<Vec<u16>>,
    /// One "Name: value" per exchange, in order: that response header's
    /// value on each answer ("X-Item-Count: 2").
    pub each_header: Option<Vec<String>>,
    /// Method of the last exchange (after redirects).
    pub method: Option<String>,
    /// Exchanges the step made in all (hops, attempts, repeats).
    pub exchanges: Option<usize>,
    /// Distinct connections used.
    pub connections: Option<usize>,
    /// The last exchange reused a connection.
    pub reused: Option<bool>,
    /// "HTTP/1.1" or "HTTP/2".
    pub protocol: Option<String>,
    /// Phase name of the last exchange's error ("tls", "read-timeout").
    pub error_phase: Option<String>,
    /// The request body the server received, as text (for /echo-raw or
    /// /anything steps).
    pub server_saw_body: Option<String>,
}

/// A lesson file that cannot be used, said with its file, line and what.
pub fn parse(name: &str, text: &str) -> Result<Lesson, String> {
    let lesson: Lesson = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        format!("{name}:{line}:{col}: {}", e.message())
    })?;
    if lesson.steps.is_empty() {
        return Err(format!("{name}: a lesson needs at least one [[step]]"));
    }
    for (i, s) in lesson.steps.iter().enumerate() {
        if s.request.url.trim().is_empty() && s.request.batch.is_empty() {
            return Err(format!(
                "{name}: step {} ('{}') has no request url (nor batch)",
                i + 1,
                s.title
            ));
        }
    }
    Ok(lesson)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistakes_name_file_line_and_problem() {
        let bad = "title = \"x\"\n\n[[step]]\ntitle = \"a\"\nquestion = \"q\"\nexplanation = \"e\"\nrequest = { url = \"u\", methd = \"GET\" }\n";
        let e = parse("bad.toml", bad).unwrap_err();
        assert!(e.starts_with("bad.toml:7:"), "{e}");
        assert!(e.contains("methd"), "{e}");
        assert!(parse("empty.toml", "title = \"x\"\nstep = []\n")
            .unwrap_err()
            .contains("at least one"));
    }
}

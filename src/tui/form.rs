//! The request being built in the Request pane: method, URL, header list
//! (each can be switched off without deleting it), body and options; and
//! how it becomes a `RequestSpec`.

use std::path::PathBuf;
use std::time::Duration;

use ratatui_textarea::TextArea;

use crate::explain::METHODS;
use crate::wire::{Options, RequestSpec, Verify};

/// One header row. A disabled row stays in the list but is not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRow {
    pub name: String,
    pub value: String,
    pub enabled: bool,
}

impl HeaderRow {
    pub fn new(name: &str, value: &str, enabled: bool) -> Self {
        HeaderRow {
            name: name.into(),
            value: value.into(),
            enabled,
        }
    }

    /// `Name: value`, as the row is edited.
    pub fn line(&self) -> String {
        format!("{}: {}", self.name, self.value)
    }

    /// Parses `Name: value`; a line without a colon is a name alone.
    pub fn parse(line: &str, enabled: bool) -> Self {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        HeaderRow {
            name: name.trim().into(),
            value: value.trim().into(),
            enabled,
        }
    }
}

/// A selectable line of the Request pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Method,
    Url,
    Header(usize),
    /// The "+ add header" row.
    AddHeader,
    Body,
    ConnectTimeout,
    ReadTimeout,
    TotalTimeout,
    Verify,
    CaFile,
}

/// The request form.
#[derive(Debug, Clone)]
pub struct RequestForm {
    pub method: String,
    pub url: String,
    pub headers: Vec<HeaderRow>,
    pub body: TextArea<'static>,
    pub options: Options,
    pub field: Field,
}

impl RequestForm {
    pub fn new(url: &str, options: Options) -> Self {
        let mut body = TextArea::default();
        body.set_placeholder_text("(no body — Enter to type one)");
        RequestForm {
            method: "GET".into(),
            url: url.into(),
            headers: vec![
                HeaderRow::new("Accept", "application/json", true),
                // Shipped switched off so the toggle is discoverable.
                HeaderRow::new("X-Request-ID", "wirescope-demo-1", false),
            ],
            body,
            options,
            field: Field::Url,
        }
    }

    /// The selectable fields in screen order.
    pub fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Method, Field::Url];
        f.extend((0..self.headers.len()).map(Field::Header));
        f.extend([
            Field::AddHeader,
            Field::Body,
            Field::ConnectTimeout,
            Field::ReadTimeout,
            Field::TotalTimeout,
            Field::Verify,
            Field::CaFile,
        ]);
        f
    }

    /// Moves the selection by `delta` fields, clamped at the ends.
    pub fn move_field(&mut self, delta: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        let to = (at as isize + delta).clamp(0, fields.len() as isize - 1);
        self.field = fields[to as usize];
    }

    /// Next registered method; a custom one goes back to GET.
    pub fn cycle_method(&mut self) {
        let at = METHODS.iter().position(|m| m.name == self.method);
        let next = at.map_or(0, |i| (i + 1) % METHODS.len());
        self.method = METHODS[next].name.to_string();
    }

    pub fn body_text(&self) -> String {
        self.body.lines().join("\n")
    }

    /// The text a field is edited as.
    pub fn field_text(&self, field: Field) -> String {
        let secs = |d: Duration| format_secs(d);
        match field {
            Field::Method => self.method.clone(),
            Field::Url => self.url.clone(),
            Field::Header(i) => self.headers.get(i).map(HeaderRow::line).unwrap_or_default(),
            Field::AddHeader => String::new(),
            Field::ConnectTimeout => secs(self.options.connect_timeout),
            Field::ReadTimeout => secs(self.options.read_timeout),
            Field::TotalTimeout => secs(self.options.total_timeout),
            Field::CaFile => self
                .options
                .tls
                .ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            Field::Body | Field::Verify => String::new(),
        }
    }

    /// Stores an edited field's text; `Err` says why it was not taken.
    pub fn set_field_text(&mut self, field: Field, text: &str) -> Result<(), String> {
        match field {
            Field::Method => {
                let m = text.trim();
                if m.is_empty() {
                    return Err("the method cannot be empty".into());
                }
                self.method = m.to_string();
            }
            Field::Url => self.url = text.trim().to_string(),
            Field::Header(i) => {
                if let Some(row) = self.headers.get_mut(i) {
                    *row = HeaderRow::parse(text, row.enabled);
                }
            }
            Field::AddHeader => {
                if !text.trim().is_empty() {
                    self.headers.push(HeaderRow::parse(text, true));
                    self.field = Field::Header(self.headers.len() - 1);
                }
            }
            Field::ConnectTimeout => self.options.connect_timeout = parse_timeout(text)?,
            Field::ReadTimeout => self.options.read_timeout = parse_timeout(text)?,
            Field::TotalTimeout => self.options.total_timeout = parse_timeout(text)?,
            Field::CaFile => {
                let t = text.trim();
                self.options.tls.ca_file = (!t.is_empty()).then(|| PathBuf::from(t));
            }
            Field::Body | Field::Verify => {}
        }
        Ok(())
    }

    pub fn toggle_verify(&mut self) {
        self.options.tls.verify = match self.options.tls.verify {
            Verify::On => Verify::Off,
            Verify::Off => Verify::On,
        };
    }

    /// The spec to send. Disabled headers are left out; an empty body is
    /// no body (so a GET carries no `Content-Length: 0`).
    pub fn spec(&self) -> Result<RequestSpec, String> {
        if self.url.trim().is_empty() {
            return Err("type a URL first".into());
        }
        let body = self.body_text();
        Ok(RequestSpec {
            method: self.method.clone(),
            url: self.url.trim().to_string(),
            headers: self
                .headers
                .iter()
                .filter(|h| h.enabled && !h.name.is_empty())
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
            body: (!body.is_empty()).then(|| body.into_bytes()),
            raw: None,
            options: self.options.clone(),
        })
    }
}

/// "10", "10s", "1.5 s", "250ms" → a duration (bare numbers are seconds).
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let t = text.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t.as_str(), 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v * scale <= 86_400.0 => Ok(Duration::from_secs_f64(v * scale)),
        _ => Err(format!(
            "'{}' is not a timeout: use seconds like 10 or 1.5s, or 250ms",
            crate::report::escape::escape_str(text)
        )),
    }
}

/// "10 s", "1.5 s", "250 ms".
pub fn format_secs(d: Duration) -> String {
    crate::wire::error::human_duration(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_timeout(" 250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_timeout("1.5 s"), Ok(Duration::from_millis(1500)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("soon").is_err());
        assert!(parse_timeout("1e9").is_err());
    }

    #[test]
    fn spec_leaves_out_disabled_headers_and_empty_body() {
        let mut f = RequestForm::new("http://x/", Options::default());
        let spec = f.spec().unwrap();
        assert_eq!(
            spec.headers,
            vec![("Accept".into(), "application/json".into())]
        );
        assert_eq!(spec.body, None);
        f.body.insert_str("{\n}");
        assert_eq!(f.spec().unwrap().body, Some(b"{\n}".to_vec()));
        f.url.clear();
        assert!(f.spec().is_err());
    }

    #[test]
    fn methods_cycle_through_the_table() {
        let mut f = RequestForm::new("http://x/", Options::default());
        let mut seen = vec![f.method.clone()];
        for _ in 0..METHODS.len() {
            f.cycle_method();
            seen.push(f.method.clone());
        }
        assert_eq!(seen.first(), seen.last());
        f.method = "PURGE".into();
        f.cycle_method();
        assert_eq!(f.method, "GET");
    }
}

//! `.http` files (JetBrains HTTP Client / VS Code REST Client): requests
//! separated by `###` lines (the rest of the line names the request),
//! `METHOD URL [HTTP/1.1]`, headers, a blank line, a body; `#`/`//`
//! comments, `# @name NAME`, `@var = value` file variables and `{{var}}`
//! references (resolved in `env.rs`, never here).
//!
//! The model is lossless: it keeps every line with its own line ending,
//! and the requests are a view computed over those lines. `to_text()`
//! gives back the input byte for byte; an edit (`replace_request`)
//! rewrites only the lines of one request.

use std::ops::Range;

/// A parsed `.http` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpFile {
    /// Every line, its line ending included (the last may have none).
    pub(super) lines: Vec<String>,
    /// The file's line ending, used for lines an edit adds.
    pub(super) eol: &'static str,
    pub(super) blocks: Vec<Block>,
    vars: Vec<(String, String)>,
}

/// Where one request's parts are, as line indices into `HttpFile::lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Block {
    pub name: Option<String>,
    pub method: String,
    pub explicit_method: bool,
    pub url: String,
    pub version: Option<String>,
    /// The request line and its `?`/`&` continuation lines.
    pub request: Range<usize>,
    /// Header lines (comments among them included).
    pub headers: Range<usize>,
    pub header_list: Vec<(String, String)>,
    /// Body lines, trailing blank lines and response handlers excluded.
    pub body: Range<usize>,
}

impl Block {
    /// End of the lines an edit rewrites: the body's end, or the headers'
    /// when there is no body (the blank lines after them are not ours).
    pub fn region_end(&self) -> usize {
        if self.body.is_empty() {
            self.headers.end
        } else {
            self.body.end
        }
    }
}

/// One request of a file, as `requests()` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequestEntry {
    /// From `### name` or `# @name name`.
    pub name: Option<String>,
    /// 0-based position among the file's requests.
    pub index: usize,
    pub method: String,
    /// As written: `{{var}}` references are not resolved.
    pub url: String,
    /// `HTTP/1.1` if the request line names a version.
    pub version: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Lines (0-based, end exclusive) from the request line to the end of
    /// the body: what `replace_request` rewrites.
    pub lines: Range<usize>,
    /// 1-based line number of the request line, for messages.
    pub line: usize,
}

const METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

impl HttpFile {
    /// Parses `text`. Never fails: lines that are not a request are kept
    /// as they are (comments, variables, stray text).
    pub fn parse(text: &str) -> HttpFile {
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let eol = if lines.first().is_some_and(|l| l.ends_with("\r\n")) {
            "\r\n"
        } else {
            "\n"
        };
        let mut file = HttpFile {
            lines,
            eol,
            blocks: Vec::new(),
            vars: Vec::new(),
        };
        file.index();
        file
    }

    /// The file's text, identical to the input when nothing was edited.
    pub fn to_text(&self) -> String {
        self.lines.concat()
    }

    /// `@name = value` definitions in file order (values unresolved).
    pub fn variables(&self) -> Vec<(String, String)> {
        self.vars.clone()
    }

    /// The requests in file order.
    pub fn requests(&self) -> Vec<HttpRequestEntry> {
        self.blocks
            .iter()
            .enumerate()
            .map(|(index, b)| HttpRequestEntry {
                name: b.name.clone(),
                index,
                method: b.method.clone(),
                url: b.url.clone(),
                version: b.version.clone(),
                headers: b.header_list.clone(),
                body: self.body_text(b),
                lines: b.request.start..b.region_end(),
                line: b.request.start + 1,
            })
            .collect()
    }

    /// Rewrites request `index` (0-based) with these parts, touching no
    /// other line: comments, variables, other requests, blank lines and
    /// response handlers stay byte-identical, and so do this request's own
    /// unchanged lines. A body line starting with `###` would start a new
    /// request when read back: the format has no escape for it.
    pub fn replace_request(
        &mut self,
        index: usize,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<&str>,
    ) -> Result<(), String> {
        let block = self
            .blocks
            .get(index)
            .ok_or_else(|| {
                format!(
                    "no request #{} (the file has {})",
                    index + 1,
                    self.blocks.len()
                )
            })?
            .clone();
        let old_body = self.body_text(&block);
        super::http_edit::replace(
            self,
            &block,
            old_body.as_deref(),
            method,
            url,
            headers,
            body,
        );
        self.index();
        Ok(())
    }

    pub(super) fn content(&self, i: usize) -> &str {
        let l = &self.lines[i];
        l.strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(l)
    }

    fn body_text(&self, b: &Block) -> Option<String> {
        if b.body.is_empty() {
            return None;
        }
        let text = self.lines[b.body.clone()].concat();
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Some(text.strip_suffix('\r').unwrap_or(text).to_string())
    }

    /// Recomputes the request view and the variables from the lines.
    fn index(&mut self) {
        self.blocks.clear();
        self.vars.clear();
        let n = self.lines.len();
        let mut i = 0;
        while i < n {
            let mut name = None;
            if let Some(rest) = self.content(i).strip_prefix("###") {
                name = Some(rest.trim().to_string()).filter(|s| !s.is_empty());
                i += 1;
            }
            let end = (i..n)
                .find(|&j| self.content(j).starts_with("###"))
                .unwrap_or(n);
            self.segment(i, end, name);
            i = end;
        }
    }

    /// One `###`-delimited segment: preamble, then at most one request.
    fn segment(&mut self, start: usize, end: usize, mut name: Option<String>) {
        let mut i = start;
        while i < end {
            let t = self.content(i).trim();
            if t.is_empty() {
                i += 1;
                continue;
            }
            if let Some(c) = comment(t) {
                if let Some(n) = c.trim().strip_prefix("@name") {
                    name = Some(n.trim().to_string()).filter(|s| !s.is_empty());
                }
                i += 1;
                continue;
            }
            if let Some(var) = variable(t) {
                self.vars.push(var);
                i += 1;
                continue;
            }
            break;
        }
        if i >= end {
            return;
        }
        let (method, explicit_method, url, version) = request_line(self.content(i).trim());
        let mut url = url;
        let req_start = i;
        i += 1;
        // JetBrains lets a long query continue on indented `?`/`&` lines.
        while i < end {
            let raw = self.content(i);
            let t = raw.trim_start();
            if raw.len() != t.len() && (t.starts_with('?') || t.starts_with('&')) {
                url.push_str(t.trim_end());
                i += 1;
            } else {
                break;
            }
        }
        let request = req_start..i;
        let h_start = i;
        let mut header_list = Vec::new();
        while i < end {
            let t = self.content(i).trim();
            if t.is_empty() {
                break;
            }
            if comment(t).is_some() {
                i += 1;
                continue;
            }
            match header(t) {
                Some(h) => header_list.push(h),
                None => break, // a body with no blank line before it
            }
            i += 1;
        }
        let headers = h_start..i;
        while i < end && self.content(i).trim().is_empty() {
            i += 1;
        }
        let b_start = i;
        let mut b_end = (b_start..end)
            .find(|&j| is_handler(self.content(j)))
            .unwrap_or(end);
        while b_end > b_start && self.content(b_end - 1).trim().is_empty() {
            b_end -= 1;
        }
        self.blocks.push(Block {
            name,
            method,
            explicit_method,
            url,
            version,
            request,
            headers,
            header_list,
            body: b_start..b_end,
        });
    }
}

/// The text of a `#` or `//` comment line (but not a `###` separator).
fn comment(t: &str) -> Option<&str> {
    t.strip_prefix("//").or_else(|| t.strip_prefix('#'))
}

/// `@name = value` (spaces optional).
fn variable(t: &str) -> Option<(String, String)> {
    let (name, value) = t.strip_prefix('@')?.split_once('=')?;
    let name = name.trim();
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then(|| (name.to_string(), value.trim().to_string()))
}

/// `METHOD URL [HTTP/x]`, or a bare URL meaning GET.
fn request_line(t: &str) -> (String, bool, String, Option<String>) {
    let mut rest = t;
    let mut method = "GET".to_string();
    let mut explicit = false;
    if let Some((first, after)) = t.split_once(char::is_whitespace) {
        if METHODS.contains(&first) {
            method = first.to_string();
            explicit = true;
            rest = after.trim();
        }
    }
    let mut version = None;
    if let Some((url, last)) = rest.rsplit_once(char::is_whitespace) {
        if last.starts_with("HTTP/") {
            version = Some(last.to_string());
            rest = url.trim_end();
        }
    }
    (method, explicit, rest.to_string(), version)
}

/// `Name: value`, the name being a token (or a `{{var}}` reference).
fn header(t: &str) -> Option<(String, String)> {
    let (name, value) = t.split_once(':')?;
    let name = name.trim_end();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~{}".contains(c);
    (!name.is_empty() && name.chars().all(token))
        .then(|| (name.to_string(), value.trim().to_string()))
}

/// Response handlers and output redirects end a body: `> {% … %}`,
/// `> script.js`, `>> file`, `>>! file`, `<> previous-response.json`.
fn is_handler(line: &str) -> bool {
    line.starts_with("> ")
        || line.starts_with(">> ")
        || line.starts_with(">>! ")
        || line.starts_with("<> ")
}

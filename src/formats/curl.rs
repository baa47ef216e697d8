//! curl command import: a pasted `curl …` line (as browsers' "Copy as
//! cURL" writes it, or a colleague typed it) turned into a `RequestSpec`
//! with curl's meaning. What wirescope cannot reproduce is refused with an
//! error naming the option, never silently dropped.

use base64::Engine as _;

use super::curl_args::{form_part, read, seconds, urlencode_arg};
use super::curl_flags::{self, takes_value, Opt};
use super::multipart::{self, Part};
use super::shell;
use crate::wire::{CookieJar, HttpVersion, RequestSpec, Verify};

/// Why a command could not be imported. The message names the option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurlError {
    #[error("cannot split the command: {0}")]
    Syntax(String),
    #[error("unknown curl option {0}")]
    Unknown(String),
    #[error("curl option {flag} is not supported: {why}")]
    Unsupported { flag: String, why: String },
    #[error("curl option {0} needs a value")]
    MissingValue(String),
    #[error("curl option {flag}: {message}")]
    BadValue { flag: String, message: String },
    #[error("curl option {flag}: cannot read {path}: {message}")]
    File {
        flag: String,
        path: String,
        message: String,
    },
    #[error("no URL in the command")]
    NoUrl,
    #[error("more than one URL ({0}, {1}): wirescope imports one request")]
    ManyUrls(String, String),
}

pub(super) fn bad(flag: &str, message: impl Into<String>) -> CurlError {
    CurlError::BadValue {
        flag: flag.into(),
        message: message.into(),
    }
}

/// Parses a curl command line (a leading `curl` word is optional).
/// Relative `@file` paths are read from the current directory.
pub fn parse_curl(cmd: &str) -> Result<RequestSpec, CurlError> {
    parse_curl_noting(cmd).map(|(spec, _)| spec)
}

/// `parse_curl`, and the curl flags it took that change nothing about
/// the request (`-s`, `-v`, `-o FILE`, `-f`…), as written, so a caller
/// can honour or name them rather than drop them silently.
pub fn parse_curl_noting(cmd: &str) -> Result<(RequestSpec, Vec<String>), CurlError> {
    parse_curl_full(cmd, &|name| std::env::var(name).ok()).map(|i| (i.spec, i.no_effect))
}

/// A curl command imported, with what the caller should tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlImport {
    pub spec: RequestSpec,
    /// curl flags taken that change nothing about the request, as written.
    pub no_effect: Vec<String>,
    /// What the shell would have done, in words: variables expanded,
    /// what followed the command (`| jq .`) and was left out.
    pub shell: Vec<String>,
}

/// `parse_curl` as a shell would run the line first: `$NAME`/`${NAME}`
/// looked up with `var` (an unset one is an error naming it) and what
/// follows an unquoted `|`, `>`, `;` or `&` left out — both said in
/// `shell`.
pub fn parse_curl_full(cmd: &str, var: shell::Lookup<'_>) -> Result<CurlImport, CurlError> {
    let split = shell::split_expanding(cmd, var).map_err(|e| CurlError::Syntax(e.0))?;
    let mut notes = Vec::new();
    if !split.expanded.is_empty() {
        let names: Vec<String> = split.expanded.iter().map(|n| format!("${n}")).collect();
        notes.push(format!(
            "expanded from the environment: {}",
            names.join(", ")
        ));
    }
    if let Some(rest) = &split.rest {
        notes.push(format!(
            "left out what follows the command (not part of the request): {rest}"
        ));
    }
    let (spec, no_effect) = parse_words(split.words)?;
    Ok(CurlImport {
        spec,
        no_effect,
        shell: notes,
    })
}

fn parse_words(words: Vec<Vec<u8>>) -> Result<(RequestSpec, Vec<String>), CurlError> {
    let mut words = words.into_iter().peekable();
    if let Some(first) = words.peek() {
        let first = String::from_utf8_lossy(first);
        if first == "curl" || first.ends_with("/curl") || first.eq_ignore_ascii_case("curl.exe") {
            words.next();
        }
    }
    let mut st = State::default();
    while let Some(word) = words.next() {
        let text = text_of(&word);
        if let Some(name) = text.strip_prefix("--").filter(|n| !n.is_empty()) {
            let opt = curl_flags::long(name).ok_or_else(|| CurlError::Unknown(text.clone()))?;
            let value = if takes_value(opt) {
                Some(
                    words
                        .next()
                        .ok_or_else(|| CurlError::MissingValue(text.clone()))?,
                )
            } else {
                None
            };
            st.apply(&text, opt, value)?;
        } else if text.len() > 1 && text.starts_with('-') {
            // `-sSL`, `-XPOST`, `-HX: y`: short options bundle, and the
            // first one that takes a value takes the rest of the word.
            // Options are ASCII; work on bytes so a non-UTF-8 value
            // (`-d$'\xff'`) is cut at the right place.
            for k in 1..word.len() {
                let c = char::from(word[k]);
                let flag = format!("-{}", text_of(&word[k..=k]));
                let opt = Some(c)
                    .filter(char::is_ascii)
                    .and_then(curl_flags::short)
                    .ok_or_else(|| CurlError::Unknown(flag.clone()))?;
                if takes_value(opt) {
                    let value = if k + 1 < word.len() {
                        word[k + 1..].to_vec()
                    } else {
                        words
                            .next()
                            .ok_or_else(|| CurlError::MissingValue(flag.clone()))?
                    };
                    st.apply(&flag, opt, Some(value))?;
                    break;
                }
                st.apply(&flag, opt, None)?;
            }
        } else {
            st.url(text)?;
        }
    }
    let ignored = std::mem::take(&mut st.ignored);
    st.finish().map(|spec| (spec, ignored))
}

pub(super) fn text_of(word: &[u8]) -> String {
    String::from_utf8_lossy(word).into_owned()
}

/// What the options said so far.
#[derive(Default)]
struct State {
    spec: Option<RequestSpec>,
    url: Option<String>,
    method: Option<String>,
    /// `-H` headers, in order.
    custom: Vec<(String, String)>,
    /// `-H 'Name:'`: curl's way to stop an internal header.
    suppressed: Vec<String>,
    /// Headers other options imply (`-u`, `-A`, …), in order.
    implied: Vec<(String, String)>,
    cookies: Vec<String>,
    data: Option<Vec<u8>>,
    json: bool,
    form: Vec<Part>,
    upload: Option<(String, Vec<u8>)>,
    get: bool,
    head: bool,
    /// Flags that change nothing about the request, as written.
    ignored: Vec<String>,
}

impl State {
    fn spec(&mut self) -> &mut RequestSpec {
        self.spec.get_or_insert_with(|| RequestSpec::get(""))
    }

    fn url(&mut self, url: String) -> Result<(), CurlError> {
        match &self.url {
            Some(first) => Err(CurlError::ManyUrls(first.clone(), url)),
            None => {
                self.url = Some(url);
                Ok(())
            }
        }
    }

    fn add_data(&mut self, piece: &[u8], sep: &[u8]) {
        let data = self.data.get_or_insert_with(Vec::new);
        if !data.is_empty() {
            data.extend_from_slice(sep);
        }
        data.extend_from_slice(piece);
    }

    fn apply(&mut self, flag: &str, opt: Opt, value: Option<Vec<u8>>) -> Result<(), CurlError> {
        let raw = value.unwrap_or_default();
        let v = text_of(&raw);
        match opt {
            Opt::Request => self.method = Some(v),
            Opt::Header => self.header(flag, &v)?,
            Opt::Data => {
                let piece = match v.strip_prefix('@') {
                    Some(path) => read(flag, path)?
                        .into_iter()
                        .filter(|b| !matches!(b, b'\r' | b'\n'))
                        .collect(),
                    None => raw,
                };
                self.add_data(&piece, b"&");
            }
            Opt::DataBinary | Opt::Json => {
                let piece = match v.strip_prefix('@') {
                    Some(path) => read(flag, path)?,
                    None => raw,
                };
                self.json |= opt == Opt::Json;
                self.add_data(&piece, b"&");
            }
            Opt::DataRaw => self.add_data(&raw, b"&"),
            Opt::DataUrlencode => {
                let piece = urlencode_arg(flag, &raw)?;
                self.add_data(&piece, b"&");
            }
            Opt::Form | Opt::FormString => self.form.push(form_part(flag, &v, opt == Opt::Form)?),
            Opt::User => {
                if !v.contains(':') {
                    return Err(bad(flag, "give user:password (curl would prompt for it)"));
                }
                let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
                self.implied
                    .push(("Authorization".into(), format!("Basic {b64}")));
            }
            Opt::Bearer => self
                .implied
                .push(("Authorization".into(), format!("Bearer {v}"))),
            Opt::UserAgent => self.implied.push(("User-Agent".into(), v)),
            Opt::Referer => {
                let r = v.strip_suffix(";auto").unwrap_or(&v).to_string();
                if !r.is_empty() {
                    self.implied.push(("Referer".into(), r));
                }
            }
            Opt::Proxy(scheme) => {
                let p = &mut self.spec().options.proxy;
                p.flag = Some(match v.contains("://") || v.is_empty() {
                    true => v,
                    false => format!("{scheme}{v}"),
                });
                p.flag_from = format!("curl {flag}");
            }
            Opt::NoProxy => self.spec().options.proxy.noproxy = Some(v),
            Opt::ProxyUser => self.spec().options.proxy.user = Some(v),
            Opt::Range => self.implied.push(("Range".into(), format!("bytes={v}"))),
            Opt::Cookie if v.is_empty() => self.spec().options.cookies = CookieJar::On,
            Opt::Cookie if v.contains('=') => self.cookies.push(v),
            Opt::Cookie => {
                return Err(CurlError::Unsupported {
                    flag: flag.into(),
                    why: format!("reading cookies from the file {v:?}; give NAME=VALUE pairs"),
                })
            }
            Opt::Compressed => self
                .implied
                .push(("Accept-Encoding".into(), "gzip, deflate, br, zstd".into())),
            Opt::Insecure => self.spec().options.tls.verify = Verify::Off,
            Opt::Cacert => self.spec().options.tls.ca_file = Some(v.into()),
            // curl reads `FILE:PASSWORD` (a literal colon as `\:`).
            Opt::Cert if v.contains(':') => {
                return Err(CurlError::Unsupported {
                    flag: flag.into(),
                    why: "a key password (--cert FILE:PASSWORD) is not supported: decrypt the key and give it with --key".into(),
                })
            }
            Opt::Cert => self.spec().options.tls.client_cert = Some(v.into()),
            Opt::Key => self.spec().options.tls.client_key = Some(v.into()),
            Opt::Location => self.spec().options.redirects.follow = true,
            Opt::MaxRedirs => {
                let n: i64 = v
                    .trim()
                    .parse()
                    .map_err(|_| bad(flag, format!("{v:?} is not a number")))?;
                // curl's -1 means "no limit"; a loop is still caught.
                self.spec().options.redirects.max = u32::try_from(n).unwrap_or(1000);
            }
            Opt::Http1 => self.spec().options.http = HttpVersion::Http1,
            Opt::Http2 => self.spec().options.http = HttpVersion::Http2,
            Opt::Http2Prior => self.spec().options.http = HttpVersion::Http2PriorKnowledge,
            Opt::ConnectTimeout => self.spec().options.connect_timeout = seconds(flag, &v)?,
            Opt::MaxTime => self.spec().options.total_timeout = seconds(flag, &v)?,
            Opt::Expect100Timeout => self.spec().options.expect_wait = seconds(flag, &v)?,
            Opt::Retry => {
                let n: u32 = v
                    .trim()
                    .parse()
                    .map_err(|_| bad(flag, format!("{v:?} is not a count")))?;
                self.spec().options.retry.attempts = n.saturating_add(1);
            }
            Opt::RetryDelay => self.spec().options.retry.backoff = seconds(flag, &v)?,
            Opt::Get => self.get = true,
            Opt::Head => self.head = true,
            Opt::Url => self.url(v)?,
            Opt::UploadFile => self.upload = Some((v.clone(), read(flag, &v)?)),
            Opt::Ignore | Opt::IgnoreValue => self.ignored.push(flag.to_string()),
            Opt::Unsupported(why) => {
                return Err(CurlError::Unsupported {
                    flag: flag.into(),
                    why: why.into(),
                })
            }
        }
        Ok(())
    }

    fn header(&mut self, flag: &str, v: &str) -> Result<(), CurlError> {
        if let Some(path) = v.strip_prefix('@') {
            let text = text_of(&read(flag, path)?);
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                self.header(flag, line)?;
            }
            return Ok(());
        }
        let colon = v.find(':');
        let semi = v.find(';');
        match (colon, semi) {
            (Some(c), _) if v[c + 1..].trim().is_empty() => {
                self.suppressed.push(v[..c].trim().into())
            }
            (Some(c), _) => self
                .custom
                .push((v[..c].trim().into(), v[c + 1..].trim().into())),
            // `-H 'Name;'` is curl's spelling of a header with an empty value.
            (None, Some(s)) if v[s + 1..].trim().is_empty() => {
                self.custom.push((v[..s].trim().into(), String::new()))
            }
            _ => return Err(bad(flag, format!("{v:?} is not a header (Name: value)"))),
        }
        Ok(())
    }

    fn finish(mut self) -> Result<RequestSpec, CurlError> {
        let url = self.url.take().ok_or(CurlError::NoUrl)?;
        let mut url = if url.contains("://") {
            url
        } else {
            format!("http://{url}")
        };
        let mut spec = self.spec.take().unwrap_or_else(|| RequestSpec::get(""));
        if !self.cookies.is_empty() {
            self.implied
                .push(("Cookie".into(), self.cookies.join("; ")));
        }
        let mut default_ct = None;
        let mut body = None;
        let mut put = false;
        if let Some((name, bytes)) = self.upload.take() {
            if url.ends_with('/') {
                url.push_str(name.rsplit('/').next().unwrap_or(&name));
            }
            body = Some(bytes);
            put = true;
        }
        if !self.form.is_empty() {
            let (ct, b) = multipart::build(&self.form);
            default_ct = Some(ct);
            body = Some(b);
            put = false;
        } else if let Some(data) = self.data.take() {
            put = false;
            if self.get {
                let sep = if url.contains('?') { '&' } else { '?' };
                url = format!("{url}{sep}{}", text_of(&data));
            } else {
                if self.json {
                    default_ct = Some("application/json".to_string());
                    self.implied
                        .push(("Accept".into(), "application/json".into()));
                } else {
                    default_ct = Some("application/x-www-form-urlencoded".to_string());
                }
                body = Some(data);
            }
        }
        if let Some(ct) = default_ct {
            self.implied.push(("Content-Type".into(), ct));
        }
        let overridden = |n: &str| {
            self.custom.iter().any(|(c, _)| c.eq_ignore_ascii_case(n))
                || self.suppressed.iter().any(|s| s.eq_ignore_ascii_case(n))
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for (n, v) in &self.implied {
            if !overridden(n) && !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n)) {
                headers.push((n.clone(), v.clone()));
            }
        }
        headers.extend(self.custom);
        let inferred = if self.head {
            "HEAD"
        } else if self.get {
            "GET"
        } else if put {
            "PUT"
        } else if body.is_some() {
            "POST"
        } else {
            "GET"
        };
        spec.method = self.method.unwrap_or_else(|| inferred.into());
        spec.url = url;
        // Refuse what could not be sent (or exported) as it was typed: a
        // header name that is not a token, CR/LF/NUL in a value.
        let token = |n: &str| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        };
        for (n, v) in &headers {
            if !token(n) {
                return Err(bad("-H", format!("header name {n:?} is not a valid token")));
            }
            if v.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
                return Err(bad(
                    "-H",
                    format!("header {n:?} has CR, LF or NUL in its value"),
                ));
            }
        }
        spec.headers = headers;
        spec.body = body;
        Ok(spec)
    }
}

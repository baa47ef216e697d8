//! The request flags (`RequestArgs`) applied to a request, the one way for
//! every path that takes them: a request built from `send`'s command line,
//! one imported with `--curl`/`--file` (the flags go on top, none silently
//! dropped), and the TUI's opening request.

use std::time::Duration;

use super::RequestArgs;
use crate::wire::{CookieJar, ErrorPhase, HttpVersion, Options, RequestSpec, Verify, WireError};

fn input(msg: impl Into<String>) -> WireError {
    WireError::new(ErrorPhase::Input, msg)
}

/// What the helpers add per request (the caller places them: `send` makes
/// a fresh request id for each URL).
pub struct PerRequest {
    pub query: Vec<(String, String)>,
    pub request_id: bool,
}

impl RequestArgs {
    /// Applies the flags given to `spec`: `-H` headers appended after the
    /// ones it has, `-u`/`--bearer`/`--api-key` helpers appended, `-d` /
    /// `--data-file` as the body, `--accept-encoding` / `--compress-body`,
    /// and every option flag given (timeouts, TLS, redirects, retries, the
    /// HTTP version, cookies). Flags not given leave `spec` as it is.
    pub fn apply(&self, spec: &mut RequestSpec) -> Result<PerRequest, WireError> {
        for h in &self.headers {
            spec.headers.push(parse_header(h)?);
        }
        let helpers = super::auth::from_args(self).map_err(input)?;
        spec.headers.extend(helpers.headers.iter().cloned());
        if let Some(d) = &self.data {
            spec.body = Some(match d.strip_prefix('@') {
                // As curl's -d: a file's bytes (or standard input's) with
                // CR and LF removed; --data-file keeps them.
                Some(name) => read_body(name, "-d")?
                    .into_iter()
                    .filter(|b| !matches!(b, b'\r' | b'\n'))
                    .collect(),
                None => d.clone().into_bytes(),
            });
        } else if let Some(path) = &self.data_file {
            spec.body = Some(read_body(&path.to_string_lossy(), "--data-file")?);
        }
        super::body::apply(self, &mut spec.headers, &mut spec.body).map_err(input)?;
        self.apply_options(&mut spec.options)?;
        Ok(PerRequest {
            query: helpers.query,
            request_id: helpers.request_id,
        })
    }

    /// The option flags given, on top of `o`.
    pub fn apply_options(&self, o: &mut Options) -> Result<(), WireError> {
        if let Some(s) = self.connect_timeout {
            o.connect_timeout = seconds("--connect-timeout", s)?;
        }
        if let Some(s) = self.read_timeout {
            o.read_timeout = seconds("--read-timeout", s)?;
        }
        if let Some(s) = self.max_time {
            o.total_timeout = seconds("--max-time", s)?;
        }
        if self.insecure {
            o.tls.verify = Verify::Off;
        }
        if let Some(ca) = &self.cacert {
            o.tls.ca_file = Some(ca.clone());
        }
        if let Some(c) = &self.cert {
            o.tls.client_cert = Some(c.clone());
        }
        if let Some(k) = &self.key {
            o.tls.client_key = Some(k.clone());
        }
        if self.location {
            o.redirects.follow = true;
        }
        if let Some(n) = self.max_redirs {
            o.redirects.max = n;
        }
        if let Some(n) = self.retry {
            o.retry.attempts = n.saturating_add(1);
        }
        if let Some(s) = self.retry_delay {
            o.retry.backoff = seconds("--retry-delay", s)?;
        }
        if let Some(s) = self.expect100_timeout {
            o.expect_wait = seconds("--expect100-timeout", s)?;
        }
        if let Some(s) = self.retry_max_wait {
            o.retry.max_wait = seconds("--retry-max-wait", s)?;
        }
        if self.retry_non_idempotent {
            o.retry.non_idempotent = true;
        }
        match (&self.rate, self.rate_max_wait) {
            (Some(r), wait) => {
                let per_second = crate::wire::policy::rate::parse_rate(r)
                    .map_err(|m| WireError::new(ErrorPhase::Input, format!("--rate: {m}")))?;
                let max_wait = match wait {
                    Some(s) => seconds("--rate-max-wait", s)?,
                    None => std::time::Duration::from_secs(60),
                };
                o.rate = Some(crate::wire::policy::rate::RateLimit::new(
                    per_second, max_wait,
                ));
                // A Retry-After is honoured within the same wait.
                o.retry.max_wait = o.retry.max_wait.min(max_wait);
            }
            (None, Some(_)) => {
                return Err(WireError::new(
                    ErrorPhase::Input,
                    "--rate-max-wait needs --rate N/s",
                ))
            }
            (None, None) => {}
        }
        if self.cookies {
            o.cookies = CookieJar::On;
        }
        if let Some(p) = &self.proxy {
            o.proxy.flag = Some(p.clone());
            o.proxy.flag_from = "flag".into();
        }
        if let Some(n) = &self.noproxy {
            o.proxy.noproxy = Some(n.clone());
        }
        if let Some(u) = &self.proxy_user {
            o.proxy.user = Some(u.clone());
        }
        // The proxy variables are read here, once, as curl reads them;
        // the engine resolves them per URL (`wire::proxy::route`).
        o.proxy.env = crate::wire::proxy::ProxyEnv::from_process();
        if self.http1_1 {
            o.http = HttpVersion::Http1;
        } else if self.http2 {
            o.http = HttpVersion::Http2;
        } else if self.http2_prior_knowledge {
            o.http = HttpVersion::Http2PriorKnowledge;
        } else if self.http3 {
            o.http = HttpVersion::Http3;
        }
        if self.alt_svc {
            o.alt_svc = true;
        }
        Ok(())
    }
}

/// A body named on the command line: a regular file up to the cap, or
/// standard input for `-` (bounded the same way).
fn read_body(name: &str, flag: &str) -> Result<Vec<u8>, WireError> {
    use std::io::Read;
    let cap = crate::formats::files::MAX_BODY_FILE;
    if name == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| input(format!("{flag} -: cannot read standard input: {e}")))?;
        if bytes.len() as u64 > cap {
            return Err(input(format!(
                "{flag} -: standard input is larger than {} MiB",
                cap >> 20
            )));
        }
        return Ok(bytes);
    }
    crate::formats::files::read_body_file(std::path::Path::new(name))
        .map_err(|e| input(format!("{flag}: cannot read {name}: {e}")))
}

pub fn parse_header(h: &str) -> Result<(String, String), WireError> {
    let (name, value) = h.split_once(':').ok_or_else(|| {
        input(format!(
            "header '{h}' has no ':' (write it as 'Name: value')"
        ))
    })?;
    Ok((name.trim().to_string(), value.trim_start().to_string()))
}

pub fn seconds(flag: &str, s: f64) -> Result<Duration, WireError> {
    if !s.is_finite() || s <= 0.0 || s > 86_400.0 {
        return Err(input(format!(
            "{flag} must be a number of seconds between 0 and 86400, not {s}"
        )));
    }
    Ok(Duration::from_secs_f64(s))
}

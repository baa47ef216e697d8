//! `wirescope send`: build specs from the command line, run them in order
//! over one session, print each exchange, exit with the phase's code.

use std::io::Write;

use super::{Format, SendArgs};
use crate::explain::Lint;
use crate::formats::{HarWriter, Redaction};
use crate::report::{self, text::Sections};
use crate::wire::policy::{self, Cause, Flow, Stop};
use crate::wire::{ErrorPhase, Options, Probe, RequestSpec, Session, WireError};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
   0  a response arrived for every URL (whatever its status)
   2  bad command line
   3  bad input (URL, header, file)
  10  dns: the host name could not be resolved
  11  connect: the TCP connection failed (e.g. refused)
  12  tls: the TLS handshake failed (e.g. certificate not trusted or for another host)
  13  send: the request could not be written
  14  status-line: no valid HTTP/1.x status line (connection closed, garbage, HTTP/0.9)
  15  headers: the response head was malformed, conflicting or too large
  16  body: the body ended early or its framing was invalid
  17  proxy: the proxy refused or broke the tunnel (e.g. 407, 403 or 502 to CONNECT, a SOCKS5 failure)
  20  connect timeout    21  read timeout    22  total deadline (--max-time)
  30  -L stopped following redirects (hop limit, loop, missing Location, non-http scheme)
  40  --fail: the (last) response's status was 400 or more
With several URLs, the code is the first failure's. With -L or --retry, the last exchange decides.";

pub fn main(args: SendArgs) -> i32 {
    let (plan, sections) = match build(&args) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("wirescope send: {e}");
            return e.phase.exit_code();
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirescope send: cannot start the runtime: {e}");
            return 1;
        }
    };
    if let Some(format) = &args.export {
        let specs: Vec<RequestSpec> = plan.specs().collect();
        return match super::import::export(&specs, format, args.export_keep_secrets) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("wirescope send: {e}");
                e.phase.exit_code()
            }
        };
    }
    // A key log that cannot be written is said, not silently skipped.
    if let Some(Err(why)) = crate::wire::tls::key_log_status() {
        eprintln!("wirescope send: {why}");
    }
    // Read the trust store before any exchange's clock starts.
    if plan.specs().any(|s| {
        s.url.starts_with("https:")
            && s.options.tls.verify == crate::wire::Verify::On
            && s.options.tls.ca_file.is_none()
    }) {
        rt.block_on(crate::wire::tls::warm());
    }
    if args.parallel.is_some() || args.repeat.is_some() {
        if plan.len() != 1 {
            eprintln!("wirescope send: --parallel and --repeat take exactly one URL");
            return ErrorPhase::Input.exit_code();
        }
        let spec = plan.spec(0);
        return match (args.parallel, args.repeat) {
            (Some(n), _) => super::batches::parallel(&rt, &spec, usize::from(n), args.format),
            (_, Some(n)) => {
                super::batches::repeat(&rt, &spec, usize::from(n), args.fresh, args.format)
            }
            _ => 0,
        };
    }
    // The HAR file is created before anything is sent, and each flow is
    // written to it as it ends.
    let mut har = match &args.har {
        Some(path) => {
            let redaction = match args.har_keep_secrets {
                true => Redaction::Off,
                false => Redaction::On,
            };
            match HarWriter::create(path, redaction) {
                Ok(w) => Some(w),
                Err(e) => {
                    eprintln!("wirescope send: --har: {e}");
                    return ErrorPhase::Input.exit_code();
                }
            }
        }
        None => None,
    };
    let session = Session::new();
    let mut code = 0;
    for i in 0..plan.len() {
        let spec = &plan.spec(i);
        let mut flow = rt.block_on(policy::run(&session, spec, &mut |_| Probe::none()));
        let mut revalidated = None;
        if args.revalidate {
            let url = flow.last().map(|e| e.url.clone()).unwrap_or_default();
            match session.validators(&url) {
                Some(v) => {
                    let again = policy::conditional::revalidation(spec, &v);
                    let second = rt.block_on(policy::run(&session, &again, &mut |_| Probe::none()));
                    revalidated = second.last().map(|ex| policy::conditional::outcome(&v, ex));
                    flow.hops.extend(second.hops.into_iter().map(|mut h| {
                        h.notes.insert(0, "revalidation: the same request with the validators of the first answer".into());
                        h
                    }));
                    flow.stopped = second.stopped;
                }
                None => revalidated = Some("nothing to revalidate with: the answer had no ETag or Last-Modified (or was not a 200)".into()),
            }
        }
        let lints = report::lints::for_flow(spec, &flow);
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let written = match args.format {
            Format::Json => report::json::write_flow(
                &flow,
                &lints,
                revalidated.as_deref(),
                args.decode_limits(),
                &mut out,
            ),
            Format::Text => {
                if plan.len() > 1 {
                    let _ = writeln!(
                        out,
                        "── {}/{} {} {} ──",
                        i + 1,
                        plan.len(),
                        spec.method,
                        spec.url
                    );
                }
                text_flow(&flow, &sections, &lints, &mut out)
            }
        };
        let written = written.and_then(|()| out.flush());
        drop(out);
        if written.is_err() {
            // Stdout closed (e.g. piped into `head`): nothing more to say,
            // but the HAR file is left a whole document.
            if let Some(mut w) = har.take() {
                let _ = w.flow(&flow).and_then(|()| w.finish());
            }
            return code.max(1);
        }
        if let (Some(line), Format::Text) = (&revalidated, args.format) {
            let _ = writeln!(std::io::stdout(), "revalidation: {line}");
        }
        if args.format == Format::Text {
            for line in request_id_echo(spec, &flow)
                .into_iter()
                .chain(jar_lines(&session, args.request.cookies))
            {
                let _ = writeln!(std::io::stdout(), "{line}");
            }
        }
        if let Some(ex) = flow.last() {
            match super::body::save(&args, ex) {
                Ok(notes) => notes.iter().for_each(|n| eprintln!("wirescope send: {n}")),
                Err(e) => {
                    eprintln!("wirescope send: {e}");
                    if code == 0 {
                        code = ErrorPhase::Input.exit_code();
                    }
                }
            }
        }
        if let Some(stop) = &flow.stopped {
            eprintln!("wirescope send: {}: {}", spec.url, stop.message());
        }
        let last_error = flow.last().and_then(|ex| ex.error.as_ref());
        if let Some(e) = last_error {
            eprintln!(
                "wirescope send: {}: {e}",
                flow.last().map(|x| x.url.as_str()).unwrap_or(&spec.url)
            );
        }
        let failed_status = flow
            .last()
            .and_then(|x| x.response.as_ref())
            .map(|r| r.status)
            .filter(|s| plan.fail && *s >= 400);
        let this = match (&flow.stopped, last_error, failed_status) {
            (_, Some(e), _) => e.phase.exit_code(),
            (Some(Stop::Redirect(_)), None, _) => EXIT_REDIRECT_STOPPED,
            (_, None, Some(s)) => {
                eprintln!("wirescope send: {}: status {s} (--fail)", spec.url);
                EXIT_HTTP_ERROR
            }
            _ => 0,
        };
        if code == 0 {
            code = this;
        }
        if let (Some(w), Some(path)) = (&mut har, &args.har) {
            if let Err(e) = w.flow(&flow) {
                eprintln!(
                    "wirescope send: --har: cannot write {}: {e}",
                    path.display()
                );
                return code.max(1);
            }
        }
    }
    rt.block_on(session.close());
    if let (Some(w), Some(path)) = (har, &args.har) {
        if let Err(e) = w.finish() {
            eprintln!(
                "wirescope send: --har: cannot write {}: {e}",
                path.display()
            );
            return code.max(1);
        }
    }
    code
}

/// Whether the server echoed the request id we sent.
fn request_id_echo(spec: &RequestSpec, flow: &Flow) -> Option<String> {
    let sent = spec
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-request-id"))?;
    let echoed = flow.last()?.response.as_ref()?.header("x-request-id") == Some(sent.1.as_str());
    Some(format!(
        "request id {}: {}",
        sent.1,
        if echoed {
            "echoed by the server (X-Request-ID)"
        } else {
            "not echoed by the server"
        }
    ))
}

/// The session's cookie jar, values shortened (they are often secrets).
fn jar_lines(session: &Session, on: bool) -> Vec<String> {
    if !on {
        return Vec::new();
    }
    let cookies = session.cookies();
    let mut out = vec![format!(
        "cookie jar: {} cookie{}",
        cookies.len(),
        if cookies.len() == 1 { "" } else { "s" }
    )];
    for (name, value, domain, path) in cookies {
        out.push(format!(
            "  {}  ({} bytes)  domain {}  path {}",
            crate::report::escape::sanitize_text(&name),
            value.len(),
            crate::report::escape::sanitize_text(&domain),
            crate::report::escape::sanitize_text(&path)
        ));
    }
    out
}

/// `send --fail` exit code when the response's status is 400 or more.
pub const EXIT_HTTP_ERROR: i32 = 40;

/// `send` exit code when following redirects stopped (limit, loop, ...).
pub const EXIT_REDIRECT_STOPPED: i32 = 30;

/// One hop's heading line: which hop, which try, and why it happened.
fn cause_line(hop: &policy::Hop) -> String {
    let what = match &hop.cause {
        Cause::First => "request".to_string(),
        Cause::Redirect { rule, .. } => format!("redirect · {rule}"),
        Cause::Retry { waited, reason, .. } => {
            format!(
                "retry after {:.0} ms · {reason}",
                waited.as_secs_f64() * 1000.0
            )
        }
    };
    format!(
        "── hop {} · attempt {} · {} {} · {} ──",
        hop.hop, hop.attempt, hop.exchange.method, hop.exchange.url, what
    )
}

fn text_flow(
    flow: &Flow,
    sections: &Sections,
    lints: &[Lint],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let many = flow.hops.len() > 1;
    for hop in &flow.hops {
        if many {
            writeln!(
                out,
                "{}",
                crate::report::escape::sanitize_text(&cause_line(hop))
            )?;
        }
        for n in &hop.notes {
            writeln!(out, "note: {n}")?;
        }
        write!(out, "{}", report::text::render(&hop.exchange, sections))?;
    }
    if many {
        let origin = flow.started_at;
        writeln!(
            out,
            "
── all {} exchanges of this request ──",
            flow.hops.len()
        )?;
        let lanes = report::lanes::render(
            &flow
                .hops
                .iter()
                .map(|h| h.exchange.clone())
                .collect::<Vec<_>>(),
            origin,
            &|ex| {
                ex.response
                    .as_ref()
                    .map(|r| r.status.to_string())
                    .unwrap_or_else(|| "-".into())
            },
            &|_| Vec::new(),
        );
        write!(out, "{lanes}")?;
    }
    if sections.tls || sections.timing {
        for l in lints {
            let sev = report::lints::severity_name(l.severity);
            writeln!(
                out,
                "lint [{sev}] {}: {}",
                l.code,
                crate::report::escape::sanitize_text(&l.message)
            )?;
        }
    }
    Ok(())
}

fn input(msg: impl Into<String>) -> WireError {
    WireError::new(ErrorPhase::Input, msg)
}

/// What `send` sends: one request per URL, each made when its turn comes
/// (20,000 URLs hold the 20,000 strings typed, not 20,000 requests).
struct Plan<'a> {
    /// Everything but the URL (and the request id).
    template: RequestSpec,
    /// The URLs as typed; `None`: the template is the one request
    /// (`--curl`, `--file`).
    urls: Option<&'a [String]>,
    query: Vec<(String, String)>,
    request_id: bool,
    /// `--fail` (or curl's `-f` in `--curl`): a 4xx/5xx is exit code 40.
    fail: bool,
}

impl Plan<'_> {
    fn len(&self) -> usize {
        self.urls.map_or(1, <[String]>::len)
    }

    /// The `i`th request (a fresh request id each time, if asked for).
    fn spec(&self, i: usize) -> RequestSpec {
        let Some(url) = self.urls.and_then(|u| u.get(i)) else {
            return self.template.clone();
        };
        let mut spec = self.template.clone();
        spec.url = super::auth::with_query(&with_scheme(url), &self.query);
        if self.request_id {
            spec.headers
                .push(("X-Request-ID".into(), super::auth::uuid_v4()));
        }
        spec
    }

    fn specs(&self) -> impl Iterator<Item = RequestSpec> + '_ {
        (0..self.len()).map(|i| self.spec(i))
    }
}

/// The requests to send and the sections to print.
fn build(args: &SendArgs) -> Result<(Plan<'_>, Sections), WireError> {
    let mut sections = Sections::parse(&args.print).map_err(input)?;
    sections.decode = args.decode_limits();
    sections.show_secrets = args.show_secrets;
    if let Some((spec, fail)) = super::import::imported(args)? {
        let plan = Plan {
            template: spec,
            urls: None,
            query: Vec::new(),
            request_id: false,
            fail: args.fail || fail,
        };
        return Ok((plan, sections));
    }
    let (method, urls) = split_method(&args.targets);
    if urls.is_empty() {
        return Err(input("no URL given"));
    }
    let raw = match &args.raw {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| input(format!("cannot read {}: {e}", path.display())))?,
        ),
        None => None,
    };
    super::body::check(args, urls.len()).map_err(input)?;
    let mut template = RequestSpec {
        method: String::new(),
        url: String::new(),
        headers: Vec::new(),
        body: None,
        raw,
        options: Options {
            limits: args.limits.wire(super::body::spill(args)),
            ..Options::default()
        },
    };
    let per = args.request.apply(&mut template)?;
    template.method = method
        .unwrap_or(if template.body.is_some() {
            "POST"
        } else {
            "GET"
        })
        .to_string();
    let plan = Plan {
        template,
        urls: Some(urls),
        query: per.query,
        request_id: per.request_id,
        fail: args.fail,
    };
    Ok((plan, sections))
}

/// `[METHOD] URL...`: a first word that is a method token (and not a URL)
/// is the method.
fn split_method(targets: &[String]) -> (Option<&str>, &[String]) {
    match targets.split_first() {
        Some((first, rest))
            if !rest.is_empty()
                && !first.contains("://")
                && !first.contains('/')
                && !first.contains('.')
                && !first.contains(':')
                && first
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_') =>
        {
            (Some(first.as_str()), rest)
        }
        _ => (None, targets),
    }
}

/// `localhost:8080/get` means `http://localhost:8080/get`, as with curl.
fn with_scheme(url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else {
        format!("http://{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_is_optional() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let a = t(&["POST", "http://x/"]);
        assert_eq!(split_method(&a).0, Some("POST"));
        let b = t(&["http://x/", "http://y/"]);
        assert_eq!(split_method(&b).0, None);
        let c = t(&["localhost:8080", "x"]);
        assert_eq!(split_method(&c).0, None);
        let d = t(&["PURGE"]);
        assert_eq!(split_method(&d).0, None);
    }

    #[test]
    fn headers_and_timeouts_are_checked() {
        use crate::cli::request::{parse_header, seconds};
        assert_eq!(
            parse_header("X-Id:  7").unwrap(),
            ("X-Id".into(), "7".into())
        );
        assert!(parse_header("nocolon").is_err());
        assert!(seconds("--max-time", 0.0).is_err());
        assert!(seconds("--max-time", f64::NAN).is_err());
        assert_eq!(with_scheme("localhost:1/x"), "http://localhost:1/x");
    }
}

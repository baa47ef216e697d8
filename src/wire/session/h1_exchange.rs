//! One HTTP/1.1 exchange on a connection (part of `Session`): the request
//! written — its body held back for `Expect: 100-continue` until the
//! server says — and the response read, with the tap's own stamps as the
//! marks.

use std::time::Instant;

use tokio::io::AsyncWriteExt;
use tokio::time::timeout;

use super::super::dial::mark;
use super::super::error::{describe_io, ErrorPhase, WireError};
use super::super::h1::{self, ReadCtx, Reuse};
use super::super::pool::Conn;
use super::super::probe::{Probe, Progress};
use super::super::spec::RequestSpec;
use super::super::tap::Recorder;
use super::super::timeline::Mark;
use super::super::warning::Warning;
use super::{Flight, Session};

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn run_h1(
        &self,
        mut conn: Conn,
        reused: bool,
        spec: &RequestSpec,
        url: &url::Url,
        flight: &mut Flight,
        start: Instant,
        probe: &Probe,
    ) -> Result<Reuse, WireError> {
        let opts = &spec.options;
        let limits = opts.limits;
        let (bytes, method) = match &spec.raw {
            Some(raw) => (raw.clone(), h1::raw_method(raw)),
            None => (
                h1::build_request_via(spec, url, conn.forward.as_ref())?,
                spec.method.clone(),
            ),
        };
        if reused {
            conn.tap.begin(Recorder::new(
                start,
                limits.max_head_bytes + limits.max_body_kept,
                probe.clone(),
            ));
            conn.info.reused = true;
            flight.timeline.reused = true;
        }
        self.connected(
            flight,
            &conn.info,
            &conn.tls,
            &conn.negotiated,
            start,
            probe,
        );

        let Flight {
            timeline,
            conn: slot,
            response,
            warnings,
            ..
        } = flight;
        let tap = &mut slot.insert(conn).tap;
        // Expect: 100-continue holds the body back until the server says
        // (curl's behaviour): what it said is read again below.
        let body_len = spec.body.as_ref().map_or(0, Vec::len);
        let ask = spec.raw.is_none() && body_len > 0 && h1::asks_to_continue(&spec.headers);
        let mut heard = Vec::new();
        let mut withheld = false;
        if ask {
            let head = bytes.len() - body_len;
            h1::write_request(tap, &bytes[..head], opts.read_timeout).await?;
            let _ = timeout(opts.read_timeout, tap.flush()).await;
            match h1::wait_to_continue(tap, &mut heard, opts.expect_wait).await? {
                h1::Word::Continue { timed_out: false } => {
                    h1::write_request(tap, &bytes[head..], opts.read_timeout).await?
                }
                h1::Word::Continue { timed_out: true } => {
                    warnings.push(Warning::ExpectTimedOut(opts.expect_wait));
                    h1::write_request(tap, &bytes[head..], opts.read_timeout).await?
                }
                h1::Word::Unreadable => withheld = true,
                h1::Word::Final(status) => {
                    withheld = true;
                    warnings.push(Warning::BodyWithheld {
                        status,
                        len: body_len,
                    });
                }
            }
        } else {
            h1::write_request(tap, &bytes, opts.read_timeout).await?;
        }
        if let Ok(Err(e)) = timeout(opts.read_timeout, tap.flush()).await {
            return Err(WireError::new(
                ErrorPhase::Send,
                format!("sending the request: {}", describe_io(&e)),
            ));
        }
        // The socket accepted the last request byte when the write that
        // carried it returned: the tap stamped it (on this clock).
        let sent_at = tap.last_write_at().unwrap_or_else(|| start.elapsed());
        timeline.mark(Mark::RequestSent, sent_at);
        probe.send(Progress::Mark(Mark::RequestSent, sent_at));
        let mut first_byte = || mark(timeline, probe, start, Mark::FirstByte);
        let ctx = ReadCtx {
            head_request: method.eq_ignore_ascii_case("HEAD"),
            limits,
            read_timeout: opts.read_timeout,
            on_first_byte: &mut first_byte,
            warnings,
        };
        let result = if heard.is_empty() {
            h1::read_response(tap, ctx, response).await
        } else {
            let mut io = h1::Prefixed {
                prefix: heard,
                at: 0,
                inner: &mut *tap,
            };
            h1::read_response(&mut io, ctx, response).await
        };
        // A body the server was told about and never got: the connection
        // is in no state to carry another request.
        let result = match (result, withheld) {
            (Ok(_), true) => Ok(Reuse::Close),
            (r, _) => r,
        };
        // The first byte is when the read that brought it returned.
        if let (Some(_), Some(at)) = (timeline.first_byte, tap.first_read_at()) {
            timeline.first_byte = Some(at);
        }
        result
    }
}

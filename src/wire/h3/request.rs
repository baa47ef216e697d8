//! One HTTP/3 request on its stream: the head and body out, the response
//! head decoded as it arrives, its body read into the kept body under the
//! same limits and timeouts as HTTP/1.1 and HTTP/2.

use std::time::Instant;

use bytes::Buf;
use tokio::time::timeout;

use super::super::body::BodySink;
use super::super::dial::mark;
use super::super::error::{ErrorPhase, TimeoutKind, WireError};
use super::super::exchange::{Framing, Response};
use super::super::h1::field_text;
use super::super::probe::Probe;
use super::super::spec::RequestSpec;
use super::super::timeline::{Mark, Timeline};
use super::{tap, State};

#[allow(clippy::too_many_arguments)]
pub(super) async fn request(
    spec: &RequestSpec,
    url: &url::Url,
    send: &mut h3::client::SendRequest<tap::Tapped<h3_quinn::OpenStreams>, bytes::Bytes>,
    timeline: &mut Timeline,
    probe: &Probe,
    start: Instant,
    st: &mut State,
) -> Result<(), WireError> {
    let opts = &spec.options;
    let send_err = |e: &dyn std::fmt::Display| {
        WireError::new(ErrorPhase::Send, format!("sending the request: {e}"))
    };
    let req = super::super::fields::request(spec, url, http::Version::HTTP_3, &mut st.warnings)?;
    st.request_fields = fields_of(&req);
    let mut stream = send.send_request(req).await.map_err(|e| send_err(&e))?;
    if let Some(body) = spec.body.as_ref().filter(|b| !b.is_empty()) {
        stream
            .send_data(bytes::Bytes::from(body.clone()))
            .await
            .map_err(|e| send_err(&e))?;
    }
    stream.finish().await.map_err(|e| send_err(&e))?;
    mark(timeline, probe, start, Mark::RequestSent);
    let head = match timeout(opts.read_timeout, stream.recv_response()).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => {
            return Err(WireError::new(
                ErrorPhase::Headers,
                format!("reading the response head: {e}"),
            ))
        }
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Read,
                "no response head",
                opts.read_timeout,
            ))
        }
    };
    mark(timeline, probe, start, Mark::FirstByte);
    let (parts, ()) = head.into_parts();
    let resp = st.response.insert(Response::from_fields(
        "HTTP/3",
        parts.status.as_u16(),
        &parts.headers,
        Framing::Http3,
    ));
    let limits = opts.limits;
    let mut sink = BodySink::new(&limits, Framing::Http3);
    if let Some(n) = resp
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        sink.expect(resp, n);
    }
    let result = async {
        loop {
            let next = match timeout(opts.read_timeout, stream.recv_data()).await {
                Ok(n) => n,
                Err(_) => {
                    return Err(WireError::timeout(
                        TimeoutKind::Read,
                        &format!("the body stalled ({} bytes in)", resp.body_len),
                        opts.read_timeout,
                    ))
                }
            };
            match next {
                Ok(None) => break,
                Ok(Some(mut data)) => {
                    resp.chunk_count += 1;
                    while data.has_remaining() {
                        let piece = data.chunk();
                        let n = piece.len();
                        sink.take(resp, piece);
                        data.advance(n);
                    }
                }
                Err(e) => {
                    return Err(WireError::new(
                        ErrorPhase::Body,
                        format!("reading the body ({} bytes in): {e}", resp.body_len),
                    ))
                }
            }
        }
        Ok(())
    }
    .await;
    sink.finish(resp, &mut st.warnings);
    result
}

/// The request's fields as HTTP/3 sends them (RFC 9114 §4.3.1).
fn fields_of(req: &http::Request<()>) -> Vec<(String, String)> {
    let uri = req.uri();
    let mut out = vec![
        (":method".to_string(), req.method().to_string()),
        (
            ":scheme".to_string(),
            uri.scheme_str().unwrap_or("https").to_string(),
        ),
        (
            ":authority".to_string(),
            uri.authority().map(|a| a.to_string()).unwrap_or_default(),
        ),
        (
            ":path".to_string(),
            uri.path_and_query()
                .map_or("/".to_string(), |p| p.to_string()),
        ),
    ];
    out.extend(
        req.headers()
            .iter()
            .map(|(n, v)| (n.to_string(), field_text(v.as_bytes()))),
    );
    out
}

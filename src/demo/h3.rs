//! The demo server over HTTP/3 (`demo-server --tls --http3`): QUIC on the
//! same port number as the TCP listener (UDP), the same certificate and
//! the same routes (`routes::handle_h3`), so wirescope's `--http3` has a
//! local peer and a test has two HTTP/3 stacks to compare (ours against
//! aioquic, and curl/aioquic against this one). Request bodies are read
//! whole up to the same 64 MiB cap; response bodies go out frame by frame
//! as the route produces them.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use http_body_util::BodyExt;
use tokio::sync::watch;

use super::conn::ConnState;
use super::pki::TestPki;
use super::routes;
use super::Shared;

/// Largest request body read (as over TCP).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A QUIC endpoint on `addr` (UDP) speaking h3 with `pki`'s certificate.
pub(crate) fn endpoint(pki: &TestPki, addr: SocketAddr) -> std::io::Result<quinn::Endpoint> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(pki.cert_chain.clone(), pki.key.clone_key())
        .map_err(std::io::Error::other)?;
    tls.alpn_protocols = vec![b"h3".to_vec()];
    if let Some(log) = crate::wire::tls::key_log() {
        tls.key_log = log;
    }
    let quic =
        quinn::crypto::rustls::QuicServerConfig::try_from(tls).map_err(std::io::Error::other)?;
    let config = quinn::ServerConfig::with_crypto(Arc::new(quic));
    quinn::Endpoint::server(config, addr)
}

/// Accepts QUIC connections until `stop` fires.
pub(crate) async fn serve(
    endpoint: quinn::Endpoint,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<()>,
) {
    loop {
        tokio::select! {
            incoming = endpoint.accept() => {
                let Some(incoming) = incoming else { return };
                tokio::spawn(connection(incoming, shared.clone()));
            }
            _ = stop.changed() => {
                endpoint.close(quinn::VarInt::from_u32(0), b"server stopping");
                return;
            }
        }
    }
}

async fn connection(incoming: quinn::Incoming, shared: Arc<Shared>) {
    let Ok(conn) = incoming.await else { return };
    let peer = conn.remote_address();
    let Ok(mut h3c) =
        h3::server::Connection::<_, Bytes>::new(h3_quinn::Connection::new(conn)).await
    else {
        return;
    };
    let state = ConnState::new(
        #[cfg(unix)]
        None,
    );
    while let Ok(Some(resolver)) = h3c.accept().await {
        let (shared, state) = (shared.clone(), state.clone());
        tokio::spawn(async move {
            let Ok((req, mut stream)) = resolver.resolve_request().await else {
                return;
            };
            let mut body = BytesMut::new();
            loop {
                match stream.recv_data().await {
                    Ok(Some(mut chunk)) => {
                        if body.len() + chunk.remaining() > MAX_BODY {
                            return;
                        }
                        while chunk.has_remaining() {
                            let piece = chunk.chunk();
                            body.extend_from_slice(piece);
                            let n = piece.len();
                            chunk.advance(n);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => return,
                }
            }
            let (parts, ()) = req.into_parts();
            let resp = routes::handle_h3(parts, body.freeze(), peer, shared, &state).await;
            let (mut parts, mut body) = resp.into_parts();
            // HTTP/3 forbids connection-specific fields (RFC 9114 §4.2).
            for name in ["connection", "keep-alive", "transfer-encoding", "upgrade"] {
                parts.headers.remove(name);
            }
            parts.version = http::Version::HTTP_3;
            // hyper adds this when it writes HTTP/1.1 and HTTP/2; here we
            // are the writer.
            if let Some(n) = hyper::body::Body::size_hint(&body).exact() {
                parts.headers.insert(http::header::CONTENT_LENGTH, n.into());
            }

            if stream
                .send_response(http::Response::from_parts(parts, ()))
                .await
                .is_err()
            {
                return;
            }
            while let Some(frame) = body.frame().await {
                let Ok(frame) = frame;
                if let Ok(data) = frame.into_data() {
                    if stream.send_data(data).await.is_err() {
                        return;
                    }
                }
            }
            let _ = stream.finish().await;
        });
    }
}

//! Writing a request: the bytes as built, through the tap, with the read
//! timeout bounding each silence rather than the whole upload.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::time::timeout;

use super::super::error::{describe_io, ErrorPhase, TimeoutKind, WireError};
use super::super::sendq::Silence;
use super::super::tap::{Io, Tap};

/// Writes `bytes`, failing only after `silence` without progress. The
/// read timeout bounds each silence, not the whole upload: every write the
/// socket accepts, however small, is progress, and so is the kernel's send
/// queue shrinking while a write waits (see `sendq`).
pub async fn write_request(
    tap: &mut Tap<Box<dyn Io>>,
    bytes: &[u8],
    silence: Duration,
) -> Result<(), WireError> {
    let mut pos = 0;
    let mut quiet = Silence::new(silence);
    while pos < bytes.len() {
        // Writes are cancel-safe: nothing is taken while one is pending.
        match timeout(quiet.next_wait(), tap.write(&bytes[pos..])).await {
            Ok(Ok(0)) => {
                return Err(WireError::new(
                    ErrorPhase::Send,
                    "sending the request: the connection accepts no more bytes",
                ))
            }
            Ok(Ok(n)) => {
                pos += n;
                quiet = Silence::new(silence);
            }
            Ok(Err(e)) => {
                return Err(WireError::new(
                    ErrorPhase::Send,
                    format!("sending the request: {}", describe_io(&e)),
                ))
            }
            Err(_) if !quiet.over(tap) => {}
            Err(_) => {
                return Err(WireError::timeout(
                    TimeoutKind::Read,
                    &format!(
                        "the server stopped accepting request bytes ({pos} of {} sent)",
                        bytes.len()
                    ),
                    silence,
                ))
            }
        }
    }
    Ok(())
}

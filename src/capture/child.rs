//! The program under capture: started with the variables that make common
//! runtimes use the proxy and trust the run's CA, its stdout and stderr
//! passed through (inherited), its exit status becoming ours.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitStatus;

use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::sync::mpsc::UnboundedReceiver;

use super::proxy::Event;
use super::sink::Sink;

/// Proxy variables: curl, Python, Go, Node (via libraries), git and cargo
/// read one spelling or the other, so both are set.
const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Emptied, so loopback and other excluded targets are captured too.
const NO_PROXY_VARS: &[&str] = &["NO_PROXY", "no_proxy"];

/// CA bundle variables, one per runtime or tool that honours its own:
/// OpenSSL (and Python's ssl, Ruby), requests, curl, Node, git, cargo,
/// the AWS SDKs, Deno.
pub const CA_VARS: &[&str] = &[
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "GIT_SSL_CAINFO",
    "CARGO_HTTP_CAINFO",
    "AWS_CA_BUNDLE",
    "DENO_CERT",
];

/// The environment given to the program (also printed by `--help` users
/// who want to set it themselves later).
pub fn environment(proxy: SocketAddr, bundle: &Path) -> Vec<(&'static str, String)> {
    let url = format!("http://{proxy}");
    let bundle = bundle.display().to_string();
    let mut env: Vec<(&'static str, String)> =
        PROXY_VARS.iter().map(|v| (*v, url.clone())).collect();
    env.extend(NO_PROXY_VARS.iter().map(|v| (*v, String::new())));
    env.extend(CA_VARS.iter().map(|v| (*v, bundle.clone())));
    env
}

/// Starts `cmd` with that environment; stdio inherited.
pub fn spawn(cmd: &[String], env: &[(&'static str, String)]) -> Result<Child, String> {
    spawn_to(cmd, env, None)
}

/// `spawn`, with stdout and stderr to `output` (the TUI owns the
/// terminal) and stdin closed, when given.
pub fn spawn_to(
    cmd: &[String],
    env: &[(&'static str, String)],
    output: Option<std::fs::File>,
) -> Result<Child, String> {
    let Some((program, args)) = cmd.split_first() else {
        return Err("no program to run: give it after `--`, e.g. wirescope capture -- curl http://example.com".into());
    };
    let mut c = Command::new(program);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    if let Some(out) = output {
        let err = out
            .try_clone()
            .map_err(|e| format!("the program's output file: {e}"))?;
        c.stdout(out).stderr(err).stdin(std::process::Stdio::null());
    }
    // If wirescope dies, the program must not keep running unwatched.
    c.kill_on_drop(true);
    c.spawn()
        .map_err(|e| format!("starting the program '{program}': {e}"))
}

/// How long the program has to end after SIGTERM before SIGKILL.
pub const GRACE: Duration = Duration::from_secs(3);

/// Ends the program: SIGTERM, then SIGKILL after `GRACE`; what it still
/// sends meanwhile is reported as usual.
pub async fn end(
    kid: &mut Child,
    rx: &mut UnboundedReceiver<Event>,
    sink: &mut Sink,
) -> std::io::Result<ExitStatus> {
    if let Some(pid) = kid.id().and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with our own child's pid, which is not reaped
        // (and so not reused) before `wait` below returns.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let deadline = tokio::time::sleep(GRACE);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            st = kid.wait() => return st,
            Some(ev) = rx.recv() => sink.event(ev),
            _ = &mut deadline => break,
        }
    }
    super::say(&format!(
        "the program did not end within {} s of SIGTERM: SIGKILL",
        GRACE.as_secs()
    ));
    kid.kill().await?;
    kid.wait().await
}

/// The exit code wirescope passes on: the program's, or 128 + signal as
/// shells report a program killed by one.
pub fn exit_code(status: ExitStatus) -> i32 {
    if let Some(c) = status.code() {
        return c;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(s) = status.signal() {
            return 128 + s;
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_environment_sets_proxy_clears_no_proxy_and_points_ca_vars_at_bundle() {
        let env = environment("127.0.0.1:4000".parse().unwrap(), Path::new("/tmp/b.pem"));
        let get = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("https_proxy"), Some("http://127.0.0.1:4000"));
        assert_eq!(get("ALL_PROXY"), Some("http://127.0.0.1:4000"));
        assert_eq!(get("NO_PROXY"), Some(""));
        for v in CA_VARS {
            assert_eq!(get(v), Some("/tmp/b.pem"), "{v}");
        }
    }
}

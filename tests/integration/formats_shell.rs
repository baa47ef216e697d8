//! A pasted curl command is read as the shell would run it: the shell
//! itself (`sh -c`, running real curl) is the reference. `$NAME` and
//! `${NAME}` expand from the environment, a trailing `| …` or `> …` is
//! not part of the request, and both are said; an unset variable is an
//! error naming it, before anything is sent.

use crate::capture::{have, recording_upstream};

/// The request head a server read, without the User-Agent line (curl's
/// and ours differ by design).
fn head_without_agent(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("user-agent:"))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[tokio::test]
async fn variables_and_pipes_as_the_shell_runs_them() {
    if !have("curl") {
        return;
    }
    let (srv, seen) = recording_upstream().await;
    let url = srv.url("/v1/chat");
    let cmd = format!(
        r#"curl -s "{url}" -H "Authorization: Bearer $WS_TEST_KEY" -H 'X-Literal: $WS_TEST_KEY' -H "X-Org: ${{WS_TEST_ORG}}" | cat > /dev/null"#
    );
    let shell = tokio::process::Command::new("sh")
        .args(["-c", &cmd])
        .env("WS_TEST_KEY", "sk-test-123")
        .env("WS_TEST_ORG", "org 7")
        .output()
        .await
        .expect("sh");
    assert!(shell.status.success());
    let ours = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["send", "--curl", &cmd, "--print", "response"])
        .env("WS_TEST_KEY", "sk-test-123")
        .env("WS_TEST_ORG", "org 7")
        .output()
        .await
        .expect("wirescope");
    let err = String::from_utf8_lossy(&ours.stderr);
    assert!(ours.status.success(), "{err}");
    assert!(
        err.contains("expanded from the environment: $WS_TEST_KEY, $WS_TEST_ORG"),
        "{err}"
    );
    assert!(err.contains("left out what follows the command"), "{err}");
    assert!(err.contains("| cat > /dev/null"), "{err}");
    let got = seen.lock().expect("lock").clone();
    assert_eq!(got.len(), 2, "one request each");
    let (theirs, mine) = (head_without_agent(&got[0]), head_without_agent(&got[1]));
    assert!(
        theirs.contains("Authorization: Bearer sk-test-123"),
        "{theirs}"
    );
    assert!(theirs.contains("X-Literal: $WS_TEST_KEY"), "{theirs}");
    assert_eq!(mine, theirs, "wirescope sent what the shell's curl sent");
}

#[tokio::test]
async fn an_unset_variable_is_an_error_naming_it() {
    let (srv, seen) = recording_upstream().await;
    let cmd = format!(
        r#"curl "{}" -H "Authorization: Bearer $WS_TEST_UNSET""#,
        srv.url("/")
    );
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["send", "--curl", &cmd])
        .env_remove("WS_TEST_UNSET")
        .output()
        .await
        .expect("wirescope");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("$WS_TEST_UNSET is not set"), "{err}");
    assert!(seen.lock().expect("lock").is_empty(), "nothing was sent");
}

//! A panic anywhere leaves a short report file (version, thread, message,
//! backtrace) and says where it is.

#[test]
fn a_panic_leaves_a_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .arg("crash-test")
        .env("TMPDIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(101));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a report is in"), "{stderr}");
    let report = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("wirescope-crash-")
        })
        .expect("a report file");
    let text = std::fs::read_to_string(report.path()).unwrap();
    assert!(text.starts_with(&format!(
        "wirescope {} crash report",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(text.contains("deliberate crash") && text.contains("backtrace:"));
}

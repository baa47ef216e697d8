//! When wirescope panics anyway: the terminal is restored first (the TUI's
//! hook runs before this one), then a short report — version, thread,
//! message, location, backtrace — is written to a file in the temp
//! directory and its path printed, so a user can attach it to a bug report.

use std::io::Write;
use std::path::PathBuf;

/// Installs the report hook in front of the default one.
pub fn install_report_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let text = report(
            thread.name().unwrap_or("unnamed"),
            &info.to_string(),
            &std::backtrace::Backtrace::force_capture().to_string(),
        );
        match write_report(&text) {
            Ok(path) => eprintln!("wirescope crashed; a report is in {}", path.display()),
            Err(e) => eprintln!("wirescope crashed, and the report could not be written: {e}"),
        }
        default(info);
    }));
}

/// The report's text.
pub fn report(thread: &str, message: &str, backtrace: &str) -> String {
    format!(
        "wirescope {} crash report\nthread: {thread}\n{message}\n\nbacktrace:\n{backtrace}\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn write_report(text: &str) -> std::io::Result<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let path =
        std::env::temp_dir().join(format!("wirescope-crash-{secs}-{}.txt", std::process::id()));
    let mut f = std::fs::File::create(&path)?;
    f.write_all(text.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_report_names_version_thread_and_message() {
        let r = super::report("main", "panicked at src/x.rs:1:1:\nboom", "0: frame");
        assert!(r.starts_with(&format!(
            "wirescope {} crash report",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(r.contains("thread: main") && r.contains("boom") && r.contains("0: frame"));
    }
}

//! Writing files without ever leaving half of one: the bytes go to a
//! temporary file in the target's own directory (same filesystem, so the
//! rename is atomic), are fsynced, then renamed over the target. A crash
//! leaves the old file or the new one, never a mix.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes` atomically, keeping its permissions. A
/// symlink is followed: the file it points to is replaced, the link kept.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let perms = fs::metadata(&target).ok().map(|m| m.permissions());
    write_via_temp(&target, bytes, perms)
}

/// Writes a new file at `path`; refuses to replace one that exists (a
/// typo must not cost data).
pub fn create(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("no file name: nothing written".into());
    }
    if path.exists() {
        return Err(format!(
            "{} exists: nothing written (pick another name)",
            shown(path)
        ));
    }
    write_via_temp(path, bytes, None)?;
    Ok(())
}

/// A path as display text (control characters escaped).
pub fn shown(path: &Path) -> String {
    crate::report::escape::sanitize_text(&path.display().to_string())
}

fn write_via_temp(
    target: &Path,
    bytes: &[u8],
    perms: Option<fs::Permissions>,
) -> Result<(), String> {
    let dir: PathBuf = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{}: {what}: {e}", shown(target));
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| fail("cannot create a temporary file beside it", &e))?;
    tmp.write_all(bytes).map_err(|e| fail("write failed", &e))?;
    match perms {
        Some(p) => fs::set_permissions(tmp.path(), p),
        // tempfile makes owner-only files; a new export reads like any
        // other file the user writes.
        None => default_perms(tmp.path()),
    }
    .map_err(|e| fail("cannot set permissions", &e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| fail("fsync failed", &e))?;
    tmp.persist(target)
        .map_err(|e| fail("rename failed", &e.error))?;
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(&dir) {
        // Makes the rename itself durable; best effort.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn default_perms(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_perms(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_in_place_and_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.http");
        create(&p, b"one").unwrap();
        assert!(create(&p, b"two").unwrap_err().contains("exists"));
        replace(&p, b"three").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.http");
        fs::write(&real, "x").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.http");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace(&link, b"y").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"y");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}

//! Reading files a request names (`curl -d @file`, `.http` `< file`):
//! only regular files, and only up to a cap, so a name like `/dev/zero`
//! or a huge file cannot hang the import or exhaust memory.

use std::io::Read;
use std::path::Path;

/// The largest file a request body may be read from.
pub const MAX_BODY_FILE: u64 = 64 * 1024 * 1024;

/// The file's bytes, or an error in words.
pub fn read_body_file(path: &Path) -> Result<Vec<u8>, String> {
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(|e| crate::wire::error::describe_io(&e))?;
    if !meta.is_file() {
        return Err("not a regular file (devices, pipes and directories cannot be a body)".into());
    }
    let file = std::fs::File::open(path).map_err(|e| crate::wire::error::describe_io(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_BODY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::wire::error::describe_io(&e))?;
    if bytes.len() as u64 > MAX_BODY_FILE {
        return Err(format!("larger than {} MiB", MAX_BODY_FILE / (1024 * 1024)));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused() {
        assert!(read_body_file(Path::new("/dev/zero"))
            .unwrap_err()
            .contains("not a regular file"));
        assert!(read_body_file(Path::new("/")).is_err());
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("b");
        std::fs::write(&f, b"ok").unwrap();
        assert_eq!(read_body_file(&f).unwrap(), b"ok");
    }
}

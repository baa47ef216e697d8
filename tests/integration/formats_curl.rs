//! curl import → export → import over commands as people paste them
//! (`formats_support/corpus.rs`): the spec imported from the exported
//! command is the spec the first import made, and exporting it again
//! gives the same command. Running the exports: `formats_export.rs`.

use crate::formats_support;

use formats_support::corpus::CORPUS;
use wirescope::formats::{parse_curl, to_curl};

#[test]
fn import_export_import_is_stable() {
    for cmd in CORPUS {
        let first = formats_support::corpus::import(cmd).unwrap_or_else(|e| panic!("{cmd}\n→ {e}"));
        let exported = to_curl(&first);
        let second = parse_curl(&exported).unwrap_or_else(|e| panic!("{exported}\n→ {e}"));
        assert_eq!(second, first, "{cmd}\n→ {exported}");
        assert_eq!(to_curl(&second), exported, "export is a fixed point: {cmd}");
    }
}

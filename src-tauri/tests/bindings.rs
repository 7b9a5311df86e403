//! ui/src/bindings.ts must match the Rust commands: this fails when it is stale.
//! `make bindings` (UPDATE_BINDINGS=1) rewrites it.

use std::path::Path;

#[test]
fn committed_typescript_bindings_are_up_to_date() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        mixwell_app::export_bindings(&committed).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    mixwell_app::export_bindings(&fresh).unwrap();
    let expected = std::fs::read_to_string(&fresh).unwrap();
    let actual = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        actual == expected,
        "ui/src/bindings.ts is stale: run `make bindings` and commit the result"
    );
}

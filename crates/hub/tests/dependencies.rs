//! The build links SQLite once: the laptop's store and the hub's SQLite back end share
//! rusqlite's `libsqlite3-sys` (a second copy fails to link, or forces one version).

#[test]
fn libsqlite3_sys_appears_once_in_the_dependency_tree() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
        .expect("the workspace's Cargo.lock");
    let copies = lock
        .split("[[package]]")
        .filter(|package| package.contains("\nname = \"libsqlite3-sys\"\n"))
        .count();
    assert_eq!(
        copies, 1,
        "libsqlite3-sys must appear exactly once in Cargo.lock"
    );
}

//! Files an action writes for staff: a safe name in a folder, never over an existing file.

use std::path::{Path, PathBuf};

use crate::error::{ActionError, ActionResult};

/// A file an action made for staff: the name to save it under (without the extension), its
/// extension and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub name: String,
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

/// Where the app saves exports: the Downloads folder, or home when there is none (a
/// browser-style download does nothing in the web view, so files are written by Rust).
pub fn downloads_folder() -> ActionResult<PathBuf> {
    dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| ActionError::Invalid("there is no Downloads folder to save to".into()))
}

/// `name` as a file name: letters, digits and a few harmless signs kept, anything that
/// could leave the folder or trouble a file system (slashes, colons, dots leading the
/// way) replaced.
pub fn safe_file_name(name: &str) -> String {
    let safe: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -–_().".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.').trim();
    if safe.is_empty() {
        "export".to_owned()
    } else {
        safe.to_owned()
    }
}

/// Saves `bytes` in `folder` as `name.extension`, or `name (2).extension` and so on when
/// that is taken, and returns the path written.
pub fn save_new_file(
    folder: &Path,
    name: &str,
    extension: &str,
    bytes: &[u8],
) -> ActionResult<PathBuf> {
    std::fs::create_dir_all(folder).map_err(|e| ActionError::file(folder, e))?;
    let stem = safe_file_name(name);
    let mut n = 1;
    loop {
        let path = match n {
            1 => folder.join(format!("{stem}.{extension}")),
            _ => folder.join(format!("{stem} ({n}).{extension}")),
        };
        // create_new: a file that appeared since the last look is never overwritten.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(bytes)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| ActionError::file(&path, e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(ActionError::file(&path, e)),
        }
    }
}

/// A path in `folder` for `name` (with `.extension`, if any) that nothing holds yet:
/// `name`, then `name (2)` and so on.
pub fn unused_path(folder: &Path, name: &str, extension: Option<&str>) -> PathBuf {
    let stem = safe_file_name(name);
    (1..)
        .map(|n| {
            let base = match n {
                1 => stem.clone(),
                _ => format!("{stem} ({n})"),
            };
            match extension {
                Some(extension) => folder.join(format!("{base}.{extension}")),
                None => folder.join(base),
            }
        })
        .find(|path| !path.exists())
        .expect("some number is free")
}

/// Saves `file` in `folder` under its name, or a numbered one when that is taken.
pub fn save_in_folder(folder: &Path, file: &ExportFile) -> ActionResult<PathBuf> {
    save_new_file(folder, &file.name, file.extension, &file.bytes)
}

/// Writes `bytes` to the path a script named, replacing what is there.
pub fn write_file(path: &Path, bytes: &[u8]) -> ActionResult<()> {
    std::fs::write(path, bytes).map_err(|e| ActionError::file(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_cannot_leave_the_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "-..-etc-passwd");
        assert_eq!(safe_file_name("..hidden"), "hidden");
        assert_eq!(safe_file_name("  "), "export");
        assert_eq!(
            safe_file_name("Wave 1 – Peak District"),
            "Wave 1 – Peak District"
        );
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_new_file(dir.path(), "Teams", "csv", b"a").unwrap();
        let second = save_new_file(dir.path(), "Teams", "csv", b"b").unwrap();
        assert_eq!(first.file_name().unwrap(), "Teams.csv");
        assert_eq!(second.file_name().unwrap(), "Teams (2).csv");
        assert_eq!(std::fs::read(first).unwrap(), b"a");
        assert_eq!(std::fs::read(second).unwrap(), b"b");
    }
}

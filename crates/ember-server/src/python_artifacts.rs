//! What a session's Python UDFs see of the artifacts it shipped: Python
//! files (`addArtifacts(..., pyfile=True)`, `pyfiles/<name>`), plain files
//! (`file=True`, `files/<name>`, read through `SparkFiles.get`) and archives
//! (`archive=True`, `archives/<name>[#<folder>]`, unpacked by the worker).
//! They are written to a folder of that session, the UDFs' working
//! directory and `SparkFiles` root, which they import from (besides each
//! `.zip`/`.egg` of Python files).

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// Where `worker.py` finds a session's artifacts (sent as JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionFiles {
    /// The session's folder: working directory, `SparkFiles` root and first `sys.path` entry.
    pub(crate) root: String,
    /// The other `sys.path` entries: the shipped `.zip`/`.egg` Python files.
    pub(crate) includes: Vec<String>,
    /// Each archive's file and the folder of the root it is unpacked into.
    pub(crate) archives: Vec<(String, String)>,
}

impl SessionFiles {
    /// The JSON `worker.py` reads.
    pub(crate) fn to_json(&self) -> String {
        serde_json::json!({"root": self.root, "includes": self.includes, "archives": self.archives}).to_string()
    }
}

/// Where archives wait to be unpacked, inside the session's folder.
const ARCHIVE_DIR: &str = ".archives";

/// Writes the session's Python files, files and archives not yet on disk
/// into `dir`; `None` without such artifacts.
pub(crate) fn session_files(dir: &Path, artifacts: &HashMap<String, Arc<Vec<u8>>>) -> io::Result<Option<SessionFiles>> {
    let mut shipped: Vec<(&str, &str, &Arc<Vec<u8>>)> = artifacts
        .iter()
        .filter_map(|(name, data)| {
            let (kind, file) = name.split_once('/')?;
            matches!(kind, "pyfiles" | "files" | "archives").then_some((kind, file, data))
        })
        .collect();
    if shipped.is_empty() {
        return Ok(None);
    }
    shipped.sort();
    let mut files = SessionFiles { root: dir.display().to_string(), includes: Vec::new(), archives: Vec::new() };
    for (kind, name, data) in shipped {
        // `archives/pkg.zip#lib` unpacks into `lib`, `archives/pkg.zip` into `pkg.zip`.
        let (file, folder) = name.split_once('#').unwrap_or((name, name));
        if ![file, folder].iter().all(|n| is_plain_name(n)) {
            continue;
        }
        let path = if kind == "archives" { dir.join(ARCHIVE_DIR).join(file) } else { dir.join(file) };
        write_once(&path, data)?;
        match kind {
            "archives" => files.archives.push((path.display().to_string(), folder.to_string())),
            "pyfiles" if file.ends_with(".zip") || file.ends_with(".egg") => files.includes.push(path.display().to_string()),
            _ => {}
        }
    }
    Ok(Some(files))
}

/// A plain file name: nothing may land outside the session's folder.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
}

/// Writes `data` to `path` unless it is there: aside, then renamed, so that
/// a worker never reads half a file.
fn write_once(path: &Path, data: &[u8]) -> io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().ok_or_else(|| io::Error::other("an artifact path without a folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, data)?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_are_written_to_the_sessions_folder() {
        let dir = std::env::temp_dir().join(format!("ember-pyfiles-test-{}", std::process::id()));
        let artifacts: HashMap<String, Arc<Vec<u8>>> = [
            ("pyfiles/helper.py", b"X = 1\n".to_vec()),
            ("pyfiles/pkg.zip", b"PK".to_vec()),
            ("pyfiles/../escape.py", b"".to_vec()),
            ("files/data.txt", b"hello".to_vec()),
            ("archives/lib.tar.gz#lib", b"gz".to_vec()),
            ("archives/other.zip", b"PK".to_vec()),
            ("archives/x.zip#..", b"PK".to_vec()),
            ("cache/abc", b"rows".to_vec()),
        ]
        .into_iter()
        .map(|(n, d)| (n.to_string(), Arc::new(d)))
        .collect();
        let files = session_files(&dir, &artifacts).unwrap().unwrap();
        let at = |p: &str| dir.join(p).display().to_string();
        assert_eq!(files.root, dir.display().to_string());
        assert_eq!(files.includes, vec![at("pkg.zip")]);
        assert_eq!(
            files.archives,
            vec![(at(".archives/lib.tar.gz"), "lib".to_string()), (at(".archives/other.zip"), "other.zip".to_string())]
        );
        assert_eq!(std::fs::read(dir.join("helper.py")).unwrap(), b"X = 1\n");
        assert_eq!(std::fs::read(dir.join("data.txt")).unwrap(), b"hello");
        assert!(!dir.parent().unwrap().join("escape.py").exists());
        let json: serde_json::Value = serde_json::from_str(&files.to_json()).unwrap();
        assert_eq!(json["archives"][0], serde_json::json!([at(".archives/lib.tar.gz"), "lib"]));
        std::fs::remove_dir_all(&dir).unwrap();
        let only_cache: HashMap<String, Arc<Vec<u8>>> = [("cache/abc".to_string(), Arc::new(Vec::new()))].into();
        assert!(session_files(&dir, &only_cache).unwrap().is_none());
        assert!(!dir.exists());
    }
}

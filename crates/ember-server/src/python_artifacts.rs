//! The Python files a session ships with `addArtifacts(..., pyfile=True)`
//! (`pyfiles/<name>`): written to a folder of that session, which its Python
//! UDFs import from (the folder for `.py` files, each `.zip`/`.egg` itself).

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// The artifact name prefix of Python files.
const PREFIX: &str = "pyfiles/";

/// Writes the `pyfiles/` artifacts not yet on disk into `dir` and returns
/// the `sys.path` entries they need; none without such artifacts.
pub(crate) fn python_includes(dir: &Path, artifacts: &HashMap<String, Arc<Vec<u8>>>) -> io::Result<Vec<String>> {
    let mut files: Vec<(&str, &Arc<Vec<u8>>)> = artifacts
        .iter()
        .filter_map(|(name, data)| name.strip_prefix(PREFIX).map(|file| (file, data)))
        // A plain file name only: nothing may land outside the folder.
        .filter(|(file, _)| !file.is_empty() && !file.contains(['/', '\\']) && *file != "." && *file != "..")
        .collect();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    files.sort();
    std::fs::create_dir_all(dir)?;
    let mut includes = vec![dir.display().to_string()];
    for (file, data) in files {
        let path = dir.join(file);
        if !path.exists() {
            // Written aside, then renamed: a worker never reads half a file.
            let partial = dir.join(format!(".{file}.partial"));
            std::fs::write(&partial, data.as_slice())?;
            std::fs::rename(&partial, &path)?;
        }
        if file.ends_with(".zip") || file.ends_with(".egg") {
            includes.push(path.display().to_string());
        }
    }
    Ok(includes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_files_are_written_and_archives_are_included_themselves() {
        let dir = std::env::temp_dir().join(format!("ember-pyfiles-test-{}", std::process::id()));
        let artifacts: HashMap<String, Arc<Vec<u8>>> = [
            ("pyfiles/helper.py", b"X = 1\n".to_vec()),
            ("pyfiles/pkg.zip", b"PK".to_vec()),
            ("pyfiles/../escape.py", b"".to_vec()),
            ("cache/abc", b"rows".to_vec()),
        ]
        .into_iter()
        .map(|(n, d)| (n.to_string(), Arc::new(d)))
        .collect();
        let includes = python_includes(&dir, &artifacts).unwrap();
        assert_eq!(includes, vec![dir.display().to_string(), dir.join("pkg.zip").display().to_string()]);
        assert_eq!(std::fs::read(dir.join("helper.py")).unwrap(), b"X = 1\n");
        assert!(!dir.parent().unwrap().join("escape.py").exists());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(python_includes(&dir, &HashMap::new()).unwrap().is_empty());
        assert!(!dir.exists());
    }
}

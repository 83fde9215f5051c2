//! Input and output paths: Spark's `file:` URIs, globs and directory listing.

use std::path::{Path, PathBuf};

use ember_errors::SparkError;

use crate::errors;

/// A local path given as Spark accepts it: `/x`, `file:/x` or `file:///x`.
pub fn local_path(path: &str) -> Result<PathBuf, SparkError> {
    let stripped = match path.strip_prefix("file:") {
        Some(rest) => rest.strip_prefix("//").unwrap_or(rest),
        None if path.contains("://") => {
            return Err(SparkError::unsupported(format!("the file system of {path}")));
        }
        None => path,
    };
    let absolute = if Path::new(stripped).is_absolute() {
        PathBuf::from(stripped)
    } else {
        std::env::current_dir().map_err(|e| errors::io("current directory", e))?.join(stripped)
    };
    Ok(absolute)
}

/// How Spark prints a local path in messages: `file:/x`.
pub fn qualified(path: &Path) -> String {
    format!("file:{}", path.display())
}

/// A file's URI as Spark names read files (`file:///tmp/a.csv`).
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Whether Spark skips a file or folder name when listing: hidden names
/// (`.x`), metadata such as `_SUCCESS` (but not `_x=1` partition folders) and
/// files still being copied.
pub fn is_hidden(name: &str) -> bool {
    (name.starts_with('_') && !name.contains('=')) || name.starts_with('.') || name.ends_with("._COPYING_")
}

/// One input file and the folder it was listed from.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// The root it was found under (the path the user gave, or the glob match).
    pub root: PathBuf,
}

/// Expands the user's paths (globs included) into the files to read, in
/// Spark's order; a path that matches nothing raises `[PATH_NOT_FOUND]`.
pub fn list_inputs(paths: &[String], name_filter: Option<&glob::Pattern>) -> Result<Vec<InputFile>, SparkError> {
    let mut files = Vec::new();
    for given in paths {
        let path = local_path(given)?;
        let roots = expand_glob(&path)?;
        if roots.is_empty() {
            return Err(errors::path_not_found(&qualified(&path)));
        }
        for root in roots {
            list_under(&root, &root, &mut files)?;
        }
    }
    if let Some(pattern) = name_filter {
        files.retain(|f| f.path.file_name().and_then(|n| n.to_str()).is_some_and(|n| pattern.matches(n)));
    }
    Ok(files)
}

/// `basePath`: partition folders are found from `base` down, for every file
/// (each must lie under it, else Spark's "Wrong basePath" error).
pub fn rebase(files: &mut [InputFile], base: &str) -> Result<(), SparkError> {
    let base = local_path(base)?;
    for file in files.iter_mut() {
        if !file.root.starts_with(&base) {
            // Spark raises a bare Java IllegalArgumentException: no error class.
            return Err(SparkError::new(
                ember_errors::ErrorKind::IllegalArgument,
                "",
                "",
                format!("Wrong basePath {} for the root path: {}", base.display(), qualified(&file.root)),
                &[],
            ));
        }
        file.root = base.clone();
    }
    Ok(())
}

/// The `pathGlobFilter` option as a pattern on file names.
pub fn name_filter(pattern: Option<&str>) -> Result<Option<glob::Pattern>, SparkError> {
    pattern
        .map(|p| glob::Pattern::new(p).map_err(|e| SparkError::illegal_argument(format!("invalid pathGlobFilter {p}: {e}"))))
        .transpose()
}

fn expand_glob(path: &Path) -> Result<Vec<PathBuf>, SparkError> {
    let text = path.to_string_lossy();
    if !text.contains(['*', '?', '[']) {
        return Ok(if path.exists() { vec![path.to_path_buf()] } else { Vec::new() });
    }
    let matches = glob::glob(&text).map_err(|e| SparkError::illegal_argument(format!("invalid glob {text}: {e}")))?;
    let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).collect();
    found.sort();
    Ok(found)
}

fn list_under(root: &Path, path: &Path, out: &mut Vec<InputFile>) -> Result<(), SparkError> {
    let meta = std::fs::metadata(path).map_err(|e| errors::io(&qualified(path), e))?;
    if meta.is_file() {
        out.push(InputFile { path: path.to_path_buf(), size: meta.len(), root: root.to_path_buf() });
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| errors::io(&qualified(path), e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| !is_hidden(n)))
        .collect();
    entries.sort();
    for entry in entries {
        list_under(root, &entry, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_local_paths() {
        assert_eq!(local_path("file:/tmp/x").unwrap(), PathBuf::from("/tmp/x"));
        assert_eq!(local_path("file:///tmp/x").unwrap(), PathBuf::from("/tmp/x"));
        assert_eq!(local_path("/tmp/x").unwrap(), PathBuf::from("/tmp/x"));
        assert_eq!(qualified(Path::new("/tmp/x")), "file:/tmp/x");
    }

    #[test]
    fn hidden_names_as_spark() {
        assert!(is_hidden("_SUCCESS"));
        assert!(is_hidden(".part-0.crc"));
        assert!(!is_hidden("_p=1"));
        assert!(!is_hidden("part-00000.csv"));
    }

    #[test]
    fn lists_directories_and_globs_and_reports_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.csv"), "1").unwrap();
        std::fs::write(dir.path().join("a.csv"), "1").unwrap();
        std::fs::write(dir.path().join("_SUCCESS"), "").unwrap();
        let root = dir.path().to_string_lossy().to_string();
        let names = |files: Vec<InputFile>| -> Vec<String> {
            files.iter().map(|f| f.path.file_name().unwrap().to_string_lossy().to_string()).collect()
        };
        assert_eq!(names(list_inputs(&[root.clone()], None).unwrap()), ["a.csv", "b.csv"]);
        assert_eq!(names(list_inputs(&[format!("{root}/b*")], None).unwrap()), ["b.csv"]);
        let err = list_inputs(&[format!("{root}/missing")], None).unwrap_err();
        let only_a = name_filter(Some("a*")).unwrap();
        assert_eq!(names(list_inputs(&[root.clone()], only_a.as_ref()).unwrap()), ["a.csv"]);
        assert_eq!(err.error_class, "PATH_NOT_FOUND");
        assert_eq!(err.parameters["path"], format!("file:{root}/missing"));
    }
}

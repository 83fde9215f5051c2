//! Hive-style partition discovery: `key=value` folders between a read's root
//! and its files become columns, typed as Spark infers them.

use arrow::datatypes::{DataType, Field};
use ember_errors::SparkError;

use crate::csv::Inferred;
use crate::partition::DEFAULT_PARTITION_NAME;
use crate::paths::InputFile;

/// The partition columns of a read and each file's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Partitions {
    /// The partition columns, in folder order, all nullable.
    pub fields: Vec<Field>,
    /// Per input file, its values (unescaped text; `None` for NULL).
    pub values: Vec<Vec<Option<String>>>,
}

/// Finds the partition folders of `files`; `None` when there are none.
/// `user_fields` (the user's schema) fixes the types of the columns it names.
pub fn discover(files: &[InputFile], user_fields: Option<&[Field]>) -> Result<Option<Partitions>, SparkError> {
    let mut names: Option<Vec<String>> = None;
    let mut values = Vec::with_capacity(files.len());
    for file in files {
        let (file_names, file_values) = folder_pairs(file);
        match &names {
            None => names = Some(file_names),
            Some(existing) if *existing != file_names => {
                return Err(SparkError::illegal_argument(format!(
                    "Conflicting directory structures detected. Suspicious paths: {}",
                    file.path.display()
                )));
            }
            Some(_) => {}
        }
        values.push(file_values);
    }
    let names = names.unwrap_or_default();
    if names.is_empty() {
        return Ok(None);
    }
    let fields = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let declared = user_fields.and_then(|fs| fs.iter().find(|f| f.name().eq_ignore_ascii_case(name)));
            let data_type = match declared {
                Some(field) => field.data_type().clone(),
                None => infer_type(values.iter().map(|v: &Vec<Option<String>>| v[i].as_deref())),
            };
            Field::new(name, data_type, true)
        })
        .collect();
    Ok(Some(Partitions { fields, values }))
}

/// The `key=value` folders between the file's root and the file.
fn folder_pairs(file: &InputFile) -> (Vec<String>, Vec<Option<String>>) {
    let parent = file.path.parent().unwrap_or(&file.path);
    let relative = parent.strip_prefix(&file.root).unwrap_or(std::path::Path::new(""));
    relative
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .filter_map(|segment| segment.split_once('='))
        .map(|(key, value)| {
            let value = (value != DEFAULT_PARTITION_NAME).then(|| unescape_path_name(value));
            (unescape_path_name(key), value)
        })
        .unzip()
}

/// Spark's `unescapePathName`: `%XX` back to the character.
pub fn unescape_path_name(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(code) = text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                out.push(code as char);
                i += 3;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Spark's partition value inference: int, bigint, decimal, double, date,
/// timestamp, else string (booleans stay strings).
fn infer_type<'a>(values: impl Iterator<Item = Option<&'a str>>) -> DataType {
    let inferred = values.flatten().fold(Inferred::Null, |acc, v| {
        let own = match Inferred::of(v) {
            Inferred::Boolean => Inferred::String,
            other => other,
        };
        acc.merge(own)
    });
    inferred.data_type()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(root: &str, path: &str) -> InputFile {
        InputFile { path: PathBuf::from(path), size: 0, root: PathBuf::from(root) }
    }

    #[test]
    fn discovers_typed_partition_columns() {
        let files = [
            file("/t", "/t/year=2020/p=a%2Fb/f1"),
            file("/t", "/t/year=2021/p=__HIVE_DEFAULT_PARTITION__/f2"),
        ];
        let found = discover(&files, None).unwrap().unwrap();
        assert_eq!(found.fields[0], Field::new("year", DataType::Int32, true));
        assert_eq!(found.fields[1], Field::new("p", DataType::Utf8, true));
        assert_eq!(found.values[0], [Some("2020".to_string()), Some("a/b".to_string())]);
        assert_eq!(found.values[1], [Some("2021".to_string()), None]);
    }

    #[test]
    fn no_folders_no_partitions_and_conflicts_fail() {
        assert_eq!(discover(&[file("/t", "/t/f1")], None).unwrap(), None);
        assert!(discover(&[file("/t", "/t/a=1/f1"), file("/t", "/t/b=1/f2")], None).is_err());
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape_path_name("x%3Dy %25"), "x=y %");
        assert_eq!(unescape_path_name("100%"), "100%");
    }
}

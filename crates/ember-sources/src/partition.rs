//! Hive-style partition folders (`key=value`), escaped as Spark escapes them.

pub use crate::discovery::unescape_path_name;

/// The folder name Spark uses for a NULL or empty partition value.
pub const DEFAULT_PARTITION_NAME: &str = "__HIVE_DEFAULT_PARTITION__";

/// Spark's `escapePathName`: characters unsafe in a path become `%XX`.
pub fn escape_path_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{01}'..='\u{1F}' | '"' | '#' | '%' | '\'' | '*' | '/' | ':' | '=' | '?' | '\\' | '\u{7F}' | '{' | '[' | ']' | '^')
}

/// One `key=value` folder name for a partition value (`None` for NULL).
pub fn folder(key: &str, value: Option<&str>) -> String {
    let value = match value {
        Some(v) if !v.is_empty() => escape_path_name(v),
        _ => DEFAULT_PARTITION_NAME.to_string(),
    };
    format!("{}={}", escape_path_name(key), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_spark() {
        assert_eq!(folder("p", Some("a/b")), "p=a%2Fb");
        assert_eq!(folder("p", Some("x=y %")), "p=x%3Dy %25");
        assert_eq!(folder("q", None), "q=__HIVE_DEFAULT_PARTITION__");
        assert_eq!(folder("q", Some("")), "q=__HIVE_DEFAULT_PARTITION__");
    }
}

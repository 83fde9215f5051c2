//! Spark's rules for column and table names: dotted multi-part names with
//! backtick quoting, matched case-insensitively by default.

/// Splits `a.b`, `` `a.b`.c `` and `` `x``y` `` into their parts, as Spark's
/// `parseAttributeName` does. Unbalanced backticks keep the raw text.
pub fn split_name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = name.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match c {
            '`' if in_quotes && chars.peek() == Some(&'`') => {
                chars.next();
                current.push('`');
            }
            '`' => in_quotes = !in_quotes,
            '.' if !in_quotes => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    if in_quotes {
        return vec![name.to_string()];
    }
    parts.push(current);
    parts
}

/// The first name an earlier one has (ignoring case unless
/// `case_sensitive`; the name then in lower case, as Spark reports it).
pub fn first_duplicate_name<'a>(names: impl IntoIterator<Item = &'a str>, case_sensitive: bool) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().map(|name| if case_sensitive { name.to_string() } else { name.to_lowercase() }).find(|name| !seen.insert(name.clone()))
}

/// Whether two identifiers name the same thing under Spark's default
/// case-insensitive resolution.
pub fn same_name(a: &str, b: &str, case_sensitive: bool) -> bool {
    if case_sensitive { a == b } else { a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_and_dotted_names() {
        assert_eq!(split_name_parts("a.b"), vec!["a", "b"]);
        assert_eq!(split_name_parts("`a.b`.c"), vec!["a.b", "c"]);
        assert_eq!(split_name_parts("`x``y`"), vec!["x`y"]);
        assert_eq!(split_name_parts("`open"), vec!["`open"]);
    }

    #[test]
    fn matches_case_insensitively() {
        assert!(same_name("Abc", "aBC", false));
        assert!(!same_name("Abc", "aBC", true));
    }
}

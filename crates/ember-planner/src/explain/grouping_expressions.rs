//! Spark's `PullOutGroupingExpressions`: an aggregation grouped by a computed
//! key computes it in a `Project` below, as `_groupingexpression`, and groups
//! by that column (`HashAggregate(keys=[_groupingexpression#5L], …)` over
//! `Project [id#0L, (id#0L % 2) AS _groupingexpression#5L]`). Ember's partial
//! aggregation computes the key itself (`keys=[(id#0L % 2) AS k#1L]`); the
//! printed tree is rewritten to Spark's, up to the final aggregation.

use super::attributes::Attributes;
use super::{SparkNode, is_aggregate, list};

/// Rewrites every aggregation of `node`'s tree grouped by computed keys.
pub(super) fn pull_out(node: &mut SparkNode, attributes: &Attributes) {
    pulled_out(node, attributes);
}

/// The keys pulled out in `node`'s tree whose references the operators
/// above it still print (`(k#1L, _groupingexpression#5L)`), up to the
/// aggregation that takes them over.
fn pulled_out(node: &mut SparkNode, attributes: &Attributes) -> Vec<(String, String)> {
    let mut renamed = Vec::new();
    for child in &mut node.children {
        renamed.extend(pulled_out(child, attributes));
    }
    if !renamed.is_empty() {
        let rename = |text: &str| renamed.iter().fold(text.to_string(), |t, (from, to)| replace_reference(&t, from, to));
        return match node.name.as_str() {
            "Exchange" => {
                node.line = rename(&node.line);
                node.output = node.output.iter().map(|o| rename(o)).collect();
                renamed
            }
            name if is_aggregate(name) => {
                if let Some((head, keys, rest)) = split_keys(&node.line) {
                    node.line = format!("{head}{}{rest}", rename(&keys));
                }
                // Its keys read the pulled-out column, its results name it as the key was named.
                for detail in &mut node.details {
                    if detail.starts_with("Keys") {
                        *detail = rename(detail);
                    } else if detail.starts_with("Results") {
                        *detail = renamed.iter().fold(detail.clone(), |t, (from, to)| replace_reference(&t, from, &format!("{to} AS {from}")));
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    if !is_aggregate(&node.name) || node.children.len() != 1 || node.children[0].name == "Expand" {
        return Vec::new();
    }
    let Some((head, keys, rest)) = split_keys(&node.line) else { return Vec::new() };
    let mut computed = Vec::new();
    let mut printed_keys = Vec::new();
    for key in top_level_items(&keys) {
        match split_alias(&key) {
            Some((value, reference)) => {
                let bigint = reference.ends_with('L');
                let pulled = attributes.new_reference("_groupingexpression", bigint);
                printed_keys.push(pulled.clone());
                computed.push((value, reference, pulled));
            }
            None => printed_keys.push(key),
        }
    }
    if computed.is_empty() {
        return Vec::new();
    }
    node.line = format!("{head}{}{rest}", list(printed_keys));
    let input = node.children.remove(0);
    // The input columns the aggregation reads (its functions' and the keys'), in their order.
    let reads = |column: &String| node.line.contains(column.as_str()) || computed.iter().any(|(value, ..)| value.contains(column.as_str()));
    let mut items: Vec<String> = input.output.iter().filter(|c| reads(c)).cloned().collect();
    let mut output = items.clone();
    for (value, _, pulled) in &computed {
        items.push(format!("{value} AS {pulled}"));
        output.push(pulled.clone());
    }
    if input.name == "LocalTableScan" {
        // Over local rows Spark computes the key while it plans, into the rows.
        let mut rows = input;
        let empty = if rows.line.starts_with("LocalTableScan <empty>") { "<empty>, " } else { "" };
        rows.line = format!("LocalTableScan {empty}{}", list(output.clone()));
        rows.output = output;
        node.children = vec![rows];
    } else {
        let mut project = SparkNode::new("Project", format!("Project {}", list(items.clone())), output, vec![input]);
        project.formatted_output = Some(items);
        node.children = vec![project];
    }
    let computed_keys: Vec<(String, String)> = computed.iter().map(|(value, reference, pulled)| (format!("{value} AS {reference}"), pulled.clone())).collect();
    let renamed: Vec<(String, String)> = computed.into_iter().map(|(_, reference, pulled)| (reference, pulled)).collect();
    node.output = node.output.iter().map(|o| renamed.iter().find(|(from, _)| from == o).map_or_else(|| o.clone(), |(_, to)| to.clone())).collect();
    for detail in node.details.iter_mut().filter(|d| d.starts_with("Keys") || d.starts_with("Results")) {
        *detail = computed_keys.iter().fold(detail.clone(), |t, (written, to)| t.replace(written.as_str(), to));
        *detail = renamed.iter().fold(detail.clone(), |t, (from, to)| replace_reference(&t, from, to));
    }
    renamed
}

/// `line` cut around the list of its `keys=[…]`: before, the list, after.
fn split_keys(line: &str) -> Option<(String, String, String)> {
    let start = line.find("keys=[")? + "keys=".len();
    let end = start + closing_bracket(&line[start..])?;
    Some((line[..start].to_string(), line[start..=end].to_string(), line[end + 1..].to_string()))
}

/// Where the bracket opening `text` closes.
fn closing_bracket(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (at, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The items of a printed list `[a, f(b, c)]`, split at its top-level commas.
fn top_level_items(bracketed: &str) -> Vec<String> {
    let inner = bracketed.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(bracketed);
    let mut items = Vec::new();
    let (mut depth, mut current) = (0i32, String::new());
    for c in inner.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        items.push(current.trim().to_string());
    }
    items
}

/// `value AS reference` at the top level of a printed key.
fn split_alias(key: &str) -> Option<(String, String)> {
    let at = key.rfind(" AS ")?;
    let (value, reference) = (&key[..at], &key[at + " AS ".len()..]);
    (super::expressions::balanced(value) && !reference.contains(' ')).then(|| (value.to_string(), reference.to_string()))
}

/// `text` with the column reference `from` (a whole `name#id`) printed as `to`.
fn replace_reference(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let before_ok = rest[..at].chars().last().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '#'));
        out.push_str(&rest[..at]);
        out.push_str(if whole && before_ok { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_at_their_top_level() {
        let (head, keys, rest) = split_keys("HashAggregate(keys=[(id#0L % 2) AS k#1L, v#2], functions=[partial_sum(id#0L)])").unwrap();
        assert_eq!(head, "HashAggregate(keys=");
        assert_eq!(top_level_items(&keys), vec!["(id#0L % 2) AS k#1L", "v#2"]);
        assert_eq!(rest, ", functions=[partial_sum(id#0L)])");
        assert_eq!(split_alias("(id#0L % 2) AS k#1L"), Some(("(id#0L % 2)".to_string(), "k#1L".to_string())));
        assert_eq!(replace_reference("hashpartitioning(k#1L, 200), kk#1L", "k#1L", "g#5L"), "hashpartitioning(g#5L, 200), kk#1L");
    }
}

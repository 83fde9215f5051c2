//! The identity of a plan for caching and `sameSemantics`: its text with
//! internal column names numbered by first appearance.

use std::hash::{DefaultHasher, Hash, Hasher};

use datafusion::arrow::array::{ArrayData, RecordBatch};
use datafusion::common::TableReference;
use datafusion::logical_expr::LogicalPlan;

/// The table name of a scan of local rows: `local_<fingerprint of the rows>`.
pub fn local_relation_name(batches: &[RecordBatch]) -> TableReference {
    fn hash_data(data: &ArrayData, hasher: &mut DefaultHasher) {
        (data.len(), data.offset(), data.null_count()).hash(hasher);
        if let Some(nulls) = data.nulls() {
            nulls.validity().hash(hasher);
        }
        for buffer in data.buffers() {
            buffer.as_slice().hash(hasher);
        }
        for child in data.child_data() {
            hash_data(child, hasher);
        }
    }
    let mut hasher = DefaultHasher::new();
    for batch in batches {
        for column in batch.columns() {
            hash_data(&column.to_data(), &mut hasher);
        }
    }
    TableReference::bare(format!("local_{:016x}", hasher.finish()))
}

/// A plan's identity up to the internal names of its columns: equal for
/// plans that compute the same thing, whatever their column ids.
pub fn plan_key(plan: &LogicalPlan, names: &[String]) -> String {
    let text = format!("{}", plan.display_indent_schema());
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '#' {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            let index = seen.iter().position(|n| *n == digits).unwrap_or_else(|| {
                seen.push(digits.clone());
                seen.len() - 1
            });
            out.push_str(&index.to_string());
        }
    }
    format!("{out}|{}", names.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{LogicalPlanBuilder, col, lit};

    fn projected(name: &str) -> LogicalPlan {
        LogicalPlanBuilder::empty(true).project(vec![lit(1).alias(name)]).unwrap().project(vec![col(name)]).unwrap().build().unwrap()
    }

    #[test]
    fn local_rows_are_named_by_their_content() {
        use datafusion::arrow::array::{ArrayRef, Int64Array};
        let rows = |v: Vec<i64>| RecordBatch::try_from_iter([("a", std::sync::Arc::new(Int64Array::from(v)) as ArrayRef)]).unwrap();
        assert_eq!(local_relation_name(&[rows(vec![1, 2])]), local_relation_name(&[rows(vec![1, 2])]));
        assert_ne!(local_relation_name(&[rows(vec![1, 2])]), local_relation_name(&[rows(vec![1, 3])]));
    }

    #[test]
    fn keys_ignore_internal_ids_but_not_structure() {
        let names = vec!["a".to_string()];
        assert_eq!(plan_key(&projected("#12"), &names), plan_key(&projected("#40"), &names));
        assert_ne!(plan_key(&projected("#12"), &names), plan_key(&projected("#12"), &["b".to_string()]));
        let other = LogicalPlanBuilder::empty(true).project(vec![lit(2).alias("#3")]).unwrap().build().unwrap();
        assert_ne!(plan_key(&projected("#12"), &names), plan_key(&other, &names));
    }
}

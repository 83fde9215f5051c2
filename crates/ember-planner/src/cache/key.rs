//! The identity of a plan for caching and `sameSemantics`: its text with
//! internal column names numbered by first appearance.

use datafusion::logical_expr::LogicalPlan;

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
    fn keys_ignore_internal_ids_but_not_structure() {
        let names = vec!["a".to_string()];
        assert_eq!(plan_key(&projected("#12"), &names), plan_key(&projected("#40"), &names));
        assert_ne!(plan_key(&projected("#12"), &names), plan_key(&projected("#12"), &["b".to_string()]));
        let other = LogicalPlanBuilder::empty(true).project(vec![lit(2).alias("#3")]).unwrap().build().unwrap();
        assert_ne!(plan_key(&projected("#12"), &names), plan_key(&other, &names));
    }
}

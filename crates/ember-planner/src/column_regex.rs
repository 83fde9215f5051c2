//! `df.colRegex("`pattern`")` (Spark Connect's `UnresolvedRegex`): in a
//! select list, every input column whose name the regular expression
//! matches in full (ignoring case unless `spark.sql.caseSensitive`); a name
//! without backticks is an ordinary column name. Patterns use the `regex`
//! crate's syntax, which lacks Java's possessive quantifiers and lookarounds.

use datafusion::common::Column;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_protocol::connect::expression::UnresolvedRegex;

use crate::error::{Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// The columns of `input` that `regex` selects, with their Spark names.
    pub(crate) fn expand_column_regex(&mut self, regex: &UnresolvedRegex, input: &LogicalPlan) -> Result<Vec<(Expr, String)>> {
        let Some(pattern) = regex.col_name.strip_prefix('`').and_then(|p| p.strip_suffix('`')) else {
            return Ok(vec![self.resolve_column_name(&regex.col_name, regex.plan_id, input)?]);
        };
        let flags = if self.config.case_sensitive { "" } else { "(?i)" };
        let matcher = regex::Regex::new(&format!("{flags}^(?:{pattern})$"))
            .map_err(|e| SparkError::illegal_argument(format!("invalid column regex {pattern}: {e}")))?;
        let mut selected = Vec::new();
        for field in input.schema().fields() {
            let info = self.info(field.name());
            let of_frame = regex.plan_id.is_none_or(|id| info.plan_ids.contains(&id));
            if of_frame && matcher.is_match(&info.name) {
                selected.push((Expr::Column(Column::new_unqualified(field.name())), info.name));
            }
        }
        Ok(selected)
    }
}

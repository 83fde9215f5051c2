//! `NATURAL JOIN`: a join `USING` every column both sides have. The SQL
//! translation marks it with [`NATURAL`] in place of the `USING` list, as
//! the columns are only known once both sides are planned.

use datafusion::logical_expr::LogicalPlan;

use crate::plan::Planner;

/// The `USING` list of a `NATURAL JOIN`; no column can have this name.
pub const NATURAL: &str = "\u{0}natural";

impl Planner<'_> {
    /// The columns a join is `USING`: as written, or for a `NATURAL JOIN`
    /// the columns of `left` (in its order) that `right` also has.
    pub(crate) fn using_columns(&self, left: &LogicalPlan, right: &LogicalPlan, written: &[String]) -> Vec<String> {
        if written != [NATURAL] {
            return written.to_vec();
        }
        let right_names: Vec<String> = self.columns_of(right).into_iter().map(|(_, info)| info.name).collect();
        self.columns_of(left)
            .into_iter()
            .map(|(_, info)| info.name)
            .filter(|name| right_names.iter().any(|r| r.eq_ignore_ascii_case(name)))
            .collect()
    }
}

//! Column references as Spark prints them: `name#id`, with `L` after a
//! bigint's (`id#13L`). Ember's plans name their columns `#13` internally;
//! the planner knows each one's Spark name.

use std::cell::RefCell;
use std::collections::HashMap;

use datafusion::arrow::datatypes::DataType;

/// Whether Ember's plan has the column `name` where Spark's has none: the
/// grouping-set row count that drops grand totals of empty input.
pub fn hidden(name: &str) -> bool {
    name.starts_with(crate::grouping::GROUPED_ROWS)
}

/// Whether `expr` reads a column [`hidden`] from Spark's plans.
pub fn reads_hidden(expr: &datafusion::logical_expr::Expr) -> bool {
    expr.column_refs().iter().any(|c| hidden(&c.name))
}

/// Spark's names of a query's internal columns, and the ids given to the
/// other names met while printing one plan (a file's own column names,
/// DataFusion's generated ones).
#[derive(Debug, Default)]
pub struct Attributes {
    spark_names: HashMap<String, String>,
    /// Names of internal columns without one, taken from the columns that rename them.
    learned: RefCell<HashMap<String, String>>,
    other_ids: RefCell<HashMap<String, usize>>,
    /// Internal columns that print as another column's reference.
    aliases: RefCell<HashMap<String, String>>,
    plan_ids: std::cell::Cell<usize>,
}

impl Attributes {
    /// The attributes of a plan whose internal columns have these Spark names.
    pub fn new(spark_names: HashMap<String, String>) -> Self {
        Attributes { spark_names, learned: RefCell::default(), other_ids: RefCell::default(), aliases: RefCell::default(), plan_ids: std::cell::Cell::new(0) }
    }

    /// The references to a schema's columns, under the names `wanted` gives
    /// by position where it has one.
    /// Ember's own hidden columns (always last) are left out.
    pub fn references(&self, schema: &datafusion::arrow::datatypes::Schema, wanted: &[Option<String>]) -> Vec<String> {
        schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| !hidden(f.name()))
            .map(|(i, f)| self.reference(wanted.get(i).cloned().flatten().as_deref().unwrap_or(f.name()), f.data_type()))
            .collect()
    }

    /// The reference to the column named `internal` of type `data_type`.
    pub fn reference(&self, internal: &str, data_type: &DataType) -> String {
        if let Some(reference) = self.aliases.borrow().get(internal) {
            return reference.clone();
        }
        let suffix = if *data_type == DataType::Int64 { "L" } else { "" };
        // An aggregation's state column is named `#6[sum]`: Spark calls it `sum#6`.
        if let Some((column, state)) = internal.strip_suffix(']').and_then(|n| n.split_once('[')) {
            if let Some(id) = column.strip_prefix('#') {
                // Spark's names of `first`'s states.
                let state = match state {
                    "first_value" => "first",
                    "first_value_is_set" => "valueSet",
                    other => other,
                };
                return format!("{state}#{id}{suffix}");
            }
        }
        // DataFusion's grouping id (of the smallest unsigned type) is Spark's bigint `spark_grouping_id`.
        if internal == datafusion::logical_expr::Aggregate::INTERNAL_GROUPING_ID {
            return format!("spark_grouping_id#{}L", self.other_id(internal));
        }
        let id = internal.strip_prefix('#').filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        match (self.known_name(internal), id) {
            (Some(name), Some(id)) => format!("{name}#{id}{suffix}"),
            (None, Some(id)) => format!("col#{id}{suffix}"),
            (name, None) => format!("{}#{}{suffix}", name.as_deref().unwrap_or(internal), self.other_id(internal)),
        }
    }

    fn known_name(&self, internal: &str) -> Option<String> {
        self.spark_names.get(internal).cloned().or_else(|| self.learned.borrow().get(internal).cloned())
    }

    /// The Spark name of the column named `internal`.
    pub fn name(&self, internal: &str) -> String {
        self.known_name(internal).unwrap_or_else(|| internal.to_string())
    }

    /// Names the column `internal`, if it has no name, as the column `renamed` that renames it.
    pub fn learn(&self, internal: &str, renamed: &str) {
        if self.known_name(internal).is_none() {
            if let Some(name) = self.known_name(renamed) {
                self.learned.borrow_mut().insert(internal.to_string(), name);
            }
        }
    }

    /// Names the column `internal`, if it has no name, `name`.
    pub fn know(&self, internal: &str, name: &str) {
        if self.known_name(internal).is_none() {
            self.learned.borrow_mut().insert(internal.to_string(), name.to_string());
        }
    }

    /// Prints the column named `internal` as `reference` (a column it only copies).
    pub fn alias(&self, internal: &str, reference: &str) {
        self.aliases.borrow_mut().insert(internal.to_string(), reference.to_string());
    }

    /// The reference to a source's own column `name` (a file's), whatever
    /// the columns that rename it above are called.
    pub fn own_reference(&self, name: &str, data_type: &DataType) -> String {
        let suffix = if *data_type == DataType::Int64 { "L" } else { "" };
        format!("{name}#{}{suffix}", self.other_id(name))
    }

    /// Prints the column named `internal`, of type `data_type`, as `name`
    /// with an id of its own (`gid#100000`).
    pub fn rename(&self, internal: &str, name: &str, data_type: &DataType) {
        let suffix = if *data_type == DataType::Int64 { "L" } else { "" };
        let reference = format!("{name}#{}{suffix}", self.other_id(internal));
        self.aliases.borrow_mut().insert(internal.to_string(), reference);
    }

    /// A reference `name#id` of an id of its own, for a column Spark adds
    /// (`_groupingexpression#100003L`).
    pub fn new_reference(&self, name: &str, bigint: bool) -> String {
        let key = format!("{name}\u{0}{}", self.other_ids.borrow().len());
        format!("{name}#{}{}", self.other_id(&key), if bigint { "L" } else { "" })
    }

    /// A fresh number for a name without one, the same for every use of it.
    fn other_id(&self, name: &str) -> usize {
        let mut ids = self.other_ids.borrow_mut();
        let next = 100_000 + ids.len();
        *ids.entry(name.to_string()).or_insert(next)
    }

    /// A number for a plan-wide id (`plan_id=`), fresh on every call.
    pub fn fresh_id(&self) -> usize {
        self.plan_ids.set(self.plan_ids.get() + 1);
        self.plan_ids.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_columns_read_as_spark_names_with_their_ids() {
        let attributes = Attributes::new(HashMap::from([("#13".to_string(), "id".to_string())]));
        assert_eq!(attributes.reference("#13", &DataType::Int64), "id#13L");
        assert_eq!(attributes.reference("#13", &DataType::Int32), "id#13");
        assert_eq!(attributes.reference("#6[sum]", &DataType::Int64), "sum#6L");
        let file_column = attributes.reference("name", &DataType::Utf8);
        assert!(file_column.starts_with("name#"));
        assert_eq!(attributes.reference("name", &DataType::Utf8), file_column);
    }
}

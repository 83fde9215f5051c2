//! Recursive common table expressions (`WITH RECURSIVE r AS (anchor UNION
//! ALL step)`), run while planning as Spark's `UnionLoop` runs: the anchor
//! first, then the step over the previous level's rows until it returns no
//! rows, a pushed `LIMIT` is reached, or a level or row limit fails the query.
//!
//! The SQL translation (`sql::recursive`) hands the planner a
//! [`RecursiveCte`] in a relation's `extension`; the step reads the previous
//! level through a named table only this relation knows.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::arrow::ipc::writer::StreamWriter;
use datafusion::logical_expr::LogicalPlan;
use ember_protocol::connect::{self, relation::RelType};
use prost::Message;

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

/// The `type_url` of a [`RecursiveCte`] in a relation's `extension`.
pub const RECURSIVE_CTE_TYPE: &str = "type.googleapis.com/ember.RecursiveCte";

/// A recursive common table expression.
#[derive(Clone, PartialEq, Message)]
pub struct RecursiveCte {
    /// The table name the step reads the previous level's rows from.
    #[prost(string, tag = "1")]
    pub work_table: String,
    /// The anchor term, with the CTE's column names.
    #[prost(message, optional, tag = "2")]
    pub anchor: Option<connect::Relation>,
    /// The recursive term.
    #[prost(message, optional, tag = "3")]
    pub step: Option<connect::Relation>,
    /// A `LIMIT` over the CTE pushed into it: the rows to produce at most
    /// (then the row limit does not apply).
    #[prost(int64, optional, tag = "4")]
    pub limit: Option<i64>,
    /// `MAX RECURSION LEVEL n`, over `spark.sql.cteRecursionLevelLimit`.
    #[prost(int64, optional, tag = "5")]
    pub max_level: Option<i64>,
}

impl RecursiveCte {
    /// This CTE as a relation.
    pub fn into_relation(self) -> connect::Relation {
        let any = prost_types::Any { type_url: RECURSIVE_CTE_TYPE.to_string(), value: self.encode_to_vec() };
        connect::Relation { common: None, rel_type: Some(RelType::Extension(any)) }
    }

    /// The CTE a relation made by [`RecursiveCte::into_relation`] holds.
    pub fn of(relation: &connect::Relation) -> Option<RecursiveCte> {
        match &relation.rel_type {
            Some(RelType::Extension(any)) if any.type_url == RECURSIVE_CTE_TYPE => RecursiveCte::decode(any.value.as_slice()).ok(),
            _ => None,
        }
    }
}

impl Planner<'_> {
    /// Plans a relation's `extension`: only Ember's own recursive CTEs.
    pub(crate) fn extension(&mut self, any: &prost_types::Any) -> Result<LogicalPlan> {
        if any.type_url != RECURSIVE_CTE_TYPE {
            return Err(SparkError::unsupported(format!("relation extension {}", any.type_url)));
        }
        let cte = RecursiveCte::decode(any.value.as_slice())
            .map_err(|e| SparkError::illegal_argument(format!("malformed recursive CTE: {e}")))?;
        self.recursive_cte(&cte)
    }

    /// Runs a recursive CTE level by level and returns its rows.
    fn recursive_cte(&mut self, cte: &RecursiveCte) -> Result<LogicalPlan> {
        let missing = || SparkError::illegal_argument("recursive CTE without its terms");
        let anchor = self.plan_relation(cte.anchor.as_ref().ok_or_else(missing)?)?;
        let schema = spark_schema(&anchor, &self.spark_names(&anchor));
        let mut level_rows = renamed(self.collect_now(anchor)?, &schema)?;
        let mut rows: Vec<RecordBatch> = Vec::new();
        let mut total = 0usize;
        let limit = cte.limit.map(|n| n.max(0) as usize);
        let row_limit = self.config.cte_recursion_row_limit;
        let level_limit = cte.max_level.map_or(self.config.cte_recursion_level_limit, |n| n.max(0) as usize);
        for level in 0.. {
            let count: usize = level_rows.iter().map(RecordBatch::num_rows).sum();
            if count == 0 {
                break;
            }
            if level >= level_limit {
                return Err(limit_exceeded("RECURSION_LEVEL_LIMIT_EXCEEDED", "levelLimit", level_limit));
            }
            total += count;
            rows.extend(level_rows.iter().cloned());
            if limit.is_some_and(|limit| total >= limit) {
                break;
            }
            if limit.is_none() && total >= row_limit {
                return Err(limit_exceeded("RECURSION_ROW_LIMIT_EXCEEDED", "rowLimit", row_limit));
            }
            self.query_views.insert(cte.work_table.to_lowercase(), local_relation(&schema, &level_rows)?);
            let step = self.plan_relation(cte.step.as_ref().ok_or_else(missing)?)?;
            check_step_types(&schema, &step)?;
            level_rows = renamed(self.collect_now(step)?, &schema)?;
        }
        self.query_views.remove(&cte.work_table.to_lowercase());
        if let Some(limit) = limit {
            rows = first_rows(rows, limit);
        }
        self.batches_relation(rows, Some(schema), None)
    }
}

/// The schema of a CTE's rows: the anchor's Spark names and types, nullable.
fn spark_schema(anchor: &LogicalPlan, names: &[String]) -> SchemaRef {
    let fields: Vec<Field> = anchor
        .schema()
        .fields()
        .iter()
        .zip(names)
        .map(|(field, name)| field.as_ref().clone().with_name(name).with_nullable(true))
        .collect();
    Arc::new(Schema::new(fields))
}

/// `batches` under `schema` (same column types, the CTE's names).
fn renamed(batches: Vec<RecordBatch>, schema: &SchemaRef) -> Result<Vec<RecordBatch>> {
    batches
        .into_iter()
        .map(|batch| Ok(RecordBatch::try_new(schema.clone(), batch.columns().to_vec())?))
        .collect()
}

/// The first `limit` rows of `batches`.
fn first_rows(batches: Vec<RecordBatch>, mut limit: usize) -> Vec<RecordBatch> {
    let mut kept = Vec::new();
    for batch in batches {
        if limit == 0 {
            break;
        }
        let take = batch.num_rows().min(limit);
        limit -= take;
        kept.push(batch.slice(0, take));
    }
    kept
}

/// A `LocalRelation` holding `batches`.
fn local_relation(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<connect::Relation> {
    let mut data = Vec::new();
    let mut writer = StreamWriter::try_new(&mut data, schema)?;
    for batch in batches {
        writer.write(batch)?;
    }
    writer.finish()?;
    drop(writer);
    Ok(connect::Relation {
        common: None,
        rel_type: Some(RelType::LocalRelation(connect::LocalRelation { data: Some(data), schema: None })),
    })
}

/// Spark requires the recursive term's column types to be the anchor's.
fn check_step_types(schema: &SchemaRef, step: &LogicalPlan) -> Result<()> {
    let step_fields = step.schema().fields();
    if step_fields.len() != schema.fields().len() {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "NUM_COLUMNS_MISMATCH",
            "42826",
            format!(
                "UNION ALL can only be performed on inputs with the same number of columns, but the first input has {} columns and the second input has {} columns.",
                schema.fields().len(),
                step_fields.len()
            ),
            &[
                ("operator", "UNION ALL".to_string()),
                ("firstNumColumns", schema.fields().len().to_string()),
                ("invalidOrdinalNum", "second".to_string()),
                ("invalidNumColumns", step_fields.len().to_string()),
            ],
        ));
    }
    for (anchor, step) in schema.fields().iter().zip(step_fields) {
        if anchor.data_type() != step.data_type() {
            let left = format!("\"{}\"", ember_types::sql_string(anchor.data_type()));
            let right = format!("\"{}\"", ember_types::sql_string(step.data_type()));
            return Err(SparkError::new(
                ErrorKind::Internal,
                "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE",
                "42825",
                format!(
                    "Failed to merge incompatible data types {left} and {right}. Please check the data types of the columns being merged and ensure that they are compatible. If necessary, consider casting the columns to compatible data types before attempting the merge."
                ),
                &[("left", left), ("right", right)],
            ));
        }
    }
    Ok(())
}

/// `RECURSION_LEVEL_LIMIT_EXCEEDED` or `RECURSION_ROW_LIMIT_EXCEEDED`, raised
/// by Spark as a `SparkException`.
fn limit_exceeded(error_class: &str, parameter: &str, limit: usize) -> SparkError {
    let message = match parameter {
        "levelLimit" => format!(
            "Recursion level limit {limit} reached but query has not exhausted, try increasing it like 'WITH RECURSIVE t(col) MAX RECURSION LEVEL 200'."
        ),
        _ => format!(
            "Recursion row limit {limit} reached but query has not exhausted, try setting a larger LIMIT value when querying the CTE relation."
        ),
    };
    SparkError::new(ErrorKind::Internal, error_class, "42836", message, &[(parameter, limit.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int32Array;
    use datafusion::arrow::datatypes::DataType;

    fn batch(values: &[i32]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int32, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int32Array::from(values.to_vec()))]).unwrap()
    }

    #[test]
    fn first_rows_cuts_across_batches() {
        let kept = first_rows(vec![batch(&[1, 2]), batch(&[3, 4]), batch(&[5])], 3);
        let values: Vec<i32> = kept
            .iter()
            .flat_map(|b| b.column(0).as_any().downcast_ref::<Int32Array>().unwrap().values().to_vec())
            .collect();
        assert_eq!(values, vec![1, 2, 3]);
    }

    #[test]
    fn round_trips_through_a_relation() {
        let cte = RecursiveCte { work_table: "w".into(), anchor: None, step: None, limit: Some(4), max_level: Some(3) };
        assert_eq!(RecursiveCte::of(&cte.clone().into_relation()), Some(cte));
    }

    #[test]
    fn step_types_must_match() {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int32, true)]));
        let plan = datafusion::logical_expr::LogicalPlanBuilder::empty(false)
            .project(vec![datafusion::logical_expr::lit(1i64).alias("n")])
            .unwrap()
            .build()
            .unwrap();
        let error = check_step_types(&schema, &plan).unwrap_err();
        assert_eq!(error.error_class, "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE");
    }
}

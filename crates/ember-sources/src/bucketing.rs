//! Bucketed writes (`bucketBy(n, cols)`, `sortBy(cols)`): each row goes to
//! bucket `pmod(hash(cols), n)` (Spark's Murmur3 hash with seed 42, as its
//! `HashPartitioning`), each bucket to its own files (`…_0000b.c000…`), and
//! with sort columns the rows of each file are sorted by them.

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::common::Column;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};
use ember_errors::SparkError;
use ember_functions::hash::spark_hash;

/// The name of the bucket id column the write plan appends.
pub(crate) const BUCKET_COLUMN: &str = "__ember_bucket_id";

/// A write's bucketing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucketing {
    /// The number of buckets.
    pub count: usize,
    /// The columns hashed into a bucket id.
    pub columns: Vec<String>,
    /// The columns each file's rows are sorted by.
    pub sort_columns: Vec<String>,
}

impl Bucketing {
    /// `plan` (whose columns are `schema`'s, Spark's names) with the bucket id
    /// appended, sorted by partition columns, bucket and sort columns; and
    /// `schema` with the bucket id.
    pub(crate) fn plan(
        &self,
        plan: LogicalPlan,
        schema: &SchemaRef,
        partition_by: &[String],
    ) -> Result<(LogicalPlan, SchemaRef), SparkError> {
        let columns: Vec<Expr> = plan.schema().columns().into_iter().map(Expr::Column).collect();
        let column_of = |name: &str, role: &str| -> Result<Expr, SparkError> {
            let index = schema
                .fields()
                .iter()
                .position(|f| f.name().eq_ignore_ascii_case(name))
                .ok_or_else(|| column_not_found(role, name, schema))?;
            Ok(columns[index].clone())
        };
        let hashed = self.columns.iter().map(|c| column_of(c, "bucket")).collect::<Result<Vec<_>, _>>()?;
        let count = lit(self.count as i32);
        let bucket = ((spark_hash(hashed) % count.clone()) + count.clone()) % count;
        let mut order: Vec<Expr> = partition_by.iter().map(|c| column_of(c, "partition")).collect::<Result<_, _>>()?;
        order.push(Expr::Column(Column::new_unqualified(BUCKET_COLUMN)));
        for name in &self.sort_columns {
            order.push(column_of(name, "sort")?);
        }
        let plan = LogicalPlanBuilder::from(plan)
            .project(columns.into_iter().chain([bucket.alias(BUCKET_COLUMN)]))?
            .sort(order.into_iter().map(|e| e.sort(true, true)))?
            .build()?;
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.push(Field::new(BUCKET_COLUMN, DataType::Int32, false));
        Ok((plan, std::sync::Arc::new(Schema::new(fields))))
    }
}

/// Spark's error for a bucket, sort or partition column the data lacks.
fn column_not_found(role: &str, name: &str, schema: &Schema) -> SparkError {
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    SparkError::new(
        ember_errors::ErrorKind::Analysis,
        "",
        "",
        format!("{role} column {name} not found in existing columns ({}).", columns.join(", ")),
        &[],
    )
}

/// The file name part of bucket `id` (`_00003`).
pub(crate) fn bucket_suffix(id: Option<usize>) -> String {
    id.map_or_else(String::new, |id| format!("_{id:05}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_and_missing_column() {
        assert_eq!(bucket_suffix(Some(3)), "_00003");
        assert_eq!(bucket_suffix(None), "");
        let schema = std::sync::Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
        let bucketing = Bucketing { count: 2, columns: vec!["y".into()], sort_columns: vec![] };
        let plan = LogicalPlanBuilder::empty(true).project([lit(1i64).alias("x")]).unwrap().build().unwrap();
        assert!(bucketing.plan(plan, &schema, &[]).unwrap_err().to_string().contains("bucket column y not found"));
    }
}

//! Plans Spark's vector functions over `ARRAY<FLOAT>`: the scalar
//! `vector_inner_product`, `vector_cosine_similarity`, `vector_l2_distance`,
//! `vector_norm`, `vector_normalize` and the aggregates `vector_sum` and
//! `vector_avg`. Arguments are not cast: any other type fails the query
//! with `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`, as in Spark.

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::vector_aggregate::{VectorAggregate, VectorStatistic};
use ember_functions::vectors::{self, PairMeasure};

use crate::call_names::call_name;
use crate::error::Result;
use crate::input_types::unexpected_input_type;
use crate::plan::Planner;

fn is_float_vector(t: &DataType) -> bool {
    matches!(t, DataType::List(item) if item.data_type() == &DataType::Float32)
}

impl Planner<'_> {
    /// Plans `function` if it is one of Spark's vector functions; `None`
    /// for other names or argument counts.
    pub(crate) fn plan_vector_function(
        &self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let measure = match function {
            "vector_inner_product" => Some(PairMeasure::InnerProduct),
            "vector_cosine_similarity" => Some(PairMeasure::CosineSimilarity),
            "vector_l2_distance" => Some(PairMeasure::L2Distance),
            _ => None,
        };
        let statistic = match function {
            "vector_sum" => Some(VectorStatistic::Sum),
            "vector_avg" => Some(VectorStatistic::Avg),
            _ => None,
        };
        let with_degree = matches!(function, "vector_norm" | "vector_normalize");
        let arity_fits = match (measure, statistic) {
            (Some(_), _) => args.len() == 2,
            (_, Some(_)) => args.len() == 1,
            _ => with_degree && (1..=2).contains(&args.len()),
        };
        if !arity_fits {
            return Ok(None);
        }
        let mut names = names.to_vec();
        let mut args = args.to_vec();
        if with_degree && args.len() == 1 {
            args.push(lit(2.0f32));
            names.push("2.0".to_string());
        }
        let sql = call_name(function, &names);
        for (i, arg) in args.iter().enumerate() {
            let t = self.type_of(arg, input)?;
            let (fits, required) = if with_degree && i == 1 {
                (t == DataType::Float32, "\"FLOAT\"")
            } else {
                (is_float_vector(&t), "\"ARRAY<FLOAT>\"")
            };
            if !fits {
                return Err(unexpected_input_type(&sql, i, required, &names[i], &t));
            }
        }
        let mut args = args.into_iter();
        let mut next = || args.next().unwrap_or_else(|| unreachable!("the arity was checked"));
        let expr = match (measure, statistic, function) {
            (Some(measure), _, _) => vectors::pair_measure(measure, next(), next()),
            (_, Some(statistic), _) => VectorAggregate::call(statistic, next()),
            (_, _, "vector_norm") => vectors::vector_norm(next(), next()),
            _ => vectors::vector_normalize(next(), next()),
        };
        Ok(Some((expr, sql)))
    }
}

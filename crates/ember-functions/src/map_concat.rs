//! Spark's `map_concat(maps…)`: the entries of every map in order, NULL when
//! any map is; a key met twice fails with `DUPLICATED_MAP_KEY` (Spark's
//! default `spark.sql.mapKeyDedupPolicy`). The result may hold NULL values
//! when any input may.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::interleave;
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;

use crate::higher_order::{ensure_unique_keys, new_map};
use crate::kernel_udf::KernelUdf;

/// The type of `map_concat` of maps of `types`, when they share key and value types.
pub fn map_concat_type(types: &[DataType]) -> Option<DataType> {
    let entries_of = |t: &DataType| match t {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(fields) if fields.len() == 2 => Some((entries.clone(), fields.clone())),
            _ => None,
        },
        _ => None,
    };
    let (entries, fields) = entries_of(types.first()?)?;
    let mut values_nullable = false;
    for t in types {
        let (_, other) = entries_of(t)?;
        if other[0].data_type() != fields[0].data_type() || other[1].data_type() != fields[1].data_type() {
            return None;
        }
        values_nullable |= other[1].is_nullable();
    }
    let fields = vec![fields[0].as_ref().clone(), fields[1].as_ref().clone().with_nullable(values_nullable)];
    let entries = Field::new(entries.name(), DataType::Struct(fields.into()), false);
    Some(DataType::Map(Arc::new(entries), false))
}

/// `map_concat(maps)` whose result is of `return_type` (see [`map_concat_type`]).
pub fn map_concat(maps: Vec<Expr>, return_type: DataType) -> Expr {
    KernelUdf::call_null_intolerant("map_concat", return_type.clone(), kernel, "", maps)
}

fn kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let maps: Vec<_> = args.iter().map(|a| a.as_map()).collect();
    let rows = args.first().map_or(0, |a| a.len());
    let (mut picks, mut offsets, mut valid) = (Vec::new(), vec![0i32], Vec::with_capacity(rows));
    for row in 0..rows {
        let present = maps.iter().all(|m| m.is_valid(row));
        if present {
            for (i, map) in maps.iter().enumerate() {
                let bounds = map.value_offsets();
                picks.extend((bounds[row]..bounds[row + 1]).map(|j| (i, j as usize)));
            }
        }
        valid.push(present);
        offsets.push(picks.len() as i32);
    }
    let keys: Vec<&dyn Array> = maps.iter().map(|m| m.keys().as_ref()).collect();
    let values: Vec<&dyn Array> = maps.iter().map(|m| m.values().as_ref()).collect();
    let keys = interleave(&keys, &picks)?;
    let values = interleave(&values, &picks)?;
    ensure_unique_keys(&offsets, &keys)?;
    let return_type = map_concat_type(&args.iter().map(|a| a.data_type().clone()).collect::<Vec<_>>())
        .unwrap_or_else(|| args[0].data_type().clone());
    new_map(&return_type, offsets, keys, values, Some(NullBuffer::from(valid)))
}

//! Spark's partitioning of rows: `spark.range(…, numPartitions)`,
//! `repartition`, `repartitionByRange`, `coalesce`, and the functions that
//! read a row's partition (`spark_partition_id()`,
//! `monotonically_increasing_id()`), with the partition ids Spark gives.

mod adaptive;
mod coalesce;
mod constants;
mod exec;
mod nodes;
mod physical;
mod placement;
mod range;
mod read_ahead;
mod round_robin;
mod unsafe_row;

pub use adaptive::AdaptiveCoalescing;
pub use constants::ConstantsAboveRoundRobin;
pub use nodes::{PartitionValue, PartitionValueKind, Rebalance, RepartitionScheme, SortWithinPartitions, SparkRepartition};
pub(crate) use exec::{OrderedConcatExec, PartitionSortExec, Router, ShuffleExec};
pub use physical::{EmberQueryPlanner, in_partition_order};
pub use placement::{AggregationShuffle, file_marker, partition_marker, place_partition_values};
pub use range::SparkRange;

//! Where a cached relation's rows live: in memory while the memory pool
//! has room, on local disk when the storage level allows it and memory is
//! short, or nowhere (recomputed) when a memory-only level finds no room.

use std::fs::File;
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::reader::FileReader;
use datafusion::arrow::ipc::writer::FileWriter;
use datafusion::common::Result;
use datafusion::execution::TaskContext;
use datafusion::error::DataFusionError;
use datafusion::execution::SpillFile;
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryReservation};
use ember_protocol::connect::StorageLevel;

/// One partition's rows in a spill file, deleted when dropped.
pub struct Spilled {
    path: std::path::PathBuf,
    _file: Arc<dyn SpillFile>,
}

impl std::fmt::Debug for Spilled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spilled({})", self.path.display())
    }
}

/// The materialized rows of a cached relation, partition by partition.
#[derive(Debug)]
pub enum Stored {
    /// In memory, counted against the server's memory pool.
    Memory { partitions: Vec<Vec<RecordBatch>>, _reservation: MemoryReservation },
    /// In one Arrow IPC file per partition on local disk.
    Disk { files: Vec<Spilled> },
    /// Not kept: each read computes its partition again.
    Dropped { partitions: usize },
}

impl Stored {
    /// Keeps `partitions` as `level` allows in the memory and disk that `context` offers.
    pub fn keep(partitions: Vec<Vec<RecordBatch>>, schema: &SchemaRef, level: &StorageLevel, context: &TaskContext, name: &str) -> Result<Stored> {
        let bytes: usize = partitions.iter().flatten().map(RecordBatch::get_array_memory_size).sum();
        if level.use_memory || level.use_off_heap {
            let reservation = MemoryConsumer::new(name).register(context.memory_pool());
            if reservation.try_grow(bytes).is_ok() {
                return Ok(Stored::Memory { partitions, _reservation: reservation });
            }
        }
        if level.use_disk {
            let disk = &context.runtime_env().disk_manager;
            let mut files = Vec::with_capacity(partitions.len());
            for batches in &partitions {
                let file = disk.create_tmp_file(name)?;
                let path = file.path().ok_or_else(|| DataFusionError::Internal("spill files have no local path".into()))?.to_path_buf();
                let mut writer = FileWriter::try_new(File::create(&path)?, schema)?;
                for batch in batches {
                    writer.write(batch)?;
                }
                writer.finish()?;
                files.push(Spilled { path, _file: file });
            }
            return Ok(Stored::Disk { files });
        }
        Ok(Stored::Dropped { partitions: partitions.len() })
    }

    /// How many partitions the rows are in.
    pub fn partitions(&self) -> usize {
        match self {
            Stored::Memory { partitions, .. } => partitions.len(),
            Stored::Disk { files } => files.len(),
            Stored::Dropped { partitions } => *partitions,
        }
    }

    /// The rows of one partition, or `None` when they were not kept.
    pub fn read(&self, partition: usize) -> Result<Option<Vec<RecordBatch>>> {
        Ok(match self {
            Stored::Memory { partitions, .. } => Some(partitions.get(partition).cloned().unwrap_or_default()),
            Stored::Disk { files } => match files.get(partition) {
                Some(file) => Some(FileReader::try_new(File::open(&file.path)?, None)?.collect::<std::result::Result<Vec<_>, _>>()?),
                None => Some(Vec::new()),
            },
            Stored::Dropped { .. } => None,
        })
    }

    /// Where the rows are, as Spark's storage UI would say it.
    pub fn location(&self) -> &'static str {
        match self {
            Stored::Memory { .. } => "memory",
            Stored::Disk { .. } => "disk",
            Stored::Dropped { .. } => "recomputed",
        }
    }
}

/// The shared handle of a stored relation.
pub type SharedStore = Arc<Stored>;

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Int64Array};
    use datafusion::execution::memory_pool::GreedyMemoryPool;
    use datafusion::execution::runtime_env::RuntimeEnvBuilder;

    fn level(use_memory: bool, use_disk: bool) -> StorageLevel {
        StorageLevel { use_disk, use_memory, use_off_heap: false, deserialized: true, replication: 1 }
    }

    fn data() -> (SchemaRef, Vec<Vec<RecordBatch>>) {
        let batch = RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from_iter_values(0..1000)) as ArrayRef)]).unwrap();
        (batch.schema(), vec![vec![batch.clone()], vec![batch]])
    }

    fn context(limit: usize) -> TaskContext {
        let runtime = RuntimeEnvBuilder::new().with_memory_pool(Arc::new(GreedyMemoryPool::new(limit))).build_arc().unwrap();
        TaskContext::default().with_runtime(runtime)
    }

    #[test]
    fn rows_stay_in_memory_when_the_pool_has_room() {
        let (schema, partitions) = data();
        let stored = Stored::keep(partitions, &schema, &level(true, true), &context(1 << 30), "t").unwrap();
        assert_eq!(stored.location(), "memory");
        assert_eq!(stored.read(1).unwrap().unwrap()[0].num_rows(), 1000);
    }

    #[test]
    fn memory_and_disk_spills_and_memory_only_drops_when_memory_is_short() {
        let (schema, partitions) = data();
        let spilled = Stored::keep(partitions.clone(), &schema, &level(true, true), &context(16), "t").unwrap();
        assert_eq!(spilled.location(), "disk");
        assert_eq!(spilled.partitions(), 2);
        assert_eq!(spilled.read(0).unwrap().unwrap()[0], partitions[0][0]);
        let dropped = Stored::keep(partitions, &schema, &level(true, false), &context(16), "t").unwrap();
        assert_eq!(dropped.location(), "recomputed");
        assert!(dropped.read(0).unwrap().is_none());
    }
}

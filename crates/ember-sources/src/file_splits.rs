//! Read partitions of line-delimited files as Spark plans them
//! (`FilePartition.getFilePartitions`): large files are cut into splits of
//! at most `maxSplitBytes`, splits are sorted by size (largest first) and
//! packed into partitions, each file costing `openCostInBytes` more. A split
//! reads the lines that start inside it (Hadoop's `LineRecordReader`).

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use ember_errors::SparkError;

use crate::options::Options;

/// Spark's split settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitSettings {
    /// `spark.sql.files.maxPartitionBytes` (default 128 MiB).
    pub max_partition_bytes: u64,
    /// `spark.sql.files.openCostInBytes` (default 4 MiB).
    pub open_cost: u64,
    /// `spark.sql.files.minPartitionNum`, if set (else the session's parallelism).
    pub min_partitions: Option<usize>,
}

impl SplitSettings {
    /// The settings from the session's `spark.sql.files.*`.
    pub fn from_conf(conf: &Options) -> Result<Self, SparkError> {
        let bytes = |key: &str, default: u64| conf.get(key).map(|v| parse_bytes(key, v)).unwrap_or(Ok(default));
        let min_partitions = conf
            .get("spark.sql.files.minPartitionNum")
            .map(|v| v.trim().parse::<usize>().map_err(|_| bad_value("spark.sql.files.minPartitionNum", v)))
            .transpose()?;
        Ok(SplitSettings {
            max_partition_bytes: bytes("spark.sql.files.maxPartitionBytes", 128 << 20)?.max(1),
            open_cost: bytes("spark.sql.files.openCostInBytes", 4 << 20)?,
            min_partitions,
        })
    }
}

/// The bytes `[start, end)` of file `file` (an index into the read's files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// The file's index.
    pub file: usize,
    /// The first byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Whether the split is a whole file (read as one, not by lines).
    pub whole: bool,
}

/// The read partitions of files given as (size in bytes, splittable);
/// splittable files are cut, the others read whole. `parallelism` is the
/// session's default.
pub fn partitions(files: &[(u64, bool)], settings: &SplitSettings, parallelism: usize) -> Vec<Vec<Split>> {
    let open_cost = settings.open_cost;
    let total: u64 = files.iter().map(|(size, _)| size + open_cost).sum();
    let min_partitions = settings.min_partitions.unwrap_or(parallelism).max(1) as u64;
    let max_split = settings.max_partition_bytes.min(open_cost.max(total / min_partitions)).max(1);
    let mut splits: Vec<Split> = Vec::new();
    for (file, &(size, splittable)) in files.iter().enumerate() {
        if !splittable || size <= max_split {
            splits.push(Split { file, start: 0, end: size, whole: !splittable });
            continue;
        }
        let mut start = 0;
        while start < size {
            let end = (start + max_split).min(size);
            splits.push(Split { file, start, end, whole: false });
            start = end;
        }
    }
    splits.sort_by(|a, b| (b.end - b.start).cmp(&(a.end - a.start)));
    let mut partitions: Vec<Vec<Split>> = Vec::new();
    let mut current: Vec<Split> = Vec::new();
    let mut current_size = 0;
    for split in splits {
        let length = split.end - split.start;
        if current_size + length > max_split && !current.is_empty() {
            partitions.push(std::mem::take(&mut current));
            current_size = 0;
        }
        current_size += length + open_cost;
        current.push(split);
    }
    if !current.is_empty() {
        partitions.push(current);
    }
    partitions
}

/// The lines of `path` that start inside `[start, end]` (a line starting
/// exactly at `end` included, one starting at a later `start` not), as
/// Hadoop's line reader assigns lines to splits.
pub fn read_lines(path: &Path, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut position = start;
    if start > 0 {
        // The line that starts before or at `start` belongs to the previous split.
        reader.seek(SeekFrom::Start(start))?;
        let mut skipped = Vec::new();
        position += reader.read_until(b'\n', &mut skipped)? as u64;
    }
    let mut bytes = Vec::new();
    while position <= end {
        let read = reader.read_until(b'\n', &mut bytes)?;
        if read == 0 {
            break;
        }
        position += read as u64;
    }
    Ok(bytes)
}

/// A size as Spark's byte settings accept it: `1048576`, `128m`, `4MB`, `1g`.
fn parse_bytes(key: &str, value: &str) -> Result<u64, SparkError> {
    crate::options::byte_size(value, 0).and_then(|n| u64::try_from(n).ok()).ok_or_else(|| bad_value(key, value))
}

fn bad_value(key: &str, value: &str) -> SparkError {
    SparkError::illegal_argument(format!("{key} should be a size in bytes, got {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(max: u64, open: u64) -> SplitSettings {
        SplitSettings { max_partition_bytes: max, open_cost: open, min_partitions: None }
    }

    #[test]
    fn large_files_are_split_and_small_ones_packed() {
        // total = 300 + 3 * 10 = 330; per core 165 → maxSplit = min(100, max(10, 165)) = 100.
        let parts = partitions(&[(250, true), (30, true), (20, true)], &settings(100, 10), 2);
        let lengths: Vec<Vec<u64>> = parts.iter().map(|p| p.iter().map(|s| s.end - s.start).collect()).collect();
        assert_eq!(lengths, [vec![100], vec![100], vec![50, 30], vec![20]]);
    }

    #[test]
    fn unsplittable_files_stay_whole() {
        let parts = partitions(&[(250, false)], &settings(100, 10), 2);
        assert_eq!(parts, [vec![Split { file: 0, start: 0, end: 250, whole: true }]]);
    }

    #[test]
    fn lines_belong_to_the_split_they_start_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "aaaa\nbbbb\ncccc\ndddd").unwrap();
        let all: Vec<u8> = [(0, 5), (5, 12), (12, 19)]
            .iter()
            .flat_map(|&(s, e)| read_lines(&path, s, e).unwrap())
            .collect();
        assert_eq!(String::from_utf8(all).unwrap(), "aaaa\nbbbb\ncccc\ndddd");
        assert_eq!(read_lines(&path, 0, 5).unwrap(), b"aaaa\nbbbb\n");
        assert_eq!(read_lines(&path, 5, 12).unwrap(), b"cccc\n");
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("k", "128m").unwrap(), 128 << 20);
        assert_eq!(parse_bytes("k", "4MB").unwrap(), 4 << 20);
        assert_eq!(parse_bytes("k", "1048576").unwrap(), 1 << 20);
        assert!(parse_bytes("k", "lots").is_err());
    }
}

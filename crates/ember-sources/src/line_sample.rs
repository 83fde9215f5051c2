//! `samplingRatio` in CSV and JSON schema inference. Spark infers from
//! `Dataset.sample(withReplacement = false, ratio, seed = 1)` of the read's
//! text lines: each read partition (Spark's file splits) draws one uniform
//! double per line, in order, from an `XORShiftRandom` seeded with
//! 1 + the partition's index, and keeps the lines whose draw is below the
//! ratio. Drawing the same way gives the same sample, hence the same types.

use ember_errors::SparkError;
use ember_functions::seeded_random::XorShiftRandom;

use crate::compression;
use crate::file_sample;
use crate::file_splits::{self, SplitSettings};
use crate::options::Options;
use crate::paths::InputFile;

/// The seed Spark's inference samples with.
const SEED: i64 = 1;

/// A read's sampling of lines for inference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSampling {
    ratio: f64,
    splits: SplitSettings,
}

impl LineSampling {
    /// The read's `samplingRatio` with the session's split settings; None
    /// when Spark reads every line (a ratio above 0.99, the default 1).
    pub fn from_options(options: &Options, session_conf: &Options) -> Result<Option<LineSampling>, SparkError> {
        let Some(text) = options.get("samplingRatio") else { return Ok(None) };
        let ratio: f64 = text
            .trim()
            .parse()
            .map_err(|_| SparkError::illegal_argument(format!("For input string: \"{text}\"")))?;
        if ratio.is_nan() || ratio <= 0.0 {
            return Err(SparkError::requirement_failed(format!("samplingRatio ({ratio:?}) should be greater than 0")));
        }
        if ratio > 0.99 {
            return Ok(None);
        }
        Ok(Some(LineSampling { ratio, splits: SplitSettings::from_conf(session_conf)? }))
    }

    /// For each file (given its decoded text), whether the sample keeps
    /// each of its lines.
    pub fn draw(&self, files: &[InputFile], texts: &[String]) -> Vec<Vec<bool>> {
        let starts: Vec<Vec<usize>> = texts.iter().map(|text| line_starts(text)).collect();
        let sizes: Vec<(u64, bool)> = files.iter().map(|f| (f.size, !compression::is_compressed(&f.path))).collect();
        let parallelism = parallelism();
        let mut kept: Vec<Vec<bool>> = starts.iter().map(|s| vec![false; s.len()]).collect();
        for (index, partition) in file_splits::partitions(&sizes, &self.splits, parallelism).iter().enumerate() {
            let mut random = XorShiftRandom::new(SEED + index as i64);
            for split in partition {
                let (start, end) = (split.start as usize, split.end as usize);
                for (line, &at) in starts[split.file].iter().enumerate() {
                    let inside = if split.whole || start == 0 { at <= end } else { at > start && at <= end };
                    if inside {
                        kept[split.file][line] = random.next_double() < self.ratio;
                    }
                }
            }
        }
        kept
    }

    /// Whether the sample keeps each file, when Spark samples whole files
    /// (`multiLine` JSON; see [`crate::file_sample`]).
    pub fn draw_files(&self, files: &[InputFile]) -> Vec<bool> {
        let sizes: Vec<u64> = files.iter().map(|f| f.size).collect();
        file_sample::kept_files(&sizes, self.ratio, &self.splits, parallelism())
    }
}

/// The session's parallelism, as Spark's `defaultParallelism` of a local
/// master with every core.
fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Where each line of `text` starts, lines ending at `\n`, `\r\n` or `\r`
/// as Spark's text reader ends them (no empty line after a final break).
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        starts.push(at);
        while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
            at += 1;
        }
        if at < bytes.len() {
            at += if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { 2 } else { 1 };
        }
    }
    starts
}

/// The index of the line holding byte `offset`, given the lines' starts.
pub fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&start| start <= offset).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_as_spark_ends_them() {
        assert_eq!(line_starts("a\nb\r\nc\rd"), [0, 2, 5, 7]);
        assert_eq!(line_starts("a\n\n"), [0, 2]);
        assert!(line_starts("").is_empty());
        assert_eq!(line_of(&[0, 2, 5], 3), 1);
    }

    #[test]
    fn ratio_bounds() {
        let conf = Options::default();
        let ratio = |r: &str| {
            let pair = ("samplingRatio".to_string(), r.to_string());
            LineSampling::from_options(&Options::new([(&pair.0, &pair.1)]), &conf)
        };
        assert!(ratio("1.0").unwrap().is_none());
        assert!(ratio("0.5").unwrap().is_some());
        assert!(ratio("0").is_err());
    }

    #[test]
    fn one_draw_per_line_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        let text = "1\n2\n3\n4\n5\n6\n7\n8\n".to_string();
        std::fs::write(&path, &text).unwrap();
        let file = InputFile { path, size: text.len() as u64, root: dir.path().to_path_buf() };
        let sampling = LineSampling { ratio: 0.5, splits: SplitSettings::from_conf(&Options::default()).unwrap() };
        let kept = sampling.draw(&[file], &[text]);
        let mut random = XorShiftRandom::new(1);
        let expected: Vec<bool> = (0..8).map(|_| random.next_double() < 0.5).collect();
        assert_eq!(kept, [expected]);
    }
}

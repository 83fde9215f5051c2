//! The data source a read or write names: its short name, the session's
//! default (`spark.sql.sources.default`) when it names none, and Spark's
//! older class names for the built-in sources.

use crate::options::Options;

/// The session setting naming the default data source.
const DEFAULT_SOURCE_KEY: &str = "spark.sql.sources.default";

/// The short name (`parquet`, `json`, ...) of the source a request names,
/// or of the session's default source when it names none.
pub fn source_format(named: Option<&str>, session_conf: &Options) -> String {
    let name = named
        .filter(|n| !n.trim().is_empty())
        .or_else(|| session_conf.get(DEFAULT_SOURCE_KEY))
        .unwrap_or("parquet");
    short_name(name).to_string()
}

/// Spark's short name for the class names its built-in sources had (its
/// backward-compatibility map, plus the file format classes).
fn short_name(name: &str) -> &str {
    let class = name.strip_suffix(".DefaultSource").unwrap_or(name);
    match class {
        "org.apache.spark.sql.json" | "org.apache.spark.sql.execution.datasources.json"
        | "org.apache.spark.sql.execution.datasources.json.JsonFileFormat" => "json",
        "org.apache.spark.sql.parquet" | "org.apache.spark.sql.execution.datasources.parquet"
        | "org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat" => "parquet",
        "org.apache.spark.sql.hive.orc" | "org.apache.spark.sql.execution.datasources.orc"
        | "org.apache.spark.sql.execution.datasources.orc.OrcFileFormat" => "orc",
        "com.databricks.spark.csv" | "org.apache.spark.sql.execution.datasources.csv.CSVFileFormat" => "csv",
        "org.apache.spark.sql.execution.datasources.text.TextFileFormat" => "text",
        "org.apache.spark.sql.avro.AvroFileFormat" => "avro",
        "org.apache.spark.sql.jdbc" => "jdbc",
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_default_and_class_names() {
        let none = Options::default();
        assert_eq!(source_format(Some("csv"), &none), "csv");
        assert_eq!(source_format(None, &none), "parquet");
        let pairs = [(DEFAULT_SOURCE_KEY.to_string(), "org.apache.spark.sql.json".to_string())];
        let json_default = Options::new(pairs.iter().map(|(k, v)| (k, v)));
        assert_eq!(source_format(None, &json_default), "json");
        assert_eq!(source_format(Some("org.apache.spark.sql.parquet.DefaultSource"), &none), "parquet");
        assert_eq!(source_format(Some("com.example.Custom"), &none), "com.example.Custom");
    }
}

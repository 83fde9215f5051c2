//! Spark's SQL on files: ``parquet.`/path` `` in FROM reads the files at a
//! path with a data source, without a table.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, relation::RelType};

use super::rel;

/// The data sources whose name can prefix a path (`spark.sql.runSQLOnFiles`).
const FILE_FORMATS: &[&str] = &["parquet", "csv", "json", "orc", "avro", "text", "xml", "binaryfile"];

/// ``format.`path` ``: the read of the files at `path`, when the first part
/// names a file format and the path is back-quoted.
pub(super) fn file_relation(name: &ast::ObjectName) -> Option<connect::Relation> {
    let [ast::ObjectNamePart::Identifier(format), ast::ObjectNamePart::Identifier(path)] = name.0.as_slice() else {
        return None;
    };
    let format = format.value.to_lowercase();
    if path.quote_style != Some('`') || !FILE_FORMATS.contains(&format.as_str()) {
        return None;
    }
    Some(rel(RelType::Read(connect::Read {
        is_streaming: false,
        read_type: Some(connect::read::ReadType::DataSource(connect::read::DataSource {
            format: Some(format),
            schema: None,
            options: Default::default(),
            paths: vec![path.value.clone()],
            predicates: Vec::new(),
            source_name: None,
        })),
    })))
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    #[test]
    fn a_format_and_a_quoted_path_read_files() {
        let Some(RelType::Project(project)) = parse_query("SELECT * FROM parquet.`/data/x`", &SqlArguments::default()).unwrap().rel_type else {
            panic!("not a projection")
        };
        let Some(RelType::Read(read)) = project.input.unwrap().rel_type else { panic!("not a read") };
        assert!(matches!(read.read_type, Some(connect::read::ReadType::DataSource(s)) if s.paths == ["/data/x"]));
        let Some(RelType::Project(project)) = parse_query("SELECT * FROM parquet.t", &SqlArguments::default()).unwrap().rel_type else {
            panic!("not a projection")
        };
        assert!(matches!(project.input.unwrap().rel_type, Some(RelType::Read(r)) if matches!(r.read_type, Some(connect::read::ReadType::NamedTable(_)))));
    }
}

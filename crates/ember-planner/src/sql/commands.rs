//! Spark's catalog commands (databases, tables, `INSERT`, `SHOW`,
//! `DESCRIBE`), parsed by our own small recursive-descent parser over
//! sqlparser's tokens: Spark's forms of these statements (`USING parquet`,
//! `PARTITIONED BY (col)`, `WITH DBPROPERTIES`, `SHOW TABLES IN db LIKE 'p*'`)
//! are not what sqlparser's generic DDL parses. Queries inside them
//! (`AS SELECT`, `INSERT … SELECT`) go through the regular query translation.

use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Location, Token};
use ember_protocol::connect;

use super::{Markers, SqlArguments, parse_error, translate_query};
use crate::error::{Result, SparkError};

/// A multi-part object name as written (`t`, `db.t`, `spark_catalog.db.t`).
pub type ObjectName = Vec<String>;

/// `key = value` pairs of `OPTIONS`, `TBLPROPERTIES` and `DBPROPERTIES`.
pub type Properties = Vec<(String, String)>;

/// `CREATE TABLE`, with or without `AS query`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateTable {
    pub name: ObjectName,
    pub if_not_exists: bool,
    pub or_replace: bool,
    /// The column definitions' text (Spark DDL), if given.
    pub columns: Option<String>,
    /// `USING format`.
    pub provider: Option<String>,
    pub partition_by: Vec<String>,
    /// `CLUSTERED BY (columns) [SORTED BY (columns)] INTO n BUCKETS`.
    pub buckets: Option<TableBuckets>,
    /// `CLUSTER BY (columns)`.
    pub cluster_by: Vec<String>,
    /// `STORED AS format`: a Hive-format table.
    pub stored_as: Option<String>,
    pub location: Option<String>,
    pub options: Properties,
    pub properties: Properties,
    pub comment: Option<String>,
    /// `AS query`.
    pub query: Option<connect::Relation>,
    /// `LIKE source`: the columns, partitioning and format of another table.
    pub like: Option<ObjectName>,
}

/// The bucketing clause of `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableBuckets {
    pub count: usize,
    pub columns: Vec<String>,
    pub sort_columns: Vec<String>,
}

/// `INSERT INTO|OVERWRITE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: ObjectName,
    pub overwrite: bool,
    /// `PARTITION (p = 'x', q)`: a value for static partitions, none for dynamic.
    pub partition: Vec<(String, Option<String>)>,
    /// An explicit column list.
    pub columns: Vec<String>,
    /// `BY NAME`: the query's columns are matched to the table's by name.
    pub by_name: bool,
    pub query: connect::Relation,
}

/// A partition spec: `(p = 'x', q)`, a value for each column given one.
pub type PartitionSpec = Vec<(String, Option<String>)>;

/// `CREATE VIEW`'s definition.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateView {
    pub name: ObjectName,
    pub or_replace: bool,
    pub if_not_exists: bool,
    /// `(name [COMMENT 'c'], …)`.
    pub columns: Vec<(String, Option<String>)>,
    pub comment: Option<String>,
    pub properties: Properties,
    pub text: String,
    /// The positions of the query's output columns that are expressions
    /// without an alias (a persistent view needs one).
    pub unaliased: Vec<usize>,
    pub query: connect::Relation,
}

/// What `ALTER VIEW` changes.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewChange {
    /// `AS query`.
    Query { text: String, unaliased: Vec<usize>, query: connect::Relation },
    SetProperties(Properties),
    UnsetProperties { keys: Vec<String>, if_exists: bool },
}

/// A catalog command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    CreateDatabase { name: String, if_not_exists: bool, comment: Option<String>, location: Option<String>, properties: Properties },
    DropDatabase { name: String, if_exists: bool, cascade: bool },
    SetDatabaseProperties { name: String, properties: Properties },
    SetDatabaseLocation { name: String, location: String },
    DescribeDatabase { name: String, extended: bool },
    ShowDatabases { pattern: Option<String> },
    Use { database: String },
    CreateTable(CreateTable),
    Insert(Insert),
    DropTable { name: ObjectName, if_exists: bool },
    /// `TRUNCATE TABLE name [PARTITION (spec)]`; a spec may name some of the partition columns.
    TruncateTable { name: ObjectName, partition: Option<Vec<(String, Option<String>)>> },
    RenameTable { from: ObjectName, to: ObjectName },
    AddColumns { name: ObjectName, columns: String },
    /// `ALTER TABLE name ALTER [COLUMN] c COMMENT '…' | TYPE type` and `CHANGE
    /// [COLUMN] c c type [COMMENT '…']`: `new_name` and `new_type` as written.
    AlterColumn { name: ObjectName, column: String, new_name: Option<String>, new_type: Option<String>, comment: Option<String> },
    SetTableProperties { name: ObjectName, properties: Properties },
    /// `ALTER TABLE name UNSET TBLPROPERTIES [IF EXISTS] (keys)`.
    UnsetTableProperties { name: ObjectName, keys: Vec<String>, if_exists: bool },
    AlterView { name: ObjectName, change: ViewChange },
    /// An `ALTER TABLE` form Spark's session catalog rejects for its tables
    /// (`RENAME COLUMN`, `DROP COLUMN(S)`), named as Spark names it.
    UnsupportedTableOperation { name: ObjectName, operation: &'static str },
    /// `ALTER TABLE name ADD [IF NOT EXISTS] PARTITION (spec) [LOCATION 'path'] …`.
    AddPartitions { name: ObjectName, if_not_exists: bool, partitions: Vec<(PartitionSpec, Option<String>)> },
    DropPartitions { name: ObjectName, if_exists: bool, partitions: Vec<Vec<(String, Option<String>)>> },
    /// `ALTER TABLE name PARTITION (spec) SET LOCATION 'path'`.
    SetPartitionLocation { name: ObjectName, partition: PartitionSpec, location: String },
    /// `ALTER TABLE name PARTITION (spec) RENAME TO PARTITION (spec)`.
    RenamePartition { name: ObjectName, from: PartitionSpec, to: PartitionSpec },
    /// `MSCK REPAIR TABLE [ADD|DROP|SYNC PARTITIONS]` or (`recover`) `ALTER
    /// TABLE … RECOVER PARTITIONS`; `drop_missing` for `DROP` and `SYNC`.
    RepairTable { name: ObjectName, recover: bool, drop_missing: bool },
    RefreshTable { name: ObjectName },
    /// `ANALYZE TABLE name COMPUTE STATISTICS [NOSCAN | FOR COLUMNS … | FOR ALL COLUMNS]`.
    AnalyzeTable { name: ObjectName },
    ShowTables { database: Option<String>, pattern: Option<String> },
    /// `SHOW TABLE EXTENDED [IN|FROM db] LIKE 'pattern'`.
    ShowTableExtended { database: Option<String>, pattern: String },
    ShowColumns { table: ObjectName, database: Option<String> },
    ShowPartitions { table: ObjectName, partition: Option<PartitionSpec> },
    ShowTableProperties { table: ObjectName, key: Option<String> },
    ShowCreateTable { table: ObjectName },
    /// `DESCRIBE [TABLE] [EXTENDED] name [PARTITION (spec)] [column]`.
    DescribeTable { table: ObjectName, extended: bool, partition: Option<PartitionSpec>, column: Option<String> },
    /// `DESCRIBE [QUERY] query`.
    DescribeQuery { query: connect::Relation },
    /// `EXPLAIN [EXTENDED|FORMATTED|COST|CODEGEN] query`: the mode's upper-case word, if given.
    Explain { mode: Option<String>, query: connect::Relation },
    /// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [(columns)] [COMMENT]
    /// [TBLPROPERTIES] AS query`: a persistent view, stored with its query text.
    CreateView(CreateView),
    /// `CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW name [(columns)] USING
    /// format [OPTIONS (…)]`: a temp view reading a data source.
    CreateTempViewUsing { name: String, or_replace: bool, global: bool, schema: Option<String>, provider: String, options: Properties },
    /// `CREATE [OR REPLACE] GLOBAL TEMP[ORARY] VIEW name AS query`.
    CreateGlobalTempView { name: String, or_replace: bool, query: connect::Relation },
    /// `DROP VIEW [IF EXISTS] name`: temporary, global temporary or persistent.
    DropView { name: ObjectName, if_exists: bool },
    ShowViews { database: Option<String>, pattern: Option<String> },
    /// `RESET [key]`.
    Reset { key: Option<String> },
    /// `DROP [TEMPORARY] FUNCTION [IF EXISTS] name`.
    DropFunction { name: ObjectName, temporary: bool, if_exists: bool },
    /// `CREATE [OR REPLACE] [TEMPORARY] FUNCTION [IF NOT EXISTS] name AS 'class' [USING …]`.
    CreateFunction { name: ObjectName, temporary: bool, or_replace: bool, if_not_exists: bool, class_name: String },
    /// `SHOW [USER|SYSTEM|ALL] FUNCTIONS [FROM|IN db] [[LIKE] 'pattern']`:
    /// `scope` is the first word, upper case, if given.
    ShowFunctions { scope: Option<String>, database: Option<String>, pattern: Option<String> },
    /// `DESCRIBE FUNCTION [EXTENDED] name`.
    DescribeFunction { name: ObjectName, extended: bool },
    /// `CACHE [LAZY] TABLE name [OPTIONS ('storageLevel' 'LEVEL')] [[AS] query]`.
    CacheTable { name: ObjectName, lazy: bool, options: Properties, query: Option<connect::Relation> },
    /// `UNCACHE TABLE [IF EXISTS] name`.
    UncacheTable { name: ObjectName, if_exists: bool },
    /// `CLEAR CACHE`.
    ClearCache,
}

/// Parses `sql` if it is one of the commands above; `None` leaves it to the
/// general statement parser.
pub fn parse(sql: &str, arguments: &SqlArguments) -> Result<Option<Command>> {
    let (parser, positions) = super::parser(sql)?;
    let mut cursor = Cursor { parser, sql, markers: Some(Markers { arguments: arguments.clone(), positions, sql_text: sql.to_string() }) };
    let Some(command) = cursor.command()? else {
        return Ok(None);
    };
    while cursor.parser.consume_token(&Token::SemiColon) {}
    cursor.expect_end()?;
    Ok(Some(command))
}

struct Cursor<'a> {
    parser: Parser<'static>,
    sql: &'a str,
    markers: Option<Markers>,
}

impl Cursor<'_> {
    fn command(&mut self) -> Result<Option<Command>> {
        let first = self.peek_word(0);
        let second = self.peek_word(1);
        let third = self.peek_word(2);
        let is_database = |w: &str| w == "DATABASE" || w == "SCHEMA" || w == "NAMESPACE";
        let command = match (first.as_str(), second.as_str()) {
            ("CREATE", w) if is_database(w) => {
                self.skip(2);
                self.create_database()?
            }
            ("DROP", w) if is_database(w) => {
                self.skip(2);
                let if_exists = self.words(&["IF", "EXISTS"]);
                let name = self.identifier()?;
                let cascade = self.word("CASCADE");
                if !cascade {
                    self.word("RESTRICT");
                }
                Command::DropDatabase { name, if_exists, cascade }
            }
            ("ALTER", w) if is_database(w) => {
                self.skip(2);
                let name = self.identifier()?;
                self.expect_word("SET")?;
                if self.word("LOCATION") {
                    Command::SetDatabaseLocation { name, location: self.string()? }
                } else {
                    if !self.word("DBPROPERTIES") {
                        self.expect_word("PROPERTIES")?;
                    }
                    Command::SetDatabaseProperties { name, properties: self.properties()? }
                }
            }
            ("DESCRIBE" | "DESC", w) if is_database(w) => {
                self.skip(2);
                let extended = self.word("EXTENDED");
                Command::DescribeDatabase { name: self.identifier()?, extended }
            }
            ("SHOW", "DATABASES" | "SCHEMAS" | "NAMESPACES") => {
                self.skip(2);
                Command::ShowDatabases { pattern: self.like_pattern()? }
            }
            ("USE", _) => {
                self.skip(1);
                if is_database(&second) {
                    self.skip(1);
                }
                Command::Use { database: self.identifier()? }
            }
            ("CREATE", _) if self.temp_view_using_ahead() => {
                self.skip(1);
                let or_replace = self.words(&["OR", "REPLACE"]);
                let global = self.word("GLOBAL");
                if !self.word("TEMPORARY") {
                    self.expect_word("TEMP")?;
                }
                self.expect_word("VIEW")?;
                let name = self.identifier()?;
                let schema = if self.parser.peek_token().token == Token::LParen { Some(self.parenthesized_text()?) } else { None };
                self.expect_word("USING")?;
                let provider = self.identifier()?;
                let options = if self.word("OPTIONS") { self.properties()? } else { Vec::new() };
                Command::CreateTempViewUsing { name, or_replace, global, schema, provider, options }
            }
            ("CREATE", _) if self.create_view_ahead() => {
                self.skip(1);
                let or_replace = self.words(&["OR", "REPLACE"]);
                if self.word("GLOBAL") {
                    if !self.word("TEMPORARY") {
                        self.expect_word("TEMP")?;
                    }
                    self.expect_word("VIEW")?;
                    let name = self.identifier()?;
                    self.expect_word("AS")?;
                    return Ok(Some(Command::CreateGlobalTempView { name, or_replace, query: self.query()? }));
                }
                self.expect_word("VIEW")?;
                let if_not_exists = self.words(&["IF", "NOT", "EXISTS"]);
                let name = self.object_name()?;
                let columns = if self.parser.peek_token().token == Token::LParen { self.view_columns()? } else { Vec::new() };
                let (mut comment, mut properties) = (None, Vec::new());
                loop {
                    if self.word("COMMENT") {
                        comment = Some(self.string()?);
                    } else if self.word("TBLPROPERTIES") {
                        properties = self.properties()?;
                    } else {
                        break;
                    }
                }
                self.expect_word("AS")?;
                let text = self.text_from_here();
                let (unaliased, query) = self.view_query()?;
                Command::CreateView(CreateView { name, or_replace, if_not_exists, columns, comment, properties, text, unaliased, query })
            }
            ("DROP", "FUNCTION" | "TEMPORARY") if second == "FUNCTION" || third == "FUNCTION" => {
                self.skip(1);
                let temporary = self.word("TEMPORARY");
                self.expect_word("FUNCTION")?;
                let if_exists = self.words(&["IF", "EXISTS"]);
                Command::DropFunction { name: self.object_name()?, temporary, if_exists }
            }
            ("DROP", "VIEW") => {
                self.skip(2);
                let if_exists = self.words(&["IF", "EXISTS"]);
                Command::DropView { name: self.object_name()?, if_exists }
            }
            ("CACHE", "TABLE" | "LAZY") => {
                self.skip(1);
                let lazy = self.word("LAZY");
                self.expect_word("TABLE")?;
                let name = self.object_name()?;
                let options = if self.word("OPTIONS") { self.properties()? } else { Vec::new() };
                let has_query = self.word("AS") || !self.peek_is_end();
                Command::CacheTable { name, lazy, options, query: if has_query { Some(self.query()?) } else { None } }
            }
            ("UNCACHE", "TABLE") => {
                self.skip(2);
                let if_exists = self.words(&["IF", "EXISTS"]);
                Command::UncacheTable { name: self.object_name()?, if_exists }
            }
            ("CLEAR", "CACHE") => {
                self.skip(2);
                Command::ClearCache
            }
            ("CREATE", _) if self.create_function_ahead() => {
                self.skip(1);
                let or_replace = self.words(&["OR", "REPLACE"]);
                let temporary = self.word("TEMPORARY") || self.word("TEMP");
                self.expect_word("FUNCTION")?;
                let if_not_exists = self.words(&["IF", "NOT", "EXISTS"]);
                let name = self.object_name()?;
                self.expect_word("AS")?;
                let class_name = self.string()?;
                self.rest_text();
                Command::CreateFunction { name, temporary, or_replace, if_not_exists, class_name }
            }
            ("SHOW", "FUNCTIONS" | "USER" | "SYSTEM" | "ALL") if second == "FUNCTIONS" || third == "FUNCTIONS" => {
                self.skip(1);
                let scope = (second != "FUNCTIONS").then_some(second.clone());
                self.skip(if scope.is_some() { 2 } else { 1 });
                let database = if self.word("FROM") || self.word("IN") { Some(self.identifier()?) } else { None };
                Command::ShowFunctions { scope, database, pattern: self.like_pattern()? }
            }
            ("DESCRIBE" | "DESC", "FUNCTION") => {
                self.skip(2);
                let extended = self.word("EXTENDED");
                let name = match self.parser.peek_token().token {
                    Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => vec![self.string()?],
                    _ => self.object_name()?,
                };
                Command::DescribeFunction { name, extended }
            }
            ("SHOW", "VIEWS") => {
                self.skip(2);
                let database = if self.word("FROM") || self.word("IN") { Some(self.identifier()?) } else { None };
                Command::ShowViews { database, pattern: self.like_pattern()? }
            }
            ("RESET", _) => {
                self.skip(1);
                let key = self.rest_text();
                Command::Reset { key: Some(key.trim().to_string()).filter(|k| !k.is_empty()) }
            }
            ("EXPLAIN", _) => {
                self.skip(1);
                let mode = ["EXTENDED", "FORMATTED", "COST", "CODEGEN"].into_iter().find(|m| self.word(m)).map(str::to_string);
                Command::Explain { mode, query: self.query()? }
            }
            ("DESCRIBE" | "DESC", "QUERY" | "SELECT" | "WITH" | "VALUES") => {
                self.skip(1);
                self.word("QUERY");
                Command::DescribeQuery { query: self.query()? }
            }
            ("CREATE", "TABLE") | ("CREATE", "OR") if second == "TABLE" || (third == "REPLACE" && self.peek_word(3) == "TABLE") => {
                self.skip(1);
                let or_replace = self.words(&["OR", "REPLACE"]);
                self.expect_word("TABLE")?;
                Command::CreateTable(self.create_table(or_replace)?)
            }
            ("INSERT", "INTO" | "OVERWRITE") => {
                self.skip(1);
                Command::Insert(self.insert()?)
            }
            ("DROP", "TABLE") => {
                self.skip(2);
                let if_exists = self.words(&["IF", "EXISTS"]);
                let name = self.object_name()?;
                self.word("PURGE");
                Command::DropTable { name, if_exists }
            }
            ("TRUNCATE", "TABLE") => {
                self.skip(2);
                let name = self.object_name()?;
                let partition = if self.word("PARTITION") { Some(self.partition_spec()?) } else { None };
                Command::TruncateTable { name, partition }
            }
            ("ALTER", "TABLE") => {
                self.skip(2);
                self.alter_table()?
            }
            ("ALTER", "VIEW") => {
                self.skip(2);
                let name = self.object_name()?;
                let change = if self.word("AS") {
                    let text = self.text_from_here();
                    let (unaliased, query) = self.view_query()?;
                    ViewChange::Query { text, unaliased, query }
                } else if self.words(&["SET", "TBLPROPERTIES"]) {
                    ViewChange::SetProperties(self.properties()?)
                } else {
                    self.expect_word("UNSET")?;
                    self.expect_word("TBLPROPERTIES")?;
                    let if_exists = self.words(&["IF", "EXISTS"]);
                    ViewChange::UnsetProperties { keys: self.property_keys()?, if_exists }
                };
                Command::AlterView { name, change }
            }
            ("MSCK", "REPAIR") => {
                self.skip(2);
                self.expect_word("TABLE")?;
                let name = self.object_name()?;
                let mut drop_missing = false;
                if self.word("ADD") || {
                    drop_missing = self.word("DROP") || self.word("SYNC");
                    drop_missing
                } {
                    self.expect_word("PARTITIONS")?;
                }
                Command::RepairTable { name, recover: false, drop_missing }
            }
            ("ANALYZE", "TABLE") => {
                self.skip(2);
                let name = self.object_name()?;
                self.expect_word("COMPUTE")?;
                self.expect_word("STATISTICS")?;
                self.rest_text();
                Command::AnalyzeTable { name }
            }
            ("REFRESH", "TABLE") => {
                self.skip(2);
                Command::RefreshTable { name: self.object_name()? }
            }
            ("SHOW", "TABLE") if third == "EXTENDED" => {
                self.skip(3);
                let database = if self.word("FROM") || self.word("IN") { Some(self.identifier()?) } else { None };
                self.expect_word("LIKE")?;
                let pattern = self.string()?;
                if self.word("PARTITION") {
                    return Err(SparkError::unsupported("SHOW TABLE EXTENDED … PARTITION"));
                }
                Command::ShowTableExtended { database, pattern }
            }
            ("SHOW", "TABLES") => {
                self.skip(2);
                let database = if self.word("FROM") || self.word("IN") { Some(self.identifier()?) } else { None };
                Command::ShowTables { database, pattern: self.like_pattern()? }
            }
            ("SHOW", "COLUMNS") => {
                self.skip(2);
                if !self.word("FROM") {
                    self.expect_word("IN")?;
                }
                let table = self.object_name()?;
                let database = if self.word("FROM") || self.word("IN") { Some(self.identifier()?) } else { None };
                Command::ShowColumns { table, database }
            }
            ("SHOW", "PARTITIONS") => {
                self.skip(2);
                let table = self.object_name()?;
                let partition = if self.word("PARTITION") { Some(self.partition_spec()?) } else { None };
                Command::ShowPartitions { table, partition }
            }
            ("SHOW", "TBLPROPERTIES") => {
                self.skip(2);
                let table = self.object_name()?;
                let key = if self.parser.consume_token(&Token::LParen) {
                    let key = self.property_key()?;
                    self.expect(&Token::RParen)?;
                    Some(key)
                } else {
                    None
                };
                Command::ShowTableProperties { table, key }
            }
            ("SHOW", "CREATE") => {
                self.skip(2);
                self.expect_word("TABLE")?;
                Command::ShowCreateTable { table: self.object_name()? }
            }
            ("DESCRIBE" | "DESC", _) if second != "FUNCTION" => {
                self.skip(1);
                self.word("TABLE");
                let extended = self.word("EXTENDED") || self.word("FORMATTED");
                let table = self.object_name()?;
                let partition = if self.word("PARTITION") { Some(self.partition_spec()?) } else { None };
                let column = if self.peek_is_end() { None } else { Some(self.object_name()?.join(".")) };
                if partition.is_some() && column.is_some() {
                    return Err(SparkError::new(
                        crate::ErrorKind::Parse,
                        "UNSUPPORTED_FEATURE.DESC_TABLE_COLUMN_PARTITION",
                        "0A000",
                        "The feature is not supported: DESC TABLE COLUMN for a specific partition.",
                        &[],
                    ));
                }
                Command::DescribeTable { table, extended, partition, column }
            }
            _ => return Ok(None),
        };
        Ok(Some(command))
    }

    /// Whether `CREATE [OR REPLACE] [GLOBAL TEMP[ORARY]] VIEW` comes next
    /// (temporary views are left to the general parser).
    fn create_view_ahead(&self) -> bool {
        let start = if self.peek_word(1) == "OR" { 3 } else { 1 };
        match self.peek_word(start).as_str() {
            "VIEW" => true,
            "GLOBAL" => true,
            _ => false,
        }
    }

    /// Whether `CREATE … TEMP[ORARY] VIEW … USING` starts here: `USING`
    /// comes before any `AS` outside parentheses.
    fn temp_view_using_ahead(&self) -> bool {
        let mut depth = 0usize;
        let mut temporary = false;
        for n in 1..256 {
            match self.parser.peek_nth_token(n).token {
                Token::EOF => return false,
                Token::LParen => depth += 1,
                Token::RParen => depth = depth.saturating_sub(1),
                _ if depth > 0 => {}
                _ => match self.peek_word(n).as_str() {
                    "TEMP" | "TEMPORARY" => temporary = true,
                    "USING" => return temporary,
                    "AS" => return false,
                    _ => {}
                },
            }
        }
        false
    }

    /// Whether `CREATE [OR REPLACE] [TEMP[ORARY]] FUNCTION` starts here.
    fn create_function_ahead(&self) -> bool {
        let words: Vec<String> = (1..5).map(|i| self.peek_word(i)).collect();
        let Some(at) = words.iter().position(|w| w == "FUNCTION") else { return false };
        words[..at].iter().all(|w| matches!(w.as_str(), "OR" | "REPLACE" | "TEMPORARY" | "TEMP"))
    }

    /// `(name [COMMENT '…'], …)` of a view.
    fn view_columns(&mut self) -> Result<Vec<(String, Option<String>)>> {
        self.expect(&Token::LParen)?;
        let mut names = Vec::new();
        loop {
            let name = self.identifier()?;
            let comment = if self.word("COMMENT") { Some(self.string()?) } else { None };
            names.push((name, comment));
            if !self.parser.consume_token(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RParen)?;
        Ok(names)
    }

    fn create_database(&mut self) -> Result<Command> {
        let if_not_exists = self.words(&["IF", "NOT", "EXISTS"]);
        let name = self.identifier()?;
        let (mut comment, mut location, mut properties) = (None, None, Vec::new());
        loop {
            if self.word("COMMENT") {
                comment = Some(self.string()?);
            } else if self.word("LOCATION") {
                location = Some(self.string()?);
            } else if self.words(&["WITH", "DBPROPERTIES"]) || self.words(&["WITH", "PROPERTIES"]) {
                properties = self.properties()?;
            } else {
                break;
            }
        }
        Ok(Command::CreateDatabase { name, if_not_exists, comment, location, properties })
    }

    fn create_table(&mut self, or_replace: bool) -> Result<CreateTable> {
        let mut table = CreateTable { or_replace, if_not_exists: self.words(&["IF", "NOT", "EXISTS"]), ..Default::default() };
        table.name = self.object_name()?;
        if self.word("LIKE") {
            table.like = Some(self.object_name()?);
        }
        if self.parser.peek_token().token == Token::LParen {
            table.columns = Some(self.parenthesized_text()?);
        }
        loop {
            if self.word("USING") {
                table.provider = Some(self.identifier()?);
            } else if self.words(&["PARTITIONED", "BY"]) {
                table.partition_by = self.identifier_list()?;
            } else if self.words(&["CLUSTERED", "BY"]) {
                table.buckets = Some(self.buckets()?);
            } else if self.words(&["CLUSTER", "BY"]) {
                table.cluster_by = self.identifier_list()?;
            } else if self.words(&["STORED", "AS"]) {
                table.stored_as = Some(self.identifier()?);
            } else if self.word("LOCATION") {
                table.location = Some(self.string()?);
            } else if self.word("OPTIONS") {
                table.options = self.properties()?;
            } else if self.word("TBLPROPERTIES") {
                table.properties = self.properties()?;
            } else if self.word("COMMENT") {
                table.comment = Some(self.string()?);
            } else {
                break;
            }
        }
        if self.word("AS") || matches!(self.peek_word(0).as_str(), "SELECT" | "WITH" | "VALUES" | "FROM") {
            table.query = Some(self.query()?);
        }
        Ok(table)
    }

    /// `(columns) [SORTED BY (columns)] INTO n BUCKETS`, after `CLUSTERED BY`.
    fn buckets(&mut self) -> Result<TableBuckets> {
        let columns = self.identifier_list()?;
        let sort_columns = if self.words(&["SORTED", "BY"]) { self.identifier_list()? } else { Vec::new() };
        self.expect_word("INTO")?;
        let count = self.literal_text()?;
        let count = count.parse().map_err(|_| SparkError::parse_syntax(&format!("'{count}'"), ""))?;
        self.expect_word("BUCKETS")?;
        Ok(TableBuckets { count, columns, sort_columns })
    }

    fn insert(&mut self) -> Result<Insert> {
        let overwrite = self.word("OVERWRITE");
        if !overwrite {
            self.expect_word("INTO")?;
        }
        self.word("TABLE");
        let table = self.object_name()?;
        let partition = if self.word("PARTITION") { self.partition_spec()? } else { Vec::new() };
        self.words(&["IF", "NOT", "EXISTS"]);
        let by_name = self.words(&["BY", "NAME"]);
        // `(a, b)` is a column list unless it starts the query (`(SELECT …)`).
        let columns = if self.parser.peek_token().token == Token::LParen
            && !matches!(self.peek_word(1).as_str(), "SELECT" | "WITH" | "VALUES" | "FROM")
        {
            self.identifier_list()?
        } else {
            Vec::new()
        };
        let query = self.query()?;
        Ok(Insert { table, overwrite, partition, columns, by_name, query })
    }

    fn alter_table(&mut self) -> Result<Command> {
        let name = self.object_name()?;
        if self.words(&["RENAME", "TO"]) {
            return Ok(Command::RenameTable { from: name, to: self.object_name()? });
        }
        if self.words(&["ADD", "COLUMNS"]) || self.words(&["ADD", "COLUMN"]) {
            let columns = if self.parser.peek_token().token == Token::LParen { self.parenthesized_text()? } else { self.rest_text() };
            return Ok(Command::AddColumns { name, columns });
        }
        if self.words(&["SET", "TBLPROPERTIES"]) {
            return Ok(Command::SetTableProperties { name, properties: self.properties()? });
        }
        if self.words(&["UNSET", "TBLPROPERTIES"]) {
            let if_exists = self.words(&["IF", "EXISTS"]);
            return Ok(Command::UnsetTableProperties { name, keys: self.property_keys()?, if_exists });
        }
        let alter = self.word("ALTER");
        if alter || self.word("CHANGE") {
            self.word("COLUMN");
            let column = self.identifier()?;
            let (mut new_name, mut new_type, mut comment) = (None, None, None);
            if alter && self.word("TYPE") {
                new_type = Some(self.rest_text().trim().to_string());
            } else if !alter && !self.peek_is_end() && self.peek_word(0) != "COMMENT" {
                // `CHANGE c c2 type [COMMENT '…']` names the column again.
                new_name = Some(self.identifier()?);
                let start = byte_offset(self.sql, self.parser.peek_token().span.start);
                while !self.peek_is_end() && self.peek_word(0) != "COMMENT" {
                    self.parser.next_token();
                }
                let end = byte_offset(self.sql, self.parser.peek_token().span.start).max(start);
                new_type = Some(self.sql[start..end].trim().to_string());
            }
            if self.word("COMMENT") {
                comment = Some(self.string()?);
            }
            return Ok(Command::AlterColumn { name, column, new_name, new_type, comment });
        }
        if self.words(&["RENAME", "COLUMN"]) {
            self.rest_text();
            return Ok(Command::UnsupportedTableOperation { name, operation: "RENAME COLUMN" });
        }
        if self.words(&["DROP", "COLUMN"]) || self.words(&["DROP", "COLUMNS"]) {
            self.rest_text();
            return Ok(Command::UnsupportedTableOperation { name, operation: "DROP COLUMN" });
        }
        if self.word("ADD") {
            let if_not_exists = self.words(&["IF", "NOT", "EXISTS"]);
            let mut partitions = Vec::new();
            while self.word("PARTITION") {
                let spec = self.partition_spec()?;
                let location = if self.word("LOCATION") { Some(self.string()?) } else { None };
                partitions.push((spec, location));
            }
            return Ok(Command::AddPartitions { name, if_not_exists, partitions });
        }
        if self.word("DROP") {
            let if_exists = self.words(&["IF", "EXISTS"]);
            let mut partitions = Vec::new();
            while self.word("PARTITION") {
                partitions.push(self.partition_spec()?);
                let _ = self.parser.consume_token(&Token::Comma);
            }
            self.word("PURGE");
            return Ok(Command::DropPartitions { name, if_exists, partitions });
        }
        if self.word("PARTITION") {
            let partition = self.partition_spec()?;
            if self.words(&["SET", "LOCATION"]) {
                return Ok(Command::SetPartitionLocation { name, partition, location: self.string()? });
            }
            self.expect_word("RENAME")?;
            self.expect_word("TO")?;
            self.expect_word("PARTITION")?;
            return Ok(Command::RenamePartition { name, from: partition, to: self.partition_spec()? });
        }
        if self.words(&["RECOVER", "PARTITIONS"]) {
            return Ok(Command::RepairTable { name, recover: true, drop_missing: false });
        }
        Err(SparkError::unsupported(format!("ALTER TABLE … {}", self.rest_text())))
    }

    // ---- pieces -----------------------------------------------------------

    /// The upper-case unquoted word `n` tokens ahead, or "".
    fn peek_word(&self, n: usize) -> String {
        match self.parser.peek_nth_token(n).token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_uppercase(),
            _ => String::new(),
        }
    }

    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.parser.next_token();
        }
    }

    /// Consumes `word` if it comes next.
    fn word(&mut self, word: &str) -> bool {
        if self.peek_word(0) == word {
            self.parser.next_token();
            true
        } else {
            false
        }
    }

    /// Consumes the words if they all come next.
    fn words(&mut self, words: &[&str]) -> bool {
        if words.iter().enumerate().all(|(i, w)| self.peek_word(i) == *w) {
            self.skip(words.len());
            true
        } else {
            false
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<()> {
        if self.word(word) { Ok(()) } else { Err(self.unexpected()) }
    }

    fn expect(&mut self, token: &Token) -> Result<()> {
        self.parser.expect_token(token).map(|_| ()).map_err(|e| parse_error(&e))
    }

    fn unexpected(&self) -> SparkError {
        match self.parser.peek_token().token {
            Token::EOF => SparkError::parse_syntax("end of input", ""),
            token => SparkError::parse_syntax(&format!("'{token}'"), ""),
        }
    }

    fn peek_is_end(&self) -> bool {
        matches!(self.parser.peek_token().token, Token::EOF | Token::SemiColon)
    }

    fn expect_end(&mut self) -> Result<()> {
        if self.parser.peek_token().token == Token::EOF { Ok(()) } else { Err(self.unexpected()) }
    }

    fn identifier(&mut self) -> Result<String> {
        self.parser.parse_identifier().map(|i| i.value).map_err(|e| parse_error(&e))
    }

    fn object_name(&mut self) -> Result<ObjectName> {
        let mut parts = vec![self.identifier()?];
        while self.parser.consume_token(&Token::Period) {
            parts.push(self.identifier()?);
        }
        Ok(parts)
    }

    fn identifier_list(&mut self) -> Result<Vec<String>> {
        self.expect(&Token::LParen)?;
        let mut names = vec![self.identifier()?];
        while self.parser.consume_token(&Token::Comma) {
            names.push(self.identifier()?);
        }
        self.expect(&Token::RParen)?;
        Ok(names)
    }

    fn string(&mut self) -> Result<String> {
        self.parser.parse_literal_string().map_err(|e| parse_error(&e))
    }

    /// `LIKE 'pattern'` or a bare `'pattern'`.
    fn like_pattern(&mut self) -> Result<Option<String>> {
        self.word("LIKE");
        match self.parser.peek_token().token {
            Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => Ok(Some(self.string()?)),
            _ => Ok(None),
        }
    }

    /// A property key: `'a.b'`, `a.b.c` or `a`.
    fn property_key(&mut self) -> Result<String> {
        match self.parser.peek_token().token {
            Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => self.string(),
            _ => Ok(self.object_name()?.join(".")),
        }
    }

    /// A literal value as text: a string, number or boolean.
    fn literal_text(&mut self) -> Result<String> {
        let token = self.parser.next_token();
        match token.token {
            Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Ok(s),
            Token::Number(n, _) => Ok(n),
            Token::Minus => Ok(format!("-{}", self.literal_text()?)),
            Token::Word(w) if w.quote_style.is_none() => Ok(w.value.to_lowercase()),
            other => Err(SparkError::parse_syntax(&format!("'{other}'"), "")),
        }
    }

    /// `(key, …)` of `UNSET TBLPROPERTIES`.
    fn property_keys(&mut self) -> Result<Vec<String>> {
        self.expect(&Token::LParen)?;
        let mut keys = vec![self.property_key()?];
        while self.parser.consume_token(&Token::Comma) {
            keys.push(self.property_key()?);
        }
        self.expect(&Token::RParen)?;
        Ok(keys)
    }

    /// `(key [=] value, …)`.
    fn properties(&mut self) -> Result<Properties> {
        self.expect(&Token::LParen)?;
        let mut pairs = Vec::new();
        loop {
            let key = self.property_key()?;
            let _ = self.parser.consume_token(&Token::Eq);
            pairs.push((key, self.literal_text()?));
            if !self.parser.consume_token(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RParen)?;
        Ok(pairs)
    }

    /// `(p = 'x', q)` after PARTITION.
    fn partition_spec(&mut self) -> Result<Vec<(String, Option<String>)>> {
        self.expect(&Token::LParen)?;
        let mut spec = Vec::new();
        loop {
            let column = self.identifier()?;
            let value = if self.parser.consume_token(&Token::Eq) { Some(self.literal_text()?) } else { None };
            spec.push((column, value));
            if !self.parser.consume_token(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RParen)?;
        Ok(spec)
    }

    /// The text inside the parentheses that come next (which are consumed).
    fn parenthesized_text(&mut self) -> Result<String> {
        let open = self.parser.next_token();
        let mut depth = 1usize;
        loop {
            let token = self.parser.next_token();
            match token.token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        let start = byte_offset(self.sql, open.span.end);
                        let end = byte_offset(self.sql, token.span.start);
                        return Ok(self.sql[start..end].to_string());
                    }
                }
                Token::EOF => return Err(SparkError::parse_syntax("end of input", "")),
                _ => {}
            }
        }
    }

    /// The statement's text from the next token on (not consumed), without a
    /// trailing `;`.
    fn text_from_here(&self) -> String {
        let start = byte_offset(self.sql, self.parser.peek_token().span.start);
        self.sql[start..].trim().trim_end_matches(';').trim_end().to_string()
    }

    /// The rest of the statement's text (consumed).
    fn rest_text(&mut self) -> String {
        let start = byte_offset(self.sql, self.parser.peek_token().span.start);
        while !self.peek_is_end() {
            self.parser.next_token();
        }
        let end = byte_offset(self.sql, self.parser.peek_token().span.start).max(start);
        self.sql[start..end].to_string()
    }

    fn query(&mut self) -> Result<connect::Relation> {
        let query = self.parser.parse_query().map_err(|e| parse_error(&e))?;
        translate_query(&query, self.markers.take().unwrap_or_default())
    }

    /// A view's query, with the positions of its unaliased expression columns.
    fn view_query(&mut self) -> Result<(Vec<usize>, connect::Relation)> {
        let query = self.parser.parse_query().map_err(|e| parse_error(&e))?;
        let unaliased = unaliased_columns(&query);
        Ok((unaliased, translate_query(&query, self.markers.take().unwrap_or_default())?))
    }
}

/// The positions of a query's output columns that are computed expressions
/// without an alias; none when a `*` makes positions unknowable.
fn unaliased_columns(query: &datafusion::sql::sqlparser::ast::Query) -> Vec<usize> {
    use datafusion::sql::sqlparser::ast::{Expr, SelectItem, SetExpr};
    let SetExpr::Select(select) = query.body.as_ref() else { return Vec::new() };
    if select.projection.iter().any(|item| !matches!(item, SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAlias { .. })) {
        return Vec::new();
    }
    select
        .projection
        .iter()
        .enumerate()
        .filter(|(_, item)| matches!(item, SelectItem::UnnamedExpr(e) if !matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))))
        .map(|(i, _)| i)
        .collect()
}

/// The byte offset in `sql` of a token location (1-based line and column,
/// counted in characters); the end of `sql` for an empty location.
fn byte_offset(sql: &str, at: Location) -> usize {
    if at.line == 0 {
        return sql.len();
    }
    let mut line_start = 0;
    for _ in 1..at.line {
        match sql[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return sql.len(),
        }
    }
    sql[line_start..].char_indices().nth(at.column.saturating_sub(1) as usize).map_or(sql.len(), |(i, _)| line_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(sql: &str) -> Command {
        parse(sql, &SqlArguments::default()).unwrap().unwrap()
    }

    #[test]
    fn databases() {
        assert_eq!(
            command("CREATE DATABASE IF NOT EXISTS d COMMENT 'c' LOCATION '/x' WITH DBPROPERTIES ('a'='b', k = 1)"),
            Command::CreateDatabase {
                name: "d".into(),
                if_not_exists: true,
                comment: Some("c".into()),
                location: Some("/x".into()),
                properties: vec![("a".into(), "b".into()), ("k".into(), "1".into())],
            }
        );
        assert_eq!(command("drop schema d cascade;"), Command::DropDatabase { name: "d".into(), if_exists: false, cascade: true });
        assert_eq!(command("SHOW DATABASES LIKE 'a*'"), Command::ShowDatabases { pattern: Some("a*".into()) });
        assert_eq!(command("USE DATABASE `x`"), Command::Use { database: "x".into() });
    }

    #[test]
    fn create_table_keeps_the_column_text() {
        let Command::CreateTable(table) =
            command("CREATE TABLE db.t (a INT COMMENT 'x', m MAP<STRING, INT>) USING csv PARTITIONED BY (a) OPTIONS (header 'true') TBLPROPERTIES ('k'='v')")
        else {
            panic!("not a CREATE TABLE")
        };
        assert_eq!(table.name, ["db", "t"]);
        assert_eq!(table.columns.as_deref(), Some("a INT COMMENT 'x', m MAP<STRING, INT>"));
        assert_eq!(table.provider.as_deref(), Some("csv"));
        assert_eq!(table.partition_by, ["a"]);
        assert_eq!(table.options, [("header".to_string(), "true".to_string())]);
        assert!(table.buckets.is_none());
        let Command::CreateTable(table) = command("CREATE TABLE t (a INT, b INT) USING parquet CLUSTERED BY (a) SORTED BY (b) INTO 4 BUCKETS") else {
            panic!("not a CREATE TABLE")
        };
        assert_eq!(table.buckets, Some(TableBuckets { count: 4, columns: vec!["a".into()], sort_columns: vec!["b".into()] }));
        assert!(table.query.is_none());
        let Command::CreateTable(table) = command("CREATE TABLE t (a INT, b INT) CLUSTER BY (a, b) STORED AS orc") else {
            panic!("not a CREATE TABLE")
        };
        assert_eq!(table.cluster_by, ["a", "b"]);
        assert_eq!(table.stored_as.as_deref(), Some("orc"));
    }

    #[test]
    fn inserts() {
        let Command::Insert(insert) = command("INSERT OVERWRITE TABLE t PARTITION (p = 1, q) (a, b) SELECT 1, 2") else {
            panic!("not an INSERT")
        };
        assert!(insert.overwrite);
        assert_eq!(insert.partition, [("p".to_string(), Some("1".to_string())), ("q".to_string(), None)]);
        assert_eq!(insert.columns, ["a", "b"]);
        let Command::Insert(insert) = command("INSERT INTO t (SELECT 1)") else { panic!("not an INSERT") };
        assert!(insert.columns.is_empty());
        let Command::Insert(insert) = command("INSERT INTO t BY NAME SELECT 1 AS a") else { panic!("not an INSERT") };
        assert!(insert.by_name);
    }

    #[test]
    fn views_keep_their_text() {
        let Command::CreateView(view) = command("CREATE OR REPLACE VIEW db.v (x COMMENT 'c', y) COMMENT 'v' TBLPROPERTIES ('k' = 'v') AS SELECT 1, a, a + 1 AS b, a + 2;") else {
            panic!("not a CREATE VIEW")
        };
        assert_eq!(view.name, ["db", "v"]);
        assert_eq!(view.columns, [("x".to_string(), Some("c".to_string())), ("y".to_string(), None)]);
        assert_eq!((view.comment.as_deref(), view.properties.len()), (Some("v"), 1));
        assert_eq!(view.text, "SELECT 1, a, a + 1 AS b, a + 2");
        assert_eq!(view.unaliased, [0, 3]);
        assert!(matches!(command("ALTER VIEW v AS SELECT 1 AS one"), Command::AlterView { change: ViewChange::Query { .. }, .. }));
        assert!(matches!(
            command("ALTER VIEW v UNSET TBLPROPERTIES IF EXISTS ('a', b.c)"),
            Command::AlterView { change: ViewChange::UnsetProperties { if_exists: true, keys }, .. } if keys == ["a", "b.c"]
        ));
        assert!(matches!(command("CREATE GLOBAL TEMP VIEW g AS SELECT 1"), Command::CreateGlobalTempView { .. }));
        assert!(matches!(command("DESC QUERY SELECT 1"), Command::DescribeQuery { .. }));
        assert!(matches!(command("EXPLAIN FORMATTED SELECT 1"), Command::Explain { mode: Some(m), .. } if m == "FORMATTED"));
        assert!(matches!(command("EXPLAIN SELECT 1"), Command::Explain { mode: None, .. }));
    }

    #[test]
    fn partitions_at_locations() {
        let Command::AddPartitions { partitions, .. } = command("ALTER TABLE t ADD PARTITION (p = 1) LOCATION '/x' PARTITION (p = 2)") else {
            panic!("not ADD PARTITION")
        };
        assert_eq!(partitions[0], (vec![("p".to_string(), Some("1".to_string()))], Some("/x".to_string())));
        assert_eq!(partitions[1].1, None);
        assert!(matches!(command("MSCK REPAIR TABLE t SYNC PARTITIONS"), Command::RepairTable { drop_missing: true, .. }));
        assert!(matches!(command("ALTER TABLE t PARTITION (p = 1) SET LOCATION '/y'"), Command::SetPartitionLocation { location, .. } if location == "/y"));
        assert!(matches!(command("ALTER TABLE t PARTITION (p = 1) RENAME TO PARTITION (p = 2)"), Command::RenamePartition { .. }));
        assert!(matches!(command("ALTER TABLE t ALTER COLUMN b COMMENT 'c'"), Command::AlterColumn { comment: Some(c), .. } if c == "c"));
        assert!(matches!(
            command("ALTER TABLE t CHANGE COLUMN a a INT COMMENT 'new a'"),
            Command::AlterColumn { new_name: Some(n), new_type: Some(t), comment: Some(c), .. } if n == "a" && t == "INT" && c == "new a"
        ));
        let Command::CreateTable(like) = command("CREATE TABLE t LIKE s USING parquet") else { panic!("not a CREATE TABLE") };
        assert_eq!((like.like, like.provider.as_deref()), (Some(vec!["s".to_string()]), Some("parquet")));
        assert!(matches!(command("SHOW PARTITIONS t PARTITION (p = 1)"), Command::ShowPartitions { partition: Some(_), .. }));
        assert!(matches!(command("DESC EXTENDED t PARTITION (p = 1)"), Command::DescribeTable { partition: Some(_), column: None, .. }));
    }

    #[test]
    fn temp_views_over_data_sources() {
        let Command::CreateTempViewUsing { name, global, schema, provider, options, .. } =
            command("CREATE OR REPLACE GLOBAL TEMPORARY VIEW v (a INT) USING csv OPTIONS (path '/x', header 'true')")
        else {
            panic!("not a temp view over a source")
        };
        assert_eq!((name.as_str(), global, schema.as_deref(), provider.as_str()), ("v", true, Some("a INT"), "csv"));
        assert_eq!(options.len(), 2);
        assert!(parse("CREATE TEMP VIEW v AS SELECT * FROM a JOIN b USING (k)", &SqlArguments::default()).unwrap().is_none());
    }

    #[test]
    fn queries_are_not_commands() {
        assert!(parse("SELECT 1", &SqlArguments::default()).unwrap().is_none());
        assert!(parse("CREATE TEMP VIEW v AS SELECT 1", &SqlArguments::default()).unwrap().is_none());
    }
}

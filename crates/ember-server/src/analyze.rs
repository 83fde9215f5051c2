//! AnalyzePlan and Config.

use std::hash::{DefaultHasher, Hash, Hasher};

use datafusion::arrow::datatypes::{DataType, Field};
use ember_planner::SparkError;
use ember_protocol::connect::{
    self, analyze_plan_request::Analyze, analyze_plan_response as apr, config_request::operation::OpType,
};

use crate::execute::{output_schema, plan, schema_proto};
use crate::session::Session;

use ember_planner::SPARK_VERSION;

/// Answers one AnalyzePlan request.
pub fn analyze(session: &Session, analyze: Analyze) -> Result<apr::Result, SparkError> {
    Ok(match analyze {
        Analyze::Schema(s) => {
            let relation = root(s.plan)?;
            // The DataFrame `spark.catalog.createTable` returns has the table's schema.
            let relation = crate::catalog::created_table_read(&relation).unwrap_or(relation);
            apr::Result::Schema(apr::Schema { schema: Some(schema_proto(output_schema(&plan(session, &relation)?)?.as_ref())?) })
        }
        Analyze::Explain(e) => {
            let relation = root(e.plan)?;
            apr::Result::Explain(apr::Explain { explain_string: explain(session, &relation, e.explain_mode)? })
        }
        Analyze::TreeString(t) => {
            let relation = root(t.plan)?;
            let schema = output_schema(&plan(session, &relation)?)?;
            let level = t.level.filter(|l| *l > 0).map(|l| l as usize).unwrap_or(usize::MAX);
            apr::Result::TreeString(apr::TreeString { tree_string: schema_tree(schema.fields(), level) })
        }
        Analyze::IsLocal(l) => apr::Result::IsLocal(apr::IsLocal { is_local: is_local(&root(l.plan)?) }),
        Analyze::IsStreaming(s) => {
            let relation = root(s.plan)?;
            plan(session, &relation)?;
            apr::Result::IsStreaming(apr::IsStreaming { is_streaming: false })
        }
        Analyze::InputFiles(i) => {
            let relation = root(i.plan)?;
            let planned = plan(session, &relation)?;
            apr::Result::InputFiles(apr::InputFiles { files: ember_sources::input_files(&planned.plan) })
        }
        Analyze::SparkVersion(_) => apr::Result::SparkVersion(apr::SparkVersion { version: SPARK_VERSION.to_string() }),
        Analyze::DdlParse(d) => {
            let tz = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().time_zone;
            let parsed = ember_types::parse_ddl_proto(&d.ddl_string, &tz).map_err(ember_planner::error::from_type_error)?;
            apr::Result::DdlParse(apr::DdlParse { parsed: Some(parsed) })
        }
        Analyze::SameSemantics(s) => {
            let target = canonical_plan(session, &root(s.target_plan)?)?;
            let other = canonical_plan(session, &root(s.other_plan)?)?;
            apr::Result::SameSemantics(apr::SameSemantics { result: target == other })
        }
        Analyze::SemanticHash(s) => {
            let mut hasher = DefaultHasher::new();
            canonical_plan(session, &root(s.plan)?)?.hash(&mut hasher);
            apr::Result::SemanticHash(apr::SemanticHash { result: hasher.finish() as i32 })
        }
        Analyze::Persist(p) => {
            let relation = p.relation.ok_or_else(|| SparkError::illegal_argument("persist without a relation"))?;
            crate::cache::persist(session, &relation, p.storage_level.unwrap_or_else(crate::cache::memory_and_disk))?;
            apr::Result::Persist(apr::Persist {})
        }
        Analyze::Unpersist(u) => {
            let relation = u.relation.ok_or_else(|| SparkError::illegal_argument("unpersist without a relation"))?;
            crate::cache::unpersist(session, &relation)?;
            apr::Result::Unpersist(apr::Unpersist {})
        }
        Analyze::GetStorageLevel(g) => {
            let relation = g.relation.ok_or_else(|| SparkError::illegal_argument("storage level without a relation"))?;
            apr::Result::GetStorageLevel(apr::GetStorageLevel { storage_level: Some(crate::cache::storage_level(session, &relation)?) })
        }
        Analyze::JsonToDdl(j) => {
            let tz = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().time_zone;
            let parsed = ember_types::parse_json_type(&j.json_string, &tz).map_err(ember_planner::error::from_type_error)?;
            let DataType::Struct(fields) = parsed else {
                return Err(SparkError::illegal_argument("JSON schema is not a struct"));
            };
            let ddl = fields
                .iter()
                .map(|f| {
                    let not_null = if f.is_nullable() { "" } else { " NOT NULL" };
                    format!("{} {}{not_null}", f.name(), ember_types::simple_string(f.data_type()).to_uppercase())
                })
                .collect::<Vec<_>>()
                .join(",");
            apr::Result::JsonToDdl(apr::JsonToDdl { ddl_string: ddl })
        }
    })
}

fn root(plan: Option<connect::Plan>) -> Result<connect::Relation, SparkError> {
    match plan.and_then(|p| p.op_type) {
        Some(connect::plan::OpType::Root(relation)) => Ok(relation),
        _ => Err(SparkError::illegal_argument("expected a relation")),
    }
}

/// A plan's identity up to the internal names of its columns.
fn canonical_plan(session: &Session, relation: &connect::Relation) -> Result<String, SparkError> {
    crate::cache::key_of(session, relation)
}

fn is_local(relation: &connect::Relation) -> bool {
    use connect::relation::RelType;
    matches!(relation.rel_type, Some(RelType::LocalRelation(_) | RelType::CachedLocalRelation(_) | RelType::ChunkedCachedLocalRelation(_)))
}

/// The text of `df.explain(mode)` and `EXPLAIN` (`mode`: an `ExplainMode`).
pub(crate) fn explain(session: &Session, relation: &connect::Relation, mode: i32) -> Result<String, SparkError> {
    crate::explain::explain(session, &plan(session, relation)?, mode)
}

/// `printSchema`'s text of `fields`, down to `level` levels.
pub(crate) fn schema_tree(fields: &arrow::datatypes::Fields, level: usize) -> String {
    let mut text = String::from("root\n");
    for field in fields {
        tree_string(&mut text, field, 1, level);
    }
    text
}

/// A type as `printSchema` names it: nested types by their kind only,
/// others by Spark's `typeName` (`integer`, `decimal(10,2)`).
fn tree_type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Struct(_) => "struct".to_string(),
        DataType::List(_) => "array".to_string(),
        DataType::Map(..) => "map".to_string(),
        other => ember_types::to_json_type(other).map_or_else(|_| ember_types::simple_string(other), |json| json.trim_matches('"').to_string()),
    }
}

fn tree_string(out: &mut String, field: &Field, depth: usize, max_depth: usize) {
    if depth > max_depth {
        return;
    }
    let prefix = " |   ".repeat(depth - 1);
    let type_name = tree_type_name(field.data_type());
    out.push_str(&format!("{prefix} |-- {}: {type_name} (nullable = {})\n", field.name(), field.is_nullable()));
    match field.data_type() {
        DataType::Struct(fields) => {
            for f in fields {
                tree_string(out, f, depth + 1, max_depth);
            }
        }
        DataType::List(element) => {
            let element_line = Field::new("element", element.data_type().clone(), element.is_nullable());
            nested_line(out, &element_line, "containsNull", depth + 1, max_depth);
        }
        DataType::Map(entries, _) => {
            if let DataType::Struct(kv) = entries.data_type() {
                if kv.len() == 2 {
                    nested_line(out, &Field::new("key", kv[0].data_type().clone(), false), "", depth + 1, max_depth);
                    nested_line(out, &Field::new("value", kv[1].data_type().clone(), kv[1].is_nullable()), "valueContainsNull", depth + 1, max_depth);
                }
            }
        }
        _ => {}
    }
}

/// Array elements and map keys/values: `|-- element: int (containsNull = true)`.
fn nested_line(out: &mut String, field: &Field, flag: &str, depth: usize, max_depth: usize) {
    if depth > max_depth {
        return;
    }
    let prefix = " |   ".repeat(depth - 1);
    let type_name = tree_type_name(field.data_type());
    if flag.is_empty() {
        out.push_str(&format!("{prefix} |-- {}: {type_name}\n", field.name()));
    } else {
        out.push_str(&format!("{prefix} |-- {}: {type_name} ({flag} = {})\n", field.name(), field.is_nullable()));
    }
    match field.data_type() {
        DataType::Struct(fields) => {
            for f in fields {
                tree_string(out, f, depth + 1, max_depth);
            }
        }
        DataType::List(_) | DataType::Map(..) => {
            let mut nested = String::new();
            tree_string(&mut nested, field, depth, max_depth);
            // Skip the line for the field itself; keep its children.
            out.push_str(nested.split_once('\n').map(|(_, rest)| rest).unwrap_or(""));
        }
        _ => {}
    }
}

/// Answers one Config request; returns the key/value pairs to send back.
pub fn config(session: &Session, operation: Option<OpType>) -> Result<Vec<connect::KeyValue>, SparkError> {
    let mut conf = session.conf.write().unwrap_or_else(|e| e.into_inner());
    let pair = |key: &str, value: Option<String>| connect::KeyValue { key: key.to_string(), value };
    Ok(match operation {
        Some(OpType::Set(set)) => {
            // A silent set (the builder's options at getOrCreate) skips what cannot be set.
            let silent = set.silent.unwrap_or(false);
            for kv in &set.pairs {
                match &kv.value {
                    Some(value) => match conf.set(&kv.key, value) {
                        Err(_) if silent => {}
                        result => result?,
                    },
                    None if silent => {}
                    // Spark's `RuntimeConfig.set` refuses a null value.
                    None => return Err(SparkError::illegal_argument(format!("value cannot be null for key: {}", kv.key))),
                }
            }
            vec![]
        }
        Some(OpType::Get(get)) => get.keys.iter().map(|k| Ok(pair(k, conf.get_required(k)?))).collect::<Result<_, SparkError>>()?,
        Some(OpType::GetWithDefault(get)) => {
            get.pairs.iter().map(|kv| pair(&kv.key, conf.get_or(&kv.key, kv.value.clone()))).collect()
        }
        Some(OpType::GetOption(get)) => get.keys.iter().map(|k| pair(k, conf.get(k))).collect(),
        Some(OpType::GetAll(get)) => conf.all(get.prefix.as_deref()).into_iter().map(|(k, v)| pair(&k, Some(v))).collect(),
        Some(OpType::Unset(unset)) => {
            for key in &unset.keys {
                conf.unset(key);
            }
            vec![]
        }
        Some(OpType::IsModifiable(m)) => m.keys.iter().map(|k| pair(k, Some(conf.is_modifiable(k).to_string()))).collect(),
        None => return Err(SparkError::illegal_argument("config request without an operation")),
    })
}

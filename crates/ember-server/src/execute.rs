//! ExecutePlan: plans a relation or command and produces its responses.

use std::io::Cursor;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::ipc::writer::StreamWriter;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
use ember_planner::sql::{SqlArguments, Statement};
use ember_planner::{PlannedQuery, Planner, SparkError};
use ember_protocol::connect::{self, execute_plan_response as epr, relation::RelType};
use futures::StreamExt;

use crate::operation::Operation;
use crate::session::Session;

/// Upper bound for one Arrow batch message (Spark's default is 4 MiB).
const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Runs a plan, pushing its responses into `op`.
pub async fn execute(session: Arc<Session>, op: Arc<Operation>, plan: connect::Plan) -> Result<(), SparkError> {
    let responder = Responder { session: &session, op: &op };
    match plan.op_type {
        Some(connect::plan::OpType::Root(relation)) => execute_relation(&responder, &relation).await?,
        Some(connect::plan::OpType::Command(command)) => execute_command(&responder, command).await?,
        Some(connect::plan::OpType::CompressedOperation(_)) => {
            return Err(SparkError::unsupported("compressed plans"));
        }
        None => return Err(SparkError::illegal_argument("plan without an operation")),
    }
    responder.push(epr::ResponseType::ResultComplete(epr::ResultComplete {}), None);
    Ok(())
}

struct Responder<'a> {
    session: &'a Session,
    op: &'a Operation,
}

impl Responder<'_> {
    fn push(&self, response_type: epr::ResponseType, schema: Option<connect::DataType>) {
        self.op.push(self.response(Some(response_type), schema));
    }

    fn response(&self, response_type: Option<epr::ResponseType>, schema: Option<connect::DataType>) -> connect::ExecutePlanResponse {
        connect::ExecutePlanResponse {
            session_id: self.session.session_id.clone(),
            server_side_session_id: self.session.server_side_session_id.clone(),
            operation_id: self.op.id.clone(),
            response_id: uuid::Uuid::new_v4().to_string(),
            schema,
            response_type,
            ..Default::default()
        }
    }
}

/// The runner setting carrying a session's artifacts (as JSON) to `worker.py`.
const PYTHON_FILES: &str = "ember.python.files";

/// Plans a relation for a session.
pub fn plan(session: &Session, relation: &connect::Relation) -> Result<PlannedQuery, SparkError> {
    let conf = session.conf.read().unwrap_or_else(|e| e.into_inner());
    let mut config = conf.planner_config();
    let threshold = conf.get_or(ember_planner::join_strategy::AUTO_BROADCAST_THRESHOLD_KEY, None);
    drop(conf);
    ember_planner::join_strategy::set_auto_broadcast_threshold(&session.ctx, threshold.as_deref());
    if let Some(files) = session.python_files()? {
        // The worker sees these for this session's UDFs only.
        config.python_runner_conf.push((PYTHON_FILES.to_string(), files.to_json()));
    }
    let mut planner = Planner::new(&session.ctx, &config, session);
    planner.plan_query(relation)
}

async fn execute_relation(responder: &Responder<'_>, relation: &connect::Relation) -> Result<(), SparkError> {
    let session = responder.session;
    let tz = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().time_zone;
    let batch = match &relation.rel_type {
        Some(RelType::ShowString(show)) => {
            let input = input_of(&show.input)?;
            let rows = collect_limited(responder, &input, show.num_rows.max(0) as usize + 1).await?;
            let text = ember_functions::show::show_string(&rows, show.num_rows.max(0) as usize, show.truncate.max(0) as usize, show.vertical)
                .map_err(|e| SparkError::internal(e.to_string()))?;
            Some(single_string("show_string", text))
        }
        Some(RelType::HtmlString(html)) => {
            let input = input_of(&html.input)?;
            let rows = collect_limited(responder, &input, html.num_rows.max(0) as usize + 1).await?;
            let text = ember_functions::show::html_string(&rows, html.num_rows.max(0) as usize, html.truncate.max(0) as usize)
                .map_err(|e| SparkError::internal(e.to_string()))?;
            Some(single_string("html_string", text))
        }
        // The DataFrame `createTable` returned is the table once created.
        Some(RelType::Catalog(_)) if session.already_ran(relation) => {
            let read = crate::catalog::created_table_read(relation).unwrap_or_else(|| relation.clone());
            return stream_query(responder, plan(session, &read)?, &tz).await;
        }
        Some(RelType::Catalog(catalog)) => {
            let batch = crate::catalog::run(session, catalog).await?;
            if crate::catalog::created_table_read(relation).is_some() {
                session.remember_ran(relation);
            }
            Some(batch)
        }
        _ => None,
    };
    if let Some(batch) = batch {
        let schema = schema_proto(&batch.schema())?;
        responder.push(arrow_batch(&batch)?, Some(schema));
        return Ok(());
    }
    let planned = plan(session, relation)?;
    stream_query(responder, planned, &tz).await
}

fn input_of(input: &Option<Box<connect::Relation>>) -> Result<connect::Relation, SparkError> {
    input.as_deref().cloned().ok_or_else(|| SparkError::illegal_argument("relation without an input"))
}

/// Runs a plan; a result with Spark's partitioning comes partition by partition, as from Spark.
async fn execute_in_order(session: &Session, plan: LogicalPlan) -> Result<SendableRecordBatchStream, SparkError> {
    Ok(execute_physical(session, plan).await?.1)
}

/// [`execute_in_order`], also giving the physical plan (for its metrics).
async fn execute_physical(session: &Session, plan: LogicalPlan) -> Result<(Arc<dyn ExecutionPlan>, SendableRecordBatchStream), SparkError> {
    let state = session.ctx.state();
    let physical = ember_planner::partitioning::in_partition_order(state.create_physical_plan(&plan).await?);
    let stream = datafusion::physical_plan::execute_stream(physical.clone(), state.task_ctx())?;
    Ok((physical, stream))
}

/// Runs `relation` and collects at most `limit` rows, with Spark's names.
async fn collect_limited(responder: &Responder<'_>, relation: &connect::Relation, limit: usize) -> Result<RecordBatch, SparkError> {
    let mut planned = plan(responder.session, relation)?;
    let origins = std::mem::take(&mut planned.expression_origins);
    collect_planned(responder, planned, limit).await.map_err(|e| origins.attach(e))
}

async fn collect_planned(responder: &Responder<'_>, planned: PlannedQuery, limit: usize) -> Result<RecordBatch, SparkError> {
    let spark_schema = output_schema(&planned)?;
    // Spark's show() selects every column cast to a string above the plan.
    let projected = ember_planner::partitioning::ConstantsAboveRoundRobin::under_projection(planned.plan.clone())?;
    let limited = LogicalPlanBuilder::from(projected).limit(0, Some(limit))?.build()?;
    let mut batches = Vec::new();
    let mut stream = execute_in_order(responder.session, limited).await?;
    let cancel = responder.op.cancel_token();
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(SparkError::interrupted()),
            next = stream.next() => match next {
                Some(batch) => batches.push(to_spark_batch(&batch?, &spark_schema)?),
                None => break,
            }
        }
    }
    Ok(arrow::compute::concat_batches(&spark_schema, &batches)?)
}

async fn stream_query(responder: &Responder<'_>, mut planned: PlannedQuery, _tz: &str) -> Result<(), SparkError> {
    let origins = std::mem::take(&mut planned.expression_origins);
    stream_planned(responder, planned).await.map_err(|e| origins.attach(e))
}

async fn stream_planned(responder: &Responder<'_>, mut planned: PlannedQuery) -> Result<(), SparkError> {
    let spark_schema = output_schema(&planned)?;
    let observations = std::mem::take(&mut planned.observations);
    let schema_message = schema_proto(&spark_schema)?;
    responder.op.push(responder.response(None, Some(schema_message)));
    let max_rows = responder.session.conf.read().unwrap_or_else(|e| e.into_inner()).max_records_per_batch();
    let (physical, mut stream) = execute_physical(responder.session, planned.plan).await?;
    let mut sent_any = false;
    let mut offset = 0i64;
    let cancel = responder.op.cancel_token();
    loop {
        let batch = tokio::select! {
            _ = cancel.cancelled() => return Err(SparkError::interrupted()),
            next = stream.next() => match next {
                Some(batch) => batch?,
                None => break,
            }
        };
        let batch = to_spark_batch(&batch, &spark_schema)?;
        for chunk in split_batch(&batch, max_rows) {
            if chunk.num_rows() == 0 {
                continue;
            }
            let mut message = arrow_batch(&chunk)?;
            if let epr::ResponseType::ArrowBatch(b) = &mut message {
                b.start_offset = Some(offset);
            }
            offset += chunk.num_rows() as i64;
            // The schema went ahead in its own response, as Spark sends it.
            responder.push(message, None);
            sent_any = true;
        }
    }
    if !sent_any {
        responder.push(arrow_batch(&RecordBatch::new_empty(spark_schema))?, None);
    }
    let mut response = responder.response(None, None);
    response.metrics = Some(crate::plan_metrics::plan_metrics(&physical));
    responder.op.push(response);
    if !observations.is_empty() {
        let mut response = responder.response(None, None);
        response.observed_metrics = crate::observed::observed_metrics(&responder.session.ctx, observations).await;
        responder.op.push(response);
    }
    Ok(())
}

/// The result schema: Spark's names and Spark's Arrow types.
pub fn output_schema(planned: &PlannedQuery) -> Result<SchemaRef, SparkError> {
    let schema = planned.spark_schema();
    let fields = schema
        .fields()
        .iter()
        .map(|f| Ok(f.as_ref().clone().with_data_type(spark_arrow_type(f.data_type())?)))
        .collect::<Result<Vec<_>, SparkError>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

/// The Arrow type a Spark client expects for an engine type.
fn spark_arrow_type(data_type: &DataType) -> Result<DataType, SparkError> {
    let proto = ember_types::to_proto(data_type).map_err(|e| SparkError::internal(e.to_string()))?;
    let tz = match data_type {
        DataType::Timestamp(_, Some(tz)) => tz.to_string(),
        _ => "UTC".to_string(),
    };
    ember_types::from_proto(&proto, &tz).map_err(|e| SparkError::internal(e.to_string()))
}

/// The proto form of a result schema.
pub fn schema_proto(schema: &Schema) -> Result<connect::DataType, SparkError> {
    ember_types::to_proto(&DataType::Struct(schema.fields().clone())).map_err(|e| SparkError::internal(e.to_string()))
}

fn to_spark_batch(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, SparkError> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(array, field)| {
            if array.data_type() == field.data_type() { Ok(array.clone()) } else { cast(array, field.data_type()) }
        })
        .collect::<Result<Vec<ArrayRef>, _>>()?;
    let relaxed = Arc::new(Schema::new(
        schema.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect::<Vec<_>>(),
    ));
    Ok(RecordBatch::try_new_with_options(
        relaxed,
        columns,
        &arrow::array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )?)
}

/// Splits a batch into pieces of at most `max_rows` rows and about
/// [`MAX_BATCH_BYTES`].
fn split_batch(batch: &RecordBatch, max_rows: usize) -> Vec<RecordBatch> {
    let rows = batch.num_rows();
    if rows == 0 {
        return vec![batch.clone()];
    }
    let bytes_per_row = (batch.get_array_memory_size() / rows).max(1);
    let chunk = max_rows.min((MAX_BATCH_BYTES / bytes_per_row).max(1));
    (0..rows).step_by(chunk).map(|start| batch.slice(start, chunk.min(rows - start))).collect()
}

/// One Arrow IPC stream message holding `batch`.
fn arrow_batch(batch: &RecordBatch) -> Result<epr::ResponseType, SparkError> {
    let batch = &crate::arrow_names::with_unique_struct_field_names(batch)?;
    let mut buffer = Cursor::new(Vec::new());
    {
        let mut writer = StreamWriter::try_new(&mut buffer, &batch.schema())?;
        writer.write(batch)?;
        writer.finish()?;
    }
    Ok(epr::ResponseType::ArrowBatch(epr::ArrowBatch {
        row_count: batch.num_rows() as i64,
        data: buffer.into_inner(),
        start_offset: None,
        chunk_index: None,
        num_chunks_in_batch: None,
    }))
}

fn single_string(name: &str, text: String) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, false)]));
    RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(vec![text]))])
        .unwrap_or_else(|_| RecordBatch::new_empty(Arc::new(Schema::empty())))
}

/// `SET`, `SET -v`, `SET key` and `SET key=value`: the result is a local
/// relation of (key, value) rows, as Spark returns it; `SET -v` adds Spark's
/// `meaning` and `Since version` columns, which Ember leaves empty.
fn set_command(session: &Session, query: &str) -> Result<Option<connect::Relation>, SparkError> {
    let text = query.trim().trim_end_matches(';').trim();
    let Some(rest) = text.get(..3).filter(|k| k.eq_ignore_ascii_case("set")).map(|_| &text[3..]) else {
        return Ok(None);
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return Ok(None);
    }
    let rest = rest.trim();
    if let Some(path) = crate::sql_path::path_value(rest) {
        crate::sql_path::set_path(session, path)?;
        return local_relation(&RecordBatch::new_empty(Arc::new(Schema::empty()))).map(Some);
    }
    let mut conf = session.conf.write().unwrap_or_else(|e| e.into_inner());
    if rest == "-v" {
        let rows = conf.defined().into_iter().map(|(key, value)| vec![key, value, String::new(), String::new()]).collect();
        return local_relation(&string_rows(&["key", "value", "meaning", "Since version"], rows)?).map(Some);
    }
    let rows: Vec<(String, String)> = match rest.split_once('=') {
        Some((key, value)) => {
            let (key, value) = (key.trim(), value.trim());
            conf.set(key, value)?;
            vec![(key.to_string(), value.to_string())]
        }
        None if rest.is_empty() => conf.all(None),
        None => vec![(rest.to_string(), conf.get(rest).unwrap_or_else(|| "<undefined>".to_string()))],
    };
    let rows = rows.into_iter().map(|(key, value)| vec![key, value]).collect();
    local_relation(&string_rows(&["key", "value"], rows)?).map(Some)
}

/// A batch of non-null string `columns` holding `rows`.
fn string_rows(columns: &[&str], rows: Vec<Vec<String>>) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(columns.iter().map(|name| Field::new(*name, DataType::Utf8, false)).collect::<Vec<_>>()));
    let arrays = (0..columns.len())
        .map(|i| Arc::new(StringArray::from_iter_values(rows.iter().map(|row| row[i].as_str()))) as ArrayRef)
        .collect();
    Ok(RecordBatch::try_new(schema, arrays)?)
}

/// A local relation holding `batch`.
fn local_relation(batch: &RecordBatch) -> Result<connect::Relation, SparkError> {
    let mut buffer = Cursor::new(Vec::new());
    {
        let mut writer = StreamWriter::try_new(&mut buffer, &batch.schema())?;
        writer.write(batch)?;
        writer.finish()?;
    }
    Ok(connect::Relation {
        common: None,
        rel_type: Some(RelType::LocalRelation(connect::LocalRelation { data: Some(buffer.into_inner()), schema: None })),
    })
}

/// Runs `sql` if it is a command Ember runs eagerly (DDL, `INSERT`,
/// `SHOW`, …); returns its result rows, or `None` for a query, which is
/// left to the caller.
async fn run_sql_command(session: &Session, sql: &connect::Sql) -> Result<Option<RecordBatch>, SparkError> {
    let done = || Ok(Some(RecordBatch::new_empty(Arc::new(Schema::empty()))));
    match ember_planner::sql::parse_statement(&sql.query, &SqlArguments::of(sql))? {
        Statement::Query(_) => Ok(None),
        Statement::Command(command) => crate::sql_commands::run(session, command).await.map(Some),
        Statement::CreateTempView { name, relation, replace } => {
            // Spark analyzes the view's query when the view is created.
            plan(session, &relation)?;
            session.create_view(&name, relation, replace)?;
            done()
        }
    }
}

async fn execute_command(responder: &Responder<'_>, command: connect::Command) -> Result<(), SparkError> {
    use connect::command::CommandType;
    match command.command_type {
        Some(CommandType::SqlCommand(sql)) => {
            #[allow(deprecated)]
            let relation = match sql.input {
                Some(input) => input,
                None => connect::Relation {
                    common: None,
                    rel_type: Some(RelType::Sql(connect::Sql {
                        query: sql.sql.clone(),
                        args: sql.args.clone(),
                        pos_args: sql.pos_args.clone(),
                        named_arguments: sql.named_arguments.clone(),
                        pos_arguments: sql.pos_arguments.clone(),
                    })),
                },
            };
            if let Some(RelType::Sql(sql)) = &relation.rel_type {
                if let Some(result) = set_command(responder.session, &sql.query)? {
                    responder.push(epr::ResponseType::SqlCommandResult(epr::SqlCommandResult { relation: Some(result) }), None);
                    return Ok(());
                }
                if let Some(rows) = run_sql_command(responder.session, sql).await? {
                    let result = local_relation(&rows)?;
                    responder.push(epr::ResponseType::SqlCommandResult(epr::SqlCommandResult { relation: Some(result) }), None);
                    return Ok(());
                }
            }
            // Spark analyzes the query when `spark.sql` is called.
            plan(responder.session, &relation)?;
            responder.push(
                epr::ResponseType::SqlCommandResult(epr::SqlCommandResult { relation: Some(relation) }),
                None,
            );
            Ok(())
        }
        Some(CommandType::CreateDataframeView(view)) => {
            let input = view.input.ok_or_else(|| SparkError::illegal_argument("view without a relation"))?;
            // Spark analyzes the view's plan when the view is created.
            plan(responder.session, &input)?;
            if view.is_global {
                responder.session.create_global_view(&view.name, input, view.replace)
            } else {
                responder.session.create_view(&view.name, input, view.replace)
            }
        }
        Some(CommandType::WriteOperation(write)) => crate::write::run(responder.session, write).await,
        Some(CommandType::WriteOperationV2(write)) => crate::table_writes::write_v2(responder.session, &write).await,
        Some(CommandType::RegisterFunction(function)) => register_function(responder.session, function),
        Some(CommandType::CheckpointCommand(checkpoint)) => {
            let directory = responder.session.conf.read().unwrap_or_else(|e| e.into_inner()).get("spark.checkpoint.dir");
            if !checkpoint.local && directory.is_none() {
                // Spark's reliable checkpoint needs `spark.checkpoint.dir` (a server setting).
                let message = "Checkpoint directory has not been set in the SparkContext";
                return Err(SparkError::new(ember_planner::ErrorKind::Internal, "_LEGACY_ERROR_TEMP_3016", "", message, &[]));
            }
            let relation_id = crate::cache::checkpoint(responder.session, &checkpoint).await?;
            let relation = Some(connect::CachedRemoteRelation { relation_id });
            responder.push(epr::ResponseType::CheckpointCommandResult(connect::CheckpointCommandResult { relation }), None);
            Ok(())
        }
        Some(CommandType::RemoveCachedRemoteRelationCommand(remove)) => {
            if let Some(relation) = remove.relation {
                responder.session.cache.remove_checkpoint(&relation.relation_id);
            }
            Ok(())
        }
        Some(CommandType::RegisterTableFunction(function)) => {
            responder.session.register_table_function(function);
            Ok(())
        }
        Some(CommandType::RegisterDataSource(source)) => {
            responder.session.register_data_source(source);
            Ok(())
        }
        Some(other) => {
            let debug = format!("{other:?}");
            Err(SparkError::unsupported(format!("command {}", debug.split('(').next().unwrap_or("unknown"))))
        }
        None => Err(SparkError::illegal_argument("command without a type")),
    }
}

/// `spark.udf.register`: a Python function the session's SQL can call by name.
fn register_function(session: &Session, function: connect::CommonInlineUserDefinedFunction) -> Result<(), SparkError> {
    use connect::common_inline_user_defined_function::Function;
    match &function.function {
        Some(Function::PythonUdf(python))
            if ember_python::is_scalar_eval_type(python.eval_type) || ember_python::is_aggregate_eval_type(python.eval_type) =>
        {
            session.register_function(function);
            Ok(())
        }
        Some(Function::PythonUdf(python)) => {
            Err(SparkError::unsupported(format!("registering Python UDFs of eval type {}", python.eval_type)))
        }
        // Ember has no JVM, so no Java class is ever on its classpath.
        Some(Function::JavaUdf(java)) => Err(SparkError::new(
            ember_planner::ErrorKind::Analysis,
            "_LEGACY_ERROR_TEMP_1329",
            "",
            format!("Can not load class {}, please make sure it is on the classpath.", java.class_name),
            &[("className", java.class_name.clone())],
        )),
        _ => Err(SparkError::unsupported("registering user-defined functions other than Python UDFs")),
    }
}

//! Sessions: isolated by user id and session id, each with its own config,
//! temp views, artifacts and running operations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use datafusion::execution::context::SessionContext;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::prelude::SessionConfig;
use ember_catalog::{GLOBAL_TEMP_DATABASE, Warehouse};
use ember_planner::{Catalog, SparkError};
use ember_protocol::connect;
use tokio_util::sync::CancellationToken;

use crate::conf::SessionConf;
use crate::operation::Operation;
use crate::runtime::RuntimeSettings;

/// One Spark Connect session.
pub struct Session {
    /// The id the client chose.
    pub session_id: String,
    /// The server's id for this incarnation of the session.
    pub server_side_session_id: String,
    /// The DataFusion context: function registry and execution settings.
    pub ctx: SessionContext,
    /// `spark.conf`.
    pub conf: RwLock<SessionConf>,
    /// The persistent catalog, shared by all sessions of the server.
    pub warehouse: Arc<Warehouse>,
    /// The database unqualified table names resolve in (`USE db`).
    current_database: RwLock<String>,
    views: RwLock<HashMap<String, connect::Relation>>,
    /// Global temp views (`global_temp.v`), shared by the server's sessions.
    global_views: GlobalViews,
    /// Functions registered with `spark.udf.register`, by lower-case name.
    python_functions: RwLock<HashMap<String, connect::CommonInlineUserDefinedFunction>>,
    /// Table functions registered with `spark.udtf.register`, by lower-case name.
    python_table_functions: RwLock<HashMap<String, connect::CommonInlineUserDefinedTableFunction>>,
    /// Data sources registered with `spark.dataSource.register`, by lower-case name.
    python_data_sources: RwLock<HashMap<String, connect::CommonInlineUserDefinedDataSource>>,
    artifacts: RwLock<HashMap<String, Arc<Vec<u8>>>>,
    /// Plan ids of `spark.catalog.createTable` relations that already created their table.
    created_tables: Mutex<std::collections::HashSet<i64>>,
    /// The session's cached relations and checkpoints.
    pub cache: crate::cache::SessionCache,
    operations: Mutex<HashMap<String, Arc<Operation>>>,
}

impl Session {
    fn new(
        session_id: &str,
        server_defaults: &[(String, String)],
        execution: &Execution,
        warehouse: Arc<Warehouse>,
        global_views: GlobalViews,
    ) -> Self {
        let partitions = crate::runtime::partitions();
        let mut config = SessionConfig::new()
            .with_target_partitions(partitions)
            .with_information_schema(false)
            .with_option_extension(ember_planner::join_strategy::JoinOptions::default());
        execution.settings.configure(config.options_mut(), partitions);
        let state = datafusion::execution::SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(execution.runtime.clone())
            .with_default_features()
            .with_query_planner(Arc::new(ember_planner::partitioning::EmberQueryPlanner))
            .with_optimizer_rules(crate::logical_rules::optimizer_rules())
            .with_physical_optimizer_rules(crate::bounded_joins::physical_optimizer_rules(&execution.settings))
            .build();
        let mut ctx = SessionContext::new_with_state(state);
        datafusion_spark::register_all(&mut ctx).unwrap_or_else(|e| log::warn!("Spark functions not registered: {e}"));
        Session {
            session_id: session_id.to_string(),
            server_side_session_id: uuid::Uuid::new_v4().to_string(),
            ctx,
            conf: RwLock::new(SessionConf::new(server_defaults)),
            warehouse,
            current_database: RwLock::new(ember_catalog::DEFAULT_DATABASE.to_string()),
            views: RwLock::new(HashMap::new()),
            global_views,
            python_functions: RwLock::new(HashMap::new()),
            python_table_functions: RwLock::new(HashMap::new()),
            python_data_sources: RwLock::new(HashMap::new()),
            artifacts: RwLock::new(HashMap::new()),
            created_tables: Mutex::new(std::collections::HashSet::new()),
            cache: Default::default(),
            operations: Mutex::new(HashMap::new()),
        }
    }

    /// Creates or replaces a temp view.
    pub fn create_view(&self, name: &str, relation: connect::Relation, replace: bool) -> Result<(), SparkError> {
        let mut views = self.views.write().unwrap_or_else(|e| e.into_inner());
        let key = name.to_lowercase();
        if !replace && views.contains_key(&key) {
            return Err(SparkError::temp_view_exists(name));
        }
        views.insert(key, relation);
        Ok(())
    }

    /// The current database.
    pub fn current_database(&self) -> String {
        self.current_database.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Makes `database` (lower case, existing) the current database.
    pub fn set_current_database(&self, database: &str) {
        *self.current_database.write().unwrap_or_else(|e| e.into_inner()) = database.to_string();
    }

    /// The names of the temp views, sorted.
    pub fn view_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.views.read().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect();
        names.sort();
        names
    }

    /// Creates or replaces a global temp view (`global_temp.name`).
    pub fn create_global_view(&self, name: &str, relation: connect::Relation, replace: bool) -> Result<(), SparkError> {
        let mut views = self.global_views.write().unwrap_or_else(|e| e.into_inner());
        let key = name.to_lowercase();
        if !replace && views.contains_key(&key) {
            return Err(SparkError::temp_view_exists(name));
        }
        views.insert(key, relation);
        Ok(())
    }

    /// Drops a global temp view; returns whether it existed.
    pub fn drop_global_view(&self, name: &str) -> bool {
        self.global_views.write().unwrap_or_else(|e| e.into_inner()).remove(&name.to_lowercase()).is_some()
    }

    /// The names of the global temp views, sorted.
    pub fn global_view_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.global_views.read().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect();
        names.sort();
        names
    }

    /// Whether this relation (by its plan id) already ran once.
    pub fn already_ran(&self, relation: &connect::Relation) -> bool {
        let plan_id = relation.common.as_ref().and_then(|c| c.plan_id);
        plan_id.is_some_and(|id| self.created_tables.lock().unwrap_or_else(|e| e.into_inner()).contains(&id))
    }

    /// Records that this relation (by its plan id) ran.
    pub fn remember_ran(&self, relation: &connect::Relation) {
        if let Some(id) = relation.common.as_ref().and_then(|c| c.plan_id) {
            self.created_tables.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
        }
    }

    /// Drops a temp view; returns whether it existed.
    pub fn drop_view(&self, name: &str) -> bool {
        self.views.write().unwrap_or_else(|e| e.into_inner()).remove(&name.to_lowercase()).is_some()
    }

    /// Registers (or replaces) a session function (`spark.udf.register`).
    pub fn register_function(&self, function: connect::CommonInlineUserDefinedFunction) {
        let key = function.function_name.to_lowercase();
        self.python_functions.write().unwrap_or_else(|e| e.into_inner()).insert(key, function);
    }

    /// Registers (or replaces) a session table function (`spark.udtf.register`).
    pub fn register_table_function(&self, function: connect::CommonInlineUserDefinedTableFunction) {
        let key = function.function_name.to_lowercase();
        self.python_table_functions.write().unwrap_or_else(|e| e.into_inner()).insert(key, function);
    }

    /// Registers (or replaces) a Python data source (`spark.dataSource.register`).
    pub fn register_data_source(&self, source: connect::CommonInlineUserDefinedDataSource) {
        let key = source.name.to_lowercase();
        self.python_data_sources.write().unwrap_or_else(|e| e.into_inner()).insert(key, source);
    }

    /// The names of the session's registered functions, as registered.
    pub fn function_names(&self) -> Vec<String> {
        self.python_functions.read().unwrap_or_else(|e| e.into_inner()).values().map(|f| f.function_name.clone()).collect()
    }

    /// Drops a session function; returns whether it existed.
    pub fn drop_function(&self, name: &str) -> bool {
        self.python_functions.write().unwrap_or_else(|e| e.into_inner()).remove(&name.to_lowercase()).is_some()
    }

    /// Stores an artifact the client uploaded.
    pub fn add_artifact(&self, name: &str, data: Vec<u8>) {
        self.artifacts.write().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), Arc::new(data));
    }

    /// The Python files, files and archives this session shipped for its
    /// UDFs (`addArtifacts(pyfile=True | file=True | archive=True)`), written
    /// to its own folder on first use.
    pub(crate) fn python_files(&self) -> Result<Option<crate::python_artifacts::SessionFiles>, SparkError> {
        let artifacts = self.artifacts.read().unwrap_or_else(|e| e.into_inner());
        crate::python_artifacts::session_files(&self.python_dir(), &artifacts)
            .map_err(|e| SparkError::internal(format!("cannot write the session's Python artifacts: {e}")))
    }

    fn python_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("ember-session-{}", self.server_side_session_id)).join("files")
    }

    /// Whether an artifact is stored.
    pub fn has_artifact(&self, name: &str) -> bool {
        self.artifacts.read().unwrap_or_else(|e| e.into_inner()).contains_key(name)
    }

    /// Registers a running operation.
    pub fn start_operation(&self, operation_id: &str, tags: Vec<String>) -> Result<Arc<Operation>, SparkError> {
        let mut operations = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        if operations.contains_key(operation_id) {
            return Err(SparkError::new(
                ember_planner::ErrorKind::IllegalArgument,
                "INVALID_HANDLE.OPERATION_ALREADY_EXISTS",
                "HY000",
                format!("The handle {operation_id} is invalid. Operation already exists."),
                &[("handle", operation_id.to_string())],
            ));
        }
        let operation = Arc::new(Operation::new(operation_id, tags, CancellationToken::new()));
        operations.insert(operation_id.to_string(), operation.clone());
        Ok(operation)
    }

    /// A registered operation.
    pub fn operation(&self, operation_id: &str) -> Option<Arc<Operation>> {
        self.operations.lock().unwrap_or_else(|e| e.into_inner()).get(operation_id).cloned()
    }

    /// Forgets an operation and its buffered responses.
    pub fn release_operation(&self, operation_id: &str) {
        if let Some(op) = self.operations.lock().unwrap_or_else(|e| e.into_inner()).remove(operation_id) {
            op.cancel();
        }
    }

    /// Interrupts the operations that `matches` selects; returns their ids.
    pub fn interrupt(&self, matches: impl Fn(&Operation) -> bool) -> Vec<String> {
        let operations = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        operations
            .values()
            .filter(|op| !op.is_finished() && matches(op))
            .map(|op| {
                op.cancel();
                op.id.clone()
            })
            .collect()
    }

    /// Stops everything the session runs.
    pub fn close(&self) {
        self.interrupt(|_| true);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(dir) = self.python_dir().parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Catalog for Session {
    fn current_database_name(&self) -> String {
        self.current_database()
    }

    fn temp_view(&self, name: &str) -> Option<connect::Relation> {
        self.views.read().unwrap_or_else(|e| e.into_inner()).get(&name.to_lowercase()).cloned()
    }

    fn cached_artifact(&self, hash: &str) -> Option<Arc<Vec<u8>>> {
        self.artifacts.read().unwrap_or_else(|e| e.into_inner()).get(&format!("cache/{hash}")).cloned()
    }

    fn python_table_function(&self, name: &str) -> Option<connect::CommonInlineUserDefinedTableFunction> {
        self.python_table_functions.read().unwrap_or_else(|e| e.into_inner()).get(&name.to_lowercase()).cloned()
    }

    fn python_data_source(&self, name: &str) -> Option<connect::CommonInlineUserDefinedDataSource> {
        self.python_data_sources.read().unwrap_or_else(|e| e.into_inner()).get(&name.to_lowercase()).cloned()
    }

    fn python_function(&self, name: &str) -> Option<connect::CommonInlineUserDefinedFunction> {
        self.python_functions.read().unwrap_or_else(|e| e.into_inner()).get(&name.to_lowercase()).cloned()
    }

    fn persistent_function_class(&self, name: &str) -> Option<String> {
        let function = self.warehouse.function(&self.current_database(), &name.to_lowercase()).ok()??;
        Some(function.class_name)
    }

    fn table(&self, parts: &[String]) -> Result<Option<(String, connect::Relation)>, SparkError> {
        let Some((database, name)) = crate::tables::split_name(self, parts) else {
            return Ok(None);
        };
        if database == GLOBAL_TEMP_DATABASE {
            let views = self.global_views.read().unwrap_or_else(|e| e.into_inner());
            return Ok(views.get(&name).map(|relation| (name.clone(), relation.clone())));
        }
        match self.warehouse.table(&database, &name)? {
            Some(table) => Ok(Some((table.name.clone(), crate::tables::read_relation(&table)?))),
            None => Ok(None),
        }
    }

    fn caches_anything(&self) -> bool {
        !self.cache.is_empty()
    }

    fn cached(&self, key: &str) -> Option<Arc<ember_planner::cache::CacheEntry>> {
        self.cache.get(key)
    }

    fn checkpoint(&self, id: &str) -> Option<Arc<ember_planner::cache::CacheEntry>> {
        self.cache.checkpoint(id)
    }
}

/// What every session executes with: the server's settings and the
/// DataFusion runtime (memory pool, spill files) they share.
struct Execution {
    settings: RuntimeSettings,
    runtime: Arc<RuntimeEnv>,
}

/// Global temp views by lower-case name.
type GlobalViews = Arc<RwLock<HashMap<String, connect::Relation>>>;

/// All sessions of the server.
pub struct SessionManager {
    sessions: Mutex<HashMap<(String, String), Arc<Session>>>,
    server_defaults: Vec<(String, String)>,
    execution: Execution,
    warehouse: Arc<Warehouse>,
    global_views: GlobalViews,
}

impl SessionManager {
    /// A manager whose new sessions start from `server_defaults` and share
    /// one runtime built from them (see [`RuntimeSettings`]). The warehouse is
    /// `spark.sql.warehouse.dir` of `server_defaults` (default
    /// `./spark-warehouse`), reported as a `file:` URI as Spark does.
    pub fn new(mut server_defaults: Vec<(String, String)>) -> Result<Self, crate::runtime::ConfigError> {
        const WAREHOUSE_KEY: &str = "spark.sql.warehouse.dir";
        let configured = server_defaults.iter().rev().find(|(k, _)| k == WAREHOUSE_KEY).map(|(_, v)| v.clone());
        let root = ember_sources::paths::local_path(configured.as_deref().unwrap_or("spark-warehouse"))
            .unwrap_or_else(|_| std::path::PathBuf::from("spark-warehouse"));
        server_defaults.retain(|(k, _)| k != WAREHOUSE_KEY);
        server_defaults.push((WAREHOUSE_KEY.to_string(), ember_sources::paths::qualified(&root)));
        let settings = RuntimeSettings::from_conf(&server_defaults)?;
        let runtime = settings.runtime_env(crate::runtime::partitions())?;
        Ok(SessionManager {
            sessions: Mutex::new(HashMap::new()),
            server_defaults,
            execution: Execution { settings, runtime },
            warehouse: Arc::new(Warehouse::new(root)),
            global_views: GlobalViews::default(),
        })
    }

    /// The session for this user and id, created on first use.
    pub fn get_or_create(&self, user_id: &str, session_id: &str) -> Result<Arc<Session>, SparkError> {
        if uuid::Uuid::parse_str(session_id).is_err() {
            return Err(SparkError::new(
                ember_planner::ErrorKind::IllegalArgument,
                "INVALID_HANDLE.FORMAT",
                "HY000",
                format!("The handle {session_id} is invalid. Handle must be an UUID string of the format '00112233-4455-6677-8899-aabbccddeeff'"),
                &[("handle", session_id.to_string())],
            ));
        }
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        Ok(sessions
            .entry((user_id.to_string(), session_id.to_string()))
            .or_insert_with(|| {
                let (warehouse, views) = (self.warehouse.clone(), self.global_views.clone());
                Arc::new(Session::new(session_id, &self.server_defaults, &self.execution, warehouse, views))
            })
            .clone())
    }

    /// Closes and forgets a session.
    pub fn release(&self, user_id: &str, session_id: &str) -> Option<Arc<Session>> {
        let removed = self.sessions.lock().unwrap_or_else(|e| e.into_inner()).remove(&(user_id.to_string(), session_id.to_string()));
        if let Some(session) = &removed {
            session.close();
        }
        removed
    }

    /// A copy of a session under a new id: same config and temp views.
    pub fn clone_session(&self, user_id: &str, source: &str, target: &str) -> Result<Arc<Session>, SparkError> {
        let original = self.get_or_create(user_id, source)?;
        let copy = self.get_or_create(user_id, target)?;
        *copy.conf.write().unwrap_or_else(|e| e.into_inner()) = original.conf.read().unwrap_or_else(|e| e.into_inner()).clone();
        copy.set_current_database(&original.current_database());
        let views = original.views.read().unwrap_or_else(|e| e.into_inner()).clone();
        *copy.views.write().unwrap_or_else(|e| e.into_inner()) = views;
        let functions = original.python_functions.read().unwrap_or_else(|e| e.into_inner()).clone();
        *copy.python_functions.write().unwrap_or_else(|e| e.into_inner()) = functions;
        let table_functions = original.python_table_functions.read().unwrap_or_else(|e| e.into_inner()).clone();
        *copy.python_table_functions.write().unwrap_or_else(|e| e.into_inner()) = table_functions;
        let data_sources = original.python_data_sources.read().unwrap_or_else(|e| e.into_inner()).clone();
        *copy.python_data_sources.write().unwrap_or_else(|e| e.into_inner()) = data_sources;
        let artifacts = original.artifacts.read().unwrap_or_else(|e| e.into_inner()).clone();
        *copy.artifacts.write().unwrap_or_else(|e| e.into_inner()) = artifacts;
        Ok(copy)
    }
}

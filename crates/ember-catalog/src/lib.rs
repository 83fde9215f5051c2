//! Ember's persistent catalog (Spark's session catalog, `spark_catalog`):
//! databases and tables, kept as one JSON file each under the warehouse
//! folder (`spark.sql.warehouse.dir`), so that they survive a restart and can
//! be shared by several servers.
//!
//! Layout (`<warehouse>` is the default database's folder, as in Spark):
//!
//! ```text
//! <warehouse>/.ember-catalog/databases/<db>.json        one database
//! <warehouse>/.ember-catalog/tables/<db>/<table>.json   one table or view
//! <warehouse>/.ember-catalog/functions/<db>/<f>.json    one persistent function
//! <warehouse>/<table>/                                  managed tables of `default`
//! <warehouse>/<db>.db/<table>/                          managed tables of <db>
//! ```
//!
//! Every change replaces whole files atomically (see [`store`]): a new
//! definition appears with an exclusive hard link, an update is a rename
//! made under a short lock after checking that nobody changed the file
//! since it was read. A writer that loses a race fails with an error
//! instead of overwriting the winner.

pub mod errors;
mod functions;
mod model;
mod store;
mod warehouse;

pub use functions::Function;
pub use model::{BucketSpec, Database, Table, TableKind};
pub use warehouse::{DEFAULT_DATABASE, GLOBAL_TEMP_DATABASE, Warehouse};

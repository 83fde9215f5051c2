//! Ember's Spark Connect server: a tonic gRPC service over per-session
//! DataFusion contexts, speaking the protocol of the PySpark 4.x client.

mod analyze;
mod arrow_names;
mod bounded_joins;
mod compact_views;
mod bucketed_tables;
mod cache;
mod catalog;
mod conf;
mod distinct_aggregates;
mod error;
mod error_details;
mod execute;
mod observed;
mod explain;
mod function_catalog;
mod infer_not_null;
mod logical_rules;
mod magic_semi_join;
mod operation;
mod partitions;
mod plan_metrics;
mod python_artifacts;
mod python_write;
mod runtime;
mod semi_join_pushdown;
mod service;
mod several_distinct;
mod session;
mod show_create;
mod spill_pool;
mod store_assignment;
mod sql_commands;
mod sql_path;
mod table_ddl;
mod table_writes;
mod tables;
mod views;
mod write;

use std::future::Future;
use std::net::SocketAddr;

use ember_protocol::connect::spark_connect_service_server::SparkConnectServiceServer;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

pub use ember_planner::SPARK_VERSION;
pub use runtime::{parse_size, ConfigError, RuntimeSettings, LOCAL_DIR_KEY, MEMORY_LIMIT_KEY, PREFER_SORT_MERGE_JOIN_KEY};
pub use service::EmberService;

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The server's settings were rejected before it served anything.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The gRPC transport failed.
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
}

/// Largest message the server accepts or sends (the client's default limit).
const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;

/// Binds `addr` (port 0 picks a free port) and returns the listener with the
/// address it got.
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// Serves Spark Connect on `listener` until `shutdown` completes.
/// `server_defaults` are config values every new session starts with; they
/// also set the server's memory limit and spill directories.
pub async fn serve(
    listener: TcpListener,
    server_defaults: Vec<(String, String)>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let service = SparkConnectServiceServer::new(EmberService::new(server_defaults)?)
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    // Small answers must not wait for the client's delayed ACK (Nagle).
    let incoming = futures::StreamExt::map(TcpListenerStream::new(listener), |stream| {
        if let Ok(stream) = &stream {
            let _ = stream.set_nodelay(true);
        }
        stream
    });
    tonic::transport::Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await?;
    Ok(())
}

//! Runs object-store I/O to completion from synchronous planning code.

use std::future::Future;

use ember_errors::SparkError;

/// Runs `work` on a runtime of its own, on a thread of its own, so it can be
/// awaited from code that may itself run inside a tokio runtime.
pub fn run<T: Send>(work: impl Future<Output = Result<T, SparkError>> + Send) -> Result<T, SparkError> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| SparkError::internal(format!("object store runtime: {e}")))?;
                runtime.block_on(work)
            })
            .join()
            .unwrap_or_else(|_| Err(SparkError::internal("object store I/O panicked")))
    })
}

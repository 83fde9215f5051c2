//! A running ExecutePlan: its responses are buffered so that a client whose
//! stream broke can reattach and continue after the last response it saw,
//! until it releases them.

use std::sync::Mutex;

use ember_planner::SparkError;
use ember_protocol::connect::ExecutePlanResponse;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// One operation and its response buffer.
pub struct Operation {
    /// The operation id.
    pub id: String,
    /// The client's tags (`spark.addTag`).
    pub tags: Vec<String>,
    cancel: CancellationToken,
    state: Mutex<Buffer>,
    progress: watch::Sender<usize>,
}

#[derive(Default)]
struct Buffer {
    /// Responses by index; released ones are `None`.
    responses: Vec<Option<ExecutePlanResponse>>,
    /// Set when the producer ended: `Some(Ok)` or `Some(Err)`.
    outcome: Option<Result<(), SparkError>>,
}

/// What a reader gets next.
pub enum Next {
    /// A response, with its index.
    Response(usize, ExecutePlanResponse),
    /// The stream is complete.
    End,
    /// The operation failed.
    Failed(SparkError),
}

impl Operation {
    pub(crate) fn new(id: &str, tags: Vec<String>, cancel: CancellationToken) -> Self {
        let (progress, _) = watch::channel(0);
        Operation { id: id.to_string(), tags, cancel, state: Mutex::new(Buffer::default()), progress }
    }

    /// The token that stops this operation's work.
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Interrupts the operation.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether the producer has finished.
    pub fn is_finished(&self) -> bool {
        self.lock().outcome.is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends a response.
    pub fn push(&self, response: ExecutePlanResponse) {
        let len = {
            let mut state = self.lock();
            state.responses.push(Some(response));
            state.responses.len()
        };
        self.progress.send_replace(len);
    }

    /// Ends the operation.
    pub fn finish(&self, outcome: Result<(), SparkError>) {
        let len = {
            let mut state = self.lock();
            state.outcome.get_or_insert(outcome);
            state.responses.len()
        };
        self.progress.send_replace(len + 1);
    }

    /// The index after the response with `response_id`, or 0 when unknown.
    pub fn position_after(&self, response_id: Option<&str>) -> usize {
        let Some(id) = response_id else { return 0 };
        let state = self.lock();
        state
            .responses
            .iter()
            .position(|r| r.as_ref().is_some_and(|r| r.response_id == id))
            .map(|i| i + 1)
            .unwrap_or(0)
    }

    /// Releases the responses up to and including `response_id`.
    pub fn release_until(&self, response_id: &str) {
        let end = self.position_after(Some(response_id));
        let mut state = self.lock();
        for slot in state.responses.iter_mut().take(end) {
            *slot = None;
        }
    }

    /// Waits for the response at `index` (or the end).
    pub async fn next(&self, index: usize) -> Next {
        let mut progress = self.progress.subscribe();
        loop {
            {
                let state = self.lock();
                if let Some(slot) = state.responses.get(index) {
                    return match slot {
                        Some(response) => Next::Response(index, response.clone()),
                        // Already released: skip ahead.
                        None => Next::Response(index, ExecutePlanResponse::default()),
                    };
                }
                if let Some(outcome) = &state.outcome {
                    return match outcome {
                        Ok(()) => Next::End,
                        Err(e) => Next::Failed(e.clone()),
                    };
                }
            }
            if progress.changed().await.is_err() {
                return Next::End;
            }
        }
    }
}

//! The `SparkConnectService` gRPC implementation.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use ember_planner::SparkError;
use ember_protocol::connect::{self, spark_connect_service_server::SparkConnectService};
use futures::{FutureExt, Stream};
use tonic::{Request, Response, Status, Streaming};

use crate::error::{panic_error, to_status};
use crate::operation::{Next, Operation};
use crate::session::{Session, SessionManager};

type ResponseStream = Pin<Box<dyn Stream<Item = Result<connect::ExecutePlanResponse, Status>> + Send>>;

/// Ember's Spark Connect service.
pub struct EmberService {
    sessions: Arc<SessionManager>,
}

impl EmberService {
    /// A service whose sessions start from `server_defaults` (`--conf`);
    /// fails when those hold an invalid memory limit or spill directory.
    pub fn new(server_defaults: Vec<(String, String)>) -> Result<Self, crate::runtime::ConfigError> {
        Ok(EmberService { sessions: Arc::new(SessionManager::new(server_defaults)?) })
    }

    fn session(&self, user: &Option<connect::UserContext>, session_id: &str) -> Result<Arc<Session>, Status> {
        let user_id = user.as_ref().map(|u| u.user_id.as_str()).unwrap_or("");
        self.sessions.get_or_create(user_id, session_id).map_err(|e| to_status(&e))
    }
}

/// Runs a synchronous handler, turning a panic into an error for this request.
fn guarded<T>(f: impl FnOnce() -> Result<T, SparkError>) -> Result<T, Status> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(|e| to_status(&e)),
        Err(payload) => Err(to_status(&panic_error(payload.as_ref()))),
    }
}

/// Streams an operation's responses from `start`.
fn response_stream(op: Arc<Operation>, start: usize) -> ResponseStream {
    Box::pin(futures::stream::unfold(Some((op, start)), |state| async move {
        let (op, index) = state?;
        match op.next(index).await {
            Next::Response(i, response) => Some((Ok(response), Some((op, i + 1)))),
            Next::End => None,
            Next::Failed(err) => Some((Err(to_status(&err)), None)),
        }
    })
    .filter(|item| {
        // Responses released before a reattach are skipped.
        futures::future::ready(!matches!(item, Ok(r) if r.response_id.is_empty()))
    }))
}

use futures::StreamExt;

#[tonic::async_trait]
impl SparkConnectService for EmberService {
    type ExecutePlanStream = ResponseStream;
    type ReattachExecuteStream = ResponseStream;

    async fn execute_plan(&self, request: Request<connect::ExecutePlanRequest>) -> Result<Response<ResponseStream>, Status> {
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let operation_id = request.operation_id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let op = guarded(|| session.start_operation(&operation_id, request.tags.clone()))?;
        let plan = request.plan.ok_or_else(|| Status::invalid_argument("ExecutePlanRequest without a plan"))?;
        let producer_op = op.clone();
        tokio::spawn(async move {
            let run = AssertUnwindSafe(crate::execute::execute(session, producer_op.clone(), plan)).catch_unwind();
            let outcome = match run.await {
                Ok(result) => result,
                Err(payload) => Err(panic_error(payload.as_ref())),
            };
            producer_op.finish(outcome);
        });
        Ok(Response::new(response_stream(op, 0)))
    }

    async fn reattach_execute(&self, request: Request<connect::ReattachExecuteRequest>) -> Result<Response<ResponseStream>, Status> {
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let op = session.operation(&request.operation_id).ok_or_else(|| {
            to_status(&SparkError::new(
                ember_planner::ErrorKind::IllegalArgument,
                "INVALID_HANDLE.OPERATION_NOT_FOUND",
                "HY000",
                format!("The handle {} is invalid. Operation not found.", request.operation_id),
                &[("handle", request.operation_id.clone())],
            ))
        })?;
        let start = op.position_after(request.last_response_id.as_deref());
        Ok(Response::new(response_stream(op, start)))
    }

    async fn release_execute(&self, request: Request<connect::ReleaseExecuteRequest>) -> Result<Response<connect::ReleaseExecuteResponse>, Status> {
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        match &request.release {
            Some(connect::release_execute_request::Release::ReleaseUntil(until)) => {
                if let Some(op) = session.operation(&request.operation_id) {
                    op.release_until(&until.response_id);
                }
            }
            _ => session.release_operation(&request.operation_id),
        }
        Ok(Response::new(connect::ReleaseExecuteResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            operation_id: Some(request.operation_id),
        }))
    }

    async fn analyze_plan(&self, request: Request<connect::AnalyzePlanRequest>) -> Result<Response<connect::AnalyzePlanResponse>, Status> {
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let analyze = request.analyze.ok_or_else(|| Status::invalid_argument("AnalyzePlanRequest without a method"))?;
        let result = guarded(|| crate::analyze::analyze(&session, analyze))?;
        Ok(Response::new(connect::AnalyzePlanResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            result: Some(result),
        }))
    }

    async fn config(&self, request: Request<connect::ConfigRequest>) -> Result<Response<connect::ConfigResponse>, Status> {
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let operation = request.operation.and_then(|o| o.op_type);
        let pairs = guarded(|| crate::analyze::config(&session, operation))?;
        Ok(Response::new(connect::ConfigResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            pairs,
            warnings: vec![],
        }))
    }

    async fn add_artifacts(&self, request: Request<Streaming<connect::AddArtifactsRequest>>) -> Result<Response<connect::AddArtifactsResponse>, Status> {
        use connect::add_artifacts_request::Payload;
        let mut stream = request.into_inner();
        let mut session: Option<Arc<Session>> = None;
        let mut summaries = Vec::new();
        // A chunked artifact in progress: name, bytes so far, whether every CRC matched.
        let mut pending: Option<(String, Vec<u8>, bool)> = None;
        while let Some(message) = stream.message().await? {
            let current = match &session {
                Some(s) => s.clone(),
                None => {
                    let s = self.session(&message.user_context, &message.session_id)?;
                    session = Some(s.clone());
                    s
                }
            };
            match message.payload {
                Some(Payload::Batch(batch)) => {
                    for artifact in batch.artifacts {
                        let chunk = artifact.data.unwrap_or_default();
                        let ok = crc_matches(&chunk);
                        if ok {
                            current.add_artifact(&artifact.name, chunk.data);
                        }
                        summaries.push(connect::add_artifacts_response::ArtifactSummary { name: artifact.name, is_crc_successful: ok });
                    }
                }
                Some(Payload::BeginChunk(begin)) => {
                    let chunk = begin.initial_chunk.unwrap_or_default();
                    let ok = crc_matches(&chunk);
                    finish_chunked(&current, pending.take(), &mut summaries);
                    pending = Some((begin.name, chunk.data, ok));
                    if begin.num_chunks <= 1 {
                        finish_chunked(&current, pending.take(), &mut summaries);
                    }
                }
                Some(Payload::Chunk(chunk)) => {
                    if let Some((_, data, ok)) = pending.as_mut() {
                        *ok &= crc_matches(&chunk);
                        data.extend_from_slice(&chunk.data);
                    }
                }
                None => {}
            }
        }
        let session = session.ok_or_else(|| Status::invalid_argument("AddArtifacts without messages"))?;
        finish_chunked(&session, pending.take(), &mut summaries);
        Ok(Response::new(connect::AddArtifactsResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            artifacts: summaries,
        }))
    }

    async fn artifact_status(&self, request: Request<connect::ArtifactStatusesRequest>) -> Result<Response<connect::ArtifactStatusesResponse>, Status> {
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let statuses = request
            .names
            .iter()
            .map(|name| (name.clone(), connect::artifact_statuses_response::ArtifactStatus { exists: session.has_artifact(name) }))
            .collect();
        Ok(Response::new(connect::ArtifactStatusesResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            statuses,
        }))
    }

    async fn interrupt(&self, request: Request<connect::InterruptRequest>) -> Result<Response<connect::InterruptResponse>, Status> {
        use connect::interrupt_request::{Interrupt, InterruptType};
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let interrupted_ids = match (InterruptType::try_from(request.interrupt_type).unwrap_or(InterruptType::All), &request.interrupt) {
            (InterruptType::Tag, Some(Interrupt::OperationTag(tag))) => session.interrupt(|op| op.tags.contains(tag)),
            (InterruptType::OperationId, Some(Interrupt::OperationId(id))) => session.interrupt(|op| &op.id == id),
            _ => session.interrupt(|_| true),
        };
        Ok(Response::new(connect::InterruptResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            interrupted_ids,
        }))
    }

    async fn release_session(&self, request: Request<connect::ReleaseSessionRequest>) -> Result<Response<connect::ReleaseSessionResponse>, Status> {
        let request = request.into_inner();
        let user_id = request.user_context.as_ref().map(|u| u.user_id.clone()).unwrap_or_default();
        let released = self.sessions.release(&user_id, &request.session_id);
        Ok(Response::new(connect::ReleaseSessionResponse {
            session_id: request.session_id,
            server_side_session_id: released.map(|s| s.server_side_session_id.clone()).unwrap_or_default(),
        }))
    }

    async fn fetch_error_details(&self, request: Request<connect::FetchErrorDetailsRequest>) -> Result<Response<connect::FetchErrorDetailsResponse>, Status> {
        // Errors with query contexts are kept for this fetch; the others
        // carry all their details in the status itself.
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let errors: Vec<_> = crate::error_details::take(&request.error_id).into_iter().collect();
        Ok(Response::new(connect::FetchErrorDetailsResponse {
            server_side_session_id: session.server_side_session_id.clone(),
            session_id: session.session_id.clone(),
            root_error_idx: (!errors.is_empty()).then_some(0),
            errors,
        }))
    }

    async fn clone_session(&self, request: Request<connect::CloneSessionRequest>) -> Result<Response<connect::CloneSessionResponse>, Status> {
        let request = request.into_inner();
        let user_id = request.user_context.as_ref().map(|u| u.user_id.clone()).unwrap_or_default();
        let source = self.session(&request.user_context, &request.session_id)?;
        let new_id = request.new_session_id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let copy = self.sessions.clone_session(&user_id, &request.session_id, &new_id).map_err(|e| to_status(&e))?;
        Ok(Response::new(connect::CloneSessionResponse {
            session_id: source.session_id.clone(),
            server_side_session_id: source.server_side_session_id.clone(),
            new_session_id: copy.session_id.clone(),
            new_server_side_session_id: copy.server_side_session_id.clone(),
        }))
    }

    async fn get_status(&self, request: Request<connect::GetStatusRequest>) -> Result<Response<connect::GetStatusResponse>, Status> {
        use connect::get_status_response::{OperationStatus, operation_status::OperationState};
        let request = request.into_inner();
        let session = self.session(&request.user_context, &request.session_id)?;
        let operation_statuses = request
            .operation_status
            .map(|s| s.operation_ids)
            .unwrap_or_default()
            .into_iter()
            .map(|id| {
                let state = match session.operation(&id) {
                    Some(op) if op.is_finished() => OperationState::Succeeded,
                    Some(_) => OperationState::Running,
                    None => OperationState::Unknown,
                };
                OperationStatus { operation_id: id, state: state as i32, extensions: vec![] }
            })
            .collect();
        Ok(Response::new(connect::GetStatusResponse {
            session_id: session.session_id.clone(),
            server_side_session_id: session.server_side_session_id.clone(),
            operation_statuses,
            extensions: vec![],
        }))
    }
}

fn crc_matches(chunk: &connect::add_artifacts_request::ArtifactChunk) -> bool {
    i64::from(crc32(&chunk.data)) == chunk.crc
}

fn finish_chunked(
    session: &Session,
    pending: Option<(String, Vec<u8>, bool)>,
    summaries: &mut Vec<connect::add_artifacts_response::ArtifactSummary>,
) {
    if let Some((name, data, ok)) = pending {
        if ok {
            session.add_artifact(&name, data);
        }
        summaries.push(connect::add_artifacts_response::ArtifactSummary { name, is_crc_successful: ok });
    }
}

/// CRC-32 (IEEE), as the client computes it with `zlib.crc32`.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(super::crc32(b"hello"), 0x3610_a686);
    }
}

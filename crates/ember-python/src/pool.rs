//! The pool of Python worker processes: started on first use with the
//! server's Python, reused across queries, replaced when one dies.

use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use arrow::array::RecordBatch;
use ember_errors::{ErrorKind, SparkError};

use crate::protocol::{self, Answer, Input};

/// The worker program; it evaluates with the installed pyspark's own code.
const WORKER_SCRIPT: &str = include_str!("worker.py");

/// The Python that runs UDFs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PythonEnvironment {
    /// The interpreter: `$EMBER_UDF_PYTHON`, else `$EMBER_VENV/bin/python`,
    /// else the `~/.cache/ember/venv` that `dev/setup` creates, else
    /// `python3` on the `PATH`.
    pub(crate) python: PathBuf,
}

/// Which Python the workers run, from the server's environment.
pub(crate) fn python_environment() -> PythonEnvironment {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    choose_python(var("EMBER_UDF_PYTHON"), var("EMBER_VENV"), var("HOME"))
}

fn choose_python(explicit: Option<PathBuf>, venv: Option<PathBuf>, home: Option<PathBuf>) -> PythonEnvironment {
    let venv_python = venv
        .or_else(|| home.map(|h| h.join(".cache/ember/venv")))
        .map(|v| v.join("bin/python"))
        .filter(|p| p.exists());
    PythonEnvironment { python: explicit.or(venv_python).unwrap_or_else(|| PathBuf::from("python3")) }
}

/// Workers kept idle between calls: one per core.
fn max_idle() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

struct Worker {
    /// Shared with the watchdog that kills a worker idle for too long.
    child: Arc<Mutex<Child>>,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// Where the worker's `faulthandler` writes the Python stack of a crash.
    fault_log: PathBuf,
}

impl Worker {
    /// Kills the worker (if it still runs) and removes its fault log.
    fn end(self) -> String {
        let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let status = child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
        let _ = std::fs::remove_file(&self.fault_log);
        status
    }
}

/// Idle workers, shared by all sessions.
pub(crate) struct WorkerPool {
    environment: PythonEnvironment,
    script: PathBuf,
    idle: Mutex<Vec<Worker>>,
}

static POOL: OnceLock<Result<WorkerPool, String>> = OnceLock::new();

/// The server's worker pool, set up on first use.
pub(crate) fn pool() -> Result<&'static WorkerPool, SparkError> {
    POOL.get_or_init(|| WorkerPool::new(python_environment())).as_ref().map_err(|e| unavailable(e))
}

fn unavailable(reason: &str) -> SparkError {
    SparkError::internal(format!(
        "Python UDFs cannot run: {reason}. Ember runs them with EMBER_UDF_PYTHON (default: the venv \
         dev/setup makes, ~/.cache/ember/venv/bin/python), which needs pyspark, pandas and pyarrow."
    ))
}

impl WorkerPool {
    fn new(environment: PythonEnvironment) -> Result<Self, String> {
        remove_files_of_ended_servers();
        let script = std::env::temp_dir().join(format!("{WORKER_FILE_PREFIX}{}.py", std::process::id()));
        std::fs::write(&script, WORKER_SCRIPT).map_err(|e| format!("cannot write {}: {e}", script.display()))?;
        Ok(WorkerPool { environment, script, idle: Mutex::new(Vec::new()) })
    }

    /// Runs one request on an idle (or a new) worker.
    pub(crate) fn call(
        &self,
        header: &serde_json::Value,
        commands: &[&[u8]],
        inputs: &[Input],
    ) -> Result<RecordBatch, SparkError> {
        self.call_or_traceback(header, commands, inputs)?.map_err(|traceback| python_exception(&traceback))
    }

    /// Runs one request; the inner error is the Python traceback when the
    /// Python code raised.
    pub(crate) fn call_or_traceback(
        &self,
        header: &serde_json::Value,
        commands: &[&[u8]],
        inputs: &[Input],
    ) -> Result<Result<RecordBatch, String>, SparkError> {
        let mut worker = self.checkout()?;
        let watchdog = idle_timeout(header).map(|seconds| Watchdog::start(worker.child.clone(), seconds));
        let answer = protocol::write_request(&mut worker.stdin, header, commands, inputs)
            .and_then(|_| protocol::read_answer(&mut worker.stdout));
        if let Some(seconds) = watchdog.and_then(Watchdog::stop) {
            // Killed (perhaps just after it answered): it serves no more requests.
            worker.end();
            return match answer {
                Ok(Answer::Batch(batch)) => Ok(Ok(batch)),
                Ok(Answer::PythonError(traceback)) => Ok(Err(traceback)),
                Err(_) => Err(SparkError::internal(format!("Python worker process terminated due to idle timeout (timeout: {seconds} seconds)"))),
            };
        }
        match answer {
            Ok(Answer::Batch(batch)) => {
                self.checkin(worker);
                Ok(Ok(batch))
            }
            Ok(Answer::PythonError(traceback)) => {
                self.checkin(worker);
                Ok(Err(traceback))
            }
            Err(e) => {
                let fault = faulthandler_enabled(header).then(|| std::fs::read_to_string(&worker.fault_log).ok()).flatten();
                let status = worker.end();
                Err(crashed(&e, &status, fault.as_deref()))
            }
        }
    }

    fn checkout(&self) -> Result<Worker, SparkError> {
        if let Some(worker) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
            return Ok(worker);
        }
        self.spawn()
    }

    fn checkin(&self, worker: Worker) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < max_idle() {
            idle.push(worker);
        } else {
            drop(idle);
            worker.end();
        }
    }

    fn spawn(&self) -> Result<Worker, SparkError> {
        let python = &self.environment.python;
        static SPAWNED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let number = SPAWNED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fault_log = self.script.with_extension(format!("{number}.fault"));
        let mut child = Command::new(python)
            .arg(&self.script)
            .env(FAULT_LOG_VARIABLE, &fault_log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| unavailable(&format!("cannot start {}: {e}", python.display())))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(unavailable("the worker has no pipes"));
        };
        let mut worker = Worker { child: Arc::new(Mutex::new(child)), stdin: BufWriter::new(stdin), stdout: BufReader::new(stdout), fault_log };
        // The worker announces itself once pyspark, pandas and pyarrow are imported.
        if let Err(e) = protocol::read_ready(&mut worker.stdout) {
            let status = worker.end();
            return Err(unavailable(&format!(
                "{} did not start a worker ({e}, {status}); its error is in the server log",
                python.display()
            )));
        }
        Ok(worker)
    }
}

/// How long a worker may take to answer before it is killed, in seconds:
/// `spark.sql.execution.pyspark.udf.idleTimeoutSeconds` when the session set
/// `spark.sql.execution.pyspark.udf.killOnIdleTimeout` (Spark times the gaps
/// between a worker's answers to its streamed batches; Ember's worker answers
/// once per request).
fn idle_timeout(header: &serde_json::Value) -> Option<u64> {
    let conf = |key: &str| header["runner_conf"][key].as_str();
    if !conf("spark.sql.execution.pyspark.udf.killOnIdleTimeout").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return None;
    }
    conf("spark.sql.execution.pyspark.udf.idleTimeoutSeconds").and_then(seconds).filter(|s| *s > 0)
}

/// A Spark time setting in seconds (`30`, `30s`, `2min`, `1500ms` rounds down).
fn seconds(text: &str) -> Option<u64> {
    let text = text.trim().to_ascii_lowercase();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let value: u64 = text[..digits].parse().ok()?;
    let micros_per_unit: u64 = match &text[digits..] {
        "us" => 1,
        "ms" => 1_000,
        "" | "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" => 3_600_000_000,
        "d" => 86_400_000_000,
        _ => return None,
    };
    Some(value.checked_mul(micros_per_unit)? / 1_000_000)
}

/// Kills a worker that has not answered within its time.
struct Watchdog {
    answered: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<Option<u64>>,
}

impl Watchdog {
    fn start(child: Arc<Mutex<Child>>, seconds: u64) -> Self {
        let (answered, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || match wait.recv_timeout(std::time::Duration::from_secs(seconds)) {
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.lock().unwrap_or_else(|e| e.into_inner()).kill();
                Some(seconds)
            }
            _ => None,
        });
        Watchdog { answered, thread }
    }

    /// Stops watching; the timeout in seconds if the worker was killed.
    fn stop(self) -> Option<u64> {
        let _ = self.answered.send(());
        self.thread.join().ok().flatten()
    }
}

/// The variable naming the file `worker.py` hands to `faulthandler`.
const FAULT_LOG_VARIABLE: &str = "EMBER_WORKER_FAULT_LOG";

/// The start of the names of a server's worker script and fault logs in the
/// temporary folder; the server's process id follows.
const WORKER_FILE_PREFIX: &str = "ember-python-worker-";

/// Removes the worker scripts and fault logs that servers no longer running
/// left in the temporary folder (a killed server cleans up nothing). Where
/// `/proc` does not list the processes, nothing is removed.
fn remove_files_of_ended_servers() {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(WORKER_FILE_PREFIX).and_then(|rest| rest.split('.').next()).and_then(|pid| pid.parse::<u32>().ok()) else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether the request's session asked for the Python stack of a crash
/// (`spark.sql.execution.pyspark.udf.faulthandler.enabled`).
fn faulthandler_enabled(header: &serde_json::Value) -> bool {
    header["runner_conf"]["spark.sql.execution.pyspark.udf.faulthandler.enabled"]
        .as_str()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// A worker died during a request: Spark's message, with the Python stack
/// `faulthandler` wrote when the session enabled it, else Spark's hint to
/// enable it (the exit status goes to the server log).
fn crashed(error: &std::io::Error, status: &str, fault: Option<&str>) -> SparkError {
    match fault.map(str::trim).filter(|f| !f.is_empty()) {
        Some(fault) => SparkError::internal(format!("Python worker exited unexpectedly (crashed): {fault}")),
        None => {
            log::warn!("a Python worker exited unexpectedly: {error} ({status})");
            SparkError::internal(
                "Python worker exited unexpectedly (crashed). Consider setting \
                 'spark.sql.execution.pyspark.udf.faulthandler.enabled' or'spark.python.worker.faulthandler.enabled' \
                 configuration to 'true' for the better Python traceback.",
            )
        }
    }
}

/// `PythonException`: user code raised; the message carries the traceback.
fn python_exception(traceback: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Python,
        "PYTHON_EXCEPTION",
        "38000",
        format!("An exception was thrown from the Python worker: {traceback}"),
        &[("msg", traceback.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_python_comes_from_the_variable_then_the_venv_then_the_path() {
        let explicit = Some(PathBuf::from("/opt/py/bin/python"));
        assert_eq!(choose_python(explicit.clone(), None, None).python, PathBuf::from("/opt/py/bin/python"));
        let home = std::env::temp_dir().join(format!("ember-home-{}", std::process::id()));
        assert_eq!(choose_python(None, None, Some(home.clone())).python, PathBuf::from("python3"));
        let venv_python = home.join(".cache/ember/venv/bin/python");
        std::fs::create_dir_all(venv_python.parent().unwrap()).unwrap();
        std::fs::write(&venv_python, "").unwrap();
        assert_eq!(choose_python(None, None, Some(home.clone())).python, venv_python);
        let other_venv = home.join("other");
        assert_eq!(choose_python(None, Some(other_venv), Some(home.clone())).python, PathBuf::from("python3"));
        assert_eq!(choose_python(explicit, None, Some(home.clone())).python, PathBuf::from("/opt/py/bin/python"));
        std::fs::remove_dir_all(home).unwrap();
    }

    #[test]
    fn a_missing_python_is_a_clear_error() {
        let pool = WorkerPool::new(PythonEnvironment { python: PathBuf::from("/nonexistent/python") }).unwrap();
        let err = pool.spawn().err().unwrap();
        assert!(err.message.contains("Python UDFs cannot run: cannot start /nonexistent/python"), "{}", err.message);
    }

    #[test]
    fn a_crash_carries_the_python_stack_when_the_session_asked_for_it() {
        let conf = |v: &str| serde_json::json!({"runner_conf": {"spark.sql.execution.pyspark.udf.faulthandler.enabled": v}});
        assert!(faulthandler_enabled(&conf("true")) && !faulthandler_enabled(&conf("false")));
        assert!(!faulthandler_enabled(&serde_json::json!({"runner_conf": {}})));
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        let stack = "Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):\n";
        assert!(crashed(&eof, "signal: 11", Some(stack)).message.ends_with("(crashed): Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):"));
        assert!(crashed(&eof, "signal: 11", Some("")).message.starts_with("Python worker exited unexpectedly (crashed). Consider setting 'spark.sql.execution.pyspark.udf.faulthandler.enabled'"));
    }

    #[test]
    fn idle_timeouts_count_when_the_session_asks_to_kill() {
        let conf = |kill: &str, timeout: &str| {
            serde_json::json!({"runner_conf": {
                "spark.sql.execution.pyspark.udf.killOnIdleTimeout": kill,
                "spark.sql.execution.pyspark.udf.idleTimeoutSeconds": timeout,
            }})
        };
        assert_eq!(idle_timeout(&conf("true", "1s")), Some(1));
        assert_eq!(idle_timeout(&conf("true", "2min")), Some(120));
        assert_eq!(idle_timeout(&conf("false", "1s")), None);
        assert_eq!(idle_timeout(&conf("true", "0")), None);
        assert_eq!(seconds("1500ms"), Some(1));
        assert_eq!(seconds("ten"), None);
    }

    #[test]
    fn python_exceptions_carry_the_traceback() {
        let err = python_exception("Traceback (most recent call last):\nValueError: x\n");
        assert_eq!(
            err.full_message(),
            "[PYTHON_EXCEPTION] An exception was thrown from the Python worker: Traceback (most recent call last):\nValueError: x\n SQLSTATE: 38000"
        );
        assert_eq!(err.kind, ErrorKind::Python);
    }
}

//! `ember`: run the Spark Connect server, or run a PySpark script against an
//! embedded one (`ember submit`, Ember's `spark-submit`).

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ember", version, about = "A Spark Connect engine in Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Spark Connect (`sc://HOST:PORT`) until SIGTERM or Ctrl-C.
    Server {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 15002)]
        port: u16,
        /// Session defaults, as `key=value`.
        #[arg(long = "conf", value_parser = parse_conf)]
        conf: Vec<(String, String)>,
        #[command(flatten)]
        execution: ExecutionArgs,
    },
    /// Run a PySpark script against an embedded server; exits with its status.
    Submit {
        /// Session defaults, as `key=value`.
        #[arg(long = "conf", value_parser = parse_conf)]
        conf: Vec<(String, String)>,
        #[command(flatten)]
        execution: ExecutionArgs,
        /// The Python interpreter to run the script with.
        #[arg(long, env = "EMBER_PYTHON", default_value = "python3")]
        python: String,
        /// The script, then its arguments.
        script: String,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// Memory and spill settings; shorthands for their `--conf` keys.
#[derive(Args)]
struct ExecutionArgs {
    /// Memory that queries may hold at once, e.g. `2g` (as `spark.driver.memory`;
    /// no unit means MiB). Sorts, aggregations and joins spill to disk beyond it.
    /// Unbounded by default.
    #[arg(long, env = "EMBER_MEMORY_LIMIT", value_parser = parse_memory)]
    memory_limit: Option<String>,
    /// Directories for spill files, comma-separated (as `spark.local.dir`);
    /// the system's temp directory by default.
    #[arg(long, env = "SPARK_LOCAL_DIRS")]
    local_dir: Option<String>,
}

impl ExecutionArgs {
    /// The `--conf` values with these settings appended (so they win).
    fn into_conf(self, mut conf: Vec<(String, String)>) -> Vec<(String, String)> {
        if let Some(limit) = self.memory_limit {
            conf.push((ember_server::MEMORY_LIMIT_KEY.to_string(), limit));
        }
        if let Some(dirs) = self.local_dir {
            conf.push((ember_server::LOCAL_DIR_KEY.to_string(), dirs));
        }
        conf
    }
}

fn parse_memory(text: &str) -> Result<String, String> {
    ember_server::parse_size(text)
        .map(|_| text.to_string())
        .ok_or_else(|| format!("expected a size such as 2g or 512m, got {text:?}"))
}

fn parse_conf(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| format!("expected key=value, got {text:?}"))
}

/// Stack size of the server's threads.
const STACK_SIZE: usize = 64 << 20;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    // Deep plans (hundreds of chained DataFrame calls) recurse deeply while they
    // are decoded, resolved and optimized; the default 2 MiB stacks overflow,
    // which aborts the whole server. The space is reserved, not committed.
    let runtime = match tokio::runtime::Builder::new_multi_thread().thread_stack_size(STACK_SIZE).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ember: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Server { host, port, conf, execution } => {
            runtime.block_on(server(&host, port, execution.into_conf(conf)))
        }
        Command::Submit { conf, execution, python, script, args } => {
            runtime.block_on(submit(execution.into_conf(conf), &python, &script, &args))
        }
    }
}

async fn server(host: &str, port: u16, conf: Vec<(String, String)>) -> ExitCode {
    if let Err(e) = ember_server::RuntimeSettings::from_conf(&conf) {
        eprintln!("ember: {e}");
        return ExitCode::FAILURE;
    }
    let addr: SocketAddr = match format!("{host}:{port}").parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("ember: invalid address {host}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (listener, local) = match ember_server::bind(addr).await {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("ember: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Listen for SIGTERM before announcing readiness, so an early signal
    // still shuts the server down cleanly.
    let shutdown = match shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(e) => {
            eprintln!("ember: cannot listen for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Ember {} serving sc://{local}", env!("CARGO_PKG_VERSION"));
    match ember_server::serve(listener, conf, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ember: server failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C; the handlers are installed when this is called.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
    })
}

async fn submit(conf: Vec<(String, String)>, python: &str, script: &str, args: &[String]) -> ExitCode {
    if let Err(e) = ember_server::RuntimeSettings::from_conf(&conf) {
        eprintln!("ember: {e}");
        return ExitCode::FAILURE;
    }
    let (listener, local) = match ember_server::bind("127.0.0.1:0".parse().expect("valid address")).await {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("ember: cannot start the embedded server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ember_server::serve(listener, conf, async {
        let _ = stopped.await;
    }));
    let status = tokio::process::Command::new(python)
        .arg(script)
        .args(args)
        .env("SPARK_REMOTE", format!("sc://{local}"))
        .status()
        .await;
    let _ = stop.send(());
    let _ = server.await;
    match status {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("ember: cannot run {python} {script}: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The real `helpcenter` binary as a child process: started on a free 127.0.0.1 port and waited
//! for until `/healthz` answers, its log captured, signalled, and killed when dropped.

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::http::get;

/// Longest the server may take to start (a debug build on a loaded 2-core machine).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The `helpcenter` binary, with none of its settings inherited from the environment running the
/// tests (`HELPCENTER_LOG` excepted), so only the arguments a test passes apply.
pub(crate) fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpcenter"));
    for variable in [
        "HELPCENTER_ADDR",
        "HELPCENTER_CONTENT",
        "HELPCENTER_WATCH",
        "HELPCENTER_WORKERS",
        "HELPCENTER_INDEX_DIR",
        "HELPCENTER_HSTS",
        "HELPCENTER_DATABASE",
        "HELPCENTER_RETENTION_DAYS",
        "HELPCENTER_ADMIN_TOKEN",
    ] {
        command.env_remove(variable);
    }
    command
}

/// The binary serving a content folder; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
    /// The folder of its SQLite database, when the test gave no `--database`.
    _data: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts `helpcenter serve [extra] --addr <free port> --content <content>` and waits until
    /// `/healthz` answers. Retries on another port if the one picked was taken in between. Unless
    /// `extra` names a `--database`, the server records to a SQLite file of its own in a temporary
    /// folder (never to `data/` in the repository).
    pub(crate) fn start(content: &Path, extra: &[&str]) -> Server {
        Server::launch(content, extra, "info,helpcenter::request=warn", &[])
    }

    /// [`Server::start`] with the log filter `HELPCENTER_LOG` set to `filter` (`"info"` keeps the
    /// one line per request).
    pub(crate) fn start_with_log(content: &Path, extra: &[&str], filter: &str) -> Server {
        Server::launch(content, extra, filter, &[])
    }

    /// [`Server::start`] with environment variables set for the server (settings that are not
    /// flags, such as `HELPCENTER_ADMIN_TOKEN`).
    pub(crate) fn start_with_env(content: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Server::launch(content, extra, "info,helpcenter::request=warn", env)
    }

    /// Starts the server with the log filter `filter` and the environment variables `env`.
    fn launch(content: &Path, extra: &[&str], filter: &str, env: &[(&str, &str)]) -> Server {
        let mut last_log = String::new();
        for _ in 0..3 {
            let addr = free_addr();
            let mut command = command();
            command.arg("serve").args(extra);
            let data = (!extra.contains(&"--database")).then(|| {
                let folder = tempfile::tempdir().expect("temp dir");
                command
                    .arg("--database")
                    .arg(folder.path().join("helpcenter.db"));
                folder
            });
            command
                .arg("--addr")
                .arg(addr.to_string())
                .arg("--content")
                .arg(content)
                .env("HELPCENTER_LOG", filter)
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let mut child = command.spawn().expect("the helpcenter binary starts");
            let log = Arc::new(Mutex::new(String::new()));
            let mut stderr = child.stderr.take().expect("stderr is piped");
            let sink = Arc::clone(&log);
            thread::spawn(move || {
                let mut buffer = [0u8; 8192];
                while let Ok(n @ 1..) = stderr.read(&mut buffer) {
                    let text = String::from_utf8_lossy(&buffer[..n]);
                    sink.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push_str(&text);
                }
            });
            let mut server = Server {
                child,
                addr,
                log,
                _data: data,
            };
            if server.wait_until_ready() {
                return server;
            }
            last_log = server.log();
            if !last_log.contains("in use") {
                break;
            }
        }
        panic!("the server did not become ready; its log:\n{last_log}");
    }

    /// Polls `/healthz`; false if the process exited or the start timeout passed.
    fn wait_until_ready(&mut self) -> bool {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if get(self.addr, "/healthz").is_ok_and(|r| r.status == 200) {
                return true;
            }
            thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until the log contains `needle` `count` times.
    pub(crate) fn wait_for_log(&self, needle: &str, count: usize, timeout: Duration) -> bool {
        poll_until(timeout, || self.log().matches(needle).count() >= count)
    }

    /// Sends `signal` (`TERM`, `INT`) to the process.
    pub(crate) fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the process to exit, at most `timeout`.
    pub(crate) fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The content version `/healthz` reports.
    pub(crate) fn content_version(&self) -> u64 {
        let response = get(self.addr, "/healthz").expect("healthz answers");
        let json: serde_json::Value = serde_json::from_slice(&response.body).expect("healthz JSON");
        json["content_version"]
            .as_u64()
            .expect("content_version is a number")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("an ephemeral port")
}

/// Calls `done` every 20 ms until it is true (then true) or `timeout` passes (then false).
pub(crate) fn poll_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    done()
}

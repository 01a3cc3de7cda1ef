//! The caller side: a pool of worker processes with per-document timeouts and replacement of
//! crashed or hung workers.

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::{Request, Response, read_frame, write_frame};
use crate::DocumentError;
use crate::pdf::PdfContent;

/// How to start workers and how long to wait for them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderPoolConfig {
    /// The program that serves the worker protocol (`sapllm worker`, `sapllm-read-worker`).
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Extra environment for the workers.
    pub env: Vec<(String, String)>,
    /// Number of worker processes (default: number of cores).
    pub workers: usize,
    /// Longest time one document may take.
    pub timeout: Duration,
}

impl ReaderPoolConfig {
    pub fn new(program: PathBuf, args: Vec<String>) -> Self {
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Self {
            program,
            args,
            env: Vec::new(),
            workers,
            timeout: Duration::from_secs(60),
        }
    }
}

/// One live worker process.
struct Worker {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    /// Frames read from the worker's stdout by its reader thread; `Err` at end of stream.
    frames: Receiver<Result<Vec<u8>, String>>,
}

impl Worker {
    fn spawn(config: &ReaderPoolConfig) -> Result<Self, DocumentError> {
        let mut cmd = Command::new(&config.program);
        cmd.args(&config.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in &config.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().map_err(|e| {
            DocumentError::Worker(format!(
                "cannot start reader process {}: {e}",
                config.program.display()
            ))
        })?;
        let (Some(stdin), Some(mut stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(DocumentError::Worker("reader process has no pipes".into()));
        };
        let (tx, frames) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                match read_frame(&mut stdout) {
                    Ok(Some(frame)) => {
                        if tx.send(Ok(frame)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => {
                        let _ = tx.send(Err("the reader process closed its output".into()));
                        return;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        return;
                    }
                }
            }
        });
        Ok(Self {
            child,
            stdin: BufWriter::new(stdin),
            frames,
        })
    }

    /// Kills the process and says how it ended, for the error message.
    fn end(mut self, kill: bool) -> String {
        if kill {
            let _ = self.child.kill();
        }
        match self.child.wait() {
            Ok(status) => describe_exit(status),
            Err(e) => format!("exit status unknown: {e}"),
        }
    }
}

#[cfg(unix)]
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(6)) => "aborted (SIGABRT)".into(),
        (_, Some(11)) => "segmentation fault (SIGSEGV)".into(),
        (_, Some(5)) => "trap (SIGTRAP)".into(),
        (_, Some(9)) => "killed (SIGKILL)".into(),
        (_, Some(sig)) => format!("killed by signal {sig}"),
        (Some(code), None) => format!("exited with status {code}"),
        (None, None) => "ended".into(),
    }
}

#[cfg(not(unix))]
fn describe_exit(status: std::process::ExitStatus) -> String {
    format!("{status}")
}

/// A pool of reader processes. Cheap to share (`&ReaderPool` is `Sync`).
pub struct ReaderPool {
    config: ReaderPoolConfig,
    state: Mutex<PoolState>,
    returned: Condvar,
}

struct PoolState {
    idle: Vec<Worker>,
    /// Workers alive (idle or busy).
    alive: usize,
}

impl std::fmt::Debug for ReaderPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderPool")
            .field("config", &self.config)
            .finish()
    }
}

enum Answer {
    Response(Response, Option<Vec<u8>>),
    /// The worker died or hung; the document is to blame.
    Lost(DocumentError),
}

impl ReaderPool {
    /// A pool that starts workers on demand, up to `config.workers`.
    pub fn new(config: ReaderPoolConfig) -> Self {
        Self {
            config,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                alive: 0,
            }),
            returned: Condvar::new(),
        }
    }

    pub fn config(&self) -> &ReaderPoolConfig {
        &self.config
    }

    /// Reads a PDF in a worker.
    pub fn read_pdf(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError> {
        match self.call(&Request::ReadPdf, bytes)? {
            (Response::Read { content }, _) => Ok(content),
            (Response::Failed { code, message }, _) => {
                Err(DocumentError::from_wire(&code, message))
            }
            (other, _) => Err(DocumentError::Worker(format!(
                "unexpected answer {other:?}"
            ))),
        }
    }

    /// Renders a page in a worker.
    pub fn render_page(
        &self,
        bytes: &[u8],
        page: u32,
        dpi: f32,
    ) -> Result<image::RgbImage, DocumentError> {
        match self.call(&Request::RenderPage { page, dpi }, bytes)? {
            (Response::Rendered { width, height }, Some(raw)) => {
                image::RgbImage::from_raw(width, height, raw).ok_or_else(|| {
                    DocumentError::Worker("rendered image has the wrong size".into())
                })
            }
            (Response::Failed { code, message }, _) => {
                Err(DocumentError::from_wire(&code, message))
            }
            (other, _) => Err(DocumentError::Worker(format!(
                "unexpected answer {other:?}"
            ))),
        }
    }

    fn checkout(&self) -> Result<Worker, DocumentError> {
        let mut st = self
            .state
            .lock()
            .map_err(|_| DocumentError::Worker("pool lock poisoned".into()))?;
        loop {
            if let Some(w) = st.idle.pop() {
                return Ok(w);
            }
            if st.alive < self.config.workers.max(1) {
                st.alive += 1;
                drop(st);
                return Worker::spawn(&self.config).inspect_err(|_| {
                    if let Ok(mut st) = self.state.lock() {
                        st.alive -= 1;
                    }
                });
            }
            st = self
                .returned
                .wait(st)
                .map_err(|_| DocumentError::Worker("pool lock poisoned".into()))?;
        }
    }

    fn give_back(&self, worker: Option<Worker>) {
        if let Ok(mut st) = self.state.lock() {
            match worker {
                Some(w) => st.idle.push(w),
                None => st.alive -= 1,
            }
        }
        self.returned.notify_one();
    }

    fn call(
        &self,
        request: &Request,
        bytes: &[u8],
    ) -> Result<(Response, Option<Vec<u8>>), DocumentError> {
        let header =
            serde_json::to_vec(request).map_err(|e| DocumentError::Worker(e.to_string()))?;
        // A worker that died while idle fails at the write: that is not this document's fault,
        // so one fresh worker is tried before giving up.
        for attempt in 0..2 {
            let mut worker = self.checkout()?;
            let sent = write_frame(&mut worker.stdin, &header)
                .and_then(|_| write_frame(&mut worker.stdin, bytes));
            if let Err(e) = sent {
                let how = worker.end(true);
                self.give_back(None);
                if attempt == 0 {
                    tracing::warn!(
                        "reader process was gone before the request ({how}): {e}; starting a fresh one"
                    );
                    continue;
                }
                return Err(DocumentError::Worker(format!(
                    "cannot send to the reader process ({how}): {e}"
                )));
            }
            return match self.await_answer(&mut worker, request) {
                Answer::Response(r, raw) => {
                    self.give_back(Some(worker));
                    Ok((r, raw))
                }
                Answer::Lost(err) => {
                    let how = worker.end(true);
                    self.give_back(None);
                    Err(match err {
                        DocumentError::WorkerCrashed(_) => DocumentError::WorkerCrashed(how),
                        other => other,
                    })
                }
            };
        }
        Err(DocumentError::Worker(
            "no reader process could be started".into(),
        ))
    }

    fn await_answer(&self, worker: &mut Worker, request: &Request) -> Answer {
        let timeout = self.config.timeout;
        let frame = match worker.frames.recv_timeout(timeout) {
            Ok(Ok(f)) => f,
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                return Answer::Lost(DocumentError::WorkerCrashed(String::new()));
            }
            Err(RecvTimeoutError::Timeout) => {
                return Answer::Lost(DocumentError::WorkerTimeout(timeout.as_secs()));
            }
        };
        let response: Response = match serde_json::from_slice(&frame) {
            Ok(r) => r,
            Err(e) => {
                return Answer::Lost(DocumentError::Worker(format!("unreadable answer: {e}")));
            }
        };
        let raw = if matches!(
            (request, &response),
            (Request::RenderPage { .. }, Response::Rendered { .. })
        ) {
            match worker.frames.recv_timeout(timeout) {
                Ok(Ok(f)) => Some(f),
                _ => return Answer::Lost(DocumentError::WorkerCrashed(String::new())),
            }
        } else {
            None
        };
        Answer::Response(response, raw)
    }
}

impl Drop for ReaderPool {
    fn drop(&mut self) {
        if let Ok(mut st) = self.state.lock() {
            for w in st.idle.drain(..) {
                // Closing stdin ends the serve loop; kill covers a stuck one.
                let _ = w.end(true);
            }
        }
    }
}

//! The optional hot folder (settings): polled every two seconds; a file that appeared and
//! whose size stayed the same for one poll (so it is completely written) is processed.
//! Polling instead of OS notifications keeps the app free of a watcher dependency and works
//! the same on network shares, where notifications are unreliable.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::intake::AllowedPaths;
use crate::{AppState, IntakeProgress, emit_changed};

/// How often the folder is looked at.
pub const POLL: Duration = Duration::from_secs(2);

/// What the watcher knows between polls.
#[derive(Debug, Default)]
pub struct Watch {
    /// Files already handed to processing.
    done: HashSet<PathBuf>,
    /// Files seen once, with their size, waiting to be seen again unchanged.
    pending: HashMap<PathBuf, u64>,
}

impl Watch {
    /// The files of `folder` that are ready to process now (seen twice with the same size).
    pub fn poll(&mut self, folder: &std::path::Path) -> Vec<PathBuf> {
        let files = sapllm_api::collect_inputs(&[folder.to_path_buf()]);
        let mut ready = Vec::new();
        let mut pending = HashMap::new();
        for f in files {
            if self.done.contains(&f) {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&f) else {
                continue;
            };
            let size = meta.len();
            if self.pending.get(&f) == Some(&size) {
                self.done.insert(f.clone());
                ready.push(f);
            } else {
                pending.insert(f, size);
            }
        }
        self.pending = pending;
        ready
    }
}

/// Starts the watcher task. The folder and the API are taken from the app's state at every
/// poll, so changing the settings takes effect without a restart.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut watch = Watch::default();
        let mut folder: Option<PathBuf> = None;
        loop {
            tokio::time::sleep(POLL).await;
            let Some(api) = app.try_state::<AppState>().map(|s| s.api()) else {
                continue;
            };
            let now = api
                .app_settings()
                .ok()
                .and_then(|s| s.hot_folder)
                .map(PathBuf::from);
            if now != folder {
                watch = Watch::default();
                folder = now;
                if let (Some(f), Some(allowed)) = (&folder, app.try_state::<AllowedPaths>()) {
                    allowed.allow(f.clone());
                }
            }
            let Some(dir) = folder.as_ref().filter(|d| d.is_dir()) else {
                continue;
            };
            let ready = watch.poll(dir);
            if ready.is_empty() {
                continue;
            }
            tracing::info!("hot folder: {} new file(s)", ready.len());
            let emit = |progress| {
                if let Err(e) = (IntakeProgress { progress }).emit(&app) {
                    tracing::warn!("cannot emit intake progress: {e}");
                }
            };
            match api.process_files(&ready, &emit).await {
                Ok(summary) => emit_changed(&app, summary.ids),
                Err(e) => tracing::error!("hot folder files not processed: {e}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_ready_once_its_size_stayed_the_same_for_one_poll() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Watch::default();
        let f = dir.path().join("a.pdf");
        std::fs::write(&f, b"%PDF-1.4 partial").unwrap();
        assert!(w.poll(dir.path()).is_empty(), "first sight: wait");
        std::fs::write(&f, b"%PDF-1.4 partial, still being written").unwrap();
        assert!(w.poll(dir.path()).is_empty(), "size changed: wait again");
        assert_eq!(w.poll(dir.path()), vec![f.clone()]);
        assert!(w.poll(dir.path()).is_empty(), "handed over once only");
    }
}

//! Files that reach the app: what the user chose or dropped, and the hot folder. The web view
//! can ask to process only paths that came in one of these ways.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sapllm_api::BatchSummaryDto;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, DragDropEvent, Manager, Runtime, Window, WindowEvent};
use tauri_specta::Event;

use crate::{ApiErrorDto, AppState, IntakeProgress, emit_changed};

/// Paths the user gave the app (dialog, drag and drop, hot folder): files, and folders whose
/// contents are allowed.
#[derive(Debug, Default)]
pub struct AllowedPaths(Mutex<BTreeSet<PathBuf>>);

impl AllowedPaths {
    pub fn allow(&self, path: PathBuf) {
        let path = path.canonicalize().unwrap_or(path);
        if let Ok(mut set) = self.0.lock() {
            set.insert(path);
        }
    }

    pub fn is_allowed(&self, path: &Path) -> bool {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.0
            .lock()
            .map(|set| set.iter().any(|a| path == *a || path.starts_with(a)))
            .unwrap_or(false)
    }

    /// `Err` with code `not_allowed` naming the first path the user did not give.
    pub fn check(&self, paths: &[PathBuf]) -> Result<(), ApiErrorDto> {
        match paths.iter().find(|p| !self.is_allowed(p)) {
            Some(p) => Err(ApiErrorDto {
                code: "not_allowed".into(),
                message: format!(
                    "{} was not chosen in the open dialog, dropped on the window or found in the hot folder",
                    p.display()
                ),
            }),
            None => Ok(()),
        }
    }
}

/// Files and folders dropped on the window are processed at once (see [`take_in_dropped`]).
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
        take_in_dropped(window.app_handle(), paths.clone());
    }
}

/// What the window does with dropped paths: they become allowed (the user gave them), and
/// the files among them and below dropped folders (recursively) are processed in the
/// background; progress goes out as `intake-progress` events (a file of a type the engine
/// cannot read is reported there as failed, with the reason), `queue-changed` at the end.
/// The handle answers the batch's summary (tests wait for it; the window does not).
pub fn take_in_dropped<R: Runtime>(
    app: &AppHandle<R>,
    paths: Vec<PathBuf>,
) -> Option<JoinHandle<Result<BatchSummaryDto, ApiErrorDto>>> {
    if let Some(allowed) = app.try_state::<AllowedPaths>() {
        for p in &paths {
            allowed.allow(p.clone());
        }
    }
    let api = app.try_state::<AppState>()?.api();
    let app = app.clone();
    Some(tauri::async_runtime::spawn(async move {
        let emit = |progress| {
            if let Err(e) = (IntakeProgress { progress }).emit(&app) {
                tracing::warn!("cannot emit intake progress: {e}");
            }
        };
        match api.process_files(&paths, &emit).await {
            Ok(summary) => {
                emit_changed(&app, summary.ids.clone());
                Ok(summary)
            }
            Err(e) => {
                tracing::error!("dropped files not processed: {e}");
                Err(e.into())
            }
        }
    }))
}

//! Files that reach the app: what the user chose or dropped, and the hot folder. The web view
//! can ask to process only paths that came in one of these ways.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tauri::{DragDropEvent, Manager, Window, WindowEvent};
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

/// Files and folders dropped on the window are processed at once; progress goes out as
/// `intake-progress` events, `queue-changed` at the end.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
        let app = window.app_handle().clone();
        if let Some(allowed) = app.try_state::<AllowedPaths>() {
            for p in paths {
                allowed.allow(p.clone());
            }
        }
        let Some(state) = app.try_state::<AppState>() else {
            return;
        };
        let api = state.api.clone();
        let paths = paths.clone();
        tauri::async_runtime::spawn(async move {
            let emit = |progress| {
                if let Err(e) = (IntakeProgress { progress }).emit(&app) {
                    tracing::warn!("cannot emit intake progress: {e}");
                }
            };
            match api.process_files(&paths, &emit).await {
                Ok(summary) => emit_changed(&app, summary.ids),
                Err(e) => tracing::error!("dropped files not processed: {e}"),
            }
        });
    }
}

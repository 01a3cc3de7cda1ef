//! The SAP_LLM Desktop app: a Tauri 2 shell over [`sapllm_api::Api`].
//!
//! Every command only translates between IPC and one API call; there is no business logic
//! here. Errors cross as [`ApiErrorDto`] `{code, message}`. Long work (processing a batch)
//! reports progress over a [`Channel`]; after anything that changes the queue the
//! [`QueueChanged`] event is emitted. Files reach the app only through the native open
//! dialog, drag and drop onto the window, or the hot folder; `process_paths` refuses any
//! other path, so the web view cannot make the app read arbitrary files.

pub mod hot_folder;
pub mod intake;

use std::path::PathBuf;
use std::sync::{OnceLock, RwLock};
use std::time::Instant;

use sapllm_api::prefetch::PrefetchReport;
use sapllm_api::{
    Api, ApiError, AppSettings, BatchSummaryDto, CorrectionRequest, ProcessProgress, QueueCounts,
    QueueQuery, QueueRow, ReviewDocument, Settings, ValueCheck, WordView,
};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_specta::{Event, collect_commands, collect_events};

use crate::intake::AllowedPaths;

/// When the process started (set first thing in `main`), for the cold-start measurement.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Records the process start; call first in `main`.
pub fn mark_start() {
    let _ = STARTED.set(Instant::now());
}

/// An error as the UI sees it: a stable code it can branch on and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ApiErrorDto {
    pub code: String,
    pub message: String,
}

impl From<ApiError> for ApiErrorDto {
    fn from(e: ApiError) -> Self {
        // The API says `not_configured` for any missing configuration; the UI needs to know
        // that it is SAP's (approving needs the SAP mapping).
        let code = if e.code == "not_configured" {
            "sap_not_configured".to_owned()
        } else {
            e.code
        };
        Self {
            code,
            message: e.message,
        }
    }
}

type Answer<T> = Result<T, ApiErrorDto>;

/// The queue changed (documents processed, corrected, approved, rejected, or taken in from
/// the hot folder): the UI reloads the queue and the counts.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct QueueChanged {
    pub ids: Vec<String>,
}

/// Progress of files dropped on the window or taken from the hot folder (batches started by
/// the UI report over their own channel instead).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct IntakeProgress {
    pub progress: ProcessProgress,
}

/// What every command needs: the API (store + engine), and the folder the app started from.
#[derive(Debug)]
pub struct AppState {
    /// Replaced by an API with a fresh engine when the settings are saved, so that the
    /// engine's settings (thresholds, OCR model and threads) apply to the next documents.
    api: RwLock<Api>,
    /// `SAPLLM_DATA_DIR`, else the OS default: where a data-folder choice is kept (it applies
    /// from the next start, see [`sapllm_api::review::start_data_dir`]).
    pub start_folder: PathBuf,
}

impl AppState {
    pub fn new(api: Api, start_folder: PathBuf) -> Self {
        Self {
            api: RwLock::new(api),
            start_folder,
        }
    }

    /// The API as configured now (cheap: shared handles).
    pub fn api(&self) -> Api {
        match self.api.read() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, api: Api) {
        match self.api.write() {
            Ok(mut a) => *a = api,
            Err(poisoned) => *poisoned.into_inner() = api,
        }
    }

    /// The settings with the data folder of the next start filled in.
    fn settings(&self, api: &Api) -> Result<AppSettings, ApiError> {
        let mut s = api.app_settings()?;
        let next = sapllm_api::review::start_data_dir(&self.start_folder);
        if next != api.data_dir() {
            s.data_dir_on_restart = Some(next.display().to_string());
        }
        Ok(s)
    }
}

fn emit_changed<R: Runtime>(app: &AppHandle<R>, ids: Vec<String>) {
    if let Err(e) = (QueueChanged { ids }).emit(app) {
        tracing::warn!("cannot emit queue-changed: {e}");
    }
}

/// The UI tells that the queue is on screen; returns milliseconds since the process started
/// (the cold-start measurement, also written to the log).
#[tauri::command]
#[specta::specta]
fn ui_ready() -> Answer<f64> {
    let ms = STARTED
        .get()
        .map(|s| s.elapsed().as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    tracing::info!("ui ready {ms:.0} ms after start");
    eprintln!("sapllm-desktop: ui ready {ms:.0} ms after process start");
    Ok(ms)
}

#[tauri::command]
#[specta::specta]
async fn queue(state: State<'_, AppState>, query: QueueQuery) -> Answer<Vec<QueueRow>> {
    let rows = state.api().review_queue(&query).await?;
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| {
        let ms = STARTED.get().map(|s| s.elapsed().as_millis()).unwrap_or(0);
        eprintln!("sapllm-desktop: first queue answered {ms} ms after process start");
    });
    Ok(rows)
}

#[tauri::command]
#[specta::specta]
async fn queue_counts(state: State<'_, AppState>) -> Answer<QueueCounts> {
    Ok(state.api().queue_counts().await?)
}

#[tauri::command]
#[specta::specta]
async fn document(state: State<'_, AppState>, id: String) -> Answer<ReviewDocument> {
    Ok(state.api().review_document(&id).await?)
}

/// The page as PNG bytes, sent raw (an ArrayBuffer in the web view, no JSON). Registered
/// outside tauri-specta: specta has no type for a raw response.
#[tauri::command]
async fn page_image(
    state: State<'_, AppState>,
    id: String,
    page: u32,
    width_px: u32,
) -> Answer<tauri::ipc::Response> {
    let png = state.api().page_image(&id, page, width_px).await?;
    Ok(tauri::ipc::Response::new(png))
}

#[tauri::command]
#[specta::specta]
async fn page_words(state: State<'_, AppState>, id: String, page: u32) -> Answer<Vec<WordView>> {
    Ok(state.api().page_words(&id, page).await?)
}

/// Warms the document the clerk will most likely open next (pages, page image `width_px`
/// wide, review view), so that moving on shows it at once. The UI calls it without waiting;
/// a newer call makes an older one stop early.
#[tauri::command]
#[specta::specta]
async fn prefetch_document(
    state: State<'_, AppState>,
    id: String,
    width_px: u32,
) -> Answer<PrefetchReport> {
    Ok(state.api().prefetch_document(&id, width_px).await?)
}

#[tauri::command]
#[specta::specta]
async fn correct<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    request: CorrectionRequest,
) -> Answer<ReviewDocument> {
    let user = state.api().user_name();
    let doc = state.api().correct(&id, &request, &user).await?;
    emit_changed(&app, vec![doc.id.clone()]);
    Ok(doc)
}

#[tauri::command]
#[specta::specta]
fn check_value(state: State<'_, AppState>, field: String, value: String) -> Answer<ValueCheck> {
    Ok(state.api().check_value(&field, &value))
}

#[tauri::command]
#[specta::specta]
async fn approve<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    comment: Option<String>,
) -> Answer<ReviewDocument> {
    let user = state.api().user_name();
    let done = state
        .api()
        .approve(&id, &user, comment.as_deref())
        .await
        .map_err(|e| {
            if e.code == "not_configured" {
                ApiErrorDto {
                    code: "sap_not_configured".into(),
                    message: "Approving needs the SAP connection and mapping (sap.toml in the data folder): \
                              configure it with `sapllm sap configure` first."
                        .into(),
                }
            } else {
                e.into()
            }
        })?;
    emit_changed(&app, vec![done.hash.as_str().to_owned()]);
    Ok(state.api().review_document(done.hash.as_str()).await?)
}

#[tauri::command]
#[specta::specta]
async fn reject<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    comment: String,
) -> Answer<ReviewDocument> {
    let user = state.api().user_name();
    state.api().reject(&id, &user, &comment).await?;
    let doc = state.api().review_document(&id).await?;
    emit_changed(&app, vec![doc.id.clone()]);
    Ok(doc)
}

#[tauri::command]
#[specta::specta]
async fn process_paths<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    allowed: State<'_, AllowedPaths>,
    paths: Vec<String>,
    on_progress: Channel<ProcessProgress>,
) -> Answer<BatchSummaryDto> {
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    allowed.check(&paths)?;
    let summary = state
        .api()
        .process_files(&paths, &|p| {
            if let Err(e) = on_progress.send(p) {
                tracing::warn!("progress not delivered: {e}");
            }
        })
        .await?;
    emit_changed(&app, summary.ids.clone());
    Ok(summary)
}

#[tauri::command]
#[specta::specta]
fn get_settings(state: State<'_, AppState>) -> Answer<AppSettings> {
    Ok(state.settings(&state.api())?)
}

#[tauri::command]
#[specta::specta]
fn save_settings(
    state: State<'_, AppState>,
    allowed: State<'_, AllowedPaths>,
    settings: AppSettings,
) -> Answer<AppSettings> {
    let api = state.api();
    api.save_app_settings(&settings)?;
    if let Some(folder) = &settings.data_dir_on_restart {
        sapllm_api::review::choose_data_folder(&state.start_folder, folder)?;
    }
    // Thresholds, OCR model and threads apply to the next documents: a fresh engine.
    let api = api.reconfigured();
    state.replace(api.clone());
    let saved = state.settings(&api)?;
    if let Some(h) = &saved.hot_folder {
        allowed.allow(PathBuf::from(h));
    }
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
async fn pick_files<R: Runtime>(
    app: AppHandle<R>,
    allowed: State<'_, AllowedPaths>,
) -> Answer<Vec<String>> {
    use tauri_plugin_dialog::DialogExt;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .add_filter(
                "Invoices",
                &["pdf", "xml", "png", "jpg", "jpeg", "tif", "tiff"],
            )
            .blocking_pick_files()
    })
    .await
    .map_err(|e| ApiErrorDto {
        code: "engine".into(),
        message: format!("the open dialog failed: {e}"),
    })?;
    let paths: Vec<PathBuf> = picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    for p in &paths {
        allowed.allow(p.clone());
    }
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}

#[tauri::command]
#[specta::specta]
async fn pick_folder<R: Runtime>(
    app: AppHandle<R>,
    allowed: State<'_, AllowedPaths>,
) -> Answer<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let picked =
        tauri::async_runtime::spawn_blocking(move || app.dialog().file().blocking_pick_folder())
            .await
            .map_err(|e| ApiErrorDto {
                code: "engine".into(),
                message: format!("the folder dialog failed: {e}"),
            })?;
    let path = picked.and_then(|p| p.into_path().ok());
    if let Some(p) = &path {
        allowed.allow(p.clone());
    }
    Ok(path.map(|p| p.display().to_string()))
}

/// The typed command and event set for a runtime (the real one, or the tests' mock).
macro_rules! typed_commands {
    ($r:ty) => {
        tauri_specta::Builder::<$r>::new()
            .commands(collect_commands![
                ui_ready,
                queue,
                queue_counts,
                document,
                page_words,
                prefetch_document,
                correct::<$r>,
                check_value,
                approve::<$r>,
                reject::<$r>,
                process_paths::<$r>,
                get_settings,
                save_settings,
                pick_files::<$r>,
                pick_folder::<$r>,
            ])
            .events(collect_events![QueueChanged, IntakeProgress])
    };
}

/// The typed command and event set of the app, from which `ui/src/bindings.ts` is generated.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    typed_commands!(tauri::Wry)
}

#[cfg(test)]
pub(crate) fn mock_specta_builder() -> tauri_specta::Builder<tauri::test::MockRuntime> {
    typed_commands!(tauri::test::MockRuntime)
}

/// Header of the generated bindings: `page_image` is declared by hand (raw bytes).
const BINDINGS_HEADER: &str = "// Generated by tauri-specta from src-tauri (do not edit): \
regenerate with `cargo run -p sapllm-desktop --bin export-bindings`.\n\
// `page_image` is not in `commands`: it returns raw PNG bytes (an ArrayBuffer), which specta\n\
// cannot describe; call it as invoke('page_image', { id, page, widthPx }).\n\
// @ts-nocheck\n";

/// The TypeScript bindings as they should be committed in `ui/src/bindings.ts`.
pub fn bindings() -> Result<String, String> {
    specta_builder()
        .export_str(
            specta_typescript::Typescript::default()
                .header(BINDINGS_HEADER)
                .bigint(specta_typescript::BigIntExportBehavior::Number),
        )
        .map_err(|e| e.to_string())
}

/// Where the committed bindings live.
pub fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

/// Builds the invoke handler: the typed commands plus `page_image`.
fn invoke_handler<R: Runtime>(
    specta: &tauri_specta::Builder<R>,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    let typed = specta.invoke_handler();
    let raw: Box<dyn Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync> =
        Box::new(tauri::generate_handler![page_image]);
    move |invoke| {
        if invoke.message.command() == "page_image" {
            raw(invoke)
        } else {
            typed(invoke)
        }
    }
}

/// The app's commands, events and state on a builder (the real app and the command tests).
pub fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    specta: tauri_specta::Builder<R>,
    api: Api,
    start_folder: PathBuf,
) -> tauri::Builder<R> {
    let handler = invoke_handler(&specta);
    let allowed = AllowedPaths::default();
    if let Ok(s) = api.app_settings() {
        if let Some(h) = s.hot_folder {
            allowed.allow(PathBuf::from(h));
        }
    }
    builder
        .manage(AppState::new(api, start_folder))
        .manage(allowed)
        .invoke_handler(handler)
        .setup(move |app| {
            specta.mount_events(app.handle());
            Ok(())
        })
}

/// Opens the API: the start folder is `SAPLLM_DATA_DIR` (or the OS default); the data
/// folder is the one chosen in its `app.toml` (settings screen, from the next start), else the
/// start folder itself. The engine reads the data folder's stored settings (OCR model and
/// threads from `app.toml`, thresholds from `pipeline.toml`); `SAPLLM_OCR_MODEL` and
/// `SAPLLM_OCR_THREADS` override them. Returns the API and the start folder.
pub fn open_api() -> Result<(Api, PathBuf), ApiError> {
    let start_folder = Settings::from_env()?.data_dir;
    let dir = sapllm_api::review::start_data_dir(&start_folder);
    if dir != start_folder {
        tracing::info!(
            "data folder {} (chosen in {})",
            dir.display(),
            start_folder.display()
        );
    }
    let api = tauri::async_runtime::block_on(Api::open(&Settings::new(dir)))?;
    Ok((api, start_folder))
}

/// Runs the app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let (api, start_folder) = match open_api() {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("sapllm-desktop: cannot open the data folder: {e}");
            std::process::exit(2);
        }
    };
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(intake::on_window_event);
    app_builder(builder, specta_builder(), api, start_folder)
        .build(tauri::generate_context!())
        .expect("error while building the SAP_LLM Desktop app")
        .run(move |app, event| {
            if let tauri::RunEvent::Ready = event {
                hot_folder::start(app.clone());
            }
        });
}

#[cfg(test)]
mod tests;

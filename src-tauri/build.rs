//! Declares the app's own commands so that the capability file has to grant each one: a
//! command missing from `capabilities/main.json` is refused at run time.

/// Every command `lib.rs` registers (kept in step by `commands_match_the_build_manifest`).
const COMMANDS: &[&str] = &[
    "ui_ready",
    "queue",
    "queue_counts",
    "document",
    "page_image",
    "page_words",
    "prefetch_document",
    "correct",
    "check_value",
    "approve",
    "reject",
    "process_paths",
    "get_settings",
    "save_settings",
    "pick_files",
    "pick_folder",
];

/// `tauri::generate_context!` needs `frontendDist` to exist. In a fresh clone (or a Rust-only
/// CI step) the UI is not built yet: a placeholder page stands in, telling how to build it.
/// `npm run build` in `ui/` replaces it.
fn ensure_frontend_dist() {
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        std::fs::create_dir_all(dist).expect("create ui/dist");
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=\"utf-8\"><title>SAP_LLM Desktop</title>\
             <p>The UI is not built: run <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>, then rebuild the app.</p>\n",
        )
        .expect("write the placeholder ui/dist/index.html");
    }
}

fn main() {
    ensure_frontend_dist();
    println!("cargo:rerun-if-changed=capabilities");
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}

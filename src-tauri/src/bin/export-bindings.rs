//! Writes `ui/src/bindings.ts` from the app's commands and events (tauri-specta).

fn main() -> std::process::ExitCode {
    match sapllm_desktop::bindings() {
        Ok(text) => {
            let path = sapllm_desktop::bindings_path();
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("cannot write {}: {e}", path.display());
                return std::process::ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot generate the bindings: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

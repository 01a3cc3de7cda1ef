// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    sapllm_desktop::mark_start();
    sapllm_desktop::run();
}

//! The commands through Tauri's IPC without a display (mock runtime, the app's real
//! configuration and capabilities), on a real store in a temporary folder and a real sample.

use std::path::{Path, PathBuf};

use sapllm_api::{Api, Settings};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::{WebviewWindow, WebviewWindowBuilder};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples")
}

struct TestApp {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    api: Api,
    _dir: tempfile::TempDir,
}

fn app_with(api: Api, dir: tempfile::TempDir) -> TestApp {
    let app = crate::app_builder(
        mock_builder(),
        crate::mock_specta_builder(),
        api.clone(),
        dir.path().to_path_buf(),
    )
    .build(tauri::generate_context!())
    .expect("mock app");
    // The mock runtime does not run the setup hook (it runs when an event loop starts).
    crate::mock_specta_builder().mount_events(app.handle());
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("main window");
    TestApp {
        _app: app,
        window,
        api,
        _dir: dir,
    }
}

fn new_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let api =
        tauri::async_runtime::block_on(Api::open(&Settings::new(dir.path().into()))).expect("api");
    app_with(api, dir)
}

impl TestApp {
    /// Invokes a command as the web view would; `Ok(json)` or `Err(json error)`.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        eprintln!("invoke {cmd}");
        let res = get_ipc_response(
            &self.window,
            tauri::webview::InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        );
        res.map(|b| b.deserialize::<Value>().unwrap_or(Value::Null))
    }

    fn raw(&self, cmd: &str, args: Value) -> Vec<u8> {
        eprintln!("invoke {cmd} (raw)");
        let res = get_ipc_response(
            &self.window,
            tauri::webview::InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .expect("raw response");
        match res {
            tauri::ipc::InvokeResponseBody::Raw(b) => b,
            tauri::ipc::InvokeResponseBody::Json(j) => panic!("expected bytes, got {j}"),
        }
    }

    /// The API as the commands see it now (saving settings replaces it).
    fn api_now(&self) -> Api {
        use tauri::Manager;
        self._app.state::<crate::AppState>().api()
    }

    /// Processes a sample through the API (the dialog and drag and drop need a person).
    fn take_in(&self, name: &str) -> String {
        let summary = tauri::async_runtime::block_on(
            self.api.process_files(&[samples().join(name)], &|_| {}),
        )
        .unwrap();
        assert_eq!(summary.processed, 1, "{summary:?}");
        summary.ids[0].clone()
    }
}

#[test]
fn bindings_ts_is_up_to_date() {
    let fresh = crate::bindings().expect("bindings");
    let path = crate::bindings_path();
    if std::env::var_os("SAPLLM_WRITE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is not what the Rust commands generate: regenerate it with \
         `cargo run -p sapllm-desktop --bin export-bindings` (or SAPLLM_WRITE_BINDINGS=1 \
         cargo test -p sapllm-desktop bindings) and commit it"
    );
    for name in [
        "queueCounts",
        "processPaths",
        "correct",
        "checkValue",
        "ApiErrorDto",
    ] {
        assert!(fresh.contains(name), "{name} missing in the bindings");
    }
}

#[test]
fn an_empty_store_has_an_empty_queue_and_settings_round_trip() {
    let t = new_app();
    let counts = t.call("queue_counts", json!({})).unwrap();
    assert_eq!(counts["all"], 0);
    let rows = t
        .call(
            "queue",
            json!({"query": {"status": null, "search": null, "sort": "received", "descending": true}}),
        )
        .unwrap();
    assert_eq!(rows, json!([]));

    let mut s = t.call("get_settings", json!({})).unwrap();
    assert_eq!(s["sap"]["configured"], false);
    s["review_threshold"] = json!(0.8);
    s["user_name"] = json!("anna");
    s["theme"] = json!("dark");
    let saved = t.call("save_settings", json!({"settings": s})).unwrap();
    assert_eq!(saved["user_name"], "anna");
    assert!((saved["review_threshold"].as_f64().unwrap() - 0.8).abs() < 1e-6);
    // The threshold went into the pipeline configuration the engine reads.
    let toml = std::fs::read_to_string(t.api.data_dir().join("pipeline.toml")).unwrap();
    assert!(toml.contains("field_review_below = 0.8"), "{toml}");

    let mut bad = saved.clone();
    bad["theme"] = json!("neon");
    let err = t
        .call("save_settings", json!({"settings": bad}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value", "{err}");
}

#[test]
fn paths_the_user_did_not_give_are_refused() {
    let t = new_app();
    let err = t
        .call(
            "process_paths",
            json!({"paths": ["/etc/passwd"], "onProgress": "__CHANNEL__:7"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_allowed", "{err}");
    assert_eq!(t.call("queue_counts", json!({})).unwrap()["all"], 0);
}

#[test]
fn review_correct_by_clicking_words_and_approval_needs_sap() {
    let t = new_app();
    let id = t.take_in("invoice-de-din.pdf");

    let rows = t
        .call(
            "queue",
            json!({"query": {"status": null, "search": null, "sort": "amount", "descending": true}}),
        )
        .unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["id"], id.as_str());

    let doc = t.call("document", json!({"id": id})).unwrap();
    assert_eq!(doc["pages"].as_array().unwrap().len(), 1);
    let fields = doc["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 20);
    let number = fields
        .iter()
        .find(|f| f["key"] == "invoice_number")
        .unwrap();
    assert!(number["value"].is_string(), "{number}");
    assert!(number["bbox"]["w"].as_f64().unwrap() > 0.0, "{number}");

    let png = t.raw("page_image", json!({"id": id, "page": 0, "widthPx": 400}));
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    // The clerk clicks the word of the buyer reference … any word: the number's first word.
    let words = t.call("page_words", json!({"id": id, "page": 0})).unwrap();
    let words = words.as_array().unwrap();
    assert!(words.len() > 20);
    let word = number["words"][0].as_u64().unwrap();
    let text = words[word as usize]["text"].as_str().unwrap().to_owned();
    let corrected = t
        .call(
            "correct",
            json!({"id": id, "request": {
                "target": {"kind": "header", "field": "po_number"},
                "value": null,
                "source": {"kind": "words", "page": 0, "words": [word]}
            }}),
        )
        .unwrap();
    let po = corrected["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "po_number")
        .unwrap();
    assert_eq!(po["value"], text.as_str());
    assert_eq!(po["source"], "user");
    assert_eq!(po["confidence"], 1.0);
    assert_eq!(corrected["corrections"][0]["target"], "po_number");
    assert_eq!(corrected["corrections"][0]["source"], "words");

    // A date that is not one is refused with the reason.
    let err = t
        .call(
            "correct",
            json!({"id": id, "request": {
                "target": {"kind": "header", "field": "issue_date"},
                "value": "someday",
                "source": {"kind": "typed"}
            }}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value");
    assert!(
        err["message"].as_str().unwrap().contains("not a date"),
        "{err}"
    );

    let check = t
        .call(
            "check_value",
            json!({"field": "iban", "value": "DE00 1234"}),
        )
        .unwrap();
    assert_eq!(check["ok"], false);

    // Without SAP settings, approving says so with its own code.
    let err = t
        .call("approve", json!({"id": id, "comment": null}))
        .unwrap_err();
    assert_eq!(err["code"], "sap_not_configured", "{err}");

    let rejected = t
        .call("reject", json!({"id": id, "comment": "wrong supplier"}))
        .unwrap();
    assert_eq!(rejected["status"], "rejected");
}

/// A copy of a sample with bytes appended after its end: the same document to PDFium, a new
/// one to the store (another content hash).
fn variant(sample: &str, into: &Path, tag: &str) -> PathBuf {
    let mut bytes = std::fs::read(samples().join(sample)).unwrap();
    bytes.extend_from_slice(format!("\n% {tag}\n").as_bytes());
    let path = into.join(format!("{tag}-{sample}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn saved_settings_apply_to_the_next_documents_without_a_restart() {
    for var in ["SAPLLM_OCR_MODEL", "SAPLLM_OCR_THREADS"] {
        assert!(
            std::env::var_os(var).is_none(),
            "{var} overrides the stored settings: run this test without it"
        );
    }
    let t = new_app();
    let files = tempfile::tempdir().unwrap();
    let process = |path: PathBuf| {
        let summary =
            tauri::async_runtime::block_on(t.api_now().process_files(&[path], &|_| {})).unwrap();
        assert_eq!(summary.processed, 1, "{summary:?}");
        let view = tauri::async_runtime::block_on(t.api_now().show(&summary.ids[0])).unwrap();
        view.result.expect("a result")
    };

    // OCR off and a strict review threshold: the engine the next document meets has both.
    let mut s = t.call("get_settings", json!({})).unwrap();
    assert_eq!(s["ocr_model"], "fast");
    assert_eq!(s["ocr_threads"], 1);
    assert_eq!(s["overridden"], json!([]));
    s["ocr_model"] = json!("off");
    s["review_threshold"] = json!(0.91);
    t.call("save_settings", json!({"settings": s})).unwrap();
    let api = t.api_now();
    let engine = api.engine().unwrap();
    assert!(matches!(engine.ocr(), sapllm_api::OcrStatus::Off));
    let config = engine.pipeline().config();
    assert!((config.thresholds.field_review_below - 0.91).abs() < 1e-6);
    let scan = process(variant("scanned-invoice-de.pdf", files.path(), "off"));
    assert!(!scan.versions.contains_key("ocr"), "{:?}", scan.versions);
    assert!(
        scan.findings.iter().any(|f| f.code == "needs_ocr"),
        "{:?}",
        scan.findings
    );

    // The fast model on two threads: the next scan is read by OCR, without a restart.
    let mut s = t.call("get_settings", json!({})).unwrap();
    s["ocr_model"] = json!("fast");
    s["ocr_threads"] = json!(2);
    let saved = t.call("save_settings", json!({"settings": s})).unwrap();
    assert_eq!(saved["ocr_threads"], 2);
    assert!(matches!(
        t.api_now().engine().unwrap().ocr(),
        sapllm_api::OcrStatus::Ready(_)
    ));
    let scan = process(variant("scanned-invoice-de.pdf", files.path(), "fast"));
    let ocr = scan.versions.get("ocr").expect("the scan was read by OCR");
    assert!(ocr.contains("tiny") || ocr.contains("fast"), "{ocr}");
    assert!(!scan.findings.iter().any(|f| f.code == "needs_ocr"));

    // Out-of-range thread counts are refused.
    let mut bad = saved.clone();
    bad["ocr_threads"] = json!(0);
    let err = t
        .call("save_settings", json!({"settings": bad}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value", "{err}");
}

#[test]
fn a_new_data_folder_applies_from_the_next_start() {
    let t = new_app();
    let start = t.api.data_dir().to_path_buf();
    let other = tempfile::tempdir().unwrap();
    let target = other.path().join("ap-data");

    let mut s = t.call("get_settings", json!({})).unwrap();
    assert_eq!(s["data_dir_on_restart"], Value::Null);
    s["data_dir_on_restart"] = json!("relative/folder");
    let err = t
        .call("save_settings", json!({"settings": s.clone()}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_value", "{err}");

    s["data_dir_on_restart"] = json!(target.display().to_string());
    let saved = t.call("save_settings", json!({"settings": s})).unwrap();
    // Not now: this run keeps its folder and says which one the next start uses.
    assert_eq!(saved["data_dir"], start.display().to_string());
    assert_eq!(saved["data_dir_on_restart"], target.display().to_string());
    assert_eq!(t.api_now().data_dir(), start.as_path());

    // The next start: the start folder leads to the chosen one, which opens empty.
    let next = sapllm_api::review::start_data_dir(&start);
    assert_eq!(next, target);
    let api = tauri::async_runtime::block_on(Api::open(&Settings::new(next))).unwrap();
    let app = crate::app_builder(
        mock_builder(),
        crate::mock_specta_builder(),
        api,
        start.clone(),
    )
    .build(tauri::generate_context!())
    .expect("mock app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("main window");
    let restarted = TestApp {
        _app: app,
        window,
        api: t.api.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    let s = restarted.call("get_settings", json!({})).unwrap();
    assert_eq!(s["data_dir"], target.display().to_string());
    assert_eq!(s["data_dir_on_restart"], Value::Null);
    assert!(target.join("sapllm.db").exists());

    // Choosing the start folder again undoes the choice.
    let mut s = s;
    s["data_dir_on_restart"] = json!(start.display().to_string());
    let saved = restarted
        .call("save_settings", json!({"settings": s}))
        .unwrap();
    assert_eq!(saved["data_dir_on_restart"], start.display().to_string());
    assert_eq!(sapllm_api::review::start_data_dir(&start), start);
}

#[test]
fn dropped_files_and_folders_are_granted_and_processed_recursively() {
    let t = new_app();
    let drop = tempfile::tempdir().unwrap();
    let folder = drop.path().join("Scans");
    std::fs::create_dir_all(folder.join("2026/11")).unwrap();
    std::fs::copy(
        samples().join("invoice-de-din.pdf"),
        folder.join("invoice-de-din.pdf"),
    )
    .unwrap();
    std::fs::copy(
        samples().join("ubl-invoice-fr.xml"),
        folder.join("2026/11/ubl-invoice-fr.xml"),
    )
    .unwrap();
    // A Word file is not a document the engine reads: reported as failed, with the reason.
    std::fs::write(
        folder.join("2026/cover-letter.docx"),
        b"PK\x03\x04 not an invoice",
    )
    .unwrap();
    // A note next to the documents is not a document at all.
    std::fs::write(folder.join("notes.txt"), b"paid by transfer").unwrap();
    let single = drop.path().join("invoice-en-minimal.pdf");
    std::fs::copy(samples().join("invoice-en-minimal.pdf"), &single).unwrap();

    // Before the drop, the web view may not ask for any of these paths.
    let inside = folder.join("2026/11/ubl-invoice-fr.xml");
    let err = t
        .call(
            "process_paths",
            json!({"paths": [inside.display().to_string()], "onProgress": "__CHANNEL__:7"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_allowed", "{err}");

    let handle = crate::intake::take_in_dropped(t._app.handle(), vec![folder.clone(), single])
        .expect("the app state is there");
    let summary = tauri::async_runtime::block_on(handle)
        .expect("the batch ran")
        .expect("the batch finished");
    assert_eq!(summary.processed, 3, "{summary:?}");
    assert_eq!(summary.failed, 1, "{summary:?}");
    assert_eq!(summary.ids.len(), 3);
    let rows = t
        .call(
            "queue",
            json!({"query": {"status": null, "search": null, "sort": "received", "descending": true}}),
        )
        .unwrap();
    let mut names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file_name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "invoice-de-din.pdf",
            "invoice-en-minimal.pdf",
            "ubl-invoice-fr.xml"
        ]
    );

    // What was below the dropped folder is now the user's: asking again is allowed, and the
    // document is known already.
    let again = t
        .call(
            "process_paths",
            json!({"paths": [inside.display().to_string()], "onProgress": "__CHANNEL__:7"}),
        )
        .unwrap();
    assert_eq!(again["duplicates"], 1, "{again}");
    assert_eq!(again["processed"], 0, "{again}");
}

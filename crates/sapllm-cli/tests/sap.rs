//! SAP posting as a user runs it, against the SAP test server (`tests/sap-server`, Node 20+)
//! through the real OData client:
//!
//! - end to end: a sample invoice processed, approved, posted; its SAP document number in
//!   `sapllm show`;
//! - the chaos run: many postings with injected faults (timeouts before and after SAP commits,
//!   500/502/503, CSRF expiry, 429 with Retry-After, dropped connections) while `sapllm sap
//!   post` processes are killed (SIGKILL) again and again, also between sending and
//!   recording — and afterwards exactly one SAP document per invoice, none lost;
//! - after each: no credential in the data folder, the settings or the captured logs.
//!
//! Size of the chaos run: `SAPLLM_CHAOS_POSTINGS` (default 150; CI runs 1,000).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sapllm_api::posting::{OutboxSettings, PostingFilter, PostingState};
use sapllm_api::{Api, SapSettings, Settings};
use sapllm_core::{FieldKey, FileKind, Route};
use sapllm_sap::fixtures;
use sapllm_sap::mapping::{MappingConfig, SupplierRef};
use sapllm_sap::test_server::TestServer;
use serde_json::{Value, json};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn command(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sapllm"));
    c.args(args)
        .env("SAPLLM_DATA_DIR", data)
        // Logs at info level are captured and scanned for credentials afterwards.
        .env("SAPLLM_LOG", "info");
    c
}

/// Runs `sapllm`, with `stdin` piped in when given; keeps stdout and stderr in `logs`.
fn sapllm(data: &Path, args: &[&str], stdin: Option<&str>, logs: &mut String) -> Output {
    let mut c = command(data, args);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("the binary runs");
    if let Some(mut pipe) = child.stdin.take() {
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("stdin");
        }
    }
    let out = child.wait_with_output().expect("the binary runs");
    logs.push_str(&String::from_utf8_lossy(&out.stdout));
    logs.push_str(&String::from_utf8_lossy(&out.stderr));
    out
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The test server's suppliers and tax codes, plus the sample suppliers' VAT IDs.
fn mapping() -> MappingConfig {
    let mut m = fixtures::config();
    for (supplier, vat) in [("17300002", "DE128202662"), ("17300001", "DE189391423")] {
        m.suppliers.push(SupplierRef {
            supplier: supplier.into(),
            vat_id: Some(vat.into()),
            iban: None,
            gl_account: None,
        });
    }
    m
}

/// Every file below `dir` that contains `needle` (bytes, so the database and its WAL count).
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    hits.push(p);
                }
            }
        }
    }
    hits
}

/// The credential scan: the password appears nowhere in the data folder (database, WAL,
/// originals, `sap.toml`) nor in the captured output and logs.
fn assert_no_credential(data: &Path, logs: &str, password: &str) {
    assert!(password.len() >= 8, "a real secret to look for");
    let hits = files_containing(data, password);
    assert!(hits.is_empty(), "the password is in {hits:?}");
    assert!(
        !logs.contains(password),
        "the password is in the captured logs"
    );
    let settings = std::fs::read_to_string(data.join("sap.toml")).expect("sap.toml");
    assert!(
        !settings.to_lowercase().contains("password ="),
        "{settings}"
    );
}

#[test]
fn a_sample_invoice_is_processed_approved_posted_and_its_sap_number_shown() {
    let server = TestServer::start().expect("the SAP test server (Node 20+ and npm)");
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut logs = String::new();
    let sample = samples().join("invoice-de-two-vat-rates.pdf");

    let out = sapllm(
        &data,
        &["process", sample.to_str().unwrap(), "--json"],
        None,
        &mut logs,
    );
    let summary = json_of(ok(&out));
    let hash = summary["items"][0]["hash"].as_str().unwrap().to_owned();
    let id = &hash[..12];

    // The administrator configures the connection (no password on this machine's disk) and
    // the mapping (suppliers, tax codes, G/L account) in sap.toml.
    let url = server.base_url();
    ok(&sapllm(
        &data,
        &[
            "sap",
            "configure",
            "--url",
            &url,
            "--company-code",
            "1010",
            "--user",
            &server.user,
            "--timeout-secs",
            "10",
        ],
        None,
        &mut logs,
    ));
    let mut settings = SapSettings::load(&data).unwrap().expect("sap.toml");
    settings.mapping = mapping();
    settings.save(&data).unwrap();

    // The clerk approves; the password comes on stdin (no keyring on a CI machine).
    let out = ok(&sapllm(
        &data,
        &[
            "approve",
            id,
            "--user",
            "anna",
            "--comment",
            "checked against the delivery note",
        ],
        None,
        &mut logs,
    ))
    .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("approved") && text.contains("anna"), "{text}");
    let pw = Some(server.password.as_str());
    let out = sapllm(&data, &["sap", "test", "--password-stdin"], pw, &mut logs);
    let text = String::from_utf8_lossy(&ok(&out).stdout).into_owned();
    assert!(text.contains("CSRF token"), "{text}");

    let out = sapllm(
        &data,
        &["sap", "post", "--password-stdin", "--json"],
        pw,
        &mut logs,
    );
    let report = json_of(ok(&out));
    assert_eq!(report["run"]["created"], 1, "{report}");
    assert_eq!(report["idle"]["stop"], "empty");
    let invoices = rt.block_on(server.invoices()).unwrap();
    assert_eq!(invoices.len(), 1, "{invoices:?}");
    let number = invoices[0]["SupplierInvoice"].as_str().unwrap().to_owned();
    let year = invoices[0]["FiscalYear"].as_str().unwrap().to_owned();

    // `sapllm show`: the SAP document number and fiscal year, and the audit trail.
    let out = sapllm(&data, &["show", id], None, &mut logs);
    let text = String::from_utf8_lossy(&ok(&out).stdout).into_owned();
    assert!(
        text.contains(&format!("SAP:      document {number}, fiscal year {year}")),
        "{text}"
    );
    assert!(text.contains("checked against the delivery note"), "{text}");
    let view = json_of(ok(&sapllm(&data, &["show", id, "--json"], None, &mut logs)));
    assert_eq!(view["document"]["status"], "posted");
    assert_eq!(view["posting"]["sap_document"], number.as_str());
    assert_eq!(view["posting"]["sap_fiscal_year"], year.as_str());

    // Status lists it; posting again sends nothing.
    let status = json_of(ok(&sapllm(
        &data,
        &["sap", "status", "--json"],
        None,
        &mut logs,
    )));
    assert_eq!(status["counts"]["posted"], 1);
    let out = sapllm(&data, &["sap", "post", "--password-stdin"], pw, &mut logs);
    ok(&out);
    let out = sapllm(
        &data,
        &["sap", "post", id, "--password-stdin"],
        pw,
        &mut logs,
    );
    ok(&out);
    assert_eq!(rt.block_on(server.invoices()).unwrap().len(), 1);

    // A document that cannot be mapped is not approved: status unchanged, the issues listed.
    let delivery = samples().join("delivery-note-de.pdf");
    let out = sapllm(
        &data,
        &["process", delivery.to_str().unwrap(), "--json"],
        None,
        &mut logs,
    );
    let dn = json_of(&out)["items"][0]["hash"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = json_of(&sapllm(&data, &["show", &dn, "--json"], None, &mut logs));
    let out = sapllm(&data, &["approve", &dn, "--user", "anna"], None, &mut logs);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[not_approvable]") || err.contains("[mapping]"),
        "{err}"
    );
    let after = json_of(&sapllm(&data, &["show", &dn, "--json"], None, &mut logs));
    assert_eq!(before["document"]["status"], after["document"]["status"]);

    assert_no_credential(&data, &logs, &server.password);
}

/// The keyring path: `sap configure --password-stdin` puts the password in the OS keyring
/// (never in sap.toml); `sap test` and `sap post` take it from there. Needs a Secret Service
/// (`scripts/with-keyring.sh`); without one it is skipped, unless SAPLLM_REQUIRE_KEYRING=1.
#[test]
fn the_password_lives_in_the_os_keyring_and_posting_takes_it_from_there() {
    let keyring = sapllm_sap::CredentialStore::new();
    if let Err(e) = keyring.probe() {
        if std::env::var("SAPLLM_REQUIRE_KEYRING").as_deref() == Ok("1") {
            panic!("SAPLLM_REQUIRE_KEYRING=1 but no OS keyring is reachable: {e}");
        }
        let note = format!("SKIPPED keyring posting test: no OS keyring reachable ({e})\n");
        let _ = std::io::stderr().write_all(note.as_bytes());
        return;
    }
    let server = TestServer::start().expect("the SAP test server (Node 20+ and npm)");
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut logs = String::new();
    // A profile of its own: a developer's real "default" entry is never touched.
    let profile = format!("sapllm-cli-test-{}", std::process::id());
    let sample = samples().join("invoice-en-minimal.pdf");
    let out = sapllm(
        &data,
        &["process", sample.to_str().unwrap(), "--json"],
        None,
        &mut logs,
    );
    let hash = json_of(ok(&out))["items"][0]["hash"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = server.base_url();
    let pw = Some(server.password.as_str());
    ok(&sapllm(
        &data,
        &[
            "sap",
            "configure",
            "--url",
            &url,
            "--company-code",
            "1010",
            "--user",
            &server.user,
            "--profile",
            &profile,
            "--password-stdin",
        ],
        pw,
        &mut logs,
    ));
    let mut settings = SapSettings::load(&data).unwrap().expect("sap.toml");
    assert_eq!(settings.profile, profile);
    settings.mapping = mapping();
    settings.save(&data).unwrap();
    let stored = keyring.load(&profile);
    let _cleanup = DeleteOnDrop(profile.clone());
    assert_eq!(
        stored.unwrap().map(|s| s.expose() == server.password),
        Some(true)
    );

    ok(&sapllm(&data, &["sap", "test"], None, &mut logs));
    ok(&sapllm(
        &data,
        &["approve", &hash[..12], "--user", "anna"],
        None,
        &mut logs,
    ));
    let report = json_of(ok(&sapllm(
        &data,
        &["sap", "post", "--json"],
        None,
        &mut logs,
    )));
    assert_eq!(report["run"]["created"], 1, "{report}");
    assert_eq!(rt.block_on(server.invoices()).unwrap().len(), 1);
    assert_no_credential(&data, &logs, &server.password);
}

/// Removes a test profile's keyring entry, also when the test fails.
struct DeleteOnDrop(String);

impl Drop for DeleteOnDrop {
    fn drop(&mut self) {
        let _ = sapllm_sap::CredentialStore::new().delete(&self.0);
    }
}

/// A small deterministic generator (the test needs no RNG crate).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn chaos_postings() -> usize {
    std::env::var("SAPLLM_CHAOS_POSTINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}

/// A `sapllm sap post` worker process; its output is collected when it ends.
fn spawn_worker(data: &Path, password: &str) -> Child {
    let mut c = command(
        data,
        &[
            "sap",
            "post",
            "--password-stdin",
            "--max-wait-secs",
            "30",
            "--json",
        ],
    );
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("sapllm sap post");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(password.as_bytes()).expect("stdin");
    }
    child
}

fn reference(i: usize) -> String {
    format!("CH-{i:06}")
}

#[test]
fn chaos_every_invoice_is_posted_exactly_once_through_faults_and_kills() {
    let n = chaos_postings();
    let started = Instant::now();
    let server = TestServer::start().expect("the SAP test server (Node 20+ and npm)");
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut logs = String::new();

    // Settings: a 1 s request timeout and fast pacing, so faults cost little time.
    let mut settings = SapSettings::basic(&server.base_url(), "1010", &server.user);
    settings.connection.timeout_secs = 1;
    settings.mapping = mapping();
    settings.outbox = OutboxSettings {
        lease_secs: 10,
        backoff_base_ms: 50,
        backoff_cap_ms: 1_000,
        max_sends: 25,
        batch_size: 8,
        max_retry_after_secs: 5,
        settle_after_unknown_ms: 1_500,
    };
    settings.save(&data).unwrap();

    // n distinct invoices (the G/L invoice of the fixtures, each with its own number),
    // processed and approved through the API: the real mapping from sap.toml.
    let api = rt
        .block_on(Api::open(&Settings::new(data.clone())))
        .unwrap();
    rt.block_on(async {
        for i in 0..n {
            let bytes = format!("%PDF-1.7\n% chaos invoice {i}\n%%EOF\n").into_bytes();
            let hash = api
                .store()
                .put_original(&bytes, &format!("chaos-{i}.pdf"), FileKind::Pdf)
                .await
                .unwrap()
                .hash;
            let mut result = fixtures::gl_invoice()
                .field(FieldKey::InvoiceNumber, &reference(i))
                .build();
            result.hash = hash.clone();
            result.route = Route::Review;
            api.store().save_result(&hash, &result).await.unwrap();
            api.approve(hash.as_str(), "chaos", Some("chaos run"))
                .await
                .unwrap();
        }
    });
    let prepared = started.elapsed();

    // Faults on about one request in five (seeded: a failing run can be replayed).
    let faults = json!({"seed": 20240305, "rules": [
        {"method": "POST", "path": "A_SupplierInvoice", "random": [
            {"kind": "timeout_before_commit", "p": 0.025, "ms": 1500},
            {"kind": "timeout_after_commit", "p": 0.025, "ms": 1500},
            {"kind": "http_500", "p": 0.02},
            {"kind": "http_503", "p": 0.03},
            {"kind": "http_429", "p": 0.02, "retryAfter": 1},
            {"kind": "csrf_expired", "p": 0.03},
            {"kind": "drop_connection", "p": 0.02},
            {"kind": "drop_after_commit", "p": 0.03},
        ]},
        {"method": "GET", "path": "A_SupplierInvoice", "random": [
            {"kind": "http_503", "p": 0.03},
            {"kind": "http_502", "p": 0.01},
            {"kind": "drop_connection", "p": 0.02},
            {"kind": "timeout_before_commit", "p": 0.01, "ms": 1500},
            {"kind": "http_429", "p": 0.01, "retryAfter": 1},
        ]},
        {"method": "HEAD", "random": [{"kind": "http_503", "p": 0.05}]},
    ]});
    if std::env::var("SAPLLM_CHAOS_NO_FAULTS").is_err() {
        rt.block_on(server.set_faults(faults)).unwrap();
    }

    // Two worker processes at a time; every round all are killed at a random moment (a
    // crashing app), their stranded entries checked against SAP, and new ones started.
    // After the kill rounds the workers run until the outbox is idle.
    let mut lcg = Lcg(7);
    let kill_rounds = std::env::var("SAPLLM_CHAOS_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or((n / 12).clamp(8, 80));
    let mut kills = 0usize;
    // Entries a killed worker left in flight, by (entry, attempt): counted once each.
    let mut stranded = std::collections::BTreeSet::new();
    let mut killed_between_send_and_record = std::collections::BTreeSet::new();
    let mut finished_runs = 0usize;
    let mut round = 0usize;
    let open = |api: &Api| {
        rt.block_on(api.store().outbox_counts())
            .map(|c| c[&PostingState::Pending] + c[&PostingState::InFlight])
            .unwrap()
    };
    while open(&api) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "the chaos run did not finish"
        );
        let killing = round < kill_rounds;
        let parallel: usize = std::env::var("SAPLLM_CHAOS_WORKERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2);
        let mut workers: Vec<Child> = (0..parallel)
            .map(|_| spawn_worker(&data, &server.password))
            .collect();
        if killing {
            std::thread::sleep(Duration::from_millis(lcg.between(300, 2_500)));
            for w in &mut workers {
                if w.try_wait().ok().flatten().is_none() {
                    let _ = w.kill();
                    kills += 1;
                }
            }
        }
        for w in workers {
            let out = w.wait_with_output().unwrap();
            logs.push_str(&String::from_utf8_lossy(&out.stderr));
            logs.push_str(&String::from_utf8_lossy(&out.stdout));
            if let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) {
                if v["idle"].is_object() {
                    finished_runs += 1;
                }
            }
        }
        if killing {
            // What the dead workers left in flight, and whether SAP already has it.
            let in_flight = rt
                .block_on(
                    api.store()
                        .outbox_entries(&PostingFilter::default().state(PostingState::InFlight)),
                )
                .unwrap();
            let committed: Vec<String> = rt
                .block_on(server.invoices())
                .unwrap()
                .iter()
                .filter_map(|i| {
                    i["SupplierInvoiceIDByInvcgParty"]
                        .as_str()
                        .map(str::to_owned)
                })
                .collect();
            for e in &in_flight {
                stranded.insert((e.id, e.attempts));
                let in_sap = e.invoice_key["reference"]
                    .as_str()
                    .is_some_and(|r| committed.iter().any(|c| c == r));
                if in_sap {
                    killed_between_send_and_record.insert((e.id, e.attempts));
                }
            }
        }
        round += 1;
    }
    let wall = started.elapsed();
    if let Ok(path) = std::env::var("SAPLLM_CHAOS_LOG_FILE") {
        std::fs::write(path, &logs).unwrap();
    }

    // SAP: exactly one document per invoice.
    let invoices = rt.block_on(server.invoices()).unwrap();
    let mut per_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in &invoices {
        let key = format!(
            "{}|{}|{}",
            i["CompanyCode"].as_str().unwrap_or_default(),
            i["InvoicingParty"].as_str().unwrap_or_default(),
            i["SupplierInvoiceIDByInvcgParty"]
                .as_str()
                .unwrap_or_default()
        );
        per_key
            .entry(key)
            .or_default()
            .push(i["SupplierInvoice"].as_str().unwrap_or_default().to_owned());
    }
    let duplicates: Vec<_> = per_key.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(duplicates.is_empty(), "duplicates in SAP: {duplicates:?}");
    assert_eq!(invoices.len(), n, "one SAP document per invoice");

    // The store: every entry posted with SAP's number for its reference; none lost or failed.
    let entries = rt
        .block_on(api.store().outbox_entries(&PostingFilter::default()))
        .unwrap();
    assert_eq!(entries.len(), n);
    let mut attempts = 0u64;
    let mut sends = 0u64;
    let mut failed = Vec::new();
    for e in &entries {
        attempts += u64::from(e.attempts);
        sends += u64::from(e.sends);
        match e.state {
            PostingState::Posted => {
                let key = format!(
                    "1010|{}|{}",
                    e.invoice_key["invoicing_party"]
                        .as_str()
                        .unwrap_or_default(),
                    e.invoice_key["reference"].as_str().unwrap_or_default()
                );
                let sap = e.sap_document.as_ref().expect("posted with a number");
                assert_eq!(per_key.get(&key), Some(&vec![sap.number.clone()]), "{key}");
            }
            _ => failed.push((e.state, e.last_error.clone())),
        }
    }
    assert!(
        failed.is_empty(),
        "all faults were transient, yet: {failed:?}"
    );
    let docs = rt
        .block_on(api.queue(&sapllm_api::DocumentFilter::default()))
        .unwrap();
    assert!(
        docs.iter()
            .all(|d| d.status == sapllm_api::DocumentStatus::Posted)
    );

    // The numbers, from every worker's log (killed ones too).
    let mut retries: BTreeMap<String, u64> = BTreeMap::new();
    let mut healed = 0u64;
    let mut duplicate_rejections = 0u64;
    for line in logs.lines() {
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .map(|v| v.trim_matches('"').to_owned())
        };
        if line.contains("outbox: retry scheduled") {
            let cause = format!(
                "{}/{}",
                field("phase").unwrap_or_default(),
                field("code").unwrap_or_default()
            );
            *retries.entry(cause).or_default() += 1;
        } else if line.contains("outbox: posted") && line.contains("found_existing=true") {
            healed += 1;
        } else if line.contains("SAP rejected a create as a duplicate") {
            duplicate_rejections += 1;
        }
    }
    let fired = rt.block_on(server.faults()).unwrap();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for f in fired["fired"].as_array().into_iter().flatten() {
        *by_kind
            .entry(format!(
                "{} {}",
                f["method"].as_str().unwrap_or_default(),
                f["kind"].as_str().unwrap_or_default()
            ))
            .or_default() += 1;
    }
    let health = rt.block_on(server.health()).unwrap();
    println!(
        "chaos run: {n} postings in {:.1} s ({:.1} s preparing)",
        wall.as_secs_f64(),
        prepared.as_secs_f64()
    );
    println!(
        "  SAP: {} documents, 0 duplicates; store: {n} posted, 0 failed, 0 lost",
        invoices.len()
    );
    println!(
        "  tries (claims): {attempts}; creates sent: {sends}; requests to SAP: {}",
        health["requests"]
    );
    println!(
        "  faults injected: {} {by_kind:?}",
        by_kind.values().sum::<u64>()
    );
    println!(
        "  retries: {} by phase/cause {retries:?}",
        retries.values().sum::<u64>()
    );
    println!(
        "  worker processes killed: {kills} in {kill_rounds} rounds; entries left in flight: {}, of them already committed in SAP (killed between sending and recording): {}",
        stranded.len(),
        killed_between_send_and_record.len()
    );
    println!(
        "  found in SAP by the lookup of a retry (lost answers and kills healed): {healed}; creates SAP rejected as duplicates: {duplicate_rejections}; worker runs that ended by themselves: {finished_runs}"
    );
    assert_eq!(
        duplicate_rejections, 0,
        "a create was sent for an invoice SAP already had"
    );
    assert!(kills > 0, "worker processes were killed");
    if n >= 100 {
        assert!(
            by_kind.keys().any(|k| k.contains("after_commit")),
            "faults after commit fired: {by_kind:?}"
        );
    }

    assert_no_credential(&data, &logs, &server.password);
}

#[test]
fn an_invoice_is_exported_as_an_idoc_invoic02_file_with_its_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut logs = String::new();
    let sample = samples().join("invoice-de-two-vat-rates.pdf");
    let summary = json_of(ok(&sapllm(
        &data,
        &["process", sample.to_str().unwrap(), "--json"],
        None,
        &mut logs,
    )))
    .clone();
    let id = summary["items"][0]["hash"].as_str().unwrap()[..12].to_owned();
    let gross = summary["items"][0]["key_fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "gross_total")
        .map(|k| k["value"].as_str().unwrap().to_owned())
        .unwrap();

    // Without SAP settings the export says what is missing.
    let out = sapllm(&data, &["sap", "idoc", &id], None, &mut logs);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not configured"));

    let mut settings = SapSettings::basic("https://ecc.invalid", "1010", "RFCUSER");
    settings.mapping = mapping();
    settings.save(&data).unwrap();
    let file = tmp.path().join("invoic02.xml");
    ok(&sapllm(
        &data,
        &["sap", "idoc", &id, "--out", file.to_str().unwrap()],
        None,
        &mut logs,
    ));
    let xml = std::fs::read_to_string(&file).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed IDoc XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "INVOIC02");
    let has = |name: &str| doc.descendants().any(|n| n.tag_name().name() == name);
    for seg in [
        "EDI_DC40", "E1EDK01", "E1EDKA1", "E1EDK02", "E1EDP01", "E1EDS01",
    ] {
        assert!(has(seg), "segment {seg} missing");
    }
    let gross_trimmed = gross.trim_end_matches('0').trim_end_matches('.');
    assert!(
        doc.descendants()
            .filter(|n| n.tag_name().name() == "SUMME")
            .any(|n| n.text().is_some_and(|t| t
                .trim()
                .trim_end_matches('0')
                .trim_end_matches('.')
                == gross_trimmed)),
        "gross {gross} not among the totals:\n{xml}"
    );
}

//! `sapllm approve | reject` and `sapllm sap configure | test | post | status`: the clerk's
//! decisions and the SAP posting from the command line.
//!
//! Secrets: `--password-stdin` reads the password from standard input. `configure` stores it
//! in the OS keyring (never in `sap.toml`); `test` and `post` use it for that run only (for
//! machines without a keyring, e.g. CI), otherwise they take it from the keyring.

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use sapllm_api::posting::{
    PostReport, PostingFilter, PostingState, PostingStatus, PostingView, SapSecret,
};
use sapllm_api::{Api, SapSettings, Settings};
use tokio::runtime::Runtime;

#[derive(Subcommand, Debug)]
pub enum SapCommand {
    /// Write the SAP connection to <data dir>/sap.toml (no secret in it) and store the
    /// password in the OS keyring.
    Configure {
        /// Scheme, host and port of the SAP system, e.g. https://s4.example.com:44300.
        #[arg(long)]
        url: String,
        /// Company code invoices are posted to.
        #[arg(long)]
        company_code: String,
        /// Communication user (Basic authentication).
        #[arg(long)]
        user: String,
        /// Read the password from standard input and store it in the OS keyring.
        #[arg(long)]
        password_stdin: bool,
        /// `sap-client` of the system, if it needs one.
        #[arg(long)]
        sap_client: Option<String>,
        /// Per-request timeout in seconds.
        #[arg(long)]
        timeout_secs: Option<u64>,
        /// Keyring account of the password (several SAP systems side by side).
        #[arg(long)]
        profile: Option<String>,
    },
    /// Check the connection without changing anything: credentials, services, CSRF token.
    Test {
        /// Use the password from standard input for this run instead of the keyring.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Post approved documents: the whole outbox until it is idle, or one document now
    /// (a failed one is mapped again from its latest result first).
    Post {
        /// Content hash or a unique prefix of it; without it, every due entry.
        id: Option<String>,
        /// Use the password from standard input for this run instead of the keyring.
        #[arg(long)]
        password_stdin: bool,
        /// Stop when the next try is further away than this (offline, SAP asked to wait);
        /// the entries stay in the outbox for the next run.
        #[arg(long, default_value_t = 60)]
        max_wait_secs: u64,
        #[arg(long)]
        json: bool,
    },
    /// The outbox: state, attempts, next try, last error and SAP number of every posting.
    Status {
        /// Only this state (pending, in_flight, posted, failed).
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Export a document as an IDoc INVOIC02 XML file (for SAP ECC file ports).
    Idoc {
        /// Content hash or a unique prefix of it.
        id: String,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Receiver port and logical system of the ECC system.
        #[arg(long, default_value = "SAPECC")]
        receiver_port: String,
        #[arg(long, default_value = "ECCCLNT100")]
        receiver_partner: String,
    },
}

/// The user recorded in the audit log: `--user`, else the login name.
pub(crate) fn user_or_login(user: Option<String>) -> String {
    user.filter(|u| !u.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "clerk".to_owned())
}

/// The password from standard input (one line; the line end is not part of it).
fn read_secret() -> Result<SapSecret> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the password from standard input")?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        bail!("standard input held no password");
    }
    Ok(SapSecret::new(secret))
}

fn secret_if(password_stdin: bool) -> Result<Option<SapSecret>> {
    password_stdin.then(read_secret).transpose()
}

fn open(rt: &Runtime, settings: &Settings) -> Result<Api> {
    rt.block_on(Api::open(settings)).map_err(anyhow::Error::new)
}

pub fn approve(
    rt: &Runtime,
    settings: &Settings,
    id: &str,
    comment: Option<&str>,
    user: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let api = open(rt, settings)?;
    let user = user_or_login(user);
    let done = rt
        .block_on(api.approve(id, &user, comment))
        .map_err(anyhow::Error::new)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&done)?);
    } else {
        println!(
            "approved {} (was {}) by {user}; posting {} [{}], idempotency key {}",
            done.hash.short(),
            done.previous_status,
            done.posting.summary,
            serde_json::to_value(done.outcome)?
                .as_str()
                .unwrap_or_default(),
            done.posting.idempotency_key
        );
        println!("post it with `sapllm sap post` (or leave it to the app)");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reject(
    rt: &Runtime,
    settings: &Settings,
    id: &str,
    comment: &str,
    user: Option<String>,
) -> Result<ExitCode> {
    let api = open(rt, settings)?;
    let user = user_or_login(user);
    let from = rt
        .block_on(api.reject(id, &user, comment))
        .map_err(anyhow::Error::new)?;
    println!("rejected {id} (was {from}) by {user}: {comment}");
    Ok(ExitCode::SUCCESS)
}

pub fn run(rt: &Runtime, settings: &Settings, command: SapCommand) -> Result<ExitCode> {
    let api = open(rt, settings)?;
    match command {
        SapCommand::Configure {
            url,
            company_code,
            user,
            password_stdin,
            sap_client,
            timeout_secs,
            profile,
        } => {
            // Keep what an administrator added (mapping, outbox pacing); replace the connection.
            let mut s = SapSettings::load(&settings.data_dir)
                .map_err(anyhow::Error::new)?
                .unwrap_or_else(|| SapSettings::basic(&url, &company_code, &user));
            let fresh = SapSettings::basic(&url, &company_code, &user);
            s.connection.base_url = fresh.connection.base_url;
            s.connection.company_code = fresh.connection.company_code;
            s.connection.auth = fresh.connection.auth;
            s.mapping.company_code = company_code.clone();
            if sap_client.is_some() {
                s.connection.sap_client = sap_client;
            }
            if let Some(t) = timeout_secs {
                s.connection.timeout_secs = t;
            }
            if let Some(p) = profile.filter(|p| !p.trim().is_empty()) {
                s.profile = p;
            }
            let secret = secret_if(password_stdin)?;
            let path = api
                .configure_sap(&s, secret.as_ref())
                .map_err(anyhow::Error::new)?;
            println!("SAP connection written to {}", path.display());
            if secret.is_some() {
                println!(
                    "password stored in the OS keyring (profile '{}')",
                    s.profile
                );
            } else {
                println!("no password given: pipe it to `sapllm sap configure … --password-stdin`");
            }
            Ok(ExitCode::SUCCESS)
        }
        SapCommand::Test {
            password_stdin,
            json,
        } => {
            let report = rt
                .block_on(api.test_sap(secret_if(password_stdin)?))
                .map_err(anyhow::Error::new)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for c in &report.checks {
                    println!(
                        "{} {:<28} {}",
                        if c.ok { "ok  " } else { "FAIL" },
                        c.name,
                        c.detail
                    );
                }
            }
            Ok(if report.all_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        SapCommand::Post {
            id,
            password_stdin,
            max_wait_secs,
            json,
        } => {
            let client = api
                .sap_client(secret_if(password_stdin)?)
                .map_err(anyhow::Error::new)?;
            match id {
                Some(id) => {
                    let done = rt
                        .block_on(api.post_document(&id, &user_or_login(None), client))
                        .map_err(anyhow::Error::new)?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&done)?);
                    } else {
                        if done.rearmed {
                            println!("the failed posting was mapped again and re-queued");
                        }
                        match &done.posting {
                            Some(p) if done.outcome.is_some() => println!("{}", describe(p)),
                            Some(p) => println!(
                                "nothing tried: {} (another worker may hold it)",
                                describe(p)
                            ),
                            None => println!("nothing to post"),
                        }
                    }
                    let failed = done
                        .posting
                        .as_ref()
                        .is_some_and(|p| p.state == PostingState::Failed);
                    Ok(if failed {
                        ExitCode::from(3)
                    } else {
                        ExitCode::SUCCESS
                    })
                }
                None => {
                    let report = rt
                        .block_on(api.post_pending(client, Duration::from_secs(max_wait_secs)))
                        .map_err(anyhow::Error::new)?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report)?);
                    } else {
                        print_report(&report);
                    }
                    Ok(if report.failed > 0 {
                        ExitCode::from(3)
                    } else {
                        ExitCode::SUCCESS
                    })
                }
            }
        }
        SapCommand::Idoc {
            id,
            out,
            receiver_port,
            receiver_partner,
        } => {
            let target = sapllm_api::IdocTarget {
                receiver_port,
                receiver_partner,
                ..Default::default()
            };
            let xml = rt
                .block_on(api.export_idoc(&id, &target))
                .map_err(anyhow::Error::new)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, xml)?;
                    eprintln!("wrote {}", path.display());
                }
                None => println!("{xml}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        SapCommand::Status { state, limit, json } => {
            let mut filter = PostingFilter::default();
            if let Some(s) = state {
                filter = filter.state(s.parse::<PostingState>().map_err(anyhow::Error::new)?);
            }
            if let Some(l) = limit {
                filter = filter.limit(l);
            }
            let status = rt
                .block_on(api.posting_status(&filter))
                .map_err(anyhow::Error::new)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                print_status(&status);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One posting in a sentence.
fn describe(p: &PostingView) -> String {
    let mut s = format!("{}: {}", p.hash.short(), p.summary);
    if p.state.is_open() {
        if let Some(at) = p.next_attempt_at {
            s.push_str(&format!(
                "; attempt {} done, next try {}",
                p.attempts,
                at.format("%Y-%m-%d %H:%M:%S UTC")
            ));
        }
    }
    if let Some(e) = &p.last_error {
        s.push_str(&format!("; last error {}: {}", e.code, e.message));
    }
    s
}

fn print_report(r: &PostReport) {
    let run = &r.run;
    println!(
        "posted {} ({} created, {} found already in SAP) · {} creates sent · {} retries · {} failed",
        run.posted(),
        run.created,
        run.found_existing,
        run.sends,
        run.retried(),
        run.failed.values().sum::<u32>()
    );
    for (cause, n) in &run.retries {
        println!("  retried {n}× after {cause}");
    }
    for (code, n) in &run.failed {
        println!("  failed {n}× with {code}");
    }
    match r.idle {
        sapllm_api::posting::Idle::Empty => println!("the outbox is idle"),
        sapllm_api::posting::Idle::WaitingUntil { next_due } => println!(
            "{} postings wait; next try {} (run `sapllm sap post` again, or leave it to the app)",
            r.open,
            next_due.format("%Y-%m-%d %H:%M:%S UTC")
        ),
    }
    if r.failed > 0 {
        println!(
            "{} postings failed and need you: `sapllm sap status --state failed`",
            r.failed
        );
    }
}

fn print_status(s: &PostingStatus) {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(160)
        .set_header(vec![
            "id",
            "file",
            "state",
            "attempts",
            "next try",
            "last error",
            "SAP document",
        ]);
    for row in &s.entries {
        let p = &row.posting;
        t.add_row(vec![
            p.hash.short().to_owned(),
            row.file_name.clone().unwrap_or_default(),
            p.state.to_string(),
            format!("{} ({} sent)", p.attempts, p.sends),
            p.next_attempt_at
                .map(|a| a.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
            // A posted entry's last error is history (it was retried); only open and failed
            // entries show theirs.
            p.last_error
                .as_ref()
                .filter(|_| p.state != PostingState::Posted)
                .map(|e| format!("{}: {}", e.code, e.message))
                .unwrap_or_default(),
            match (&p.sap_document, &p.sap_fiscal_year) {
                (Some(n), Some(y)) => format!("{n} / {y}"),
                _ => String::new(),
            },
        ]);
    }
    println!("{t}");
    let c: Vec<String> = s.counts.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    println!("{}", c.join(" · "));
}

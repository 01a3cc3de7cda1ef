//! [`FakeSap`]: an in-memory SAP with scripted failures, for tests of the worker and of the
//! use cases above it. It keeps every document it "posted", so a test can count how many
//! creates reached SAP per invoice — the number that must be exactly one.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sapllm_sap::{InvoiceKey, PostError, SapDocumentRef, SupplierInvoiceApi};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// What the next `create` does.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateStep {
    /// Posts and answers.
    Succeed,
    /// Fails before SAP commits anything (503, connection refused, timeout before commit).
    FailBeforeCommit(PostError),
    /// SAP commits, then the answer is lost (timeout after commit, dropped connection).
    CommitThenFail(PostError),
}

/// What the next `find_posted` does.
#[derive(Debug, Clone, PartialEq)]
pub enum FindStep {
    /// Answers from the fake's documents.
    Answer,
    /// Answers "not there" even if it is (a read that lags behind a commit).
    Stale,
    Fail(PostError),
}

/// Faults drawn by chance for every call that has no scripted step (a seeded generator, so a
/// run can be replayed).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RandomFaults {
    pub seed: u64,
    /// Share of lookups that fail (transient `timeout`).
    pub find_fails: f64,
    /// Share of creates that fail before SAP commits (transient `http_503`).
    pub create_fails_before_commit: f64,
    /// Share of creates that commit and then lose the answer (transient `timeout`).
    pub create_fails_after_commit: f64,
}

/// One call the fake received, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Find(InvoiceKey),
    Create(Option<InvoiceKey>),
}

#[derive(Debug, Default)]
struct State {
    next_number: u64,
    /// Every document SAP holds, per key (more than one only if a duplicate got through).
    documents: BTreeMap<String, Vec<SapDocumentRef>>,
    creates: VecDeque<CreateStep>,
    finds: VecDeque<FindStep>,
    calls: Vec<Call>,
    /// Whether SAP's duplicate check rejects a second create (`M8/108`). Off by default: like
    /// a system where the check is only a warning, so a worker bug shows up as a duplicate.
    duplicate_check: bool,
    random: Option<(RandomFaults, StdRng)>,
}

/// A scripted SAP. Cheap to clone; clones share the state (a test keeps one to inspect while
/// the worker owns another). Unscripted calls succeed.
#[derive(Debug, Clone, Default)]
pub struct FakeSap {
    state: Arc<Mutex<State>>,
}

/// A transient error (retryable), with an optional `Retry-After`.
pub fn transient(code: &str, retry_after_secs: Option<u64>) -> PostError {
    PostError {
        code: code.into(),
        message: format!("simulated {code}"),
        retryable: true,
        retry_after_secs,
    }
}

/// A permanent error, as SAP sends for an invoice it refuses.
pub fn permanent(code: &str, message: &str) -> PostError {
    PostError {
        code: code.into(),
        message: message.into(),
        retryable: false,
        retry_after_secs: None,
    }
}

fn key_text(k: &InvoiceKey) -> String {
    format!("{}|{}|{}", k.company_code, k.invoicing_party, k.reference)
}

/// The duplicate-check key of a create payload (the header fields SAP compares).
pub fn key_of_payload(payload: &serde_json::Value) -> Option<InvoiceKey> {
    let s = |f: &str| payload.get(f).and_then(|v| v.as_str()).map(str::to_owned);
    Some(InvoiceKey {
        company_code: s("CompanyCode")?,
        invoicing_party: s("InvoicingParty")?,
        reference: s("SupplierInvoiceIDByInvcgParty")?,
    })
}

impl FakeSap {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Turns SAP's duplicate check on: a create for a key SAP has fails with `M8/108`.
    pub fn with_duplicate_check(self) -> Self {
        self.lock().duplicate_check = true;
        self
    }

    /// Draws faults by chance for unscripted calls.
    pub fn with_random_faults(self, faults: RandomFaults) -> Self {
        self.lock().random = Some((faults, StdRng::seed_from_u64(faults.seed)));
        self
    }

    /// Queues what the next creates do.
    pub fn script_creates(&self, steps: impl IntoIterator<Item = CreateStep>) {
        self.lock().creates.extend(steps);
    }

    /// Queues what the next lookups do.
    pub fn script_finds(&self, steps: impl IntoIterator<Item = FindStep>) {
        self.lock().finds.extend(steps);
    }

    /// A document posted outside the app (e.g. by hand in SAP GUI).
    pub fn preload(&self, key: &InvoiceKey) -> SapDocumentRef {
        let mut s = self.lock();
        Self::commit(&mut s, key)
    }

    fn commit(s: &mut State, key: &InvoiceKey) -> SapDocumentRef {
        s.next_number += 1;
        let r = SapDocumentRef {
            supplier_invoice: format!("{}", 5_105_600_000u64 + s.next_number),
            fiscal_year: "2024".into(),
        };
        s.documents
            .entry(key_text(key))
            .or_default()
            .push(r.clone());
        r
    }

    /// How many documents SAP holds for this key (must be at most one).
    pub fn documents_for(&self, key: &InvoiceKey) -> usize {
        self.lock()
            .documents
            .get(&key_text(key))
            .map_or(0, Vec::len)
    }

    /// Every key with more than one document.
    pub fn duplicates(&self) -> Vec<String> {
        self.lock()
            .documents
            .iter()
            .filter(|(_, v)| v.len() > 1)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Documents SAP holds in all.
    pub fn document_count(&self) -> usize {
        self.lock().documents.values().map(Vec::len).sum()
    }

    /// Every call received, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Creates received (whatever their outcome).
    pub fn create_calls(&self) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| matches!(c, Call::Create(_)))
            .count()
    }
}

impl SupplierInvoiceApi for FakeSap {
    async fn find_posted(&self, key: &InvoiceKey) -> Result<Option<SapDocumentRef>, PostError> {
        let mut s = self.lock();
        s.calls.push(Call::Find(key.clone()));
        let step = match s.finds.pop_front() {
            Some(step) => step,
            None => match &mut s.random {
                Some((f, rng)) => {
                    if rng.random_bool(f.find_fails.clamp(0.0, 1.0)) {
                        FindStep::Fail(transient("timeout", None))
                    } else {
                        FindStep::Answer
                    }
                }
                None => FindStep::Answer,
            },
        };
        match step {
            FindStep::Fail(e) => return Err(e),
            FindStep::Stale => return Ok(None),
            FindStep::Answer => {}
        }
        Ok(s.documents
            .get(&key_text(key))
            .and_then(|v| v.first())
            .cloned())
    }

    async fn create(&self, payload: &serde_json::Value) -> Result<SapDocumentRef, PostError> {
        let mut s = self.lock();
        let key = key_of_payload(payload);
        s.calls.push(Call::Create(key.clone()));
        let step = match s.creates.pop_front() {
            Some(step) => step,
            None => match &mut s.random {
                Some((f, rng)) => {
                    let x: f64 = rng.random();
                    if x < f.create_fails_before_commit {
                        CreateStep::FailBeforeCommit(transient("http_503", None))
                    } else if x < f.create_fails_before_commit + f.create_fails_after_commit {
                        CreateStep::CommitThenFail(transient("timeout", None))
                    } else {
                        CreateStep::Succeed
                    }
                }
                None => CreateStep::Succeed,
            },
        };
        if let CreateStep::FailBeforeCommit(e) = step {
            return Err(e);
        }
        let Some(key) = key else {
            return Err(permanent(
                "mapping",
                "CompanyCode, InvoicingParty and SupplierInvoiceIDByInvcgParty are required",
            ));
        };
        if s.duplicate_check {
            if let Some(first) = s.documents.get(&key_text(&key)).and_then(|v| v.first()) {
                return Err(permanent(
                    "M8/108",
                    &format!(
                        "Check if invoice already entered under accounting doc. no. {} {}",
                        first.supplier_invoice, first.fiscal_year
                    ),
                ));
            }
        }
        let r = Self::commit(&mut s, &key);
        match step {
            CreateStep::CommitThenFail(e) => Err(e),
            _ => Ok(r),
        }
    }
}

//! The posting worker of SAP_LLM Desktop: brings approved documents to SAP — never twice,
//! never lost.
//!
//! The durable half lives in the store (`sapllm_store::outbox`: one entry per approved
//! document with its idempotency key, frozen payload and SAP's duplicate-check key). This
//! crate is the active half: [`OutboxWorker`] claims due entries and, for each,
//!
//! 1. **asks SAP first** whether the invoice exists (`find_posted`) — before every post and
//!    every retry. A create whose answer was lost (timeout after commit, dropped connection)
//!    or a worker killed between sending and recording leaves the entry open; the next try
//!    finds the document and records it. Nothing is ever sent twice to find out.
//! 2. creates it if not, under a renewed lease (an entry is never worked on by two workers at
//!    once: every write is conditional on the claim);
//! 3. records SAP's number and fiscal year (entry and document `posted`, audit event), or
//!    schedules a retry — exponential backoff with full jitter, or SAP's `Retry-After`, with
//!    the whole worker pausing when SAP asks it to or cannot be reached — or marks the entry
//!    failed with SAP's code and message (the clerk decides).
//!
//! Restarts and offline periods need nothing special: the state is in the store, an entry
//! held by a dead worker is claimable once its lease runs out, and tries that cannot reach
//! SAP do not count toward giving up.
//!
//! [`fake::FakeSap`] is a scripted in-memory SAP for tests.

mod config;
pub mod fake;
mod worker;

pub use config::{FixedJitter, Jitter, RandomJitter, WorkerConfig};
pub use worker::{
    DUPLICATE_CODES, EntryOutcome, ErrorClass, Idle, OutboxWorker, Phase, RunReport,
    SYSTEMIC_CODES, UNREACHABLE_CODES, WorkerError, classify,
};

//! Integration tests of sapllm-store: one binary, one module per concern.

mod durability;
mod intake;
mod outbox;
mod queue;
mod results;
mod support;

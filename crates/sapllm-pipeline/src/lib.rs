//! The eight pipeline stages.
pub mod checks;

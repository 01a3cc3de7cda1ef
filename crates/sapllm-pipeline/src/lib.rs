//! The eight pipeline stages.
pub mod checks;
pub mod extraction;

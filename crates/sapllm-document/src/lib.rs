//! Reading inputs.
pub mod einvoice;
pub mod error;
pub use error::DocumentError;

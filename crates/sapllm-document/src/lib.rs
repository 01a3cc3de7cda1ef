//! Reading inputs into the domain model.
//!
//! - [`sniff`]: file type from magic bytes;
//! - [`pdf`]: PDFs through PDFium — words and lines with boxes (grouped here from single
//!   glyphs, see [`layout`]), embedded files, rendering;
//! - [`einvoice`]: e-invoice XML (CII, ZUGFeRD 1/2, Factur-X, XRechnung, UBL, Order-X) read
//!   exactly, with hostile XML refused;
//! - [`native`]: the one resolver for native libraries (PDFium, ONNX Runtime);
//! - [`worker`]: reading in worker processes, so a crash or hang fails one document only.
//!
//! This crate reads; it makes no pipeline decisions.

pub mod einvoice;
pub mod error;
pub mod layout;
pub mod native;
pub mod pdf;
pub mod raster;
pub mod sniff;
pub mod worker;

pub use error::DocumentError;

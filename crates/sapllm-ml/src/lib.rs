//! Machine learning of SAP_LLM Desktop: ONNX Runtime sessions, the model catalog, OCR.
//!
//! - [`recognizer`]: the [`TextRecognizer`] seam the pipeline calls (fakes in tests), page
//!   images and the pixel → point conversion;
//! - [`input`]: image files as page images (PNG, JPEG with EXIF orientation, multi-page TIFF);
//! - [`catalog`]: which models exist, their pins (`scripts/models.txt`) and where they are;
//! - [`ctc`], [`db`], [`deskew`]: the model-free parts of OCR (dictionary and CTC decoding,
//!   detection post-processing, skew estimation), unit-tested without models;
//! - [`runtime`] and [`ocr`] (feature `onnx`, default): ONNX Runtime through the
//!   native-library resolver, and the OCR engine on PaddleOCR models.
//!
//! The pipeline depends on this crate without the `onnx` feature (the seam and image decoding
//! only); the API enables it to build the real engine.

pub mod catalog;
pub mod ctc;
pub mod db;
pub mod deskew;
mod error;
pub mod ink;
pub mod input;
pub mod metrics;
pub mod model;
#[cfg(feature = "onnx")]
pub mod ocr;
pub mod output_layer;
pub mod providers;
pub mod recognizer;
#[cfg(feature = "onnx")]
pub mod runtime;
#[cfg(feature = "onnx")]
pub mod tabular;

pub use error::MlError;
pub use model::{Model, ModelSpec};
pub use recognizer::{OcrPage, PageImage, TextRecognizer, pixels_to_points};

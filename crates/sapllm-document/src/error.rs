//! Errors of reading a document. Each variant has a stable reason code for the batch summary.

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("unsupported file type: {0}")]
    UnsupportedType(String),
    #[error("the PDF is damaged or truncated: {0}")]
    CorruptPdf(String),
    #[error("the PDF is encrypted and needs a password")]
    Encrypted,
    #[error("the image cannot be decoded: {0}")]
    CorruptImage(String),
    #[error("the XML is refused as hostile: {0}")]
    HostileXml(String),
    #[error("the XML is not well-formed: {0}")]
    XmlSyntax(String),
    #[error("the XML is not a supported e-invoice: {0}")]
    NotAnEInvoice(String),
    #[error("the e-invoice has an invalid value at {path}: {message}")]
    InvalidValue { path: String, message: String },
    #[error("native library {library} not found: {message}")]
    LibraryMissing {
        library: &'static str,
        message: String,
    },
    #[error("PDF engine error: {0}")]
    Engine(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the reader process crashed on this document ({0}); a fresh one replaces it")]
    WorkerCrashed(String),
    #[error("reading took longer than {0} s; the reader process was stopped and replaced")]
    WorkerTimeout(u64),
    #[error("reader process: {0}")]
    Worker(String),
}

impl DocumentError {
    /// Stable, machine-readable reason code (shown in the batch summary, branched on by the UI).
    pub fn code(&self) -> &'static str {
        match self {
            DocumentError::Empty => "empty_file",
            DocumentError::TooLarge { .. } => "too_large",
            DocumentError::UnsupportedType(_) => "unsupported_type",
            DocumentError::CorruptPdf(_) => "corrupt_pdf",
            DocumentError::Encrypted => "encrypted_pdf",
            DocumentError::CorruptImage(_) => "corrupt_image",
            DocumentError::HostileXml(_) => "hostile_xml",
            DocumentError::XmlSyntax(_) => "malformed_xml",
            DocumentError::NotAnEInvoice(_) => "not_an_einvoice",
            DocumentError::InvalidValue { .. } => "invalid_einvoice_value",
            DocumentError::LibraryMissing { .. } => "library_missing",
            DocumentError::Engine(_) => "pdf_engine_error",
            DocumentError::Io(_) => "io_error",
            DocumentError::WorkerCrashed(_) => "reader_crashed",
            DocumentError::WorkerTimeout(_) => "reader_timeout",
            DocumentError::Worker(_) => "reader_error",
        }
    }

    /// Rebuilds an error that crossed a process boundary as `(code, message)`. The message is
    /// the original Display text, kept as the detail of the matching variant.
    pub fn from_wire(code: &str, message: String) -> Self {
        match code {
            "empty_file" => DocumentError::Empty,
            "encrypted_pdf" => DocumentError::Encrypted,
            "corrupt_pdf" => DocumentError::CorruptPdf(strip_prefix(
                &message,
                "the PDF is damaged or truncated: ",
            )),
            "corrupt_image" => DocumentError::CorruptImage(message),
            "unsupported_type" => DocumentError::UnsupportedType(message),
            "pdf_engine_error" => {
                DocumentError::Engine(strip_prefix(&message, "PDF engine error: "))
            }
            "library_missing" => DocumentError::LibraryMissing {
                library: "pdfium",
                message,
            },
            _ => DocumentError::Worker(format!("{code}: {message}")),
        }
    }
}

fn strip_prefix(message: &str, prefix: &str) -> String {
    message.strip_prefix(prefix).unwrap_or(message).to_owned()
}

//! Reading documents in worker processes.
//!
//! PDFium is one global lock per process and a hostile file can crash it (abort, SIGSEGV) or
//! make it spin. So documents are read in child processes: a crash or a hang fails that one
//! document with a clear reason, a fresh worker replaces the dead one, and the caller (the app,
//! the batch) never dies. Several workers give real parallelism.
//!
//! Protocol over the child's stdin/stdout: frames of a 4-byte little-endian length and a
//! payload. A request is a JSON [`Request`] frame followed by one raw frame with the document
//! bytes; the answer is one JSON [`Response`] frame (plus a raw RGB frame for renders).

mod pool;
mod serve;

pub use pool::{ReaderPool, ReaderPoolConfig};
pub use serve::serve;

use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

use crate::pdf::PdfContent;

/// Largest frame accepted (a document up to the inbox limit plus headroom).
pub const MAX_FRAME: usize = 256 * 1024 * 1024;

/// What a worker is asked to do with the document that follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    ReadPdf,
    RenderPage { page: u32, dpi: f32 },
}

/// A worker's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Response {
    Read {
        content: PdfContent,
    },
    /// A raw frame of `width × height × 3` RGB bytes follows.
    Rendered {
        width: u32,
        height: u32,
    },
    Failed {
        code: String,
        message: String,
    },
}

pub(crate) fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(payload)?;
    w.flush()
}

/// Reads one frame; `Ok(None)` at a clean end of stream.
pub(crate) fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes exceeds the limit"),
        ));
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf)?;
    Ok(Some(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_oversize_frames_are_refused() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        write_frame(&mut buf, b"").unwrap();
        let mut r = &buf[..];
        assert_eq!(read_frame(&mut r).unwrap().unwrap(), b"hello");
        assert_eq!(read_frame(&mut r).unwrap().unwrap(), b"");
        assert!(read_frame(&mut r).unwrap().is_none());

        let huge = ((MAX_FRAME + 1) as u32).to_le_bytes();
        assert!(read_frame(&mut &huge[..]).is_err());
        // A truncated frame is an error, not a silent end.
        let mut cut = Vec::new();
        write_frame(&mut cut, b"abcdef").unwrap();
        cut.truncate(6);
        assert!(read_frame(&mut &cut[..]).is_err());
    }

    #[test]
    fn requests_and_responses_are_json() {
        let r = serde_json::to_string(&Request::RenderPage {
            page: 2,
            dpi: 200.0,
        })
        .unwrap();
        assert_eq!(r, r#"{"op":"render_page","page":2,"dpi":200.0}"#);
        let f: Response =
            serde_json::from_str(r#"{"status":"failed","code":"encrypted_pdf","message":"x"}"#)
                .unwrap();
        assert_eq!(
            f,
            Response::Failed {
                code: "encrypted_pdf".into(),
                message: "x".into()
            }
        );
    }
}

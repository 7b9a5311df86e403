//! Taking a certificate's signed credential back out of its PDF (the attachment the print
//! crate embeds). Only the attachment is read: what verification shows never comes from the
//! page's text.

use lopdf::{Dictionary, Document, Object};
use serde_json::Value;

/// The name the credential is attached under (the print crate's `ATTACHMENT_NAME`).
pub const ATTACHMENT_NAME: &str = "credential.json";
/// Larger than any certificate's credential; a bigger attachment is not one.
const MAX_CREDENTIAL: usize = 1 << 20;
/// How deep a name tree may go before the file is refused.
const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("the file is not a PDF that can be read ({0})")]
    NotPdf(String),
    #[error("the PDF has no signed credential attached: it is not a Mixwell certificate, or it was saved again without its attachment")]
    NoCredential,
    #[error("the attached credential is not JSON ({0})")]
    NotJson(String),
}

/// The credential attached to a certificate's PDF.
pub fn attached_credential(pdf: &[u8]) -> Result<Value, PdfError> {
    let document = Document::load_mem(pdf).map_err(|e| PdfError::NotPdf(e.to_string()))?;
    let catalog = document
        .catalog()
        .map_err(|e| PdfError::NotPdf(e.to_string()))?;
    let tree = dict(&document, catalog.get(b"Names").ok())
        .and_then(|names| dict(&document, names.get(b"EmbeddedFiles").ok()))
        .ok_or(PdfError::NoCredential)?;
    let bytes = find(&document, tree, 0).ok_or(PdfError::NoCredential)?;
    serde_json::from_slice(&bytes).map_err(|e| PdfError::NotJson(e.to_string()))
}

fn dict<'a>(document: &'a Document, object: Option<&'a Object>) -> Option<&'a Dictionary> {
    document.dereference(object?).ok()?.1.as_dict().ok()
}

/// The attachment named [`ATTACHMENT_NAME`] in a name tree node.
fn find(document: &Document, node: &Dictionary, depth: usize) -> Option<Vec<u8>> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Ok(names) = node.get(b"Names").and_then(Object::as_array) {
        for pair in names.chunks(2) {
            let [name, spec] = pair else { continue };
            let name = document.dereference(name).ok()?.1.as_str().ok()?;
            if name != ATTACHMENT_NAME.as_bytes() {
                continue;
            }
            let spec = dict(document, Some(spec))?;
            let stream = document
                .dereference(dict(document, spec.get(b"EF").ok())?.get(b"F").ok()?)
                .ok()?
                .1
                .as_stream()
                .ok()?;
            return stream
                .decompressed_content_with_limit(MAX_CREDENTIAL)
                .ok()
                .or_else(|| {
                    (stream.content.len() <= MAX_CREDENTIAL).then(|| stream.content.clone())
                });
        }
    }
    let kids = node.get(b"Kids").and_then(Object::as_array).ok()?;
    kids.iter()
        .filter_map(|kid| dict(document, Some(kid)))
        .find_map(|kid| find(document, kid, depth + 1))
}

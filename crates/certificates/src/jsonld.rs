//! The canonical form a Data Integrity proof signs for `eddsa-rdfc-2022`: the credential read
//! as JSON-LD into RDF, then canonicalised by RDFC-1.0 (W3C "RDF Dataset Canonicalization")
//! into sorted N-Quads. sophia's JSON-LD parser and RDFC-1.0 do the work; this module only
//! gives them the contexts, which are bundled (`contexts/`): a credential is never read with a
//! context fetched from the network, and one naming any other context is refused.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use json_ld::future::FutureExt;
use sophia_api::prelude::*;
use sophia_api::quad::Spog;
use sophia_api::term::SimpleTerm;
use sophia_jsonld::{loader::ClosureLoader, JsonLdOptions, JsonLdParser};

pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const OPEN_BADGES_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The JSON-LD contexts a document may name, by URL; and the canonical forms of the few
/// small documents met again and again (a batch's proof options are all the same).
#[derive(Debug, Clone)]
pub struct Contexts {
    documents: HashMap<String, &'static str>,
    recent: Arc<Mutex<Vec<(String, String)>>>,
}

/// Canonical forms kept by [`Contexts::canonical_remembered`].
const REMEMBERED: usize = 4;

impl Contexts {
    /// The contexts a certificate uses: Verifiable Credentials 2.0 and Open Badges 3.0.
    pub fn bundled() -> Contexts {
        Contexts {
            recent: Arc::default(),
            documents: HashMap::from([
                (
                    CREDENTIALS_V2.to_owned(),
                    include_str!("../contexts/credentials-v2.jsonld"),
                ),
                (
                    OPEN_BADGES_V3.to_owned(),
                    include_str!("../contexts/ob-v3p0-context-3.0.3.json"),
                ),
            ]),
        }
    }

    /// [`canonical_nquads`] of `document`, remembered for the next few calls: for a
    /// document repeated across a batch, such as the proof options of certificates
    /// signed together.
    pub fn canonical_remembered(&self, document: &str) -> Result<String, JsonLdError> {
        let remembered = |recent: &Vec<(String, String)>| {
            recent
                .iter()
                .find(|(text, _)| text == document)
                .map(|(_, nquads)| nquads.clone())
        };
        if let Some(nquads) = remembered(&self.recent.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(nquads);
        }
        let nquads = canonical_nquads(document, self)?;
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == REMEMBERED {
            recent.remove(0);
        }
        recent.push((document.to_owned(), nquads.clone()));
        Ok(nquads)
    }

    /// These contexts and one more (the specification's test vectors use others).
    pub fn with(mut self, url: &str, document: &'static str) -> Contexts {
        self.documents.insert(url.to_owned(), document);
        self.recent = Arc::default();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the credential cannot be read as JSON-LD: {0}")]
pub struct JsonLdError(String);

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document.
pub fn canonical_nquads(document: &str, contexts: &Contexts) -> Result<String, JsonLdError> {
    let documents = contexts.documents.clone();
    let options = JsonLdOptions::new().with_document_loader_closure(move || {
        let documents = documents.clone();
        ClosureLoader::new(move |iri: sophia_iri::Iri<String>| {
            let found = documents
                .get(iri.as_str())
                .map(|text| (*text).to_owned())
                .ok_or_else(|| {
                    format!(
                        "it names the context {}, which Mixwell does not know",
                        iri.as_str()
                    )
                });
            async move { found }.boxed()
        })
    });
    let parser = JsonLdParser::new_with_options(options);
    // The loader answers at once, so the parse never waits: polling it on this thread is
    // enough, and works inside or outside an async runtime.
    let source = futures::executor::block_on(parser.async_parse_str(document));
    let quads: HashSet<Spog<SimpleTerm<'static>>> = source
        .collect_quads()
        .map_err(|e| JsonLdError(e.to_string()))?;
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&quads, &mut out).map_err(|e| JsonLdError(e.to_string()))?;
    String::from_utf8(out).map_err(|e| JsonLdError(e.to_string()))
}

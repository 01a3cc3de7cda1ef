//! The store as the pipeline's [`PriorDocuments`]. The pipeline is synchronous and runs on a
//! blocking thread; its questions to the store are answered by blocking on the runtime.

use sapllm_core::ContentHash;
use sapllm_pipeline::prior::{DuplicateHit, DuplicateQuery, DuplicateReason, PriorDocuments};
use sapllm_store::{DocumentStatus, Store};
use tokio::runtime::Handle;

pub(crate) struct StorePrior {
    pub store: Store,
    pub handle: Handle,
}

impl PriorDocuments for StorePrior {
    fn status_of(&self, hash: &ContentHash) -> Option<String> {
        self.handle
            .block_on(self.store.document(hash))
            .ok()
            .map(|d| d.status.as_str().to_owned())
    }

    fn duplicates(&self, q: &DuplicateQuery) -> Result<Vec<DuplicateHit>, String> {
        let hits = self.handle.block_on(self.store.find_duplicates(
            &q.seller_key,
            q.invoice_number.as_deref(),
            q.gross_total,
            q.issue_date,
            &q.exclude,
        ));
        match hits {
            Ok(hits) => Ok(hits
                .into_iter()
                // A document that failed or that a person rejected is not a posted invoice.
                .filter(|h| !matches!(h.status, DocumentStatus::Failed | DocumentStatus::Rejected))
                .map(|h| DuplicateHit {
                    hash: h.hash,
                    reason: match h.reason {
                        sapllm_store::DuplicateReason::SameNumber => {
                            DuplicateReason::SameSellerAndNumber
                        }
                        sapllm_store::DuplicateReason::SameAmountAndDate => {
                            DuplicateReason::SameSellerAmountAndDate
                        }
                    },
                    invoice_number: h.invoice_number,
                    file_name: Some(h.file_name),
                })
                .collect()),
            Err(e) => Err(e.to_string()),
        }
    }
}

-- SAP_LLM Desktop store, schema 2: the posting outbox.
--
-- SAP is written only through this table. Approving a document inserts its one entry (in the
-- same transaction as the status change and its audit event); a worker claims due entries,
-- asks SAP whether the invoice already exists, posts it if not, and writes SAP's document
-- number back. Same conventions as schema 1: TEXT timestamps (RFC 3339 UTC, microseconds,
-- sortable as text), JSON as TEXT, enum columns hold snake_case names.

CREATE TABLE outbox (
    id                 INTEGER NOT NULL PRIMARY KEY,
    -- One entry per document, ever: a failed posting is re-armed, never duplicated.
    document_hash      TEXT    NOT NULL UNIQUE REFERENCES documents (hash),
    -- Derived from the content hash; stable across retries, re-arms and restarts.
    idempotency_key    TEXT    NOT NULL UNIQUE,
    target             TEXT    NOT NULL CHECK (target IN ('odata', 'idoc')),
    -- The JSON body of `POST A_SupplierInvoice`, frozen at approval time.
    payload_json       TEXT    NOT NULL,
    -- SAP's duplicate-check key (company code, invoicing party, reference), asked before
    -- every post and retry.
    invoice_key_json   TEXT    NOT NULL,
    -- Keys of earlier payloads of this entry (a re-armed entry whose key changed): asked too,
    -- so a create that may have reached SAP under an old key is never repeated under a new one.
    previous_keys_json TEXT    NOT NULL DEFAULT '[]',
    state              TEXT    NOT NULL CHECK (state IN ('pending', 'in_flight', 'posted', 'failed')),
    -- Claims of this entry (every try, also those that could not reach SAP).
    attempts           INTEGER NOT NULL DEFAULT 0,
    -- Creates sent to SAP (whatever their outcome): the give-up limit counts these, so an
    -- offline laptop waits instead of giving up.
    sends              INTEGER NOT NULL DEFAULT 0,
    -- pending: due time of the next try; in_flight: end of the worker's lease (a crashed
    -- worker's entry becomes claimable again after it).
    next_attempt_at    TEXT    NOT NULL,
    last_error_code    TEXT,
    last_error_message TEXT,
    sap_document       TEXT,
    sap_fiscal_year    TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    CHECK ((state = 'posted') = (sap_document IS NOT NULL AND sap_fiscal_year IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

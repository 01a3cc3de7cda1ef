-- SAP_LLM Desktop store, schema 1.
--
-- Portable on purpose (a PostgreSQL twin of this file will live in `migrations-postgres/`):
-- only TEXT, INTEGER and REAL columns; money and dates are TEXT (canonical decimal strings and
-- ISO dates), timestamps are RFC 3339 TEXT in UTC with microseconds (fixed width, so they sort
-- as text); enum columns hold the serde (snake_case) names of the sapllm-core enums.
-- The only SQLite-specific construct is `INTEGER PRIMARY KEY` for audit_events.id
-- (PostgreSQL: BIGINT GENERATED ALWAYS AS IDENTITY).

-- One row per distinct original (content hash). The columns after `status_changed_at` are
-- denormalised from the latest result so that the queue is one indexed query.
CREATE TABLE documents (
    hash              TEXT    NOT NULL PRIMARY KEY,
    file_name         TEXT    NOT NULL,            -- the first name it arrived under
    file_kind         TEXT    NOT NULL,
    size_bytes        INTEGER NOT NULL,
    received_at       TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    status_changed_at TEXT    NOT NULL,
    latest_version    INTEGER,
    route             TEXT,
    doc_type          TEXT,
    seller_name       TEXT,
    invoice_number    TEXT,
    gross_total       TEXT,                        -- decimal string, never REAL
    currency          TEXT,
    reasons_json      TEXT    NOT NULL DEFAULT '[]', -- routing reasons of the latest result
    failure_code      TEXT,
    failure_message   TEXT,
    search_text       TEXT    NOT NULL DEFAULT ''  -- lower-cased names, seller, number, hash
);
CREATE INDEX documents_status_received ON documents (status, received_at);
CREATE INDEX documents_received ON documents (received_at);

-- Every file name a document arrived under (same bytes, other names: one document).
CREATE TABLE document_sources (
    document_hash TEXT    NOT NULL REFERENCES documents (hash),
    file_name     TEXT    NOT NULL,
    first_seen_at TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL,
    times_seen    INTEGER NOT NULL,
    PRIMARY KEY (document_hash, file_name)
);

-- Versioned results: a re-run adds version N+1, nothing is overwritten.
CREATE TABLE results (
    document_hash TEXT    NOT NULL REFERENCES documents (hash),
    version       INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    route         TEXT    NOT NULL,
    doc_type      TEXT    NOT NULL,
    result_json   TEXT    NOT NULL,                -- the full sapllm_core::DocumentResult
    versions_json TEXT    NOT NULL,                -- producer versions (rules, models)
    PRIMARY KEY (document_hash, version)
);

-- Header fields of each result version, one row per field (denormalised from result_json).
CREATE TABLE fields (
    document_hash    TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    key              TEXT    NOT NULL,
    value            TEXT    NOT NULL,             -- plain form: amounts with a dot, ISO dates
    value_type       TEXT    NOT NULL,             -- text | code | amount | date
    confidence       REAL    NOT NULL,             -- a score, never money
    source_kind      TEXT    NOT NULL,
    page             INTEGER,
    bbox_json        TEXT,
    producer         TEXT    NOT NULL,
    producer_version TEXT    NOT NULL,
    PRIMARY KEY (document_hash, version, key),
    FOREIGN KEY (document_hash, version) REFERENCES results (document_hash, version)
);

-- Findings of each result version, in the order the pipeline produced them.
CREATE TABLE findings (
    document_hash TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    stage         TEXT    NOT NULL,
    code          TEXT    NOT NULL,
    severity      TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    fields_json   TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_hash, version, seq),
    FOREIGN KEY (document_hash, version) REFERENCES results (document_hash, version)
);
CREATE INDEX findings_code ON findings (code);

-- Duplicate-invoice index, from the latest result of each postable document (replaced on a
-- re-run). seller_key: 'vat:<VAT ID>' or 'name:<normalised name>'.
CREATE TABLE invoice_keys (
    document_hash       TEXT    NOT NULL PRIMARY KEY REFERENCES documents (hash),
    version             INTEGER NOT NULL,
    seller_key          TEXT    NOT NULL,
    doc_type            TEXT    NOT NULL,
    invoice_number      TEXT,                      -- as extracted
    invoice_number_norm TEXT,                      -- upper case, letters and digits only
    gross               TEXT,                      -- decimal with exactly two places
    issue_date          TEXT                       -- ISO date
);
CREATE INDEX invoice_keys_number ON invoice_keys (seller_key, invoice_number_norm);
CREATE INDEX invoice_keys_amount_date ON invoice_keys (seller_key, gross, issue_date);

-- The audit log: one row for every state change. document_hash is NULL for store-wide events.
CREATE TABLE audit_events (
    id            INTEGER NOT NULL PRIMARY KEY,
    document_hash TEXT REFERENCES documents (hash),
    at            TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    detail_json   TEXT    NOT NULL
);
CREATE INDEX audit_events_document ON audit_events (document_hash, id);

-- SAP_LLM Desktop store, schema 3: a clerk's corrections.
--
-- One row per correction, with the result version it produced (the result itself is in
-- `results`). The learning issue reads these: target and source are the JSON of
-- sapllm_core::CorrectionTarget / CorrectionSource; old and new are plain values (amounts with
-- a dot, ISO dates), NULL when absent. Same conventions as schema 1.
CREATE TABLE corrections (
    id             INTEGER NOT NULL PRIMARY KEY,
    document_hash  TEXT    NOT NULL REFERENCES documents (hash),
    result_version INTEGER NOT NULL,
    target_json    TEXT    NOT NULL,
    old_value      TEXT,
    new_value      TEXT,
    source_json    TEXT    NOT NULL,
    user_name      TEXT    NOT NULL,
    at             TEXT    NOT NULL,
    FOREIGN KEY (document_hash, result_version) REFERENCES results (document_hash, version)
);
CREATE INDEX corrections_document ON corrections (document_hash, id);

-- SAP_LLM Desktop store, schema 4: what was learned from corrections.
--
-- Every learning update is a new version of the learned state (JSON of
-- sapllm_learning::LearningState), scored before it serves against a replay set of the
-- clerk's own approved documents: `status` is `promoted` (it served or serves), `rejected`
-- (worse than the version serving then; `reason` says why) or `imported`. The serving version
-- is the one row of `learning_serving`; no row means the empty state. A rollback only moves
-- that pointer, so every version stays available.
CREATE TABLE learned_versions (
    version         INTEGER NOT NULL PRIMARY KEY,
    parent          INTEGER,
    created_at      TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    document_hash   TEXT,
    user_name       TEXT,
    score_parent    REAL,
    score_candidate REAL,
    replay_docs     INTEGER NOT NULL DEFAULT 0,
    state_json      TEXT    NOT NULL
);
CREATE TABLE learning_serving (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL REFERENCES learned_versions (version),
    since   TEXT    NOT NULL,
    by_user TEXT    NOT NULL
);
-- Approved documents as the learner sees them (pages and approved values), newest first by
-- `added_at`; the shadow evaluation replays them.
CREATE TABLE learning_replay (
    document_hash TEXT NOT NULL PRIMARY KEY REFERENCES documents (hash),
    added_at      TEXT NOT NULL,
    replay_json   TEXT NOT NULL
);

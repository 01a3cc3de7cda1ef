//! Extraction stage (owned by the extraction work package; interface agreed in the brief).

//! The learned state: supplier memories and the online re-ranker, one serialisable value per
//! version, and its use by the pipeline.

use std::collections::{BTreeMap, BTreeSet};

use sapllm_core::{Candidate, FieldKey, FieldValue, Page, Producer, Provenance, SourceKind};
use sapllm_pipeline::extraction::{CandidateRow, ExtractionInput, GROUP_FEATURES, candidate_rows};
use sapllm_pipeline::learned::LearnedState;
use serde::{Deserialize, Serialize};

use crate::memory::{self, LayoutMemory, Remembered};
use crate::reranker::{LabelledRow, OnlineReranker, Step};
use crate::supplier::{fingerprint, same_supplier, similarity, supplier_keys};
use crate::{Example, LearningError};

/// Schema of the state and of export files.
pub const STATE_SCHEMA: &str = "sapllm-learned/1";

/// Layouts at least this similar are the same layout.
const SAME_LAYOUT: f32 = 0.45;
/// Without a key match, a layout this similar identifies the supplier.
const LAYOUT_IDENTIFIES: f32 = 0.8;

/// Layouts at least this similar are the layout a memory was learned on; between
/// `SAME_LAYOUT` and this, a recalled value is capped at `LOOSE_LAYOUT_CONFIDENCE`.
const CLOSE_LAYOUT: f32 = 0.7;
const LOOSE_LAYOUT_CONFIDENCE: f32 = 0.6;

/// Highest confidence of a value read by a memory of another layout of the same supplier
/// (identified by VAT ID or IBAN) at its own label: the supplier's wording is a strong
/// hint, but below `LEARNED_TRUST`, so a more confident reading of this page stands.
const OTHER_LAYOUT_CONFIDENCE: f32 = 0.8;

/// Largest shift, in log-odds, the shared re-ranker applies to a candidate: enough to
/// re-order close calls (a 0.6 against a 0.5), not to overrule a confident reading or push it
/// below the discard threshold — the weights are learned from other suppliers' documents, and
/// a supplier nobody corrected must not lose fields to them.
const MAX_RERANK_SHIFT: f32 = 1.0;

/// Highest confidence of a supplier constant (see `recall`).
const CONSTANT_CONFIDENCE: f32 = 0.8;

/// Everything remembered about one supplier.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SupplierMemory {
    /// Hashed identity keys (VAT ID, IBAN, name).
    pub keys: BTreeSet<String>,
    pub layouts: Vec<LayoutMemory>,
    pub documents: u32,
    /// Its country and currency as the clerk approved them (older states have none).
    #[serde(default)]
    pub constants: BTreeMap<FieldKey, Remembered>,
    /// Its name and its buyer's as approved (local only: exports leave them out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<FieldKey, Remembered>,
}

/// All that was learned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningState {
    pub schema: String,
    pub suppliers: Vec<SupplierMemory>,
    pub reranker: OnlineReranker,
    pub examples: u32,
}

impl Default for LearningState {
    fn default() -> Self {
        Self {
            schema: STATE_SCHEMA.into(),
            suppliers: Vec::new(),
            reranker: OnlineReranker::default(),
            examples: 0,
        }
    }
}

/// What one update did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UpdateReport {
    /// Why nothing was learned, if so.
    pub skipped: Option<String>,
    pub new_supplier: bool,
    pub new_layout: bool,
    pub fields_remembered: usize,
    pub fields_confirmed: usize,
    pub reranker_rows: usize,
    pub reranker_step: f32,
    pub reranker_capped: bool,
    /// Where the memory went (supplier, layout), and the fields whose memory changed.
    pub place: Option<(usize, usize)>,
    pub changed_fields: Vec<FieldKey>,
    /// Fields whose new memory was dropped because it made the replay worse.
    pub dropped_fields: Vec<FieldKey>,
}

/// A match of a document against the memory.
#[derive(Debug, Clone, Copy)]
struct Match {
    supplier: usize,
    layout: Option<usize>,
    similarity: f32,
}

impl LearningState {
    fn find(&self, keys: &[String], fp: &BTreeSet<u64>) -> Option<Match> {
        let by_key = self
            .suppliers
            .iter()
            .position(|s| same_supplier(keys, &s.keys));
        if let Some(si) = by_key {
            let best = self.suppliers[si]
                .layouts
                .iter()
                .enumerate()
                .map(|(li, l)| (li, similarity(&l.fingerprint, fp)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            return Some(match best {
                Some((li, sim)) if sim >= SAME_LAYOUT => Match {
                    supplier: si,
                    layout: Some(li),
                    similarity: sim,
                },
                _ => Match {
                    supplier: si,
                    layout: None,
                    similarity: 0.0,
                },
            });
        }
        self.suppliers
            .iter()
            .enumerate()
            .flat_map(|(si, s)| {
                s.layouts
                    .iter()
                    .enumerate()
                    .map(move |(li, l)| (si, li, similarity(&l.fingerprint, fp)))
            })
            .filter(|(_, _, sim)| *sim >= LAYOUT_IDENTIFIES)
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(si, li, sim)| Match {
                supplier: si,
                layout: Some(li),
                similarity: sim,
            })
    }

    /// Learns from one approved document. `base` gives the serving extractor's score of
    /// candidate-group feature rows (the trained ranker's, or the rules'), which the
    /// re-ranker corrects.
    pub fn learn(
        &mut self,
        ex: &Example,
        base: &dyn Fn(&[CandidateRow]) -> Vec<f32>,
    ) -> UpdateReport {
        let mut report = UpdateReport::default();
        if ex.checked.is_empty() {
            report.skipped = Some("approved without any field checked: nothing is learned".into());
            return report;
        }
        let keys = supplier_keys(&ex.fields);
        let fp = fingerprint(&ex.pages);
        if keys.is_empty() && fp.is_empty() {
            report.skipped = Some("the supplier cannot be identified".into());
            return report;
        }
        let m = self.find(&keys, &fp);
        let si = match m {
            Some(m) => m.supplier,
            None => {
                self.suppliers.push(SupplierMemory::default());
                report.new_supplier = true;
                self.suppliers.len() - 1
            }
        };
        let supplier_id = keys
            .first()
            .cloned()
            .unwrap_or_else(|| format!("layout-{si}"));
        let sup = &mut self.suppliers[si];
        sup.keys.extend(keys.iter().cloned());
        sup.documents += 1;
        for c in ex
            .checked
            .iter()
            .filter(|c| memory::is_supplier_constant(c.field))
        {
            let value = c.value.to_plain().trim().to_uppercase();
            if !value.is_empty() {
                memory::remember(&mut sup.constants, c.field, value, |a, b| a == b);
            }
        }
        for c in ex.checked.iter().filter(|c| memory::is_known_name(c.field)) {
            let text = c.value.to_plain().trim().to_owned();
            let norm = c.field.normalisation();
            if !text.is_empty() {
                memory::remember(&mut sup.names, c.field, text, |a, b| {
                    norm.apply(a) == norm.apply(b)
                });
            }
        }
        let li = match m.and_then(|m| m.layout) {
            Some(li) => li,
            None => {
                sup.layouts.push(LayoutMemory {
                    fingerprint: fp.clone(),
                    fields: BTreeMap::new(),
                    documents: 0,
                });
                report.new_layout = true;
                sup.layouts.len() - 1
            }
        };
        report.place = Some((si, li));
        let layout = &mut sup.layouts[li];
        layout.documents += 1;
        // Keep the fingerprint current: the latest document of a layout describes it best.
        layout.fingerprint = fp;
        for c in ex
            .checked
            .iter()
            .filter(|c| !memory::is_supplier_constant(c.field))
        {
            let want = c.field.normalisation().apply(&c.value.to_plain());
            let recalled = layout.fields.get(&c.field).and_then(|mem| {
                memory::locate(&ex.pages, c.field, mem)
                    .and_then(|(_, _, text, _)| memory::parse_as(c.field, &text, mem))
                    .and_then(|v| c.field.normalisation().apply(&v.to_plain()))
            });
            let agrees = recalled.is_some() && recalled == want;
            match (layout.fields.get_mut(&c.field), c.page, c.bbox) {
                (Some(mem), _, _) if agrees => {
                    mem.hits += 1;
                    report.fields_confirmed += 1;
                }
                (_, Some(p), Some(b)) => {
                    if let Some(page) = ex.pages.iter().find(|pg| pg.index == p) {
                        let mut fresh = memory::learn(page, c.field, &b, &c.value.to_plain());
                        // Carry the record of contradictions: a memory that keeps changing
                        // stays less confident.
                        if let Some(old) = layout.fields.get(&c.field) {
                            fresh.misses = old.misses + u32::from(c.corrected);
                        }
                        layout.fields.insert(c.field, fresh);
                        report.fields_remembered += 1;
                        report.changed_fields.push(c.field);
                    }
                }
                (Some(mem), _, _) => mem.misses += 1,
                _ => {}
            }
        }
        // The re-ranker: candidate groups of the checked fields, right or wrong.
        let rows = candidate_rows(&ExtractionInput {
            pages: &ex.pages,
            doc_type: ex.doc_type,
            learned: None,
        });
        let checked: BTreeMap<FieldKey, Option<String>> = ex
            .checked
            .iter()
            .map(|c| (c.field, c.field.normalisation().apply(&c.value.to_plain())))
            .collect();
        let rows: Vec<CandidateRow> = rows
            .into_iter()
            .filter(|r| checked.contains_key(&r.field))
            .collect();
        let bases = base(&rows);
        let labelled: Vec<LabelledRow> = rows
            .iter()
            .zip(bases)
            .map(|(r, b)| LabelledRow {
                right: checked[&r.field].is_some()
                    && r.field.normalisation().apply(&r.value.to_plain()) == checked[&r.field],
                features: r.features.clone(),
                base: b,
            })
            .collect();
        report.reranker_rows = labelled.len();
        let Step { moved, capped } = self.reranker.update(&labelled, &supplier_id, &ex.session);
        report.reranker_step = moved;
        report.reranker_capped = capped;
        self.examples += 1;
        report
    }

    /// Whether the memory of `field` at `place` reads the approved value of a replay document
    /// of the same layout: `None` when the document is of another layout, has no approved
    /// value for the field, or nothing is found there.
    pub fn field_holds(
        &self,
        place: (usize, usize),
        field: FieldKey,
        doc: &crate::ReplayDoc,
    ) -> Option<bool> {
        let layout = self.suppliers.get(place.0)?.layouts.get(place.1)?;
        let want = doc.truth.get(&field)?;
        if similarity(&layout.fingerprint, &fingerprint(&doc.pages)) < SAME_LAYOUT {
            return None;
        }
        let mem = layout.fields.get(&field)?;
        let (_, _, text, _) = memory::locate(&doc.pages, field, mem)?;
        let got = memory::parse_as(field, &text, mem)
            .and_then(|v| field.normalisation().apply(&v.to_plain()));
        Some(got.as_deref() == Some(want.as_str()))
    }

    /// Undoes the memory of `field` at `place` to what `before` had there (or forgets it).
    pub fn revert_field(&mut self, before: &LearningState, place: (usize, usize), field: FieldKey) {
        let old = before
            .suppliers
            .get(place.0)
            .and_then(|s| s.layouts.get(place.1))
            .and_then(|l| l.fields.get(&field))
            .cloned();
        if let Some(layout) = self
            .suppliers
            .get_mut(place.0)
            .and_then(|s| s.layouts.get_mut(place.1))
        {
            match old {
                Some(m) => {
                    layout.fields.insert(field, m);
                }
                None => {
                    layout.fields.remove(&field);
                }
            }
        }
    }

    /// The state as a file to share: labels, formats, positions, hashed supplier keys and the
    /// re-ranker's weights — no values, amounts, names or IBANs (none are stored at all).
    pub fn export(&self) -> Result<String, LearningError> {
        let mut s = self.clone();
        // Who taught what, and the names of suppliers and buyers, stay on this workstation.
        s.reranker.moved_by_session.clear();
        for sup in &mut s.suppliers {
            sup.names.clear();
        }
        serde_json::to_string_pretty(&s).map_err(|e| LearningError::BadState(e.to_string()))
    }

    /// The whole state, as the store keeps each version.
    pub fn export_full(&self) -> Result<String, LearningError> {
        serde_json::to_string(self).map_err(|e| LearningError::BadState(e.to_string()))
    }

    /// Reads an exported state (or a stored version).
    pub fn import(text: &str) -> Result<Self, LearningError> {
        let s: LearningState =
            serde_json::from_str(text).map_err(|e| LearningError::BadState(e.to_string()))?;
        if s.schema != STATE_SCHEMA {
            return Err(LearningError::BadState(format!(
                "schema '{}' is not {STATE_SCHEMA}",
                s.schema
            )));
        }
        if s.reranker.weights.len() != GROUP_FEATURES {
            return Err(LearningError::BadState(format!(
                "re-ranker has {} weights, this build uses {GROUP_FEATURES} features",
                s.reranker.weights.len()
            )));
        }
        Ok(s)
    }

    /// Merges another state's supplier memories into this one (team sharing): suppliers
    /// matched by key gain the other's layouts they do not have; the re-ranker stays.
    pub fn merge_suppliers(&mut self, other: &LearningState) -> usize {
        let mut added = 0;
        for s in &other.suppliers {
            match self
                .suppliers
                .iter_mut()
                .find(|x| same_supplier(&s.keys.iter().cloned().collect::<Vec<_>>(), &x.keys))
            {
                Some(x) => {
                    x.keys.extend(s.keys.iter().cloned());
                    for l in &s.layouts {
                        if !x
                            .layouts
                            .iter()
                            .any(|y| similarity(&y.fingerprint, &l.fingerprint) >= SAME_LAYOUT)
                        {
                            x.layouts.push(l.clone());
                            added += 1;
                        }
                    }
                }
                None => {
                    self.suppliers.push(s.clone());
                    added += s.layouts.len();
                }
            }
        }
        added
    }
}

/// The field naming the other party of the invoice, whose value this field never shares.
fn counterpart(field: FieldKey) -> Option<FieldKey> {
    match field {
        FieldKey::BuyerName => Some(FieldKey::SellerName),
        FieldKey::SellerName => Some(FieldKey::BuyerName),
        FieldKey::BuyerVatId => Some(FieldKey::SellerVatId),
        FieldKey::SellerVatId => Some(FieldKey::BuyerVatId),
        _ => None,
    }
}

/// One serving version of the state, as the pipeline sees it.
#[derive(Debug, Clone)]
pub struct LearnedSnapshot {
    pub version: u64,
    pub state: LearningState,
}

impl LearnedState for LearnedSnapshot {
    fn label(&self) -> String {
        format!("learned/{}", self.version)
    }

    fn rerank(&self, features: &[f32], rows: usize) -> Vec<f32> {
        if self.state.reranker.updates == 0 || rows == 0 {
            return vec![0.0; rows];
        }
        features
            .chunks(GROUP_FEATURES)
            .take(rows)
            .map(|r| {
                self.state
                    .reranker
                    .delta(r)
                    .clamp(-MAX_RERANK_SHIFT, MAX_RERANK_SHIFT)
            })
            .collect()
    }

    fn recall(
        &self,
        pages: &[Page],
        extraction: &sapllm_pipeline::extraction::Extraction,
    ) -> Vec<(FieldKey, Candidate)> {
        let fields: BTreeMap<FieldKey, FieldValue> = extraction
            .fields
            .iter()
            .map(|(k, f)| (*k, f.value.clone()))
            .collect();
        let keys = supplier_keys(&fields);
        let fp = fingerprint(pages);
        let Some(m) = self.state.find(&keys, &fp) else {
            return Vec::new();
        };
        let supplier = &self.state.suppliers[m.supplier];
        let firm_identity = keys
            .iter()
            .any(|k| !k.starts_with("name:") && supplier.keys.contains(k));
        let producer = Producer::new("learned.supplier-memory", self.version.to_string());
        let mut out = Vec::new();
        for (field, k) in &supplier.constants {
            out.push((
                *field,
                Candidate {
                    value: FieldValue::Code(k.value.clone()),
                    // Below `LEARNED_TRUST`: a code printed on this invoice (an invoice in
                    // another currency) wins over the supplier's usual one.
                    confidence: memory::confidence(k.hits, k.misses).min(CONSTANT_CONFIDENCE),
                    provenance: Provenance {
                        source: SourceKind::Learned,
                        page: None,
                        bbox: None,
                        words: Vec::new(),
                        raw: k.value.clone(),
                        producer: producer.clone(),
                        explanation: format!(
                            "learned from {} approved document(s) of this supplier: its usual {}",
                            k.hits,
                            if *field == FieldKey::Currency {
                                "currency"
                            } else {
                                "country"
                            }
                        ),
                    },
                },
            ));
        }
        // The layouts to read from: the matched one; for a known supplier on a layout not
        // seen before (a new stylesheet, a redesigned form), its other layouts, most similar
        // first, but only through memories anchored at a label, which carries over.
        let layouts: Vec<(usize, f32, bool)> = match m.layout {
            Some(li) => vec![(li, m.similarity, false)],
            None if firm_identity => {
                let mut v: Vec<(usize, f32, bool)> = supplier
                    .layouts
                    .iter()
                    .enumerate()
                    .map(|(li, l)| (li, similarity(&l.fingerprint, &fp), true))
                    .collect();
                v.sort_by(|a, b| b.1.total_cmp(&a.1));
                v
            }
            None => return out,
        };
        let mut found: BTreeSet<FieldKey> = BTreeSet::new();
        // A name the clerk approved for this supplier, printed on this page: wherever the
        // layout puts it, that is the party (a remembered place may hold another line on a
        // redesigned form).
        if firm_identity || m.layout.is_some() {
            for (field, k) in &supplier.names {
                let Some(want) = field.normalisation().apply(&k.value) else {
                    continue;
                };
                let Some((page, words)) = memory::find_text(pages, *field, &want) else {
                    continue;
                };
                let Some(p) = pages.iter().find(|p| p.index == page) else {
                    continue;
                };
                let raw = p.join_words(&words);
                let bbox = sapllm_core::BBox::union_all(
                    words
                        .iter()
                        .filter_map(|&i| p.words.get(i as usize))
                        .map(|w| &w.bbox),
                );
                found.insert(*field);
                out.push((
                    *field,
                    Candidate {
                        value: FieldValue::Text(raw.clone()),
                        confidence: memory::confidence(k.hits, k.misses),
                        provenance: Provenance {
                            source: SourceKind::Learned,
                            page: Some(page),
                            bbox,
                            words,
                            raw,
                            producer: producer.clone(),
                            explanation: format!(
                                "learned from {} approved document(s) of this supplier: the {} name as approved, found on this page",
                                k.hits,
                                if *field == FieldKey::SellerName { "supplier's" } else { "buyer's" }
                            ),
                        },
                    },
                ));
            }
        }
        for (li, sim, other_layout) in layouts {
            let layout = &supplier.layouts[li];
            for (field, mem) in &layout.fields {
                if found.contains(field) || (other_layout && mem.anchor.is_none()) {
                    continue;
                }
                let Some((page, words, text, bbox)) = memory::locate(pages, *field, mem) else {
                    continue;
                };
                let Some(value) = memory::parse_as(*field, &text, mem) else {
                    continue;
                };
                // The buyer is not the seller: a memory that reads the other party's name or VAT
                // ID on this invoice sits on another block than it did when it was learned.
                if let Some(other) = counterpart(*field) {
                    let norm = field.normalisation();
                    if fields
                        .get(&other)
                        .is_some_and(|o| norm.apply(&o.to_plain()) == norm.apply(&value.to_plain()))
                    {
                        continue;
                    }
                }
                found.insert(*field);
                let place = match &mem.anchor {
                    Some(a) if a.same_line => format!("right of the label '{}'", a.label),
                    Some(a) => format!("below the label '{}'", a.label),
                    None => "at the remembered place on the page".to_owned(),
                };
                out.push((
                *field,
                Candidate {
                    value,
                    // A loose match — a sister layout, or a supplier known only by its name
                    // (no VAT ID or IBAN read on this page agrees) — proposes the value but
                    // does not overrule a confident reading of this page.
                    confidence: if other_layout {
                        mem.confidence().min(OTHER_LAYOUT_CONFIDENCE)
                    } else if sim >= CLOSE_LAYOUT && firm_identity {
                        mem.confidence()
                    } else {
                        mem.confidence().min(LOOSE_LAYOUT_CONFIDENCE)
                    },
                    provenance: Provenance {
                        source: SourceKind::Learned,
                        page: Some(page),
                        bbox: Some(bbox),
                        words,
                        raw: text,
                        producer: producer.clone(),
                        explanation: format!(
                            "learned from {} approved document(s) of this supplier: {place} ({} {sim:.2})",
                            mem.hits,
                            if other_layout { "from another of its layouts, match" } else { "layout match" }
                        ),
                    },
                },
            ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CheckedField;
    use crate::memory::tests::page;
    use sapllm_core::{BBox, DocType, ExtractedField};
    use sapllm_pipeline::extraction::Extraction;

    fn read(value: FieldValue) -> ExtractedField {
        ExtractedField::from_candidates(vec![Candidate {
            value: value.clone(),
            confidence: 0.9,
            provenance: Provenance {
                source: SourceKind::TextLayer,
                page: Some(0),
                bbox: None,
                words: Vec::new(),
                raw: value.to_plain(),
                producer: Producer::new("rules", "1"),
                explanation: "rule".into(),
            },
        }])
        .unwrap()
    }

    #[test]
    fn an_approved_name_is_found_on_a_redesigned_layout_and_never_exported() {
        let vat = FieldValue::Code("DE234567891".into());
        let full = "MVM Musterhafter Versicherungsverein a.G.";
        let taught = page(&[
            (40.0, 60.0, "Rechnung des Versicherers"),
            (40.0, 100.0, "Verkäufer:"),
            (40.0, 114.0, "MVM Musterhafter"),
            (40.0, 128.0, "Versicherungsverein a.G."),
            (40.0, 160.0, "USt-IdNr. DE234567891"),
        ]);
        let name_words: Vec<u32> = (4..8).collect();
        let bbox = BBox::union_all(name_words.iter().map(|&i| &taught.words[i as usize].bbox));
        let mut state = LearningState::default();
        let report = state.learn(
            &Example {
                pages: vec![taught],
                doc_type: DocType::Invoice,
                fields: BTreeMap::from([
                    (FieldKey::SellerVatId, vat.clone()),
                    (FieldKey::SellerName, FieldValue::Text(full.into())),
                ]),
                checked: vec![CheckedField {
                    field: FieldKey::SellerName,
                    value: FieldValue::Text(full.into()),
                    page: Some(0),
                    bbox,
                    corrected: true,
                }],
                user: "anna".into(),
                session: "s".into(),
            },
            &|rows: &[CandidateRow]| rows.iter().map(|r| r.rule_confidence).collect(),
        );
        assert!(report.skipped.is_none());
        // A new stylesheet: other headings, a number line where the name was, the name lower.
        let redesigned = page(&[
            (40.0, 40.0, "Stylesheet Lesbarmachung Version"),
            (40.0, 60.0, "VERSICHERUNGSRECHNUNG Nr. 575"),
            (40.0, 100.0, "Verkäufer:"),
            (40.0, 114.0, "Nummer : 549910"),
            (40.0, 128.0, "MVM Musterhafter"),
            (40.0, 142.0, "Versicherungsverein a.G."),
        ]);
        let mut x = Extraction::default();
        x.fields.insert(FieldKey::SellerVatId, read(vat));
        x.fields.insert(
            FieldKey::SellerName,
            read(FieldValue::Text("MVM Musterhafter".into())),
        );
        let snapshot = LearnedSnapshot {
            version: 2,
            state: state.clone(),
        };
        let recalled = snapshot.recall(std::slice::from_ref(&redesigned), &x);
        let names: Vec<&Candidate> = recalled
            .iter()
            .filter(|(k, _)| *k == FieldKey::SellerName)
            .map(|(_, c)| c)
            .collect();
        assert_eq!(names.len(), 1, "{recalled:?}");
        assert_eq!(names[0].value, FieldValue::Text(full.into()));
        assert!(names[0].confidence >= sapllm_pipeline::learned::LEARNED_TRUST);
        assert_eq!(names[0].provenance.page, Some(0));
        // Another supplier (no VAT ID or IBAN in common) gets nothing from it.
        let mut other = x.clone();
        other.fields.insert(
            FieldKey::SellerVatId,
            read(FieldValue::Code("FR12345678901".into())),
        );
        other.fields.remove(&FieldKey::SellerName);
        assert!(
            snapshot
                .recall(&[redesigned], &other)
                .iter()
                .all(|(k, _)| *k != FieldKey::SellerName)
        );
        // The names stay on this workstation.
        let exported = state.export().unwrap();
        assert!(!exported.contains("Musterhafter"), "{exported}");
        assert!(state.export_full().unwrap().contains("Musterhafter"));
    }
}

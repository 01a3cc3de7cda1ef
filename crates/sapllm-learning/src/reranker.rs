//! The online re-ranker: a logistic correction on top of the extractor's candidate scores,
//! over the same candidate-group features the trained ranker uses, updated with every
//! approved correction (one small gradient step, no retraining).
//!
//! It learns a *residual*: the final score is `σ(logit(base) + w·x + b)`, starting from
//! `w = 0, b = 0`, so an untrained re-ranker changes nothing. Because one clerk's habits or
//! one odd supplier must not rewrite the ranking for everybody, each update's step is clipped,
//! and the total a single supplier or a single session may move the weights is capped.

use std::collections::BTreeMap;

use sapllm_pipeline::extraction::GROUP_FEATURES;
use sapllm_pipeline::extraction::ranking::{logit, sigmoid};
use serde::{Deserialize, Serialize};

/// Limits on how far updates move the shared weights (L2 norm of the change).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Caps {
    pub learning_rate: f32,
    pub per_update: f32,
    pub per_supplier: f32,
    pub per_session: f32,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            learning_rate: 0.5,
            per_update: 0.75,
            per_supplier: 2.0,
            per_session: 6.0,
        }
    }
}

/// One labelled candidate group: features, the extractor's score, right or wrong.
#[derive(Debug, Clone)]
pub struct LabelledRow {
    pub features: Vec<f32>,
    pub base: f32,
    pub right: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnlineReranker {
    pub weights: Vec<f32>,
    pub bias: f32,
    pub updates: u32,
    /// How far each supplier (hashed key) and each session has moved the weights so far.
    pub moved_by_supplier: BTreeMap<String, f32>,
    pub moved_by_session: BTreeMap<String, f32>,
    pub caps: Caps,
}

impl Default for OnlineReranker {
    fn default() -> Self {
        Self {
            weights: vec![0.0; GROUP_FEATURES],
            bias: 0.0,
            updates: 0,
            moved_by_supplier: BTreeMap::new(),
            moved_by_session: BTreeMap::new(),
            caps: Caps::default(),
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Step {
    /// L2 norm of the applied change.
    pub moved: f32,
    /// The change was cut by a cap.
    pub capped: bool,
}

impl OnlineReranker {
    /// Log-odds adjustment for one feature row.
    pub fn delta(&self, row: &[f32]) -> f32 {
        self.bias
            + self
                .weights
                .iter()
                .zip(row)
                .map(|(w, x)| w * x)
                .sum::<f32>()
    }

    /// One gradient step of the log loss over the rows of one approved document.
    pub fn update(&mut self, rows: &[LabelledRow], supplier: &str, session: &str) -> Step {
        if rows.is_empty() {
            return Step::default();
        }
        let mut dw = vec![0.0_f32; self.weights.len()];
        let mut db = 0.0_f32;
        let n = rows.len() as f32;
        for r in rows {
            let p = sigmoid(logit(r.base) + self.delta(&r.features));
            let g = p - f32::from(u8::from(r.right));
            for (d, x) in dw.iter_mut().zip(&r.features) {
                *d -= self.caps.learning_rate * g * x / n;
            }
            db -= self.caps.learning_rate * g / n;
        }
        let norm = (dw.iter().map(|d| d * d).sum::<f32>() + db * db).sqrt();
        if norm == 0.0 {
            return Step::default();
        }
        let supplier_left =
            self.caps.per_supplier - self.moved_by_supplier.get(supplier).copied().unwrap_or(0.0);
        let session_left =
            self.caps.per_session - self.moved_by_session.get(session).copied().unwrap_or(0.0);
        let allowed = norm
            .min(self.caps.per_update)
            .min(supplier_left.max(0.0))
            .min(session_left.max(0.0));
        let capped = allowed < norm;
        if allowed <= 1e-6 {
            return Step { moved: 0.0, capped };
        }
        let scale = allowed / norm;
        for (w, d) in self.weights.iter_mut().zip(&dw) {
            *w += d * scale;
        }
        self.bias += db * scale;
        self.updates += 1;
        *self
            .moved_by_supplier
            .entry(supplier.to_owned())
            .or_default() += allowed;
        *self.moved_by_session.entry(session.to_owned()).or_default() += allowed;
        Step {
            moved: allowed,
            capped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(x0: f32, base: f32, right: bool) -> LabelledRow {
        let mut f = vec![0.0; GROUP_FEATURES];
        f[0] = x0;
        LabelledRow {
            features: f,
            base,
            right,
        }
    }

    #[test]
    fn an_untrained_reranker_changes_nothing() {
        let r = OnlineReranker::default();
        assert_eq!(r.delta(&vec![1.0; GROUP_FEATURES]), 0.0);
    }

    #[test]
    fn updates_move_scores_towards_the_truth() {
        let mut r = OnlineReranker::default();
        let rows = vec![row(1.0, 0.4, true), row(-1.0, 0.6, false)];
        for i in 0..5 {
            r.update(&rows, &format!("s{i}"), "session");
        }
        assert!(r.delta(&rows[0].features) > 0.0);
        assert!(r.delta(&rows[1].features) < 0.0);
    }

    #[test]
    fn one_supplier_cannot_move_the_weights_beyond_its_cap() {
        let mut r = OnlineReranker::default();
        // Contradicting lessons keep the gradient large: the cap, not convergence, stops it.
        let yes = vec![row(5.0, 0.1, true)];
        let no = vec![row(5.0, 0.9, false)];
        let rows = yes.clone();
        let mut total = 0.0;
        for i in 0..50 {
            let r_i = if i % 2 == 0 { &yes } else { &no };
            total += r.update(r_i, "same-supplier", "session").moved;
        }
        assert!(total <= r.caps.per_supplier + 1e-4, "{total}");
        let last = r.update(&rows, "same-supplier", "session");
        assert_eq!(last.moved, 0.0);
        assert!(last.capped);
        // Another supplier still can.
        assert!(r.update(&rows, "other", "session").moved > 0.0);
    }
}

//! Dev harness: learn a supplier's layout from document A (its ground truth as checked
//! fields, boxes from the words that carry each value) and show what is recalled on
//! document B. `cargo run -p sapllm-learning --example recall_dev -- A.pdf B.pdf`
use std::collections::BTreeMap;

use sapllm_core::{FieldKey, FieldValue, Page};
use sapllm_document::pdf::PdfEngine;
use sapllm_learning::{CheckedField, Example, LearningState, memory};

fn pages(path: &str) -> Vec<Page> {
    let bytes = std::fs::read(path).unwrap();
    PdfEngine::global(None).unwrap().read(&bytes).unwrap().pages
}

fn truth(path: &str) -> BTreeMap<String, String> {
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path.replace(".pdf", ".json")).unwrap())
            .unwrap();
    t["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

fn find(pages: &[Page], key: FieldKey, want: &str) -> Option<(u32, sapllm_core::BBox)> {
    let norm = key.normalisation();
    let want = norm.apply(want)?;
    for p in pages {
        for l in &p.lines {
            for s in 0..l.words.len() {
                for n in 1..=6.min(l.words.len() - s) {
                    let ws: Vec<&sapllm_core::Word> = l.words[s..s + n]
                        .iter()
                        .map(|&i| &p.words[i as usize])
                        .collect();
                    let text = ws
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let v = match key.value_kind() {
                        sapllm_core::ValueKind::Amount => {
                            sapllm_pipeline::extraction::parse::parse_amount(&text)
                                .map(|d| d.to_string())
                        }
                        sapllm_core::ValueKind::Date => {
                            sapllm_pipeline::extraction::parse::parse_date(&text, None)
                                .map(|d| d.to_string())
                        }
                        _ => Some(text.clone()),
                    };
                    if v.and_then(|v| norm.apply(&v)).as_deref() == Some(want.as_str()) {
                        let b = sapllm_core::BBox::union_all(ws.iter().map(|w| &w.bbox)).unwrap();
                        return Some((p.index, b));
                    }
                }
            }
        }
    }
    None
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (a, b) = (&args[1], &args[2]);
    let pa = pages(a);
    let ta = truth(a);
    let mut checked = Vec::new();
    let mut fields = BTreeMap::new();
    for (k, v) in &ta {
        let Ok(key) = k.parse::<FieldKey>() else {
            continue;
        };
        let value = FieldValue::Text(v.clone());
        fields.insert(key, value.clone());
        let place = find(&pa, key, v);
        checked.push(CheckedField {
            field: key,
            value,
            page: place.map(|p| p.0),
            bbox: place.map(|p| p.1),
            corrected: false,
        });
    }
    let mut st = LearningState::default();
    let r = st.learn(
        &Example {
            pages: pa,
            doc_type: sapllm_core::DocType::Invoice,
            fields,
            checked,
            user: "u".into(),
            session: "s".into(),
        },
        &|rows| rows.iter().map(|r| r.rule_confidence).collect(),
    );
    println!("{r:?}");
    let pb = pages(b);
    let tb = truth(b);
    let layout = &st.suppliers[0].layouts[0];
    println!(
        "similarity A/B: {}",
        sapllm_learning::supplier::similarity(
            &layout.fingerprint,
            &sapllm_learning::supplier::fingerprint(&pb)
        )
    );
    for (k, mem) in &layout.fields {
        let loc = memory::locate(&pb, *k, mem);
        let parsed = loc
            .as_ref()
            .and_then(|(_, _, t, _)| memory::parse_as(*k, t, mem));
        let want = tb.get(k.as_str()).cloned().unwrap_or_default();
        let ok = parsed
            .as_ref()
            .and_then(|v| k.normalisation().apply(&v.to_plain()))
            == k.normalisation().apply(&want);
        println!(
            "{:16} {} anchor={:?} located={:?} parsed={:?} truth={want}",
            k.as_str(),
            if ok { "OK " } else { "BAD" },
            mem.anchor
                .as_ref()
                .map(|a| (&a.label, a.dx, a.dy, a.same_line)),
            loc.map(|l| l.2),
            parsed.map(|v| v.to_plain())
        );
    }
}

//! Queue listing, counts and duplicate lookups.

use sapllm_core::{DocType, FileKind, Route, Severity};
use sapllm_store::{
    DocumentFilter, DocumentSort, DocumentStatus, DuplicateReason, seller_key, seller_key_of,
};

use crate::support::{Inv, date, dec, memory_store, pdf_bytes, result, tick};

#[tokio::test]
async fn queue_filters_searches_sorts_and_carries_the_reasons() {
    let (store, clock) = memory_store().await;
    let mut hashes = Vec::new();
    let specs = [
        (
            "mueller-1.pdf",
            "Müller & Söhne GmbH",
            "RE-1",
            "119.00",
            Route::Review,
        ),
        (
            "acme.pdf",
            "ACME Corp",
            "INV-77",
            "2500.10",
            Route::AutoApprove,
        ),
        (
            "mueller-2.pdf",
            "Müller & Söhne GmbH",
            "RE-2",
            "99.99",
            Route::Reject,
        ),
        ("small.pdf", "Kiosk Eck", "K-9", "9.50", Route::Review),
    ];
    for (n, (file, seller, number, gross, route)) in specs.iter().enumerate() {
        tick(&clock);
        let h = store
            .put_original(&pdf_bytes(n as u32), file, FileKind::Pdf)
            .await
            .unwrap()
            .hash;
        let r = result(
            &h,
            &Inv {
                seller,
                vat: None,
                number: Some(number),
                gross: Some(gross),
                route: *route,
                ..Inv::default()
            },
        );
        store.save_result(&h, &r).await.unwrap();
        hashes.push(h);
    }
    tick(&clock);
    let unprocessed = store
        .put_original(&pdf_bytes(99), "fresh.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;

    // Everything, newest first.
    let all = store
        .list_documents(&DocumentFilter::default())
        .await
        .unwrap();
    let names: Vec<&str> = all.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "fresh.pdf",
            "small.pdf",
            "mueller-2.pdf",
            "acme.pdf",
            "mueller-1.pdf"
        ]
    );
    assert_eq!(all[0].hash, unprocessed);
    assert_eq!(all[0].status, DocumentStatus::Received);
    assert_eq!(all[0].route, None);
    assert_eq!(all[0].gross_total, None);

    // The summary carries the denormalised columns and the routing reasons.
    let m1 = all.iter().find(|d| d.file_name == "mueller-1.pdf").unwrap();
    assert_eq!(m1.hash, hashes[0]);
    assert_eq!(m1.status, DocumentStatus::ToReview);
    assert_eq!(m1.doc_type, Some(DocType::Invoice));
    assert_eq!(m1.seller_name.as_deref(), Some("Müller & Söhne GmbH"));
    assert_eq!(m1.invoice_number.as_deref(), Some("RE-1"));
    assert_eq!(m1.gross_total, Some(dec("119.00")));
    assert_eq!(m1.currency.as_deref(), Some("EUR"));
    assert_eq!(m1.route, Some(Route::Review));
    assert_eq!(m1.latest_version, Some(1));
    assert_eq!(m1.reasons.len(), 1);
    assert_eq!(m1.reasons[0].code, "low_confidence");
    assert_eq!(m1.reasons[0].severity, Severity::Review);
    assert_eq!(m1.reasons[0].message, "gross total unsure");

    // Status filter (one or several).
    let review = store
        .list_documents(&DocumentFilter::default().status(DocumentStatus::ToReview))
        .await
        .unwrap();
    assert_eq!(review.len(), 2);
    let two = DocumentFilter::default()
        .status(DocumentStatus::Rejected)
        .status(DocumentStatus::ReadyToPost);
    let got = store.list_documents(&two).await.unwrap();
    let mut names: Vec<&str> = got.iter().map(|d| d.file_name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["acme.pdf", "mueller-2.pdf"]);

    // Text search over file name, seller (Unicode case-folded) and invoice number.
    let by_seller = store
        .list_documents(&DocumentFilter::default().text("MÜLLER"))
        .await
        .unwrap();
    assert_eq!(by_seller.len(), 2);
    let by_number = store
        .list_documents(&DocumentFilter::default().text("inv-77"))
        .await
        .unwrap();
    assert_eq!(by_number.len(), 1);
    assert_eq!(by_number[0].file_name, "acme.pdf");
    let by_file = store
        .list_documents(&DocumentFilter::default().text("fresh"))
        .await
        .unwrap();
    assert_eq!(by_file.len(), 1);
    let by_hash = store
        .list_documents(&DocumentFilter::default().text(hashes[3].short()))
        .await
        .unwrap();
    assert_eq!(by_hash.len(), 1);
    assert_eq!(by_hash[0].hash, hashes[3]);
    // LIKE wildcards are literal.
    assert!(
        store
            .list_documents(&DocumentFilter::default().text("%"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_documents(&DocumentFilter::default().text("RE_1"))
            .await
            .unwrap()
            .is_empty()
    );
    // Combined with a status.
    let f = DocumentFilter::default()
        .text("müller")
        .status(DocumentStatus::Rejected);
    assert_eq!(store.list_documents(&f).await.unwrap().len(), 1);

    // Sort by amount (Decimal, not text: 9.50 < 99.99 < 119.00 < 2500.10); no amount last.
    let asc = store
        .list_documents(&DocumentFilter::default().sort(DocumentSort::AmountAsc))
        .await
        .unwrap();
    let amounts: Vec<Option<String>> = asc
        .iter()
        .map(|d| d.gross_total.map(|g| g.to_string()))
        .collect();
    assert_eq!(
        amounts,
        vec![
            Some("9.50".into()),
            Some("99.99".into()),
            Some("119.00".into()),
            Some("2500.10".into()),
            None
        ]
    );
    let desc = store
        .list_documents(
            &DocumentFilter::default()
                .sort(DocumentSort::AmountDesc)
                .limit(2),
        )
        .await
        .unwrap();
    let top: Vec<&str> = desc.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(top, vec!["acme.pdf", "mueller-1.pdf"]);
    let oldest = store
        .list_documents(
            &DocumentFilter::default()
                .sort(DocumentSort::ReceivedAsc)
                .limit(1),
        )
        .await
        .unwrap();
    assert_eq!(oldest[0].file_name, "mueller-1.pdf");

    // Counts include zeros.
    let counts = store.counts_by_status().await.unwrap();
    assert_eq!(counts.len(), DocumentStatus::ALL.len());
    assert_eq!(counts[&DocumentStatus::ToReview], 2);
    assert_eq!(counts[&DocumentStatus::ReadyToPost], 1);
    assert_eq!(counts[&DocumentStatus::Rejected], 1);
    assert_eq!(counts[&DocumentStatus::Received], 1);
    assert_eq!(counts[&DocumentStatus::Posted], 0);
}

#[tokio::test]
async fn duplicates_by_number_and_by_amount_and_date_exclude_self() {
    let (store, clock) = memory_store().await;
    let put = async |n: u32, inv: Inv<'_>| {
        tick(&clock);
        let h = store
            .put_original(&pdf_bytes(n), &format!("{n}.pdf"), FileKind::Pdf)
            .await
            .unwrap()
            .hash;
        store.save_result(&h, &result(&h, &inv)).await.unwrap();
        h
    };
    // The original invoice.
    let a = put(1, Inv::default()).await;
    // Other seller, same number/amount/date: never a duplicate of A.
    let _other = put(
        2,
        Inv {
            seller: "ACME",
            vat: Some("DE999999999"),
            ..Inv::default()
        },
    )
    .await;
    // Same seller, different number, same gross and date.
    let c = put(
        3,
        Inv {
            number: Some("RE-2024-777"),
            ..Inv::default()
        },
    )
    .await;
    // Same seller, a delivery note with the same number: not indexed (not postable).
    let _dn = put(
        4,
        Inv {
            doc_type: DocType::DeliveryNote,
            ..Inv::default()
        },
    )
    .await;

    let seller = seller_key(Some("de 123 456 789"), None).unwrap();
    assert_eq!(seller, "vat:DE123456789");
    let r_a = store.latest_result(&a).await.unwrap().unwrap().1;
    assert_eq!(seller_key_of(&r_a).unwrap(), seller);

    // A new document B with the same number written differently, another amount and date.
    let b = store
        .put_original(&pdf_bytes(5), "5.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    let hits = store
        .find_duplicates(
            &seller,
            Some("re 2024 001"),
            Some(dec("50")),
            Some(date(2024, 4, 1)),
            &b,
        )
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].hash, a);
    assert_eq!(hits[0].reason, DuplicateReason::SameNumber);
    assert_eq!(hits[0].invoice_number.as_deref(), Some("RE-2024-001"));
    assert_eq!(hits[0].gross, Some(dec("119.00")));
    assert_eq!(hits[0].issue_date, Some(date(2024, 3, 1)));
    assert_eq!(hits[0].doc_type, DocType::Invoice);
    assert_eq!(hits[0].status, DocumentStatus::ToReview);
    assert_eq!(hits[0].file_name, "1.pdf");

    // Same amount (any scale) and date, unknown number: A and C, oldest first.
    let hits = store
        .find_duplicates(&seller, None, Some(dec("119")), Some(date(2024, 3, 1)), &b)
        .await
        .unwrap();
    let got: Vec<_> = hits.iter().map(|h| (h.hash.clone(), h.reason)).collect();
    assert_eq!(
        got,
        vec![
            (a.clone(), DuplicateReason::SameAmountAndDate),
            (c.clone(), DuplicateReason::SameAmountAndDate)
        ]
    );

    // Both criteria: A by number (reported once), C by amount and date.
    let hits = store
        .find_duplicates(
            &seller,
            Some("RE-2024-001"),
            Some(dec("119.00")),
            Some(date(2024, 3, 1)),
            &b,
        )
        .await
        .unwrap();
    let got: Vec<_> = hits.iter().map(|h| (h.hash.clone(), h.reason)).collect();
    assert_eq!(
        got,
        vec![
            (a.clone(), DuplicateReason::SameNumber),
            (c.clone(), DuplicateReason::SameAmountAndDate)
        ]
    );

    // A document never duplicates itself.
    let hits = store
        .find_duplicates(
            &seller,
            Some("RE-2024-001"),
            Some(dec("119.00")),
            Some(date(2024, 3, 1)),
            &a,
        )
        .await
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.hash.clone()).collect::<Vec<_>>(),
        vec![c.clone()]
    );

    // Amount without date (or nothing at all) matches nothing.
    assert!(
        store
            .find_duplicates(&seller, None, Some(dec("119")), None, &b)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .find_duplicates(&seller, None, None, None, &b)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .find_duplicates("vat:XX000", Some("RE-2024-001"), None, None, &b)
            .await
            .unwrap()
            .is_empty()
    );

    // A re-run replaces the index row: A now has another number and amount.
    store
        .save_result(
            &a,
            &result(
                &a,
                &Inv {
                    number: Some("RE-2024-002"),
                    gross: Some("1.00"),
                    ..Inv::default()
                },
            ),
        )
        .await
        .unwrap();
    let hits = store
        .find_duplicates(&seller, Some("RE-2024-001"), None, None, &b)
        .await
        .unwrap();
    assert!(hits.is_empty(), "{hits:?}");
    let hits = store
        .find_duplicates(&seller, Some("RE-2024-002"), None, None, &b)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].hash, a);

    // Without a VAT ID the seller is identified by its normalised name.
    let d = put(
        6,
        Inv {
            vat: None,
            number: Some("X-1"),
            ..Inv::default()
        },
    )
    .await;
    let by_name = seller_key(None, Some("MÜLLER & SÖHNE gmbh")).unwrap();
    let hits = store
        .find_duplicates(&by_name, Some("x1"), None, None, &b)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].hash, d);
}

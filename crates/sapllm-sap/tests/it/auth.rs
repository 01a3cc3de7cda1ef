//! Basic and OAuth authentication; wrong credentials give clear errors without the secret.

use sapllm_sap::fixtures::{config, po_invoice};
use sapllm_sap::{MappingContext, map_supplier_invoice_with};
use sapllm_sap::{PostError, SapClient, SapError, Secret, SupplierInvoiceApi};

use crate::server;

fn body() -> serde_json::Value {
    let ctx = MappingContext {
        today: chrono::NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
        purchase_order: None,
    };
    map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx).unwrap()
}

#[tokio::test]
async fn oauth_client_credentials_post_and_refresh_after_revocation() {
    let srv = server();
    let (conn, secret) = srv.oauth_connection();
    let client = SapClient::new(conn, secret).unwrap();
    assert!(client.test_connection().await.all_ok());
    client.create(&body()).await.unwrap();
    assert_eq!(srv.health().await.unwrap()["tokensIssued"], 1);

    srv.revoke_tokens().await.unwrap();
    let po = client.purchase_order("4500000001").await.unwrap();
    assert!(po.is_some());
    assert_eq!(
        srv.health().await.unwrap()["tokensIssued"],
        2,
        "a new token after the 401"
    );
}

#[tokio::test]
async fn wrong_password_is_a_clear_auth_error_without_the_password() {
    let srv = server();
    let wrong = "Wr0ng-Passw0rd-4711";
    let (conn, _) = srv.basic_connection();
    let client = SapClient::new(conn, Secret::new(wrong)).unwrap();
    let e = client.purchase_order("4500000001").await.unwrap_err();
    assert!(matches!(e, SapError::Auth { status: 401, .. }), "{e:?}");
    assert!(!e.is_retryable());
    let post: PostError = client.create(&body()).await.unwrap_err();
    assert_eq!((post.code.as_str(), post.retryable), ("auth", false));
    for text in [
        e.to_string(),
        format!("{e:?}"),
        post.message.clone(),
        format!("{post:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(wrong), "secret leaked: {text}");
        assert!(!text.contains(&srv.password), "secret leaked: {text}");
    }
    assert!(e.to_string().contains("refused the credentials"), "{e}");

    let report = client.test_connection().await;
    assert!(!report.all_ok());
    assert_eq!(
        report.checks.len(),
        1,
        "stops after the credentials are refused: {report:?}"
    );
    assert!(!format!("{report:?}").contains(wrong));
}

#[tokio::test]
async fn wrong_client_secret_is_a_clear_auth_error_without_the_secret() {
    let srv = server();
    let wrong = "not-the-client-secret-0815";
    let (conn, _) = srv.oauth_connection();
    let client = SapClient::new(conn, Secret::new(wrong)).unwrap();
    let e = client.supplier("17300001").await.unwrap_err();
    assert!(matches!(e, SapError::Auth { .. }), "{e:?}");
    assert!(
        e.to_string().contains("OAuth token request") && e.to_string().contains("invalid_client"),
        "{e}"
    );
    assert!(!e.to_string().contains(wrong) && !format!("{e:?}").contains(wrong));
}

#[tokio::test]
async fn connection_test_reports_every_step() {
    let srv = server();
    let report = srv.basic_client().test_connection().await;
    assert!(report.all_ok(), "{report:?}");
    let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "supplier invoice service",
            "purchase order service",
            "business partner service",
            "CSRF token"
        ]
    );
}

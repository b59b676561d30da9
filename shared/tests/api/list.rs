//! Listing an organization's invitations: filters, order, paging and every bad query.

use axum::http::StatusCode;

use crate::helpers::app::TestApp;

#[tokio::test]
async fn every_bad_list_query_gets_its_code() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme Inc", 0).await;
    for (q, code, param) in [
        ("limit=0", "form_param_value_invalid", "limit"),
        ("limit=501", "form_param_value_invalid", "limit"),
        ("limit=abc", "form_param_format_invalid", "limit"),
        ("offset=-1", "form_param_format_invalid", "offset"),
        ("status=open", "form_param_value_invalid", "status"),
        ("order_by=role", "form_param_value_invalid", "order_by"),
        (
            "email_address=nope",
            "form_param_format_invalid",
            "email_address",
        ),
        ("cursor=%%%", "form_param_format_invalid", "cursor"),
    ] {
        let reply = app
            .get(&format!("/v1/organizations/{org}/invitations?{q}"))
            .await;
        assert_eq!(
            (reply.status, reply.code(), reply.param()),
            (StatusCode::UNPROCESSABLE_ENTITY, code, param),
            "{q}"
        );
    }
    let ok = app.get(&format!("/v1/organizations/{org}/invitations?limit=500&offset=0&status=pending&status=expired&order_by=-email_address")).await;
    assert_eq!(ok.status, StatusCode::OK);
    let members = app
        .get(&format!("/v1/organizations/{org}/memberships?limit=0"))
        .await;
    assert_eq!(
        (members.status, members.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "limit")
    );
}

//! Resending: a new link kills the old one and extends the expiry.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::links::*;
use crate::helpers::*;

async fn a_resend_kills_the_old_link_and_extends_the_expiry(h: Harness) {
    let f = Flow::new(h.store.clone()).await;
    let inv = f.invite("grace@example.com").await;
    let id = inv["id"].as_str().unwrap();
    f.app.clock.advance(5 * DAY);
    let resent = f
        .app
        .post(
            &format!("/v1/organizations/{}/invitations/{id}/resend", f.org),
            json!({}),
        )
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    assert_eq!(resent.body["expires_at"], json!(T0 + 5 * DAY + 30 * DAY));
    let old = f.follow(inv["url"].as_str().unwrap(), None).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    assert!(old.body.as_str().unwrap().contains("ticket_superseded"));
    let (_, _, status) = redirect(&f.follow(resent.body["url"].as_str().unwrap(), None).await);
    assert_eq!(status, "sign_up");
    // Still the one pending invitation for the address.
    let dup = f
        .app
        .post(
            &format!("/v1/organizations/{}/invitations", f.org),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(dup.code(), "duplicate_record");
}

both_stores!(a_resend_kills_the_old_link_and_extends_the_expiry,);

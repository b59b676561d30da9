//! Findings 1 and 2: budgets and limits that one person could spend for others.

use super::super::*;

use axum::http::StatusCode;
use invitations::domain::limits::Limit;

use crate::helpers::links::path_of;

// 1. One link locked out a whole organization.

/// Whoever holds one link (an invitee, a forwarded email, a scanner) spends that link's budget
/// alone: 300 GETs and HEADs of it, then another invitee's link still answers its 302; the
/// spent link's refusal, in JSON or as the browser's page, says when to come back.
async fn finding_1_one_link_followed_300_times_leaves_another_invitees_link_working(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let link = |address: &'static str| {
        let app = &app;
        let org = org.clone();
        async move {
            let reply = app
                .post(
                    &format!("/v1/organizations/{org}/invitations"),
                    json!({"email_address": address, "role": "org:member"}),
                )
                .await;
            path_of(reply.body["url"].as_str().unwrap())
        }
    };
    let hammered = link("forwarded@example.com").await;
    let other = link("colleague@example.com").await;
    let mut answered = 0;
    for n in 0..300 {
        let method = if n % 2 == 0 {
            Method::GET
        } else {
            Method::HEAD
        };
        let reply = app.request(method, &hammered, &[], None).await;
        if reply.status == StatusCode::FOUND {
            answered += 1;
        }
    }
    assert_eq!(answered, 20, "the link's own budget; HEAD counts as GET");
    let spent = app.get(&hammered).await;
    assert_eq!(
        (spent.status, spent.code()),
        (StatusCode::TOO_MANY_REQUESTS, "link_lookup_limit_reached")
    );
    assert!(retry_after(&spent) <= 3600);
    let page = app
        .request(
            Method::GET,
            &hammered,
            &[("accept", "text/html".into())],
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.headers.get("retry-after").is_some(),
        "the browser's page says when too"
    );
    let colleague = app.get(&other).await;
    assert_eq!(colleague.status, StatusCode::FOUND, "{}", colleague.body);
}

/// With the budget set low, the limit is still the link's: the third link of one organization
/// is not refused for the first two's lookups.
async fn finding_1_link_budgets_are_per_invitation_whatever_their_size(h: Harness) {
    let (app, _) = app_over(&h, limits(|l| l.link_lookups = Limit::per_hour(2)));
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let mut links = Vec::new();
    for n in 0..3 {
        let reply = app
            .post(
                &format!("/v1/organizations/{org}/invitations"),
                json!({"email_address": format!("p{n}@example.com"), "role": "org:member"}),
            )
            .await;
        links.push(path_of(reply.body["url"].as_str().unwrap()));
    }
    for link in &links {
        for _ in 0..2 {
            assert_eq!(app.get(link).await.status, StatusCode::FOUND);
        }
        assert_eq!(app.get(link).await.status, StatusCode::TOO_MANY_REQUESTS);
    }
}

// 2. The per-recipient limit counted address strings, not mailboxes.

/// 40 spellings of one Gmail inbox (tags, dots, `googlemail.com`, case), from one organization
/// a minute apart (past the cooldown): the inbox gets its daily limit (5), no more.
async fn finding_2_spellings_of_one_gmail_mailbox_share_its_daily_limit(h: Harness) {
    let (app, mailer) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let spellings: Vec<String> = (0..40)
        .map(|n| match n % 4 {
            0 => format!("victim+{n}@gmail.com"),
            1 => format!("v.ictim+{n}@googlemail.com"),
            2 => format!("vi.ct.im+{n}@Gmail.com"),
            _ => format!("V.I.C.T.I.M+{n}@gmail.com"),
        })
        .collect();
    let mut refused = 0;
    for address in &spellings {
        h.clock.advance(61 * SECOND);
        let reply = app
            .post(
                &path,
                json!({"email_address": address, "role": "org:member"}),
            )
            .await;
        match reply.status {
            StatusCode::OK => {}
            _ => {
                assert_eq!(
                    (reply.status, reply.code()),
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        "recipient_email_limit_reached"
                    ),
                    "{address}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!(mailer.sent().len(), 5, "one inbox, its daily limit");
    assert_eq!(refused, 35);
    // The addresses are kept as typed.
    assert_eq!(mailer.sent()[1].to, "v.ictim+1@googlemail.com");
}

/// The cooldown is the mailbox's too: a second spelling within the minute waits.
async fn finding_2_the_cooldown_counts_the_mailbox_not_the_spelling(h: Harness) {
    let (app, mailer) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let first = app
        .post(
            &path,
            json!({"email_address": "ada@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app
        .post(
            &path,
            json!({"email_address": "ada+2@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::TOO_MANY_REQUESTS, "resend_cooldown")
    );
    assert_eq!(mailer.sent().len(), 1);
}

both_stores!(
    finding_1_one_link_followed_300_times_leaves_another_invitees_link_working,
    finding_1_link_budgets_are_per_invitation_whatever_their_size,
    finding_2_spellings_of_one_gmail_mailbox_share_its_daily_limit,
    finding_2_the_cooldown_counts_the_mailbox_not_the_spelling,
);

//! The findings of the second attack review (issue 18): limits that could be turned against
//! the people they protect, and what was left of the first round.

use super::*;

use axum::http::StatusCode;

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
    finding_2_spellings_of_one_gmail_mailbox_share_its_daily_limit,
    finding_2_the_cooldown_counts_the_mailbox_not_the_spelling,
);

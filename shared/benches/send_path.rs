#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The CPU cost of what an invite adds before and after its DynamoDB and SES round trips:
//! issuing a ticket, composing the email (three templates), verifying a ticket when followed,
//! and writing a message to the local outbox. `cargo bench -p invitations --bench send_path`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use invitations::domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Metadata, PublicOrganizationData,
    PublicUserData,
};
use invitations::mail::compose::EmailTemplates;
use invitations::mail::outbox::OutboxMailer;
use invitations::mail::Mailer;
use invitations::tokens::ticket::TicketSigner;

fn invitation() -> Invitation {
    Invitation {
        id: InvitationId::generate(),
        organization: PublicOrganizationData {
            id: "org_2vFixtureAcmeInc00000000000".into(),
            name: "Acme <Research & Development>".into(),
            slug: "acme".into(),
        },
        email_address: EmailAddress::parse("e", "grace.hopper@example.com").unwrap(),
        role: "org:member".into(),
        inviter: Some(PublicUserData {
            user_id: "user_x".into(),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            image_url: None,
            identifier: "ada@example.com".into(),
        }),
        stored_status: InvitationStatus::Pending,
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        redirect_url: None,
        notify: true,
        ticket_hash: None,
        ticket_issued_at: 0,
        written_by: None,
        validity_days: 30,
        locale: "en".into(),
        delivery: None,
        accepted_user_id: None,
        declined_via: None,
        remind: false,
        remind_at: None,
        reminder: None,
        domain_offer: None,
        link_id: None,
        expires_at: 1_792_592_000_000,
        created_at: 1_790_000_000_000,
        updated_at: 1_790_000_000_000,
    }
}

fn send_path(c: &mut Criterion) {
    let signer = TicketSigner::hs256(b"bench-ticket-secret-0123456789abcdef").unwrap();
    let templates = EmailTemplates::new();
    let inv = invitation();
    let issued = signer
        .issue(
            &inv.id,
            &inv.organization.id,
            inv.email_address.key(),
            inv.created_at,
            inv.expires_at,
        )
        .unwrap();
    let url = format!(
        "https://invitations.example.com/v1/tickets/accept?ticket={}",
        issued.token
    );

    c.bench_function("issue an HS256 ticket", |b| {
        b.iter(|| {
            signer
                .issue(
                    black_box(&inv.id),
                    "org_x",
                    "grace@example.com",
                    inv.created_at,
                    inv.expires_at,
                )
                .unwrap()
        })
    });
    c.bench_function("verify an HS256 ticket", |b| {
        b.iter(|| {
            signer
                .verify(black_box(&issued.token), inv.created_at)
                .unwrap()
        })
    });
    c.bench_function("compose the invitation email (subject, HTML, text)", |b| {
        b.iter(|| {
            templates
                .invitation(black_box(&inv), &url, "Member")
                .unwrap()
        })
    });
    let dir = std::env::temp_dir().join("invitations-bench-outbox");
    let outbox = OutboxMailer::new(&dir, "Invitations <invitations@example.com>").unwrap();
    let email = templates.invitation(&inv, &url, "Member").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    c.bench_function("write one message to the outbox (a mailbox append)", |b| {
        b.iter(|| runtime.block_on(outbox.send(black_box(&email))).unwrap())
    });
    std::fs::remove_dir_all(dir).ok();
}

criterion_group!(benches, send_path);
criterion_main!(benches);

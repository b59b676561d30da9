//! Shareable invitation links: the cap held under concurrency on both stores, each refusal with
//! its own code and nothing stored, opening that uses nothing, events, and lost answers.

mod events;
mod faults;
mod http;
mod redemption;
mod refusals;

use invitations::domain::invitation_link::NewLink;
use invitations::domain::{Organization, User};
use invitations::service::{Actor, CreatedLink};
use invitations::tokens::session::Session;

use crate::helpers::Harness;

pub async fn make_link(h: &Harness, org: &Organization, new: NewLink) -> CreatedLink {
    h.service
        .create_link(&Actor::Backend, &org.id, new)
        .await
        .expect("link made")
}

pub fn uses(max_uses: u32) -> NewLink {
    NewLink {
        max_uses: Some(max_uses),
        ..NewLink::default()
    }
}

/// The person signed in, with their first address verified.
pub fn session_of(person: &User) -> Session {
    Session {
        user_id: person.id.clone(),
        verified_email: person
            .email_addresses
            .first()
            .map(|e| e.address.as_str().to_string()),
    }
}

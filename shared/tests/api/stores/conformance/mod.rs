//! One suite, both stores: the in-memory store is held to what DynamoDB does, by capability.

use invitations::domain::InvitationQuery;
use invitations::http::parse::{invitation_query, query_pairs};

mod acceptance;
mod create;
mod directory;
mod expiry;
mod listing;
mod revoke;
mod status_lists;

fn query(q: &str) -> InvitationQuery {
    invitation_query(&query_pairs(Some(q))).unwrap()
}

fn emails(page: &invitations::domain::Page<invitations::domain::Invitation>) -> Vec<String> {
    page.data
        .iter()
        .map(|i| i.email_address.as_str().to_string())
        .collect()
}

//! Answers the routes share: an invitation or a page of them as the caller may see them, a
//! membership, and the headers of answers that carry an accept link.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::AppState;
use crate::domain::{Invitation, Membership, Organization, Page};
use crate::service::{Actor, IssuedInvitation};
use crate::wire::{self, InvitationBody, InvitationView, List};

/// An invitation as `actor` may see it.
pub fn invitation<'a>(state: &AppState, actor: &Actor, inv: &'a Invitation) -> InvitationBody<'a> {
    let (roles, now) = (state.service.roles(), state.service.now());
    wire::invitation(InvitationView::for_actor(actor), inv, roles, now, None)
}

/// An invitation just created (or resent), with its accept link.
pub fn issued<'a>(
    state: &AppState,
    actor: &Actor,
    issued: &'a IssuedInvitation,
) -> InvitationBody<'a> {
    let (roles, now) = (state.service.roles(), state.service.now());
    let view = InvitationView::for_actor(actor);
    wire::invitation(view, &issued.invitation, roles, now, issued.url.as_deref())
}

/// One page of invitations as Clerk's list, each as `actor` may see it (the clock read once).
pub fn page(state: &AppState, actor: &Actor, page: Page<Invitation>) -> Response {
    let (roles, now) = (state.service.roles(), state.service.now());
    let view = InvitationView::for_actor(actor);
    let data: Vec<_> = page
        .data
        .iter()
        .map(|inv| wire::invitation(view, inv, roles, now, None))
        .collect();
    let capacity = 256 + 1024 * data.len();
    sized_json(
        &List::new(data, page.total_count, page.next_cursor),
        capacity,
    )
}

/// A JSON answer written into a buffer of about its size: `Json` starts at 128 bytes, and a
/// page of invitations (about 1 KB each) grew it six times, a copy each time.
fn sized_json(body: &impl Serialize, capacity: usize) -> Response {
    let mut buffer = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut buffer, body) {
        Ok(()) => (
            [(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            )],
            buffer,
        )
            .into_response(),
        // Not expected of these bodies; `Json` answers it as it would have.
        Err(_) => Json(body).into_response(),
    }
}

/// Create and resend answers carry the accept link: never cached.
pub fn with_link(body: impl Serialize) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response()
}

/// A membership with its organization, as `actor` may see both.
pub fn membership(state: &AppState, actor: &Actor, m: &Membership, org: &Organization) -> Response {
    Json(wire::membership(actor, m, org, state.service.roles())).into_response()
}

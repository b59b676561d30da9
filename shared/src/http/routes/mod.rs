//! The route table: every route, declared once (method, path, function, audience, handler and
//! OpenAPI operation), one resource per file beside its handlers. The routers of each function
//! and of the local server, the OpenAPI document and the template's cross-check
//! (`deploy::template_wiring`) are all read from it.

use axum::Router;

use super::table::{Function, Route};
use super::AppState;

mod across_organizations;
mod audit;
mod document;
mod domains;
mod email;
mod invitation_links;
mod invitations;
mod memberships;
mod organizations;
mod tickets;
mod users;
mod ways_in;

pub use document::document;
pub use tickets::ACCEPT_LINK_PATH;

/// Every resource's routes.
const RESOURCES: &[&[Route]] = &[
    invitations::ROUTES,
    across_organizations::ROUTES,
    tickets::ROUTES,
    users::ROUTES,
    organizations::ROUTES,
    memberships::ROUTES,
    email::ROUTES,
    audit::ROUTES,
    domains::ROUTES,
    ways_in::ROUTES,
    invitation_links::ROUTES,
    document::ROUTES,
];

/// Every route of every function.
pub fn all() -> impl Iterator<Item = &'static Route> {
    RESOURCES.iter().flat_map(|routes| routes.iter())
}

/// The routes `function` serves, or every route (the local server).
pub fn router(function: Option<Function>) -> Router<AppState> {
    all()
        .filter(|r| function.is_none_or(|f| r.function == f))
        .filter(|r| r.verb != super::table::Verb::HEAD)
        .fold(Router::new(), |router, r| {
            router.route(r.path, (r.handler)(r.verb.filter()))
        })
}

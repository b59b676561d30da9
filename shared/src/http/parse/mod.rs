//! Parsing at the edge: request bodies, query strings and tickets become the service's typed
//! commands here, every bad field reported with its own code; nothing half-parsed goes further.

mod audit;
mod bodies;
mod domains;
mod fields;
mod links;
pub mod number;
mod query;

pub use audit::{audit_cursor, audit_query};
pub use bodies::{
    bulk_invitations, invitation, invitation_action, membership, metadata_patch, organization,
    organization_patch, role_update, ticket, user, BULK_MAX_ITEMS,
};
pub use domains::{
    domain_list, domain_patch, instance_domain_query, new_domain, request_list, required_text,
};
pub use fields::Fields;
pub use links::{limit_offset_only, new_link};
pub use query::{
    invitation_query, limit_offset, organization_list_query, person_query, query_pairs, PersonQuery,
};

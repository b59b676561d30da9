//! Organization invitations, the way Clerk's Backend API shapes them.
//!
//! - [`domain`]: the vocabulary (addresses, roles, invitations, memberships) with no I/O.
//! - [`service`]: the operations, written against the [`store`] traits and a [`clock`].
//! - [`store`]: the persistence traits and their two adapters (in-memory and DynamoDB).
//! - [`http`]: the routers each Lambda function (and the local server) serves.
//! - [`runtime`]: configuration and the state built once per cold start.

pub mod clock;
pub mod domain;
pub mod http;

pub mod ids;
pub mod mail;
pub mod runtime;
pub mod service;

pub mod store;
pub mod tokens;

//! Organization invitations, the way Clerk's Backend API shapes them.
//!
//! - [`domain`]: the vocabulary (addresses, roles, invitations, memberships) with no I/O.
//! - [`service`]: the operations, written against the [`store`] traits and a [`clock`].
//! - [`store`]: the persistence traits and their two adapters (in-memory and DynamoDB).
//! - [`http`]: the routers each Lambda function (and the local server) serves.
//! - [`config`]: configuration from the environment, one function per concern.
//! - [`runtime`]: the state built once per cold start, and a function's `main`.
//! - [`mail`]: composing the invitation email and sending it (SES, outbox).
//! - [`tokens`]: tickets (signed by this service) and sessions (from the identity provider).

pub mod aws;
pub mod clock;
pub mod config;
pub mod domain;
pub mod events;
pub mod http;

pub mod ids;
pub mod mail;
pub mod runtime;
pub mod service;

pub mod store;
pub mod tokens;

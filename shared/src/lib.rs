//! Organization invitations, the way Clerk's Backend API shapes them.
//!
//! The layers, lowest first; a module imports only from layers below its own (a test,
//! `structure::every_module_imports_only_from_the_layers_below_it`, holds this):
//!
//! 1. [`clock`], [`ids`], [`pem`], [`telemetry`] (the metrics, named once), [`domain`]: the
//!    vocabulary (addresses, roles, invitations, memberships, limits, redirect policy) with no
//!    I/O.
//! 2. [`aws`]: what the AWS SDK clients share (region, credentials, the HTTPS client);
//!    [`files`]: the local server's folders, each written by one thread.
//! 3. [`tokens`] (tickets this service signs, sessions from the identity provider) and
//!    [`mail`] (composing the invitation email; SES, the outbox).
//! 4. [`store`]: the persistence traits, by capability, their change type, and their two
//!    adapters (in memory, DynamoDB).
//! 5. [`service`]: the operations, against the store traits and a clock.
//! 6. [`wire`]: Clerk's shapes, one body per object, for HTTP answers and event payloads alike.
//! 7. [`http`] (the route table and its handlers) and [`events`] (changes to Clerk-shaped
//!    events, signed webhooks): side by side, neither imports the other.
//! 8. [`config`]: configuration from the environment, one kind per kind of function; no I/O.
//! 9. [`runtime`]: start-up and its I/O (secrets, clients, the store, the pipeline), and the
//!    whole of each function's `main`.

pub mod clock;
pub mod domain;
pub mod ids;
pub mod pem;
pub mod telemetry;

pub mod aws;
pub mod files;

pub mod mail;
pub mod tokens;

pub mod store;

pub mod service;

pub mod wire;

pub mod events;
pub mod http;

pub mod config;

pub mod runtime;

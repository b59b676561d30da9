//! Verified domains, what they offer people, and membership requests: Clerk's shapes over HTTP
//! on both stores, claims under concurrency, the person's reads, and answers given twice.

mod claims;
mod code;
mod events;
mod faults;
mod offers;
mod reads;
mod requests;
mod spec;

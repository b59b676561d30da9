//! What deploys: Lambda events through each function, the template's wiring, and the secrets
//! each function reads.

mod lambda_events;
mod monitoring;
mod readme;
mod secrets;
mod template;
mod template_secrets;
mod template_wiring;

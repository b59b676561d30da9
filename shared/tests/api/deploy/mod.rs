//! What deploys: Lambda events through each function, and the template's wiring.

mod lambda_events;
mod secrets;
mod template_wiring;

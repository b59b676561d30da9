//! What deploys: Lambda events through each function, and the template's wiring.

mod lambda_events;
mod template_wiring;

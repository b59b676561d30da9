//! The `bounces` function: subscribed to the SNS topic the SES configuration set publishes
//! delivery, bounce and complaint events to, it records each one on its invitation.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    invitations::runtime::run_bounces().await
}

//! The `events` function: fed the table's change stream, it turns each changed invitation or
//! membership into Clerk-shaped events and delivers them as signed webhooks (and to EventBridge
//! when configured), reporting the records it could not finish as batch item failures.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    invitations::runtime::run_events().await
}

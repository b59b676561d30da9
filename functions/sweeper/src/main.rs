//! The `sweeper` function: run by an EventBridge Scheduler schedule every 5 minutes, it marks
//! pending invitations past their expiry `expired` and frees their seats.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    invitations::runtime::run_sweeper().await
}

//! The `invite` function: create and bulk-create invitations.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(invitations::http::invite_routes).await
}

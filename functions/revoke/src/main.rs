//! The `revoke` function: revoke a pending invitation.
//! Its routes are its rows of the route table (`invitations::http::routes`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_http(invitations::http::Function::Revoke).await
}

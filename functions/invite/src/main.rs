//! The `invite` function: create, bulk-create and resend invitations (the only function that
//! sends email and signs tickets).
//! Its routes are its rows of the route table (`invitations::http::routes`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_http(invitations::http::Function::Invite).await
}

//! The `ticket-verify` function: the link in the email (302), accept and decline: it verifies
//! tickets and holds no secret.
//! Its routes are its rows of the route table (`invitations::http::routes`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_http(invitations::http::Function::TicketVerify).await
}

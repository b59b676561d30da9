//! The `ticket-verify` function: verify a ticket and redirect, accept an invitation.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(
        invitations::http::ticket_routes,
        invitations::config::Uses {
            mail: false,
            tickets: true,
        },
    )
    .await
}

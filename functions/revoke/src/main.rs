//! The `revoke` function: revoke a pending invitation.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(
        invitations::http::revoke_routes,
        invitations::config::Uses {
            mail: false,
            tickets: false,
        },
    )
    .await
}

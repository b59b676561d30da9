//! The `revoke` function: revoke a pending invitation.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(
        invitations::http::revoke_routes,
        invitations::runtime::Email::Never,
    )
    .await
}

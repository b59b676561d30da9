//! The `invite` function: create, bulk-create and resend invitations (the only function that
//! sends email).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(
        invitations::http::invite_routes,
        invitations::config::Uses {
            mail: true,
            tickets: true,
        },
    )
    .await
}

//! The `directory` function: users, organizations and memberships.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(
        invitations::http::directory_routes,
        invitations::config::Uses {
            mail: false,
            tickets: false,
        },
    )
    .await
}

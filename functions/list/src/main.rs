//! The `list` function: list and get invitations (read-only).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_function(
        invitations::http::list_routes,
        invitations::config::Uses {
            mail: false,
            tickets: false,
        },
    )
    .await
}

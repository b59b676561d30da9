//! The `directory` function: users, organizations and memberships, for backends.
//! Its routes are its rows of the route table (`invitations::http::routes`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations::runtime::run_http(invitations::http::Function::Directory).await
}

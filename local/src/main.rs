//! Every route of every function on one port, on the embedded in-memory store by default:
//! no AWS account, nothing to start by hand.

use std::net::SocketAddr;

use axum::response::Html;
use axum::routing::get;
use invitations::config::{Config, MailerConfig, Mode, StoreConfig};
use invitations::http::{self, AppState};
use invitations::runtime::build_state;

const INDEX: &str = include_str!("index.html");

/// Errors are printed as sentences (their `Display`), not as debug structures.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber_init();
    match serve().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, not {p:?}"))?,
        Err(_) => 3000,
    };
    let config = Config::from_env(Mode::Local { port })?;
    let state = build_state(&config).await?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let routes = http::all_routes().route("/", get(|| async { Html(INDEX) }));
    let app = http::app(routes, state.clone());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    print_banner(&addr, &config, &state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

fn print_banner(addr: &SocketAddr, config: &Config, _state: &AppState) {
    let store = match &config.store {
        StoreConfig::Memory => "in-memory (nothing persists)".to_string(),
        StoreConfig::DynamoDb { table, endpoint } => {
            format!(
                "DynamoDB table {table} at {}",
                endpoint.as_deref().unwrap_or("AWS")
            )
        }
    };
    println!("Invitations API listening on http://{addr}");
    println!("  store:      {store}");
    println!("  secret key: {}", config.secret_keys[0]);
    match &config.mailer {
        MailerConfig::Disabled => println!("  email:      not sent"),
        MailerConfig::Outbox { dir, .. } => {
            println!("  email:      written to {dir}/ (open the newest .html in a browser, or the .eml in a mail client)")
        }
        MailerConfig::Ses { from, endpoint, .. } => {
            println!(
                "  email:      SES from {from} at {}",
                endpoint.as_deref().unwrap_or("AWS")
            )
        }
    }
    println!(
        "  links:      {}v1/tickets/accept?ticket=…",
        config.links.public_base_url
    );
    println!(
        "  sessions:   {}",
        if config.sessions.is_some() {
            "verified (SESSION_* set)"
        } else {
            "not configured (set SESSION_JWT_SECRET, SESSION_JWT_PUBLIC_KEY or SESSION_JWKS_URL)"
        }
    );
    println!("  try:        curl -H 'Authorization: Bearer {}' http://{addr}/v1/organizations/org_x/invitations", config.secret_keys[0]);
}

fn tracing_subscriber_init() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

//! Every route of every function on one port, on the embedded in-memory store by default:
//! no AWS account, nothing to start by hand.

use std::net::SocketAddr;

use invitations::config::{
    environment, EventsConfig, HttpConfig, MailerConfig, StoreConfig, Target,
};
use invitations::http;
use invitations::runtime::{http_state, pipeline, resolve_secrets, store, Aws};

/// The local server answers many small requests from many threads; glibc's allocator was
/// about a seventh of its time under `scripts/bench-load` (arenas, consolidation).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod demo;
mod guard;
mod metrics;
mod schedule;

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
    let sweep_every = schedule::sweep_interval()?;
    let metrics = metrics::install()?;
    let aws = Aws::default();
    let env = environment();
    let mut config = HttpConfig::from_lookup(Target::Local { port }, &env)?;
    let demo_key = demo::configure_sessions(&mut config);
    let demo_key_set = demo_key.is_some();
    resolve_secrets(&aws, &mut config).await?;
    config.check_keys_are_distinct()?;
    let built = store(&config.store, true, &aws).await?;
    let state = http_state(&config, built.shared.clone(), &aws)?;
    tokio::spawn(schedule::sweep_on_schedule(
        state.service.clone(),
        sweep_every,
    ));
    let mut events = EventsConfig::from_lookup(true, &env)?;
    // The in-memory store's change feed runs the events pipeline in process: each event a
    // JSON file beside the outbox, and signed webhooks to `WEBHOOK_ENDPOINTS`.
    if let Some(feed) = built.feed {
        resolve_secrets(&aws, &mut events).await?;
        let clock = std::sync::Arc::new(invitations::clock::SystemClock);
        let pipeline = pipeline(&events, built.shared, clock, &aws)?;
        println!(
            "  events:     {}/ ({} webhook endpoint(s))",
            events.local_dir.as_deref().unwrap_or_default(),
            pipeline.endpoints.len()
        );
        follow_on_own_thread(pipeline, feed)?;
    }
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut app = metrics::routes(metrics, state.clone()).merge(http::app(None, state.clone()));
    // The demo needs its own session key (an environment naming a real identity provider
    // gets the API alone) and the in-memory store's fresh data.
    if let Some(key) = demo_key {
        let outbox = match &config.mailer {
            MailerConfig::Outbox { dir, .. } => Some(std::path::PathBuf::from(dir)),
            _ => None,
        };
        let events_dir = events.local_dir.as_ref().map(std::path::PathBuf::from);
        match demo::seed(&state, key, outbox, events_dir).await {
            Ok(seeded) => {
                app = demo::routes(std::sync::Arc::new(seeded), state.clone()).merge(app);
                println!("  demo:       http://{addr}/ (sign in as Ada, admin of Acme, or Grace, a member)");
            }
            Err(e) => eprintln!("the demo was not seeded ({e}); the API is served alone"),
        }
    }
    let hosts = guard::AllowedHosts::new(port, &config.links.public_base_url);
    let app = app.layer(axum::middleware::from_fn_with_state(hosts, guard::guard));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    print_banner(&addr, &config, demo_key_set);
    tokio::select! {
        served = accept_loop(listener, app, HEADER_READ_TIMEOUT) => Ok(served?),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// The events pipeline runs on a thread and runtime of its own, as production runs it in a
/// function of its own: on the request threads, a batch's events were derived and serialized
/// in one poll (a feed behind under load handed over thousands of changes), and every request
/// queued on that thread waited for it (`scripts/bench-load`'s rate swung between 7,000 and
/// 17,000 a second).
fn follow_on_own_thread(
    pipeline: invitations::events::pipeline::Pipeline,
    feed: tokio::sync::mpsc::UnboundedReceiver<invitations::store::change::Change>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("events".into())
        .spawn(move || runtime.block_on(pipeline.follow(feed)))?;
    Ok(())
}

/// A request whose headers have not all arrived by then is dropped: a half-sent request must
/// not hold a connection open (axum's own `serve` sets no such limit).
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_read_timeout: std::time::Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    loop {
        let (stream, _) = listener.accept().await?;
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(error = %e, "connection closed");
            }
        });
    }
}

fn print_banner(addr: &SocketAddr, config: &HttpConfig, demo: bool) {
    let store = match &config.store {
        StoreConfig::Memory => "in-memory (nothing persists)".to_string(),
        StoreConfig::DynamoDb {
            table, endpoint, ..
        } => {
            format!(
                "DynamoDB table {table} at {}",
                endpoint.as_deref().unwrap_or("AWS")
            )
        }
    };
    println!("Invitations API listening on http://{addr}");
    println!("  store:      {store}");
    let key = config.backend_keys.plain.first().map_or(
        "(given as a digest: INVITATIONS_SECRET_KEY_SHA256)",
        String::as_str,
    );
    println!("  secret key: {key}");
    match &config.mailer {
        MailerConfig::Disabled => println!("  email:      not sent"),
        MailerConfig::Outbox { dir, .. } => {
            println!(
                "  email:      appended to {dir}/{} (the demo shows the newest; `mutt -f` opens it)",
                invitations::mail::outbox::MAILBOX
            )
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
        "  redirects:  only to {} (ALLOWED_REDIRECT_ORIGINS)",
        config.policy.redirects.describe()
    );
    println!(
        "  sessions:   {}",
        if demo {
            "the demo's (a development key made up at start; no deployed function accepts it)"
        } else if config.sessions.is_some() {
            "verified (SESSION_* set)"
        } else {
            "not configured (set SESSION_JWT_SECRET, SESSION_JWT_PUBLIC_KEY or SESSION_JWKS_URL)"
        }
    );
    println!(
        "  metrics:    http://{addr}/metrics (Prometheus; with the secret key as a Bearer token)"
    );
    println!("  try:        curl -H 'Authorization: Bearer {key}' http://{addr}/v1/organizations");
}

fn tracing_subscriber_init() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn server(timeout: std::time::Duration) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
        tokio::spawn(async move { accept_loop(listener, app, timeout).await });
        addr
    }

    #[tokio::test]
    async fn a_half_sent_request_is_dropped_after_the_header_timeout() {
        let addr = server(std::time::Duration::from_millis(200)).await;
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut rest = Vec::new();
        // The guard only keeps a broken build from hanging; the server closes long before.
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            stream.read_to_end(&mut rest),
        )
        .await;
        assert!(matches!(read, Ok(Ok(_))), "the connection was not closed");
        assert!(
            !String::from_utf8_lossy(&rest).contains("200 OK"),
            "no request was served"
        );
    }

    /// The server's own guard over a route, on a real connection.
    async fn guarded(body_timeout: std::time::Duration) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = url::Url::parse(&format!("http://127.0.0.1:{}/", addr.port())).unwrap();
        let hosts = guard::AllowedHosts::with_body_timeout(addr.port(), &base, body_timeout);
        let app = axum::Router::new()
            .route("/", axum::routing::post(|body: String| async move { body }))
            .layer(axum::middleware::from_fn_with_state(hosts, guard::guard));
        tokio::spawn(async move { accept_loop(listener, app, HEADER_READ_TIMEOUT).await });
        addr
    }

    async fn exchange(addr: SocketAddr, head: &str, trickle: &[&str]) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        for part in trickle {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            if stream.write_all(part.as_bytes()).await.is_err() {
                break;
            }
        }
        let mut reply = String::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            stream.read_to_string(&mut reply),
        )
        .await;
        reply
    }

    #[tokio::test]
    async fn a_page_reaching_the_server_by_another_name_is_refused() {
        let addr = guarded(std::time::Duration::from_secs(5)).await;
        let port = addr.port();
        let rebinding = exchange(
            addr,
            &format!("POST / HTTP/1.1\r\nHost: evil.example:{port}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            &[],
        )
        .await;
        assert!(rebinding.starts_with("HTTP/1.1 421"), "{rebinding}");
        assert!(rebinding.contains("host_not_allowed"), "{rebinding}");
        let own = exchange(
            addr,
            &format!("POST / HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            &[],
        )
        .await;
        assert!(own.starts_with("HTTP/1.1 200"), "{own}");
    }

    #[tokio::test]
    async fn a_body_sent_a_byte_at_a_time_is_cut_off() {
        let addr = guarded(std::time::Duration::from_millis(500)).await;
        let port = addr.port();
        let trickle = ["a"; 20];
        let reply = exchange(
            addr,
            &format!("POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 20\r\nConnection: close\r\n\r\n"),
            &trickle,
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    }

    #[tokio::test]
    async fn a_whole_request_is_served() {
        let addr = server(std::time::Duration::from_millis(200)).await;
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.unwrap();
        assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    }
}

//! The demo app, served by the local server only: a few seeded people, sessions minted with a
//! development key made up at start (no deployed function knows it), the outbox's last emails,
//! and the static pages and browser client. Nothing here is part of a Lambda function.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use invitations::config::{HttpConfig, Secret, SecretSource, SessionConfig, SessionKeys};
use invitations::http::AppState;
use invitations::mail::outbox::MAILBOX;
use serde_json::{json, Value};

const ISSUER: &str = "invitations-local-demo";
const SESSION_HOURS: i64 = 8;

/// A person of the demo: who they are, and their user id once seeded.
#[derive(Clone, serde::Serialize)]
pub struct Person {
    pub key: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub user_id: Option<String>,
}

pub struct Demo {
    secret: String,
    people: Vec<Person>,
    organization_id: String,
    outbox: Option<PathBuf>,
    /// Where the in-process events pipeline writes each event.
    events: Option<PathBuf>,
    roles: Vec<Value>,
}

/// The development session key: configured when the environment names no session verifier
/// and the store is the embedded one (the demo seeds its people there).
pub fn configure_sessions(config: &mut HttpConfig) -> Option<String> {
    if config.sessions.is_some() || config.store != invitations::config::StoreConfig::Memory {
        return None;
    }
    let secret = invitations::ids::random_base62(48);
    config.sessions = Some(SessionConfig {
        keys: SessionKeys::Secret(Secret {
            var: "SESSION_JWT_SECRET",
            source: SecretSource::Value(secret.clone()),
        }),
        issuer: Some(ISSUER.into()),
        audience: None,
        max_age_seconds: (SESSION_HOURS * 3600) as u64,
    });
    Some(secret)
}

/// Seeds Ada (admin of Acme) and Grace (a member), and names Ken, who has an `@acme.test`
/// address and no account yet (the identity provider's user; registered on first use);
/// returns the demo's state.
pub async fn seed(
    state: &AppState,
    secret: String,
    outbox: Option<PathBuf>,
    events: Option<PathBuf>,
) -> Result<Demo, String> {
    let service = &state.service;
    let roles = service.roles();
    let user = |email: &str, first: &str, last: &str| {
        invitations::http::parse::user(
            &json!({"email_address": [email], "first_name": first, "last_name": last}),
        )
        .map_err(|e| format!("{e:?}"))
    };
    let ada = service
        .create_user(user("ada@acme.test", "Ada", "Lovelace")?)
        .await
        .map_err(|e| e.to_string())?;
    let grace = service
        .create_user(user("grace@acme.test", "Grace", "Hopper")?)
        .await
        .map_err(|e| e.to_string())?;
    let org = service
        .create_organization(
            invitations::http::parse::organization(
                &json!({"name": "Acme", "created_by": ada.id.to_string()}),
            )
            .map_err(|e| format!("{e:?}"))?,
        )
        .await
        .map_err(|e| e.to_string())?;
    service
        .create_membership(
            &org.id,
            invitations::http::parse::membership(
                &json!({"user_id": grace.id.to_string(), "role": "org:member"}),
                roles,
            )
            .map_err(|e| format!("{e:?}"))?,
        )
        .await
        .map_err(|e| e.to_string())?;
    let people = vec![
        Person {
            key: "admin",
            name: "Ada Lovelace",
            email: "ada@acme.test",
            role: "Admin of Acme",
            user_id: Some(ada.id.to_string()),
        },
        Person {
            key: "member",
            name: "Grace Hopper",
            email: "grace@acme.test",
            role: "Member of Acme",
            user_id: Some(grace.id.to_string()),
        },
        Person {
            key: "newcomer",
            name: "Ken Thompson",
            email: "ken@acme.test",
            role: "New at Acme",
            user_id: Some(format!("user_{}", invitations::ids::random_base62(24))),
        },
    ];
    let roles = roles
        .roles()
        .map(|r| json!({"key": r.key.to_string(), "name": r.name}))
        .collect();
    Ok(Demo {
        secret,
        people,
        organization_id: org.id.to_string(),
        outbox,
        events,
        roles,
    })
}

impl Demo {
    fn mint(&self, user_id: &str, email: &str) -> Result<String, String> {
        let now = jsonwebtoken::get_current_timestamp() as i64;
        let claims = json!({
            "sub": user_id, "email": email, "email_verified": true,
            "iat": now, "exp": now + SESSION_HOURS * 3600, "iss": ISSUER,
        });
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(self.secret.as_bytes()),
        )
        .map_err(|e| e.to_string())
    }
}

type Shared = (Arc<Demo>, AppState);

mod events;
mod funnel;
mod logs;
mod memberships;
mod qr;

pub fn routes(demo: Arc<Demo>, state: AppState) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { page(include_str!("../web/demo/index.html")) }),
        )
        .route("/api", get(|| async { page(include_str!("index.html")) }))
        .route(
            "/demo/app.js",
            get(|| async { asset("text/javascript", include_str!("../web/demo/app.js")) }),
        )
        .route(
            "/demo/links.js",
            get(|| async { asset("text/javascript", include_str!("../web/demo/links.js")) }),
        )
        .route(
            "/demo/style.css",
            get(|| async { asset("text/css", include_str!("../web/demo/style.css")) }),
        )
        .route(
            "/client/invitations.js",
            get(|| async { asset("text/javascript", include_str!("../web/invitations.js")) }),
        )
        .route("/demo/config", get(config))
        .route(
            "/demo/session",
            axum::routing::post(sign_in).delete(sign_out),
        )
        .route("/demo/outbox", get(outbox))
        .route("/demo/events", get(events::recent))
        .route("/demo/funnel", get(funnel::funnel))
        .route("/demo/memberships", get(memberships::mine))
        .route("/demo/qr", axum::routing::post(qr::draw))
        .with_state((demo, state))
}

fn page(html: &'static str) -> Response {
    ([(CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-store")],
        body,
    )
        .into_response()
}

async fn config(State((demo, _)): State<Shared>) -> Json<Value> {
    Json(json!({
        "organization_id": demo.organization_id,
        "people": demo.people,
        "roles": demo.roles,
    }))
}

/// `{"as": "admin" | "member"}` signs in a seeded person; `{"email": …}` signs in (or up) the
/// owner of an invited address, as the app's identity provider would after its own form.
async fn sign_in(State((demo, _)): State<Shared>, Json(body): Json<Value>) -> Response {
    let person = body["as"]
        .as_str()
        .and_then(|key| demo.people.iter().find(|p| p.key == key));
    let (user_id, email) = match (person, body["email"].as_str()) {
        (Some(p), _) => (p.user_id.clone().unwrap_or_default(), p.email.to_string()),
        (None, Some(email)) => {
            let known = demo
                .people
                .iter()
                .find(|p| p.email.eq_ignore_ascii_case(email));
            match known {
                Some(p) => (p.user_id.clone().unwrap_or_default(), p.email.to_string()),
                // The same address signs in as the same person each time, as with a real
                // identity provider.
                None => (stable_user_id(email), email.to_string()),
            }
        }
        (None, None) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                "name a person or an email",
            )
                .into_response()
        }
    };
    match demo.mint(&user_id, &email) {
        Ok(token) => (
            [(
                SET_COOKIE,
                format!(
                    "__session={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
                    SESSION_HOURS * 3600
                ),
            )],
            Json(json!({"user_id": user_id, "email": email})),
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}

fn stable_user_id(email: &str) -> String {
    use std::hash::{Hash, Hasher};
    let digest = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, email.to_ascii_lowercase()).hash(&mut h);
        h.finish()
    };
    format!("user_{:016x}{:016x}", digest(1), digest(2))
}

async fn sign_out() -> Response {
    (
        [(
            SET_COOKIE,
            "__session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        )],
        StatusCode::NO_CONTENT,
    )
        .into_response()
}

/// The last emails the outbox wrote, newest first: recipient, subject and the HTML part.
async fn outbox(State((demo, _)): State<Shared>, _: HeaderMap) -> Response {
    let emails = match &demo.outbox {
        Some(dir) => logs::newest_emails(&dir.join(MAILBOX), 10),
        None => Vec::new(),
    };
    (
        [(CACHE_CONTROL, "no-store")],
        Json(json!({ "emails": emails })),
    )
        .into_response()
}

//! `Idempotency-Key` on every write: a repeat of the same request (method, path, body and
//! caller) within a day gets the first answer, with `Idempotent-Replayed: true`, and does
//! nothing again (no second invitation, no second email).
//!
//! The caller is authenticated before the key is taken: a request that does not verify (401,
//! or refused by the browser rules) stores nothing, and neither does an answer that refuses the
//! caller (401, 403). A replay is given only to a caller who verifies now, and a signed-in
//! person's replay on an organization's route only while they still manage it. The answer is
//! kept sealed with the headers it had (`seal.rs`); the record is named by a digest of the
//! caller's scope and the key, so the table holds neither.

use axum::body::{to_bytes, Body};
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::extract::MAX_BODY_BYTES;
use super::AppState;
use crate::domain::{FieldError, OrganizationId, RequestKey};
use crate::service::idempotency::Idempotent;

mod asker;
mod seal;

use asker::Asker;
use seal::{KeptAnswer, KEPT_HEADERS};

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

/// On an answer with parts a retry could better (a bulk item throttled, unavailable, contended
/// or waiting on a limit): the key is not kept, so the same request with the same key runs
/// again, answers what was made as made, and tries the rest.
#[derive(Debug, Clone, Copy)]
pub struct PartlyRetryable;

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

fn valid_key(raw: &HeaderValue) -> Option<String> {
    let key = raw.to_str().ok()?;
    let ok =
        !key.is_empty() && key.len() <= MAX_KEY_LEN && key.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| key.to_string())
}

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        request.method(),
        &Method::GET | &Method::HEAD | &Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(raw_key) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let Some(key) = valid_key(raw_key) else {
        return ApiError::from(vec![FieldError::format(
            "Idempotency-Key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        )])
        .into_response();
    };
    let (mut parts, body) = request.into_parts();
    let asker = match Asker::of(&mut parts, &state).await {
        Ok(asker) => asker,
        Err(refused) => return refused.into_response(),
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::BodyTooLarge(MAX_BODY_BYTES).into_response();
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or("", |p| p.as_str())
        .to_string();
    let fingerprint = digest(&[parts.method.as_str().as_bytes(), target.as_bytes(), &bytes]);
    let scope = asker.scope(&bytes);
    let record = digest(&[b"record", scope.as_bytes(), key.as_bytes()]);
    // This attempt: the record names it, so only it completes or releases the key.
    let owner = crate::ids::random_base62(20);
    match state
        .service
        .begin_idempotent(&record, &fingerprint, &owner)
        .await
    {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Idempotent::Replay { status, body }) => {
            if let Err(refused) = still_allowed(&state, &asker, &mut parts).await {
                return refused.into_response();
            }
            match seal::open(&scope, &key, &body) {
                Some(kept) => replay(status, kept),
                None => ApiError::from(crate::service::ServiceError::IdempotencyKeyReused)
                    .into_response(),
            }
        }
        Ok(Idempotent::Proceed) => {
            // What the service marks this request's writes with: a digest, never the key.
            parts.extensions.insert(RequestKey::new(digest(&[
                b"request",
                scope.as_bytes(),
                key.as_bytes(),
            ])));
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let kept = KeptAnswer {
                headers: KEPT_HEADERS
                    .iter()
                    .filter_map(|name| {
                        let value = parts.headers.get(*name)?.to_str().ok()?;
                        Some((name.to_string(), value.to_string()))
                    })
                    .collect(),
                body: bytes.to_vec(),
            };
            let sealed = seal::seal(&scope, &key, &kept).unwrap_or_default();
            // A part that a retry could better makes the whole answer one (status 503 is
            // what the key's record is told: given up, not kept).
            let status = match parts.extensions.get::<PartlyRetryable>() {
                Some(_) => StatusCode::SERVICE_UNAVAILABLE.as_u16(),
                None => parts.status.as_u16(),
            };
            state
                .service
                .finish_idempotent(&record, &owner, status, &sealed)
                .await;
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

/// A signed-in person's replay on an organization's route (every such route that writes
/// needs its memberships managed) is given only while they still manage them: one read. A
/// backend's verified key, or an invitee's verified session, is all the rest need.
async fn still_allowed(
    state: &AppState,
    asker: &Asker,
    parts: &mut axum::http::request::Parts,
) -> Result<(), ApiError> {
    let Asker::Member(user) = asker else {
        return Ok(());
    };
    let params = <RawPathParams as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        parts, state,
    )
    .await
    .ok();
    let org = params
        .iter()
        .flat_map(|p| p.iter())
        .find(|(name, _)| *name == "org")
        .map(|(_, value)| OrganizationId::from(value.to_string()));
    match org {
        Some(org) => Ok(state.service.still_manages(&org, user).await?),
        None => Ok(()),
    }
}

fn replay(status: u16, kept: KeptAnswer) -> Response {
    crate::telemetry::count(crate::telemetry::IDEMPOTENT_REPLAYS);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, kept.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in kept.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

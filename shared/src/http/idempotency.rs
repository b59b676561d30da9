//! `Idempotency-Key` on every write: a repeat of the same request (method, path, body and
//! caller) within a day gets the first answer, with `Idempotent-Replayed: true`, and does
//! nothing again (no second invitation, no second email).
//!
//! The kept answer may hold an accept link, a credential the table must not give away (it keeps
//! only a ticket's hash). So it is stored sealed (AES-256-GCM) under a key derived from the
//! caller's credential and the idempotency key, neither of which is stored: only the caller who
//! made the request can read it back.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::extract::MAX_BODY_BYTES;
use super::AppState;
use crate::domain::{FieldError, RequestKey};
use crate::service::idempotency::Idempotent;

pub const HEADER: &str = "idempotency-key";

/// On an answer with parts a retry could better (a bulk item throttled, unavailable, contended
/// or waiting on a limit): the key is not kept, so the same request with the same key runs
/// again, answers what was made as made, and tries the rest.
#[derive(Debug, Clone, Copy)]
pub struct PartlyRetryable;
const MAX_KEY_LEN: usize = 255;

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// The caller's credential (bearer or cookie), as presented.
fn credential(request: &Request) -> Vec<u8> {
    let header = |name| {
        request
            .headers()
            .get(name)
            .map(HeaderValue::as_bytes)
            .unwrap_or_default()
    };
    [header(AUTHORIZATION), b"\n", header(COOKIE)].concat()
}

/// The sealing key of a kept answer: from what the caller presents, never stored.
fn sealing_key(credential: &[u8], key: &str) -> Option<aws_lc_rs::aead::RandomizedNonceKey> {
    let material = Sha256::new()
        .chain_update(b"invitations idempotent answer\n")
        .chain_update(credential)
        .chain_update(b"\n")
        .chain_update(key.as_bytes())
        .finalize();
    aws_lc_rs::aead::RandomizedNonceKey::new(&aws_lc_rs::aead::AES_256_GCM, &material).ok()
}

fn seal(credential: &[u8], key: &str, answer: &[u8]) -> Option<String> {
    let sealing = sealing_key(credential, key)?;
    let mut data = answer.to_vec();
    let nonce = sealing
        .seal_in_place_append_tag(aws_lc_rs::aead::Aad::empty(), &mut data)
        .ok()?;
    Some(URL_SAFE_NO_PAD.encode([nonce.as_ref().as_slice(), &data].concat()))
}

fn open(credential: &[u8], key: &str, sealed: &str) -> Option<Vec<u8>> {
    let sealing = sealing_key(credential, key)?;
    let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    if raw.len() < aws_lc_rs::aead::NONCE_LEN {
        return None;
    }
    let (nonce, data) = raw.split_at(aws_lc_rs::aead::NONCE_LEN);
    let nonce = aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = sealing
        .open_in_place(nonce, aws_lc_rs::aead::Aad::empty(), &mut data)
        .ok()?;
    Some(plain.to_vec())
}

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        request.method(),
        &Method::GET | &Method::HEAD | &Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            k.to_string()
        }
        _ => {
            return ApiError::from(vec![FieldError::format(
                "Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            )])
            .into_response()
        }
    };
    let credential = credential(&request);
    let scope = digest(&[&credential]);
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::BodyTooLarge(MAX_BODY_BYTES).into_response();
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or("", |p| p.as_str())
        .to_string();
    let fingerprint = digest(&[parts.method.as_str().as_bytes(), target.as_bytes(), &bytes]);
    let scoped_key = format!("{scope}#{key}");
    // This attempt: the record names it, so only it completes or releases the key.
    let owner = crate::ids::random_base62(20);
    match state
        .service
        .begin_idempotent(&scoped_key, &fingerprint, &owner)
        .await
    {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Idempotent::Replay { status, body }) => {
            let Some(body) = open(&credential, &key, &body) else {
                return ApiError::from(crate::service::ServiceError::IdempotencyKeyReused)
                    .into_response();
            };
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
        Ok(Idempotent::Proceed) => {
            // What the service marks this request's writes with: a digest, never the key.
            let mut parts = parts;
            parts
                .extensions
                .insert(RequestKey::new(digest(&[scoped_key.as_bytes()])));
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let sealed = seal(&credential, &key, &bytes).unwrap_or_default();
            // A part that a retry could better makes the whole answer one (status 503 is
            // what the key's record is told: given up, not kept).
            let status = match parts.extensions.get::<PartlyRetryable>() {
                Some(_) => StatusCode::SERVICE_UNAVAILABLE.as_u16(),
                None => parts.status.as_u16(),
            };
            state
                .service
                .finish_idempotent(&scoped_key, &owner, status, &sealed)
                .await;
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

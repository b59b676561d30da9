//! A shareable link's QR code, drawn as SVG for the demo's link card (`qrcode`). Posted, not
//! put in a query string, so the link's token stays out of the server's request log.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde_json::Value;

/// Longer than any link this server makes; a QR code of more is unreadable on a screen anyway.
const MAX_TEXT: usize = 512;

pub async fn draw(Json(body): Json<Value>) -> Response {
    let Some(text) = body["text"].as_str().filter(|t| t.len() <= MAX_TEXT) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "text: up to 512 characters",
        )
            .into_response();
    };
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => {
            let image = code
                .render::<svg::Color<'_>>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build();
            (
                [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "no-store")],
                image,
            )
                .into_response()
        }
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    }
}

//! HTML answers for browsers, from templates compiled into the binary. Every value is escaped
//! by the template engine (auto-escaping is on for `.html` templates).

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{context, Environment};

use super::error::{trace_id, ApiError};

fn pages() -> &'static Environment<'static> {
    static PAGES: OnceLock<Environment<'static>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let mut env = Environment::new();
        if let Err(e) = env.add_template(
            "ticket_error.html",
            include_str!("../../templates/ticket_error.html"),
        ) {
            // Only a broken build can get here; answers fall back to JSON (see `error_for`).
            tracing::error!(error = %e, "the ticket error template does not compile");
        }
        env
    })
}

/// Whether the caller is a browser that asked for a page.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The error as a page for browsers, as the JSON envelope for everyone else.
pub fn error_for(headers: &HeaderMap, error: ApiError) -> Response {
    if !wants_html(headers) {
        return error.into_response();
    }
    let (status, entries) = error.describe();
    let retry_after = error.retry_after(status);
    let trace = trace_id();
    tracing::info!(trace_id = %trace, status = status.as_u16(), code = entries[0].code, "ticket refused");
    let page = pages().get_template("ticket_error.html").and_then(|t| {
        t.render(context! {
            title => "This invitation link can't be used",
            message => entries[0].long_message,
            code => entries[0].code,
            trace_id => trace,
        })
    });
    match page {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
            );
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        Err(_) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_what_it_shows() {
        let html = pages()
            .get_template("ticket_error.html")
            .unwrap()
            .render(context! { title => "t", message => "<script>alert(1)</script>", code => "c\"", trace_id => "x" })
            .unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
        assert!(!html.contains("<script>"));
    }
}

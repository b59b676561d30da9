//! PEM, the text form of keys and certificates.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// A PEM as configured: one given on a single line (a template parameter) writes its newlines
/// as `\n`.
pub fn text(raw: &str) -> String {
    raw.trim().replace("\\n", "\n")
}

/// `der` as a PEM block labelled `label` (`PRIVATE KEY`, `CERTIFICATE`, ...).
pub fn block(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 64);
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

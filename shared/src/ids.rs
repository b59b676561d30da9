//! Identifiers in Clerk's style: a type prefix and base62 characters.

use rand::Rng;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of the random part of an id (Clerk's ids carry 27 base62 characters).
pub const ID_BODY_LEN: usize = 27;

pub fn random_base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| BASE62[rng.random_range(0..BASE62.len())] as char)
        .collect()
}

/// `prefix_` followed by 27 random base62 characters (~160 bits).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_base62(ID_BODY_LEN))
}

pub fn is_base62(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `len` random decimal digits (a code a person types).
pub fn random_digits(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

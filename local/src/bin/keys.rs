//! New keys for a deployment, printed as `template.yaml`'s parameters take them:
//!
//! ```sh
//! cargo run -p local --bin keys
//! ```
//!
//! - a backend secret key (`sk_live_…`), to keep in your backend's own secret store, and its
//!   SHA-256 digest for `SecretKeyDigests` (not a secret: the functions hold only digests);
//! - an Ed25519 ticket key pair: the private half for `TicketSigningKey` (the invite function
//!   alone reads it, from Secrets Manager), the public half for `TicketVerifyingKey` (plain
//!   configuration: ticket-verify holds no secret). Newlines are written as `\n`, on one line.

fn main() -> std::process::ExitCode {
    let key = format!("sk_live_{}", invitations::ids::random_base62(48));
    let (private, public) = match invitations::tokens::ticket::new_ed25519_pair() {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("error: no key pair could be made: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let one_line = |pem: &str| pem.trim_end().replace('\n', "\\n");
    println!(
        "# The backend secret key: keep it in your backend's secret store; AWS never holds it."
    );
    println!("INVITATIONS_SECRET_KEY={key}");
    println!();
    println!("# template.yaml parameters (sam deploy --parameter-overrides ...):");
    println!("SecretKeyDigests={}", invitations::config::digest_hex(&key));
    println!("TicketSigningKey={}", one_line(&private));
    println!("TicketVerifyingKey={}", one_line(&public));
    std::process::ExitCode::SUCCESS
}

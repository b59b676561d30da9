//! Accept links: the ticket signer and where links point.

use url::Url;

use super::ServiceError;
use crate::tokens::ticket::{TicketIssuer, TicketSigner, TicketVerifier};

pub struct Links {
    /// The halves of the ticket key this process holds (none in a function that neither signs
    /// nor verifies tickets).
    tickets: TicketSigner,
    /// `{PUBLIC_BASE_URL}` + the accept route's path.
    accept_url: Url,
    /// Where a verified ticket sends the invitee when the invitation names no `redirect_url`.
    pub default_redirect: Option<Url>,
}

impl Links {
    /// `accept_path` is the route the email's link opens (`http::routes::ACCEPT_LINK_PATH`).
    pub fn new(
        tickets: Option<TicketSigner>,
        public_base_url: &Url,
        accept_path: &str,
        default_redirect: Option<Url>,
    ) -> Result<Self, String> {
        let accept_url = public_base_url
            .join(accept_path.trim_start_matches('/'))
            .map_err(|e| format!("PUBLIC_BASE_URL cannot carry a path: {e}"))?;
        Ok(Self {
            tickets: tickets.unwrap_or_default(),
            accept_url,
            default_redirect,
        })
    }

    pub fn issuer(&self) -> Result<&TicketIssuer, ServiceError> {
        self.tickets
            .issuer
            .as_ref()
            .ok_or(ServiceError::TicketIssue(
                "this function holds no ticket signing key".into(),
            ))
    }

    pub fn verifier(&self) -> Result<&TicketVerifier, ServiceError> {
        self.tickets
            .verifier
            .as_ref()
            .ok_or(ServiceError::TicketIssue(
                "this function holds no ticket verifying key".into(),
            ))
    }

    /// The link of the ticket `invitation` holds, made again with the signing key (the same
    /// invitation and issue time make the same nonce); `None` without the key, or when the
    /// ticket was made with another key.
    pub fn rebuild(&self, invitation: &crate::domain::Invitation) -> Option<String> {
        let issued = self
            .tickets
            .issuer
            .as_ref()?
            .issue(
                &invitation.id,
                &invitation.organization.id,
                invitation.email_address.key(),
                invitation.ticket_issued_at,
                invitation.expires_at,
            )
            .ok()?;
        (invitation.ticket_hash.as_deref() == Some(issued.nonce_hash.as_str()))
            .then(|| self.accept_link(&issued.token))
    }

    /// The link an invitation email carries.
    pub fn accept_link(&self, ticket: &str) -> String {
        let mut url = self.accept_url.clone();
        url.query_pairs_mut().append_pair("ticket", ticket);
        url.to_string()
    }
}

/// What a verified ticket tells the app to do next (`__clerk_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    SignIn,
    SignUp,
    Complete,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignUp => "sign_up",
            Self::Complete => "complete",
        }
    }
}

/// `target` with `__clerk_ticket` and `__clerk_status` added. Its own query and fragment stay as
/// they are; any `__clerk_*` parameters it already had are dropped so they cannot be spoofed.
pub fn redirect_with_ticket(target: &Url, ticket: &str, status: TicketStatus) -> Url {
    let mut url = target.clone();
    if url.query_pairs().any(|(k, _)| k.starts_with("__clerk_")) {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !k.starts_with("__clerk_"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
    }
    url.query_pairs_mut()
        .append_pair("__clerk_ticket", ticket)
        .append_pair("__clerk_status", status.as_str());
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_targets_own_query_and_fragment_survive() {
        let target = Url::parse("https://app.example.com/join?plan=pro&x=a%20b#welcome").unwrap();
        let url = redirect_with_ticket(&target, "t.k.n", TicketStatus::SignUp);
        assert_eq!(
            url.as_str(),
            "https://app.example.com/join?plan=pro&x=a%20b&__clerk_ticket=t.k.n&__clerk_status=sign_up#welcome"
        );
    }

    #[test]
    fn planted_clerk_parameters_are_replaced() {
        let target = Url::parse("https://app.example.com/?__clerk_status=complete&keep=1").unwrap();
        let url = redirect_with_ticket(&target, "tkn", TicketStatus::SignIn);
        let statuses: Vec<String> = url
            .query_pairs()
            .filter(|(k, _)| k == "__clerk_status")
            .map(|(_, v)| v.into_owned())
            .collect();
        assert_eq!(statuses, ["sign_in"]);
        assert!(url.query_pairs().any(|(k, v)| k == "keep" && v == "1"));
    }
}

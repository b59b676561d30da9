//! `WEBHOOK_ENDPOINTS`: a JSON array of `{"url", "secret": "whsec_…", "events": [patterns]}`.
//! A pattern is a type (`organizationInvitation.accepted`), a family
//! (`organizationInvitation.*`) or `*`; without `events`, an endpoint gets every type but the
//! audit log's (`auditLogEntry.created`, asked for by name, a family or `*`).

use serde::Deserialize;

use super::svix::SigningSecret;
use super::EventType;

/// At most this many endpoints: each event is one request per endpoint.
pub const MAX_ENDPOINTS: usize = 20;

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub url: url::Url,
    pub secret: SigningSecret,
    types: Vec<EventType>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("WEBHOOK_ENDPOINTS is invalid: {0}")]
pub struct EndpointsError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    url: String,
    secret: String,
    #[serde(default)]
    events: Option<Vec<String>>,
}

impl Endpoint {
    pub fn wants(&self, kind: EventType) -> bool {
        self.types.contains(&kind)
    }
}

/// Reads the endpoints; unset or empty means none. Every URL is https, or http on loopback
/// (a local receiver); every pattern names at least one event type.
pub fn parse(raw: Option<&str>) -> Result<Vec<Endpoint>, EndpointsError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(Vec::new());
    };
    let list: Vec<Raw> = serde_json::from_str(raw)
        .map_err(|e| EndpointsError(format!("not the JSON array: {e}")))?;
    if list.len() > MAX_ENDPOINTS {
        return Err(EndpointsError(format!(
            "more than {MAX_ENDPOINTS} endpoints"
        )));
    }
    list.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let err = |what: String| EndpointsError(format!("endpoint {i}: {what}"));
            let url = url::Url::parse(&r.url).map_err(|e| err(format!("url: {e}")))?;
            let loopback = matches!(
                url.host(),
                Some(url::Host::Ipv4(ip)) if ip.is_loopback()
            ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
                || url.host_str() == Some("localhost");
            if !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) {
                return Err(err("url must be https (or http on loopback)".into()));
            }
            let secret = SigningSecret::parse(&r.secret).map_err(err)?;
            let types = match r.events {
                None => EventType::ALL
                    .into_iter()
                    .filter(|t| t.is_default())
                    .collect(),
                Some(patterns) => {
                    let mut types = Vec::new();
                    for p in &patterns {
                        let matched: Vec<_> = EventType::ALL
                            .into_iter()
                            .filter(|t| matches(p, *t))
                            .collect();
                        if matched.is_empty() {
                            return Err(err(format!("{p:?} names no event type")));
                        }
                        types.extend(matched);
                    }
                    types
                }
            };
            Ok(Endpoint { url, secret, types })
        })
        .collect()
}

fn matches(pattern: &str, kind: EventType) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => {
            kind.as_str().starts_with(prefix) && (prefix.is_empty() || prefix.ends_with('.'))
        }
        None => pattern == kind.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn patterns_select_types_and_unset_means_none() {
        assert!(parse(None).unwrap().is_empty());
        assert!(parse(Some(" ")).unwrap().is_empty());
        let raw = format!(
            r#"[{{"url":"https://hooks.example.com/a","secret":"{SECRET}","events":["organizationInvitation.*"]}},
               {{"url":"http://127.0.0.1:9/b","secret":"{SECRET}","events":["organizationMembership.deleted"]}},
               {{"url":"https://hooks.example.com/c","secret":"{SECRET}"}}]"#
        );
        let e = parse(Some(&raw)).unwrap();
        assert!(e[0].wants(EventType::InvitationBounced));
        assert!(!e[0].wants(EventType::MembershipCreated));
        assert!(e[1].wants(EventType::MembershipDeleted));
        assert!(!e[1].wants(EventType::MembershipCreated));
        assert!(EventType::ALL
            .iter()
            .filter(|t| t.is_default())
            .all(|t| e[2].wants(*t)));
        assert!(!e[2].wants(EventType::AuditLogEntryCreated));
    }

    #[test]
    fn refuses_plain_http_elsewhere_bad_secrets_and_unknown_types() {
        for (url, secret, events) in [
            ("http://hooks.example.com/", SECRET, "[]"),
            ("https://hooks.example.com/", "not-whsec", "[]"),
            (
                "https://hooks.example.com/",
                SECRET,
                r#"["organizationInvitation.create"]"#,
            ),
            ("https://hooks.example.com/", SECRET, r#"["organization*"]"#),
        ] {
            let raw = format!(r#"[{{"url":"{url}","secret":"{secret}","events":{events}}}]"#);
            assert!(parse(Some(&raw)).is_err(), "{raw}");
        }
    }
}

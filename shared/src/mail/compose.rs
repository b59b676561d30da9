//! Templates to messages. HTML templates are auto-escaped; every value is also made
//! single-line, so nothing a user typed can reach a header or break the layout.

use minijinja::{context, Environment};
use time::macros::format_description;
use time::OffsetDateTime;

use super::OutgoingEmail;
use crate::clock::Millis;
use crate::domain::Invitation;

pub const LOCALES: [&str; 2] = ["en", "fr"];

/// Compiled on the first message, not at cold start: a function's init stays short, and a
/// broken template (which the tests compile) would fail that first send, recorded on the
/// invitation, never a panic.
#[derive(Default)]
pub struct EmailTemplates {
    env: std::sync::OnceLock<Result<Environment<'static>, String>>,
}

impl std::fmt::Debug for EmailTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmailTemplates")
    }
}

/// The supported locale closest to `requested` (`fr-CA` → `fr`), English otherwise.
pub fn locale_for(requested: Option<&str>) -> &'static str {
    let primary = requested
        .and_then(|l| l.split(['-', '_']).next())
        .map(str::to_ascii_lowercase);
    LOCALES
        .iter()
        .find(|l| primary.as_deref() == Some(**l))
        .copied()
        .unwrap_or("en")
}

/// Control characters (CR, LF, tabs …) become spaces and runs of spaces one.
fn one_line(value: &str) -> String {
    value
        .split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn date(at: Millis, locale: &str) -> String {
    let Ok(moment) = OffsetDateTime::from_unix_timestamp(at.div_euclid(1000)) else {
        return String::new();
    };
    let formatted = match locale {
        "fr" => moment.format(format_description!("[day]/[month]/[year]")),
        _ => moment.format(format_description!(
            "[month repr:long] [day padding:none], [year]"
        )),
    };
    formatted.unwrap_or_default()
}

impl EmailTemplates {
    pub fn new() -> Self {
        Self::default()
    }

    fn env(&self) -> Result<&Environment<'static>, String> {
        self.env.get_or_init(compile).as_ref().map_err(Clone::clone)
    }
}

/// Every template, compiled.
fn compile() -> Result<Environment<'static>, String> {
    {
        let mut env = Environment::new();
        let templates: [(&str, &str); 9] = [
            (
                "domain_code.html",
                include_str!("../../templates/email/domain_code.html"),
            ),
            (
                "domain_code.txt",
                include_str!("../../templates/email/domain_code.txt"),
            ),
            (
                "layout.html",
                include_str!("../../templates/email/layout.html"),
            ),
            (
                "invitation.en.html",
                include_str!("../../templates/email/invitation.en.html"),
            ),
            (
                "invitation.fr.html",
                include_str!("../../templates/email/invitation.fr.html"),
            ),
            (
                "invitation.en.txt",
                include_str!("../../templates/email/invitation.en.txt"),
            ),
            (
                "invitation.fr.txt",
                include_str!("../../templates/email/invitation.fr.txt"),
            ),
            (
                "invitation.en.subject.txt",
                include_str!("../../templates/email/invitation.en.subject.txt"),
            ),
            (
                "invitation.fr.subject.txt",
                include_str!("../../templates/email/invitation.fr.subject.txt"),
            ),
        ];
        for (name, source) in templates {
            env.add_template(name, source)
                .map_err(|e| format!("email template {name}: {e}"))?;
        }
        Ok(env)
    }
}

impl EmailTemplates {
    /// The invitation email with its accept link.
    pub fn invitation(
        &self,
        invitation: &Invitation,
        url: &str,
        role_name: &str,
    ) -> Result<OutgoingEmail, String> {
        self.compose(invitation, url, role_name, false)
    }

    /// The reminder before the invitation lapses: the same email, the same link, saying when
    /// it expires first (and a subject that says it is a reminder).
    pub fn reminder(
        &self,
        invitation: &Invitation,
        url: &str,
        role_name: &str,
    ) -> Result<OutgoingEmail, String> {
        self.compose(invitation, url, role_name, true)
    }

    /// The code that proves an organization's affiliation with a domain, to an address at it.
    /// `id` names the message in logs and makes its delivery id (one per code).
    pub fn domain_code(
        &self,
        to: &str,
        organization: &str,
        domain: &str,
        code: &str,
        id: &str,
    ) -> Result<OutgoingEmail, String> {
        let subject = one_line(&format!("{code} is your code to verify {domain}"));
        let ctx = context! {
            subject => &subject,
            organization => one_line(organization),
            domain => one_line(domain),
            code => code,
        };
        let env = self.env()?;
        let render = |name: &str| {
            env.get_template(name)
                .and_then(|t| t.render(&ctx))
                .map_err(|e| format!("rendering {name}: {e}"))
        };
        Ok(OutgoingEmail {
            to: to.to_string(),
            html: render("domain_code.html")?,
            text: render("domain_code.txt")?,
            subject,
            invitation_id: id.to_string(),
            delivery_id: format!("{id}-code"),
            accept_url: String::new(),
        })
    }

    fn compose(
        &self,
        invitation: &Invitation,
        url: &str,
        role_name: &str,
        reminder: bool,
    ) -> Result<OutgoingEmail, String> {
        let locale = locale_for(Some(&invitation.locale));
        let inviter = invitation.inviter.as_ref().map(|p| {
            let name = [p.first_name.as_deref(), p.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            one_line(if name.trim().is_empty() {
                &p.identifier
            } else {
                &name
            })
        });
        let ctx = context! {
            inviter => inviter.filter(|i| !i.is_empty()),
            organization => one_line(&invitation.organization.name),
            role => one_line(role_name),
            email => invitation.email_address.as_str(),
            expires => date(invitation.expires_at, locale),
            url => url,
            reminder => reminder,
        };
        let env = self.env()?;
        let render = |kind: &str, ctx: &minijinja::Value| {
            env.get_template(&format!("invitation.{locale}.{kind}"))
                .and_then(|t| t.render(ctx))
                .map_err(|e| format!("rendering invitation.{locale}.{kind}: {e}"))
        };
        let subject = one_line(&render("subject.txt", &ctx)?);
        let with_subject = context! { subject => &subject, ..ctx.clone() };
        Ok(OutgoingEmail {
            to: invitation.email_address.as_str().to_string(),
            html: render("html", &with_subject)?,
            text: render("txt", &ctx)?,
            subject,
            invitation_id: invitation.id.to_string(),
            delivery_id: if reminder {
                format!("{}-reminder", delivery_id(invitation))
            } else {
                delivery_id(invitation)
            },
            accept_url: url.to_string(),
        })
    }
}

/// One email's id: the invitation and its ticket. Sending it again (a retry, the sweeper) makes
/// the same id (the outbox's Message-ID: a mail client shows the copies as one message).
fn delivery_id(invitation: &crate::domain::Invitation) -> String {
    let ticket: String = invitation
        .ticket_hash
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    format!("{}-{ticket}", invitation.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        compile().unwrap();
    }

    #[test]
    fn locales_fall_back_to_english() {
        assert_eq!(locale_for(Some("fr-CA")), "fr");
        assert_eq!(locale_for(Some("FR")), "fr");
        assert_eq!(locale_for(Some("de")), "en");
        assert_eq!(locale_for(None), "en");
    }

    #[test]
    fn one_line_removes_every_line_break() {
        assert_eq!(
            one_line("\"\r\nBcc: x@evil.example\t  y"),
            "\" Bcc: x@evil.example y"
        );
    }

    #[test]
    fn dates_read_naturally_in_each_locale() {
        let at = 1_798_243_200_000; // 2026-12-26T00:00:00Z
        assert_eq!(date(at, "en"), "December 26, 2026");
        assert_eq!(date(at, "fr"), "26/12/2026");
    }
}

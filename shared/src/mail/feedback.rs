//! SES's event publishing records (configuration-set events, and the older identity
//! notifications), read for what they say about one message: delivered, bounced (with its
//! type and subtype) or complained of. Every other kind (send, reject, open, click, delay) says
//! nothing the invitation keeps.

use serde::Deserialize;

use crate::domain::MailFeedback;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    /// Configuration-set events.
    event_type: Option<String>,
    /// Identity notifications.
    notification_type: Option<String>,
    mail: Mail,
    bounce: Option<Bounce>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    message_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    bounce_sub_type: Option<String>,
}

/// The message id and what happened to it; `Ok(None)` for a kind the invitation ignores.
pub fn parse(json: &str) -> Result<Option<(String, MailFeedback)>, String> {
    let event: SesEvent =
        serde_json::from_str(json).map_err(|e| format!("not an SES event: {e}"))?;
    let kind = event
        .event_type
        .or(event.notification_type)
        .ok_or("an SES event names its eventType")?;
    let feedback = match kind.as_str() {
        "Delivery" => MailFeedback::Delivered,
        "Complaint" => MailFeedback::Complained,
        "Bounce" => {
            let bounce = event.bounce.ok_or("a Bounce event carries its bounce")?;
            MailFeedback::Bounced {
                bounce_type: match bounce.bounce_sub_type {
                    Some(sub) => format!("{}/{sub}", bounce.bounce_type),
                    None => bounce.bounce_type,
                },
            }
        }
        _ => return Ok(None),
    };
    Ok(Some((event.mail.message_id, feedback)))
}

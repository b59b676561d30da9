//! Abuse limits: how many invitation emails may go out per organization, per inviter and per
//! recipient (a mailbox) in a sliding window, how soon one organization may email one mailbox
//! again, how many invitations an organization may make without an email, and how many lookups
//! (`sign_in` / `sign_up` answers) one link may give.
//!
//! Each link has its own lookup budget, so no one holding a link (an invitee, a forwarded email,
//! a mail scanner) can spend another's. What the lookups tell (whether the address has an
//! account) is worth probing only for an address one chose: an invitation made without an
//! email, whose link the organization holds; those count against the organization's own
//! hourly budget of such invitations, at their creation, off every link's path.
//!
//! Each limited key keeps a [`RateLog`] in the store: counts in time buckets of 1/60 of the
//! window (at least a second). A bucket counts as long as any part of it lies in the window,
//! so the log never admits more than `max` events in any window-long span; it may refuse a
//! little early, never late. The log is read with the rest of an operation's context and written
//! in the same transaction as the operation, on the version read (optimistic): a refused or
//! failed operation changes no count, and concurrent Lambda instances see one count.

use crate::clock::Millis;

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What is limited; each kind has its own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    OrganizationEmails,
    InviterEmails,
    AddressEmails,
    /// One email per (organization, address) per window, however the invitation came to be
    /// (created, re-created after a revoke, resent).
    AddressCooldown,
    /// Lookups of one link (one invitation's tickets).
    LinkLookups,
    /// Invitations an organization makes without an email (whose links it holds itself).
    SilentInvitations,
    /// Shareable links one person tries to redeem (every attempt that names a real link).
    LinkRedemptions,
    /// Shareable links an organization makes.
    LinkCreations,
}

impl LimitKind {
    /// Its name in metrics and audit entries.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrganizationEmails => "organization_emails",
            Self::InviterEmails => "inviter_emails",
            Self::AddressEmails => "address_emails",
            Self::AddressCooldown => "address_cooldown",
            Self::LinkLookups => "link_lookups",
            Self::SilentInvitations => "silent_invitations",
            Self::LinkRedemptions => "link_redemptions",
            Self::LinkCreations => "link_creations",
        }
    }
}

/// At most `max` events in any `window_ms`-long span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_ms: i64,
}

impl Limit {
    pub const fn per_hour(max: u32) -> Self {
        Self {
            max,
            window_ms: HOUR_MS,
        }
    }

    pub const fn per_day(max: u32) -> Self {
        Self {
            max,
            window_ms: DAY_MS,
        }
    }

    pub const fn once_per_seconds(seconds: i64) -> Self {
        Self {
            max: 1,
            window_ms: seconds * 1000,
        }
    }

    fn bucket_ms(&self) -> i64 {
        (self.window_ms / 60).max(1000)
    }

    fn bucket_of(&self, at: Millis) -> i64 {
        at.div_euclid(self.bucket_ms())
    }

    /// When a bucket whose latest event was at `last` stops counting: every event in it is
    /// counted for at least the window after it happened.
    fn leaves_at(&self, last: Millis) -> Millis {
        last + self.window_ms
    }

    /// The log with one more event at `now`, or how many milliseconds until one would be
    /// admitted. Buckets that no longer count are dropped.
    pub fn admit(&self, log: &RateLog, now: Millis) -> Result<RateLog, i64> {
        let mut live: Vec<(Millis, u32)> = log
            .buckets
            .iter()
            .copied()
            .filter(|&(last, count)| count > 0 && self.leaves_at(last) > now)
            .collect();
        let counted: u64 = live.iter().map(|&(_, c)| u64::from(c)).sum();
        if counted >= u64::from(self.max) {
            // Oldest first: wait until enough of the oldest buckets leave.
            let mut remaining = counted;
            for &(last, count) in &live {
                remaining -= u64::from(count);
                if remaining < u64::from(self.max) {
                    return Err((self.leaves_at(last) - now).max(1));
                }
            }
            return Err(self.window_ms);
        }
        match live.last_mut() {
            Some((last, count)) if self.bucket_of(*last) == self.bucket_of(now) => {
                *last = now.max(*last);
                *count += 1;
            }
            _ => live.push((now, 1)),
        }
        Ok(RateLog { buckets: live })
    }

    /// When a log last written at `now` can be deleted (the store's TTL): a window later.
    pub fn forgettable_at(&self, now: Millis) -> Millis {
        self.leaves_at(now)
    }
}

/// The recent events of one key, as `(latest event in the bucket, count)`, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLog {
    pub buckets: Vec<(Millis, u32)>,
}

/// The deployment's limits (`LIMIT_*` variables). Always on: each has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub organization_emails: Limit,
    pub inviter_emails: Limit,
    pub address_emails: Limit,
    pub address_cooldown: Limit,
    pub link_lookups: Limit,
    pub silent_invitations: Limit,
    pub link_redemptions: Limit,
    pub link_creations: Limit,
}

impl Default for Limits {
    /// At most 5 invitation emails reach one address in any 24 hours, from all organizations
    /// together, and one organization emails one address at most once a minute; an organization
    /// sends at most 100 an hour, and one inviter 20 of those.
    ///
    /// One link answers at most 20 lookups an hour (an invitee, their mail scanner's three or
    /// so fetches, a few reloads), and an organization makes at most 100 invitations an hour
    /// without an email.
    ///
    /// One person tries at most 10 shareable links an hour (joining a few organizations is
    /// fine; walking a list of leaked links is not), and an organization makes at most 20
    /// links an hour.
    fn default() -> Self {
        Self {
            organization_emails: Limit::per_hour(100),
            inviter_emails: Limit::per_hour(20),
            address_emails: Limit::per_day(5),
            address_cooldown: Limit::once_per_seconds(60),
            link_lookups: Limit::per_hour(20),
            silent_invitations: Limit::per_hour(100),
            link_redemptions: Limit::per_hour(10),
            link_creations: Limit::per_hour(20),
        }
    }
}

impl Limits {
    pub fn of(&self, kind: LimitKind) -> Limit {
        match kind {
            LimitKind::OrganizationEmails => self.organization_emails,
            LimitKind::InviterEmails => self.inviter_emails,
            LimitKind::AddressEmails => self.address_emails,
            LimitKind::AddressCooldown => self.address_cooldown,
            LimitKind::LinkLookups => self.link_lookups,
            LimitKind::SilentInvitations => self.silent_invitations,
            LimitKind::LinkRedemptions => self.link_redemptions,
            LimitKind::LinkCreations => self.link_creations,
        }
    }
}

/// A limited key. The variable part comes last, so no two keys of different kinds can be equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimitKey {
    pub kind: LimitKind,
    pub key: String,
}

impl LimitKey {
    pub fn organization_emails(org_id: &str) -> Self {
        Self::new(
            LimitKind::OrganizationEmails,
            format!("EMAILS#ORG#{org_id}"),
        )
    }

    pub fn inviter_emails(user_id: &str) -> Self {
        Self::new(LimitKind::InviterEmails, format!("EMAILS#USER#{user_id}"))
    }

    pub fn address_emails(email_key: &str) -> Self {
        Self::new(LimitKind::AddressEmails, format!("EMAILS#ADDR#{email_key}"))
    }

    pub fn address_cooldown(org_id: &str, email_key: &str) -> Self {
        Self::new(
            LimitKind::AddressCooldown,
            format!("COOLDOWN#ORG#{org_id}#ADDR#{email_key}"),
        )
    }

    /// One invitation's links (every ticket it was given).
    pub fn link_lookups(invitation_id: &str) -> Self {
        Self::new(
            LimitKind::LinkLookups,
            format!("LOOKUPS#INV#{invitation_id}"),
        )
    }

    pub fn silent_invitations(org_id: &str) -> Self {
        Self::new(LimitKind::SilentInvitations, format!("SILENT#ORG#{org_id}"))
    }

    /// One person's attempts at shareable links, whichever organization's.
    pub fn link_redemptions(user_id: &str) -> Self {
        Self::new(
            LimitKind::LinkRedemptions,
            format!("LINKREDEEM#USER#{user_id}"),
        )
    }

    pub fn link_creations(org_id: &str) -> Self {
        Self::new(LimitKind::LinkCreations, format!("LINKS#ORG#{org_id}"))
    }

    fn new(kind: LimitKind, key: String) -> Self {
        Self { kind, key }
    }
}

/// A log as read: absent reads as empty at version 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitState {
    pub key: LimitKey,
    pub log: RateLog,
    pub version: u64,
}

/// A log to store, only if it is still at `read_version` (0: only if absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitWrite {
    pub key: LimitKey,
    pub read_version: u64,
    pub log: RateLog,
    /// When the event was counted.
    pub at: Millis,
    /// When the store may delete it (no bucket counts any more).
    pub expires_at: Millis,
}

/// A refusal: which limit, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitReached {
    pub kind: LimitKind,
    pub retry_after_seconds: u64,
}

/// One more event on every log read, or the first limit that refuses it (the longest wait
/// among the refusing ones, so a retry after it is not refused by another of them).
pub fn admit_all(
    limits: &Limits,
    states: &[LimitState],
    now: Millis,
) -> Result<Vec<LimitWrite>, LimitReached> {
    let mut writes = Vec::with_capacity(states.len());
    let mut refused: Option<LimitReached> = None;
    for state in states {
        let limit = limits.of(state.key.kind);
        match limit.admit(&state.log, now) {
            Ok(log) => writes.push(LimitWrite {
                key: state.key.clone(),
                read_version: state.version,
                log,
                at: now,
                expires_at: limit.forgettable_at(now),
            }),
            Err(wait_ms) => {
                let retry_after_seconds = (wait_ms.max(0) as u64).div_ceil(1000).max(1);
                if refused.is_none_or(|r| r.retry_after_seconds < retry_after_seconds) {
                    refused = Some(LimitReached {
                        kind: state.key.kind,
                        retry_after_seconds,
                    });
                }
            }
        }
    }
    match refused {
        Some(r) => Err(r),
        None => Ok(writes),
    }
}

#[cfg(test)]
mod tests;

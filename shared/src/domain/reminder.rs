//! Reminders before an invitation lapses: one email, `days` before its expiry, to a pending
//! invitation whose email was asked for and that did not opt out. The due ones are found in an
//! index of their own (`REMIND#{shard}` by due time); a sweep that takes one moves it to
//! `REMINDING#{shard}` (by when it was taken) until its send is recorded, so one taken by a
//! sweep that stopped is found again.

use super::listing::{instance_shard, time_key};
use super::{Invitation, InvitationStatus};
use crate::clock::Millis;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The default of `REMINDER_DAYS_BEFORE_EXPIRY`.
pub const DEFAULT_DAYS_BEFORE_EXPIRY: u32 = 3;

/// A reminder taken longer ago than this by a sweep and not recorded is one whose sweep
/// stopped (a sweep runs for seconds; the function's timeout is 60 s).
pub const TAKEN_GRACE_MS: i64 = 120_000;

/// When the reminder of a link issued at `issued_at`, expiring at `expires_at`, is due: `days`
/// before the expiry, if that is after the issue (a link valid for less gets none); `None` when
/// reminders are off (`days` 0).
pub fn remind_at(issued_at: Millis, expires_at: Millis, days: u32) -> Option<Millis> {
    if days == 0 {
        return None;
    }
    let at = expires_at - i64::from(days) * DAY_MS;
    (at > issued_at).then_some(at)
}

pub fn due_partition(shard: u32) -> String {
    format!("REMIND#{shard}")
}

pub fn taken_partition(shard: u32) -> String {
    format!("REMINDING#{shard}")
}

/// Where the invitation is in the reminders' index, if anywhere: (partition, sort key).
pub fn index_key(inv: &Invitation) -> Option<(String, String)> {
    if inv.stored_status != InvitationStatus::Pending {
        return None;
    }
    let shard = instance_shard(&inv.id);
    match &inv.reminder {
        Some(d) if d.is_queued() => Some((
            taken_partition(shard),
            format!("{}#{}", time_key(d.at), inv.id),
        )),
        Some(_) => None,
        None => inv
            .remind_at
            .map(|at| (due_partition(shard), format!("{}#{}", time_key(at), inv.id))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_is_due_days_before_expiry_unless_the_link_is_shorter() {
        let day = DAY_MS;
        assert_eq!(remind_at(0, 30 * day, 3), Some(27 * day));
        assert_eq!(remind_at(0, 3 * day, 3), None);
        assert_eq!(remind_at(0, 2 * day, 3), None);
        assert_eq!(remind_at(0, 30 * day, 0), None);
    }
}

//! Lost races, tried again: the one loop every operation that writes after a read goes through;
//! and what a retried create finds it made before its answer was lost.

use std::future::Future;
use std::time::Duration;

use super::{IssuedInvitation, ServiceError};
use crate::domain::{InvitationId, OrganizationId};

/// How many times an operation that lost a race is tried, in all, before answering `Busy`.
pub const CONTENTION_ATTEMPTS: u32 = 6;

/// Runs `attempt` again while it answers [`ServiceError::Busy`] (the store's `Contention`). Each
/// attempt reads afresh, so a retry sees the winner's write and usually answers from it
/// (`duplicate_record`, say). The first retry is at once: a race is lost because the winner's
/// write has landed, so reading again sees it; a pause there made every lost race cost 5 to
/// 14 ms (3.7 % of invitations in one organization under `scripts/bench-load`, its p99). Only
/// a race lost twice (a crowd of writers) pauses, growing and jittered, so racers spread out.
pub async fn retry_on_contention<T, F, Fut>(mut attempt: F) -> Result<T, ServiceError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ServiceError>>,
{
    for n in 0..CONTENTION_ATTEMPTS {
        if n > 0 {
            back_off(n).await;
        }
        match attempt().await {
            Err(ServiceError::Busy) => continue,
            other => return other,
        }
    }
    Err(ServiceError::Busy)
}

async fn back_off(attempt: u32) {
    if attempt == 1 {
        // Others waiting on this worker still go first.
        tokio::task::yield_now().await;
        return;
    }
    let jitter: u64 = rand::random_range(0..10);
    tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt - 1) + jitter)).await;
}

/// Pauses before the record of a send is tried again (each try is the SDK's own retries).
const RECORD_RETRY_PAUSES_MS: [u64; 3] = [50, 200, 800];

/// A write recording a send that already happened (an invitation email, a reminder), tried
/// harder than other writes: an unrecorded send is the one way an email goes out twice. It is
/// tried again after each pause while it fails in a way `again` says another try may better.
pub(super) async fn record_hard<T, F, Fut>(
    again: fn(&crate::store::StoreError) -> bool,
    mut write: F,
) -> Result<T, crate::store::StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, crate::store::StoreError>>,
{
    let mut recorded = write().await;
    for pause_ms in RECORD_RETRY_PAUSES_MS {
        match &recorded {
            Err(e) if again(e) => {
                tokio::time::sleep(Duration::from_millis(pause_ms)).await;
                recorded = write().await;
            }
            _ => break,
        }
    }
    recorded
}

impl super::Service {
    /// The invitation this request stored before its answer was lost, with its link made
    /// again (one more read). Its email, if still queued, goes out as for a first answer.
    pub(super) async fn made_already(
        &self,
        org_id: &OrganizationId,
        id: &InvitationId,
    ) -> Result<IssuedInvitation, ServiceError> {
        let invitation = self
            .store
            .get_invitation(org_id, id)
            .await?
            .ok_or(ServiceError::Busy)?;
        tracing::info!(invitation = %invitation.id, "a retried create finds what it made");
        Ok(IssuedInvitation {
            url: self.links.rebuild(&invitation),
            invitation,
            recovered: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_lost_race_is_tried_again_and_gives_up_after_the_last_attempt() {
        let tries = AtomicU32::new(0);
        let won = retry_on_contention(|| async {
            let n = tries.fetch_add(1, Ordering::SeqCst);
            if n < 2 {
                Err(ServiceError::Busy)
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(won.unwrap(), 2);

        tries.store(0, Ordering::SeqCst);
        let lost: Result<(), _> = retry_on_contention(|| async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(ServiceError::Busy)
        })
        .await;
        assert!(matches!(lost, Err(ServiceError::Busy)));
        assert_eq!(tries.load(Ordering::SeqCst), CONTENTION_ATTEMPTS);
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_retry_reads_again_at_once_and_later_ones_pause() {
        let started = tokio::time::Instant::now();
        let at = std::sync::Mutex::new(Vec::new());
        let _: Result<(), _> = retry_on_contention(|| async {
            at.lock().unwrap().push(started.elapsed());
            Err(ServiceError::Busy)
        })
        .await;
        let at = at.into_inner().unwrap();
        assert_eq!(at[1], Duration::ZERO, "the first retry waited: {at:?}");
        for (n, pair) in at.windows(2).enumerate().skip(1) {
            let pause = pair[1] - pair[0];
            let least = Duration::from_millis(5 * n as u64);
            assert!(
                pause >= least && pause < least + Duration::from_millis(10),
                "retry {} paused {pause:?}",
                n + 1
            );
        }
    }

    #[tokio::test]
    async fn other_errors_end_at_once() {
        let tries = AtomicU32::new(0);
        let r: Result<(), _> = retry_on_contention(|| async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(ServiceError::NotFound("invitation"))
        })
        .await;
        assert!(matches!(r, Err(ServiceError::NotFound(_))));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }
}

use super::*;

fn run(limit: Limit, times: &[Millis]) -> Vec<Result<(), i64>> {
    let mut log = RateLog::default();
    times
        .iter()
        .map(|&t| limit.admit(&log, t).map(|next| log = next))
        .collect()
}

#[test]
fn at_most_max_in_any_window() {
    let limit = Limit::per_day(5);
    let hour = HOUR_MS;
    let results = run(limit, &[0, hour, 2 * hour, 3 * hour, 4 * hour, 5 * hour]);
    assert!(results[..5].iter().all(Result::is_ok));
    // The sixth waits for the first to leave: 24 h after it.
    assert_eq!(results[5], Err(19 * hour));
}

#[test]
fn a_day_later_the_window_has_room_again() {
    let limit = Limit::per_day(5);
    let mut times: Vec<Millis> = (0..5).map(|i| i * 1000).collect();
    times.push(DAY_MS + 4_000);
    assert!(run(limit, &times).iter().all(Result::is_ok));
}

#[test]
fn the_cooldown_admits_one_per_window() {
    let limit = Limit::once_per_seconds(60);
    let results = run(limit, &[500, 30_000, 61_500]);
    assert!(results[0].is_ok());
    assert_eq!(results[1], Err(30_500));
    assert!(results[2].is_ok());
}

#[test]
fn the_longest_wait_is_reported() {
    let limits = Limits::default();
    let org = LimitKey::organization_emails("org_1");
    let cooldown = LimitKey::address_cooldown("org_1", "a@b.co");
    let mut states = vec![
        LimitState {
            key: org,
            log: RateLog::default(),
            version: 0,
        },
        LimitState {
            key: cooldown,
            log: RateLog::default(),
            version: 0,
        },
    ];
    let writes = admit_all(&limits, &states, 10_000).unwrap();
    for (state, write) in states.iter_mut().zip(writes) {
        state.log = write.log;
        state.version = 1;
    }
    let refused = admit_all(&limits, &states, 20_000).unwrap_err();
    assert_eq!(refused.kind, LimitKind::AddressCooldown);
    assert_eq!(refused.retry_after_seconds, 50);
}

#[test]
fn logs_stay_small() {
    let limit = Limit::per_hour(10_000);
    let mut log = RateLog::default();
    for t in (0..3 * HOUR_MS).step_by(7_000) {
        log = limit.admit(&log, t).unwrap();
    }
    assert!(log.buckets.len() <= 61, "{}", log.buckets.len());
}

//! The demo's reads of the local server's logs (`events.jsonl`, the outbox's `sent.log`).

/// Up to `n` lines from the end of a log, newest first: read from its end a block at a time,
/// so a log of millions of lines costs what its last lines do. A line cut short (a write the
/// server was killed in) is the caller's to skip.
pub(super) fn last_lines(log: &std::path::Path, n: usize) -> Vec<String> {
    let Ok(file) = std::fs::File::open(log) else {
        return Vec::new();
    };
    rev_lines::RevLines::new(file)
        .take(n)
        .filter_map(Result::ok)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_lines_come_newest_first_and_a_missing_log_reads_as_none() {
        let dir = std::env::temp_dir().join(format!("demo-logs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("events.jsonl");
        let lines: String = (0..5000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        std::fs::write(&log, lines).unwrap();
        assert_eq!(
            last_lines(&log, 3),
            ["{\"n\":4999}", "{\"n\":4998}", "{\"n\":4997}"]
        );
        assert_eq!(last_lines(&log, 10_000).len(), 5000);
        assert!(last_lines(&dir.join("absent.jsonl"), 3).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

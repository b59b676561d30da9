//! Lambda's CPU, modelled with a cgroup v1 CPU quota: a function gets a share of a vCPU
//! proportional to its memory (a full vCPU at 1,769 MB, so about 7 % at 128 MB).
//!
//! Two models, since reports differ on whether init gets more:
//! - `throttled`: the share from the first instruction (a shell joins the group, waits for a
//!   line, then `exec`s the function; the clock starts at that line, since joining a cgroup v1
//!   often waits ~10 ms for the kernel's RCU, which is not the function's time);
//! - `burst-init`: the whole CPU until the function's first `/next`, the share from then on
//!   (the process is moved into the cgroup when the first `/next` arrives, before the event is
//!   handed out; the move's wait falls between init and the first invocation, so the figure to
//!   read is init + first invoke, not the cold total).

use std::path::PathBuf;

/// Memory at which Lambda gives a function one full vCPU.
pub const FULL_VCPU_MB: f64 = 1769.0;
/// The scheduler's period: short, so that a burst cannot hide in one period's budget (with
/// the default 100 ms, a 128 MB function ran its first 7 ms unthrottled); longer only where
/// the kernel's smallest quota (1 ms) needs it: 13.8 ms at 128 MB.
const PERIOD_US: u64 = 10_000;
const MIN_QUOTA_US: u64 = 1_000;
/// Long enough for a spent budget to be whole again before the next process starts.
pub const REFILL: std::time::Duration = std::time::Duration::from_millis(50);

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    Throttled,
    BurstInit,
}

/// A CPU cgroup of its own, removed when dropped (after its processes are gone).
pub struct Quota {
    dir: PathBuf,
    procs: String,
    pub share: f64,
}

impl Quota {
    pub fn for_memory(memory_mb: u32) -> Result<Self, String> {
        let share = f64::from(memory_mb) / FULL_VCPU_MB;
        let root = PathBuf::from("/sys/fs/cgroup/cpu");
        if !root.join("cpu.cfs_quota_us").exists() {
            return Err("no cgroup v1 CPU controller at /sys/fs/cgroup/cpu (the CPU model needs it, and root)".into());
        }
        let dir = root.join(format!("lambda-cold-{}", std::process::id()));
        let _ = std::fs::create_dir(&dir);
        let write = |file: &str, value: String| {
            std::fs::write(dir.join(file), &value).map_err(|e| format!("{}/{file} = {value}: {e}", dir.display()))
        };
        let period = PERIOD_US.max((MIN_QUOTA_US as f64 / share).ceil() as u64);
        let quota = (share * period as f64) as u64;
        // Quota first when it shrinks the period's share, so that no write is refused.
        let _ = write("cpu.cfs_quota_us", "-1".into());
        write("cpu.cfs_period_us", period.to_string())?;
        write("cpu.cfs_quota_us", quota.to_string())?;
        let procs = dir.join("cgroup.procs").to_string_lossy().into_owned();
        Ok(Self { dir, procs, share })
    }

    /// Moves a running process (every thread of it) into the cgroup.
    pub fn admit(&self, pid: u32) -> Result<(), String> {
        std::fs::write(self.dir.join("cgroup.procs"), pid.to_string()).map_err(|e| format!("moving {pid} into the CPU cgroup: {e}"))
    }

    /// The file a process writes its pid to, to join the group.
    pub fn procs_path(&self) -> &std::path::Path {
        std::path::Path::new(&self.procs)
    }

    /// Whether `pid` is in the group.
    pub fn holds(&self, pid: u32) -> bool {
        std::fs::read_to_string(self.dir.join("cgroup.procs"))
            .map(|procs| procs.lines().any(|line| line.trim() == pid.to_string()))
            .unwrap_or(false)
    }
}

impl Drop for Quota {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

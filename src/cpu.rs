//! CPU-heavy work — decoding, sanitising and encoding images, Argon2id — on threads of its own
//! that the kernel runs after everything else.
//!
//! The async workers answer every request; on a small machine a burst of uploads or sign-ins
//! would otherwise take the cores from them, and catalogue readers wait behind photos being
//! encoded. Each heavy job runs on a fresh thread with a lower scheduling priority (nice
//! [`NICE`]): when a reader's request wakes a worker, the kernel runs the worker first, and the
//! heavy work still gets every cycle nobody else wants. How many heavy jobs run at once stays
//! bounded where it was (the media gate, the Argon2 slots, the receipt derivations); a thread
//! per job costs microseconds against jobs of tens of milliseconds.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// The nice value of heavy work (0 is the default, 19 the lowest priority). On Linux a nice
/// value belongs to a thread and is inherited by the threads it starts (the image encoder's
/// strips), so only the heavy work is lowered.
pub const NICE: i32 = 10;

/// A heavy job that panicked, or whose thread could not be started.
#[derive(Debug)]
pub struct Failed(String);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

/// Runs `work` on a low-priority thread of its own and waits for it without blocking the
/// async workers. A panic in `work` is returned as [`Failed`], like `spawn_blocking`'s.
pub async fn run<T, F>(work: F) -> Result<T, Failed>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, result) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("zbor-heavy".to_owned())
        .spawn(move || {
            lower_priority(NICE);
            let _ = done.send(catch_unwind(AssertUnwindSafe(work)));
        })
        .map_err(|e| Failed(format!("starting a worker thread: {e}")))?;
    match result.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => Err(Failed(format!("the task panicked: {}", panic_message(panic.as_ref())))),
        Err(_) => Err(Failed("the task ended without an answer".to_owned())),
    }
}

/// Lowers the calling thread's priority to `nice` (never raises it: an operator who runs zbor
/// at a lower priority still has it). Where the system refuses, the work runs at the usual
/// priority: slower answers under load, nothing worse.
pub fn lower_priority(nice: i32) {
    // With no pid, setpriority(2) applies to the calling thread on Linux.
    if let Ok(current) = rustix::process::getpriority_process(None)
        && current < nice
    {
        let _ = rustix::process::setpriority_process(None, nice);
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn heavy_work_runs_at_a_lower_priority_and_the_caller_keeps_its_own() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let inside = run(|| rustix::process::getpriority_process(None).unwrap()).await.unwrap();
        assert_eq!(inside, before.max(NICE));
        // The encoder's strip threads inherit it.
        let strip = run(|| std::thread::spawn(|| rustix::process::getpriority_process(None).unwrap()).join().unwrap())
            .await
            .unwrap();
        assert_eq!(strip, before.max(NICE));
        assert_eq!(rustix::process::getpriority_process(None).unwrap(), before, "only the heavy thread is lowered");
    }

    #[tokio::test]
    async fn a_panic_is_an_error_not_a_crash() {
        let failed = run(|| -> u8 { panic!("a broken image") }).await.unwrap_err();
        assert!(failed.to_string().contains("a broken image"), "{failed}");
        assert_eq!(run(|| 7).await.unwrap(), 7);
    }
}

//! The memory allocator's settings.
//!
//! zbor runs on mimalloc (see `main.rs`), built never to ask for transparent huge pages (the
//! `no_thp` feature in `Cargo.toml`; with the kernel's THP mode `madvise`, Debian's default,
//! that means none, while with `always` the service should set `MIMALLOC_ALLOW_THP=0`, as the
//! README's unit does). [`configure`] then treats memory by size, as glibc does with its mmap
//! threshold:
//!
//! - **Buffers over 4 MiB go straight to the kernel and back.** A photo upload frees tens of
//!   megabytes at once (the uploaded bytes, the decoder's buffers) just before it allocates the
//!   next large buffers; kept by the allocator, that memory shows up as peak memory (a 48 MP
//!   photo peaked at 240 MiB with mimalloc's defaults, 183 MiB so: `media_bench run`).
//! - **Everything smaller is kept for 100 ms before it is given back.** A rendered page frees
//!   its small strings and the next request allocates them again; given back at once, every
//!   freed page of memory was an `madvise` whose TLB flush interrupts the other core, and a
//!   page fault when it is used again: 14 % of the server's time when it renders every page
//!   (`zbor serve --no-render-cache` under wrk with `bench/catalogue.sh`'s cold URLs, 10 000
//!   objects, 2 cores), which served 5 700–5 800 pages a second with no delay and
//!   7 400–7 900 with this one, for 2–3 MiB more resident memory.
//!
//! An operator's `MIMALLOC_PURGE_DELAY` or `MIMALLOC_ARENA_MAX_OBJECT_SIZE` wins over both.

use std::ffi::c_long;

/// mimalloc's `mi_option_purge_delay`, as numbered in the v3 header that `libmimalloc-sys`
/// builds by default (it does not name it; a test below checks its default, 1000 ms).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's `mi_option_arena_max_object_size`, in KiB (checked by its default, 2 GiB):
/// larger allocations are mapped from the kernel for themselves and unmapped when freed.
const MI_OPTION_ARENA_MAX_OBJECT_SIZE: libmimalloc_sys::mi_option_t = 45;

/// The purge delay the server runs with, in milliseconds.
const SERVE_PURGE_DELAY: c_long = 100;

/// Allocations above this many KiB bypass mimalloc's arenas. Not below 4 MiB: that is the size
/// of mimalloc's own large pages, which must stay in its arenas.
const OWN_MAPPING_ABOVE_KIB: c_long = 4 * 1024;

/// mimalloc's own purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY: c_long = 1000;

/// Sets an option unless the operator set it in the environment.
#[allow(unsafe_code)]
fn set_unless_chosen(variable: &str, option: libmimalloc_sys::mi_option_t, value: c_long) {
    if std::env::var_os(variable).is_some() {
        return;
    }
    // SAFETY: `mi_option_set` stores an integer in mimalloc's option table; it takes no
    // pointers, is thread-safe and may be called at any time, before or after allocating.
    unsafe { libmimalloc_sys::mi_option_set(option, value) }
}

/// Large buffers returned to the kernel when freed, small ones kept for 100 ms (see the
/// module's documentation). Call it first thing in `main`.
pub fn configure() {
    set_unless_chosen("MIMALLOC_ARENA_MAX_OBJECT_SIZE", MI_OPTION_ARENA_MAX_OBJECT_SIZE, OWN_MAPPING_ABOVE_KIB);
    set_unless_chosen("MIMALLOC_PURGE_DELAY", MI_OPTION_PURGE_DELAY, SERVE_PURGE_DELAY);
}

/// Gives every freed page of memory back to the system now, whatever the delay: after a
/// large job that freed much at once and after which the process may sit idle (mimalloc
/// purges only when it allocates or frees, so an idle server kept what building the public
/// snapshot had freed: 47 MB more resident memory at 100 000 objects).
#[allow(unsafe_code)]
pub fn give_back_freed_memory() {
    // SAFETY: `mi_collect` takes no pointers and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// For a batch job that allocates and frees one page after another (`zbor export-site`):
/// freed memory stays with the process for mimalloc's default second (about 0.3 s less kernel
/// time in an export of 10 000 objects than with no delay).
pub fn keep_freed_memory_a_while() {
    set_unless_chosen("MIMALLOC_PURGE_DELAY", MI_OPTION_PURGE_DELAY, DEFAULT_PURGE_DELAY);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resident memory of this process, in bytes.
    fn resident() -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    }

    /// One test, as the options are the process's: their numbers first (by their defaults),
    /// then what `configure` does with a large buffer, then what `give_back_freed_memory`
    /// does with small ones.
    #[test]
    #[allow(unsafe_code)]
    fn large_buffers_go_back_to_the_kernel_when_freed() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
            || std::env::var_os("MIMALLOC_ARENA_MAX_OBJECT_SIZE").is_some()
        {
            return;
        }
        // SAFETY: `mi_option_get` reads an integer from mimalloc's option table.
        let (delay, max_object) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_MAX_OBJECT_SIZE),
            )
        };
        assert_eq!(delay, DEFAULT_PURGE_DELAY, "mimalloc's default purge delay, in milliseconds");
        assert_eq!(max_object, 2 * 1024 * 1024, "mimalloc's default largest arena object, in KiB");

        configure();
        // SAFETY: as above.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, SERVE_PURGE_DELAY);

        // A 12 MiB buffer (an upload's size) from mimalloc itself (the test binary's allocator
        // is the system's), written to so that it is resident, then freed: it leaves at once.
        const SIZE: usize = 12 << 20;
        // The process's resident size is the measure, and the other tests of this binary run
        // beside this one, allocating as they go: one of a few tries must show the buffer go
        // (a buffer that is kept never shows it, however often it is tried).
        let mut freed = 0;
        for _ in 0..5 {
            // SAFETY: `mi_malloc` returns SIZE writable bytes or null (checked); they are
            // written within bounds and freed once with `mi_free`, and not used after.
            let (with, without) = unsafe {
                // Memory from mimalloc's arenas first, as in a server that has been running.
                let small: Vec<_> = (0..4096).map(|_| libmimalloc_sys::mi_malloc(1000)).collect();
                let earlier = libmimalloc_sys::mi_malloc(SIZE);
                small.into_iter().chain([earlier]).for_each(|p| libmimalloc_sys::mi_free(p));
                let buffer = libmimalloc_sys::mi_malloc(SIZE).cast::<u8>();
                assert!(!buffer.is_null());
                std::ptr::write_bytes(buffer, 0x5a, SIZE);
                let with = resident();
                libmimalloc_sys::mi_free(buffer.cast());
                (with, resident())
            };
            freed = freed.max(with.saturating_sub(without));
            if freed >= SIZE / 2 {
                break;
            }
        }
        assert!(freed >= SIZE / 2, "{} KiB of 12 MiB left the process", freed >> 10);

        // 32 MiB of small blocks, written and freed: kept for the next allocations until
        // `give_back_freed_memory` gives them back.
        // SAFETY: as above, for blocks of 1 KiB.
        let (with, without) = unsafe {
            let blocks: Vec<_> = (0..32 * 1024).map(|_| libmimalloc_sys::mi_malloc(1024).cast::<u8>()).collect();
            assert!(blocks.iter().all(|b| !b.is_null()));
            blocks.iter().for_each(|b| std::ptr::write_bytes(*b, 0x5a, 1024));
            let with = resident();
            blocks.into_iter().for_each(|b| libmimalloc_sys::mi_free(b.cast()));
            give_back_freed_memory();
            (with, resident())
        };
        let freed = with.saturating_sub(without);
        assert!(freed >= 16 << 20, "{} KiB of 32 MiB of small blocks left the process", freed >> 10);
    }
}

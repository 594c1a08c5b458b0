//! The memory allocator's settings.
//!
//! zbor runs on mimalloc (see `main.rs`), built never to ask for transparent huge pages (the
//! `no_thp` feature in `Cargo.toml`; with the kernel's THP mode `madvise`, Debian's default,
//! that means none, while with `always` the service should set `MIMALLOC_ALLOW_THP=0`, as the
//! README's unit does) and told here to give freed memory back at once. A photo upload
//! frees tens of megabytes at once (the uploaded bytes, the decoder's buffers) just before it
//! allocates the next large buffers. With mimalloc's defaults, that memory stays with the
//! process for a second and shows up as peak memory, and huge pages make the kernel compact
//! memory in the middle of an upload whenever something else fragmented it: a 48 MP photo took
//! 0.66–1.06 s and 246 MiB, and now takes 0.69–0.75 s and 202 MiB (`bench/media.sh`'s input,
//! run right after libvips). The catalogue rendering every page (`zbor serve --no-render-cache`,
//! wrk with `bench/catalogue.sh`'s cold URL list, 10 000 objects, 2 cores) served 9 300–9 800
//! pages a second instead of 8 900–10 400, within run-to-run noise, with a peak of 89 MiB
//! instead of 150 MiB.

/// mimalloc's `mi_option_purge_delay`, as numbered in the v3 header that `libmimalloc-sys`
/// builds by default (it does not name it; a test below checks its default, 1000 ms).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes mimalloc give freed memory back to the system at once, unless the operator chose a
/// delay with `MIMALLOC_PURGE_DELAY`. Call it first thing in `main`.
#[allow(unsafe_code)]
pub fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` stores an integer in mimalloc's option table; it takes no
    // pointers, is thread-safe and may be called at any time, before or after allocating.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// For a batch job that allocates and frees one page after another (`zbor export-site`):
/// freed memory stays with the process for mimalloc's default second instead of going back
/// to the system and being faulted in again for the next page (about 0.3 s of kernel time in
/// an export of 10 000 objects), unless the operator chose a delay with
/// `MIMALLOC_PURGE_DELAY`.
#[allow(unsafe_code)]
pub fn keep_freed_memory_a_while() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: as in `return_freed_memory_at_once`.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, DEFAULT_PURGE_DELAY) }
}

/// mimalloc's own purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY: std::ffi::c_long = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_option_number_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: `mi_option_get` reads an integer from mimalloc's option table.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, DEFAULT_PURGE_DELAY, "mimalloc's default purge delay, in milliseconds");
    }
}

//! The memory allocator's one setting.
//!
//! zbor runs on mimalloc (see `main.rs`). By default mimalloc keeps memory it was handed back
//! for 10 ms, and whole arenas ten times longer, before returning it to the system, so that it
//! can reuse it cheaply. A photo upload frees tens of megabytes at once (the uploaded bytes,
//! the decoder's buffers) just before it allocates the next large buffers, so that delay shows
//! up as peak memory: on a 48 MP photo, 246 MiB instead of 207 MiB (`bench/media.sh`), and the
//! photo's time does not change. The price, measured on 2 cores with the catalogue rendering
//! every page (`zbor serve --no-render-cache`, wrk with the cold URL list of
//! `bench/catalogue.sh`, 10 000 objects): about 5 % fewer pages per second (9 000–9 600 instead
//! of 9 800–10 400), for a peak of 120 MiB instead of 148 MiB. Pages served from the render
//! cache, the common case, allocate little.

/// mimalloc's `mi_option_purge_delay` (the 16th option, index 15, in both its v2 and v3
/// headers; `libmimalloc-sys` does not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes mimalloc give freed memory back to the system at once. Call it first thing in `main`.
#[allow(unsafe_code)]
pub fn return_freed_memory_at_once() {
    // SAFETY: `mi_option_set` stores an integer in mimalloc's option table; it takes no
    // pointers, is thread-safe and may be called at any time, before or after allocating.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

//! The panic handler and the (failing) global allocator of bare-metal (`no_std`) builds.
//!
//! A staticlib must contain a `#[panic_handler]`. The core is written not to panic, so this is
//! a last line of defence, never a control path:
//! * default: calls `void pqh_panic_handler(void)`, which the integrator defines (log, reset,
//!   enter a safe state) and which must not return;
//! * feature `panic-handler`: a minimal built-in handler that executes a permanently undefined
//!   instruction (`udf`) on Arm, raising HardFault (UsageFault) so the fault handler or watchdog
//!   takes over, and spins elsewhere.
//!
//! Rust programs must not link the no_std rlib of this crate next to their own panic handler;
//! they should depend on `pqhybrid` directly.

#[cfg(all(not(feature = "std"), not(test), not(feature = "panic-handler")))]
mod integrator {
    unsafe extern "C" {
        /// Defined by the integrator; must not return.
        fn pqh_panic_handler() -> !;
    }

    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        // SAFETY: `pqh_panic_handler` takes no arguments and the integrator's definition (its
        // contract in pqhybrid.h) does not return.
        unsafe { pqh_panic_handler() }
    }
}

#[cfg(all(not(feature = "std"), not(test), feature = "panic-handler"))]
mod builtin {
    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        #[cfg(target_arch = "arm")]
        // SAFETY: `udf` raises an undefined-instruction exception and never falls through; it
        // touches no memory or registers the compiler relies on.
        unsafe {
            core::arch::asm!("udf #0", options(noreturn, nomem, nostack))
        }
        #[cfg(not(target_arch = "arm"))]
        loop {
            core::hint::spin_loop();
        }
    }
}

/// The global allocator of bare-metal builds: it always fails.
///
/// Nothing in pqhybrid allocates without `alloc`, but a dependency links the `alloc` crate
/// (x-wing 0.1 enables zeroize's default `alloc` feature), and a staticlib that links `alloc`
/// must name a global allocator. An allocation would return NULL, which Rust turns into
/// `handle_alloc_error`, a panic: the panic handler above.
#[cfg(all(not(feature = "std"), not(test)))]
mod no_alloc {
    use core::alloc::{GlobalAlloc, Layout};

    struct NoAlloc;

    // SAFETY: `alloc` never hands out memory (it returns NULL, which callers must treat as an
    // allocation failure) and `dealloc` is therefore never called with a pointer from it.
    unsafe impl GlobalAlloc for NoAlloc {
        unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
            core::ptr::null_mut()
        }

        unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
    }

    #[global_allocator]
    static ALLOCATOR: NoAlloc = NoAlloc;
}

//! SHAKE128/SHAKE256 for the compact verifier, from one of two well-kept Keccak crates, chosen at
//! compile time (the verifier's time is almost all Keccak: about 190 permutations for ML-DSA-65):
//!
//! * default: RustCrypto's `shake` (the `keccak` crate): small code, which is what a bootloader
//!   with a 64 KiB flash budget needs, but LLVM leaves its round loop rolled in our Cortex-M
//!   builds (about 32 000 instructions per permutation on a Cortex-M4);
//! * feature `compact-verify-fast`: `libcrux-sha3`'s portable, fully unrolled Keccak (about
//!   14 000 instructions per permutation, roughly twice as fast a verification) for about 20 KB
//!   more flash.
//!
//! Both are driven through the same small incremental interface (`new`, `absorb`,
//! `absorb_final`, `squeeze`): absorb any number of times, then `absorb_final` once, then squeeze
//! any number of times (FIPS 202 SHAKE as an XOF).

#[cfg(feature = "compact-verify-fast")]
pub(crate) use libcrux_sha3::portable::incremental::{Shake128Xof, Shake256Xof, Xof};

#[cfg(not(feature = "compact-verify-fast"))]
pub(crate) use rustcrypto::{Shake128Xof, Shake256Xof, Xof};

#[cfg(not(feature = "compact-verify-fast"))]
mod rustcrypto {
    use shake::digest::{ExtendableOutput, Update, XofReader};

    /// The incremental XOF interface (`libcrux-sha3`'s, so that the verifier is written once).
    pub(crate) trait Xof {
        /// A fresh state.
        fn new() -> Self;
        /// Absorbs `input` (before `absorb_final`).
        fn absorb(&mut self, input: &[u8]);
        /// Absorbs the last `input` and pads.
        fn absorb_final(&mut self, input: &[u8]);
        /// Squeezes the next `out.len()` bytes (after `absorb_final`).
        fn squeeze(&mut self, out: &mut [u8]);
    }

    macro_rules! xof {
        ($name:ident, $hasher:ty, $reader:ty) => {
            /// SHAKE as an incremental XOF: absorbing, then squeezing.
            pub(crate) enum $name {
                Absorbing($hasher),
                Squeezing($reader),
            }

            impl Xof for $name {
                fn new() -> Self {
                    Self::Absorbing(<$hasher>::default())
                }

                fn absorb(&mut self, input: &[u8]) {
                    if let Self::Absorbing(h) = self {
                        h.update(input);
                    }
                }

                fn absorb_final(&mut self, input: &[u8]) {
                    if let Self::Absorbing(h) = self {
                        h.update(input);
                        let reader = core::mem::take(h).finalize_xof();
                        *self = Self::Squeezing(reader);
                    }
                }

                fn squeeze(&mut self, out: &mut [u8]) {
                    // A squeeze while absorbing finishes the input first (`absorb_final(&[])`).
                    if let Self::Absorbing(h) = self {
                        let reader = core::mem::take(h).finalize_xof();
                        *self = Self::Squeezing(reader);
                    }
                    if let Self::Squeezing(r) = self {
                        r.read(out);
                    }
                }
            }
        };
    }

    xof!(Shake128Xof, shake::Shake128, shake::Shake128Reader);
    xof!(Shake256Xof, shake::Shake256, shake::Shake256Reader);
}

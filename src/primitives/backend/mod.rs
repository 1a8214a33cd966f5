//! The lattice backend seam: where ML-KEM and ML-DSA come from.
//!
//! Everything above the primitives (the typed keys in [`super::ml_kem`] and [`super::ml_dsa`],
//! the hybrids, the algorithm-agile layer, the firmware format, the C ABI, WASM and the CLI) is
//! written against the two traits here, [`MlKemBackend`] and [`MlDsaBackend`], through the
//! typed keys' backend parameter (`DecapsulationKey<P, B = DefaultBackend>`). Backends are
//! chosen at compile time with cargo features; nothing needs an allocator or `dyn`:
//!
//! | feature | type | code | where |
//! |---|---|---|---|
//! | `backend-libcrux` (default) | `Libcrux` | `libcrux-ml-kem`, `libcrux-ml-dsa` 0.0.11 (hax/F*-verified): AVX2 with runtime CPU detection on x86-64, portable elsewhere | every target |
//! | `backend-rustcrypto` | `RustCrypto` | RustCrypto `ml-kem` 0.3, `ml-dsa` 0.1 | every target; the alternative |
//! | always (ML-DSA only); the typed keys' default with `compact-sign` | `Compact` | pqhybrid's [`super::ml_dsa_compact`] signer and verifier (about 20 KiB of stack) | devices that sign |
//!
//! [`DefaultBackend`] is `Libcrux` when `backend-libcrux` is enabled, else `RustCrypto`. Both can
//! be compiled into one build (`--all-features`), and the tests use each as the other's oracle.
//!
//! # What a backend implements
//!
//! A further backend (a hardware accelerator, a low-memory signer) is a zero-sized type that
//! implements [`MlKemBackend<P>`] and/or [`MlDsaBackend<P>`] for the parameter sets it serves:
//!
//! * key generation from the canonical seed (FIPS 203 Algorithm 16 `ML-KEM.KeyGen_internal(d, z)`
//!   with `seed = d ‖ z`; FIPS 204 Algorithm 6 `ML-DSA.KeyGen_internal(ξ)`), byte-identical to
//!   the standard;
//! * the standard encodings of public keys, ciphertexts and signatures, and the expanded private
//!   key encodings (FIPS 203 `dk`, FIPS 204 `skEncode`) so that imported keys can be compared;
//! * the FIPS 203 §7.2 (modulus) and §7.3 (hash) input checks on import, reporting
//!   [`Error::InvalidKey`](crate::Error::InvalidKey);
//! * `Encaps_internal` with caller randomness `m`, `Decaps` with implicit rejection;
//! * pure ML-DSA signing with caller randomness `rnd` (hedged or `0³²`) and a context of at most
//!   255 bytes, and pure ML-DSA verification.
//!
//! Private-key state must zeroize on drop, and every operation on secret data must be constant
//! time (the valgrind harness in `ct/` checks the shipped backends). Verification over an
//! external μ (the streaming [`MessageHasher`](super::ml_dsa::MessageHasher) API, the firmware
//! verifier) does not go through the backend: it runs on pqhybrid's compact verifier
//! ([`super::ml_dsa_compact`]), which serves every backend. Signing over an external μ
//! (`SigningKey::sign_mu`) needs `backend-rustcrypto`:
//! `libcrux-ml-dsa` 0.0.11 has no entry point for it.

use core::fmt;

use crate::error::Result;
use crate::secret::SharedSecret;

use super::ml_dsa::MlDsaParams;
use super::ml_kem::MlKemParams;

mod compact;
#[cfg(feature = "backend-libcrux")]
#[doc(hidden)]
pub mod libcrux;
#[cfg(feature = "backend-rustcrypto")]
mod rustcrypto;

#[cfg(not(any(feature = "backend-libcrux", feature = "backend-rustcrypto")))]
compile_error!(
    "pqhybrid needs a lattice backend: enable `backend-libcrux` (the default) or `backend-rustcrypto`"
);

/// The `libcrux-ml-kem` / `libcrux-ml-dsa` backend (feature `backend-libcrux`, the default).
#[cfg(feature = "backend-libcrux")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Libcrux;

/// The RustCrypto `ml-kem` / `ml-dsa` backend (feature `backend-rustcrypto`).
#[cfg(feature = "backend-rustcrypto")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RustCrypto;

/// The backend the typed keys, the hybrids and the agile layer use: `Libcrux` when
/// `backend-libcrux` is enabled, else `RustCrypto`.
#[cfg(feature = "backend-libcrux")]
pub type DefaultBackend = Libcrux;
/// The backend the typed keys, the hybrids and the agile layer use: `Libcrux` when
/// `backend-libcrux` is enabled, else `RustCrypto`.
#[cfg(all(feature = "backend-rustcrypto", not(feature = "backend-libcrux")))]
pub type DefaultBackend = RustCrypto;

pub use compact::Compact;

/// The ML-DSA backend of the typed keys ([`super::ml_dsa::SigningKey`],
/// [`super::ml_dsa::VerifyingKey`]) and so of the composites, the agile layer, the identity and
/// the C ABI: [`Compact`] with the feature `compact-sign` (a device that signs in a few tens of
/// KiB of stack), else [`DefaultBackend`].
#[cfg(feature = "compact-sign")]
pub type DefaultDsaBackend = Compact;
/// The ML-DSA backend of the typed keys ([`super::ml_dsa::SigningKey`],
/// [`super::ml_dsa::VerifyingKey`]) and so of the composites, the agile layer, the identity and
/// the C ABI: [`Compact`] with the feature `compact-sign` (a device that signs in a few tens of
/// KiB of stack), else [`DefaultBackend`].
#[cfg(not(feature = "compact-sign"))]
pub type DefaultDsaBackend = DefaultBackend;

/// The backend's name, for reports (`"libcrux"`, `"rustcrypto"`).
pub trait BackendName {
    /// Short lowercase name.
    const NAME: &'static str;
}

#[cfg(feature = "backend-libcrux")]
impl BackendName for Libcrux {
    const NAME: &'static str = "libcrux";
}
#[cfg(feature = "backend-rustcrypto")]
impl BackendName for RustCrypto {
    const NAME: &'static str = "rustcrypto";
}

/// ML-KEM (FIPS 203) for parameter set `P`.
pub trait MlKemBackend<P: MlKemParams>:
    BackendName + Copy + Default + fmt::Debug + 'static
{
    /// Decapsulation-key state. Zeroizes on drop.
    type Dk: Clone;
    /// Encapsulation-key state, validated (FIPS 203 §7.2).
    type Ek: Clone + fmt::Debug;
    /// `ML-KEM.KeyGen_internal(d, z)` from `seed = d ‖ z` (FIPS 203 Algorithm 16).
    fn dk_from_seed(seed: &[u8; super::ml_kem::SEED_LEN]) -> Self::Dk;
    /// Imports an expanded `dk` of exactly `P::EXPANDED_KEY_LEN` bytes after the §7.3 hash check
    /// and the §7.2 modulus check of the embedded `ek`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`](crate::Error::InvalidKey) if a check fails.
    fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk>;
    /// Writes the key's expanded encoding `dk` (FIPS 203 Algorithm 16) to `out`, which is
    /// exactly `P::EXPANDED_KEY_LEN` bytes.
    fn dk_expanded_to(dk: &Self::Dk, out: &mut [u8]);
    /// The encapsulation key of `dk`.
    fn ek_of(dk: &Self::Dk) -> Self::Ek;
    /// Imports an `ek` of exactly `P::ENCAPSULATION_KEY_LEN` bytes after the §7.2 check.
    ///
    /// # Errors
    /// [`Error::InvalidKey`](crate::Error::InvalidKey) if a coefficient is not reduced.
    fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek>;
    /// The encoded `ek`.
    fn ek_to_bytes(ek: &Self::Ek) -> P::EncapsulationKeyBytes;
    /// `ML-KEM.Encaps_internal(ek, m)` (FIPS 203 Algorithm 17).
    fn encaps(ek: &Self::Ek, m: &[u8; 32]) -> (P::Ciphertext, SharedSecret);
    /// `ML-KEM.Decaps_internal(dk, c)` (FIPS 203 Algorithm 18) on a ciphertext of exactly
    /// `P::CIPHERTEXT_LEN` bytes (checked by the caller).
    ///
    /// # Errors
    /// [`Error::InvalidLength`](crate::Error::InvalidLength) for a wrong length.
    fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret>;
}

/// The functions of one ML-KEM parameter set in backend `B`: the contract of [`MlKemBackend`]
/// written per parameter set (the shipped backends wrap crates whose types differ per set), and
/// a supertrait of [`MlKemParams`] for each backend compiled in, so that generic code reaches
/// them. A new backend may implement [`MlKemBackend`] directly instead.
#[doc(hidden)]
pub trait MlKemOps<B>: super::ml_kem::MlKemSizes {
    /// See [`MlKemBackend::Dk`].
    type Dk: Clone;
    /// See [`MlKemBackend::Ek`].
    type Ek: Clone + fmt::Debug;
    /// See [`MlKemBackend::dk_from_seed`].
    fn dk_from_seed(seed: &[u8; super::ml_kem::SEED_LEN]) -> Self::Dk;
    /// See [`MlKemBackend::dk_from_expanded`].
    ///
    /// # Errors
    /// As [`MlKemBackend::dk_from_expanded`].
    fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk>;
    /// See [`MlKemBackend::dk_expanded_to`].
    fn dk_expanded_to(dk: &Self::Dk, out: &mut [u8]);
    /// See [`MlKemBackend::ek_of`].
    fn ek_of(dk: &Self::Dk) -> Self::Ek;
    /// See [`MlKemBackend::ek_from_bytes`].
    ///
    /// # Errors
    /// As [`MlKemBackend::ek_from_bytes`].
    fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek>;
    /// See [`MlKemBackend::ek_to_bytes`].
    fn ek_to_bytes(ek: &Self::Ek) -> Self::EncapsulationKeyBytes;
    /// See [`MlKemBackend::encaps`].
    fn encaps(ek: &Self::Ek, m: &[u8; 32]) -> (Self::Ciphertext, SharedSecret);
    /// See [`MlKemBackend::decaps`].
    ///
    /// # Errors
    /// As [`MlKemBackend::decaps`].
    fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret>;
}

/// ML-DSA (FIPS 204) for parameter set `P`: key generation, pure signing and verification.
pub trait MlDsaBackend<P: MlDsaParams>:
    BackendName + Copy + Default + fmt::Debug + 'static
{
    /// Signing-key state derived from the seed. Zeroizes on drop.
    type Sk: Clone;
    /// Verifying-key state.
    type Vk: Clone + fmt::Debug;
    /// `ML-DSA.KeyGen_internal(ξ)` (FIPS 204 Algorithm 6).
    fn keygen(seed: &[u8; super::ml_dsa::SEED_LEN]) -> (Self::Sk, Self::Vk);
    /// `pkDecode` of exactly `P::PUBLIC_KEY_LEN` bytes (FIPS 204 Algorithm 23).
    fn vk_from_bytes(bytes: &[u8]) -> Result<Self::Vk>;
    /// `pkEncode` (FIPS 204 Algorithm 22).
    fn vk_to_bytes(vk: &Self::Vk) -> P::PublicKey;
    /// Writes the key's `skEncode` (FIPS 204 Algorithm 24) to `out`, which is exactly
    /// `P::EXPANDED_KEY_LEN` bytes.
    fn sk_expanded_to(sk: &Self::Sk, out: &mut [u8]);
    /// `ML-DSA.Sign` (FIPS 204 Algorithm 2) with the given `rnd`; `ctx` is at most 255 bytes
    /// (checked by the caller).
    ///
    /// # Errors
    /// [`Error::SigningFailed`](crate::Error::SigningFailed).
    fn sign(sk: &Self::Sk, msg: &[u8], ctx: &[u8], rnd: &[u8; 32]) -> Result<P::Signature>;
    /// `ML-DSA.Verify` (FIPS 204 Algorithm 3) of a signature of exactly `P::SIGNATURE_LEN`
    /// bytes; `ctx` is at most 255 bytes (both checked by the caller).
    ///
    /// # Errors
    /// [`Error::MalformedEncoding`](crate::Error::MalformedEncoding) for a signature that does
    /// not decode (hint encoding, ‖z‖∞) where the backend tells, else
    /// [`Error::VerificationFailed`](crate::Error::VerificationFailed).
    fn verify(vk: &Self::Vk, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()>;
}

#[cfg(feature = "backend-rustcrypto")]
pub(crate) use rustcrypto::sign_mu as rustcrypto_sign_mu;

/// What a parameter set needs so that every compiled-in backend serves it in generic code: its
/// [`MlKemOps`] for each. A supertrait of [`MlKemParams`], implemented for every type that
/// qualifies.
#[doc(hidden)]
pub trait MlKemBinding: MlKemLibcrux + MlKemRustCrypto {}
impl<T: MlKemLibcrux + MlKemRustCrypto> MlKemBinding for T {}

/// [`MlKemOps<Libcrux>`] when that backend is compiled in.
#[doc(hidden)]
#[cfg(feature = "backend-libcrux")]
pub trait MlKemLibcrux: MlKemOps<Libcrux> {}
#[cfg(feature = "backend-libcrux")]
impl<T: MlKemOps<Libcrux>> MlKemLibcrux for T {}
/// [`MlKemOps<Libcrux>`] when that backend is compiled in.
#[doc(hidden)]
#[cfg(not(feature = "backend-libcrux"))]
pub trait MlKemLibcrux {}
#[cfg(not(feature = "backend-libcrux"))]
impl<T> MlKemLibcrux for T {}

/// [`MlKemOps<RustCrypto>`] when that backend is compiled in.
#[doc(hidden)]
#[cfg(feature = "backend-rustcrypto")]
pub trait MlKemRustCrypto: MlKemOps<RustCrypto> {}
#[cfg(feature = "backend-rustcrypto")]
impl<T: MlKemOps<RustCrypto>> MlKemRustCrypto for T {}
/// [`MlKemOps<RustCrypto>`] when that backend is compiled in.
#[doc(hidden)]
#[cfg(not(feature = "backend-rustcrypto"))]
pub trait MlKemRustCrypto {}
#[cfg(not(feature = "backend-rustcrypto"))]
impl<T> MlKemRustCrypto for T {}

/// As [`MlKemBinding`], for [`MlDsaParams`].
#[doc(hidden)]
#[cfg(feature = "backend-libcrux")]
pub trait MlDsaBinding: libcrux::MlDsaOps {}
#[cfg(feature = "backend-libcrux")]
impl<T: libcrux::MlDsaOps> MlDsaBinding for T {}
/// See the `backend-libcrux` version.
#[doc(hidden)]
#[cfg(not(feature = "backend-libcrux"))]
pub trait MlDsaBinding {}
#[cfg(not(feature = "backend-libcrux"))]
impl<T> MlDsaBinding for T {}

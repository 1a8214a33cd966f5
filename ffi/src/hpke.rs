//! HPKE (RFC 9180 with draft-ietf-hpke-pq's KEMs): `pqh_hpke_*`, single-shot Base-mode sealing
//! to a KEM public key over caller buffers (`pqhybrid::hpke::Suite`).
//!
//! The sealed box is `enc ‖ ct ‖ tag`: the KEM ciphertext (pqh_kem_ciphertext_len(kem) bytes),
//! the AEAD ciphertext (as long as the plaintext) and the 16-byte AEAD tag;
//! `docs/hpke.md` specifies it byte by byte, with a worked example. A suite is a KEM (a
//! `pqh_kem_alg` with an HPKE code point: every KEM but MLKEM768-X25519-SHA3-256), a KDF and an
//! AEAD, the last two given by their HPKE identifiers.

use core::ffi::c_void;

use pqhybrid::KemAlgorithm;
use pqhybrid::agile::DecapsulationKeyRef;
use pqhybrid::hpke::{Aead, Kdf, Suite, TAG_LEN};

use crate::alg::KemAlgArg;
use crate::glue::{guard, input, output, put, required};
use crate::rng::{CallbackRng, pqh_rng_fn};
use crate::status::pqh_status::{self, *};

/// An HPKE key derivation function. The value is its HPKE identifier (RFC 9180 §7.2,
/// draft-ietf-hpke-hpke), stable ABI. Functions take it as a 32-bit value; any other value is
/// PQH_ERR_UNSUPPORTED_SUITE.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum pqh_hpke_kdf {
    /// HKDF-SHA256.
    PQH_HPKE_KDF_HKDF_SHA256 = 0x0001,
    /// HKDF-SHA512.
    PQH_HPKE_KDF_HKDF_SHA512 = 0x0003,
    /// SHAKE128 as a one-stage KDF (`info` at most PQH_HPKE_SHAKE_INFO_BYTES_MAX bytes).
    PQH_HPKE_KDF_SHAKE128 = 0x0010,
    /// SHAKE256 as a one-stage KDF (`info` at most PQH_HPKE_SHAKE_INFO_BYTES_MAX bytes).
    PQH_HPKE_KDF_SHAKE256 = 0x0011,
}

/// An HPKE AEAD. The value is its HPKE identifier (RFC 9180 §7.3), stable ABI. Functions take
/// it as a 32-bit value; any other value is PQH_ERR_UNSUPPORTED_SUITE.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum pqh_hpke_aead {
    /// AES-256-GCM.
    PQH_HPKE_AEAD_AES_256_GCM = 0x0002,
    /// ChaCha20-Poly1305.
    PQH_HPKE_AEAD_CHACHA20_POLY1305 = 0x0003,
}

/// Every KDF: C value, core KDF.
const KDFS: [(pqh_hpke_kdf, Kdf); 4] = [
    (pqh_hpke_kdf::PQH_HPKE_KDF_HKDF_SHA256, Kdf::HkdfSha256),
    (pqh_hpke_kdf::PQH_HPKE_KDF_HKDF_SHA512, Kdf::HkdfSha512),
    (pqh_hpke_kdf::PQH_HPKE_KDF_SHAKE128, Kdf::Shake128),
    (pqh_hpke_kdf::PQH_HPKE_KDF_SHAKE256, Kdf::Shake256),
];

/// Every AEAD: C value, core AEAD.
const AEADS: [(pqh_hpke_aead, Aead); 2] = [
    (pqh_hpke_aead::PQH_HPKE_AEAD_AES_256_GCM, Aead::Aes256Gcm),
    (
        pqh_hpke_aead::PQH_HPKE_AEAD_CHACHA20_POLY1305,
        Aead::ChaCha20Poly1305,
    ),
];

/// The AEAD tag length of every HPKE suite offered: the last PQH_HPKE_TAG_BYTES bytes of a
/// sealed box.
pub const PQH_HPKE_TAG_BYTES: usize = 16;
/// The largest sealed-box overhead of any suite (pqh_hpke_sealed_len(kem, kdf, aead, 0)): the
/// largest HPKE KEM ciphertext (MLKEM1024-ECDH-P384-SHA3-256, 1665 bytes) and the tag. A box
/// of an n-byte plaintext fits in n + PQH_HPKE_OVERHEAD_BYTES_MAX bytes whatever the suite.
pub const PQH_HPKE_OVERHEAD_BYTES_MAX: usize = 1681;
/// The longest `info` of the SHAKE KDFs (their key schedule length-prefixes it with two bytes);
/// a longer one is PQH_ERR_CONTEXT_TOO_LONG. The HKDF KDFs take any length.
pub const PQH_HPKE_SHAKE_INFO_BYTES_MAX: usize = 65535;

// The C values are the core's HPKE identifiers, and the sizes the core's.
#[allow(clippy::indexing_slicing)] // `i` < len; evaluated at compile time
const _: () = {
    assert!(KDFS.len() == Kdf::ALL.len());
    let mut i = 0;
    while i < KDFS.len() {
        let (c, kdf) = KDFS[i];
        assert!(c as u32 == kdf.id() as u32);
        let shake = matches!(
            c,
            pqh_hpke_kdf::PQH_HPKE_KDF_SHAKE128 | pqh_hpke_kdf::PQH_HPKE_KDF_SHAKE256
        );
        let max = if shake {
            PQH_HPKE_SHAKE_INFO_BYTES_MAX
        } else {
            usize::MAX
        };
        assert!(kdf.max_info_len() == max);
        i += 1;
    }
    assert!(AEADS.len() == Aead::ALL.len());
    let mut i = 0;
    while i < AEADS.len() {
        assert!(AEADS[i].0 as u32 == AEADS[i].1.id() as u32);
        i += 1;
    }
    assert!(PQH_HPKE_TAG_BYTES == TAG_LEN);
    let mut max = 0;
    let mut i = 0;
    while i < KemAlgorithm::ALL.len() {
        let kem = KemAlgorithm::ALL[i];
        if let Ok(s) = Suite::new(kem, Kdf::HkdfSha256, Aead::Aes256Gcm)
            && s.sealed_len(0) > max
        {
            max = s.sealed_len(0);
        }
        i += 1;
    }
    assert!(PQH_HPKE_OVERHEAD_BYTES_MAX == max);
};

/// An HPKE KDF identifier as received from C (`pqh_hpke_kdf` in the header): any 32-bit value.
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct HpkeKdfArg(pub u32);

/// An HPKE AEAD identifier as received from C (`pqh_hpke_aead` in the header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct HpkeAeadArg(pub u32);

impl HpkeKdfArg {
    /// The KDF, or `None` for a value that names none.
    fn get(self) -> Option<Kdf> {
        KDFS.iter()
            .find(|(c, _)| *c as u32 == self.0)
            .map(|&(_, k)| k)
    }
}

impl HpkeAeadArg {
    /// The AEAD, or `None` for a value that names none.
    fn get(self) -> Option<Aead> {
        AEADS
            .iter()
            .find(|(c, _)| *c as u32 == self.0)
            .map(|&(_, a)| a)
    }
}

/// The suite of three C values: PQH_ERR_UNKNOWN_ALGORITHM for a value that is no `pqh_kem_alg`,
/// PQH_ERR_UNSUPPORTED_SUITE for a KEM without an HPKE code point or an unknown KDF or AEAD.
fn suite(kem: KemAlgArg, kdf: HpkeKdfArg, aead: HpkeAeadArg) -> Result<Suite, pqh_status> {
    let kem = kem.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
    let kdf = kdf.get().ok_or(PQH_ERR_UNSUPPORTED_SUITE)?;
    let aead = aead.get().ok_or(PQH_ERR_UNSUPPORTED_SUITE)?;
    Ok(Suite::new(kem, kdf, aead)?)
}

/// The length of the sealed box of a `pt_len`-byte plaintext in the suite (`kem`, `kdf`,
/// `aead`): pqh_kem_ciphertext_len(kem) + `pt_len` + PQH_HPKE_TAG_BYTES. 0 if the suite is
/// not offered (an unknown value, MLKEM768-X25519-SHA3-256) or the length overflows `size_t`.
/// A box of `n` bytes holds `n` - pqh_hpke_sealed_len(kem, kdf, aead, 0) plaintext bytes.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_hpke_sealed_len(
    kem: KemAlgArg,
    kdf: HpkeKdfArg,
    aead: HpkeAeadArg,
    pt_len: usize,
) -> usize {
    suite(kem, kdf, aead)
        .ok()
        .and_then(|s| s.sealed_len(0).checked_add(pt_len))
        .unwrap_or(0)
}

/// HPKE `SealBase` (RFC 9180 §6.1): encrypts `pt` to the public key `pk` (exactly
/// pqh_kem_public_key_len(kem) bytes) under `info` (application context, bound into the key
/// schedule) and `aad` (authenticated, not encrypted), with the suite (`kem`, `kdf`, `aead`)
/// and randomness from `rng`. Writes the sealed box `enc ‖ ct ‖ tag`
/// (pqh_hpke_sealed_len(kem, kdf, aead, pt_len) bytes) to the start of `out` (capacity
/// `out_cap`) and its length to `*out_len`. Every call uses a fresh KEM encapsulation, so
/// sealing the same plaintext twice gives unrelated boxes.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM (`kem` is no pqh_kem_alg), PQH_ERR_UNSUPPORTED_SUITE
/// (MLKEM768-X25519-SHA3-256, an unknown `kdf` or `aead`), PQH_ERR_NULL_POINTER,
/// PQH_ERR_INVALID_LENGTH (`pk`), PQH_ERR_INVALID_KEY (`pk` fails the FIPS 203 modulus check,
/// or its ECDH point is not on the curve), PQH_ERR_CONTEXT_TOO_LONG (`info` over
/// PQH_HPKE_SHAKE_INFO_BYTES_MAX bytes with a SHAKE KDF), PQH_ERR_BUFFER_TOO_SMALL,
/// PQH_ERR_RNG. Nothing is written on error.
///
/// # Safety
/// Every pointer must be valid for its length; `out` must not overlap the inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_hpke_seal(
    kem: KemAlgArg,
    kdf: HpkeKdfArg,
    aead: HpkeAeadArg,
    pk: *const u8,
    pk_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    rng: pqh_rng_fn,
    rng_ctx: *mut c_void,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let s = suite(kem, kdf, aead)?;
        let out_len = required(out_len)?;
        let mut rng = CallbackRng::new(rng, rng_ctx)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (pk, info, aad, pt, out) = unsafe {
            (
                input(pk, pk_len)?,
                input(info, info_len)?,
                input(aad, aad_len)?,
                input(pt, pt_len)?,
                output(out, out_cap)?,
            )
        };
        // A key of the wrong length is PQH_ERR_INVALID_LENGTH, as for pqh_kem_encapsulate.
        if pk.len() != s.kem().public_key_len() {
            return Err(PQH_ERR_INVALID_LENGTH);
        }
        let n = s.seal(pk, info, aad, pt, out, &mut rng)?;
        // SAFETY: `out_len` is non-null (checked); validity is the caller's contract.
        unsafe { put(out_len, n) };
        Ok(())
    })
}

/// HPKE `OpenBase` (RFC 9180 §6.1) of a sealed box `enc ‖ ct ‖ tag` (at least
/// pqh_hpke_sealed_len(kem, kdf, aead, 0) bytes) with the private key `sk` in its canonical
/// form (exactly pqh_kem_secret_key_len(kem) bytes, as pqh_kem_keypair writes it), under the
/// `info` and `aad` it was sealed with. If the box authenticates, writes the plaintext
/// (`sealed_len` - pqh_hpke_sealed_len(kem, kdf, aead, 0) bytes) to the start of `out`
/// (capacity `out_cap`) and its length to `*out_len`. If it does not, returns
/// PQH_ERR_AUTHENTICATION_FAILED and the plaintext area of `out` is zeroed: no unauthenticated
/// byte is released.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_UNSUPPORTED_SUITE, PQH_ERR_NULL_POINTER,
/// PQH_ERR_INVALID_LENGTH (`sk`, a box shorter than its overhead), PQH_ERR_INVALID_KEY /
/// PQH_ERR_MALFORMED_ENCODING (a composite private key that does not decode),
/// PQH_ERR_CONTEXT_TOO_LONG, PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_MALFORMED_ENCODING (an ECDH or
/// low-order X25519 share in `enc`), PQH_ERR_AUTHENTICATION_FAILED (wrong key, wrong `info` or
/// `aad`, a modified or truncated box). Apart from the zeroed plaintext area on
/// authentication failure, nothing is written on error.
///
/// # Safety
/// Every pointer must be valid for its length; `out` must not overlap the inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_hpke_open(
    kem: KemAlgArg,
    kdf: HpkeKdfArg,
    aead: HpkeAeadArg,
    sk: *const u8,
    sk_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    sealed: *const u8,
    sealed_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let s = suite(kem, kdf, aead)?;
        let out_len = required(out_len)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (sk, info, aad, sealed, out) = unsafe {
            (
                input(sk, sk_len)?,
                input(info, info_len)?,
                input(aad, aad_len)?,
                input(sealed, sealed_len)?,
                output(out, out_cap)?,
            )
        };
        // Used once: borrowed, not expanded (with `compact-kem`, the compact ML-KEM).
        let dk = DecapsulationKeyRef::new(s.kem(), sk)?;
        let n = s.open(&dk, info, aad, sealed, out)?;
        // SAFETY: `out_len` is non-null (checked); validity is the caller's contract.
        unsafe { put(out_len, n) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_the_hpke_identifiers() {
        for kdf in Kdf::ALL {
            let c = HpkeKdfArg(u32::from(kdf.id()));
            assert_eq!(c.get(), Some(kdf));
        }
        for aead in Aead::ALL {
            assert_eq!(HpkeAeadArg(u32::from(aead.id())).get(), Some(aead));
        }
        for bad in [0u32, 2, 0x12, 0x1_0001, u32::MAX] {
            assert_eq!(HpkeKdfArg(bad).get(), None, "{bad:#x}");
        }
        for bad in [0u32, 1, 0xffff, 0x1_0002, u32::MAX] {
            assert_eq!(HpkeAeadArg(bad).get(), None, "{bad:#x}");
        }
    }

    #[test]
    fn suites_and_sealed_lengths() {
        let (sha256, gcm) = (HpkeKdfArg(1), HpkeAeadArg(2));
        assert_eq!(
            pqh_hpke_sealed_len(KemAlgArg(4), sha256, gcm, 5),
            1120 + 5 + 16
        );
        // MLKEM768-X25519-SHA3-256 has no HPKE code point; 99 is no KEM.
        assert_eq!(
            suite(KemAlgArg(5), sha256, gcm),
            Err(PQH_ERR_UNSUPPORTED_SUITE)
        );
        assert_eq!(
            suite(KemAlgArg(99), sha256, gcm),
            Err(PQH_ERR_UNKNOWN_ALGORITHM)
        );
        assert_eq!(
            suite(KemAlgArg(4), HpkeKdfArg(2), gcm),
            Err(PQH_ERR_UNSUPPORTED_SUITE)
        );
        assert_eq!(
            suite(KemAlgArg(4), sha256, HpkeAeadArg(1)),
            Err(PQH_ERR_UNSUPPORTED_SUITE)
        );
        assert_eq!(pqh_hpke_sealed_len(KemAlgArg(5), sha256, gcm, 5), 0);
        assert_eq!(
            pqh_hpke_sealed_len(KemAlgArg(4), sha256, gcm, usize::MAX),
            0
        );
        assert_eq!(
            pqh_hpke_sealed_len(KemAlgArg(7), HpkeKdfArg(0x11), HpkeAeadArg(3), 0),
            PQH_HPKE_OVERHEAD_BYTES_MAX
        );
    }
}

//! The `Compact` ML-DSA backend: pqhybrid's own low-memory signer and verifier
//! ([`crate::primitives::ml_dsa_compact`]) behind the [`MlDsaBackend`] seam, for devices that
//! sign (the DICE identity on a bootloader): about 20 KiB of stack for key generation and
//! signing instead of the 100–150 KiB of the crate backends.
//!
//! The signing-key state is the seed ξ itself and the verifying-key state the encoded public
//! key: nothing expanded is held, and every signature derives the key anew (FIPS 204
//! Algorithm 6, then Algorithm 7). Signatures and keys are byte-identical to the other
//! backends' (tested against both, and against the ACVP vectors).
//!
//! Selected for the typed ML-DSA keys and everything above them (composites, agile layer,
//! identity, C ABI) by the feature `compact-sign` ([`super::DefaultDsaBackend`]); usable
//! explicitly as `SigningKey<P, Compact>` in any build.

use super::{BackendName, MlDsaBackend};
use crate::error::{Error, Field, Result};
use crate::primitives::bytes::ByteArray;
use crate::primitives::ml_dsa::{MlDsaParams, SEED_LEN};
use crate::primitives::ml_dsa_compact as compact;
use crate::secret::Secret;

/// pqhybrid's compact ML-DSA (module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Compact;

impl BackendName for Compact {
    const NAME: &'static str = "compact";
}

impl<P: MlDsaParams> MlDsaBackend<P> for Compact {
    type Sk = Secret<SEED_LEN>;
    type Vk = P::PublicKey;

    fn keygen(seed: &[u8; SEED_LEN]) -> (Self::Sk, Self::Vk) {
        let mut pk = P::PublicKey::ZERO;
        // The buffer has the parameter set's length, so this cannot fail.
        let _ = compact::public_key(P::COMPACT, seed, pk.as_mut());
        (Secret::new(*seed), pk)
    }

    fn vk_from_bytes(bytes: &[u8]) -> Result<Self::Vk> {
        P::PublicKey::try_from_slice(bytes).ok_or(Error::InvalidLength {
            field: Field::PublicKey,
            expected: P::PUBLIC_KEY_LEN,
            actual: bytes.len(),
        })
    }

    fn vk_to_bytes(vk: &Self::Vk) -> P::PublicKey {
        *vk
    }

    fn sk_expanded_to(sk: &Self::Sk, out: &mut [u8]) {
        let mut pk = P::PublicKey::ZERO;
        // `out` is exactly the expanded length (the trait's contract); a wrong one writes
        // nothing.
        let _ = compact::expand_key(P::COMPACT, sk.as_bytes(), out, pk.as_mut());
    }

    fn sign(sk: &Self::Sk, msg: &[u8], ctx: &[u8], rnd: &[u8; 32]) -> Result<P::Signature> {
        let mut sig = P::Signature::ZERO;
        compact::sign(P::COMPACT, sk.as_bytes(), msg, ctx, rnd, sig.as_mut())?;
        Ok(sig)
    }

    fn verify(vk: &Self::Vk, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        compact::verify(P::COMPACT, vk.as_ref(), msg, ctx, sig)
    }
}

//! [`SigKey`]: the one internal trait over each signature family's key type (ML-DSA, SLH-DSA,
//! Ed25519, ECDSA P-256/P-384, the composites), which both the seed-taking
//! [`SignatureAlgorithm`](super::SignatureAlgorithm) operations and the held
//! [`SigningKey`](super::SigningKey) dispatch to, so that each family's glue is written once.

use crate::error::{Error, Result};
use crate::hybrid::composite_sig::{self, CompositeParams};
use crate::message::{MAX_PADDED_LEN, ZeroPadded};
use crate::primitives::{ecdsa, ed25519, ml_dsa, slh_dsa};
use crate::rng::TryCryptoRng;

/// What the agile layer needs of each family's signing key type. The lengths of every input
/// and output are checked by the caller ([`SignatureAlgorithm`](super::SignatureAlgorithm) or
/// [`SigningKey`](super::SigningKey)) before these are called.
pub(super) trait SigKey: Sized {
    /// The key from the canonical private key bytes (exactly `secret_key_len()`).
    fn from_secret(sk: &[u8]) -> Result<Self>;
    /// The key from the seed of `SignatureAlgorithm::keypair_from_seed` (exactly
    /// `seed_len()`): the same key, expanded once. The seed is the private key of every
    /// family but the composites, which derive their component keys from it.
    #[inline(never)]
    fn from_seed(seed: &[u8]) -> Result<Self> {
        Self::from_secret(seed)
    }
    /// Signs into `out` (exactly the algorithm's maximum signature length), hedged with `rng`
    /// where the algorithm allows it, deterministic with `None`; returns the signature's length.
    fn sign_into<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize>;
    /// Writes the public key into `out` (exactly `public_key_len()`).
    fn write_public_key(&self, out: &mut [u8]) -> Result<()>;
    /// [`Self::from_secret`] then [`Self::sign_into`], for the seed-taking
    /// `SignatureAlgorithm::sign`. A family overrides it where one frame holding both the key
    /// and the signature is smaller than the two frames of the default (ML-DSA).
    fn sign_from_secret<R: TryCryptoRng + ?Sized>(
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize> {
        Self::from_secret(sk)?.sign_into(msg, ctx, rng, out)
    }
    /// Verifies `sig` over `msg` (possibly zero-padded) and `ctx` under the encoded public key
    /// `pk` (exactly `public_key_len()`; the signature length is checked here or by the
    /// caller, see `SignatureAlgorithm::verify_zero_padded`).
    fn verify(pk: &[u8], msg: ZeroPadded<'_>, ctx: &[u8], sig: &[u8]) -> Result<()>;
}

// Every method of every impl is `#[inline(never)]`: the dispatching `match` over all algorithms
// would otherwise be one frame sized for the largest algorithm's operation (a Cortex-M stack
// budget issue). `verify` is a plain associated function: it works from the encoded key.
impl<P: ml_dsa::MlDsaParams> SigKey for ml_dsa::SigningKey<P> {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_seed_slice(sk)
    }
    fn sign_from_secret<R: TryCryptoRng + ?Sized>(
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize> {
        // Key and signature in this one frame (the caller's `sign_with` is not inlined): the
        // default's two frames cost ML-DSA-44 about 4.8 KiB more stack on a Cortex-M4.
        let key = Self::from_seed_slice(sk)?;
        let sig = match rng {
            Some(rng) => key.sign(msg, ctx, rng)?,
            None => key.sign_deterministic(msg, ctx)?,
        };
        out.copy_from_slice(sig.as_ref());
        Ok(out.len())
    }
    #[inline(never)]
    fn sign_into<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize> {
        let sig = match rng {
            Some(rng) => self.sign(msg, ctx, rng)?,
            None => self.sign_deterministic(msg, ctx)?,
        };
        out.copy_from_slice(sig.as_ref());
        Ok(out.len())
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) -> Result<()> {
        out.copy_from_slice(self.verifying_key().to_bytes().as_ref());
        Ok(())
    }
    #[inline(never)]
    fn verify(pk: &[u8], msg: ZeroPadded<'_>, ctx: &[u8], sig: &[u8]) -> Result<()> {
        // Decodes the key in place, once; hashes a padded message in chunks.
        ml_dsa::verify_encoded::<P>(pk, ctx, msg, sig)
    }
}

impl<S: slh_dsa::ParameterSet> SigKey for slh_dsa::SigningKey<S> {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_seed(sk)
    }
    #[inline(never)]
    fn sign_into<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize> {
        let sig = match rng {
            Some(rng) => self.sign(msg, ctx, rng)?,
            None => self.sign_deterministic(msg, ctx)?,
        };
        out.copy_from_slice(&sig);
        Ok(out.len())
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) -> Result<()> {
        out.copy_from_slice(&self.verifying_key().to_bytes());
        Ok(())
    }
    #[inline(never)]
    fn verify(pk: &[u8], msg: ZeroPadded<'_>, ctx: &[u8], sig: &[u8]) -> Result<()> {
        whole(msg, |m| {
            slh_dsa::VerifyingKey::<S>::from_bytes(pk)?.verify(m, ctx, sig)
        })
    }
}

impl SigKey for ed25519::SigningKey {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_seed_slice(sk)
    }
    #[inline(never)]
    fn sign_into<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        _ctx: &[u8],
        _rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize> {
        out.copy_from_slice(&self.sign(msg));
        Ok(out.len())
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) -> Result<()> {
        out.copy_from_slice(&self.verifying_key().to_bytes());
        Ok(())
    }
    #[inline(never)]
    fn verify(pk: &[u8], msg: ZeroPadded<'_>, _ctx: &[u8], sig: &[u8]) -> Result<()> {
        whole(msg, |m| {
            ed25519::VerifyingKey::from_bytes(pk)?.verify(m, sig)
        })
    }
}

/// RFC 6979 ECDSA is deterministic by design: the RNG is not used.
macro_rules! ecdsa_key {
    ($curve:ident) => {
        impl SigKey for ecdsa::$curve::SigningKey {
            fn from_secret(sk: &[u8]) -> Result<Self> {
                Self::from_bytes(sk)
            }
            #[inline(never)]
            fn sign_into<R: TryCryptoRng + ?Sized>(
                &self,
                msg: &[u8],
                _ctx: &[u8],
                _rng: Option<&mut R>,
                out: &mut [u8],
            ) -> Result<usize> {
                out.copy_from_slice(&self.sign(msg)?);
                Ok(out.len())
            }
            #[inline(never)]
            fn write_public_key(&self, out: &mut [u8]) -> Result<()> {
                out.copy_from_slice(&self.verifying_key().to_bytes());
                Ok(())
            }
            #[inline(never)]
            fn verify(pk: &[u8], msg: ZeroPadded<'_>, _ctx: &[u8], sig: &[u8]) -> Result<()> {
                whole(msg, |m| {
                    ecdsa::$curve::VerifyingKey::from_sec1(pk)?.verify(m, sig)
                })
            }
        }
    };
}
ecdsa_key!(p256);
ecdsa_key!(p384);

impl<C: CompositeParams> SigKey for composite_sig::SigningKey<C> {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_bytes(sk)
    }
    #[inline(never)]
    fn from_seed(seed: &[u8]) -> Result<Self> {
        Self::from_root_seed_slice(seed)
    }
    #[inline(never)]
    fn sign_into<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        out: &mut [u8],
    ) -> Result<usize> {
        match rng {
            Some(rng) => self.sign(msg, ctx, rng, out),
            None => self.sign_deterministic(msg, ctx, out),
        }
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) -> Result<()> {
        composite_sig::SigningKey::write_public_key(self, out).map(|_| ())
    }
    #[inline(never)]
    fn verify(pk: &[u8], msg: ZeroPadded<'_>, ctx: &[u8], sig: &[u8]) -> Result<()> {
        // The key stays encoded: no composite `VerifyingKey` is built and moved; the
        // composite checks the (possibly variable) signature length itself.
        composite_sig::verify_encoded::<C>(pk, msg, ctx, sig)
    }
}

/// Calls `f` on the message in one piece: `head` itself when there is no padding, else a copy
/// with the zeros in a buffer in this function's own frame.
fn whole(msg: ZeroPadded<'_>, f: impl FnOnce(&[u8]) -> Result<()>) -> Result<()> {
    if msg.zeros == 0 {
        f(msg.head)
    } else {
        padded(msg, f)
    }
}

#[inline(never)]
fn padded(msg: ZeroPadded<'_>, f: impl FnOnce(&[u8]) -> Result<()>) -> Result<()> {
    let too_long = Error::VerificationFailed;
    let len = msg.head.len().checked_add(msg.zeros).ok_or(too_long)?;
    let mut buf = [0u8; MAX_PADDED_LEN];
    let (head, _) = buf
        .get_mut(..len)
        .and_then(|b| b.split_at_mut_checked(msg.head.len()))
        .ok_or(too_long)?;
    head.copy_from_slice(msg.head);
    f(buf.get(..len).ok_or(too_long)?)
}

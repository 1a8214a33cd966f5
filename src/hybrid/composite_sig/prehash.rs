//! The pre-hash `PH(M)` (draft §2.2, §4): the hash functions, the streaming [`PreHasher`],
//! the digest it produces, and the message representative `M'` built from it.

use core::fmt;
use core::marker::PhantomData;

use super::params::MAX_M_PRIME_LEN;
use super::{CompositeParams, PREFIX, put, sealed};
use crate::error::{Error, Result, check_ctx};

/// A pre-hash function PH of the draft's algorithm table (SHA-256 or SHA-512). Sealed.
pub trait PreHash: sealed::Sealed + Clone + Default {
    /// The hash's name.
    const NAME: &'static str;
    /// Output length in bytes.
    const OUTPUT_LEN: usize;
    /// The digest, `[u8; OUTPUT_LEN]`.
    type Output: AsRef<[u8]> + Copy + PartialEq + Eq + fmt::Debug;
    /// Absorbs a chunk.
    #[doc(hidden)]
    fn absorb(&mut self, chunk: &[u8]);
    /// Finishes the hash.
    #[doc(hidden)]
    fn finish(self) -> Self::Output;
}

impl sealed::Sealed for sha2::Sha256 {}
impl PreHash for sha2::Sha256 {
    const NAME: &'static str = "SHA-256";
    const OUTPUT_LEN: usize = 32;
    type Output = [u8; 32];
    fn absorb(&mut self, chunk: &[u8]) {
        sha2::Digest::update(self, chunk);
    }
    fn finish(self) -> [u8; 32] {
        sha2::Digest::finalize(self).into()
    }
}

impl sealed::Sealed for sha2::Sha512 {}
impl PreHash for sha2::Sha512 {
    const NAME: &'static str = "SHA-512";
    const OUTPUT_LEN: usize = 64;
    type Output = [u8; 64];
    fn absorb(&mut self, chunk: &[u8]) {
        sha2::Digest::update(self, chunk);
    }
    fn finish(self) -> [u8; 64] {
        sha2::Digest::finalize(self).into()
    }
}

/// `PH(M)`: the pre-hashed message of algorithm `C`, from [`PreHasher::finalize`] or from a
/// digest computed elsewhere (a hardware hash engine, a manifest) with [`Self::new`].
pub struct MessageDigest<C: CompositeParams> {
    digest: <C::Hash as PreHash>::Output,
    _alg: PhantomData<C>,
}

impl<C: CompositeParams> MessageDigest<C> {
    /// Wraps a digest computed with the algorithm's PH (SHA-256 for MLDSA44-ECDSA-P256-SHA256,
    /// SHA-512 for the others).
    #[must_use]
    pub const fn new(digest: <C::Hash as PreHash>::Output) -> Self {
        Self {
            digest,
            _alg: PhantomData,
        }
    }

    /// The digest bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.digest.as_ref()
    }
}

impl<C: CompositeParams> Clone for MessageDigest<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: CompositeParams> Copy for MessageDigest<C> {}
impl<C: CompositeParams> PartialEq for MessageDigest<C> {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}
impl<C: CompositeParams> Eq for MessageDigest<C> {}
impl<C: CompositeParams> fmt::Debug for MessageDigest<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageDigest<{}>(", C::NAME)?;
        for b in self.digest.as_ref() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Streaming computation of `PH(M)`: absorbs the message in chunks of any size, allocates
/// nothing. Finish with [`Self::finalize`] and pass the result to
/// [`SigningKey::sign_prehashed`](super::SigningKey::sign_prehashed) or
/// [`VerifyingKey::verify_prehashed`](super::VerifyingKey::verify_prehashed).
pub struct PreHasher<C: CompositeParams> {
    hash: C::Hash,
}

impl<C: CompositeParams> PreHasher<C> {
    /// A fresh hasher.
    #[must_use]
    pub fn new() -> Self {
        Self {
            hash: C::Hash::default(),
        }
    }

    /// Absorbs the next chunk of the message.
    pub fn update(&mut self, chunk: &[u8]) {
        self.hash.absorb(chunk);
    }

    /// Finishes `PH(M)`.
    #[must_use]
    pub fn finalize(self) -> MessageDigest<C> {
        MessageDigest::new(self.hash.finish())
    }

    /// `PH(msg)` in one call.
    #[must_use]
    pub fn digest(msg: &[u8]) -> MessageDigest<C> {
        let mut h = Self::new();
        h.update(msg);
        h.finalize()
    }
}

impl<C: CompositeParams> Default for PreHasher<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: CompositeParams> Clone for PreHasher<C> {
    fn clone(&self) -> Self {
        Self {
            hash: self.hash.clone(),
        }
    }
}

impl<C: CompositeParams> fmt::Debug for PreHasher<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PreHasher<{}, {}>", C::NAME, <C::Hash as PreHash>::NAME)
    }
}

/// The message representative `M'` (draft §2.2) on the stack.
pub(super) struct MessageRepresentative {
    buf: [u8; MAX_M_PRIME_LEN],
    len: usize,
}

impl MessageRepresentative {
    /// `Prefix ‖ Label ‖ len(ctx) ‖ ctx ‖ PH(M)`.
    pub(super) fn new<C: CompositeParams>(ctx: &[u8], digest: &MessageDigest<C>) -> Result<Self> {
        check_ctx(ctx)?;
        let err = Error::ContextTooLong {
            max: crate::MAX_CONTEXT_LEN,
            actual: ctx.len(),
        };
        let ctx_len = u8::try_from(ctx.len()).map_err(|_| err)?;
        let mut buf = [0u8; MAX_M_PRIME_LEN];
        let mut len = 0;
        put(&mut buf, &mut len, PREFIX, err)?;
        put(&mut buf, &mut len, C::LABEL, err)?;
        put(&mut buf, &mut len, &[ctx_len], err)?;
        put(&mut buf, &mut len, ctx, err)?;
        put(&mut buf, &mut len, digest.as_bytes(), err)?;
        Ok(Self { buf, len })
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

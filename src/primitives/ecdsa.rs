//! ECDSA over NIST P-256 with SHA-256 and P-384 with SHA-384 (FIPS 186-5), with RFC 6979
//! deterministic nonces.
//!
//! * Private keys are the big-endian scalar (32 or 48 bytes), rejected if zero or ≥ n.
//! * Public keys are SEC1 points; [`p256::VerifyingKey::from_sec1`] accepts compressed and
//!   uncompressed forms and rejects the identity and off-curve points. The canonical export is
//!   the uncompressed point (`0x04 ‖ x ‖ y`).
//! * Signatures come in the fixed-size `r ‖ s` form (IEEE P1363) and in DER.
//! * Verification accepts both low and high `s` (FIPS 186-5 does not require low-s).
//!   [`p256::SigningKey::sign_low_s`] signs with `s ≤ n/2` (the form the composites use, so a
//!   signature cannot be turned into a second valid one by replacing `s` with `n − s`), and
//!   [`p256::is_low_s`] checks it.

macro_rules! ecdsa_curve {
    ($modname:ident, $krate:ident, $hash:literal, $name:literal, $fl:expr) => {
        #[doc = concat!("ECDSA ", $name, " with ", $hash, " (RFC 6979 deterministic signing).")]
        pub mod $modname {
            use core::fmt;

            use subtle::{Choice, ConstantTimeEq};

            use crate::error::{Error, Field, Result, check_len, out_buf};
            use crate::rng::{TryCryptoRng, fill};
            use crate::secret::Secret;

            /// Scalar (private-key) length.
            pub const SECRET_KEY_LEN: usize = $fl;
            /// Uncompressed SEC1 public-key length.
            pub const PUBLIC_KEY_LEN: usize = 1 + 2 * $fl;
            /// Compressed SEC1 public-key length.
            pub const COMPRESSED_PUBLIC_KEY_LEN: usize = 1 + $fl;
            /// Fixed-size `r ‖ s` signature length.
            pub const SIGNATURE_LEN: usize = 2 * $fl;
            /// Largest DER signature length.
            pub const MAX_DER_SIGNATURE_LEN: usize = 2 * $fl + 9;

            /// A signing key (a scalar in [1, n-1]). Zeroizes on drop.
            #[derive(Clone)]
            pub struct SigningKey {
                inner: $krate::ecdsa::SigningKey,
            }

            impl SigningKey {
                /// The key with the given big-endian scalar.
                ///
                /// # Errors
                /// [`Error::InvalidLength`], or [`Error::InvalidKey`] if the scalar is zero or
                /// not below the group order.
                pub fn from_bytes(scalar: &[u8]) -> Result<Self> {
                    check_len(Field::SecretKey, SECRET_KEY_LEN, scalar.len())?;
                    $krate::ecdsa::SigningKey::from_slice(scalar)
                        .map(|inner| Self { inner })
                        .map_err(|_| Error::InvalidKey {
                            field: Field::SecretKey,
                        })
                }

                /// A fresh key from `rng` (rejection-samples a scalar in [1, n-1]).
                ///
                /// # Errors
                /// [`Error::Rng`].
                pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
                    let mut k = Secret::<SECRET_KEY_LEN>::zero();
                    // The chance that a uniform string is not a valid scalar is below 2^-32 on
                    // both curves, so 64 tries fail only with a broken generator.
                    for _ in 0..64 {
                        fill(rng, k.as_mut())?;
                        if let Ok(key) = Self::from_bytes(k.as_bytes()) {
                            return Ok(key);
                        }
                    }
                    Err(Error::Rng)
                }

                /// The big-endian scalar.
                #[must_use]
                pub fn to_bytes(&self) -> Secret<SECRET_KEY_LEN> {
                    let mut out = Secret::<SECRET_KEY_LEN>::zero();
                    out.as_mut().copy_from_slice(&self.inner.to_bytes());
                    out
                }

                /// The public key.
                #[must_use]
                pub fn verifying_key(&self) -> VerifyingKey {
                    VerifyingKey {
                        inner: *self.inner.verifying_key(),
                    }
                }

                /// Signs `msg` with an RFC 6979 nonce; returns `r ‖ s`.
                ///
                /// # Errors
                /// [`Error::SigningFailed`] (never for a valid key).
                pub fn sign(&self, msg: &[u8]) -> Result<[u8; SIGNATURE_LEN]> {
                    use $krate::ecdsa::signature::Signer;
                    let sig: $krate::ecdsa::Signature =
                        self.inner.try_sign(msg).map_err(|_| Error::SigningFailed)?;
                    let mut out = [0u8; SIGNATURE_LEN];
                    out.copy_from_slice(&sig.to_bytes());
                    Ok(out)
                }

                /// [`Self::sign`], then `s` replaced by `n − s` when `s > n/2` (low-s form, as
                /// BIP 62): the same RFC 6979 nonce, a signature that [`is_low_s`] accepts.
                ///
                /// # Errors
                /// [`Error::SigningFailed`] (never for a valid key).
                pub fn sign_low_s(&self, msg: &[u8]) -> Result<[u8; SIGNATURE_LEN]> {
                    let fixed = self.sign(msg)?;
                    let sig = $krate::ecdsa::Signature::from_slice(&fixed)
                        .map_err(|_| Error::SigningFailed)?;
                    let mut out = [0u8; SIGNATURE_LEN];
                    out.copy_from_slice(&sig.normalize_s().to_bytes());
                    Ok(out)
                }

                /// Signs a message digest (the output of the curve's hash) with an RFC 6979
                /// nonce; returns `r ‖ s`.
                ///
                /// # Errors
                /// [`Error::SigningFailed`] (never for a valid key and digest).
                pub fn sign_prehash(&self, digest: &[u8]) -> Result<[u8; SIGNATURE_LEN]> {
                    use $krate::ecdsa::signature::hazmat::PrehashSigner;
                    let sig: $krate::ecdsa::Signature = self
                        .inner
                        .sign_prehash(digest)
                        .map_err(|_| Error::SigningFailed)?;
                    let mut out = [0u8; SIGNATURE_LEN];
                    out.copy_from_slice(&sig.to_bytes());
                    Ok(out)
                }

                /// Signs `msg` and writes the DER encoding to `out`; returns its length.
                ///
                /// # Errors
                /// [`Error::BufferTooSmall`] or [`Error::SigningFailed`].
                pub fn sign_der(&self, msg: &[u8], out: &mut [u8]) -> Result<usize> {
                    let fixed = self.sign(msg)?;
                    let sig = $krate::ecdsa::Signature::from_slice(&fixed)
                        .map_err(|_| Error::SigningFailed)?;
                    let der = sig.to_der();
                    let der = der.as_bytes();
                    out_buf(Field::Signature, out, der.len())?.copy_from_slice(der);
                    Ok(der.len())
                }
            }

            /// Whether the fixed-size `r ‖ s` signature `sig` is well formed (length, `r` and
            /// `s` in `[1, n−1]`) and has `s ≤ n/2`.
            #[must_use]
            pub fn is_low_s(sig: &[u8]) -> bool {
                sig.len() == SIGNATURE_LEN
                    && $krate::ecdsa::Signature::from_slice(sig).is_ok_and(|s| s.normalize_s() == s)
            }

            impl fmt::Debug for SigningKey {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(concat!("EcdsaSigningKey<", $name, ">([REDACTED])"))
                }
            }

            impl ConstantTimeEq for SigningKey {
                fn ct_eq(&self, other: &Self) -> Choice {
                    self.inner.ct_eq(&other.inner)
                }
            }

            impl PartialEq for SigningKey {
                fn eq(&self, other: &Self) -> bool {
                    self.ct_eq(other).into()
                }
            }

            impl Eq for SigningKey {}

            /// A public key (a curve point other than the identity).
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct VerifyingKey {
                inner: $krate::ecdsa::VerifyingKey,
            }

            impl VerifyingKey {
                /// Decodes a SEC1 point, compressed or uncompressed.
                ///
                /// # Errors
                /// [`Error::MalformedEncoding`] for anything that is not a point on the curve.
                pub fn from_sec1(bytes: &[u8]) -> Result<Self> {
                    $krate::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
                        .map(|inner| Self { inner })
                        .map_err(|_| Error::MalformedEncoding {
                            field: Field::PublicKey,
                        })
                }

                /// The uncompressed SEC1 encoding `0x04 ‖ x ‖ y`.
                #[must_use]
                pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
                    let point = self.inner.to_sec1_point(false);
                    let mut out = [0u8; PUBLIC_KEY_LEN];
                    out.copy_from_slice(point.as_bytes());
                    out
                }

                /// Verifies a fixed-size `r ‖ s` signature over `msg`.
                ///
                /// # Errors
                /// [`Error::InvalidLength`], [`Error::MalformedEncoding`] (r or s zero or ≥ n),
                /// or [`Error::VerificationFailed`].
                pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
                    use $krate::ecdsa::signature::Verifier;
                    let sig = Self::decode_fixed(sig)?;
                    self.inner
                        .verify(msg, &sig)
                        .map_err(|_| Error::VerificationFailed)
                }

                /// Verifies a fixed-size `r ‖ s` signature over a message digest.
                ///
                /// # Errors
                /// As [`Self::verify`].
                pub fn verify_prehash(&self, digest: &[u8], sig: &[u8]) -> Result<()> {
                    use $krate::ecdsa::signature::hazmat::PrehashVerifier;
                    let sig = Self::decode_fixed(sig)?;
                    self.inner
                        .verify_prehash(digest, &sig)
                        .map_err(|_| Error::VerificationFailed)
                }

                /// Verifies a DER signature over `msg`. The encoding must be strict DER.
                ///
                /// # Errors
                /// [`Error::MalformedEncoding`] or [`Error::VerificationFailed`].
                pub fn verify_der(&self, msg: &[u8], der: &[u8]) -> Result<()> {
                    use $krate::ecdsa::signature::Verifier;
                    let sig = $krate::ecdsa::DerSignature::from_bytes(der).map_err(|_| {
                        Error::MalformedEncoding {
                            field: Field::Signature,
                        }
                    })?;
                    let sig = $krate::ecdsa::Signature::try_from(sig).map_err(|_| {
                        Error::MalformedEncoding {
                            field: Field::Signature,
                        }
                    })?;
                    self.inner
                        .verify(msg, &sig)
                        .map_err(|_| Error::VerificationFailed)
                }

                fn decode_fixed(sig: &[u8]) -> Result<$krate::ecdsa::Signature> {
                    check_len(Field::Signature, SIGNATURE_LEN, sig.len())?;
                    $krate::ecdsa::Signature::from_slice(sig).map_err(|_| {
                        Error::MalformedEncoding {
                            field: Field::Signature,
                        }
                    })
                }
            }
        }
    };
}

ecdsa_curve!(p256, p256, "SHA-256", "P-256", 32);
ecdsa_curve!(p384, p384, "SHA-384", "P-384", 48);

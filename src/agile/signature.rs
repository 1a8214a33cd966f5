//! [`SignatureAlgorithm`]: every signature algorithm behind one enum.

use crate::error::{Error, Field, Result, check_len, out_buf, require_empty_ctx};
use crate::primitives::{ecdsa, ed25519, ml_dsa, slh_dsa};
use crate::rng::{FixedBytes, TryCryptoRng};

/// A signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// ML-DSA-44 (FIPS 204).
    MlDsa44,
    /// ML-DSA-65 (FIPS 204).
    MlDsa65,
    /// ML-DSA-87 (FIPS 204).
    MlDsa87,
    /// SLH-DSA-SHA2-128s (FIPS 205).
    SlhDsaSha2_128s,
    /// SLH-DSA-SHA2-128f (FIPS 205).
    SlhDsaSha2_128f,
    /// SLH-DSA-SHA2-192s (FIPS 205).
    SlhDsaSha2_192s,
    /// SLH-DSA-SHA2-192f (FIPS 205).
    SlhDsaSha2_192f,
    /// SLH-DSA-SHA2-256s (FIPS 205).
    SlhDsaSha2_256s,
    /// SLH-DSA-SHA2-256f (FIPS 205).
    SlhDsaSha2_256f,
    /// SLH-DSA-SHAKE-128s (FIPS 205).
    SlhDsaShake128s,
    /// SLH-DSA-SHAKE-128f (FIPS 205).
    SlhDsaShake128f,
    /// SLH-DSA-SHAKE-192s (FIPS 205).
    SlhDsaShake192s,
    /// SLH-DSA-SHAKE-192f (FIPS 205).
    SlhDsaShake192f,
    /// SLH-DSA-SHAKE-256s (FIPS 205).
    SlhDsaShake256s,
    /// SLH-DSA-SHAKE-256f (FIPS 205).
    SlhDsaShake256f,
    /// Ed25519 (RFC 8032), strict verification.
    Ed25519,
    /// ECDSA P-256 with SHA-256, RFC 6979 nonces, `r ‖ s` signatures.
    EcdsaP256Sha256,
    /// ECDSA P-384 with SHA-384, RFC 6979 nonces, `r ‖ s` signatures.
    EcdsaP384Sha384,
    /// Composite MLDSA44-Ed25519-SHA512 (draft-ietf-lamps-pq-composite-sigs).
    MlDsa44Ed25519Sha512,
    /// Composite MLDSA44-ECDSA-P256-SHA256 (draft-ietf-lamps-pq-composite-sigs).
    MlDsa44EcdsaP256Sha256,
    /// Composite MLDSA65-Ed25519-SHA512 (draft-ietf-lamps-pq-composite-sigs).
    MlDsa65Ed25519Sha512,
    /// Composite MLDSA65-ECDSA-P256-SHA512 (draft-ietf-lamps-pq-composite-sigs).
    MlDsa65EcdsaP256Sha512,
    /// Composite MLDSA65-ECDSA-P384-SHA512 (draft-ietf-lamps-pq-composite-sigs).
    MlDsa65EcdsaP384Sha512,
    /// Composite MLDSA87-ECDSA-P384-SHA512 (draft-ietf-lamps-pq-composite-sigs).
    MlDsa87EcdsaP384Sha512,
}

/// Dispatches on every algorithm, with no catch-all: a new variant fails to compile until each
/// method handles it. `$M` is bound to the ML-DSA parameter type, `$S` to the SLH-DSA one and
/// `$C` to the composite parameter type of `$alg`.
macro_rules! dispatch {
    (
        $alg:expr,
        mldsa $M:ident => $mldsa:expr,
        slh $S:ident => $slh:expr,
        ed25519 => $ed:expr,
        p256 => $p256:expr,
        p384 => $p384:expr,
        composite $C:ident => $comp:expr $(,)?
    ) => {
        match $alg {
            SignatureAlgorithm::MlDsa44 => {
                type $M = ml_dsa::MlDsa44;
                $mldsa
            }
            SignatureAlgorithm::MlDsa65 => {
                type $M = ml_dsa::MlDsa65;
                $mldsa
            }
            SignatureAlgorithm::MlDsa87 => {
                type $M = ml_dsa::MlDsa87;
                $mldsa
            }
            SignatureAlgorithm::SlhDsaSha2_128s => {
                type $S = slh_dsa::Sha2_128s;
                $slh
            }
            SignatureAlgorithm::SlhDsaSha2_128f => {
                type $S = slh_dsa::Sha2_128f;
                $slh
            }
            SignatureAlgorithm::SlhDsaSha2_192s => {
                type $S = slh_dsa::Sha2_192s;
                $slh
            }
            SignatureAlgorithm::SlhDsaSha2_192f => {
                type $S = slh_dsa::Sha2_192f;
                $slh
            }
            SignatureAlgorithm::SlhDsaSha2_256s => {
                type $S = slh_dsa::Sha2_256s;
                $slh
            }
            SignatureAlgorithm::SlhDsaSha2_256f => {
                type $S = slh_dsa::Sha2_256f;
                $slh
            }
            SignatureAlgorithm::SlhDsaShake128s => {
                type $S = slh_dsa::Shake128s;
                $slh
            }
            SignatureAlgorithm::SlhDsaShake128f => {
                type $S = slh_dsa::Shake128f;
                $slh
            }
            SignatureAlgorithm::SlhDsaShake192s => {
                type $S = slh_dsa::Shake192s;
                $slh
            }
            SignatureAlgorithm::SlhDsaShake192f => {
                type $S = slh_dsa::Shake192f;
                $slh
            }
            SignatureAlgorithm::SlhDsaShake256s => {
                type $S = slh_dsa::Shake256s;
                $slh
            }
            SignatureAlgorithm::SlhDsaShake256f => {
                type $S = slh_dsa::Shake256f;
                $slh
            }
            SignatureAlgorithm::Ed25519 => $ed,
            SignatureAlgorithm::EcdsaP256Sha256 => $p256,
            SignatureAlgorithm::EcdsaP384Sha384 => $p384,
            SignatureAlgorithm::MlDsa44Ed25519Sha512 => {
                type $C = composite_sig::MlDsa44Ed25519Sha512;
                $comp
            }
            SignatureAlgorithm::MlDsa44EcdsaP256Sha256 => {
                type $C = composite_sig::MlDsa44EcdsaP256Sha256;
                $comp
            }
            SignatureAlgorithm::MlDsa65Ed25519Sha512 => {
                type $C = composite_sig::MlDsa65Ed25519Sha512;
                $comp
            }
            SignatureAlgorithm::MlDsa65EcdsaP256Sha512 => {
                type $C = composite_sig::MlDsa65EcdsaP256Sha512;
                $comp
            }
            SignatureAlgorithm::MlDsa65EcdsaP384Sha512 => {
                type $C = composite_sig::MlDsa65EcdsaP384Sha512;
                $comp
            }
            SignatureAlgorithm::MlDsa87EcdsaP384Sha512 => {
                type $C = composite_sig::MlDsa87EcdsaP384Sha512;
                $comp
            }
        }
    };
}

/// Hedged (with an RNG) or deterministic signing.
enum Rnd<'a, R: ?Sized> {
    Hedged(&'a mut R),
    Deterministic,
}

impl SignatureAlgorithm {
    /// Every algorithm, in declaration order.
    pub const ALL: [SignatureAlgorithm; 18] = [
        Self::MlDsa44,
        Self::MlDsa65,
        Self::MlDsa87,
        Self::SlhDsaSha2_128s,
        Self::SlhDsaSha2_128f,
        Self::SlhDsaSha2_192s,
        Self::SlhDsaSha2_192f,
        Self::SlhDsaSha2_256s,
        Self::SlhDsaSha2_256f,
        Self::SlhDsaShake128s,
        Self::SlhDsaShake128f,
        Self::SlhDsaShake192s,
        Self::SlhDsaShake192f,
        Self::SlhDsaShake256s,
        Self::SlhDsaShake256f,
        Self::Ed25519,
        Self::EcdsaP256Sha256,
        Self::EcdsaP384Sha384,
    ];

    /// The largest public key of any algorithm.
    pub const MAX_PUBLIC_KEY_LEN: usize = ml_dsa::ML_DSA_87_PUBLIC_KEY_LEN;
    /// The largest canonical private key of any algorithm.
    pub const MAX_SECRET_KEY_LEN: usize = slh_dsa::MAX_SEED_LEN;
    /// The largest signature of any algorithm (SLH-DSA-SHA2-256f).
    pub const MAX_SIGNATURE_LEN: usize = 49_856;

    /// The algorithm's standard name (`"ML-DSA-65"`, `"SLH-DSA-SHA2-128s"`, `"Ed25519"`,
    /// `"ECDSA-P256-SHA256"`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::MlDsa44 => "ML-DSA-44",
            Self::MlDsa65 => "ML-DSA-65",
            Self::MlDsa87 => "ML-DSA-87",
            Self::SlhDsaSha2_128s => "SLH-DSA-SHA2-128s",
            Self::SlhDsaSha2_128f => "SLH-DSA-SHA2-128f",
            Self::SlhDsaSha2_192s => "SLH-DSA-SHA2-192s",
            Self::SlhDsaSha2_192f => "SLH-DSA-SHA2-192f",
            Self::SlhDsaSha2_256s => "SLH-DSA-SHA2-256s",
            Self::SlhDsaSha2_256f => "SLH-DSA-SHA2-256f",
            Self::SlhDsaShake128s => "SLH-DSA-SHAKE-128s",
            Self::SlhDsaShake128f => "SLH-DSA-SHAKE-128f",
            Self::SlhDsaShake192s => "SLH-DSA-SHAKE-192s",
            Self::SlhDsaShake192f => "SLH-DSA-SHAKE-192f",
            Self::SlhDsaShake256s => "SLH-DSA-SHAKE-256s",
            Self::SlhDsaShake256f => "SLH-DSA-SHAKE-256f",
            Self::Ed25519 => "Ed25519",
            Self::EcdsaP256Sha256 => "ECDSA-P256-SHA256",
            Self::EcdsaP384Sha384 => "ECDSA-P384-SHA384",
            Self::MlDsa44Ed25519Sha512 => "MLDSA44-Ed25519-SHA512",
            Self::MlDsa44EcdsaP256Sha256 => "MLDSA44-ECDSA-P256-SHA256",
            Self::MlDsa65Ed25519Sha512 => "MLDSA65-Ed25519-SHA512",
            Self::MlDsa65EcdsaP256Sha512 => "MLDSA65-ECDSA-P256-SHA512",
            Self::MlDsa65EcdsaP384Sha512 => "MLDSA65-ECDSA-P384-SHA512",
            Self::MlDsa87EcdsaP384Sha512 => "MLDSA87-ECDSA-P384-SHA512",
        }
    }

    /// The algorithm with the given [`Self::name`] (ASCII case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// Public-key length in bytes (ECDSA: uncompressed SEC1 point).
    #[must_use]
    pub fn public_key_len(self) -> usize {
        use slh_dsa::SlhDsaSizes;
        with_slh!(self, P => P::PUBLIC_KEY_LEN, _ => match self {
            Self::MlDsa44 => ml_dsa::ML_DSA_44_PUBLIC_KEY_LEN,
            Self::MlDsa65 => ml_dsa::ML_DSA_65_PUBLIC_KEY_LEN,
            Self::MlDsa87 => ml_dsa::ML_DSA_87_PUBLIC_KEY_LEN,
            Self::Ed25519 => ed25519::PUBLIC_KEY_LEN,
            Self::EcdsaP256Sha256 => ecdsa::p256::PUBLIC_KEY_LEN,
            _ => ecdsa::p384::PUBLIC_KEY_LEN,
        })
    }

    /// Canonical private-key length in bytes: the seed (ML-DSA ξ, SLH-DSA
    /// `SK.seed ‖ SK.prf ‖ PK.seed`, Ed25519 private key) or the ECDSA scalar. Equal to
    /// [`Self::seed_len`].
    #[must_use]
    pub fn secret_key_len(self) -> usize {
        use slh_dsa::SlhDsaSizes;
        with_slh!(self, P => P::SEED_LEN, _ => match self {
            Self::MlDsa44 | Self::MlDsa65 | Self::MlDsa87 => ml_dsa::SEED_LEN,
            Self::Ed25519 => ed25519::SEED_LEN,
            Self::EcdsaP256Sha256 => ecdsa::p256::SECRET_KEY_LEN,
            _ => ecdsa::p384::SECRET_KEY_LEN,
        })
    }

    /// Seed length for [`Self::keypair_from_seed`].
    #[must_use]
    pub fn seed_len(self) -> usize {
        self.secret_key_len()
    }

    /// Signature length in bytes (ECDSA: fixed-size `r ‖ s`).
    #[must_use]
    pub fn signature_len(self) -> usize {
        use slh_dsa::SlhDsaSizes;
        with_slh!(self, P => P::SIGNATURE_LEN, _ => match self {
            Self::MlDsa44 => ml_dsa::ML_DSA_44_SIGNATURE_LEN,
            Self::MlDsa65 => ml_dsa::ML_DSA_65_SIGNATURE_LEN,
            Self::MlDsa87 => ml_dsa::ML_DSA_87_SIGNATURE_LEN,
            Self::Ed25519 => ed25519::SIGNATURE_LEN,
            Self::EcdsaP256Sha256 => ecdsa::p256::SIGNATURE_LEN,
            _ => ecdsa::p384::SIGNATURE_LEN,
        })
    }

    /// Whether the algorithm takes a context string (ML-DSA and SLH-DSA do; Ed25519 and ECDSA
    /// accept only the empty context).
    #[must_use]
    pub const fn supports_context(self) -> bool {
        !matches!(
            self,
            Self::Ed25519 | Self::EcdsaP256Sha256 | Self::EcdsaP384Sha384
        )
    }

    /// Derives a key pair from `seed` ([`Self::seed_len`] bytes). Writes the public key to the
    /// start of `pk_out` and the canonical private key to the start of `sk_out`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (seed), [`Error::BufferTooSmall`], or [`Error::InvalidKey`] for
    /// an ECDSA seed that is not a scalar in [1, n-1].
    pub fn keypair_from_seed(
        self,
        seed: &[u8],
        pk_out: &mut [u8],
        sk_out: &mut [u8],
    ) -> Result<()> {
        check_len(Field::Seed, self.seed_len(), seed.len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        self.write_public_key(seed, pk_out)?;
        sk_out.copy_from_slice(seed);
        Ok(())
    }

    /// Generates a key pair from `rng`; outputs as in [`Self::keypair_from_seed`].
    ///
    /// # Errors
    /// [`Error::Rng`] or [`Error::BufferTooSmall`].
    pub fn generate_keypair<R: TryCryptoRng + ?Sized>(
        self,
        rng: &mut R,
        pk_out: &mut [u8],
        sk_out: &mut [u8],
    ) -> Result<()> {
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        // ECDSA seeds are scalars: retry the rare string that is ≥ n.
        for _ in 0..64 {
            crate::rng::fill(rng, sk_out)?;
            match self.write_public_key(sk_out, pk_out) {
                Err(Error::InvalidKey { .. }) => continue,
                other => return other,
            }
        }
        Err(Error::Rng)
    }

    /// Computes the public key of a canonical private key into `pk_out`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::BufferTooSmall`] or [`Error::InvalidKey`].
    pub fn public_key_from_secret(self, sk: &[u8], pk_out: &mut [u8]) -> Result<()> {
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        self.write_public_key(sk, pk_out)
    }

    /// `pk_out` has exactly `public_key_len()` bytes and `seed` exactly `seed_len()`.
    fn write_public_key(self, seed: &[u8], pk_out: &mut [u8]) -> Result<()> {
        with_slh!(self, P => {
            let sk = slh_dsa::SigningKey::<P>::from_seed(seed)?;
            pk_out.copy_from_slice(&sk.verifying_key().to_bytes());
            Ok(())
        }, _ => match self {
            Self::MlDsa44 => mldsa_pk::<ml_dsa::MlDsa44>(seed, pk_out),
            Self::MlDsa65 => mldsa_pk::<ml_dsa::MlDsa65>(seed, pk_out),
            Self::MlDsa87 => mldsa_pk::<ml_dsa::MlDsa87>(seed, pk_out),
            Self::Ed25519 => {
                let sk = ed25519::SigningKey::from_seed_slice(seed)?;
                pk_out.copy_from_slice(&sk.verifying_key().to_bytes());
                Ok(())
            }
            Self::EcdsaP256Sha256 => {
                let sk = ecdsa::p256::SigningKey::from_bytes(seed)?;
                pk_out.copy_from_slice(&sk.verifying_key().to_bytes());
                Ok(())
            }
            _ => {
                let sk = ecdsa::p384::SigningKey::from_bytes(seed)?;
                pk_out.copy_from_slice(&sk.verifying_key().to_bytes());
                Ok(())
            }
        })
    }

    /// Signs `msg` under context `ctx`, hedged where the algorithm allows it (ML-DSA, SLH-DSA
    /// draw fresh randomness from `rng`; Ed25519 and RFC 6979 ECDSA are deterministic by
    /// design). Writes the signature to the start of `sig_out` and returns its length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (key), [`Error::BufferTooSmall`], [`Error::ContextTooLong`],
    /// [`Error::ContextNotSupported`], [`Error::Rng`], [`Error::InvalidKey`].
    pub fn sign<R: TryCryptoRng + ?Sized>(
        self,
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
        sig_out: &mut [u8],
    ) -> Result<usize> {
        self.sign_impl(sk, msg, ctx, Rnd::Hedged(rng), sig_out)
    }

    /// Deterministic signing: ML-DSA with `rnd` = 0³², SLH-DSA with `opt_rand = PK.seed`,
    /// Ed25519, RFC 6979 ECDSA. Outputs and errors as [`Self::sign`], without [`Error::Rng`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_deterministic(
        self,
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        sig_out: &mut [u8],
    ) -> Result<usize> {
        self.sign_impl::<FixedBytes<'_>>(sk, msg, ctx, Rnd::Deterministic, sig_out)
    }

    fn sign_impl<R: TryCryptoRng + ?Sized>(
        self,
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        rnd: Rnd<'_, R>,
        sig_out: &mut [u8],
    ) -> Result<usize> {
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        let len = self.signature_len();
        let out = out_buf(Field::Signature, sig_out, len)?;
        if !self.supports_context() {
            require_empty_ctx(ctx)?;
        }
        with_slh!(self, P => {
            let key = slh_dsa::SigningKey::<P>::from_seed(sk)?;
            let sig = match rnd {
                Rnd::Hedged(rng) => key.sign(msg, ctx, rng)?,
                Rnd::Deterministic => key.sign_deterministic(msg, ctx)?,
            };
            out.copy_from_slice(&sig);
        }, _ => match self {
            Self::MlDsa44 => mldsa_sign::<ml_dsa::MlDsa44, R>(sk, msg, ctx, rnd, out)?,
            Self::MlDsa65 => mldsa_sign::<ml_dsa::MlDsa65, R>(sk, msg, ctx, rnd, out)?,
            Self::MlDsa87 => mldsa_sign::<ml_dsa::MlDsa87, R>(sk, msg, ctx, rnd, out)?,
            Self::Ed25519 => {
                out.copy_from_slice(&ed25519::SigningKey::from_seed_slice(sk)?.sign(msg));
            }
            Self::EcdsaP256Sha256 => {
                out.copy_from_slice(&ecdsa::p256::SigningKey::from_bytes(sk)?.sign(msg)?);
            }
            _ => {
                out.copy_from_slice(&ecdsa::p384::SigningKey::from_bytes(sk)?.sign(msg)?);
            }
        });
        Ok(len)
    }

    /// Verifies `sig` over `msg` and `ctx` under the public key `pk`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::MalformedEncoding`], [`Error::ContextTooLong`],
    /// [`Error::ContextNotSupported`], or [`Error::VerificationFailed`].
    pub fn verify(self, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        check_len(Field::PublicKey, self.public_key_len(), pk.len())?;
        check_len(Field::Signature, self.signature_len(), sig.len())?;
        if !self.supports_context() {
            require_empty_ctx(ctx)?;
        }
        with_slh!(self, P => slh_dsa::VerifyingKey::<P>::from_bytes(pk)?.verify(msg, ctx, sig),
        _ => match self {
            Self::MlDsa44 => ml_dsa::MlDsa44VerifyingKey::from_bytes(pk)?.verify(msg, ctx, sig),
            Self::MlDsa65 => ml_dsa::MlDsa65VerifyingKey::from_bytes(pk)?.verify(msg, ctx, sig),
            Self::MlDsa87 => ml_dsa::MlDsa87VerifyingKey::from_bytes(pk)?.verify(msg, ctx, sig),
            Self::Ed25519 => ed25519::VerifyingKey::from_bytes(pk)?.verify(msg, sig),
            Self::EcdsaP256Sha256 => ecdsa::p256::VerifyingKey::from_sec1(pk)?.verify(msg, sig),
            _ => ecdsa::p384::VerifyingKey::from_sec1(pk)?.verify(msg, sig),
        })
    }
}

impl core::fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

fn mldsa_pk<P: ml_dsa::MlDsaSizes>(seed: &[u8], pk_out: &mut [u8]) -> Result<()> {
    let sk = ml_dsa::SigningKey::<P>::from_seed_slice(seed)?;
    pk_out.copy_from_slice(&sk.verifying_key().to_bytes());
    Ok(())
}

fn mldsa_sign<P: ml_dsa::MlDsaSizes, R: TryCryptoRng + ?Sized>(
    sk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    rnd: Rnd<'_, R>,
    out: &mut [u8],
) -> Result<()> {
    let key = ml_dsa::SigningKey::<P>::from_seed_slice(sk)?;
    let sig = match rnd {
        Rnd::Hedged(rng) => key.sign(msg, ctx, rng)?,
        Rnd::Deterministic => key.sign_deterministic(msg, ctx)?,
    };
    out.copy_from_slice(&sig);
    Ok(())
}


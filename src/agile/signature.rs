//! [`SignatureAlgorithm`]: every signature algorithm behind one enum.

// With `algorithm-subset`, the helpers of the algorithms left out are not referenced.
#![cfg_attr(
    feature = "algorithm-subset",
    allow(dead_code, unused_imports, unused_variables)
)]

use zeroize::Zeroizing;

use crate::error::{Error, Field, Result, check_len, out_buf, require_empty_ctx};
use crate::hybrid::composite_sig::{self, CompositeParams};
use crate::message::ZeroPadded;
use crate::primitives::{ecdsa, ed25519, ml_dsa, slh_dsa};
use crate::rng::{FixedBytes, TryCryptoRng};

use super::sig_key::SigKey;
use super::signature_info::{SIGNATURES, SignatureInfo};

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
///
/// With a leading `disabled => $dis,` (the operations, not the size queries), an algorithm that
/// the build leaves out (`algorithm-subset` without its `alg-*` feature, see
/// [`SignatureAlgorithm::is_enabled`]) evaluates `$dis` instead of its arm, so that none of its
/// code is referenced and the linker drops it.
macro_rules! dispatch {
    (
        $alg:expr,
        $(disabled => $dis:expr,)?
        mldsa $M:ident => $mldsa:expr,
        slh $S:ident => $slh:expr,
        ed25519 => $ed:expr,
        p256 => $p256:expr,
        p384 => $p384:expr,
        composite $C:ident => $comp:expr $(,)?
    ) => {
        match $alg {
            SignatureAlgorithm::MlDsa44 => arm!(($($dis)?), (feature = "alg-ml-dsa-44"), {
                #[allow(dead_code)] // not every method needs the type
                type $M = ml_dsa::MlDsa44;
                $mldsa
            }),
            SignatureAlgorithm::MlDsa65 => arm!(($($dis)?), (feature = "alg-ml-dsa-65"), {
                #[allow(dead_code)] // not every method needs the type
                type $M = ml_dsa::MlDsa65;
                $mldsa
            }),
            SignatureAlgorithm::MlDsa87 => arm!(($($dis)?), (feature = "alg-ml-dsa-87"), {
                #[allow(dead_code)] // not every method needs the type
                type $M = ml_dsa::MlDsa87;
                $mldsa
            }),
            SignatureAlgorithm::SlhDsaSha2_128s => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Sha2_128s;
                $slh
            }),
            SignatureAlgorithm::SlhDsaSha2_128f => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Sha2_128f;
                $slh
            }),
            SignatureAlgorithm::SlhDsaSha2_192s => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Sha2_192s;
                $slh
            }),
            SignatureAlgorithm::SlhDsaSha2_192f => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Sha2_192f;
                $slh
            }),
            SignatureAlgorithm::SlhDsaSha2_256s => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Sha2_256s;
                $slh
            }),
            SignatureAlgorithm::SlhDsaSha2_256f => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Sha2_256f;
                $slh
            }),
            SignatureAlgorithm::SlhDsaShake128s => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Shake128s;
                $slh
            }),
            SignatureAlgorithm::SlhDsaShake128f => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Shake128f;
                $slh
            }),
            SignatureAlgorithm::SlhDsaShake192s => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Shake192s;
                $slh
            }),
            SignatureAlgorithm::SlhDsaShake192f => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Shake192f;
                $slh
            }),
            SignatureAlgorithm::SlhDsaShake256s => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Shake256s;
                $slh
            }),
            SignatureAlgorithm::SlhDsaShake256f => arm!(($($dis)?), (feature = "alg-slh-dsa"), {
                #[allow(dead_code)] // not every method needs the type
                type $S = slh_dsa::Shake256f;
                $slh
            }),
            SignatureAlgorithm::Ed25519 => arm!(($($dis)?), (feature = "alg-ed25519"), {
                $ed
            }),
            SignatureAlgorithm::EcdsaP256Sha256 => arm!(($($dis)?), (feature = "alg-ecdsa-p256"), {
                $p256
            }),
            SignatureAlgorithm::EcdsaP384Sha384 => arm!(($($dis)?), (feature = "alg-ecdsa-p384"), {
                $p384
            }),
            SignatureAlgorithm::MlDsa44Ed25519Sha512 => arm!(($($dis)?), (all(feature = "alg-ml-dsa-44", feature = "alg-ed25519")), {
                #[allow(dead_code)] // not every method needs the type
                type $C = composite_sig::MlDsa44Ed25519Sha512;
                $comp
            }),
            SignatureAlgorithm::MlDsa44EcdsaP256Sha256 => arm!(($($dis)?), (all(feature = "alg-ml-dsa-44", feature = "alg-ecdsa-p256")), {
                #[allow(dead_code)] // not every method needs the type
                type $C = composite_sig::MlDsa44EcdsaP256Sha256;
                $comp
            }),
            SignatureAlgorithm::MlDsa65Ed25519Sha512 => arm!(($($dis)?), (all(feature = "alg-ml-dsa-65", feature = "alg-ed25519")), {
                #[allow(dead_code)] // not every method needs the type
                type $C = composite_sig::MlDsa65Ed25519Sha512;
                $comp
            }),
            SignatureAlgorithm::MlDsa65EcdsaP256Sha512 => arm!(($($dis)?), (all(feature = "alg-ml-dsa-65", feature = "alg-ecdsa-p256")), {
                #[allow(dead_code)] // not every method needs the type
                type $C = composite_sig::MlDsa65EcdsaP256Sha512;
                $comp
            }),
            SignatureAlgorithm::MlDsa65EcdsaP384Sha512 => arm!(($($dis)?), (all(feature = "alg-ml-dsa-65", feature = "alg-ecdsa-p384")), {
                #[allow(dead_code)] // not every method needs the type
                type $C = composite_sig::MlDsa65EcdsaP384Sha512;
                $comp
            }),
            SignatureAlgorithm::MlDsa87EcdsaP384Sha512 => arm!(($($dis)?), (all(feature = "alg-ml-dsa-87", feature = "alg-ecdsa-p384")), {
                #[allow(dead_code)] // not every method needs the type
                type $C = composite_sig::MlDsa87EcdsaP384Sha512;
                $comp
            }),
        }
    };
}

/// One arm of [`dispatch!`]: the body, or (with a `disabled` expression) the body only if the
/// algorithm is compiled in (`$pred` over the `alg-*` features) and the `disabled` expression
/// otherwise.
macro_rules! arm {
    ((), ($($pred:tt)*), $body:block) => {
        $body
    };
    (($dis:expr), ($($pred:tt)*), $body:block) => {{
        #[cfg(any(not(feature = "algorithm-subset"), $($pred)*))]
        {
            $body
        }
        #[cfg(not(any(not(feature = "algorithm-subset"), $($pred)*)))]
        {
            $dis
        }
    }};
}

impl SignatureAlgorithm {
    /// Every algorithm, in declaration order (from [`SIGNATURES`]).
    #[allow(clippy::indexing_slicing)] // `i` < len; evaluated at compile time
    pub const ALL: [SignatureAlgorithm; SIGNATURES.len()] = {
        let mut all = [SignatureAlgorithm::MlDsa44; SIGNATURES.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = SIGNATURES[i].algorithm;
            i += 1;
        }
        all
    };

    /// The largest public key of any algorithm (composite MLDSA87-ECDSA-P384-SHA512).
    pub const MAX_PUBLIC_KEY_LEN: usize = table_max!(SIGNATURES, public_key_len);
    /// The largest private key of any algorithm (SLH-DSA-*-256 seeds and the ECDSA P-384
    /// composites, 96 bytes).
    pub const MAX_SECRET_KEY_LEN: usize = table_max!(SIGNATURES, secret_key_len);
    /// The largest seed of any algorithm (SLH-DSA-*-256).
    pub const MAX_SEED_LEN: usize = table_max!(SIGNATURES, seed_len);
    /// The largest signature of any algorithm (SLH-DSA-SHA2-256f).
    pub const MAX_SIGNATURE_LEN: usize = table_max!(SIGNATURES, signature_len);

    /// Everything about the algorithm: its entry in [`SIGNATURES`].
    #[must_use]
    pub const fn info(self) -> &'static SignatureInfo {
        // Every variant, no catch-all: a new one fails to compile here until it is listed (and
        // the compile-time checks of `SIGNATURES` fail until it has its entry there).
        let i = match self {
            v @ (Self::MlDsa44
            | Self::MlDsa65
            | Self::MlDsa87
            | Self::SlhDsaSha2_128s
            | Self::SlhDsaSha2_128f
            | Self::SlhDsaSha2_192s
            | Self::SlhDsaSha2_192f
            | Self::SlhDsaSha2_256s
            | Self::SlhDsaSha2_256f
            | Self::SlhDsaShake128s
            | Self::SlhDsaShake128f
            | Self::SlhDsaShake192s
            | Self::SlhDsaShake192f
            | Self::SlhDsaShake256s
            | Self::SlhDsaShake256f
            | Self::Ed25519
            | Self::EcdsaP256Sha256
            | Self::EcdsaP384Sha384
            | Self::MlDsa44Ed25519Sha512
            | Self::MlDsa44EcdsaP256Sha256
            | Self::MlDsa65Ed25519Sha512
            | Self::MlDsa65EcdsaP256Sha512
            | Self::MlDsa65EcdsaP384Sha512
            | Self::MlDsa87EcdsaP384Sha512) => v as usize,
        };
        // Entry `i` is the variant with discriminant `i` (checked at compile time).
        #[allow(clippy::indexing_slicing)]
        &SIGNATURES[i]
    }

    /// The algorithm with id `id` ([`SignatureInfo::id`]: the C ABI's value), or `None`.
    #[must_use]
    pub const fn from_id(id: u16) -> Option<Self> {
        let mut i = 0;
        while i < SIGNATURES.len() {
            // `i` < len.
            #[allow(clippy::indexing_slicing)]
            let e = &SIGNATURES[i];
            if e.id == id {
                return Some(e.algorithm);
            }
            i += 1;
        }
        None
    }

    /// The algorithm's standard name (`"ML-DSA-65"`, `"SLH-DSA-SHA2-128s"`, `"Ed25519"`,
    /// `"ECDSA-P256-SHA256"`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The algorithm with the given [`Self::name`] (ASCII case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// Whether this build can use the algorithm: always, unless the crate is built with the
    /// `algorithm-subset` feature, which keeps only the algorithms whose `alg-*` feature is
    /// enabled (a composite needs both of its halves). The operations of a disabled algorithm
    /// (key generation, signing, verification) return [`Error::AlgorithmDisabled`]; its name,
    /// OID and sizes stay available.
    #[must_use]
    pub const fn is_enabled(self) -> bool {
        dispatch!(self,
            disabled => false,
            mldsa M => true,
            slh S => true,
            ed25519 => true,
            p256 => true,
            p384 => true,
            composite C => true,
        )
    }

    /// Fails with [`Error::AlgorithmDisabled`] unless [`Self::is_enabled`].
    const fn check_enabled(self) -> Result<()> {
        if self.is_enabled() {
            Ok(())
        } else {
            Err(Error::AlgorithmDisabled)
        }
    }

    /// Whether the algorithm is a composite (post-quantum + traditional) of
    /// draft-ietf-lamps-pq-composite-sigs.
    #[must_use]
    pub const fn is_hybrid(self) -> bool {
        self.info().hybrid
    }

    /// The algorithm's object identifier, dotted: ML-DSA and SLH-DSA from the NIST CSOR
    /// `sigAlgs` arc (2.16.840.1.101.3.4.3.17–31, FIPS 204/205), Ed25519 from RFC 8410,
    /// `ecdsa-with-SHA256`/`-SHA384` from RFC 5758, composites from
    /// draft-ietf-lamps-pq-composite-sigs-19 §7.
    #[must_use]
    pub const fn oid(self) -> &'static str {
        self.info().oid
    }

    /// Public-key length in bytes (ECDSA: uncompressed SEC1 point; composites:
    /// `mldsaPK ‖ tradPK`).
    #[must_use]
    pub const fn public_key_len(self) -> usize {
        self.info().public_key_len
    }

    /// Private-key length in bytes, the form every method of this type takes and returns:
    /// * ML-DSA: the seed ξ; SLH-DSA: `SK.seed ‖ SK.prf ‖ PK.seed`; Ed25519: the RFC 8032
    ///   private key; ECDSA: the big-endian scalar. For these it equals [`Self::seed_len`].
    /// * Composites: the draft private key `mldsaSeed ‖ tradSK` (64 bytes with Ed25519, 83
    ///   with P-256, 96 with P-384), which differs from the 32-byte root seed of
    ///   [`Self::seed_len`].
    #[must_use]
    pub const fn secret_key_len(self) -> usize {
        self.info().secret_key_len
    }

    /// Seed length for [`Self::keypair_from_seed`]: [`Self::secret_key_len`] for the
    /// single algorithms, 32 (the root seed of
    /// [`composite_sig::SigningKey::from_root_seed`]) for the composites.
    #[must_use]
    pub const fn seed_len(self) -> usize {
        self.info().seed_len
    }

    /// Signature length in bytes. ECDSA: the fixed-size `r ‖ s`. Composites: the **maximum**
    /// length; composites with an ECDSA component have variable-length (DER) signatures, so
    /// [`Self::sign`] returns the actual length and [`Self::verify`] takes the signature at
    /// its actual length. Ed25519 composites always have exactly this length.
    #[must_use]
    pub const fn signature_len(self) -> usize {
        self.info().signature_len
    }

    /// Whether the algorithm takes a context string (ML-DSA, SLH-DSA and the composites do;
    /// Ed25519 and ECDSA accept only the empty context).
    #[must_use]
    pub const fn supports_context(self) -> bool {
        self.info().context
    }

    /// Derives a key pair from `seed` ([`Self::seed_len`] bytes). Writes the public key to the
    /// start of `pk_out` and the private key ([`Self::secret_key_len`] bytes) to the start of
    /// `sk_out`. For the single algorithms the private key is the seed itself; for the
    /// composites the seed is a root seed and the private key is the draft encoding derived
    /// from it ([`composite_sig`](crate::hybrid::composite_sig#key-derivation-from-a-root-seed-pqhybrid-specific)).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (seed), [`Error::BufferTooSmall`] (nothing written),
    /// [`Error::InvalidKey`] for an ECDSA seed that is not a scalar in [1, n-1], or
    /// [`Error::AlgorithmDisabled`] (see [`Self::is_enabled`]).
    pub fn keypair_from_seed(
        self,
        seed: &[u8],
        pk_out: &mut [u8],
        sk_out: &mut [u8],
    ) -> Result<()> {
        self.check_enabled()?;
        check_len(Field::Seed, self.seed_len(), seed.len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        let single = |pk_out: &mut [u8], sk_out: &mut [u8]| -> Result<()> {
            self.write_public_key(seed, pk_out)?;
            sk_out.copy_from_slice(seed);
            Ok(())
        };
        dispatch!(self,
            disabled => Err(Error::AlgorithmDisabled),
            mldsa M => single(pk_out, sk_out),
            slh S => single(pk_out, sk_out),
            ed25519 => single(pk_out, sk_out),
            p256 => single(pk_out, sk_out),
            p384 => single(pk_out, sk_out),
            composite C => composite_keypair::<C>(seed, pk_out, sk_out),
        )
    }

    /// Generates a key pair: [`Self::keypair_from_seed`] on [`Self::seed_len`] fresh bytes
    /// from `rng` (an ECDSA seed that is not a valid scalar is drawn again).
    ///
    /// # Errors
    /// [`Error::Rng`], [`Error::BufferTooSmall`] (nothing written) or
    /// [`Error::AlgorithmDisabled`].
    pub fn generate_keypair<R: TryCryptoRng + ?Sized>(
        self,
        rng: &mut R,
        pk_out: &mut [u8],
        sk_out: &mut [u8],
    ) -> Result<()> {
        self.check_enabled()?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        let mut buf = Zeroizing::new([0u8; Self::MAX_SEED_LEN]);
        let seed = buf.get_mut(..self.seed_len()).ok_or(Error::Rng)?;
        // ECDSA seeds are scalars: retry the rare string that is ≥ n.
        for _ in 0..64 {
            crate::rng::fill(rng, seed)?;
            match self.keypair_from_seed(seed, pk_out, sk_out) {
                Err(Error::InvalidKey { .. }) => continue,
                other => return other,
            }
        }
        Err(Error::Rng)
    }

    /// Computes the public key of a private key ([`Self::secret_key_len`] bytes) into `pk_out`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::BufferTooSmall`], [`Error::MalformedEncoding`] (a
    /// composite ECDSA private key that is not the draft's `ECPrivateKey` encoding),
    /// [`Error::InvalidKey`] or [`Error::AlgorithmDisabled`].
    pub fn public_key_from_secret(self, sk: &[u8], pk_out: &mut [u8]) -> Result<()> {
        self.check_enabled()?;
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        self.write_public_key(sk, pk_out)
    }

    /// `pk_out` has exactly `public_key_len()` bytes and `sk` exactly `secret_key_len()`.
    fn write_public_key(self, sk: &[u8], pk_out: &mut [u8]) -> Result<()> {
        // Each arm is its own non-inlined function so that this frame is not sized for the
        // largest algorithm (a Cortex-M stack budget issue; see benches/cortex-m).
        dispatch!(self,
            disabled => Err(Error::AlgorithmDisabled),
            mldsa M => public_key_with::<ml_dsa::SigningKey<M>>(sk, pk_out),
            slh S => public_key_with::<slh_dsa::SigningKey<S>>(sk, pk_out),
            ed25519 => public_key_with::<ed25519::SigningKey>(sk, pk_out),
            p256 => public_key_with::<ecdsa::p256::SigningKey>(sk, pk_out),
            p384 => public_key_with::<ecdsa::p384::SigningKey>(sk, pk_out),
            composite C => public_key_with::<composite_sig::SigningKey<C>>(sk, pk_out),
        )
    }

    /// Signs `msg` under context `ctx`, hedged where the algorithm allows it (ML-DSA, SLH-DSA
    /// and the ML-DSA half of the composites draw fresh randomness from `rng`; Ed25519 and
    /// RFC 6979 ECDSA are deterministic by design). `sig_out` must hold
    /// [`Self::signature_len`] bytes (for composites: the maximum); the signature is written to
    /// its start and its actual length returned.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (key), [`Error::BufferTooSmall`], [`Error::ContextTooLong`],
    /// [`Error::ContextNotSupported`], [`Error::Rng`], [`Error::MalformedEncoding`],
    /// [`Error::InvalidKey`] (key) or [`Error::AlgorithmDisabled`]. Nothing is written on
    /// error.
    pub fn sign<R: TryCryptoRng + ?Sized>(
        self,
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
        sig_out: &mut [u8],
    ) -> Result<usize> {
        self.sign_impl(sk, msg, ctx, Some(rng), sig_out)
    }

    /// Deterministic signing: ML-DSA with `rnd` = 0³², SLH-DSA with `opt_rand = PK.seed`,
    /// Ed25519, RFC 6979 ECDSA, composites with both. Outputs and errors as [`Self::sign`],
    /// without [`Error::Rng`].
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
        self.sign_impl::<FixedBytes<'_>>(sk, msg, ctx, None, sig_out)
    }

    fn sign_impl<R: TryCryptoRng + ?Sized>(
        self,
        sk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        sig_out: &mut [u8],
    ) -> Result<usize> {
        self.check_enabled()?;
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        let len = self.signature_len();
        let out = out_buf(Field::Signature, sig_out, len)?;
        if !self.supports_context() {
            require_empty_ctx(ctx)?;
        }
        dispatch!(self,
            disabled => Err(Error::AlgorithmDisabled),
            mldsa M => sign_with::<ml_dsa::SigningKey<M>, R>(sk, msg, ctx, rng, out),
            slh S => sign_with::<slh_dsa::SigningKey<S>, R>(sk, msg, ctx, rng, out),
            ed25519 => sign_with::<ed25519::SigningKey, R>(sk, msg, ctx, rng, out),
            p256 => sign_with::<ecdsa::p256::SigningKey, R>(sk, msg, ctx, rng, out),
            p384 => sign_with::<ecdsa::p384::SigningKey, R>(sk, msg, ctx, rng, out),
            composite C => sign_with::<composite_sig::SigningKey<C>, R>(sk, msg, ctx, rng, out),
        )
    }

    /// Verifies `sig` over `msg` and `ctx` under the public key `pk`. `sig` must have exactly
    /// [`Self::signature_len`] bytes, except for composites with an ECDSA component, whose
    /// signatures are passed at their actual (DER-dependent) length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::MalformedEncoding`], [`Error::ContextTooLong`],
    /// [`Error::ContextNotSupported`], [`Error::VerificationFailed`], or
    /// [`Error::AlgorithmDisabled`].
    pub fn verify(self, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        self.verify_zero_padded(pk, ZeroPadded::new(msg), ctx, sig)
    }

    /// Whether `sig` is in the single form this library signs in, so that a valid signature
    /// cannot be re-encoded into a second valid one. ML-DSA, SLH-DSA and Ed25519 signatures have
    /// one encoding (verification rejects the others), so this is `true` for them; an ECDSA
    /// signature (plain `r ‖ s`, or the DER component of a composite) must have `s ≤ n/2`
    /// ("low-s"), which the composites always produce. `false` for a signature whose ECDSA part
    /// does not even parse, and for an algorithm compiled out of an `algorithm-subset` build.
    /// Checks the form only: it does not verify.
    #[must_use]
    pub fn is_canonical_signature(self, sig: &[u8]) -> bool {
        dispatch!(self,
            // A compiled-out algorithm never gets this far in the firmware verifier (it is not
            // allowed); `false` keeps the ECDSA code out of builds without it.
            disabled => false,
            mldsa M => true,
            slh S => true,
            ed25519 => true,
            p256 => ecdsa::p256::is_low_s(sig),
            p384 => ecdsa::p384::is_low_s(sig),
            composite C => composite_sig::is_canonical::<C>(sig)
        )
    }

    /// [`Self::verify`] of the message `head ‖ 0^zeros` (the firmware verifier's signed header:
    /// its fixed part and the zero padding). ML-DSA and the composites hash it in chunks; the
    /// other algorithms, which need the message in one piece, get it put together in a buffer
    /// of [`MAX_PADDED_LEN`](crate::message::MAX_PADDED_LEN) bytes in a frame of its own
    /// ([`Error::VerificationFailed`] if it is longer: the firmware verifier bounds its header
    /// to that length before it gets here, and reports any error of this call as
    /// `FirmwareError::BadSignature`).
    pub(crate) fn verify_zero_padded(
        self,
        pk: &[u8],
        msg: ZeroPadded<'_>,
        ctx: &[u8],
        sig: &[u8],
    ) -> Result<()> {
        self.check_enabled()?;
        check_len(Field::PublicKey, self.public_key_len(), pk.len())?;
        if !self.supports_context() {
            require_empty_ctx(ctx)?;
        }
        let exact = || check_len(Field::Signature, self.signature_len(), sig.len());
        // One non-inlined function per arm keeps this frame small (see `write_public_key`).
        dispatch!(self,
            disabled => Err(Error::AlgorithmDisabled),
            mldsa M => {
                exact()?;
                verify_with::<ml_dsa::SigningKey<M>>(pk, msg, ctx, sig)
            },
            slh S => {
                exact()?;
                verify_with::<slh_dsa::SigningKey<S>>(pk, msg, ctx, sig)
            },
            ed25519 => {
                exact()?;
                verify_with::<ed25519::SigningKey>(pk, msg, ctx, sig)
            },
            p256 => {
                exact()?;
                verify_with::<ecdsa::p256::SigningKey>(pk, msg, ctx, sig)
            },
            p384 => {
                exact()?;
                verify_with::<ecdsa::p384::SigningKey>(pk, msg, ctx, sig)
            },
            // The composite verifier checks the (possibly variable) signature length itself.
            composite C => verify_with::<composite_sig::SigningKey<C>>(pk, msg, ctx, sig),
        )
    }
}

impl core::str::FromStr for SignatureAlgorithm {
    type Err = Error;

    /// [`SignatureAlgorithm::from_name`], or [`Error::UnknownAlgorithm`].
    fn from_str(name: &str) -> Result<Self> {
        Self::from_name(name).ok_or(Error::UnknownAlgorithm)
    }
}

impl core::fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

// Each family's operation runs in a non-inlined function of its own, generic over the family's
// key type (`SigKey`), so that the dispatching method's frame is not sized for the largest
// algorithm's keys (a Cortex-M stack budget issue; see benches/cortex-m). The composite keys
// are the largest (an ML-DSA-87 signing key with its expanded form is ~8 KiB inline).

#[inline(never)]
fn public_key_with<K: SigKey>(sk: &[u8], pk_out: &mut [u8]) -> Result<()> {
    K::from_secret(sk)?.write_public_key(pk_out)
}

#[inline(never)]
fn sign_with<K: SigKey, R: TryCryptoRng + ?Sized>(
    sk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    rng: Option<&mut R>,
    out: &mut [u8],
) -> Result<usize> {
    K::sign_from_secret(sk, msg, ctx, rng, out)
}

#[inline(never)]
fn verify_with<K: SigKey>(pk: &[u8], msg: ZeroPadded<'_>, ctx: &[u8], sig: &[u8]) -> Result<()> {
    K::verify(pk, msg, ctx, sig)
}

/// A composite key pair from a 32-byte root seed (the draft private key is derived from it,
/// unlike the single algorithms whose private key is the seed).
#[inline(never)]
fn composite_keypair<C: CompositeParams>(
    seed: &[u8],
    pk_out: &mut [u8],
    sk_out: &mut [u8],
) -> Result<()> {
    let sk = composite_sig::SigningKey::<C>::from_root_seed_slice(seed)?;
    sk.write_public_key(pk_out)?;
    sk.write_bytes(sk_out)?;
    Ok(())
}

//! [`Algorithm`]: every signature and KEM algorithm of the crate, with its X.509 object
//! identifiers.

use const_oid::ObjectIdentifier;

use crate::agile::{KemAlgorithm, SignatureAlgorithm};

/// OIDs, each checked against the document that assigns it.
pub(crate) mod oids {
    use const_oid::ObjectIdentifier as Oid;

    // ML-KEM, FIPS 203 / RFC 9935 §3: nistAlgorithms kems(4) 1–3.
    pub const ML_KEM_512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.4.1");
    pub const ML_KEM_768: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.4.2");
    pub const ML_KEM_1024: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.4.3");

    // ML-DSA, FIPS 204 / RFC 9881 §2: nistAlgorithms sigAlgs(3) 17–19.
    pub const ML_DSA_44: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.17");
    pub const ML_DSA_65: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.18");
    pub const ML_DSA_87: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.19");

    // SLH-DSA, FIPS 205 / RFC 9909 §3: sigAlgs(3) 20–31.
    pub const SLH_DSA_SHA2_128S: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.20");
    pub const SLH_DSA_SHA2_128F: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.21");
    pub const SLH_DSA_SHA2_192S: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.22");
    pub const SLH_DSA_SHA2_192F: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.23");
    pub const SLH_DSA_SHA2_256S: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.24");
    pub const SLH_DSA_SHA2_256F: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.25");
    pub const SLH_DSA_SHAKE_128S: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.26");
    pub const SLH_DSA_SHAKE_128F: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.27");
    pub const SLH_DSA_SHAKE_192S: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.28");
    pub const SLH_DSA_SHAKE_192F: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.29");
    pub const SLH_DSA_SHAKE_256S: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.30");
    pub const SLH_DSA_SHAKE_256F: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.31");

    // Ed25519, RFC 8410 §3: id-Ed25519.
    pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");

    // ECDSA keys, RFC 5480 §2.1.1: id-ecPublicKey with a namedCurve parameter (§2.1.1.1).
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");

    // X-Wing, draft-connolly-cfrg-xwing-kem §"Use in X.509": id-XWing.
    pub const XWING: Oid = Oid::new_unwrap("1.3.6.1.4.1.62253.25722");

    // Composite ML-DSA, draft-ietf-lamps-pq-composite-sigs-19 §7: id-pkix alg(6) 39–54.
    pub const MLDSA44_ED25519_SHA512: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.39");
    pub const MLDSA44_ECDSA_P256_SHA256: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.40");
    pub const MLDSA65_ECDSA_P256_SHA512: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.45");
    pub const MLDSA65_ECDSA_P384_SHA512: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.46");
    pub const MLDSA65_ED25519_SHA512: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.48");
    pub const MLDSA87_ECDSA_P384_SHA512: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.49");

    // Composite ML-KEM, draft-ietf-lamps-pq-composite-kem-17 §7: id-pkix alg(6) 55–66.
    pub const MLKEM768_X25519_SHA3_256: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.58");
    pub const MLKEM768_ECDH_P256_SHA3_256: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.59");
    pub const MLKEM1024_ECDH_P384_SHA3_256: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.6.63");
}

/// Any algorithm of the crate: a signature algorithm or a KEM.
///
/// This is what a `SubjectPublicKeyInfo` or a PKCS#8 `PrivateKeyInfo` names in its
/// `AlgorithmIdentifier`. Each algorithm has one object identifier ([`Self::oid`]); ECDSA keys
/// share `id-ecPublicKey` (RFC 5480 §2.1.1) and are told apart by the `namedCurve` parameter
/// ([`Self::named_curve`]). The key encodings carry no hash, so an `id-ecPublicKey` key on P-256
/// decodes as [`SignatureAlgorithm::EcdsaP256Sha256`] and one on P-384 as
/// [`SignatureAlgorithm::EcdsaP384Sha384`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// A signature algorithm.
    Signature(SignatureAlgorithm),
    /// A key-encapsulation mechanism.
    Kem(KemAlgorithm),
}

impl From<SignatureAlgorithm> for Algorithm {
    fn from(alg: SignatureAlgorithm) -> Self {
        Self::Signature(alg)
    }
}

impl From<KemAlgorithm> for Algorithm {
    fn from(alg: KemAlgorithm) -> Self {
        Self::Kem(alg)
    }
}

impl Algorithm {
    /// Every algorithm: [`SignatureAlgorithm::ALL`] then [`KemAlgorithm::ALL`].
    pub fn all() -> impl Iterator<Item = Algorithm> {
        SignatureAlgorithm::ALL
            .into_iter()
            .map(Self::Signature)
            .chain(KemAlgorithm::ALL.into_iter().map(Self::Kem))
    }

    /// The algorithm's standard name (as [`SignatureAlgorithm::name`] / [`KemAlgorithm::name`]).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Signature(a) => a.name(),
            Self::Kem(a) => a.name(),
        }
    }

    /// The `algorithm` OID of the key's `AlgorithmIdentifier` (`id-ecPublicKey` for ECDSA).
    #[must_use]
    pub const fn oid(self) -> ObjectIdentifier {
        use SignatureAlgorithm as S;
        use oids::*;
        match self {
            Self::Signature(s) => match s {
                S::MlDsa44 => ML_DSA_44,
                S::MlDsa65 => ML_DSA_65,
                S::MlDsa87 => ML_DSA_87,
                S::SlhDsaSha2_128s => SLH_DSA_SHA2_128S,
                S::SlhDsaSha2_128f => SLH_DSA_SHA2_128F,
                S::SlhDsaSha2_192s => SLH_DSA_SHA2_192S,
                S::SlhDsaSha2_192f => SLH_DSA_SHA2_192F,
                S::SlhDsaSha2_256s => SLH_DSA_SHA2_256S,
                S::SlhDsaSha2_256f => SLH_DSA_SHA2_256F,
                S::SlhDsaShake128s => SLH_DSA_SHAKE_128S,
                S::SlhDsaShake128f => SLH_DSA_SHAKE_128F,
                S::SlhDsaShake192s => SLH_DSA_SHAKE_192S,
                S::SlhDsaShake192f => SLH_DSA_SHAKE_192F,
                S::SlhDsaShake256s => SLH_DSA_SHAKE_256S,
                S::SlhDsaShake256f => SLH_DSA_SHAKE_256F,
                S::Ed25519 => ED25519,
                S::EcdsaP256Sha256 | S::EcdsaP384Sha384 => EC_PUBLIC_KEY,
                S::MlDsa44Ed25519Sha512 => MLDSA44_ED25519_SHA512,
                S::MlDsa44EcdsaP256Sha256 => MLDSA44_ECDSA_P256_SHA256,
                S::MlDsa65Ed25519Sha512 => MLDSA65_ED25519_SHA512,
                S::MlDsa65EcdsaP256Sha512 => MLDSA65_ECDSA_P256_SHA512,
                S::MlDsa65EcdsaP384Sha512 => MLDSA65_ECDSA_P384_SHA512,
                S::MlDsa87EcdsaP384Sha512 => MLDSA87_ECDSA_P384_SHA512,
            },
            Self::Kem(k) => match k {
                KemAlgorithm::MlKem512 => ML_KEM_512,
                KemAlgorithm::MlKem768 => ML_KEM_768,
                KemAlgorithm::MlKem1024 => ML_KEM_1024,
                KemAlgorithm::XWing => XWING,
                KemAlgorithm::MlKem768X25519Sha3_256 => MLKEM768_X25519_SHA3_256,
                KemAlgorithm::MlKem768EcdhP256Sha3_256 => MLKEM768_ECDH_P256_SHA3_256,
                KemAlgorithm::MlKem1024EcdhP384Sha3_256 => MLKEM1024_ECDH_P384_SHA3_256,
            },
        }
    }

    /// The `namedCurve` parameter of the `AlgorithmIdentifier` (RFC 5480 §2.1.1.1): `prime256v1`
    /// / `secp384r1` for ECDSA, `None` (parameters absent) for every other algorithm.
    #[must_use]
    pub const fn named_curve(self) -> Option<ObjectIdentifier> {
        match self {
            Self::Signature(SignatureAlgorithm::EcdsaP256Sha256) => Some(oids::SECP256R1),
            Self::Signature(SignatureAlgorithm::EcdsaP384Sha384) => Some(oids::SECP384R1),
            _ => None,
        }
    }

    /// The algorithm whose [`Self::oid`] is `oid`, for every algorithm whose OID alone names it.
    /// `id-ecPublicKey` needs its curve: it gives `None` here; use [`Self::from_oids`].
    #[must_use]
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::from_oids(oid, None)
    }

    /// The algorithm named by an `AlgorithmIdentifier` with OID `oid` and, for `id-ecPublicKey`,
    /// the `namedCurve` parameter `curve`. `curve` must be `None` for every other algorithm.
    #[must_use]
    pub fn from_oids(oid: &ObjectIdentifier, curve: Option<&ObjectIdentifier>) -> Option<Self> {
        Self::all().find(|a| a.oid() == *oid && a.named_curve().as_ref() == curve)
    }

    /// Public-key length in bytes.
    #[must_use]
    pub fn public_key_len(self) -> usize {
        match self {
            Self::Signature(a) => a.public_key_len(),
            Self::Kem(a) => a.public_key_len(),
        }
    }

    /// Canonical private-key length in bytes (the agile layer's private key).
    #[must_use]
    pub fn secret_key_len(self) -> usize {
        match self {
            Self::Signature(a) => a.secret_key_len(),
            Self::Kem(a) => a.secret_key_len(),
        }
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

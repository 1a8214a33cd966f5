//! The parameter sets (draft §7): the six algorithms with their OIDs, labels and sizes, checked
//! against the component sizes at compile time, and the module's constants.

use super::{CompositeParams, EcdsaP256, EcdsaP384, Ed25519, PreHash, PreHasher, SigningKey};
use super::{VerifyingKey, sealed};
use crate::primitives::ml_dsa;

/// The fixed prefix of every message representative (draft §2.2): the 32 ASCII bytes
/// `CompositeAlgorithmSignatures2025`.
pub const PREFIX: &[u8; 32] = b"CompositeAlgorithmSignatures2025";

/// Length of the root seed of [`SigningKey::from_root_seed`].
pub const ROOT_SEED_LEN: usize = 32;

/// Length of the ML-DSA component of the private key (the seed ξ).
pub const MLDSA_SEED_LEN: usize = ml_dsa::SEED_LEN;

/// The domain-separation string of [`SigningKey::from_root_seed`].
pub const KEYGEN_DOMAIN: &[u8; 32] = b"pqhybrid/v1/composite-sig/keygen";

/// The longest label of the supported algorithms is 33 bytes; M' buffers allow 64.
const MAX_LABEL_LEN: usize = 64;
/// The longest pre-hash output (SHA-512).
const MAX_PH_LEN: usize = 64;
/// The longest message representative: prefix, label, len(ctx), ctx, PH(M).
pub(super) const MAX_M_PRIME_LEN: usize =
    PREFIX.len() + MAX_LABEL_LEN + 1 + crate::MAX_CONTEXT_LEN + MAX_PH_LEN;
/// The longest traditional signature (ECDSA P-384, DER, both integers 49 bytes).
pub(super) const MAX_TRAD_SIG_LEN: usize = 104;
/// How many XOF blocks ECDSA key derivation tries before giving up.
pub(super) const ECDSA_DERIVE_TRIES: usize = 256;

macro_rules! composite {
    (
        $marker:ident, $name:literal, $oid:literal, $mldsa:ty, $trad:ty, $hash:ty,
        $pk_len:literal, $sk_len:literal, $sig_len:literal,
        $sk_alias:ident, $vk_alias:ident, $ph_alias:ident
    ) => {
        #[doc = concat!("Composite ", $name, " (draft-ietf-lamps-pq-composite-sigs-19, OID ", $oid, "): ")]
        #[doc = concat!("public key ", $pk_len, " bytes, private key ", $sk_len, " bytes, signature at most ", $sig_len, " bytes.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $marker;

        impl sealed::Sealed for $marker {}
        impl CompositeParams for $marker {
            type MlDsa = $mldsa;
            type Trad = $trad;
            type Hash = $hash;
            type PublicKeyBytes = [u8; $pk_len];
            type SecretKeyBytes = [u8; $sk_len];
            const NAME: &'static str = $name;
            const OID: &'static str = $oid;
            const LABEL: &'static [u8] = concat!("COMPSIG-", $name).as_bytes();
            fn zero_pk() -> Self::PublicKeyBytes {
                [0u8; $pk_len]
            }
            fn zero_sk() -> Self::SecretKeyBytes {
                [0u8; $sk_len]
            }
        }

        // The array types and the published sizes agree with the component sizes.
        const _: () = {
            assert!(<$marker as CompositeParams>::PUBLIC_KEY_LEN == $pk_len);
            assert!(<$marker as CompositeParams>::SECRET_KEY_LEN == $sk_len);
            assert!(<$marker as CompositeParams>::MAX_SIGNATURE_LEN == $sig_len);
            assert!(<$marker as CompositeParams>::LABEL.len() <= MAX_LABEL_LEN);
            assert!(<$hash as PreHash>::OUTPUT_LEN <= MAX_PH_LEN);
        };

        #[doc = concat!("Composite ", $name, " signing key.")]
        pub type $sk_alias = SigningKey<$marker>;
        #[doc = concat!("Composite ", $name, " verifying key.")]
        pub type $vk_alias = VerifyingKey<$marker>;
        #[doc = concat!("Composite ", $name, " streaming pre-hasher.")]
        pub type $ph_alias = PreHasher<$marker>;
    };
}

composite!(
    MlDsa44Ed25519Sha512,
    "MLDSA44-Ed25519-SHA512",
    "1.3.6.1.5.5.7.6.39",
    ml_dsa::MlDsa44,
    Ed25519,
    sha2::Sha512,
    1344,
    64,
    2484,
    MlDsa44Ed25519Sha512SigningKey,
    MlDsa44Ed25519Sha512VerifyingKey,
    MlDsa44Ed25519Sha512PreHasher
);
composite!(
    MlDsa44EcdsaP256Sha256,
    "MLDSA44-ECDSA-P256-SHA256",
    "1.3.6.1.5.5.7.6.40",
    ml_dsa::MlDsa44,
    EcdsaP256,
    sha2::Sha256,
    1377,
    83,
    2492,
    MlDsa44EcdsaP256Sha256SigningKey,
    MlDsa44EcdsaP256Sha256VerifyingKey,
    MlDsa44EcdsaP256Sha256PreHasher
);
composite!(
    MlDsa65Ed25519Sha512,
    "MLDSA65-Ed25519-SHA512",
    "1.3.6.1.5.5.7.6.48",
    ml_dsa::MlDsa65,
    Ed25519,
    sha2::Sha512,
    1984,
    64,
    3373,
    MlDsa65Ed25519Sha512SigningKey,
    MlDsa65Ed25519Sha512VerifyingKey,
    MlDsa65Ed25519Sha512PreHasher
);
composite!(
    MlDsa65EcdsaP256Sha512,
    "MLDSA65-ECDSA-P256-SHA512",
    "1.3.6.1.5.5.7.6.45",
    ml_dsa::MlDsa65,
    EcdsaP256,
    sha2::Sha512,
    2017,
    83,
    3381,
    MlDsa65EcdsaP256Sha512SigningKey,
    MlDsa65EcdsaP256Sha512VerifyingKey,
    MlDsa65EcdsaP256Sha512PreHasher
);
composite!(
    MlDsa65EcdsaP384Sha512,
    "MLDSA65-ECDSA-P384-SHA512",
    "1.3.6.1.5.5.7.6.46",
    ml_dsa::MlDsa65,
    EcdsaP384,
    sha2::Sha512,
    2049,
    96,
    3413,
    MlDsa65EcdsaP384Sha512SigningKey,
    MlDsa65EcdsaP384Sha512VerifyingKey,
    MlDsa65EcdsaP384Sha512PreHasher
);
composite!(
    MlDsa87EcdsaP384Sha512,
    "MLDSA87-ECDSA-P384-SHA512",
    "1.3.6.1.5.5.7.6.49",
    ml_dsa::MlDsa87,
    EcdsaP384,
    sha2::Sha512,
    2689,
    96,
    4731,
    MlDsa87EcdsaP384Sha512SigningKey,
    MlDsa87EcdsaP384Sha512VerifyingKey,
    MlDsa87EcdsaP384Sha512PreHasher
);

/// The largest composite public key (MLDSA87-ECDSA-P384-SHA512).
pub const MAX_PUBLIC_KEY_LEN: usize = 2689;
/// The largest composite private key (the ECDSA P-384 composites).
pub const MAX_SECRET_KEY_LEN: usize = 96;
/// The largest composite signature (MLDSA87-ECDSA-P384-SHA512).
pub const MAX_SIGNATURE_LEN: usize = 4731;

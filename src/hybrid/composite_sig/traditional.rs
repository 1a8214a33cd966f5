//! The traditional halves of the composites (draft §4.2, §5): Ed25519 (RFC 8032) and ECDSA
//! over P-256 and P-384 (FIPS 186-5, RFC 6979, DER signatures), with their key encodings and
//! the key derivation from the root-seed XOF.

use shake::digest::XofReader;
use subtle::ConstantTimeEq;

use super::der_sig::{der_decode_sig, der_encode_sig};
use super::params::ECDSA_DERIVE_TRIES;
use super::sealed;
use crate::error::{Error, Field, Result, out_buf};
use crate::primitives::ec_private_key::{self, Accept, Curve};
use crate::primitives::{ecdsa, ed25519};
use crate::secret::Secret;

/// The traditional component of a composite algorithm (Ed25519, ECDSA P-256, ECDSA P-384).
/// Sealed; the methods are internal.
pub trait Traditional: sealed::Sealed {
    /// The component's name.
    const NAME: &'static str;
    /// Public-key length (Ed25519: 32; ECDSA: uncompressed SEC1 point).
    const PUBLIC_KEY_LEN: usize;
    /// Private-key length in the draft encoding (Ed25519: 32; ECDSA: RFC 5915 `ECPrivateKey`).
    const SECRET_KEY_LEN: usize;
    /// Shortest signature (Ed25519: 64; ECDSA: the shortest DER, 8 bytes).
    const MIN_SIGNATURE_LEN: usize;
    /// Longest signature (Ed25519: 64; ECDSA: DER with both integers at full length plus a
    /// sign byte).
    const MAX_SIGNATURE_LEN: usize;
    /// The signing key.
    #[doc(hidden)]
    type SigningKey: Clone + ConstantTimeEq;
    /// The verifying key.
    #[doc(hidden)]
    type VerifyingKey: Clone + PartialEq;
    /// Decodes the draft private-key encoding (`bytes` has exactly `SECRET_KEY_LEN` bytes).
    #[doc(hidden)]
    fn decode_sk(bytes: &[u8]) -> Result<Self::SigningKey>;
    /// Encodes the private key into `out` (exactly `SECRET_KEY_LEN` bytes).
    #[doc(hidden)]
    fn encode_sk(sk: &Self::SigningKey, out: &mut [u8]);
    /// Derives a key from the key-derivation XOF (module documentation).
    #[doc(hidden)]
    fn derive_sk<X: XofReader>(xof: &mut X) -> Result<Self::SigningKey>;
    /// The public key.
    #[doc(hidden)]
    fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey;
    /// Decodes a public key (`bytes` has exactly `PUBLIC_KEY_LEN` bytes).
    #[doc(hidden)]
    fn decode_vk(bytes: &[u8]) -> Result<Self::VerifyingKey>;
    /// Encodes the public key into `out` (exactly `PUBLIC_KEY_LEN` bytes).
    #[doc(hidden)]
    fn encode_vk(vk: &Self::VerifyingKey, out: &mut [u8]);
    /// Signs `m_prime` into `out` (at least `MAX_SIGNATURE_LEN` bytes); returns the length.
    #[doc(hidden)]
    fn sign(sk: &Self::SigningKey, m_prime: &[u8], out: &mut [u8]) -> Result<usize>;
    /// Verifies `sig` over `m_prime`.
    #[doc(hidden)]
    fn verify(vk: &Self::VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()>;
    /// Whether `sig` is in the one form this library signs in: always for Ed25519 (RFC 8032
    /// verification already rejects a non-canonical `S`); for ECDSA, strict DER with `s ≤ n/2`.
    #[doc(hidden)]
    fn is_canonical(sig: &[u8]) -> bool;
}

/// Marker for the Ed25519 component (RFC 8032, pure, strict verification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519;

impl sealed::Sealed for Ed25519 {}
impl Traditional for Ed25519 {
    const NAME: &'static str = "Ed25519";
    const PUBLIC_KEY_LEN: usize = ed25519::PUBLIC_KEY_LEN;
    const SECRET_KEY_LEN: usize = ed25519::SEED_LEN;
    const MIN_SIGNATURE_LEN: usize = ed25519::SIGNATURE_LEN;
    const MAX_SIGNATURE_LEN: usize = ed25519::SIGNATURE_LEN;
    type SigningKey = ed25519::SigningKey;
    type VerifyingKey = ed25519::VerifyingKey;

    fn decode_sk(bytes: &[u8]) -> Result<Self::SigningKey> {
        ed25519::SigningKey::from_seed_slice(bytes).map_err(|_| Error::InvalidLength {
            field: Field::SecretKey,
            expected: ed25519::SEED_LEN,
            actual: bytes.len(),
        })
    }
    fn encode_sk(sk: &Self::SigningKey, out: &mut [u8]) {
        out.copy_from_slice(sk.seed());
    }
    fn derive_sk<X: XofReader>(xof: &mut X) -> Result<Self::SigningKey> {
        let mut seed = Secret::<{ ed25519::SEED_LEN }>::zero();
        xof.read(seed.as_mut());
        Ok(ed25519::SigningKey::from_seed(seed.as_bytes()))
    }
    fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey {
        sk.verifying_key()
    }
    fn decode_vk(bytes: &[u8]) -> Result<Self::VerifyingKey> {
        ed25519::VerifyingKey::from_bytes(bytes)
    }
    fn encode_vk(vk: &Self::VerifyingKey, out: &mut [u8]) {
        out.copy_from_slice(&vk.to_bytes());
    }
    fn sign(sk: &Self::SigningKey, m_prime: &[u8], out: &mut [u8]) -> Result<usize> {
        let sig = sk.sign(m_prime);
        out_buf(Field::Signature, out, sig.len())?.copy_from_slice(&sig);
        Ok(sig.len())
    }
    fn verify(vk: &Self::VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()> {
        vk.verify(m_prime, sig)
    }
    fn is_canonical(_sig: &[u8]) -> bool {
        true
    }
}

/// ECDSA components: the `Traditional` implementation is the same for both curves up to the
/// primitive module, the field length and the curve of the RFC 5915 template.
macro_rules! ecdsa_component {
    ($marker:ident, $name:literal, $m:ident, $fl:expr, $curve:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $marker;

        impl $marker {
            /// The curve of the RFC 5915 `ECPrivateKey` (draft §5.2): version 1, the scalar,
            /// `[0]` parameters the named-curve OID, no public key.
            const CURVE: Curve = $curve;
        }

        const _: () = assert!($marker::CURVE.scalar_len() == $fl);

        impl sealed::Sealed for $marker {}
        impl Traditional for $marker {
            const NAME: &'static str = $name;
            const PUBLIC_KEY_LEN: usize = ecdsa::$m::PUBLIC_KEY_LEN;
            const SECRET_KEY_LEN: usize = Self::CURVE.encoded_len();
            const MIN_SIGNATURE_LEN: usize = 8;
            const MAX_SIGNATURE_LEN: usize = 2 * $fl + 8;
            type SigningKey = ecdsa::$m::SigningKey;
            type VerifyingKey = ecdsa::$m::VerifyingKey;

            fn decode_sk(bytes: &[u8]) -> Result<Self::SigningKey> {
                let scalar = ec_private_key::decode(Self::CURVE, bytes, Accept::Canonical)?;
                ecdsa::$m::SigningKey::from_bytes(scalar)
            }
            fn encode_sk(sk: &Self::SigningKey, out: &mut [u8]) {
                let scalar = sk.to_bytes();
                ec_private_key::write(Self::CURVE, scalar.as_bytes(), out);
            }
            fn derive_sk<X: XofReader>(xof: &mut X) -> Result<Self::SigningKey> {
                let mut d = Secret::<{ $fl }>::zero();
                for _ in 0..ECDSA_DERIVE_TRIES {
                    xof.read(d.as_mut());
                    if let Ok(sk) = ecdsa::$m::SigningKey::from_bytes(d.as_bytes()) {
                        return Ok(sk);
                    }
                }
                Err(Error::InvalidKey { field: Field::Seed })
            }
            fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey {
                sk.verifying_key()
            }
            fn decode_vk(bytes: &[u8]) -> Result<Self::VerifyingKey> {
                // Only the uncompressed form is a composite component key.
                if bytes.first() != Some(&0x04) {
                    return Err(Error::MalformedEncoding {
                        field: Field::PublicKey,
                    });
                }
                ecdsa::$m::VerifyingKey::from_sec1(bytes)
            }
            fn encode_vk(vk: &Self::VerifyingKey, out: &mut [u8]) {
                out.copy_from_slice(&vk.to_bytes());
            }
            fn sign(sk: &Self::SigningKey, m_prime: &[u8], out: &mut [u8]) -> Result<usize> {
                // Low-s: the signature is not malleable (s and n − s would both verify).
                let fixed = sk.sign_low_s(m_prime)?;
                der_encode_sig(&fixed, $fl, out)
            }
            fn is_canonical(sig: &[u8]) -> bool {
                let mut fixed = [0u8; 2 * $fl];
                der_decode_sig(sig, $fl, &mut fixed).is_ok() && ecdsa::$m::is_low_s(&fixed)
            }
            fn verify(vk: &Self::VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()> {
                let mut fixed = [0u8; 2 * $fl];
                der_decode_sig(sig, $fl, &mut fixed)?;
                vk.verify(m_prime, &fixed)
            }
        }
    };
}

ecdsa_component!(
    EcdsaP256,
    "ECDSA-P256-SHA256",
    p256,
    32,
    Curve::P256,
    "Marker for the ECDSA P-256 component (ecdsa-with-SHA256, RFC 6979, DER signatures)."
);
ecdsa_component!(
    EcdsaP384,
    "ECDSA-P384-SHA384",
    p384,
    48,
    Curve::P384,
    "Marker for the ECDSA P-384 component (ecdsa-with-SHA384, RFC 6979, DER signatures)."
);

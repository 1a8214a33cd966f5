//! [`key_id`]: the id of an HPKE recipient key, the KEM counterpart of the firmware key id
//! ([`crate::firmware::key_id`]).
//!
//! `SHA-256("pqhybrid/v1/kem-key-id" ‖ u16le(kem_id(alg)) ‖ pk)`: the domain string
//! ([`KEY_ID_DOMAIN`]), the KEM's HPKE identifier ([`kem_id`]) as two little-endian bytes, and
//! the raw public key ([`KemAlgorithm::public_key_len`] bytes, the form SubjectPublicKeyInfo
//! carries). The domain differs from the firmware key id's, so a KEM key and a signature key
//! never share an id; the HPKE identifier binds the id to the KEM, so the same bytes read as
//! another KEM's key have another id.

use sha2::Digest as _;

use crate::agile::KemAlgorithm;
use crate::error::{Error, Field, Result, check_len};

use super::kem_id;

/// The domain-separation prefix of [`key_id`] (ASCII, no terminator).
pub const KEY_ID_DOMAIN: &[u8; 22] = b"pqhybrid/v1/kem-key-id";

/// The key id of the KEM public key `pk` of `alg`:
/// `SHA-256("pqhybrid/v1/kem-key-id" ‖ u16le(kem_id(alg)) ‖ pk)`.
///
/// The public key is hashed as given; it is not parsed or validated beyond its length.
///
/// ```
/// use pqhybrid::KemAlgorithm;
/// # fn main() -> pqhybrid::Result<()> {
/// let alg = KemAlgorithm::XWing;
/// let (mut pk, mut sk) = ([0u8; 1216], [0u8; 32]);
/// alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
/// let id: [u8; 32] = pqhybrid::hpke::key_id(alg, &pk)?;
/// assert_ne!(id, pqhybrid::hpke::key_id(KemAlgorithm::MlKem512, &[0u8; 800])?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::UnsupportedSuite`] for a KEM without an HPKE code point
/// (MLKEM768-X25519-SHA3-256), [`Error::InvalidLength`] if `pk` does not have the KEM's
/// public-key length.
pub fn key_id(alg: KemAlgorithm, pk: &[u8]) -> Result<[u8; 32]> {
    let id = kem_id(alg).ok_or(Error::UnsupportedSuite)?;
    check_len(Field::PublicKey, alg.public_key_len(), pk.len())?;
    let mut h = sha2::Sha256::new();
    h.update(KEY_ID_DOMAIN);
    h.update(id.to_le_bytes());
    h.update(pk);
    Ok(h.finalize().into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;

    fn unhex(text: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            *o = u8::from_str_radix(core::str::from_utf8(pair).unwrap(), 16).unwrap();
        }
        out
    }

    /// Known answers computed independently (Python's hashlib over the same concatenation),
    /// with public keys of 0x42 bytes (the id does not parse the key).
    #[test]
    fn known_answers() {
        let pk = [0x42u8; 1216];
        assert_eq!(
            key_id(KemAlgorithm::MlKem512, &pk[..800]),
            Ok(unhex(
                "95cc43232ffc6352ce95a24a28b1e44d3f47ca904b48b99934c65e7d24200b11"
            ))
        );
        assert_eq!(
            key_id(KemAlgorithm::XWing, &pk),
            Ok(unhex(
                "db9617640e7d165a3ecb41dc7fcc3a31e608401630cd6485a2886e11f50d41b3"
            ))
        );
    }

    #[test]
    fn every_hpke_kem_has_its_own_id() {
        let (mut seen, mut n) = ([[0u8; 32]; KemAlgorithm::ALL.len()], 0);
        let all = [0x42u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
        for alg in KemAlgorithm::ALL {
            let pk = &all[..alg.public_key_len()];
            match kem_id(alg) {
                Some(code) => {
                    let id = key_id(alg, pk).unwrap();
                    let mut h = sha2::Sha256::new();
                    h.update(b"pqhybrid/v1/kem-key-id");
                    h.update(code.to_le_bytes());
                    h.update(pk);
                    assert_eq!(id, <[u8; 32]>::from(h.finalize()), "{}", alg.name());
                    assert!(!seen[..n].contains(&id), "{}: duplicate id", alg.name());
                    seen[n] = id;
                    n += 1;
                    // One byte less is a length error, not another id.
                    assert_eq!(
                        key_id(alg, &pk[1..]),
                        Err(Error::InvalidLength {
                            field: Field::PublicKey,
                            expected: pk.len(),
                            actual: pk.len() - 1,
                        })
                    );
                }
                None => assert_eq!(key_id(alg, pk), Err(Error::UnsupportedSuite)),
            }
        }
        assert_eq!(n, 6);
    }
}

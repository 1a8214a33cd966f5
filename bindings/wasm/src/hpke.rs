//! HPKE (RFC 9180, Base mode, draft-ietf-hpke-pq code points) over the crate's agile
//! `pqhybrid::hpke::Suite`: `hpkeSeal`, `hpkeOpen`, `kemKeyId`, `hpkeAlgorithms`.
//!
//! A suite is three names: a KEM with an HPKE code point (`HpkeKemName`), a KDF
//! (`HpkeKdfName`) and an AEAD (`HpkeAeadName`), case-insensitive. The sealed box is
//! `enc ‖ ct ‖ tag`, as the core writes it; the CLI's seal file (`docs/hpke.md`, "pqhybrid seal
//! file") holds one after its header. An unknown KEM name throws `UnknownAlgorithm` (as every
//! KEM function does); a KEM without a code point (MLKEM768-X25519-SHA3-256), or a KDF or AEAD
//! name that is not offered, throws `UnsupportedSuite`.
//!
//! The names are resolved here for the other modules too ([`suite_of`]); the exports are the
//! crate feature `hpke` (on by default, see Cargo.toml).
// Without the `hpke` feature only the suite parsing used by the firmware functions is
// compiled in, and nothing uses it.
#![cfg_attr(not(feature = "hpke"), allow(dead_code))]

use pqhybrid::hpke::{Aead, Kdf, Suite};
use wasm_bindgen::prelude::*;

use crate::util::{js_error, kem_alg};

fn unsupported(message: &str) -> JsValue {
    js_error("UnsupportedSuite", message)
}

fn kdf_of(name: &str) -> Result<Kdf, JsValue> {
    Kdf::from_name(name).ok_or_else(|| {
        unsupported(&format!(
            "HPKE KDF {name:?} not offered (see hpkeAlgorithms().kdfs)"
        ))
    })
}

fn aead_of(name: &str) -> Result<Aead, JsValue> {
    Aead::from_name(name).ok_or_else(|| {
        unsupported(&format!(
            "HPKE AEAD {name:?} not offered (see hpkeAlgorithms().aeads)"
        ))
    })
}

/// The suite of three names.
pub(crate) fn suite_of(kem: &str, kdf: &str, aead: &str) -> Result<Suite, JsValue> {
    let kem = kem_alg(kem)?;
    let (kdf, aead) = (kdf_of(kdf)?, aead_of(aead)?);
    Suite::new(kem, kdf, aead).map_err(|_| {
        unsupported(&format!(
            "{} has no HPKE KEM id (X-Wing is the HPKE KEM for ML-KEM-768 with X25519; see \
             hpkeAlgorithms().kems)",
            kem.name()
        ))
    })
}

/// The JavaScript functions (feature `hpke`).
#[cfg(feature = "hpke")]
mod exports {
    use pqhybrid::agile::DecapsulationKey;
    use pqhybrid::hpke::{self, Aead, Kdf};
    use pqhybrid::rng::OsRng;
    use pqhybrid::{Error, Field, KemAlgorithm};
    use wasm_bindgen::prelude::*;
    use zeroize::Zeroizing;

    use super::suite_of;
    use crate::util::{JsResult, Obj, err, kem_alg, str_array};

    fn bytes(v: &Option<Vec<u8>>) -> &[u8] {
        v.as_deref().unwrap_or(&[])
    }

    /// The names `hpkeSeal` and `hpkeOpen` take: `{kems, kdfs, aeads}`.
    #[wasm_bindgen(js_name = hpkeAlgorithms, unchecked_return_type = "HpkeAlgorithms")]
    pub fn hpke_algorithms() -> JsValue {
        let kems = KemAlgorithm::ALL
            .into_iter()
            .filter(|k| hpke::kem_id(*k).is_some())
            .map(KemAlgorithm::name);
        Obj::new()
            .with("kems", str_array(kems))
            .with("kdfs", str_array(Kdf::ALL.into_iter().map(Kdf::name)))
            .with("aeads", str_array(Aead::ALL.into_iter().map(Aead::name)))
            .into_js()
    }

    /// Seals `plaintext` to `publicKey` (HPKE `SealBase`, fresh randomness from
    /// `crypto.getRandomValues`): the sealed box `enc ‖ ct ‖ tag`. `info` and `aad` default to
    /// empty; `hpkeOpen` needs the same ones.
    #[wasm_bindgen(js_name = hpkeSeal)]
    pub fn hpke_seal(
        kem: &str,
        kdf: &str,
        aead: &str,
        public_key: &[u8],
        info: Option<Vec<u8>>,
        aad: Option<Vec<u8>>,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, JsValue> {
        let suite = suite_of(kem, kdf, aead)?;
        // The length first, as `EncapsulationKey.fromBytes` checks it (the suite reports a key
        // of the wrong length as one that fails validation).
        let expected = suite.kem().public_key_len();
        if public_key.len() != expected {
            return Err(err(Error::InvalidLength {
                field: Field::PublicKey,
                expected,
                actual: public_key.len(),
            }));
        }
        let mut out = vec![0u8; suite.sealed_len(plaintext.len())];
        let len = suite
            .seal(
                public_key,
                bytes(&info),
                bytes(&aad),
                plaintext,
                &mut out,
                &mut OsRng::default(),
            )
            .js()?;
        out.truncate(len);
        Ok(out)
    }

    /// Opens a sealed box `enc ‖ ct ‖ tag` with the (canonical, seed-form) `secretKey` (HPKE
    /// `OpenBase`): the plaintext. Throws `AuthenticationFailed` for a wrong key, `info` or `aad`
    /// or a modified box.
    #[wasm_bindgen(js_name = hpkeOpen)]
    pub fn hpke_open(
        kem: &str,
        kdf: &str,
        aead: &str,
        secret_key: &[u8],
        info: Option<Vec<u8>>,
        aad: Option<Vec<u8>>,
        sealed: &[u8],
    ) -> Result<Vec<u8>, JsValue> {
        let suite = suite_of(kem, kdf, aead)?;
        let key = DecapsulationKey::new(suite.kem(), secret_key).js()?;
        let mut out = Zeroizing::new(vec![0u8; sealed.len().saturating_sub(suite.sealed_len(0))]);
        let len = suite
            .open(&key, bytes(&info), bytes(&aad), sealed, &mut out)
            .js()?;
        Ok(out.get(..len).unwrap_or_default().to_vec())
    }

    /// The KEM key id of a public key: `SHA-256("pqhybrid/v1/kem-key-id" ‖ u16le(HPKE KEM id) ‖
    /// pk)` (32 bytes), as `pqhybrid keygen`, `pubkey` and `keyid` print it for a KEM key.
    #[wasm_bindgen(js_name = kemKeyId)]
    pub fn kem_key_id(kem: &str, public_key: &[u8]) -> Result<Vec<u8>, JsValue> {
        Ok(hpke::key_id(kem_alg(kem)?, public_key).js()?.to_vec())
    }
}

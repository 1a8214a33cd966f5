//! SubjectPublicKeyInfo / PKCS#8 in DER and PEM.

use pqhybrid::encoding::{self as enc, Algorithm};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::util::{AnyAlg, JsResult, Obj, any_alg};

fn algorithm(name: &str) -> Result<Algorithm, JsValue> {
    Ok(match any_alg(name)? {
        AnyAlg::Sig(a) => a.into(),
        AnyAlg::Kem(k) => k.into(),
    })
}

fn kind(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Signature(_) => "signature",
        Algorithm::Kem(_) => "kem",
    }
}

pub(crate) fn encode_public(alg: Algorithm, pk: &[u8]) -> Result<Vec<u8>, JsValue> {
    let mut out = vec![0u8; enc::public_key_der_len(alg)];
    let n = enc::encode_public_key(alg, pk, &mut out).js()?;
    out.truncate(n);
    Ok(out)
}

pub(crate) fn encode_private(alg: Algorithm, sk: &[u8]) -> Result<Vec<u8>, JsValue> {
    let mut out = Zeroizing::new(vec![0u8; enc::private_key_der_len(alg)]);
    let n = enc::encode_private_key(alg, sk, &mut out).js()?;
    Ok(out.get(..n).unwrap_or_default().to_vec())
}

pub(crate) fn decode_public(der: &[u8]) -> Result<(String, Vec<u8>), JsValue> {
    let k = enc::decode_public_key(der).js()?;
    Ok((k.algorithm.name().into(), k.key.to_vec()))
}

/// The algorithm name and canonical secret key. `_strict` is reserved.
pub(crate) fn decode_private(
    der: &[u8],
    _strict: bool,
) -> Result<(String, Zeroizing<Vec<u8>>), JsValue> {
    let mut sk = Zeroizing::new(vec![0u8; enc::MAX_DECODED_SECRET_KEY_LEN]);
    let (alg, n) = enc::decode_private_key(der, &mut sk).js()?;
    sk.truncate(n);
    Ok((alg.name().into(), sk))
}

pub(crate) fn encode_public_pem_inner(alg: Algorithm, pk: &[u8]) -> Result<String, JsValue> {
    enc::encode_public_key_pem(alg, pk).js()
}

pub(crate) fn encode_private_pem_inner(alg: Algorithm, sk: &[u8]) -> Result<String, JsValue> {
    Ok(enc::encode_private_key_pem(alg, sk).js()?.to_string())
}

pub(crate) fn decode_public_pem_inner(pem: &str) -> Result<(String, Vec<u8>), JsValue> {
    let (alg, pk) = enc::decode_public_key_pem(pem).js()?;
    Ok((alg.name().into(), pk))
}

pub(crate) fn decode_private_pem_inner(pem: &str) -> Result<(String, Zeroizing<Vec<u8>>), JsValue> {
    let mut sk = Zeroizing::new(vec![0u8; enc::MAX_DECODED_SECRET_KEY_LEN]);
    let (alg, n) = enc::decode_private_key_pem(pem, &mut sk).js()?;
    sk.truncate(n);
    Ok((alg.name().into(), sk))
}

fn public_obj(name: &str, pk: &[u8]) -> JsValue {
    let a = SignatureAlgorithm::from_name(name)
        .map(Algorithm::from)
        .or_else(|| KemAlgorithm::from_name(name).map(Algorithm::from));
    Obj::new()
        .with("algorithm", name)
        .with("kind", a.map(kind).unwrap_or("signature"))
        .bytes("publicKey", pk)
        .into_js()
}

fn private_obj(name: &str, sk: &[u8]) -> JsValue {
    let a = SignatureAlgorithm::from_name(name)
        .map(Algorithm::from)
        .or_else(|| KemAlgorithm::from_name(name).map(Algorithm::from));
    Obj::new()
        .with("algorithm", name)
        .with("kind", a.map(kind).unwrap_or("signature"))
        .bytes("secretKey", sk)
        .into_js()
}

/// A raw public key as SubjectPublicKeyInfo DER.
#[wasm_bindgen(js_name = encodePublicKeyDer)]
pub fn encode_public_key_der(algorithm_name: &str, public_key: &[u8]) -> Result<Vec<u8>, JsValue> {
    encode_public(algorithm(algorithm_name)?, public_key)
}

/// A raw public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
#[wasm_bindgen(js_name = encodePublicKeyPem)]
pub fn encode_public_key_pem(algorithm_name: &str, public_key: &[u8]) -> Result<String, JsValue> {
    encode_public_pem_inner(algorithm(algorithm_name)?, public_key)
}

/// A canonical secret key as PKCS#8 DER.
#[wasm_bindgen(js_name = encodePrivateKeyDer)]
pub fn encode_private_key_der(algorithm_name: &str, secret_key: &[u8]) -> Result<Vec<u8>, JsValue> {
    encode_private(algorithm(algorithm_name)?, secret_key)
}

/// A canonical secret key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
#[wasm_bindgen(js_name = encodePrivateKeyPem)]
pub fn encode_private_key_pem(algorithm_name: &str, secret_key: &[u8]) -> Result<String, JsValue> {
    encode_private_pem_inner(algorithm(algorithm_name)?, secret_key)
}

/// Decodes SPKI DER: `{algorithm, kind, publicKey}`.
#[wasm_bindgen(js_name = decodePublicKeyDer, unchecked_return_type = "DecodedPublicKey")]
pub fn decode_public_key_der(der: &[u8]) -> Result<JsValue, JsValue> {
    let (name, pk) = decode_public(der)?;
    Ok(public_obj(&name, &pk))
}

/// Decodes SPKI PEM: `{algorithm, kind, publicKey}`.
#[wasm_bindgen(js_name = decodePublicKeyPem, unchecked_return_type = "DecodedPublicKey")]
pub fn decode_public_key_pem(pem: &str) -> Result<JsValue, JsValue> {
    let (name, pk) = decode_public_pem_inner(pem)?;
    Ok(public_obj(&name, &pk))
}

/// Decodes PKCS#8 DER: `{algorithm, kind, secretKey}` (canonical seed form).
#[wasm_bindgen(js_name = decodePrivateKeyDer, unchecked_return_type = "DecodedPrivateKey")]
pub fn decode_private_key_der(der: &[u8]) -> Result<JsValue, JsValue> {
    let (name, sk) = decode_private(der, false)?;
    Ok(private_obj(&name, &sk))
}

/// Decodes PKCS#8 PEM: `{algorithm, kind, secretKey}`.
#[wasm_bindgen(js_name = decodePrivateKeyPem, unchecked_return_type = "DecodedPrivateKey")]
pub fn decode_private_key_pem(pem: &str) -> Result<JsValue, JsValue> {
    let (name, sk) = decode_private_pem_inner(pem)?;
    Ok(private_obj(&name, &sk))
}

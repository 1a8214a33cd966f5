//! The algorithm-agile layer: functions by algorithm name, and key classes.

use pqhybrid::rng::OsRng;
use pqhybrid::{Error, Field, KemAlgorithm, SignatureAlgorithm};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::cached::{self, Decapsulator, Encapsulator, Signer, Verifier};
use crate::encoding::{decode_private, decode_public, encode_private, encode_public};
use crate::util::{AnyAlg, JsResult, Obj, any_alg, err, invalid_arg, kem_alg, sig_alg, str_array};

type Secret = Zeroizing<Vec<u8>>;

fn ctx_of(context: &Option<Vec<u8>>) -> &[u8] {
    context.as_deref().unwrap_or(&[])
}

// ---------------------------------------------------------------------------------------------
// Lists and sizes

/// The names of every signature algorithm, in the agile layer's order.
#[wasm_bindgen(js_name = signatureAlgorithms, unchecked_return_type = "SignatureAlgorithmName[]")]
pub fn signature_algorithms() -> JsValue {
    str_array(SignatureAlgorithm::ALL.iter().map(|a| a.name()))
}

/// The names of every KEM.
#[wasm_bindgen(js_name = kemAlgorithms, unchecked_return_type = "KemAlgorithmName[]")]
pub fn kem_algorithms() -> JsValue {
    str_array(KemAlgorithm::ALL.iter().map(|a| a.name()))
}

/// The sizes and properties of an algorithm (signature or KEM), by name.
#[wasm_bindgen(unchecked_return_type = "SignatureSizes | KemSizes")]
pub fn sizes(algorithm: &str) -> Result<JsValue, JsValue> {
    Ok(match any_alg(algorithm)? {
        AnyAlg::Sig(a) => Obj::new()
            .with("algorithm", a.name())
            .with("kind", "signature")
            .with("oid", a.oid())
            .with("hybrid", a.is_hybrid())
            .with("supportsContext", a.supports_context())
            .with("publicKey", a.public_key_len() as f64)
            .with("secretKey", a.secret_key_len() as f64)
            .with("seed", a.seed_len() as f64)
            .with("signature", a.signature_len() as f64)
            .into_js(),
        AnyAlg::Kem(k) => Obj::new()
            .with("algorithm", k.name())
            .with("kind", "kem")
            .with("publicKey", k.public_key_len() as f64)
            .with("secretKey", k.secret_key_len() as f64)
            .with("seed", k.seed_len() as f64)
            .with("ciphertext", k.ciphertext_len() as f64)
            .with("sharedSecret", k.shared_secret_len() as f64)
            .with("encapsRandomness", k.encaps_randomness_len() as f64)
            .into_js(),
    })
}

// ---------------------------------------------------------------------------------------------
// Key generation

fn keypair_obj(name: &str, pk: &[u8], sk: &[u8]) -> JsValue {
    Obj::new()
        .with("algorithm", name)
        .bytes("publicKey", pk)
        .bytes("secretKey", sk)
        .into_js()
}

fn sig_keypair(a: SignatureAlgorithm, seed: Option<&[u8]>) -> Result<(Vec<u8>, Secret), JsValue> {
    let key = sig_key(a, seed)?;
    Ok((key.public_key().js()?, key.secret_bytes()))
}

/// The decoded key of a seed, or of a fresh random seed.
fn sig_key(a: SignatureAlgorithm, seed: Option<&[u8]>) -> Result<Box<dyn Signer>, JsValue> {
    match seed {
        Some(s) => cached::signer_from_seed(a, s).js(),
        None => cached::signer_from_seed(a, &cached::random_seed(a.seed_len()).js()?).js(),
    }
}

fn kem_keypair(k: KemAlgorithm, seed: Option<&[u8]>) -> Result<(Vec<u8>, Secret), JsValue> {
    let key = kem_key(k, seed)?;
    Ok((key.public_key(), key.secret_bytes().js()?))
}

fn kem_key(k: KemAlgorithm, seed: Option<&[u8]>) -> Result<Box<dyn Decapsulator>, JsValue> {
    match seed {
        Some(s) => cached::decapsulator_from_seed(k, s).js(),
        None => cached::decapsulator_from_seed(k, &cached::random_seed(k.seed_len()).js()?).js(),
    }
}

/// Derives a key pair from a seed (`sizes(alg).seed` bytes): `{algorithm, publicKey, secretKey}`.
/// Works for signature algorithms and KEMs.
#[wasm_bindgen(js_name = keypairFromSeed, unchecked_return_type = "Keypair")]
pub fn keypair_from_seed(algorithm: &str, seed: &[u8]) -> Result<JsValue, JsValue> {
    let (name, (pk, sk)) = match any_alg(algorithm)? {
        AnyAlg::Sig(a) => (a.name(), sig_keypair(a, Some(seed))?),
        AnyAlg::Kem(k) => (k.name(), kem_keypair(k, Some(seed))?),
    };
    Ok(keypair_obj(name, &pk, &sk))
}

/// Generates a key pair with `crypto.getRandomValues`: `{algorithm, publicKey, secretKey}`.
#[wasm_bindgen(js_name = generateKeypair, unchecked_return_type = "Keypair")]
pub fn generate_keypair(algorithm: &str) -> Result<JsValue, JsValue> {
    let (name, (pk, sk)) = match any_alg(algorithm)? {
        AnyAlg::Sig(a) => (a.name(), sig_keypair(a, None)?),
        AnyAlg::Kem(k) => (k.name(), kem_keypair(k, None)?),
    };
    Ok(keypair_obj(name, &pk, &sk))
}

/// The public key of a (canonical, seed-form) secret key.
#[wasm_bindgen(js_name = publicKeyFromSecret)]
pub fn public_key_from_secret(algorithm: &str, secret_key: &[u8]) -> Result<Vec<u8>, JsValue> {
    match any_alg(algorithm)? {
        AnyAlg::Sig(a) => cached::signer(a, secret_key).js()?.public_key().js(),
        AnyAlg::Kem(k) => Ok(cached::decapsulator(k, secret_key).js()?.public_key()),
    }
}

// ---------------------------------------------------------------------------------------------
// Signatures

fn do_sign(
    a: SignatureAlgorithm,
    sk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    deterministic: bool,
) -> Result<Vec<u8>, JsValue> {
    // Through the same decoded key as `SigningKey` (decoded here for this one call).
    cached::signer(a, sk)
        .js()?
        .sign(msg, ctx, !deterministic)
        .js()
}

/// Whether an error means "this signature is not valid" rather than a usage error.
fn is_bad_signature(e: &Error) -> bool {
    matches!(
        e,
        Error::VerificationFailed
            | Error::InvalidLength {
                field: Field::Signature,
                ..
            }
            | Error::MalformedEncoding {
                field: Field::Signature
            }
    )
}

fn do_verify(
    a: SignatureAlgorithm,
    pk: &[u8],
    msg: &[u8],
    sig: &[u8],
    ctx: &[u8],
) -> Result<bool, JsValue> {
    if pk.len() == a.public_key_len() {
        verify_result(cached::verifier(a, pk).verify(msg, ctx, sig))
    } else {
        verify_result(a.verify(pk, msg, ctx, sig))
    }
}

/// `Ok(true)`, `Ok(false)` for a bad signature, or the usage error.
fn verify_result(r: pqhybrid::Result<()>) -> Result<bool, JsValue> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if is_bad_signature(&e) => Ok(false),
        Err(e) => Err(err(e)),
    }
}

/// Signs `message` (hedged: fresh randomness from `crypto.getRandomValues`).
/// `context` (≤ 255 bytes) is for ML-DSA, SLH-DSA and the composites.
#[wasm_bindgen]
pub fn sign(
    algorithm: &str,
    secret_key: &[u8],
    message: &[u8],
    context: Option<Vec<u8>>,
) -> Result<Vec<u8>, JsValue> {
    do_sign(
        sig_alg(algorithm)?,
        secret_key,
        message,
        ctx_of(&context),
        false,
    )
}

/// Signs `message` deterministically (same inputs, same signature).
#[wasm_bindgen(js_name = signDeterministic)]
pub fn sign_deterministic(
    algorithm: &str,
    secret_key: &[u8],
    message: &[u8],
    context: Option<Vec<u8>>,
) -> Result<Vec<u8>, JsValue> {
    do_sign(
        sig_alg(algorithm)?,
        secret_key,
        message,
        ctx_of(&context),
        true,
    )
}

/// `true` if `signature` is valid, `false` if it is not (including a signature of the wrong
/// length or encoding). Throws for usage errors: unknown algorithm, public key of the wrong
/// length or invalid, context too long or not supported.
#[wasm_bindgen]
pub fn verify(
    algorithm: &str,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
    context: Option<Vec<u8>>,
) -> Result<bool, JsValue> {
    do_verify(
        sig_alg(algorithm)?,
        public_key,
        message,
        signature,
        ctx_of(&context),
    )
}

/// Like `verify`, but throws the precise reason (`VerificationFailed`, `InvalidLength`, …)
/// instead of returning `false`.
#[wasm_bindgen(js_name = verifyOrThrow)]
pub fn verify_or_throw(
    algorithm: &str,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
    context: Option<Vec<u8>>,
) -> Result<(), JsValue> {
    sig_alg(algorithm)?
        .verify(public_key, message, ctx_of(&context), signature)
        .js()
}

// ---------------------------------------------------------------------------------------------
// KEMs

fn encaps_obj(ct: &[u8], ss: &[u8]) -> JsValue {
    Obj::new()
        .bytes("ciphertext", ct)
        .bytes("sharedSecret", ss)
        .into_js()
}

fn do_encapsulate(
    k: KemAlgorithm,
    pk: &[u8],
    randomness: Option<&[u8]>,
) -> Result<JsValue, JsValue> {
    let mut ct = vec![0u8; k.ciphertext_len()];
    let mut ss = Zeroizing::new(vec![0u8; k.shared_secret_len()]);
    match randomness {
        None if pk.len() == k.public_key_len() => {
            let (ct, ss) = cached::encapsulator(k, pk).encapsulate().js()?;
            return Ok(encaps_obj(&ct, &ss));
        }
        None => k
            .encapsulate(pk, &mut OsRng::default(), &mut ct, &mut ss)
            .js()?,
        Some(r) => k.encapsulate_deterministic(pk, r, &mut ct, &mut ss).js()?,
    }
    Ok(encaps_obj(&ct, &ss))
}

/// Encapsulates to `publicKey`: `{ciphertext, sharedSecret}`.
#[wasm_bindgen(unchecked_return_type = "Encapsulation")]
pub fn encapsulate(algorithm: &str, public_key: &[u8]) -> Result<JsValue, JsValue> {
    do_encapsulate(kem_alg(algorithm)?, public_key, None)
}

/// Encapsulates with caller-chosen randomness (`sizes(alg).encapsRandomness` bytes), for
/// known-answer tests only: the randomness must be fresh, secret and never reused.
#[wasm_bindgen(js_name = encapsulateDeterministic, unchecked_return_type = "Encapsulation")]
pub fn encapsulate_deterministic(
    algorithm: &str,
    public_key: &[u8],
    randomness: &[u8],
) -> Result<JsValue, JsValue> {
    do_encapsulate(kem_alg(algorithm)?, public_key, Some(randomness))
}

/// Decapsulates `ciphertext` with `secretKey`: the 32-byte shared secret. (ML-KEM rejects
/// implicitly: a wrong ciphertext gives a pseudorandom secret, not an error.)
#[wasm_bindgen]
pub fn decapsulate(
    algorithm: &str,
    secret_key: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let key = cached::decapsulator(kem_alg(algorithm)?, secret_key).js()?;
    Ok(key.decapsulate(ciphertext).js()?.to_vec())
}

// ---------------------------------------------------------------------------------------------
// Key classes

/// A signature private key held in WebAssembly memory, zeroized by `free()` (or by the
/// garbage collector through a `FinalizationRegistry`). The key is decoded once, when the
/// object is made (ML-DSA and composites: the expanded key), and reused by every signature.
#[wasm_bindgen]
pub struct SigningKey {
    alg: SignatureAlgorithm,
    key: Box<dyn Signer>,
}

#[wasm_bindgen]
impl SigningKey {
    /// A fresh random key.
    pub fn generate(algorithm: &str) -> Result<SigningKey, JsValue> {
        let alg = sig_alg(algorithm)?;
        Ok(SigningKey {
            alg,
            key: sig_key(alg, None)?,
        })
    }

    /// The key derived from `seed` (`sizes(alg).seed` bytes).
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(algorithm: &str, seed: &[u8]) -> Result<SigningKey, JsValue> {
        let alg = sig_alg(algorithm)?;
        Ok(SigningKey {
            alg,
            key: sig_key(alg, Some(seed))?,
        })
    }

    /// A key from its canonical secret-key bytes (validated).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(algorithm: &str, secret_key: &[u8]) -> Result<SigningKey, JsValue> {
        Self::decode(sig_alg(algorithm)?, secret_key)
    }

    fn decode(alg: SignatureAlgorithm, secret_key: &[u8]) -> Result<SigningKey, JsValue> {
        Ok(SigningKey {
            alg,
            key: cached::signer(alg, secret_key).js()?,
        })
    }

    /// A key from PKCS#8 DER.
    #[wasm_bindgen(js_name = fromPkcs8)]
    pub fn from_pkcs8(der: &[u8]) -> Result<SigningKey, JsValue> {
        let (name, sk) = decode_private(der, false)?;
        Self::from_bytes(&name, &sk)
    }

    /// A key from PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> Result<SigningKey, JsValue> {
        let (name, sk) = crate::encoding::decode_private_pem_inner(pem)?;
        Self::from_bytes(&name, &sk)
    }

    /// The algorithm name.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.alg.name().into()
    }

    /// The public key.
    #[wasm_bindgen(js_name = verifyingKey)]
    pub fn verifying_key(&self) -> Result<VerifyingKey, JsValue> {
        let pk = self.key.public_key().js()?;
        VerifyingKey::decode(self.alg, pk)
    }

    /// Signs (hedged).
    pub fn sign(&self, message: &[u8], context: Option<Vec<u8>>) -> Result<Vec<u8>, JsValue> {
        self.key.sign(message, ctx_of(&context), true).js()
    }

    /// Signs deterministically.
    #[wasm_bindgen(js_name = signDeterministic)]
    pub fn sign_deterministic(
        &self,
        message: &[u8],
        context: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, JsValue> {
        self.key.sign(message, ctx_of(&context), false).js()
    }

    /// The canonical secret-key bytes (a copy in JavaScript memory, which cannot be zeroized).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.key.secret_bytes().to_vec()
    }

    /// PKCS#8 DER.
    #[wasm_bindgen(js_name = toPkcs8)]
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, JsValue> {
        encode_private(self.alg.into(), &self.key.secret_bytes())
    }

    /// PKCS#8 PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> Result<String, JsValue> {
        crate::encoding::encode_private_pem_inner(self.alg.into(), &self.key.secret_bytes())
    }
}

/// A signature public key.
#[wasm_bindgen]
pub struct VerifyingKey {
    alg: SignatureAlgorithm,
    pk: Vec<u8>,
    key: Box<dyn Verifier>,
}

#[wasm_bindgen]
impl VerifyingKey {
    /// A key from its raw bytes (length-checked; contents are checked when it is used).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(algorithm: &str, public_key: &[u8]) -> Result<VerifyingKey, JsValue> {
        let alg = sig_alg(algorithm)?;
        if public_key.len() != alg.public_key_len() {
            return Err(err(Error::InvalidLength {
                field: Field::PublicKey,
                expected: alg.public_key_len(),
                actual: public_key.len(),
            }));
        }
        Self::decode(alg, public_key.to_vec())
    }

    /// Decodes once (ML-DSA and composites); `pk` has the right length.
    fn decode(alg: SignatureAlgorithm, pk: Vec<u8>) -> Result<VerifyingKey, JsValue> {
        let key = cached::verifier(alg, &pk);
        Ok(VerifyingKey { alg, pk, key })
    }

    /// A key from SubjectPublicKeyInfo DER.
    #[wasm_bindgen(js_name = fromSpki)]
    pub fn from_spki(der: &[u8]) -> Result<VerifyingKey, JsValue> {
        let (name, pk) = decode_public(der)?;
        Self::from_bytes(&name, &pk).map_err(|_| not_kind("a signature"))
    }

    /// A key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> Result<VerifyingKey, JsValue> {
        let (name, pk) = crate::encoding::decode_public_pem_inner(pem)?;
        Self::from_bytes(&name, &pk).map_err(|_| not_kind("a signature"))
    }

    /// The algorithm name.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.alg.name().into()
    }

    /// `true` if valid, `false` if not (see the function `verify`).
    pub fn verify(
        &self,
        message: &[u8],
        signature: &[u8],
        context: Option<Vec<u8>>,
    ) -> Result<bool, JsValue> {
        verify_result(self.key.verify(message, ctx_of(&context), signature))
    }

    /// The firmware key id (32 bytes) of this key.
    #[wasm_bindgen(js_name = keyId)]
    pub fn key_id(&self) -> Result<Vec<u8>, JsValue> {
        Ok(pqhybrid::firmware::key_id(self.alg, &self.pk)
            .js()?
            .0
            .to_vec())
    }

    /// The raw public key.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.pk.clone()
    }

    /// SubjectPublicKeyInfo DER.
    #[wasm_bindgen(js_name = toSpki)]
    pub fn to_spki(&self) -> Result<Vec<u8>, JsValue> {
        encode_public(self.alg.into(), &self.pk)
    }

    /// SPKI PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> Result<String, JsValue> {
        crate::encoding::encode_public_pem_inner(self.alg.into(), &self.pk)
    }
}

fn not_kind(kind: &str) -> JsValue {
    invalid_arg(&format!("the encoded key is not {kind} key"))
}

/// A KEM private key held in WebAssembly memory, zeroized by `free()`. The key is decoded once
/// (ML-KEM, X-Wing and the composites: the expanded key) and reused by every decapsulation.
#[wasm_bindgen]
pub struct DecapsulationKey {
    alg: KemAlgorithm,
    key: Box<dyn Decapsulator>,
}

#[wasm_bindgen]
impl DecapsulationKey {
    /// A fresh random key.
    pub fn generate(algorithm: &str) -> Result<DecapsulationKey, JsValue> {
        let alg = kem_alg(algorithm)?;
        Ok(DecapsulationKey {
            alg,
            key: kem_key(alg, None)?,
        })
    }

    /// The key derived from `seed`.
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(algorithm: &str, seed: &[u8]) -> Result<DecapsulationKey, JsValue> {
        let alg = kem_alg(algorithm)?;
        Ok(DecapsulationKey {
            alg,
            key: kem_key(alg, Some(seed))?,
        })
    }

    /// A key from its canonical secret-key bytes (validated).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(algorithm: &str, secret_key: &[u8]) -> Result<DecapsulationKey, JsValue> {
        Self::decode(kem_alg(algorithm)?, secret_key)
    }

    fn decode(alg: KemAlgorithm, secret_key: &[u8]) -> Result<DecapsulationKey, JsValue> {
        Ok(DecapsulationKey {
            alg,
            key: cached::decapsulator(alg, secret_key).js()?,
        })
    }

    /// A key from PKCS#8 DER.
    #[wasm_bindgen(js_name = fromPkcs8)]
    pub fn from_pkcs8(der: &[u8]) -> Result<DecapsulationKey, JsValue> {
        let (name, sk) = decode_private(der, false)?;
        let alg = KemAlgorithm::from_name(&name).ok_or_else(|| not_kind("a KEM"))?;
        Self::decode(alg, &sk)
    }

    /// A key from PKCS#8 PEM.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> Result<DecapsulationKey, JsValue> {
        let (name, sk) = crate::encoding::decode_private_pem_inner(pem)?;
        let alg = KemAlgorithm::from_name(&name).ok_or_else(|| not_kind("a KEM"))?;
        Self::decode(alg, &sk)
    }

    /// The algorithm name.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.alg.name().into()
    }

    /// The public (encapsulation) key.
    #[wasm_bindgen(js_name = encapsulationKey)]
    pub fn encapsulation_key(&self) -> EncapsulationKey {
        EncapsulationKey::decode(self.alg, self.key.public_key())
    }

    /// Decapsulates: the 32-byte shared secret.
    pub fn decapsulate(&self, ciphertext: &[u8]) -> Result<Vec<u8>, JsValue> {
        Ok(self.key.decapsulate(ciphertext).js()?.to_vec())
    }

    /// The canonical secret-key bytes (a copy in JavaScript memory).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Result<Vec<u8>, JsValue> {
        Ok(self.key.secret_bytes().js()?.to_vec())
    }

    /// PKCS#8 DER.
    #[wasm_bindgen(js_name = toPkcs8)]
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, JsValue> {
        encode_private(self.alg.into(), &self.key.secret_bytes().js()?)
    }

    /// PKCS#8 PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> Result<String, JsValue> {
        crate::encoding::encode_private_pem_inner(self.alg.into(), &self.key.secret_bytes().js()?)
    }
}

/// A KEM public key.
#[wasm_bindgen]
pub struct EncapsulationKey {
    alg: KemAlgorithm,
    pk: Vec<u8>,
    key: Box<dyn Encapsulator>,
}

#[wasm_bindgen]
impl EncapsulationKey {
    /// A key from its raw bytes (length-checked; validated when used).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(algorithm: &str, public_key: &[u8]) -> Result<EncapsulationKey, JsValue> {
        let alg = kem_alg(algorithm)?;
        if public_key.len() != alg.public_key_len() {
            return Err(err(Error::InvalidLength {
                field: Field::PublicKey,
                expected: alg.public_key_len(),
                actual: public_key.len(),
            }));
        }
        Ok(Self::decode(alg, public_key.to_vec()))
    }

    /// Decodes once; `pk` has the right length.
    fn decode(alg: KemAlgorithm, pk: Vec<u8>) -> EncapsulationKey {
        let key = cached::encapsulator(alg, &pk);
        EncapsulationKey { alg, pk, key }
    }

    /// A key from SubjectPublicKeyInfo DER.
    #[wasm_bindgen(js_name = fromSpki)]
    pub fn from_spki(der: &[u8]) -> Result<EncapsulationKey, JsValue> {
        let (name, pk) = decode_public(der)?;
        Self::from_bytes(&name, &pk).map_err(|_| not_kind("a KEM"))
    }

    /// A key from SPKI PEM.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> Result<EncapsulationKey, JsValue> {
        let (name, pk) = crate::encoding::decode_public_pem_inner(pem)?;
        Self::from_bytes(&name, &pk).map_err(|_| not_kind("a KEM"))
    }

    /// The algorithm name.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.alg.name().into()
    }

    /// Encapsulates: `{ciphertext, sharedSecret}`.
    #[wasm_bindgen(unchecked_return_type = "Encapsulation")]
    pub fn encapsulate(&self) -> Result<JsValue, JsValue> {
        let (ct, ss) = self.key.encapsulate().js()?;
        Ok(encaps_obj(&ct, &ss))
    }

    /// The raw public key.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.pk.clone()
    }

    /// SubjectPublicKeyInfo DER.
    #[wasm_bindgen(js_name = toSpki)]
    pub fn to_spki(&self) -> Result<Vec<u8>, JsValue> {
        encode_public(self.alg.into(), &self.pk)
    }

    /// SPKI PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> Result<String, JsValue> {
        crate::encoding::encode_public_pem_inner(self.alg.into(), &self.pk)
    }
}

//! The algorithm-agile layer: functions by algorithm name, and key classes.

use pqhybrid::rng::OsRng;
use pqhybrid::{Error, Field, KemAlgorithm, SignatureAlgorithm};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

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
    let mut pk = vec![0u8; a.public_key_len()];
    let mut sk = Zeroizing::new(vec![0u8; a.secret_key_len()]);
    match seed {
        Some(s) => a.keypair_from_seed(s, &mut pk, &mut sk).js()?,
        None => a
            .generate_keypair(&mut OsRng::default(), &mut pk, &mut sk)
            .js()?,
    }
    Ok((pk, sk))
}

fn kem_keypair(k: KemAlgorithm, seed: Option<&[u8]>) -> Result<(Vec<u8>, Secret), JsValue> {
    let mut pk = vec![0u8; k.public_key_len()];
    let mut sk = Zeroizing::new(vec![0u8; k.secret_key_len()]);
    match seed {
        Some(s) => k.keypair_from_seed(s, &mut pk, &mut sk).js()?,
        None => k
            .generate_keypair(&mut OsRng::default(), &mut pk, &mut sk)
            .js()?,
    }
    Ok((pk, sk))
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
        AnyAlg::Sig(a) => {
            let mut pk = vec![0u8; a.public_key_len()];
            a.public_key_from_secret(secret_key, &mut pk).js()?;
            Ok(pk)
        }
        AnyAlg::Kem(k) => kem_public_key(k, secret_key),
    }
}

/// The public key of a KEM secret key: ML-KEM and X-Wing keys are seeds; the composites'
/// keys are `ML-KEM seed ‖ classical private key` and go through the typed API.
fn kem_public_key(k: KemAlgorithm, sk: &[u8]) -> Result<Vec<u8>, JsValue> {
    use pqhybrid::hybrid::composite_kem as ck;
    if sk.len() != k.secret_key_len() {
        return Err(err(Error::InvalidLength {
            field: Field::SecretKey,
            expected: k.secret_key_len(),
            actual: sk.len(),
        }));
    }
    let pk = match k {
        KemAlgorithm::MlKem768X25519Sha3_256 => ck::MlKem768X25519DecapsulationKey::from_bytes(sk)
            .js()?
            .encapsulation_key()
            .to_bytes()
            .as_ref()
            .to_vec(),
        KemAlgorithm::MlKem768EcdhP256Sha3_256 => ck::MlKem768P256DecapsulationKey::from_bytes(sk)
            .js()?
            .encapsulation_key()
            .to_bytes()
            .as_ref()
            .to_vec(),
        KemAlgorithm::MlKem1024EcdhP384Sha3_256 => {
            ck::MlKem1024P384DecapsulationKey::from_bytes(sk)
                .js()?
                .encapsulation_key()
                .to_bytes()
                .as_ref()
                .to_vec()
        }
        _ => {
            let mut pk = vec![0u8; k.public_key_len()];
            let mut out = Zeroizing::new(vec![0u8; k.secret_key_len()]);
            k.keypair_from_seed(sk, &mut pk, &mut out).js()?;
            pk
        }
    };
    Ok(pk)
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
    let mut sig = vec![0u8; a.signature_len()];
    let n = if deterministic {
        a.sign_deterministic(sk, msg, ctx, &mut sig).js()?
    } else {
        a.sign(sk, msg, ctx, &mut OsRng::default(), &mut sig).js()?
    };
    sig.truncate(n);
    Ok(sig)
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
    match a.verify(pk, msg, ctx, sig) {
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
    let k = kem_alg(algorithm)?;
    let mut ss = vec![0u8; k.shared_secret_len()];
    k.decapsulate(secret_key, ciphertext, &mut ss).js()?;
    Ok(ss)
}

// ---------------------------------------------------------------------------------------------
// Key classes

/// A signature private key held in WebAssembly memory, zeroized by `free()` (or by the
/// garbage collector through a `FinalizationRegistry`).
#[wasm_bindgen]
pub struct SigningKey {
    alg: SignatureAlgorithm,
    sk: Secret,
}

#[wasm_bindgen]
impl SigningKey {
    /// A fresh random key.
    pub fn generate(algorithm: &str) -> Result<SigningKey, JsValue> {
        let alg = sig_alg(algorithm)?;
        let (_, sk) = sig_keypair(alg, None)?;
        Ok(SigningKey { alg, sk })
    }

    /// The key derived from `seed` (`sizes(alg).seed` bytes).
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(algorithm: &str, seed: &[u8]) -> Result<SigningKey, JsValue> {
        let alg = sig_alg(algorithm)?;
        let (_, sk) = sig_keypair(alg, Some(seed))?;
        Ok(SigningKey { alg, sk })
    }

    /// A key from its canonical secret-key bytes (validated).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(algorithm: &str, secret_key: &[u8]) -> Result<SigningKey, JsValue> {
        let alg = sig_alg(algorithm)?;
        let mut pk = vec![0u8; alg.public_key_len()];
        alg.public_key_from_secret(secret_key, &mut pk).js()?;
        Ok(SigningKey {
            alg,
            sk: Zeroizing::new(secret_key.to_vec()),
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
        let mut pk = vec![0u8; self.alg.public_key_len()];
        self.alg.public_key_from_secret(&self.sk, &mut pk).js()?;
        Ok(VerifyingKey { alg: self.alg, pk })
    }

    /// Signs (hedged).
    pub fn sign(&self, message: &[u8], context: Option<Vec<u8>>) -> Result<Vec<u8>, JsValue> {
        do_sign(self.alg, &self.sk, message, ctx_of(&context), false)
    }

    /// Signs deterministically.
    #[wasm_bindgen(js_name = signDeterministic)]
    pub fn sign_deterministic(
        &self,
        message: &[u8],
        context: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, JsValue> {
        do_sign(self.alg, &self.sk, message, ctx_of(&context), true)
    }

    /// The canonical secret-key bytes (a copy in JavaScript memory, which cannot be zeroized).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.sk.to_vec()
    }

    /// PKCS#8 DER.
    #[wasm_bindgen(js_name = toPkcs8)]
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, JsValue> {
        encode_private(self.alg.into(), &self.sk)
    }

    /// PKCS#8 PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> Result<String, JsValue> {
        crate::encoding::encode_private_pem_inner(self.alg.into(), &self.sk)
    }
}

/// A signature public key.
#[wasm_bindgen]
pub struct VerifyingKey {
    alg: SignatureAlgorithm,
    pk: Vec<u8>,
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
        Ok(VerifyingKey {
            alg,
            pk: public_key.to_vec(),
        })
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
        do_verify(self.alg, &self.pk, message, signature, ctx_of(&context))
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

/// A KEM private key held in WebAssembly memory, zeroized by `free()`.
#[wasm_bindgen]
pub struct DecapsulationKey {
    alg: KemAlgorithm,
    sk: Secret,
}

#[wasm_bindgen]
impl DecapsulationKey {
    /// A fresh random key.
    pub fn generate(algorithm: &str) -> Result<DecapsulationKey, JsValue> {
        let alg = kem_alg(algorithm)?;
        let (_, sk) = kem_keypair(alg, None)?;
        Ok(DecapsulationKey { alg, sk })
    }

    /// The key derived from `seed`.
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(algorithm: &str, seed: &[u8]) -> Result<DecapsulationKey, JsValue> {
        let alg = kem_alg(algorithm)?;
        let (_, sk) = kem_keypair(alg, Some(seed))?;
        Ok(DecapsulationKey { alg, sk })
    }

    /// A key from its canonical secret-key bytes (validated).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(algorithm: &str, secret_key: &[u8]) -> Result<DecapsulationKey, JsValue> {
        let alg = kem_alg(algorithm)?;
        public_key_from_secret(alg.name(), secret_key)?;
        Ok(DecapsulationKey {
            alg,
            sk: Zeroizing::new(secret_key.to_vec()),
        })
    }

    /// A key from PKCS#8 DER.
    #[wasm_bindgen(js_name = fromPkcs8)]
    pub fn from_pkcs8(der: &[u8]) -> Result<DecapsulationKey, JsValue> {
        let (name, sk) = decode_private(der, false)?;
        let alg = KemAlgorithm::from_name(&name).ok_or_else(|| not_kind("a KEM"))?;
        Self::from_bytes(alg.name(), &sk)
    }

    /// A key from PKCS#8 PEM.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> Result<DecapsulationKey, JsValue> {
        let (name, sk) = crate::encoding::decode_private_pem_inner(pem)?;
        let alg = KemAlgorithm::from_name(&name).ok_or_else(|| not_kind("a KEM"))?;
        Self::from_bytes(alg.name(), &sk)
    }

    /// The algorithm name.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.alg.name().into()
    }

    /// The public (encapsulation) key.
    #[wasm_bindgen(js_name = encapsulationKey)]
    pub fn encapsulation_key(&self) -> Result<EncapsulationKey, JsValue> {
        Ok(EncapsulationKey {
            alg: self.alg,
            pk: public_key_from_secret(self.alg.name(), &self.sk)?,
        })
    }

    /// Decapsulates: the 32-byte shared secret.
    pub fn decapsulate(&self, ciphertext: &[u8]) -> Result<Vec<u8>, JsValue> {
        let mut ss = vec![0u8; self.alg.shared_secret_len()];
        self.alg.decapsulate(&self.sk, ciphertext, &mut ss).js()?;
        Ok(ss)
    }

    /// The canonical secret-key bytes (a copy in JavaScript memory).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.sk.to_vec()
    }

    /// PKCS#8 DER.
    #[wasm_bindgen(js_name = toPkcs8)]
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, JsValue> {
        encode_private(self.alg.into(), &self.sk)
    }

    /// PKCS#8 PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> Result<String, JsValue> {
        crate::encoding::encode_private_pem_inner(self.alg.into(), &self.sk)
    }
}

/// A KEM public key.
#[wasm_bindgen]
pub struct EncapsulationKey {
    alg: KemAlgorithm,
    pk: Vec<u8>,
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
        Ok(EncapsulationKey {
            alg,
            pk: public_key.to_vec(),
        })
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
        do_encapsulate(self.alg, &self.pk, None)
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

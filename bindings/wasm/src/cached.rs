//! The decoded keys behind the key classes.
//!
//! The functions of the agile layer take key bytes, so each call decodes the key again: an
//! ML-DSA signature re-derives the expanded key (the matrix Â, s₁, s₂, t₀) from the seed, an
//! ML-KEM decapsulation re-runs key generation, a verification re-hashes the public key. The
//! key classes instead decode once, when they are made, and keep the typed key of the pqhybrid
//! crate: ML-DSA and the composite signatures, ML-KEM, X-Wing and the composite KEMs. The other
//! algorithms (SLH-DSA, whose keys are just seeds and roots, Ed25519, ECDSA) keep the bytes and
//! go through the agile layer, as do public keys whose contents do not decode (the agile layer
//! then reports the same error when the key is used, as before).
//!
//! Which algorithms have typed keys is one row per algorithm in `SIG_KEYS` and `KEM_KEYS`,
//! arrays as long as the pqhybrid crate's `SIGNATURES` and `KEMS` tables: an algorithm added
//! there fails to compile here until it has its row (the enums are `#[non_exhaustive]`, so a
//! `match` outside their crate would need a catch-all arm and could not catch it).
//!
//! Every typed secret key zeroizes itself on drop, so `free()` still wipes the key.

use pqhybrid::agile::{KEMS, SIGNATURES};
use pqhybrid::hybrid::{composite_kem as ck, composite_sig as cs, xwing};
use pqhybrid::primitives::bytes::ByteArray as _;
use pqhybrid::primitives::{ml_dsa, ml_kem};
use pqhybrid::rng::{OsRng, TryRng};
use pqhybrid::{Error, Field, KemAlgorithm, Result, SignatureAlgorithm};
use zeroize::Zeroizing;

/// Canonical secret-key bytes.
pub(crate) type Secret = Zeroizing<Vec<u8>>;

/// A decoded signature private key.
pub(crate) trait Signer {
    /// Signs; `hedged` draws fresh randomness, else deterministic.
    fn sign(&self, msg: &[u8], ctx: &[u8], hedged: bool) -> Result<Vec<u8>>;
    /// The encoded public key.
    fn public_key(&self) -> Result<Vec<u8>>;
    /// The canonical secret-key bytes.
    fn secret_bytes(&self) -> Secret;
}

/// A decoded signature public key.
pub(crate) trait Verifier {
    fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()>;
}

/// A decoded KEM private key.
pub(crate) trait Decapsulator {
    /// The shared secret (32 bytes).
    fn decapsulate(&self, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>>;
    fn public_key(&self) -> Vec<u8>;
    fn secret_bytes(&self) -> Result<Secret>;
}

/// A decoded KEM public key.
pub(crate) trait Encapsulator {
    /// `(ciphertext, shared secret)` with fresh randomness.
    fn encapsulate(&self) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)>;
}

// ---------------------------------------------------------------------------------------------
// Signatures

fn check_len(field: Field, expected: usize, bytes: &[u8]) -> Result<()> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(Error::InvalidLength {
            field,
            expected,
            actual: bytes.len(),
        })
    }
}

/// A fresh random seed of `len` bytes from `crypto.getRandomValues`.
pub(crate) fn random_seed(len: usize) -> Result<Secret> {
    let mut seed = Zeroizing::new(vec![0u8; len]);
    OsRng::default()
        .try_fill_bytes(&mut seed)
        .map_err(|_| Error::Rng)?;
    Ok(seed)
}

impl<P: ml_dsa::MlDsaParams> Signer for ml_dsa::SigningKey<P> {
    fn sign(&self, msg: &[u8], ctx: &[u8], hedged: bool) -> Result<Vec<u8>> {
        let sig = if hedged {
            ml_dsa::SigningKey::sign(self, msg, ctx, &mut OsRng::default())?
        } else {
            self.sign_deterministic(msg, ctx)?
        };
        Ok(sig.to_vec())
    }
    fn public_key(&self) -> Result<Vec<u8>> {
        Ok(self.verifying_key().to_bytes().to_vec())
    }
    fn secret_bytes(&self) -> Secret {
        Zeroizing::new(self.seed().to_vec())
    }
}

impl<P: ml_dsa::MlDsaParams> Verifier for ml_dsa::VerifyingKey<P> {
    fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        check_len(Field::Signature, P::SIGNATURE_LEN, sig)?;
        ml_dsa::VerifyingKey::verify(self, msg, ctx, sig)
    }
}

impl<C: cs::CompositeParams> Signer for cs::SigningKey<C> {
    fn sign(&self, msg: &[u8], ctx: &[u8], hedged: bool) -> Result<Vec<u8>> {
        let mut out = vec![0u8; C::MAX_SIGNATURE_LEN];
        let n = if hedged {
            cs::SigningKey::sign(self, msg, ctx, &mut OsRng::default(), &mut out)?
        } else {
            self.sign_deterministic(msg, ctx, &mut out)?
        };
        out.truncate(n);
        Ok(out)
    }
    fn public_key(&self) -> Result<Vec<u8>> {
        let mut out = vec![0u8; C::PUBLIC_KEY_LEN];
        self.write_public_key(&mut out)?;
        Ok(out)
    }
    fn secret_bytes(&self) -> Secret {
        Zeroizing::new(self.to_bytes().as_ref().to_vec())
    }
}

impl<C: cs::CompositeParams> Verifier for cs::VerifyingKey<C> {
    fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        cs::VerifyingKey::verify(self, msg, ctx, sig)
    }
}

/// Any other signature algorithm: the bytes, through the agile layer.
struct AgileSigner {
    alg: SignatureAlgorithm,
    sk: Secret,
    /// Derived once (SLH-DSA: the root of the top tree).
    pk: Vec<u8>,
}

impl Signer for AgileSigner {
    fn sign(&self, msg: &[u8], ctx: &[u8], hedged: bool) -> Result<Vec<u8>> {
        let mut sig = vec![0u8; self.alg.signature_len()];
        let n = if hedged {
            self.alg
                .sign(&self.sk, msg, ctx, &mut OsRng::default(), &mut sig)?
        } else {
            self.alg.sign_deterministic(&self.sk, msg, ctx, &mut sig)?
        };
        sig.truncate(n);
        Ok(sig)
    }
    fn public_key(&self) -> Result<Vec<u8>> {
        Ok(self.pk.clone())
    }
    fn secret_bytes(&self) -> Secret {
        self.sk.clone()
    }
}

struct AgileVerifier {
    alg: SignatureAlgorithm,
    pk: Vec<u8>,
}

impl Verifier for AgileVerifier {
    fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        self.alg.verify(&self.pk, msg, ctx, sig)
    }
}

/// The typed keys of one signature algorithm.
struct TypedSig {
    /// Decodes the canonical secret key (of checked length).
    secret: fn(&[u8]) -> Result<Box<dyn Signer>>,
    /// Derives the key from a key-generation seed (of checked length), as the agile layer's
    /// `keypair_from_seed` does.
    seed: fn(&[u8]) -> Result<Box<dyn Signer>>,
    /// Decodes a public key (of checked length); `None` if it does not decode.
    public: fn(&[u8]) -> Option<Box<dyn Verifier>>,
}

/// How the key classes hold the keys of one signature algorithm.
enum SigKeys {
    /// Decoded once into the pqhybrid crate's typed keys.
    Typed(TypedSig),
    /// Kept as bytes, through the agile layer ([`AgileSigner`], [`AgileVerifier`]).
    Agile,
}

fn mldsa_secret<P: ml_dsa::MlDsaParams>(sk: &[u8]) -> Result<Box<dyn Signer>> {
    Ok(Box::new(<ml_dsa::SigningKey<P>>::from_seed_slice(sk)?))
}

fn mldsa_public<P: ml_dsa::MlDsaParams>(pk: &[u8]) -> Option<Box<dyn Verifier>> {
    decoded(<ml_dsa::VerifyingKey<P>>::from_bytes(pk))
}

/// ML-DSA: the seed ξ is the canonical secret key.
const fn mldsa<P: ml_dsa::MlDsaParams>() -> SigKeys {
    SigKeys::Typed(TypedSig {
        secret: mldsa_secret::<P>,
        seed: mldsa_secret::<P>,
        public: mldsa_public::<P>,
    })
}

fn composite_secret<C: cs::CompositeParams>(sk: &[u8]) -> Result<Box<dyn Signer>> {
    Ok(Box::new(cs::SigningKey::<C>::from_bytes(sk)?))
}

fn composite_seed<C: cs::CompositeParams>(seed: &[u8]) -> Result<Box<dyn Signer>> {
    Ok(Box::new(cs::SigningKey::<C>::from_root_seed_slice(seed)?))
}

fn composite_public<C: cs::CompositeParams>(pk: &[u8]) -> Option<Box<dyn Verifier>> {
    decoded(cs::VerifyingKey::<C>::from_bytes(pk))
}

/// Composites: the canonical secret key is `ML-DSA seed ‖ classical private key`, both derived
/// from the root seed.
const fn composite<C: cs::CompositeParams>() -> SigKeys {
    SigKeys::Typed(TypedSig {
        secret: composite_secret::<C>,
        seed: composite_seed::<C>,
        public: composite_public::<C>,
    })
}

use SignatureAlgorithm as A;

/// How each signature algorithm's keys are held: row `i` is `SignatureAlgorithm::ALL[i]`
/// (checked below). SLH-DSA keys are just seeds and roots, Ed25519 and ECDSA are cheap to
/// decode: those stay bytes.
static SIG_KEYS: [(SignatureAlgorithm, SigKeys); SIGNATURES.len()] = [
    (A::MlDsa44, mldsa::<ml_dsa::MlDsa44>()),
    (A::MlDsa65, mldsa::<ml_dsa::MlDsa65>()),
    (A::MlDsa87, mldsa::<ml_dsa::MlDsa87>()),
    (A::SlhDsaSha2_128s, SigKeys::Agile),
    (A::SlhDsaSha2_128f, SigKeys::Agile),
    (A::SlhDsaSha2_192s, SigKeys::Agile),
    (A::SlhDsaSha2_192f, SigKeys::Agile),
    (A::SlhDsaSha2_256s, SigKeys::Agile),
    (A::SlhDsaSha2_256f, SigKeys::Agile),
    (A::SlhDsaShake128s, SigKeys::Agile),
    (A::SlhDsaShake128f, SigKeys::Agile),
    (A::SlhDsaShake192s, SigKeys::Agile),
    (A::SlhDsaShake192f, SigKeys::Agile),
    (A::SlhDsaShake256s, SigKeys::Agile),
    (A::SlhDsaShake256f, SigKeys::Agile),
    (A::Ed25519, SigKeys::Agile),
    (A::EcdsaP256Sha256, SigKeys::Agile),
    (A::EcdsaP384Sha384, SigKeys::Agile),
    (
        A::MlDsa44Ed25519Sha512,
        composite::<cs::MlDsa44Ed25519Sha512>(),
    ),
    (
        A::MlDsa44EcdsaP256Sha256,
        composite::<cs::MlDsa44EcdsaP256Sha256>(),
    ),
    (
        A::MlDsa65Ed25519Sha512,
        composite::<cs::MlDsa65Ed25519Sha512>(),
    ),
    (
        A::MlDsa65EcdsaP256Sha512,
        composite::<cs::MlDsa65EcdsaP256Sha512>(),
    ),
    (
        A::MlDsa65EcdsaP384Sha512,
        composite::<cs::MlDsa65EcdsaP384Sha512>(),
    ),
    (
        A::MlDsa87EcdsaP384Sha512,
        composite::<cs::MlDsa87EcdsaP384Sha512>(),
    ),
];

// Row i is the algorithm with discriminant i, which is `SIGNATURES[i]` (as the pqhybrid crate
// checks): a row out of place is a build error.
const _: () = {
    let mut i = 0;
    while i < SIG_KEYS.len() {
        assert!(SIG_KEYS[i].0 as usize == i && SIGNATURES[i].algorithm as usize == i);
        i += 1;
    }
};

fn sig_keys(alg: SignatureAlgorithm) -> &'static SigKeys {
    // Row `alg as usize` is `alg` (checked at compile time).
    &SIG_KEYS[alg as usize].1
}

/// Decodes a canonical signature secret key (validating it as the agile layer does).
pub(crate) fn signer(alg: SignatureAlgorithm, sk: &[u8]) -> Result<Box<dyn Signer>> {
    check_len(Field::SecretKey, alg.secret_key_len(), sk)?;
    match sig_keys(alg) {
        SigKeys::Typed(t) => (t.secret)(sk),
        SigKeys::Agile => {
            // Validated as before: the public key must derive.
            let mut pk = vec![0u8; alg.public_key_len()];
            alg.public_key_from_secret(sk, &mut pk)?;
            Ok(Box::new(AgileSigner {
                alg,
                sk: Zeroizing::new(sk.to_vec()),
                pk,
            }))
        }
    }
}

/// The key derived from a seed (`alg.seed_len()` bytes), as the agile layer's
/// `keypair_from_seed` derives it: ML-DSA from ξ, composites from the root seed.
pub(crate) fn signer_from_seed(alg: SignatureAlgorithm, seed: &[u8]) -> Result<Box<dyn Signer>> {
    check_len(Field::Seed, alg.seed_len(), seed)?;
    match sig_keys(alg) {
        SigKeys::Typed(t) => (t.seed)(seed),
        SigKeys::Agile => {
            let mut pk = vec![0u8; alg.public_key_len()];
            let mut sk = Zeroizing::new(vec![0u8; alg.secret_key_len()]);
            alg.keypair_from_seed(seed, &mut pk, &mut sk)?;
            Ok(Box::new(AgileSigner { alg, sk, pk }))
        }
    }
}

/// Decodes a public key whose length was checked. Keys that do not decode stay bytes, so that
/// the error surfaces when the key is used (as the agile layer reports it).
pub(crate) fn verifier(alg: SignatureAlgorithm, pk: &[u8]) -> Box<dyn Verifier> {
    let typed = match sig_keys(alg) {
        SigKeys::Typed(t) => (t.public)(pk),
        SigKeys::Agile => None,
    };
    typed.unwrap_or_else(|| {
        Box::new(AgileVerifier {
            alg,
            pk: pk.to_vec(),
        })
    })
}

fn decoded<T: Verifier + 'static>(key: Result<T>) -> Option<Box<dyn Verifier>> {
    key.ok().map(|k| Box::new(k) as Box<dyn Verifier>)
}

// ---------------------------------------------------------------------------------------------
// KEMs

fn ss_vec(ss: &pqhybrid::SharedSecret) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(ss.as_bytes().to_vec())
}

impl<P: ml_kem::MlKemParams> Decapsulator for ml_kem::DecapsulationKey<P> {
    fn decapsulate(&self, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        check_len(Field::Ciphertext, P::CIPHERTEXT_LEN, ct)?;
        Ok(ss_vec(&ml_kem::DecapsulationKey::decapsulate(self, ct)?))
    }
    fn public_key(&self) -> Vec<u8> {
        self.encapsulation_key().to_bytes().as_ref().to_vec()
    }
    fn secret_bytes(&self) -> Result<Secret> {
        Ok(Zeroizing::new(self.seed()?.to_vec()))
    }
}

impl<P: ml_kem::MlKemParams> Encapsulator for ml_kem::EncapsulationKey<P> {
    fn encapsulate(&self) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        let (ct, ss) = ml_kem::EncapsulationKey::encapsulate(self, &mut OsRng::default())?;
        Ok((ct.as_ref().to_vec(), ss_vec(&ss)))
    }
}

impl Decapsulator for xwing::DecapsulationKey {
    fn decapsulate(&self, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        check_len(Field::Ciphertext, xwing::CIPHERTEXT_LEN, ct)?;
        Ok(ss_vec(&xwing::DecapsulationKey::decapsulate(self, ct)?))
    }
    fn public_key(&self) -> Vec<u8> {
        self.encapsulation_key().to_bytes().to_vec()
    }
    fn secret_bytes(&self) -> Result<Secret> {
        Ok(Zeroizing::new(self.seed().to_vec()))
    }
}

impl Encapsulator for xwing::EncapsulationKey {
    fn encapsulate(&self) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        let (ct, ss) = xwing::EncapsulationKey::encapsulate(self, &mut OsRng::default())?;
        Ok((ct.to_vec(), ss_vec(&ss)))
    }
}

impl<C: ck::CompositeKemParams> Decapsulator for ck::DecapsulationKey<C> {
    fn decapsulate(&self, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        check_len(Field::Ciphertext, C::CIPHERTEXT_LEN, ct)?;
        Ok(ss_vec(&ck::DecapsulationKey::decapsulate(self, ct)?))
    }
    fn public_key(&self) -> Vec<u8> {
        self.encapsulation_key().to_bytes().as_ref().to_vec()
    }
    fn secret_bytes(&self) -> Result<Secret> {
        Ok(Zeroizing::new(self.to_bytes().as_ref().to_vec()))
    }
}

impl<C: ck::CompositeKemParams> Encapsulator for ck::EncapsulationKey<C> {
    fn encapsulate(&self) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        let (ct, ss) = ck::EncapsulationKey::encapsulate(self, &mut OsRng::default())?;
        Ok((ct.as_ref().to_vec(), ss_vec(&ss)))
    }
}

struct AgileEncapsulator {
    alg: KemAlgorithm,
    pk: Vec<u8>,
}

impl Encapsulator for AgileEncapsulator {
    fn encapsulate(&self) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        let mut ct = vec![0u8; self.alg.ciphertext_len()];
        let mut ss = Zeroizing::new(vec![0u8; self.alg.shared_secret_len()]);
        self.alg
            .encapsulate(&self.pk, &mut OsRng::default(), &mut ct, &mut ss)?;
        Ok((ct, ss))
    }
}

/// The typed keys of one KEM (every KEM has them).
struct KemKeys {
    /// Decodes the canonical secret key (of checked length).
    secret: fn(&[u8]) -> Result<Box<dyn Decapsulator>>,
    /// Derives the key from a key-generation seed (of checked length), as the agile layer's
    /// `keypair_from_seed` does.
    seed: fn(&[u8]) -> Result<Box<dyn Decapsulator>>,
    /// Decodes a public key (of checked length); `None` if it does not decode.
    public: fn(&[u8]) -> Option<Box<dyn Encapsulator>>,
}

fn mlkem_secret<P: ml_kem::MlKemParams>(sk: &[u8]) -> Result<Box<dyn Decapsulator>> {
    Ok(Box::new(<ml_kem::DecapsulationKey<P>>::from_seed_slice(
        sk,
    )?))
}

fn mlkem_public<P: ml_kem::MlKemParams>(pk: &[u8]) -> Option<Box<dyn Encapsulator>> {
    enc(<ml_kem::EncapsulationKey<P>>::from_bytes(pk))
}

/// ML-KEM: the seed `d ‖ z` is the canonical secret key.
const fn mlkem<P: ml_kem::MlKemParams>() -> KemKeys {
    KemKeys {
        secret: mlkem_secret::<P>,
        seed: mlkem_secret::<P>,
        public: mlkem_public::<P>,
    }
}

fn xwing_secret(sk: &[u8]) -> Result<Box<dyn Decapsulator>> {
    Ok(Box::new(xwing::DecapsulationKey::from_seed_slice(sk)?))
}

fn xwing_public(pk: &[u8]) -> Option<Box<dyn Encapsulator>> {
    enc(xwing::EncapsulationKey::from_bytes(pk))
}

fn composite_kem_secret<C: ck::CompositeKemParams>(sk: &[u8]) -> Result<Box<dyn Decapsulator>> {
    Ok(Box::new(ck::DecapsulationKey::<C>::from_bytes(sk)?))
}

fn composite_kem_seed<C: ck::CompositeKemParams>(seed: &[u8]) -> Result<Box<dyn Decapsulator>> {
    let root = <&[u8; ck::ROOT_SEED_LEN]>::try_from(seed).map_err(|_| Error::InvalidLength {
        field: Field::Seed,
        expected: ck::ROOT_SEED_LEN,
        actual: seed.len(),
    })?;
    Ok(Box::new(ck::DecapsulationKey::<C>::from_root_seed(root)))
}

fn composite_kem_public<C: ck::CompositeKemParams>(pk: &[u8]) -> Option<Box<dyn Encapsulator>> {
    enc(ck::EncapsulationKey::<C>::from_bytes(pk))
}

/// Composites: the canonical secret key is `ML-KEM seed ‖ classical private key`, both derived
/// from the root seed.
const fn composite_kem<C: ck::CompositeKemParams>() -> KemKeys {
    KemKeys {
        secret: composite_kem_secret::<C>,
        seed: composite_kem_seed::<C>,
        public: composite_kem_public::<C>,
    }
}

use KemAlgorithm as K;

/// The keys of each KEM: row `i` is `KemAlgorithm::ALL[i]` (checked below).
static KEM_KEYS: [(KemAlgorithm, KemKeys); KEMS.len()] = [
    (K::MlKem512, mlkem::<ml_kem::MlKem512>()),
    (K::MlKem768, mlkem::<ml_kem::MlKem768>()),
    (K::MlKem1024, mlkem::<ml_kem::MlKem1024>()),
    (
        K::XWing,
        // The seed is the canonical secret key.
        KemKeys {
            secret: xwing_secret,
            seed: xwing_secret,
            public: xwing_public,
        },
    ),
    (
        K::MlKem768X25519Sha3_256,
        composite_kem::<ck::MlKem768X25519Sha3_256>(),
    ),
    (
        K::MlKem768EcdhP256Sha3_256,
        composite_kem::<ck::MlKem768EcdhP256Sha3_256>(),
    ),
    (
        K::MlKem1024EcdhP384Sha3_256,
        composite_kem::<ck::MlKem1024EcdhP384Sha3_256>(),
    ),
];

// Row i is the KEM with discriminant i, which is `KEMS[i]` (as the pqhybrid crate checks).
const _: () = {
    let mut i = 0;
    while i < KEM_KEYS.len() {
        assert!(KEM_KEYS[i].0 as usize == i && KEMS[i].algorithm as usize == i);
        i += 1;
    }
};

fn kem_keys(alg: KemAlgorithm) -> &'static KemKeys {
    // Row `alg as usize` is `alg` (checked at compile time).
    &KEM_KEYS[alg as usize].1
}

/// Decodes a canonical KEM secret key (ML-KEM and X-Wing: the seed; composites:
/// `ML-KEM seed ‖ classical private key`).
pub(crate) fn decapsulator(alg: KemAlgorithm, sk: &[u8]) -> Result<Box<dyn Decapsulator>> {
    check_len(Field::SecretKey, alg.secret_key_len(), sk)?;
    (kem_keys(alg).secret)(sk)
}

/// The key derived from a seed (`alg.seed_len()` bytes), as the agile layer's
/// `keypair_from_seed` derives it: ML-KEM from `d ‖ z`, X-Wing from its seed, composites
/// from the root seed.
pub(crate) fn decapsulator_from_seed(
    alg: KemAlgorithm,
    seed: &[u8],
) -> Result<Box<dyn Decapsulator>> {
    check_len(Field::Seed, alg.seed_len(), seed)?;
    (kem_keys(alg).seed)(seed)
}

/// Decodes a KEM public key whose length was checked; one that does not decode stays bytes
/// (the error surfaces on use, as before).
pub(crate) fn encapsulator(alg: KemAlgorithm, pk: &[u8]) -> Box<dyn Encapsulator> {
    (kem_keys(alg).public)(pk).unwrap_or_else(|| {
        Box::new(AgileEncapsulator {
            alg,
            pk: pk.to_vec(),
        })
    })
}

fn enc<T: Encapsulator + 'static>(key: Result<T>) -> Option<Box<dyn Encapsulator>> {
    key.ok().map(|k| Box::new(k) as Box<dyn Encapsulator>)
}

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
//! Every typed secret key zeroizes itself on drop, so `free()` still wipes the key.

use pqhybrid::primitives::bytes::ByteArray as _;
use pqhybrid::hybrid::{composite_kem as ck, composite_sig as cs, xwing};
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

fn boxed<T: 'static>(key: Result<T>) -> Result<Box<T>> {
    key.map(Box::new)
}

/// Decodes a canonical signature secret key (validating it as the agile layer does).
pub(crate) fn signer(alg: SignatureAlgorithm, sk: &[u8]) -> Result<Box<dyn Signer>> {
    use SignatureAlgorithm as A;
    check_len(Field::SecretKey, alg.secret_key_len(), sk)?;
    Ok(match alg {
        A::MlDsa44 => boxed(ml_dsa::MlDsa44SigningKey::from_seed_slice(sk))?,
        A::MlDsa65 => boxed(ml_dsa::MlDsa65SigningKey::from_seed_slice(sk))?,
        A::MlDsa87 => boxed(ml_dsa::MlDsa87SigningKey::from_seed_slice(sk))?,
        A::MlDsa44Ed25519Sha512 => boxed(cs::MlDsa44Ed25519Sha512SigningKey::from_bytes(sk))?,
        A::MlDsa44EcdsaP256Sha256 => boxed(cs::MlDsa44EcdsaP256Sha256SigningKey::from_bytes(sk))?,
        A::MlDsa65Ed25519Sha512 => boxed(cs::MlDsa65Ed25519Sha512SigningKey::from_bytes(sk))?,
        A::MlDsa65EcdsaP256Sha512 => boxed(cs::MlDsa65EcdsaP256Sha512SigningKey::from_bytes(sk))?,
        A::MlDsa65EcdsaP384Sha512 => boxed(cs::MlDsa65EcdsaP384Sha512SigningKey::from_bytes(sk))?,
        A::MlDsa87EcdsaP384Sha512 => boxed(cs::MlDsa87EcdsaP384Sha512SigningKey::from_bytes(sk))?,
        _ => {
            // Validated as before: the public key must derive.
            let mut pk = vec![0u8; alg.public_key_len()];
            alg.public_key_from_secret(sk, &mut pk)?;
            Box::new(AgileSigner {
                alg,
                sk: Zeroizing::new(sk.to_vec()),
                pk,
            })
        }
    })
}

/// The key derived from a seed (`alg.seed_len()` bytes), as the agile layer's
/// `keypair_from_seed` derives it: ML-DSA from ξ, composites from the root seed.
pub(crate) fn signer_from_seed(alg: SignatureAlgorithm, seed: &[u8]) -> Result<Box<dyn Signer>> {
    use SignatureAlgorithm as A;
    check_len(Field::Seed, alg.seed_len(), seed)?;
    Ok(match alg {
        A::MlDsa44 | A::MlDsa65 | A::MlDsa87 => signer(alg, seed)?,
        A::MlDsa44Ed25519Sha512 => boxed(
            cs::MlDsa44Ed25519Sha512SigningKey::from_root_seed_slice(seed),
        )?,
        A::MlDsa44EcdsaP256Sha256 => boxed(
            cs::MlDsa44EcdsaP256Sha256SigningKey::from_root_seed_slice(seed),
        )?,
        A::MlDsa65Ed25519Sha512 => boxed(
            cs::MlDsa65Ed25519Sha512SigningKey::from_root_seed_slice(seed),
        )?,
        A::MlDsa65EcdsaP256Sha512 => boxed(
            cs::MlDsa65EcdsaP256Sha512SigningKey::from_root_seed_slice(seed),
        )?,
        A::MlDsa65EcdsaP384Sha512 => boxed(
            cs::MlDsa65EcdsaP384Sha512SigningKey::from_root_seed_slice(seed),
        )?,
        A::MlDsa87EcdsaP384Sha512 => boxed(
            cs::MlDsa87EcdsaP384Sha512SigningKey::from_root_seed_slice(seed),
        )?,
        _ => {
            let mut pk = vec![0u8; alg.public_key_len()];
            let mut sk = Zeroizing::new(vec![0u8; alg.secret_key_len()]);
            alg.keypair_from_seed(seed, &mut pk, &mut sk)?;
            Box::new(AgileSigner { alg, sk, pk })
        }
    })
}

/// Decodes a public key whose length was checked. Keys that do not decode stay bytes, so that
/// the error surfaces when the key is used (as the agile layer reports it).
pub(crate) fn verifier(alg: SignatureAlgorithm, pk: &[u8]) -> Box<dyn Verifier> {
    use SignatureAlgorithm as A;
    let typed: Option<Box<dyn Verifier>> = match alg {
        A::MlDsa44 => decoded(ml_dsa::MlDsa44VerifyingKey::from_bytes(pk)),
        A::MlDsa65 => decoded(ml_dsa::MlDsa65VerifyingKey::from_bytes(pk)),
        A::MlDsa87 => decoded(ml_dsa::MlDsa87VerifyingKey::from_bytes(pk)),
        A::MlDsa44Ed25519Sha512 => decoded(cs::MlDsa44Ed25519Sha512VerifyingKey::from_bytes(pk)),
        A::MlDsa44EcdsaP256Sha256 => {
            decoded(cs::MlDsa44EcdsaP256Sha256VerifyingKey::from_bytes(pk))
        }
        A::MlDsa65Ed25519Sha512 => decoded(cs::MlDsa65Ed25519Sha512VerifyingKey::from_bytes(pk)),
        A::MlDsa65EcdsaP256Sha512 => {
            decoded(cs::MlDsa65EcdsaP256Sha512VerifyingKey::from_bytes(pk))
        }
        A::MlDsa65EcdsaP384Sha512 => {
            decoded(cs::MlDsa65EcdsaP384Sha512VerifyingKey::from_bytes(pk))
        }
        A::MlDsa87EcdsaP384Sha512 => {
            decoded(cs::MlDsa87EcdsaP384Sha512VerifyingKey::from_bytes(pk))
        }
        _ => None,
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

/// Decodes a canonical KEM secret key (ML-KEM and X-Wing: the seed; composites:
/// `ML-KEM seed ‖ classical private key`).
pub(crate) fn decapsulator(alg: KemAlgorithm, sk: &[u8]) -> Result<Box<dyn Decapsulator>> {
    use KemAlgorithm as K;
    check_len(Field::SecretKey, alg.secret_key_len(), sk)?;
    Ok(match alg {
        K::MlKem512 => Box::new(ml_kem::MlKem512DecapsulationKey::from_seed_slice(sk)?),
        K::MlKem768 => Box::new(ml_kem::MlKem768DecapsulationKey::from_seed_slice(sk)?),
        K::MlKem1024 => Box::new(ml_kem::MlKem1024DecapsulationKey::from_seed_slice(sk)?),
        K::XWing => Box::new(xwing::DecapsulationKey::from_seed_slice(sk)?),
        K::MlKem768X25519Sha3_256 => Box::new(ck::MlKem768X25519DecapsulationKey::from_bytes(sk)?),
        K::MlKem768EcdhP256Sha3_256 => Box::new(ck::MlKem768P256DecapsulationKey::from_bytes(sk)?),
        K::MlKem1024EcdhP384Sha3_256 => {
            Box::new(ck::MlKem1024P384DecapsulationKey::from_bytes(sk)?)
        }
        _ => {
            return Err(Error::InvalidKey {
                field: Field::SecretKey,
            });
        }
    })
}

/// The key derived from a seed (`alg.seed_len()` bytes), as the agile layer's
/// `keypair_from_seed` derives it: ML-KEM from `d ‖ z`, X-Wing from its seed, composites
/// from the root seed.
pub(crate) fn decapsulator_from_seed(
    alg: KemAlgorithm,
    seed: &[u8],
) -> Result<Box<dyn Decapsulator>> {
    use KemAlgorithm as K;
    check_len(Field::Seed, alg.seed_len(), seed)?;
    let root = || {
        <&[u8; ck::ROOT_SEED_LEN]>::try_from(seed).map_err(|_| Error::InvalidLength {
            field: Field::Seed,
            expected: ck::ROOT_SEED_LEN,
            actual: seed.len(),
        })
    };
    Ok(match alg {
        K::MlKem768X25519Sha3_256 => {
            Box::new(ck::MlKem768X25519DecapsulationKey::from_root_seed(root()?))
        }
        K::MlKem768EcdhP256Sha3_256 => {
            Box::new(ck::MlKem768P256DecapsulationKey::from_root_seed(root()?))
        }
        K::MlKem1024EcdhP384Sha3_256 => {
            Box::new(ck::MlKem1024P384DecapsulationKey::from_root_seed(root()?))
        }
        // ML-KEM and X-Wing: the seed is the canonical secret key.
        _ => decapsulator(alg, seed)?,
    })
}

/// Decodes a KEM public key whose length was checked; one that does not decode stays bytes
/// (the error surfaces on use, as before).
pub(crate) fn encapsulator(alg: KemAlgorithm, pk: &[u8]) -> Box<dyn Encapsulator> {
    use KemAlgorithm as K;
    let typed: Option<Box<dyn Encapsulator>> = match alg {
        K::MlKem512 => enc(ml_kem::MlKem512EncapsulationKey::from_bytes(pk)),
        K::MlKem768 => enc(ml_kem::MlKem768EncapsulationKey::from_bytes(pk)),
        K::MlKem1024 => enc(ml_kem::MlKem1024EncapsulationKey::from_bytes(pk)),
        K::XWing => enc(xwing::EncapsulationKey::from_bytes(pk)),
        K::MlKem768X25519Sha3_256 => enc(ck::MlKem768X25519EncapsulationKey::from_bytes(pk)),
        K::MlKem768EcdhP256Sha3_256 => enc(ck::MlKem768P256EncapsulationKey::from_bytes(pk)),
        K::MlKem1024EcdhP384Sha3_256 => enc(ck::MlKem1024P384EncapsulationKey::from_bytes(pk)),
        _ => None,
    };
    typed.unwrap_or_else(|| {
        Box::new(AgileEncapsulator {
            alg,
            pk: pk.to_vec(),
        })
    })
}

fn enc<T: Encapsulator + 'static>(key: Result<T>) -> Option<Box<dyn Encapsulator>> {
    key.ok().map(|k| Box::new(k) as Box<dyn Encapsulator>)
}

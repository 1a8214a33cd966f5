//! `pqhybrid::encoding` against the published composite vectors (draft-ietf-lamps-pq-composite-
//! sigs-19 and -kem-17 `testvectors.json`, read in place through `pqhybrid-kat`).
//!
//! For every entry the crate supports (the composites and the pure ML-DSA / ML-KEM entries):
//! * `sk_pkcs8` / `dk_pkcs8` decodes to the expected algorithm and to exactly `sk` / `dk`, and
//!   re-encoding gives the vector's PKCS#8 back byte for byte;
//! * the certificate `x5c` is parsed with `x509-cert`; its `SubjectPublicKeyInfo` decodes to the
//!   expected algorithm and to exactly `pk` / `ek`, and our encoding of that key is the
//!   certificate's `SubjectPublicKeyInfo` DER byte for byte;
//! * for signatures, the decoded private key derives the decoded public key.
//!
//! Entries with RSA, brainpool, Ed448, X448 or P-521 components are not applicable (the crate
//! does not implement them); every entry is counted. (Certificate signatures are verified
//! elsewhere.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::encoding::{
    Algorithm, MAX_DECODED_SECRET_KEY_LEN, MAX_PRIVATE_KEY_DER_LEN, MAX_PUBLIC_KEY_DER_LEN,
    decode_private_key, decode_public_key, encode_private_key, encode_public_key,
};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use pqhybrid_kat::json::{self, OrPanic as _};
use pqhybrid_kat::{Tally, load_json};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

/// The algorithm of a vector entry, or why it is not applicable.
fn sig_algorithm(tc_id: &str) -> Result<Option<Algorithm>, &'static str> {
    use SignatureAlgorithm as S;
    let alg = match tc_id {
        "id-ML-DSA-44" => S::MlDsa44,
        "id-ML-DSA-65" => S::MlDsa65,
        "id-ML-DSA-87" => S::MlDsa87,
        "id-MLDSA44-Ed25519-SHA512" => S::MlDsa44Ed25519Sha512,
        "id-MLDSA44-ECDSA-P256-SHA256" => S::MlDsa44EcdsaP256Sha256,
        "id-MLDSA65-Ed25519-SHA512" => S::MlDsa65Ed25519Sha512,
        "id-MLDSA65-ECDSA-P256-SHA512" => S::MlDsa65EcdsaP256Sha512,
        "id-MLDSA65-ECDSA-P384-SHA512" => S::MlDsa65EcdsaP384Sha512,
        "id-MLDSA87-ECDSA-P384-SHA512" => S::MlDsa87EcdsaP384Sha512,
        _ => return not_applicable(tc_id).map(|()| None),
    };
    Ok(Some(Algorithm::Signature(alg)))
}

fn kem_algorithm(tc_id: &str) -> Result<Option<Algorithm>, &'static str> {
    let alg = match tc_id {
        "id-alg-ml-kem-512" => KemAlgorithm::MlKem512,
        "id-alg-ml-kem-768" => KemAlgorithm::MlKem768,
        "id-alg-ml-kem-1024" => KemAlgorithm::MlKem1024,
        "id-MLKEM768-X25519-SHA3-256" => KemAlgorithm::MlKem768X25519Sha3_256,
        "id-MLKEM768-ECDH-P256-SHA3-256" => KemAlgorithm::MlKem768EcdhP256Sha3_256,
        "id-MLKEM1024-ECDH-P384-SHA3-256" => KemAlgorithm::MlKem1024EcdhP384Sha3_256,
        // In the typed hybrid API only, not a `KemAlgorithm` variant.
        "id-MLKEM768-ECDH-P384-SHA3-256" => {
            return Err("MLKEM768-ECDH-P384 is not a KemAlgorithm variant (typed API only)");
        }
        _ => return not_applicable(tc_id).map(|()| None),
    };
    Ok(Some(Algorithm::Kem(alg)))
}

/// `Err(reason)` for a component the crate does not implement; `Ok(())` for an unknown entry
/// (which the caller then counts as a failure).
fn not_applicable(tc_id: &str) -> Result<(), &'static str> {
    if tc_id.contains("RSA") {
        Err("RSA component not supported")
    } else if tc_id.contains("brainpool") {
        Err("brainpool curve not supported")
    } else if tc_id.contains("Ed448") {
        Err("Ed448 component not supported")
    } else if tc_id.contains("X448") {
        Err("X448 component not supported")
    } else if tc_id.contains("P521") {
        Err("P-521 curve not supported")
    } else {
        Ok(())
    }
}

/// One entry: `sk_der` (PKCS#8), `sk` (expected canonical key), `cert` (x5c), `pk`.
fn check_entry(
    alg: Algorithm,
    sk_der: &[u8],
    sk: &[u8],
    cert: &[u8],
    pk: &[u8],
) -> Result<(), String> {
    // PKCS#8.
    let mut sk_out = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
    let (got_alg, n) =
        decode_private_key(sk_der, &mut sk_out).map_err(|e| format!("PKCS#8 decode: {e:?}"))?;
    if got_alg != alg {
        return Err(format!("PKCS#8 algorithm {got_alg}, expected {alg}"));
    }
    if sk_out[..n] != *sk {
        return Err(format!(
            "PKCS#8 private key differs ({n} bytes vs {})",
            sk.len()
        ));
    }
    let mut der = vec![0u8; MAX_PRIVATE_KEY_DER_LEN];
    let m = encode_private_key(alg, &sk_out[..n], &mut der)
        .map_err(|e| format!("PKCS#8 encode: {e:?}"))?;
    if der[..m] != *sk_der {
        return Err("re-encoded PKCS#8 differs from the vector".into());
    }

    // Certificate SubjectPublicKeyInfo.
    let cert = Certificate::from_der(cert).map_err(|e| format!("x5c: {e}"))?;
    let spki_der = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("x5c SPKI: {e}"))?;
    let key = decode_public_key(&spki_der).map_err(|e| format!("SPKI decode: {e:?}"))?;
    if key.algorithm != alg {
        return Err(format!("SPKI algorithm {}, expected {alg}", key.algorithm));
    }
    if key.key != pk {
        return Err("SPKI public key differs from pk".into());
    }
    let mut der = vec![0u8; MAX_PUBLIC_KEY_DER_LEN];
    let m = encode_public_key(alg, pk, &mut der).map_err(|e| format!("SPKI encode: {e:?}"))?;
    if der[..m] != spki_der[..] {
        return Err("re-encoded SPKI differs from the certificate's".into());
    }

    // The private key belongs to the public key.
    if let Algorithm::Signature(s) = alg {
        let mut derived = vec![0u8; s.public_key_len()];
        s.public_key_from_secret(&sk_out[..n], &mut derived)
            .map_err(|e| format!("public_key_from_secret: {e:?}"))?;
        if derived != pk {
            return Err("sk does not derive pk".into());
        }
    }
    Ok(())
}

fn run(
    suite: &str,
    file: &str,
    sk_field: &str,
    pk_field: &str,
    der_field: &str,
    map: fn(&str) -> Result<Option<Algorithm>, &'static str>,
) {
    let v = load_json(file);
    let tests = json::array(&v, "tests").or_panic();
    assert!(!tests.is_empty());
    let mut tally = Tally::new(suite, file.rsplit('/').next().unwrap_or(file));
    for t in tests {
        let tc_id = json::str(t, "tcId").or_panic();
        let alg = match map(tc_id) {
            Ok(Some(alg)) => alg,
            Ok(None) => {
                tally.fail(format!("{tc_id}: unknown entry"));
                continue;
            }
            Err(reason) => {
                tally.na(reason);
                continue;
            }
        };
        let field = |name: &str| json::b64(t, name).unwrap_or_else(|e| panic!("{tc_id}: {e}"));
        let (sk_der, sk, cert, pk) = (
            field(der_field),
            field(sk_field),
            field("x5c"),
            field(pk_field),
        );
        match catch_unwind(AssertUnwindSafe(|| {
            check_entry(alg, &sk_der, &sk, &cert, &pk)
        })) {
            Ok(Ok(())) => tally.pass(),
            Ok(Err(msg)) => tally.fail(format!("{tc_id}: {msg}")),
            Err(_) => tally.fail(format!("{tc_id}: panicked")),
        }
    }
    tally.finish();
}

#[test]
fn composite_sigs_encoding() {
    run(
        "composite-sigs-encoding",
        "composite-sigs/testvectors.json",
        "sk",
        "pk",
        "sk_pkcs8",
        sig_algorithm,
    );
}

#[test]
fn composite_kem_encoding() {
    run(
        "composite-kem-encoding",
        "composite-kem/testvectors.json",
        "dk",
        "ek",
        "dk_pkcs8",
        kem_algorithm,
    );
}

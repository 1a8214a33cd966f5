//! Composite ML-DSA (draft-ietf-lamps-pq-composite-sigs-19) against the draft's own test
//! vectors, `composite-sigs/testvectors.json`, read in place through `pqhybrid-kat`.
//!
//! The file has one entry per algorithm: `{tcId, pk, x5c, sk, sk_pkcs8, s, sWithContext}` with a
//! shared message `m` and context `ctx` at the top level. Signatures are randomized, so these
//! are verification and key-derivation checks. For every entry pqhybrid implements (the six
//! Ed25519/P-256/P-384 composites and pure ML-DSA-44/65/87), each of these is one case:
//!
//! 1. key derivation: the public key computed from `sk` equals `pk` (agile
//!    [`SignatureAlgorithm::public_key_from_secret`]); for composites the typed
//!    [`composite_sig::SigningKey::from_bytes`] also re-encodes `sk` byte for byte;
//! 2. `s` verifies over `m` with the empty context;
//! 3. `sWithContext` verifies over `m` with the file's `ctx`;
//! 4. `x5c`: the certificate's SubjectPublicKeyInfo carries exactly `pk` under the algorithm's
//!    OID, its `signatureAlgorithm` is that OID, and its signature verifies over the DER
//!    `tbsCertificate` with the empty context (the certificates are self-signed).
//!
//! `sk_pkcs8` is checked by the encoding tests, not here. Entries with RSA, brainpool, Ed448 or
//! P-521 components are counted as not applicable (algParams.md of draft -19 lists them as
//! id-MLDSA*-RSA*, id-MLDSA*-ECDSA-brainpoolP*r1-*, id-MLDSA87-Ed448-SHAKE256 and
//! id-MLDSA87-ECDSA-P521-SHA512; pqhybrid offers none of those components).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::SignatureAlgorithm;
use pqhybrid::hybrid::composite_sig::{self, CompositeParams};
use pqhybrid_kat::json::{self, OrPanic as _};
use pqhybrid_kat::{Tally, load_json};
use x509_cert::Certificate;
use x509_cert::der::Decode;

/// Why an entry is not applicable, or `None` if pqhybrid implements it.
fn not_applicable(tc_id: &str) -> Option<&'static str> {
    if tc_id.contains("RSA") {
        Some("RSA component (draft -19 algParams.md: id-MLDSA*-RSA*); pqhybrid has no RSA")
    } else if tc_id.contains("brainpool") {
        Some("brainpool ECDSA component (draft -19 algParams.md: BP256/BP384); not offered")
    } else if tc_id.contains("Ed448") {
        Some("Ed448 component (draft -19 algParams.md: id-MLDSA87-Ed448-SHAKE256); not offered")
    } else if tc_id.contains("P521") {
        Some(
            "ECDSA P-521 component (draft -19 algParams.md: id-MLDSA87-ECDSA-P521-SHA512); not offered",
        )
    } else {
        None
    }
}

/// The first TLV inside the outer SEQUENCE of `der` (a certificate's `tbsCertificate`), raw.
fn first_inner_tlv(der: &[u8]) -> &[u8] {
    fn header(b: &[u8]) -> (usize, usize) {
        // (header length, content length), definite lengths only.
        let l = b[1];
        if l < 0x80 {
            (2, usize::from(l))
        } else {
            let n = usize::from(l & 0x7f);
            let mut len = 0usize;
            for &x in &b[2..2 + n] {
                len = (len << 8) | usize::from(x);
            }
            (2 + n, len)
        }
    }
    assert_eq!(der[0], 0x30, "certificate is not a SEQUENCE");
    let (h, _) = header(der);
    let inner = &der[h..];
    assert_eq!(inner[0], 0x30, "tbsCertificate is not a SEQUENCE");
    let (h2, l2) = header(inner);
    &inner[..h2 + l2]
}

/// The typed key round trip for a composite: `from_bytes(sk)` re-encodes to `sk` and gives `pk`.
fn typed_keys<C: CompositeParams>(sk: &[u8], pk: &[u8]) -> Result<(), String> {
    let key = composite_sig::SigningKey::<C>::from_bytes(sk).map_err(|e| format!("{e}"))?;
    if key.to_bytes().as_ref() != sk {
        return Err("sk does not re-encode byte for byte".into());
    }
    if key.verifying_key().to_bytes().as_ref() != pk {
        return Err("typed public key differs".into());
    }
    let vk = composite_sig::VerifyingKey::<C>::from_bytes(pk).map_err(|e| format!("{e}"))?;
    if vk != key.verifying_key() {
        return Err("decoded pk differs from derived".into());
    }
    Ok(())
}

fn typed_keys_for(alg: SignatureAlgorithm, sk: &[u8], pk: &[u8]) -> Result<(), String> {
    use composite_sig::*;
    match alg {
        SignatureAlgorithm::MlDsa44Ed25519Sha512 => typed_keys::<MlDsa44Ed25519Sha512>(sk, pk),
        SignatureAlgorithm::MlDsa44EcdsaP256Sha256 => typed_keys::<MlDsa44EcdsaP256Sha256>(sk, pk),
        SignatureAlgorithm::MlDsa65Ed25519Sha512 => typed_keys::<MlDsa65Ed25519Sha512>(sk, pk),
        SignatureAlgorithm::MlDsa65EcdsaP256Sha512 => typed_keys::<MlDsa65EcdsaP256Sha512>(sk, pk),
        SignatureAlgorithm::MlDsa65EcdsaP384Sha512 => typed_keys::<MlDsa65EcdsaP384Sha512>(sk, pk),
        SignatureAlgorithm::MlDsa87EcdsaP384Sha512 => typed_keys::<MlDsa87EcdsaP384Sha512>(sk, pk),
        _ => Ok(()),
    }
}

/// Runs `f`, turning a panic inside pqhybrid into an error message.
fn guarded(f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err("panicked".into()))
}

#[test]
fn composite_sigs_testvectors() {
    let v = load_json("composite-sigs/testvectors.json");
    let m = json::b64(&v, "m").or_panic();
    let ctx = json::b64(&v, "ctx").or_panic();
    let tests = json::array(&v, "tests").or_panic();
    assert_eq!(tests.len(), 21, "draft -19 has 21 entries");
    let mut t = Tally::new("composite-sigs", "testvectors.json");
    let mut implemented = 0;
    for tc in tests {
        let id = json::str(tc, "tcId").or_panic();
        if let Some(reason) = not_applicable(id) {
            // One N/A per check the entry would have had (keygen, s, sWithContext, x5c).
            for _ in 0..4 {
                t.na(reason);
            }
            continue;
        }
        let name = id.strip_prefix("id-").expect("tcId starts with id-");
        let Some(alg) = SignatureAlgorithm::from_name(name) else {
            t.fail(format!("{id}: no SignatureAlgorithm named {name:?}"));
            continue;
        };
        implemented += 1;
        let field = |k: &str| json::b64(tc, k).unwrap_or_else(|e| panic!("{id}: {e}"));
        let (pk, sk, s, s_ctx, x5c) = (
            field("pk"),
            field("sk"),
            field("s"),
            field("sWithContext"),
            field("x5c"),
        );

        // 1. Key derivation.
        let r = guarded(|| {
            let mut out = vec![0u8; alg.public_key_len()];
            alg.public_key_from_secret(&sk, &mut out)
                .map_err(|e| format!("public_key_from_secret: {e}"))?;
            if out != pk {
                return Err("derived pk differs".into());
            }
            typed_keys_for(alg, &sk, &pk)
        });
        t.check(r.is_ok(), || format!("{id}: keygen: {r:?}"));

        // 2. and 3. Signatures without and with context.
        for (label, sig, c) in [("s", &s, &[][..]), ("sWithContext", &s_ctx, &ctx[..])] {
            let r = guarded(|| {
                alg.verify(&pk, &m, c, sig)
                    .map_err(|e| format!("verify: {e}"))?;
                // A wrong context must not verify.
                let other: &[u8] = if c.is_empty() { b"x" } else { b"" };
                if alg.verify(&pk, &m, other, sig).is_ok() {
                    return Err("verifies under another context".into());
                }
                Ok(())
            });
            t.check(r.is_ok(), || format!("{id}: {label}: {r:?}"));
        }

        // 4. The self-signed certificate.
        let r = guarded(|| {
            let cert = Certificate::from_der(&x5c).map_err(|e| format!("x509 parse: {e}"))?;
            let spki = cert.tbs_certificate().subject_public_key_info();
            if spki.algorithm.oid.to_string() != alg.oid() {
                return Err(format!("SPKI OID {} != {}", spki.algorithm.oid, alg.oid()));
            }
            if spki.subject_public_key.raw_bytes() != pk.as_slice() {
                return Err("SPKI subjectPublicKey != pk".into());
            }
            if cert.signature_algorithm().oid.to_string() != alg.oid() {
                return Err(format!(
                    "signatureAlgorithm {} != {}",
                    cert.signature_algorithm().oid,
                    alg.oid()
                ));
            }
            if cert.signature_algorithm().parameters.is_some() {
                return Err("signatureAlgorithm has parameters".into());
            }
            let tbs = first_inner_tlv(&x5c);
            let sig = cert.signature().raw_bytes();
            alg.verify(&pk, tbs, b"", sig)
                .map_err(|e| format!("certificate signature: {e}"))
        });
        t.check(r.is_ok(), || format!("{id}: x5c: {r:?}"));
    }
    assert_eq!(
        implemented, 9,
        "6 composites + 3 pure ML-DSA entries expected"
    );
    t.finish();
}

//! Composite ML-KEM known-answer vectors of draft-ietf-lamps-pq-composite-kem-17
//! (`composite-kem/testvectors.json`, read in place through `pqhybrid-kat`).
//!
//! Each entry `{tcId, ek, x5c, dk, dk_pkcs8, c, k}` is checked in its raw formats (the X.509 and
//! PKCS #8 wrappings belong to the encoding tests):
//! * key derivation: the public key derived from `dk` equals `ek`, `dk` re-encodes to itself,
//!   and `ek` imports and re-encodes to itself;
//! * decapsulation: `Decaps(dk, c) == k`, through the typed API and, for the algorithms that
//!   are `KemAlgorithm` variants, through the agile layer.
//!
//! The plain ML-KEM entries (`id-alg-ml-kem-*`, `dk` = the 64-byte seed) run through
//! `primitives::ml_kem`. Entries whose traditional component pqhybrid does not offer (RSA-OAEP,
//! brainpool curves, X448, P-521) are counted as not applicable.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::KemAlgorithm;
use pqhybrid::hybrid::composite_kem::{
    CompositeKemParams, DecapsulationKey, EncapsulationKey, MlKem768EcdhP256Sha3_256,
    MlKem768EcdhP384Sha3_256, MlKem768X25519Sha3_256, MlKem1024EcdhP384Sha3_256,
};
use pqhybrid::primitives::ml_kem::{self, MlKemParams};
use pqhybrid_kat::json::{self, OrPanic as _};
use pqhybrid_kat::{Tally, load_json};

struct Entry {
    ek: Vec<u8>,
    dk: Vec<u8>,
    c: Vec<u8>,
    k: Vec<u8>,
}

fn agile_decaps(alg: KemAlgorithm, e: &Entry) -> Result<(), String> {
    let mut ss = [0u8; 32];
    alg.decapsulate(&e.dk, &e.c, &mut ss)
        .map_err(|err| format!("agile decaps: {err}"))?;
    if ss.as_slice() != e.k.as_slice() {
        return Err("agile decaps: k differs".into());
    }
    Ok(())
}

fn check_composite<C: CompositeKemParams>(
    e: &Entry,
    agile: Option<KemAlgorithm>,
) -> Result<(), String> {
    let dk = DecapsulationKey::<C>::from_bytes(&e.dk).map_err(|err| format!("dk import: {err}"))?;
    if dk.to_bytes().as_ref() != e.dk.as_slice() {
        return Err("dk does not re-encode to itself".into());
    }
    if dk.encapsulation_key().to_bytes().as_ref() != e.ek.as_slice() {
        return Err("ek derived from dk differs".into());
    }
    let ek = EncapsulationKey::<C>::from_bytes(&e.ek).map_err(|err| format!("ek import: {err}"))?;
    if ek.to_bytes().as_ref() != e.ek.as_slice() {
        return Err("ek does not re-encode to itself".into());
    }
    let k = dk
        .decapsulate(&e.c)
        .map_err(|err| format!("decaps: {err}"))?;
    if k.as_bytes().as_slice() != e.k.as_slice() {
        return Err("decaps: k differs".into());
    }
    if let Some(alg) = agile {
        if alg.public_key_len() != e.ek.len()
            || alg.secret_key_len() != e.dk.len()
            || alg.ciphertext_len() != e.c.len()
        {
            return Err("agile sizes differ from the vector".into());
        }
        agile_decaps(alg, e)?;
    }
    Ok(())
}

fn check_ml_kem<P: MlKemParams>(e: &Entry, alg: KemAlgorithm) -> Result<(), String> {
    let dk = ml_kem::DecapsulationKey::<P>::from_seed_slice(&e.dk)
        .map_err(|err| format!("dk import: {err}"))?;
    if dk.encapsulation_key().to_bytes().as_ref() != e.ek.as_slice() {
        return Err("ek derived from dk differs".into());
    }
    ml_kem::EncapsulationKey::<P>::from_bytes(&e.ek).map_err(|err| format!("ek import: {err}"))?;
    let k = dk
        .decapsulate(&e.c)
        .map_err(|err| format!("decaps: {err}"))?;
    if k.as_bytes().as_slice() != e.k.as_slice() {
        return Err("decaps: k differs".into());
    }
    agile_decaps(alg, e)
}

enum Verdict {
    Run(Result<(), String>),
    NotApplicable(&'static str),
}

fn run_case(tc_id: &str, e: &Entry) -> Verdict {
    use Verdict::{NotApplicable, Run};
    match tc_id {
        "id-alg-ml-kem-768" => Run(check_ml_kem::<ml_kem::MlKem768>(e, KemAlgorithm::MlKem768)),
        "id-alg-ml-kem-1024" => Run(check_ml_kem::<ml_kem::MlKem1024>(
            e,
            KemAlgorithm::MlKem1024,
        )),
        "id-MLKEM768-X25519-SHA3-256" => Run(check_composite::<MlKem768X25519Sha3_256>(
            e,
            Some(KemAlgorithm::MlKem768X25519Sha3_256),
        )),
        "id-MLKEM768-ECDH-P256-SHA3-256" => Run(check_composite::<MlKem768EcdhP256Sha3_256>(
            e,
            Some(KemAlgorithm::MlKem768EcdhP256Sha3_256),
        )),
        // Typed API only: KemAlgorithm has no variant for this combination.
        "id-MLKEM768-ECDH-P384-SHA3-256" => {
            Run(check_composite::<MlKem768EcdhP384Sha3_256>(e, None))
        }
        "id-MLKEM1024-ECDH-P384-SHA3-256" => Run(check_composite::<MlKem1024EcdhP384Sha3_256>(
            e,
            Some(KemAlgorithm::MlKem1024EcdhP384Sha3_256),
        )),
        // Not offered: pqhybrid has no RSA-OAEP, brainpool, X448 or P-521 implementation
        // (see src/hybrid/composite_kem.rs).
        id if id.contains("-RSA") => NotApplicable("RSA-OAEP component not offered by pqhybrid"),
        id if id.contains("brainpool") => {
            NotApplicable("brainpool curve component not offered by pqhybrid")
        }
        id if id.contains("-X448-") => NotApplicable("X448 component not offered by pqhybrid"),
        id if id.contains("-P521-") => NotApplicable("P-521 component not offered by pqhybrid"),
        _ => Run(Err("unknown algorithm: no handler in this test".into())),
    }
}

#[test]
fn composite_kem_test_vectors() {
    let v = load_json("composite-kem/testvectors.json");
    let cases = json::array(&v, "tests").or_panic();
    let mut tally = Tally::new("composite-kem", "testvectors.json");
    for case in cases {
        let tc_id = json::str(case, "tcId").unwrap_or("<no tcId>").to_owned();
        let entry = (|| -> Result<Entry, String> {
            Ok(Entry {
                ek: json::b64(case, "ek")?,
                dk: json::b64(case, "dk")?,
                c: json::b64(case, "c")?,
                k: json::b64(case, "k")?,
            })
        })();
        let entry = match entry {
            Ok(e) => e,
            Err(msg) => {
                tally.fail(format!("{tc_id}: {msg}"));
                continue;
            }
        };
        match catch_unwind(AssertUnwindSafe(|| run_case(&tc_id, &entry))) {
            Ok(Verdict::Run(Ok(()))) => tally.pass(),
            Ok(Verdict::Run(Err(msg))) => tally.fail(format!("{tc_id}: {msg}")),
            Ok(Verdict::NotApplicable(reason)) => tally.na(reason),
            Err(_) => tally.fail(format!("{tc_id}: panicked")),
        }
    }
    tally.finish();
}

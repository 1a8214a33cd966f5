//! X-Wing known-answer vectors of draft-connolly-cfrg-xwing-kem-10 (`xwing/test-vectors.json`,
//! read in place through `pqhybrid-kat`).
//!
//! Each case `{seed, sk, pk, eseed, ct, ss}` checks, through the typed API and through
//! `KemAlgorithm::XWing`: key generation from the seed (`GenerateKeyPairDerand`: `sk`, `pk`),
//! deterministic encapsulation (`EncapsulateDerand(pk, eseed)`: `ct`, `ss`) and decapsulation
//! (`Decapsulate(ct, sk) == ss`). A case passes only if every check does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::KemAlgorithm;
use pqhybrid::hybrid::xwing::{self, DecapsulationKey, EncapsulationKey};
use pqhybrid_kat::json::{self, Value};
use pqhybrid_kat::{Tally, load_json};

fn run_case(case: &Value) -> Result<(), String> {
    let seed = json::hex(case, "seed")?;
    let sk = json::hex(case, "sk")?;
    let pk = json::hex(case, "pk")?;
    let eseed = json::hex(case, "eseed")?;
    let ct = json::hex(case, "ct")?;
    let ss = json::hex(case, "ss")?;

    // Typed API.
    let dk = DecapsulationKey::from_seed_slice(&seed).map_err(|e| format!("from_seed: {e}"))?;
    if dk.seed().as_slice() != sk.as_slice() {
        return Err("sk differs".into());
    }
    if dk.encapsulation_key().to_bytes().as_slice() != pk.as_slice() {
        return Err("pk differs".into());
    }
    let ek = EncapsulationKey::from_bytes(&pk).map_err(|e| format!("ek import: {e}"))?;
    let eseed_arr: [u8; xwing::ENCAPS_RANDOMNESS_LEN] =
        eseed.as_slice().try_into().map_err(|_| "eseed length")?;
    let (c, k) = ek
        .encapsulate_deterministic(&eseed_arr)
        .map_err(|e| format!("encaps: {e}"))?;
    if c.as_slice() != ct.as_slice() {
        return Err("ct differs".into());
    }
    if k.as_bytes().as_slice() != ss.as_slice() {
        return Err("encaps ss differs".into());
    }
    let k2 = DecapsulationKey::from_seed_slice(&sk)
        .and_then(|d| d.decapsulate(&ct))
        .map_err(|e| format!("decaps: {e}"))?;
    if k2.as_bytes().as_slice() != ss.as_slice() {
        return Err("decaps ss differs".into());
    }

    // Agile layer.
    let alg = KemAlgorithm::XWing;
    let mut apk = vec![0u8; alg.public_key_len()];
    let mut ask = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&seed, &mut apk, &mut ask)
        .map_err(|e| format!("agile keygen: {e}"))?;
    if apk != pk || ask != sk {
        return Err("agile keygen differs".into());
    }
    let mut act = vec![0u8; alg.ciphertext_len()];
    let mut ass = [0u8; 32];
    alg.encapsulate_deterministic(&pk, &eseed, &mut act, &mut ass)
        .map_err(|e| format!("agile encaps: {e}"))?;
    if act != ct || ass.as_slice() != ss.as_slice() {
        return Err("agile encaps differs".into());
    }
    let mut dss = [0u8; 32];
    alg.decapsulate(&sk, &ct, &mut dss)
        .map_err(|e| format!("agile decaps: {e}"))?;
    if dss.as_slice() != ss.as_slice() {
        return Err("agile decaps differs".into());
    }
    Ok(())
}

#[test]
fn xwing_test_vectors() {
    let v = load_json("xwing/test-vectors.json");
    let cases = v
        .as_array()
        .expect("xwing/test-vectors.json is a JSON array");
    let mut tally = Tally::new("xwing", "test-vectors.json");
    for (i, case) in cases.iter().enumerate() {
        match catch_unwind(AssertUnwindSafe(|| run_case(case))) {
            Ok(Ok(())) => tally.pass(),
            Ok(Err(msg)) => tally.fail(format!("case {i}: {msg}")),
            Err(_) => tally.fail(format!("case {i}: panicked")),
        }
    }
    tally.finish();
}

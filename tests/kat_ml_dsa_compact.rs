//! The compact ML-DSA verifier (`primitives::ml_dsa_compact`) against published vectors: NIST
//! ACVP `ML-DSA-sigVer-FIPS204` (pure, internal and external-μ interfaces) and the Wycheproof
//! `mldsa_{44,65,87}_verify_test.json` files, read in place through `pqhybrid-kat`.
//!
//! Each case must give the expected accept/reject AND exactly the same `Result` (the same
//! `Error`, fields included) as the RustCrypto-backed `primitives::ml_dsa::VerifyingKey` on the
//! same inputs. HashML-DSA (`preHash`) groups are counted not applicable: neither verifier offers
//! the pre-hash variant.
//!
//! Run: `cargo test -p pqhybrid --all-features --test kat_ml_dsa_compact -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::primitives::ml_dsa::{
    MessageHasher, MlDsa44, MlDsa65, MlDsa87, MlDsaParams, VerifyingKey,
};
use pqhybrid::primitives::ml_dsa_compact::{self as compact, Params};
use pqhybrid_kat::{Tally, hex, load_json};
use serde_json::Value;

type Check = Result<(), String>;

const PREHASH_NA: &str = "HashML-DSA (pre-hash) not offered by pqhybrid";

/// How μ is formed for a case.
enum Input<'a> {
    /// Pure ML-DSA: message and context.
    Pure { msg: &'a [u8], ctx: &'a [u8] },
    /// `Verify_internal` on `M'` given whole: μ = SHAKE256(tr ‖ M', 64).
    Internal { msg: &'a [u8] },
    /// `Verify_internal` from a given μ.
    Mu(&'a [u8]),
}

fn params_of(name: &str) -> Result<&'static Params, String> {
    match name {
        "ML-DSA-44" => Ok(&compact::ML_DSA_44),
        "ML-DSA-65" => Ok(&compact::ML_DSA_65),
        "ML-DSA-87" => Ok(&compact::ML_DSA_87),
        other => Err(format!("unknown parameter set {other:?}")),
    }
}

fn mu_array(bytes: &[u8]) -> Result<[u8; 64], String> {
    bytes
        .try_into()
        .map_err(|_| format!("vector μ has {} bytes", bytes.len()))
}

/// The default backend's verifier's result on the pure interface (the backends verify whole
/// messages only; internal and external-μ cases are held to the expected result alone).
fn reference<P: MlDsaParams>(
    pk: &[u8],
    input: &Input<'_>,
    sig: &[u8],
) -> Result<Option<pqhybrid::Result<()>>, String> {
    let vk = match VerifyingKey::<P>::from_bytes(pk) {
        Ok(vk) => vk,
        Err(e) => return Ok(Some(Err(e))),
    };
    Ok(match input {
        Input::Pure { msg, ctx } => Some(vk.verify(msg, ctx, sig)),
        Input::Internal { .. } | Input::Mu(_) => None,
    })
}

/// The compact verifier's result.
fn compact_result(
    params: &'static Params,
    pk: &[u8],
    input: &Input<'_>,
    sig: &[u8],
) -> Result<pqhybrid::Result<()>, String> {
    Ok(match input {
        Input::Pure { msg, ctx } => compact::verify(params, pk, msg, ctx, sig),
        Input::Internal { msg } => {
            // Without a valid-length key there is no tr; the length error comes first anyway.
            let tr = compact::public_key_hash(pk);
            let mut h = MessageHasher::new_internal(&tr);
            h.update(msg);
            compact::verify_mu(params, pk, &h.finalize().0, sig)
        }
        Input::Mu(mu) => compact::verify_mu(params, pk, &mu_array(mu)?, sig),
    })
}

/// One case: accept/reject as expected and the same `Result` as the reference.
fn case(ps: &str, pk: &[u8], input: &Input<'_>, sig: &[u8], want_ok: bool) -> Check {
    let params = params_of(ps)?;
    let got = compact_result(params, pk, input, sig)?;
    let want = match ps {
        "ML-DSA-44" => reference::<MlDsa44>(pk, input, sig)?,
        "ML-DSA-65" => reference::<MlDsa65>(pk, input, sig)?,
        _ => reference::<MlDsa87>(pk, input, sig)?,
    };
    if got.is_ok() != want_ok {
        return Err(format!(
            "compact verifier gave {got:?}, expected {}",
            if want_ok { "Ok" } else { "a rejection" }
        ));
    }
    if let Some(want) = want
        && got != want
    {
        return Err(format!(
            "compact verifier gave {got:?}, the backend {want:?}"
        ));
    }
    Ok(())
}

fn run(t: &mut Tally, id: &str, f: impl FnOnce() -> Check) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => t.pass(),
        Ok(Err(msg)) => t.fail(format!("{id}: {msg}")),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "<non-string payload>".to_owned());
            t.fail(format!("{id}: PANIC: {msg}"));
        }
    }
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn req<'a>(v: &'a Value, k: &str) -> &'a str {
    s(v, k).unwrap_or_else(|| panic!("vector: missing string field {k:?}"))
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a Vec<Value> {
    v.get(k)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("vector: missing array field {k:?}"))
}

#[test]
fn acvp_ml_dsa_sigver_compact() {
    let v = load_json("acvp/ML-DSA-sigVer-FIPS204/internalProjection.json");
    let mut t = Tally::new("acvp", "ML-DSA-sigVer-FIPS204 [compact]");
    for g in arr(&v, "testGroups") {
        let ps = req(g, "parameterSet");
        let tg = g.get("tgId").and_then(Value::as_u64).unwrap_or(0);
        let interface = req(g, "signatureInterface");
        let pre_hash = s(g, "preHash");
        let external_mu = g.get("externalMu").and_then(Value::as_bool);
        for c in arr(g, "tests") {
            let tc = c.get("tcId").and_then(Value::as_u64).unwrap_or(0);
            let id = format!(
                "tgId {tg} tcId {tc} ({ps}, {interface}, {:?})",
                s(c, "reason")
            );
            if interface == "external" && pre_hash == Some("preHash") {
                t.na(PREHASH_NA);
                continue;
            }
            run(&mut t, &id, || {
                let pk = hex(req(c, "pk"));
                let sig = hex(req(c, "signature"));
                let msg = s(c, "message").map(hex).unwrap_or_default();
                let ctx = s(c, "context").map(hex).unwrap_or_default();
                let mu = s(c, "mu").map(hex);
                let passed = c
                    .get("testPassed")
                    .and_then(Value::as_bool)
                    .ok_or("vector: missing testPassed")?;
                let input = match (interface, pre_hash, external_mu) {
                    ("external", Some("pure"), _) => Input::Pure {
                        msg: &msg,
                        ctx: &ctx,
                    },
                    ("internal", _, Some(true)) => {
                        Input::Mu(mu.as_deref().ok_or("vector: missing mu")?)
                    }
                    ("internal", _, _) => Input::Internal { msg: &msg },
                    other => return Err(format!("unknown signature interface {other:?}")),
                };
                case(ps, &pk, &input, &sig, passed)
            });
        }
    }
    t.finish();
}

fn wycheproof_verify(file: &str) {
    let v = load_json(&format!("wycheproof/{file}.json"));
    let ps = req(&v, "algorithm");
    let mut t = Tally::new("wycheproof", &format!("{file} [compact]"));
    let mut counted = 0u64;
    for g in arr(&v, "testGroups") {
        for c in arr(g, "tests") {
            counted += 1;
            let id = format!(
                "tcId {} ({})",
                c.get("tcId").and_then(Value::as_u64).unwrap_or(0),
                s(c, "comment").unwrap_or("")
            );
            run(&mut t, &id, || {
                let pk = hex(req(g, "publicKey"));
                let msg = hex(req(c, "msg"));
                let ctx = s(c, "ctx").map(hex).unwrap_or_default();
                let sig = hex(req(c, "sig"));
                let want_ok = match req(c, "result") {
                    "valid" => true,
                    "invalid" => false,
                    other => return Err(format!("unexpected result {other:?}")),
                };
                case(
                    ps,
                    &pk,
                    &Input::Pure {
                        msg: &msg,
                        ctx: &ctx,
                    },
                    &sig,
                    want_ok,
                )
            });
        }
    }
    assert_eq!(
        Some(counted),
        v.get("numberOfTests").and_then(Value::as_u64),
        "numberOfTests disagrees with the cases read"
    );
    t.finish();
}

#[test]
fn wycheproof_mldsa_44_verify_compact() {
    wycheproof_verify("mldsa_44_verify_test");
}

#[test]
fn wycheproof_mldsa_65_verify_compact() {
    wycheproof_verify("mldsa_65_verify_test");
}

#[test]
fn wycheproof_mldsa_87_verify_compact() {
    wycheproof_verify("mldsa_87_verify_test");
}

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
use pqhybrid_kat::json::{self, OrPanic as _};
use pqhybrid_kat::{Tally, load_json};

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

#[test]
fn acvp_ml_dsa_sigver_compact() {
    let v = load_json("acvp/ML-DSA-sigVer-FIPS204/internalProjection.json");
    let mut t = Tally::new("acvp", "ML-DSA-sigVer-FIPS204 [compact]");
    for g in json::array(&v, "testGroups").or_panic() {
        let ps = json::str(g, "parameterSet").or_panic();
        let tg = json::opt_u64(g, "tgId").or_panic().unwrap_or(0);
        let interface = json::str(g, "signatureInterface").or_panic();
        let pre_hash = json::opt_str(g, "preHash").or_panic();
        let external_mu = json::opt_bool(g, "externalMu").or_panic();
        for c in json::array(g, "tests").or_panic() {
            let tc = json::opt_u64(c, "tcId").or_panic().unwrap_or(0);
            let id = format!(
                "tgId {tg} tcId {tc} ({ps}, {interface}, {:?})",
                json::opt_str(c, "reason").or_panic()
            );
            if interface == "external" && pre_hash == Some("preHash") {
                t.na(PREHASH_NA);
                continue;
            }
            run(&mut t, &id, || {
                let pk = json::hex(c, "pk")?;
                let sig = json::hex(c, "signature")?;
                let msg = json::opt_hex(c, "message")?.unwrap_or_default();
                let ctx = json::opt_hex(c, "context")?.unwrap_or_default();
                let mu = json::opt_hex(c, "mu")?;
                let passed = json::bool(c, "testPassed")?;
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
    let v = load_json(&format!("wycheproof/{file}"));
    let ps = json::str(&v, "algorithm").or_panic();
    // The same file as `kat_ml_dsa`'s, told apart by the tag.
    let mut t = Tally::new("wycheproof", &format!("{file} [compact]"));
    let mut counted = 0u64;
    for g in json::array(&v, "testGroups").or_panic() {
        for c in json::array(g, "tests").or_panic() {
            counted += 1;
            let id = format!(
                "tcId {} ({})",
                json::opt_u64(c, "tcId").or_panic().unwrap_or(0),
                json::opt_str(c, "comment").or_panic().unwrap_or("")
            );
            run(&mut t, &id, || {
                let pk = json::hex(g, "publicKey")?;
                let msg = json::hex(c, "msg")?;
                let ctx = json::opt_hex(c, "ctx")?.unwrap_or_default();
                let sig = json::hex(c, "sig")?;
                let want_ok = match json::str(c, "result")? {
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
        json::opt_u64(&v, "numberOfTests").or_panic(),
        "numberOfTests disagrees with the cases read"
    );
    t.finish();
}

#[test]
fn wycheproof_mldsa_44_verify_compact() {
    wycheproof_verify("mldsa_44_verify_test.json");
}

#[test]
fn wycheproof_mldsa_65_verify_compact() {
    wycheproof_verify("mldsa_65_verify_test.json");
}

#[test]
fn wycheproof_mldsa_87_verify_compact() {
    wycheproof_verify("mldsa_87_verify_test.json");
}

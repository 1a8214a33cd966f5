//! Known-answer tests of the compact ML-DSA signer (`primitives::ml_dsa_compact::{expand_key,
//! sign, sign_mu, sign_mu_expanded_hazmat}`) on NIST's ACVP vectors: `ML-DSA-keyGen-FIPS204`
//! (seed → public and expanded key) and `ML-DSA-sigGen-FIPS204` and `-tr1` (pure, internal and
//! external-μ interfaces; deterministic and hedged; expanded and seed keys). HashML-DSA cases
//! are not applicable: pqhybrid offers pure ML-DSA only.
//!
//! Run: `cargo test -p pqhybrid --all-features --test kat_ml_dsa_compact_sign -- --nocapture`.

#![cfg(feature = "hazmat")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::primitives::ml_dsa_compact::{self as compact, Params};
use pqhybrid_kat::json::{self, OrPanic as _, Value};
use pqhybrid_kat::report::{diff_bytes, panic_message};
use pqhybrid_kat::{Tally, hex, load_json};

/// `Ok` or what went wrong.
type Check<T = ()> = Result<T, String>;

const PREHASH_NA: &str = "HashML-DSA (pre-hash) not offered by pqhybrid";

fn params_of(name: &str) -> Check<&'static Params> {
    match name {
        "ML-DSA-44" => Ok(&compact::ML_DSA_44),
        "ML-DSA-65" => Ok(&compact::ML_DSA_65),
        "ML-DSA-87" => Ok(&compact::ML_DSA_87),
        other => Err(format!("unknown parameter set {other:?}")),
    }
}

fn run(t: &mut Tally, id: &str, f: impl FnOnce() -> Check) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => t.pass(),
        Ok(Err(msg)) => t.fail(format!("{id}: {msg}")),
        Err(p) => t.fail(format!(
            "{id}: PANIC (a panic inside pqhybrid is a bug): {}",
            panic_message(p.as_ref())
        )),
    }
}

fn lib<T>(what: &str, r: pqhybrid::Result<T>) -> Check<T> {
    r.map_err(|e| format!("{what}: unexpected error {e:?}"))
}

fn fixed<const N: usize>(what: &str, b: &[u8]) -> Check<[u8; N]> {
    b.try_into()
        .map_err(|_| format!("vector {what} has {} bytes, expected {N}", b.len()))
}

/// `SHAKE256(parts…, 64)`: μ from tr and M' (FIPS 204 Algorithm 7 line 6).
fn shake64(parts: &[&[u8]]) -> [u8; 64] {
    use shake::digest::{ExtendableOutput as _, Update as _, XofReader as _};
    let mut h = shake::Shake256::default();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; 64];
    h.finalize_xof().read(&mut out);
    out
}

#[test]
fn acvp_ml_dsa_keygen_compact() {
    let v = load_json("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
    let mut t = Tally::new("acvp", "ML-DSA-keyGen-FIPS204 [compact signer]");
    for g in json::array(&v, "testGroups").or_panic() {
        let ps = json::str(g, "parameterSet").or_panic();
        let tg = json::u64(g, "tgId").or_panic();
        for c in json::array(g, "tests").or_panic() {
            let id = format!("tgId {tg} tcId {} ({ps})", json::u64(c, "tcId").or_panic());
            run(&mut t, &id, || {
                let params = params_of(ps)?;
                let seed: [u8; 32] = fixed("seed", &json::hex(c, "seed")?)?;
                let (want_pk, want_sk) = (json::hex(c, "pk")?, json::hex(c, "sk")?);
                let mut pk = vec![0u8; params.pk_len];
                let mut sk = vec![0u8; params.sk_len];
                lib(
                    "expand_key",
                    compact::expand_key(params, &seed, &mut sk, &mut pk),
                )?;
                diff_bytes("pk", &pk, &want_pk)?;
                diff_bytes("sk", &sk, &want_sk)?;
                let mut pk_only = vec![0u8; params.pk_len];
                lib(
                    "public_key",
                    compact::public_key(params, &seed, &mut pk_only),
                )?;
                diff_bytes("pk (public_key)", &pk_only, &want_pk)
            });
        }
    }
    t.finish();
}

/// How μ is formed for a sigGen group; `None` for HashML-DSA.
#[derive(Clone, Copy, Debug)]
enum Iface {
    /// Pure ML-DSA: `M' = 0 ‖ |ctx| ‖ ctx ‖ M`.
    Pure,
    /// `Sign_internal` on `M'` given whole.
    Internal,
    /// `Sign_internal` from a given μ.
    ExternalMu,
}

fn iface_of(g: &Value) -> Check<Option<Iface>> {
    let interface = json::str(g, "signatureInterface")?;
    let pre_hash = json::opt_str(g, "preHash")?;
    let external_mu = json::opt_bool(g, "externalMu")?;
    match (interface, pre_hash, external_mu) {
        ("external", Some("pure"), _) => Ok(Some(Iface::Pure)),
        ("external", Some("preHash"), _) => Ok(None),
        ("internal", _, Some(true)) => Ok(Some(Iface::ExternalMu)),
        ("internal", _, Some(false) | None) => Ok(Some(Iface::Internal)),
        other => Err(format!("unknown signature interface {other:?}")),
    }
}

/// One sigGen case on the compact signer.
fn siggen_case(
    params: &'static Params,
    iface: Iface,
    c: &Value,
    rnd: &[u8; 32],
    key_format: &str,
    want: &[u8],
) -> Check {
    let msg = json::opt_hex(c, "message")?.unwrap_or_default();
    let ctx = json::opt_hex(c, "context")?.unwrap_or_default();
    let mut sig = vec![0u8; params.sig_len];
    match key_format {
        "expanded" => {
            let sk = json::hex(c, "sk")?;
            let tr = sk.get(64..128).ok_or("vector sk too short for tr")?;
            let mu = match iface {
                Iface::Pure => {
                    let ctx_len = [0, u8::try_from(ctx.len()).map_err(|_| "context > 255")?];
                    shake64(&[tr, &ctx_len, &ctx, &msg])
                }
                Iface::Internal => shake64(&[tr, &msg]),
                Iface::ExternalMu => fixed("mu", &json::hex(c, "mu")?)?,
            };
            lib(
                "sign_mu_expanded_hazmat",
                compact::sign_mu_expanded_hazmat(params, &sk, &mu, rnd, &mut sig),
            )?;
            diff_bytes("signature (expanded key)", &sig, want)
        }
        "seed" => {
            let seed: [u8; 32] = fixed("seed", &json::hex(c, "seed")?)?;
            let mut sk = vec![0u8; params.sk_len];
            let mut pk = vec![0u8; params.pk_len];
            lib(
                "expand_key",
                compact::expand_key(params, &seed, &mut sk, &mut pk),
            )?;
            let tr = compact::public_key_hash(&pk);
            let mu = match iface {
                Iface::Pure => {
                    lib(
                        "sign",
                        compact::sign(params, &seed, &msg, &ctx, rnd, &mut sig),
                    )?;
                    diff_bytes("signature (sign from the seed)", &sig, want)?;
                    let ctx_len = [0, u8::try_from(ctx.len()).map_err(|_| "context > 255")?];
                    shake64(&[&tr, &ctx_len, &ctx, &msg])
                }
                Iface::Internal => shake64(&[&tr, &msg]),
                Iface::ExternalMu => fixed("mu", &json::hex(c, "mu")?)?,
            };
            lib(
                "sign_mu",
                compact::sign_mu(params, &seed, &mu, rnd, &mut sig),
            )?;
            diff_bytes("signature (sign_mu from the seed)", &sig, want)?;
            lib(
                "compact verify_mu",
                compact::verify_mu(params, &pk, &mu, &sig),
            )
        }
        other => Err(format!("unknown keyFormat {other:?}")),
    }
}

fn acvp_siggen(folder: &str) {
    let prompt = load_json(&format!("acvp/{folder}/prompt.json"));
    let results = load_json(&format!("acvp/{folder}/expectedResults.json"));
    let mut expected: HashMap<(u64, u64), String> = HashMap::new();
    for g in json::array(&results, "testGroups").or_panic() {
        let tg = json::u64(g, "tgId").or_panic();
        for c in json::array(g, "tests").or_panic() {
            expected.insert(
                (tg, json::u64(c, "tcId").or_panic()),
                json::str(c, "signature").or_panic().to_owned(),
            );
        }
    }
    let mut t = Tally::new("acvp", &format!("{folder} [compact signer]"));
    for g in json::array(&prompt, "testGroups").or_panic() {
        let ps = json::str(g, "parameterSet").or_panic();
        let tg = json::u64(g, "tgId").or_panic();
        let iface = iface_of(g);
        let deterministic = json::bool(g, "deterministic").or_panic();
        let key_format = json::opt_str(g, "keyFormat")
            .or_panic()
            .unwrap_or("expanded");
        for c in json::array(g, "tests").or_panic() {
            let tc = json::u64(c, "tcId").or_panic();
            let want = expected.remove(&(tg, tc));
            if matches!(iface, Ok(None)) {
                t.na(PREHASH_NA);
                continue;
            }
            let id = format!("tgId {tg} tcId {tc} ({ps}, {key_format}, det={deterministic})");
            run(&mut t, &id, || {
                let iface = iface.clone()?.ok_or("unreachable: preHash handled above")?;
                let params = params_of(ps)?;
                let rnd: [u8; 32] = if deterministic {
                    [0; 32]
                } else {
                    fixed("rnd", &json::hex(c, "rnd")?)?
                };
                let want = hex(&want.ok_or("no expected result for this (tgId, tcId)")?);
                siggen_case(params, iface, c, &rnd, key_format, &want)
            });
        }
    }
    for (tg, tc) in expected.keys() {
        t.fail(format!(
            "tgId {tg} tcId {tc}: expected result without a prompt case"
        ));
    }
    t.finish();
}

#[test]
fn acvp_ml_dsa_siggen_compact() {
    acvp_siggen("ML-DSA-sigGen-FIPS204");
}

#[test]
fn acvp_ml_dsa_siggen_tr1_compact() {
    acvp_siggen("ML-DSA-sigGen-FIPS204-tr1");
}

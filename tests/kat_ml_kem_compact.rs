//! The compact ML-KEM (`primitives::ml_kem_compact`) against published vectors: NIST ACVP
//! (`ML-KEM-keyGen-FIPS203`, `ML-KEM-encapDecap-FIPS203` and `-tr1`) and the Wycheproof
//! `mlkem_{512,768,1024}_{test,encaps_test,keygen_seed_test,semi_expanded_decaps_test}.json`
//! files, read in place through `pqhybrid-kat`.
//!
//! Each case must give the expected answer byte for byte (or the specific [`Error`] for an input
//! that must be rejected: wrong length → `InvalidLength` with the exact field and lengths;
//! unreduced key coefficient or failed hash check → `InvalidKey`) AND exactly the same `Result`
//! as the default backend's typed API (`primitives::ml_kem`) on the same inputs, wherever the
//! typed API offers the operation. Output buffers are given a few spare bytes: nothing may be
//! written past the output, and nothing at all when the call fails.
//!
//! Cases the compact API cannot express are counted not applicable with the reason: the
//! Wycheproof decapsulation vectors with a seed that is not 64 bytes (the compact functions take
//! `&[u8; 64]`, so such a seed cannot be passed at all).
//!
//! A panic while running a case is caught and recorded as a failure naming the case.
//!
//! Run: `cargo test -p pqhybrid --all-features --test kat_ml_kem_compact -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::primitives::ml_kem::{
    DecapsulationKey, EncapsulationKey, MlKem512, MlKem768, MlKem1024, MlKemParams,
};
use pqhybrid::primitives::ml_kem_compact::{self as compact, Params, SEED_LEN};
use pqhybrid::{Error, Field};
use pqhybrid_kat::json::{self, OrPanic as _, Value};
use pqhybrid_kat::report::{case_label, diff_bytes, panic_message, preview};
use pqhybrid_kat::rng::Replay;
use pqhybrid_kat::{Tally, load_json};

/// What a case came to, unless it failed.
enum Verdict {
    Pass,
    /// Not applicable, with the reason.
    Na(&'static str),
}

/// `Ok` with the verdict, or what went wrong.
type CaseResult = Result<Verdict, String>;

/// `Ok(())` if a check passed, else what went wrong.
type Check = Result<(), String>;

/// A decapsulation's (or a shared secret's) outcome: `K` or the error.
type SsOutcome = pqhybrid::Result<[u8; 32]>;

/// An encapsulation's outcome: `(c, K)` or the error.
type EncOutcome = pqhybrid::Result<(Vec<u8>, [u8; 32])>;

/// Spare bytes after every output buffer, filled with [`CANARY`].
const SPARE: usize = 8;
/// The fill of the output buffers: what must still be there where nothing may be written.
const CANARY: u8 = 0xa5;

/// Why a Wycheproof decapsulation case with a malformed seed is not applicable.
const SEED_LEN_NA: &str = "seed not 64 bytes: the compact API takes &[u8; 64], so a \
                           wrong-length seed cannot be passed (rejected at compile time)";

// ---------------------------------------------------------------------------------------------
// Parameter sets, bookkeeping, comparisons.
// ---------------------------------------------------------------------------------------------

/// Runs `$body` with `$P` bound to the typed parameter set and `$cp` to the compact one named
/// by `$name` (`Option<&str>`); an unknown name fails the case.
macro_rules! with_params {
    ($name:expr, $P:ident, $cp:ident => $body:expr) => {
        match $name {
            Some("ML-KEM-512") => {
                type $P = MlKem512;
                let $cp: &'static Params = &compact::ML_KEM_512;
                $body
            }
            Some("ML-KEM-768") => {
                type $P = MlKem768;
                let $cp: &'static Params = &compact::ML_KEM_768;
                $body
            }
            Some("ML-KEM-1024") => {
                type $P = MlKem1024;
                let $cp: &'static Params = &compact::ML_KEM_1024;
                $body
            }
            other => Err(format!("unknown parameterSet {other:?}")),
        }
    };
}

/// Runs one case, recording pass, fail or not applicable. A panic is a failure.
fn run_case(tally: &mut Tally, label: &str, case: impl FnOnce() -> CaseResult) {
    match catch_unwind(AssertUnwindSafe(case)) {
        Ok(Ok(Verdict::Pass)) => tally.pass(),
        Ok(Ok(Verdict::Na(reason))) => tally.na(reason),
        Ok(Err(msg)) => tally.fail(format!("{label}: {msg}")),
        Err(payload) => {
            let msg = panic_message(payload.as_ref());
            tally.fail(format!(
                "{label}: PANIC while running the case (a panic inside pqhybrid is a bug): {msg}"
            ));
        }
    }
}

/// Unwraps a result that must succeed.
fn must<T>(what: &str, r: pqhybrid::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{what} failed: {e:?} ({e})"))
}

/// The compact result must equal the typed API's, error fields included.
fn agree<T: PartialEq + Debug>(what: &str, compact: &T, typed: &T) -> Check {
    if compact == typed {
        Ok(())
    } else {
        Err(format!(
            "{what}: compact gave {compact:?}, the typed API (default backend) {typed:?}"
        ))
    }
}

/// Judges an outcome against a Wycheproof `result` (or an ACVP `testPassed` mapped to
/// `"valid"`/`"invalid"`). `valid`: must succeed and `on_ok` must accept the output.
/// `invalid`: must fail with exactly `want_err` (`None`: the case names no defect the API can
/// report, which fails it). `acceptable`: either, but a success is still checked by `on_ok`.
fn judge<T>(
    result: Option<&str>,
    what: &str,
    got: pqhybrid::Result<T>,
    want_err: Option<Error>,
    on_ok: impl FnOnce(T) -> Check,
) -> Check {
    match (result, got) {
        (Some("valid"), got) => on_ok(must(what, got)?),
        (Some("invalid"), Ok(_)) => Err(format!("{what} accepted an invalid input")),
        (Some("invalid"), Err(e)) => match want_err {
            Some(w) if w == e => Ok(()),
            Some(w) => Err(format!("{what} failed with {e:?}, expected {w:?}")),
            None => Err(format!(
                "{what} failed with {e:?} on an invalid case with no known defect"
            )),
        },
        (Some("acceptable"), Err(_)) => Ok(()),
        (Some("acceptable"), Ok(v)) => on_ok(v),
        (other, _) => Err(format!("unknown result {other:?}")),
    }
}

/// `InvalidLength` for `field` unless `actual == expected`.
fn len_err(field: Field, expected: usize, actual: usize) -> Option<Error> {
    (actual != expected).then_some(Error::InvalidLength {
        field,
        expected,
        actual,
    })
}

/// The error the §7.2 check of an encapsulation key gives: the type (length) check, else the
/// modulus check.
fn ek_error(p: &Params, ek: &[u8]) -> Error {
    len_err(Field::PublicKey, p.ek_len(), ek.len()).unwrap_or(Error::InvalidKey {
        field: Field::PublicKey,
    })
}

/// `testPassed` as a Wycheproof-style result.
fn passed_to_result(t: &Value) -> Result<Option<&'static str>, String> {
    Ok(json::opt_bool(t, "testPassed")?.map(|p| if p { "valid" } else { "invalid" }))
}

/// `d ‖ z` as a seed.
fn seed_of(d: &[u8], z: &[u8]) -> Result<[u8; SEED_LEN], String> {
    let s = [d, z].concat();
    s.as_slice()
        .try_into()
        .map_err(|_| format!("d ‖ z is {} bytes, expected {SEED_LEN}", s.len()))
}

/// A 32-byte `m`.
fn m_of(m: &[u8]) -> Result<[u8; 32], String> {
    m.try_into()
        .map_err(|_| format!("vector's m is {} bytes, expected 32", m.len()))
}

/// The output buffer's spare bytes (or, after a failure, all of it) must still be [`CANARY`].
fn untouched(what: &str, buf: &[u8]) -> Check {
    match buf.iter().position(|&b| b != CANARY) {
        None => Ok(()),
        Some(at) => Err(format!("{what}: byte {at} written where nothing may be")),
    }
}

fn show_ss(r: &SsOutcome) -> String {
    match r {
        Ok(k) => format!("K = {}", preview(k)),
        Err(e) => format!("{e:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The compact functions, with their output-buffer checks.
// ---------------------------------------------------------------------------------------------

/// `keygen` with and without the expanded key: `(ek, dk)`. Both calls must give the same `ek`,
/// and neither may write past its outputs.
fn compact_keygen(p: &Params, seed: &[u8; SEED_LEN]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut ek = vec![CANARY; p.ek_len() + SPARE];
    let mut dk = vec![CANARY; p.dk_len() + SPARE];
    must("keygen", compact::keygen(p, seed, &mut ek, Some(&mut dk)))?;
    untouched("keygen ek_out past ek", &ek[p.ek_len()..])?;
    untouched("keygen dk_out past dk", &dk[p.dk_len()..])?;
    ek.truncate(p.ek_len());
    dk.truncate(p.dk_len());
    let mut ek2 = vec![CANARY; p.ek_len() + SPARE];
    must("keygen (no dk)", compact::keygen(p, seed, &mut ek2, None))?;
    untouched("keygen (no dk) ek_out past ek", &ek2[p.ek_len()..])?;
    diff_bytes("ek of keygen without dk", &ek2[..p.ek_len()], &ek)?;
    Ok((ek, dk))
}

/// An encapsulation's result with its output buffer: nothing written past the ciphertext, and
/// nothing at all on failure.
fn enc_outcome(
    p: &Params,
    name: &str,
    mut buf: Vec<u8>,
    r: pqhybrid::Result<pqhybrid::SharedSecret>,
) -> Result<EncOutcome, String> {
    match r {
        Ok(k) => {
            untouched(
                &format!("{name} ct_out past the ciphertext"),
                &buf[p.ct_len()..],
            )?;
            buf.truncate(p.ct_len());
            Ok(Ok((buf, *k.as_bytes())))
        }
        Err(e) => {
            untouched(&format!("{name} ct_out after {e:?}"), &buf)?;
            Ok(Err(e))
        }
    }
}

/// `encapsulate_internal(ek, m)`, and `encapsulate` with a generator that hands out `m`: both
/// must agree, write nothing past the ciphertext, and nothing at all on failure.
fn compact_encaps(p: &Params, ek: &[u8], m: &[u8; 32]) -> Result<EncOutcome, String> {
    let mut ct = vec![CANARY; p.ct_len() + SPARE];
    let r = compact::encapsulate_internal(p, ek, m, &mut ct);
    let internal = enc_outcome(p, "encapsulate_internal", ct, r)?;
    let mut ct = vec![CANARY; p.ct_len() + SPARE];
    let r = compact::encapsulate(p, ek, &mut Replay(m), &mut ct);
    let randomized = enc_outcome(p, "encapsulate", ct, r)?;
    if internal != randomized {
        return Err(format!(
            "encapsulate_internal and encapsulate (rng giving m) disagree: {} vs {}",
            show_enc(&internal),
            show_enc(&randomized)
        ));
    }
    Ok(internal)
}

fn show_enc(r: &EncOutcome) -> String {
    match r {
        Ok((c, k)) => format!("c = {}, K = {}", preview(c), preview(k)),
        Err(e) => format!("{e:?}"),
    }
}

fn compact_decaps_seed(p: &Params, seed: &[u8; SEED_LEN], c: &[u8]) -> SsOutcome {
    compact::decapsulate(p, seed, c).map(|k| *k.as_bytes())
}

fn compact_decaps_expanded(p: &Params, dk: &[u8], c: &[u8]) -> SsOutcome {
    compact::decapsulate_expanded(p, dk, c).map(|k| *k.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// The typed API (default backend) on the same inputs.
// ---------------------------------------------------------------------------------------------

/// `(ek, expanded dk)` from the seed.
fn typed_keygen<P: MlKemParams>(seed: &[u8; SEED_LEN]) -> (Vec<u8>, Vec<u8>) {
    let key = DecapsulationKey::<P>::from_seed(seed);
    (
        key.encapsulation_key().to_bytes().as_ref().to_vec(),
        key.expanded_key_hazmat().to_vec(),
    )
}

/// Import (§7.2 checks) then `Encaps_internal`.
fn typed_encaps<P: MlKemParams>(ek: &[u8], m: &[u8; 32]) -> EncOutcome {
    EncapsulationKey::<P>::from_bytes(ek).map(|key| {
        let (c, k) = key.encapsulate_deterministic(m);
        (c.as_ref().to_vec(), *k.as_bytes())
    })
}

fn typed_decaps_seed<P: MlKemParams>(seed: &[u8; SEED_LEN], c: &[u8]) -> SsOutcome {
    DecapsulationKey::<P>::from_seed(seed)
        .decapsulate(c)
        .map(|k| *k.as_bytes())
}

/// Import (§7.3 checks) then decapsulate.
fn typed_decaps_expanded<P: MlKemParams>(dk: &[u8], c: &[u8]) -> SsOutcome {
    DecapsulationKey::<P>::from_expanded(dk)
        .and_then(|key| key.decapsulate(c))
        .map(|k| *k.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the files.
// ---------------------------------------------------------------------------------------------

/// Key generation from `seed`: compact and typed `(ek, dk)`, which must agree; returned for the
/// caller to compare with the vector.
fn keygen_both<P: MlKemParams>(
    p: &Params,
    seed: &[u8; SEED_LEN],
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let (ek, dk) = compact_keygen(p, seed)?;
    let (tek, tdk) = typed_keygen::<P>(seed);
    diff_bytes("ek: compact vs typed", &ek, &tek)?;
    diff_bytes("expanded dk: compact vs typed", &dk, &tdk)?;
    Ok((ek, dk))
}

/// Encapsulation through both; they must agree exactly.
fn encaps_both<P: MlKemParams>(p: &Params, ek: &[u8], m: &[u8; 32]) -> Result<EncOutcome, String> {
    let got = compact_encaps(p, ek, m)?;
    let typed = typed_encaps::<P>(ek, m);
    if got != typed {
        return Err(format!(
            "encapsulation: compact gave {}, the typed API {}",
            show_enc(&got),
            show_enc(&typed)
        ));
    }
    Ok(got)
}

/// Seed-key decapsulation through both; they must agree exactly.
fn decaps_seed_both<P: MlKemParams>(
    p: &Params,
    seed: &[u8; SEED_LEN],
    c: &[u8],
) -> Result<SsOutcome, String> {
    let got = compact_decaps_seed(p, seed, c);
    let typed = typed_decaps_seed::<P>(seed, c);
    if got != typed {
        return Err(format!(
            "seed-key decapsulation: compact gave {}, the typed API {}",
            show_ss(&got),
            show_ss(&typed)
        ));
    }
    Ok(got)
}

/// Expanded-key decapsulation through both; they must agree exactly.
fn decaps_expanded_both<P: MlKemParams>(
    p: &Params,
    dk: &[u8],
    c: &[u8],
) -> Result<SsOutcome, String> {
    let got = compact_decaps_expanded(p, dk, c);
    let typed = typed_decaps_expanded::<P>(dk, c);
    if got != typed {
        return Err(format!(
            "expanded-key decapsulation: compact gave {}, the typed API {}",
            show_ss(&got),
            show_ss(&typed)
        ));
    }
    Ok(got)
}

/// A decapsulation that must give `k`.
fn expect_k(what: &str, got: SsOutcome, k: &[u8]) -> Check {
    diff_bytes(what, &must(what, got)?, k)
}

// ---------------------------------------------------------------------------------------------
// ACVP
// ---------------------------------------------------------------------------------------------

fn groups(v: &Value) -> &[Value] {
    json::array(v, "testGroups").or_panic()
}

fn tests_of(g: &Value) -> &[Value] {
    json::array(g, "tests").or_panic()
}

#[test]
fn acvp_ml_kem_keygen_compact() {
    let folder = "ML-KEM-keyGen-FIPS203";
    let v = load_json(&format!("acvp/{folder}/internalProjection.json"));
    let mut tally = Tally::new("acvp", &format!("{folder} [compact]"));
    for g in groups(&v) {
        for t in tests_of(g) {
            run_case(&mut tally, &case_label(g, t), || {
                let seed = seed_of(&json::hex(t, "d")?, &json::hex(t, "z")?)?;
                let (ek, dk) = (json::hex(t, "ek")?, json::hex(t, "dk")?);
                with_params!(json::opt_str(g, "parameterSet")?, P, cp => {
                    let (got_ek, got_dk) = keygen_both::<P>(cp, &seed)?;
                    diff_bytes("ek", &got_ek, &ek)?;
                    diff_bytes("expanded dk", &got_dk, &dk)?;
                    Ok(Verdict::Pass)
                })
            });
        }
    }
    tally.finish();
}

/// The `encapDecap` files: `encapsulation`, `decapsulation` (seed or expanded keys),
/// `encapsulationKeyCheck` and `decapsulationKeyCheck` groups.
fn acvp_encap_decap(folder: &str) {
    let v = load_json(&format!("acvp/{folder}/internalProjection.json"));
    let mut tally = Tally::new("acvp", &format!("{folder} [compact]"));
    for g in groups(&v) {
        let function = json::opt_str(g, "function").or_panic();
        let key_format = json::opt_str(g, "keyFormat").or_panic();
        for t in tests_of(g) {
            run_case(&mut tally, &case_label(g, t), || {
                with_params!(json::opt_str(g, "parameterSet")?, P, cp => {
                    match function {
                        Some("encapsulation") => {
                            let (ek, m) = (json::hex(t, "ek")?, m_of(&json::hex(t, "m")?)?);
                            let (c, k) = (json::hex(t, "c")?, json::hex(t, "k")?);
                            let (got_c, got_k) =
                                must("encapsulation", encaps_both::<P>(cp, &ek, &m)?)?;
                            diff_bytes("c", &got_c, &c)?;
                            diff_bytes("k", &got_k, &k)?;
                            // The group's matching expanded dk must decapsulate c to k.
                            if let Some(dk) = json::opt_hex(t, "dk")? {
                                let got = decaps_expanded_both::<P>(cp, &dk, &c)?;
                                expect_k("decapsulate_expanded(dk, c)", got, &k)?;
                            }
                        }
                        Some("decapsulation") => {
                            let (c, k) = (json::hex(t, "c")?, json::hex(t, "k")?);
                            let dk = json::opt_hex(t, "dk")?;
                            let seed = match (json::opt_hex(t, "d")?, json::opt_hex(t, "z")?) {
                                (Some(d), Some(z)) => Some(seed_of(&d, &z)?),
                                _ => None,
                            };
                            match key_format {
                                Some("seed") => {
                                    let seed = seed.ok_or("seed-format case without d, z")?;
                                    let got = decaps_seed_both::<P>(cp, &seed, &c)?;
                                    expect_k("decapsulate(d ‖ z, c)", got, &k)?;
                                }
                                None | Some("expanded") => {
                                    let dk = dk.as_deref().ok_or("expanded case without dk")?;
                                    let got = decaps_expanded_both::<P>(cp, dk, &c)?;
                                    expect_k("decapsulate_expanded(dk, c)", got, &k)?;
                                }
                                other => return Err(format!("unknown keyFormat {other:?}")),
                            }
                            // Whatever the group's key format, every key form the case gives
                            // must decapsulate to k, and the seed must generate the dk.
                            if let Some(seed) = &seed {
                                let got = decaps_seed_both::<P>(cp, seed, &c)?;
                                expect_k("decapsulate(d ‖ z, c)", got, &k)?;
                                if let Some(dk) = &dk {
                                    let (_, got_dk) = keygen_both::<P>(cp, seed)?;
                                    diff_bytes("expanded dk from keygen(d ‖ z)", &got_dk, dk)?;
                                }
                            }
                            if let Some(dk) = &dk {
                                let got = decaps_expanded_both::<P>(cp, dk, &c)?;
                                expect_k("decapsulate_expanded(dk, c)", got, &k)?;
                            }
                        }
                        // FIPS 203 §7.2: type and modulus check of ek, run by encapsulation.
                        Some("encapsulationKeyCheck") => {
                            let ek = json::hex(t, "ek")?;
                            let result = passed_to_result(t)?;
                            let got = encaps_both::<P>(cp, &ek, &[0u8; 32])?;
                            judge(result, "encapsulate_internal", got, Some(ek_error(cp, &ek)), |_| {
                                Ok(())
                            })?;
                        }
                        // FIPS 203 §7.3: type and hash check of the expanded dk, run by
                        // decapsulation (of an all-zero ciphertext of the right length).
                        Some("decapsulationKeyCheck") => {
                            let dk = json::hex(t, "dk")?;
                            let result = passed_to_result(t)?;
                            let want = len_err(Field::ExpandedKey, cp.dk_len(), dk.len())
                                .unwrap_or(Error::InvalidKey { field: Field::ExpandedKey });
                            let zeros = vec![0u8; cp.ct_len()];
                            let got = decaps_expanded_both::<P>(cp, &dk, &zeros)?;
                            judge(result, "decapsulate_expanded", got, Some(want), |_| Ok(()))?;
                        }
                        other => return Err(format!("unknown function {other:?}")),
                    }
                    Ok(Verdict::Pass)
                })
            });
        }
    }
    tally.finish();
}

#[test]
fn acvp_ml_kem_encap_decap_compact() {
    acvp_encap_decap("ML-KEM-encapDecap-FIPS203");
}

#[test]
fn acvp_ml_kem_encap_decap_tr1_compact() {
    acvp_encap_decap("ML-KEM-encapDecap-FIPS203-tr1");
}

// ---------------------------------------------------------------------------------------------
// Wycheproof
// ---------------------------------------------------------------------------------------------

/// Loads a Wycheproof file, runs `case` on every test (with the compact parameter set bound to
/// `$cp` and the typed one to `$P`), prints the tally, and checks that the number of cases seen
/// equals `numberOfTests`.
macro_rules! wycheproof_file {
    ($file:expr, $params:expr, |$t:ident, $P:ident, $cp:ident| $case:expr) => {{
        let file: &str = $file;
        let v = load_json(&format!("wycheproof/{file}"));
        let mut tally = Tally::new("wycheproof", &format!("{file} [compact]"));
        let mut seen = 0u64;
        for g in groups(&v) {
            for $t in tests_of(g) {
                seen += 1;
                run_case(&mut tally, &case_label(g, $t), || {
                    let ps = json::opt_str(g, "parameterSet")?;
                    if ps != Some($params) {
                        return Err(format!("group parameterSet {ps:?} in a {} file", $params));
                    }
                    with_params!(ps, $P, $cp => $case)
                });
            }
        }
        tally.finish();
        assert_eq!(
            Some(seen),
            v["numberOfTests"].as_u64(),
            "{file}: cases seen vs numberOfTests"
        );
    }};
}

/// `mlkem_*_test.json`: KeyGen from `seed` must give `ek`, then Decaps(`c`) must give `K`
/// (valid, including implicit rejection of modified ciphertexts), or fail for a wrong
/// ciphertext length. Both the seed form and the expanded key from the compact keygen are
/// decapsulated with.
fn wycheproof_decaps(file: &str, params: &str) {
    wycheproof_file!(file, params, |t, P, cp| {
        let seed = json::hex(t, "seed")?;
        let c = json::hex(t, "c")?;
        let k = json::opt_hex(t, "K")?;
        let ek = json::opt_hex(t, "ek")?;
        let result = json::opt_str(t, "result")?;
        let Ok(seed) = <[u8; SEED_LEN]>::try_from(seed.as_slice()) else {
            return Ok(Verdict::Na(SEED_LEN_NA));
        };
        let (got_ek, dk) = keygen_both::<P>(cp, &seed)?;
        if let Some(ek) = &ek {
            diff_bytes("ek", &got_ek, ek)?;
        }
        let want = len_err(Field::Ciphertext, cp.ct_len(), c.len());
        let from_seed = decaps_seed_both::<P>(cp, &seed, &c)?;
        let from_dk = decaps_expanded_both::<P>(cp, &dk, &c)?;
        agree("decapsulate vs decapsulate_expanded", &from_seed, &from_dk)?;
        judge(result, "decapsulate", from_seed, want, |got| match &k {
            Some(k) => diff_bytes("K", &got, k),
            None => Err("valid case without K".to_owned()),
        })?;
        Ok(Verdict::Pass)
    });
}

/// `mlkem_*_encaps_test.json`: `Encaps_internal(ek, m)` must give `c`, `K`, or fail the §7.2
/// checks (wrong length → `InvalidLength`, unreduced coefficient → `InvalidKey`).
fn wycheproof_encaps(file: &str, params: &str) {
    wycheproof_file!(file, params, |t, P, cp| {
        let ek = json::hex(t, "ek")?;
        let m = m_of(&json::hex(t, "m")?)?;
        let c = json::opt_hex(t, "c")?;
        let k = json::opt_hex(t, "K")?;
        let result = json::opt_str(t, "result")?;
        let got = encaps_both::<P>(cp, &ek, &m)?;
        judge(
            result,
            "encapsulate_internal",
            got,
            Some(ek_error(cp, &ek)),
            |(got_c, got_k)| {
                diff_bytes("c", &got_c, c.as_deref().unwrap_or_default())?;
                diff_bytes("K", &got_k, k.as_deref().unwrap_or_default())
            },
        )?;
        Ok(Verdict::Pass)
    });
}

/// `mlkem_*_keygen_seed_test.json`: KeyGen from `seed` must give `ek` and the expanded `dk`.
fn wycheproof_keygen(file: &str, params: &str) {
    wycheproof_file!(file, params, |t, P, cp| {
        let seed = json::hex(t, "seed")?;
        let ek = json::hex(t, "ek")?;
        let dk = json::hex(t, "dk")?;
        let result = json::opt_str(t, "result")?;
        if result != Some("valid") {
            // Key generation from a well-formed seed cannot fail; the files hold none.
            return Err(format!("unexpected result {result:?} for a key generation"));
        }
        let Ok(seed) = <[u8; SEED_LEN]>::try_from(seed.as_slice()) else {
            return Ok(Verdict::Na(SEED_LEN_NA));
        };
        let (got_ek, got_dk) = keygen_both::<P>(cp, &seed)?;
        diff_bytes("ek", &got_ek, &ek)?;
        diff_bytes("expanded dk", &got_dk, &dk)?;
        Ok(Verdict::Pass)
    });
}

/// `mlkem_*_semi_expanded_decaps_test.json`: decapsulation with the expanded `dk` (§7.3 checks)
/// must give `K`; wrong lengths and keys that fail the hash check must be rejected.
fn wycheproof_semi_expanded(file: &str, params: &str) {
    wycheproof_file!(file, params, |t, P, cp| {
        let dk = json::hex(t, "dk")?;
        let c = json::hex(t, "c")?;
        let k = json::opt_hex(t, "K")?;
        let result = json::opt_str(t, "result")?;
        let invalid_key = t["flags"].as_array().is_some_and(|f| {
            f.iter()
                .any(|x| x.as_str() == Some("InvalidDecapsulationKey"))
        });
        // The compact function's documented order: dk length, ciphertext length, hash check.
        let want = len_err(Field::ExpandedKey, cp.dk_len(), dk.len())
            .or_else(|| len_err(Field::Ciphertext, cp.ct_len(), c.len()))
            .or_else(|| {
                invalid_key.then_some(Error::InvalidKey {
                    field: Field::ExpandedKey,
                })
            });
        let got = decaps_expanded_both::<P>(cp, &dk, &c)?;
        judge(result, "decapsulate_expanded", got, want, |got| match &k {
            Some(k) => diff_bytes("K", &got, k),
            None => Err("valid case without K".to_owned()),
        })?;
        Ok(Verdict::Pass)
    });
}

#[test]
fn wycheproof_mlkem_512_test_compact() {
    wycheproof_decaps("mlkem_512_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_test_compact() {
    wycheproof_decaps("mlkem_768_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_test_compact() {
    wycheproof_decaps("mlkem_1024_test.json", "ML-KEM-1024");
}

#[test]
fn wycheproof_mlkem_512_encaps_test_compact() {
    wycheproof_encaps("mlkem_512_encaps_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_encaps_test_compact() {
    wycheproof_encaps("mlkem_768_encaps_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_encaps_test_compact() {
    wycheproof_encaps("mlkem_1024_encaps_test.json", "ML-KEM-1024");
}

#[test]
fn wycheproof_mlkem_512_keygen_seed_test_compact() {
    wycheproof_keygen("mlkem_512_keygen_seed_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_keygen_seed_test_compact() {
    wycheproof_keygen("mlkem_768_keygen_seed_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_keygen_seed_test_compact() {
    wycheproof_keygen("mlkem_1024_keygen_seed_test.json", "ML-KEM-1024");
}

#[test]
fn wycheproof_mlkem_512_semi_expanded_decaps_test_compact() {
    wycheproof_semi_expanded("mlkem_512_semi_expanded_decaps_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_semi_expanded_decaps_test_compact() {
    wycheproof_semi_expanded("mlkem_768_semi_expanded_decaps_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_semi_expanded_decaps_test_compact() {
    wycheproof_semi_expanded("mlkem_1024_semi_expanded_decaps_test.json", "ML-KEM-1024");
}

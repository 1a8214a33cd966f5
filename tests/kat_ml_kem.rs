//! ML-KEM (FIPS 203) conformance against external known-answer vectors: NIST ACVP
//! (`acvp/ML-KEM-*`) and Wycheproof (`wycheproof/mlkem_*`), read in place through the
//! `pqhybrid-kat` dev-dependency (never copied into the repository).
//!
//! One `#[test]` per vector file. Every case is counted as passed, failed or not applicable;
//! nothing is skipped silently. Each case is run through the typed API
//! (`pqhybrid::primitives::ml_kem`) and, where the agile layer offers the operation
//! (seed-form keys only), through [`KemAlgorithm`] as well; a case passes only if every layer
//! gives the expected answer byte for byte. Invalid inputs must be rejected with the specific
//! [`Error`] where it is determinable (wrong length → `InvalidLength` with the exact field and
//! lengths; unreduced key coefficient or failed hash check → `InvalidKey`).
//!
//! A panic while running a case is caught and recorded as a failure naming the case: a panic
//! inside pqhybrid is a bug (the crate promises that no input makes it panic).
//!
//! Vector fields are read with `pqhybrid_kat::json` (a malformed field fails the case it
//! belongs to, or the whole test when it is a file's or group's); all checks live in functions
//! over plain byte slices.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::primitives::ml_kem::{
    DecapsulationKey, ENCAPS_RANDOMNESS_LEN, EncapsulationKey, MlKem512, MlKem768, MlKem1024,
    MlKemParams, MlKemSizes, SEED_LEN, SHARED_SECRET_LEN,
};
use pqhybrid::{Error, Field, KemAlgorithm};
use pqhybrid_kat::json::{self, OrPanic as _, Value};
use pqhybrid_kat::report::{case_label, diff_bytes, panic_message, preview};
use pqhybrid_kat::{Tally, load_json};

/// `Ok(())` if the case passed, else what went wrong.
type CaseResult = Result<(), String>;

/// What the library returned for an encapsulation: `(c, K)` or its error.
type EncapsOutcome = pqhybrid::Result<(Vec<u8>, Vec<u8>)>;

/// What the library returned for a decapsulation: `K` or its error.
type DecapsOutcome = pqhybrid::Result<Vec<u8>>;

// ---------------------------------------------------------------------------------------------
// JSON access: `pqhybrid_kat::json`.
// ---------------------------------------------------------------------------------------------

/// The `testGroups` array of a vector file (a file without one is not a vector file: panic).
fn groups(v: &Value) -> &[Value] {
    json::array(v, "testGroups").or_panic()
}

/// The `tests` array of a group.
fn tests_of(g: &Value) -> &[Value] {
    json::array(g, "tests").or_panic()
}

/// Runs `$body` with `$P` bound to the typed parameter set and `$alg` to the agile algorithm
/// named by `$name` (`Option<&str>`, e.g. a group's `parameterSet`); an unknown name fails the
/// case.
macro_rules! with_params {
    ($name:expr, $P:ident, $alg:ident => $body:expr) => {
        match $name {
            Some("ML-KEM-512") => {
                type $P = MlKem512;
                let $alg = KemAlgorithm::MlKem512;
                $body
            }
            Some("ML-KEM-768") => {
                type $P = MlKem768;
                let $alg = KemAlgorithm::MlKem768;
                $body
            }
            Some("ML-KEM-1024") => {
                type $P = MlKem1024;
                let $alg = KemAlgorithm::MlKem1024;
                $body
            }
            other => Err(format!("unknown parameterSet {other:?}")),
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Case bookkeeping and comparison helpers.
// ---------------------------------------------------------------------------------------------

/// Runs one case, recording pass or fail. A panic is caught and recorded as a failure.
fn run_case(tally: &mut Tally, label: &str, case: impl FnOnce() -> CaseResult) {
    match catch_unwind(AssertUnwindSafe(case)) {
        Ok(Ok(())) => tally.pass(),
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

/// Checks a result that must fail, with `want` if the error is determinable, else with any error.
fn must_fail<T>(what: &str, r: pqhybrid::Result<T>, want: Option<Error>) -> CaseResult {
    match (r, want) {
        (Ok(_), _) => Err(format!("{what} accepted an invalid input")),
        (Err(e), Some(w)) if e != w => Err(format!("{what} failed with {e:?}, expected {w:?}")),
        (Err(_), _) => Ok(()),
    }
}

/// Judges an outcome against a Wycheproof `result` (or an ACVP `testPassed` mapped to
/// `"valid"`/`"invalid"`). `valid`: must succeed and `on_ok` must accept the output. `invalid`:
/// must fail, with `want_err` if given. `acceptable`: either outcome passes (the ML-KEM files used
/// here contain no acceptable cases; should one appear, success is still checked by `on_ok` so a
/// wrong answer cannot pass).
fn judge<T>(
    result: Option<&str>,
    what: &str,
    got: pqhybrid::Result<T>,
    want_err: Option<Error>,
    on_ok: impl FnOnce(T) -> CaseResult,
) -> CaseResult {
    match result {
        Some("valid") => on_ok(must(what, got)?),
        Some("invalid") => must_fail(what, got, want_err),
        Some("acceptable") => match got {
            Ok(v) => on_ok(v),
            Err(_) => Ok(()),
        },
        other => Err(format!("unknown result {other:?}")),
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

/// The error FIPS 203 §7.2 input checking must produce for an encapsulation key that fails it:
/// the type (length) check, else the modulus check.
fn ek_error<P: MlKemParams>(ek: &[u8]) -> Error {
    len_err(Field::PublicKey, P::ENCAPSULATION_KEY_LEN, ek.len()).unwrap_or(Error::InvalidKey {
        field: Field::PublicKey,
    })
}

/// `d ‖ z`.
fn concat(d: &[u8], z: &[u8]) -> Vec<u8> {
    [d, z].concat()
}

// ---------------------------------------------------------------------------------------------
// Checks over plain bytes, one per operation, through both layers.
// ---------------------------------------------------------------------------------------------

/// `KeyGen_internal(d, z)`: the encapsulation key from the seed must be `ek`, and the expected
/// expanded `dk` (not exported by pqhybrid: the seed is the canonical form) must import with
/// `from_expanded` to a key equal to the seed-derived one.
fn check_keygen<P: MlKemParams>(
    alg: KemAlgorithm,
    seed: &[u8],
    ek: &[u8],
    dk: &[u8],
) -> CaseResult {
    // Typed layer.
    let key = must(
        "DecapsulationKey::from_seed_slice",
        DecapsulationKey::<P>::from_seed_slice(seed),
    )?;
    let seed_arr: &[u8; SEED_LEN] = seed
        .try_into()
        .map_err(|_| format!("seed is {} bytes, expected {SEED_LEN}", seed.len()))?;
    if DecapsulationKey::<P>::from_seed(seed_arr) != key {
        return Err("from_seed and from_seed_slice give different keys".to_owned());
    }
    diff_bytes(
        "ek (typed, from seed)",
        key.encapsulation_key().to_bytes().as_ref(),
        ek,
    )?;
    diff_bytes("seed() round trip", must("seed()", key.seed())?, seed)?;
    let imported = must(
        "DecapsulationKey::from_expanded(expected dk)",
        DecapsulationKey::<P>::from_expanded(dk),
    )?;
    if imported != key {
        return Err(
            "the expected expanded dk, imported with from_expanded, is not equal to the \
             seed-derived key"
                .to_owned(),
        );
    }
    diff_bytes(
        "ek of the imported expanded dk",
        imported.encapsulation_key().to_bytes().as_ref(),
        ek,
    )?;
    must_fail(
        "seed() of an expanded import",
        imported.seed(),
        Some(Error::SeedUnavailable),
    )?;
    // Agile layer.
    check_agile_keygen(alg, seed, ek)
}

/// `KemAlgorithm::keypair_from_seed` must write `ek` and the seed itself.
fn check_agile_keygen(alg: KemAlgorithm, seed: &[u8], ek: &[u8]) -> CaseResult {
    let mut pk = [0u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
    let mut sk = [0u8; KemAlgorithm::MAX_SECRET_KEY_LEN];
    must(
        "KemAlgorithm::keypair_from_seed",
        alg.keypair_from_seed(seed, &mut pk, &mut sk),
    )?;
    diff_bytes("ek (agile)", &pk[..alg.public_key_len()], ek)?;
    diff_bytes("sk (agile)", &sk[..alg.secret_key_len()], seed)
}

/// `Encaps_internal(ek, m)` through both layers; the outputs are handed to `on_ok` as
/// `(c, K)`. Returns the outcome of the typed layer after checking that the agile layer agrees
/// with it (same error, or same bytes).
fn encaps_both<P: MlKemParams>(
    alg: KemAlgorithm,
    ek: &[u8],
    m: &[u8],
) -> Result<EncapsOutcome, String> {
    let m_arr: &[u8; ENCAPS_RANDOMNESS_LEN] = m.try_into().map_err(|_| {
        format!(
            "vector's m is {} bytes, expected {ENCAPS_RANDOMNESS_LEN}",
            m.len()
        )
    })?;
    let typed = match EncapsulationKey::<P>::from_bytes(ek) {
        Ok(key) => {
            // A key that passed the §7.2 checks must re-encode to the same bytes.
            diff_bytes(
                "EncapsulationKey::from_bytes(ek).to_bytes()",
                key.to_bytes().as_ref(),
                ek,
            )?;
            let (c, k) = key.encapsulate_deterministic(m_arr);
            Ok((c.as_ref().to_vec(), k.as_bytes().to_vec()))
        }
        Err(e) => Err(e),
    };
    let mut ct = [0u8; KemAlgorithm::MAX_CIPHERTEXT_LEN];
    let mut ss = [0u8; SHARED_SECRET_LEN];
    let agile = alg
        .encapsulate_deterministic(ek, m, &mut ct, &mut ss)
        .map(|()| (ct[..alg.ciphertext_len()].to_vec(), ss.to_vec()));
    if typed != agile {
        return Err(format!(
            "typed and agile encapsulation disagree: typed {}, agile {}",
            describe_pair(&typed),
            describe_pair(&agile)
        ));
    }
    Ok(typed)
}

fn describe_pair(r: &EncapsOutcome) -> String {
    match r {
        Ok((c, k)) => format!("c = {}, K = {}", preview(c), preview(k)),
        Err(e) => format!("{e:?}"),
    }
}

/// Decapsulation with a seed-form key, through both layers; they must agree.
fn decaps_seed_both<P: MlKemParams>(
    alg: KemAlgorithm,
    seed: &[u8],
    c: &[u8],
) -> Result<(DecapsOutcome, DecapsOutcome), String> {
    let typed = DecapsulationKey::<P>::from_seed_slice(seed)
        .and_then(|key| key.decapsulate(c))
        .map(|k| k.as_bytes().to_vec());
    let mut ss = [0u8; SHARED_SECRET_LEN];
    let agile = alg.decapsulate(seed, c, &mut ss).map(|()| ss.to_vec());
    match (&typed, &agile) {
        (Ok(a), Ok(b)) if a != b => Err(format!(
            "typed and agile decapsulation disagree: {} vs {}",
            preview(a),
            preview(b)
        )),
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => Err(format!(
            "typed and agile decapsulation disagree on success (error {e:?})"
        )),
        _ => Ok((typed, agile)),
    }
}

/// Decapsulation with an expanded key (typed layer only: the agile layer takes seed-form keys
/// only). Also returns the imported key's encapsulation key.
fn decaps_expanded<P: MlKemParams>(dk: &[u8], c: &[u8]) -> pqhybrid::Result<(Vec<u8>, Vec<u8>)> {
    let key = DecapsulationKey::<P>::from_expanded(dk)?;
    let ek = key.encapsulation_key().to_bytes().as_ref().to_vec();
    let k = key.decapsulate(c)?;
    Ok((ek, k.as_bytes().to_vec()))
}

// ---------------------------------------------------------------------------------------------
// ACVP
// ---------------------------------------------------------------------------------------------

#[test]
fn acvp_ml_kem_keygen() {
    let folder = "ML-KEM-keyGen-FIPS203";
    let v = load_json(&format!("acvp/{folder}/internalProjection.json"));
    let mut tally = Tally::new("acvp", folder);
    for g in groups(&v) {
        for t in tests_of(g) {
            run_case(&mut tally, &case_label(g, t), || {
                let seed = concat(&json::hex(t, "d")?, &json::hex(t, "z")?);
                let (ek, dk) = (json::hex(t, "ek")?, json::hex(t, "dk")?);
                with_params!(json::opt_str(g, "parameterSet")?, P, alg => {
                    check_keygen::<P>(alg, &seed, &ek, &dk)
                })
            });
        }
    }
    tally.finish();
}

/// The `encapDecap` files: `encapsulation`, `decapsulation`, `encapsulationKeyCheck` and
/// `decapsulationKeyCheck` groups.
fn acvp_encap_decap(folder: &str) {
    let v = load_json(&format!("acvp/{folder}/internalProjection.json"));
    let mut tally = Tally::new("acvp", folder);
    for g in groups(&v) {
        let function = json::opt_str(g, "function").or_panic();
        let key_format = json::opt_str(g, "keyFormat").or_panic();
        for t in tests_of(g) {
            run_case(&mut tally, &case_label(g, t), || {
                with_params!(json::opt_str(g, "parameterSet")?, P, alg => match function {
                    Some("encapsulation") => {
                        let (ek, m) = (json::hex(t, "ek")?, json::hex(t, "m")?);
                        let (c, k) = (json::hex(t, "c")?, json::hex(t, "k")?);
                        let (got_c, got_k) = must("encapsulation", encaps_both::<P>(alg, &ek, &m)?)?;
                        diff_bytes("c", &got_c, &c)?;
                        diff_bytes("k", &got_k, &k)?;
                        // The groups also give the matching expanded dk: it must decapsulate
                        // the ciphertext to the same k.
                        if let Some(dk) = json::opt_hex(t, "dk")? {
                            let (_, k2) = must("decapsulation with the group's dk", decaps_expanded::<P>(&dk, &c))?;
                            diff_bytes("k from decapsulating c with dk", &k2, &k)?;
                        }
                        Ok(())
                    }
                    Some("decapsulation") => {
                        let (c, k) = (json::hex(t, "c")?, json::hex(t, "k")?);
                        match key_format {
                            Some("seed") => {
                                let seed = concat(&json::hex(t, "d")?, &json::hex(t, "z")?);
                                let (typed, agile) = decaps_seed_both::<P>(alg, &seed, &c)?;
                                diff_bytes("k (typed, seed key)", &must("decapsulate", typed)?, &k)?;
                                diff_bytes("k (agile, seed key)", &must("KemAlgorithm::decapsulate", agile)?, &k)
                            }
                            None | Some("expanded") => {
                                let dk = json::hex(t, "dk")?;
                                let (_, got) = must("expanded-key decapsulation", decaps_expanded::<P>(&dk, &c))?;
                                diff_bytes("k (typed, expanded key)", &got, &k)?;
                                // tr1 also gives d, z for expanded-format groups: the seed must
                                // give the same key.
                                if let (Some(d), Some(z)) = (json::opt_hex(t, "d")?, json::opt_hex(t, "z")?) {
                                    let from_seed = must("from_seed_slice", DecapsulationKey::<P>::from_seed_slice(&concat(&d, &z)))?;
                                    let from_dk = must("from_expanded", DecapsulationKey::<P>::from_expanded(&dk))?;
                                    if from_seed != from_dk {
                                        return Err("key from d‖z differs from the expanded dk".to_owned());
                                    }
                                }
                                Ok(())
                            }
                            other => Err(format!("unknown keyFormat {other:?}")),
                        }
                    }
                    // FIPS 203 §7.2: type check and modulus check of ek.
                    Some("encapsulationKeyCheck") => {
                        let ek = json::hex(t, "ek")?;
                        let result = json::opt_bool(t, "testPassed")?.map(|p| if p { "valid" } else { "invalid" });
                        judge(result, "EncapsulationKey::from_bytes", EncapsulationKey::<P>::from_bytes(&ek), Some(ek_error::<P>(&ek)), |_| Ok(()))?;
                        // The agile layer runs the same check before encapsulating.
                        let mut ct = [0u8; KemAlgorithm::MAX_CIPHERTEXT_LEN];
                        let mut ss = [0u8; SHARED_SECRET_LEN];
                        let agile = alg.encapsulate_deterministic(&ek, &[0u8; ENCAPS_RANDOMNESS_LEN], &mut ct, &mut ss);
                        judge(result, "KemAlgorithm::encapsulate_deterministic", agile, Some(ek_error::<P>(&ek)), |()| Ok(()))
                    }
                    // FIPS 203 §7.3: type check and hash check of the expanded dk.
                    Some("decapsulationKeyCheck") => {
                        let dk = json::hex(t, "dk")?;
                        let result = json::opt_bool(t, "testPassed")?.map(|p| if p { "valid" } else { "invalid" });
                        let want = len_err(Field::ExpandedKey, P::EXPANDED_KEY_LEN, dk.len())
                            .unwrap_or(Error::InvalidKey { field: Field::ExpandedKey });
                        judge(result, "DecapsulationKey::from_expanded", DecapsulationKey::<P>::from_expanded(&dk), Some(want), |key| {
                            match json::opt_hex(t, "ek")? {
                                Some(ek) => diff_bytes("ek of the imported dk", key.encapsulation_key().to_bytes().as_ref(), &ek),
                                None => Ok(()),
                            }
                        })
                    }
                    other => Err(format!("unknown function {other:?}")),
                })
            });
        }
    }
    tally.finish();
}

#[test]
fn acvp_ml_kem_encap_decap() {
    acvp_encap_decap("ML-KEM-encapDecap-FIPS203");
}

#[test]
fn acvp_ml_kem_encap_decap_tr1() {
    acvp_encap_decap("ML-KEM-encapDecap-FIPS203-tr1");
}

// ---------------------------------------------------------------------------------------------
// Wycheproof
// ---------------------------------------------------------------------------------------------

/// Loads a Wycheproof file, runs `case` on every test (with the group's parameter-set name),
/// prints the tally, and checks that the number of cases seen equals `numberOfTests`.
macro_rules! wycheproof_file {
    ($file:expr, $params:expr, |$g:ident, $t:ident| $case:expr) => {{
        let file: &str = $file;
        let v = load_json(&format!("wycheproof/{file}"));
        let mut tally = Tally::new("wycheproof", file);
        let mut seen = 0u64;
        for $g in groups(&v) {
            for $t in tests_of($g) {
                seen += 1;
                run_case(&mut tally, &case_label($g, $t), || {
                    let ps = json::opt_str($g, "parameterSet")?;
                    if ps != Some($params) {
                        return Err(format!("group parameterSet {ps:?} in a {} file", $params));
                    }
                    $case
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

/// `mlkem_*_test.json`: KeyGen from `seed`, then Decaps(`c`) must give `K` (valid, including
/// implicit rejection of modified ciphertexts), or fail for a wrong seed or ciphertext length.
fn wycheproof_decaps(file: &str, params: &str) {
    wycheproof_file!(file, params, |g, t| {
        let seed = json::hex(t, "seed")?;
        let c = json::hex(t, "c")?;
        let k = json::opt_hex(t, "K")?;
        let ek = json::opt_hex(t, "ek")?;
        let result = json::opt_str(t, "result")?;
        with_params!(Some(params), P, alg => {
            // Expected errors, in the order the checks run: seed length, then ciphertext length.
            let typed_err = len_err(Field::Seed, SEED_LEN, seed.len())
                .or_else(|| len_err(Field::Ciphertext, P::CIPHERTEXT_LEN, c.len()));
            let agile_err = len_err(Field::SecretKey, SEED_LEN, seed.len())
                .or_else(|| len_err(Field::Ciphertext, P::CIPHERTEXT_LEN, c.len()));
            // The vector's ek (given whenever the seed is well formed) must be the one the seed
            // derives, in both layers, whatever the case's result.
            if let (Some(ek), true) = (&ek, seed.len() == SEED_LEN) {
                let key = must("from_seed_slice", DecapsulationKey::<P>::from_seed_slice(&seed))?;
                diff_bytes("ek (typed)", key.encapsulation_key().to_bytes().as_ref(), ek)?;
                check_agile_keygen(alg, &seed, ek)?;
            }
            if seed.len() != SEED_LEN {
                let mut pk = [0u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
                let mut sk = [0u8; KemAlgorithm::MAX_SECRET_KEY_LEN];
                must_fail(
                    "KemAlgorithm::keypair_from_seed",
                    alg.keypair_from_seed(&seed, &mut pk, &mut sk),
                    len_err(Field::Seed, SEED_LEN, seed.len()),
                )?;
            }
            let (typed, agile) = decaps_seed_both::<P>(alg, &seed, &c)?;
            let expect_k = |got: Vec<u8>| match &k {
                Some(k) => diff_bytes("K", &got, k),
                None => Err("valid case without K".to_owned()),
            };
            judge(result, "typed decapsulation", typed, typed_err, expect_k)?;
            judge(result, "KemAlgorithm::decapsulate", agile, agile_err, expect_k)
        })
    });
}

/// `mlkem_*_encaps_test.json`: `Encaps_internal(ek, m)` must give `c`, `K`, or fail the §7.2
/// checks (wrong length → `InvalidLength`, unreduced coefficient → `InvalidKey`).
fn wycheproof_encaps(file: &str, params: &str) {
    wycheproof_file!(file, params, |g, t| {
        let ek = json::hex(t, "ek")?;
        let m = json::hex(t, "m")?;
        let c = json::opt_hex(t, "c")?;
        let k = json::opt_hex(t, "K")?;
        let result = json::opt_str(t, "result")?;
        with_params!(Some(params), P, alg => {
            // `encaps_both` already requires the typed and agile layers to agree exactly.
            let got = encaps_both::<P>(alg, &ek, &m)?;
            judge(result, "encapsulation", got, Some(ek_error::<P>(&ek)), |(got_c, got_k)| {
                diff_bytes("c", &got_c, c.as_deref().unwrap_or_default())?;
                diff_bytes("K", &got_k, k.as_deref().unwrap_or_default())
            })
        })
    });
}

/// `mlkem_*_keygen_seed_test.json`: KeyGen from `seed` must give `ek` and the expanded `dk`.
fn wycheproof_keygen(file: &str, params: &str) {
    wycheproof_file!(file, params, |g, t| {
        let seed = json::hex(t, "seed")?;
        let ek = json::hex(t, "ek")?;
        let dk = json::hex(t, "dk")?;
        let result = json::opt_str(t, "result")?;
        with_params!(Some(params), P, alg => {
            // All cases in these files are valid; a malformed seed would have to be rejected
            // with InvalidLength.
            let got = DecapsulationKey::<P>::from_seed_slice(&seed).map(|_| ());
            judge(result, "DecapsulationKey::from_seed_slice", got, len_err(Field::Seed, SEED_LEN, seed.len()), |()| {
                check_keygen::<P>(alg, &seed, &ek, &dk)
            })
        })
    });
}

/// `mlkem_*_semi_expanded_decaps_test.json`: import the expanded `dk` (§7.3 checks), check its
/// embedded `ek`, then Decaps(`c`) must give `K`; invalid lengths and keys must be rejected.
fn wycheproof_semi_expanded(file: &str, params: &str) {
    wycheproof_file!(file, params, |g, t| {
        let dk = json::hex(t, "dk")?;
        let ek = json::hex(t, "ek")?;
        let c = json::hex(t, "c")?;
        let k = json::opt_hex(t, "K")?;
        let result = json::opt_str(t, "result")?;
        let invalid_key = t["flags"].as_array().is_some_and(|f| {
            f.iter()
                .any(|x| x.as_str() == Some("InvalidDecapsulationKey"))
        });
        with_params!(Some(params), P, _alg => {
            // The agile layer is not exercised: it takes seed-form private keys only, and these
            // vectors give expanded keys (the cases are still fully checked through the typed
            // API, so none is counted as not applicable).
            let want = len_err(Field::ExpandedKey, P::EXPANDED_KEY_LEN, dk.len())
                .or_else(|| invalid_key.then_some(Error::InvalidKey { field: Field::ExpandedKey }))
                .or_else(|| len_err(Field::Ciphertext, P::CIPHERTEXT_LEN, c.len()));
            // If the dk imports at all, its embedded ek must be the vector's ek.
            if let Ok(key) = DecapsulationKey::<P>::from_expanded(&dk) {
                diff_bytes("ek embedded in dk", key.encapsulation_key().to_bytes().as_ref(), &ek)?;
            }
            judge(result, "expanded-key decapsulation", decaps_expanded::<P>(&dk, &c), want, |(_, got)| {
                match &k {
                    Some(k) => diff_bytes("K", &got, k),
                    None => Err("valid case without K".to_owned()),
                }
            })
        })
    });
}

#[test]
fn wycheproof_mlkem_512_test() {
    wycheproof_decaps("mlkem_512_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_test() {
    wycheproof_decaps("mlkem_768_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_test() {
    wycheproof_decaps("mlkem_1024_test.json", "ML-KEM-1024");
}

#[test]
fn wycheproof_mlkem_512_encaps_test() {
    wycheproof_encaps("mlkem_512_encaps_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_encaps_test() {
    wycheproof_encaps("mlkem_768_encaps_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_encaps_test() {
    wycheproof_encaps("mlkem_1024_encaps_test.json", "ML-KEM-1024");
}

#[test]
fn wycheproof_mlkem_512_keygen_seed_test() {
    wycheproof_keygen("mlkem_512_keygen_seed_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_keygen_seed_test() {
    wycheproof_keygen("mlkem_768_keygen_seed_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_keygen_seed_test() {
    wycheproof_keygen("mlkem_1024_keygen_seed_test.json", "ML-KEM-1024");
}

#[test]
fn wycheproof_mlkem_512_semi_expanded_decaps_test() {
    wycheproof_semi_expanded("mlkem_512_semi_expanded_decaps_test.json", "ML-KEM-512");
}

#[test]
fn wycheproof_mlkem_768_semi_expanded_decaps_test() {
    wycheproof_semi_expanded("mlkem_768_semi_expanded_decaps_test.json", "ML-KEM-768");
}

#[test]
fn wycheproof_mlkem_1024_semi_expanded_decaps_test() {
    wycheproof_semi_expanded("mlkem_1024_semi_expanded_decaps_test.json", "ML-KEM-1024");
}

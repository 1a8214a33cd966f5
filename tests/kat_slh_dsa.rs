//! SLH-DSA (FIPS 205) conformance: NIST ACVP known-answer vectors, read in place through
//! `pqhybrid-kat`, plus a sign/verify round trip over all twelve parameter sets.
//!
//! * `acvp/SLH-DSA-keyGen-FIPS205`: `slh_keygen_internal(SK.seed, SK.prf, PK.seed)` for every
//!   parameter set, through the typed API ([`slh_dsa::SigningKey::from_seed`],
//!   [`slh_dsa::SigningKey::from_bytes`]) and the agile layer
//!   ([`SignatureAlgorithm::keypair_from_seed`]).
//! * `acvp-legacy-2024-08/SLH-DSA-sigVer-FIPS205`: `slh_verify_internal` (the groups carry no
//!   `signatureInterface`, i.e. the internal interface of the 2024-08 ACVP release), through
//!   [`slh_dsa::VerifyingKey::verify_internal_hazmat`].
//!
//! Every case is counted as passed, failed or not applicable; a panic inside pqhybrid is
//! caught and counted as a failure (the library promises never to panic).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::primitives::slh_dsa::{self, ParameterSet, SlhDsaSizes};
use pqhybrid::{Error, Field, SignatureAlgorithm};
use pqhybrid_kat::json::{self, OrPanic as _};
use pqhybrid_kat::rng::{Replay, TestRng};
use pqhybrid_kat::{Tally, load_json};

// Vector fields are read with `pqhybrid_kat::json`: inside a case closure a malformed field
// fails that case (`?`); outside one it fails the whole test (`or_panic`).

/// Binds `$P` to the parameter-set type and `$alg` to the [`SignatureAlgorithm`] named by the
/// ACVP `parameterSet` string `$name`, then evaluates `$body`; evaluates `$other` for an
/// unknown name.
macro_rules! with_param_set {
    ($name:expr, $P:ident, $alg:ident => $body:expr, _ => $other:expr) => {
        match $name {
            "SLH-DSA-SHA2-128s" => {
                type $P = slh_dsa::Sha2_128s;
                let $alg = SignatureAlgorithm::SlhDsaSha2_128s;
                $body
            }
            "SLH-DSA-SHA2-128f" => {
                type $P = slh_dsa::Sha2_128f;
                let $alg = SignatureAlgorithm::SlhDsaSha2_128f;
                $body
            }
            "SLH-DSA-SHA2-192s" => {
                type $P = slh_dsa::Sha2_192s;
                let $alg = SignatureAlgorithm::SlhDsaSha2_192s;
                $body
            }
            "SLH-DSA-SHA2-192f" => {
                type $P = slh_dsa::Sha2_192f;
                let $alg = SignatureAlgorithm::SlhDsaSha2_192f;
                $body
            }
            "SLH-DSA-SHA2-256s" => {
                type $P = slh_dsa::Sha2_256s;
                let $alg = SignatureAlgorithm::SlhDsaSha2_256s;
                $body
            }
            "SLH-DSA-SHA2-256f" => {
                type $P = slh_dsa::Sha2_256f;
                let $alg = SignatureAlgorithm::SlhDsaSha2_256f;
                $body
            }
            "SLH-DSA-SHAKE-128s" => {
                type $P = slh_dsa::Shake128s;
                let $alg = SignatureAlgorithm::SlhDsaShake128s;
                $body
            }
            "SLH-DSA-SHAKE-128f" => {
                type $P = slh_dsa::Shake128f;
                let $alg = SignatureAlgorithm::SlhDsaShake128f;
                $body
            }
            "SLH-DSA-SHAKE-192s" => {
                type $P = slh_dsa::Shake192s;
                let $alg = SignatureAlgorithm::SlhDsaShake192s;
                $body
            }
            "SLH-DSA-SHAKE-192f" => {
                type $P = slh_dsa::Shake192f;
                let $alg = SignatureAlgorithm::SlhDsaShake192f;
                $body
            }
            "SLH-DSA-SHAKE-256s" => {
                type $P = slh_dsa::Shake256s;
                let $alg = SignatureAlgorithm::SlhDsaShake256s;
                $body
            }
            "SLH-DSA-SHAKE-256f" => {
                type $P = slh_dsa::Shake256f;
                let $alg = SignatureAlgorithm::SlhDsaShake256f;
                $body
            }
            _ => $other,
        }
    };
}

/// Runs one case and turns a panic (from pqhybrid or from the case code) into an error
/// message, so one bad case cannot hide the others and a library panic is reported as such.
fn outcome(case: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(case)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("<non-string panic>");
            Err(format!("PANIC (library must never panic): {what}"))
        }
    }
}

/// Runs one case (see [`outcome`]) and records it in `tally`.
fn run_case(tally: &mut Tally, id: &str, case: impl FnOnce() -> Result<(), String>) {
    record(tally, id, outcome(case));
}

fn record(tally: &mut Tally, id: &str, r: Result<(), String>) {
    match r {
        Ok(()) => tally.pass(),
        Err(msg) => tally.fail(format!("{id}: {msg}")),
    }
}

/// `Err(msg)` unless `a == b`.
fn eq(what: &str, a: &[u8], b: &[u8]) -> Result<(), String> {
    if a == b {
        Ok(())
    } else {
        Err(format!(
            "{what} mismatch:\n      got      {}\n      expected {}",
            short_hex(a),
            short_hex(b)
        ))
    }
}

fn short_hex(b: &[u8]) -> String {
    let h: String = b.iter().take(24).map(|x| format!("{x:02x}")).collect();
    if b.len() > 24 {
        format!("{h}… ({} bytes)", b.len())
    } else {
        h
    }
}

/// One keyGen case: `slh_keygen_internal(SK.seed, SK.prf, PK.seed)` must give `pk` and `sk`.
fn keygen_case<P: ParameterSet>(
    alg: SignatureAlgorithm,
    sk_seed: &[u8],
    sk_prf: &[u8],
    pk_seed: &[u8],
    sk: &[u8],
    pk: &[u8],
    extras: bool,
) -> Result<(), String> {
    if alg.name() != P::NAME {
        return Err(format!("agile name {} vs typed {}", alg.name(), P::NAME));
    }
    let seed = [sk_seed, sk_prf, pk_seed].concat();

    // Typed API, from the seed triple.
    let key = slh_dsa::SigningKey::<P>::from_seed(&seed).map_err(|e| format!("from_seed: {e}"))?;
    eq(
        "verifying_key().to_bytes()",
        &key.verifying_key().to_bytes(),
        pk,
    )?;
    eq("to_bytes()", key.to_bytes().as_slice(), sk)?;
    let mut seed_out = [0u8; slh_dsa::MAX_SEED_LEN];
    let n = key
        .write_seed(&mut seed_out)
        .map_err(|e| format!("write_seed: {e}"))?;
    eq("write_seed()", &seed_out[..n], &seed)?;

    // Typed API, from the full FIPS 205 private key (checks PK.root against the seeds).
    let imported =
        slh_dsa::SigningKey::<P>::from_bytes(sk).map_err(|e| format!("from_bytes(sk): {e}"))?;
    eq(
        "from_bytes(sk).to_bytes()",
        imported.to_bytes().as_slice(),
        sk,
    )?;
    if imported != key {
        return Err("from_bytes(sk) != from_seed(seed)".into());
    }
    // The same key with one bit of PK.root flipped must be refused. (Each key derivation
    // costs a full top-layer XMSS tree, so this and `public_key_from_secret` below run on the
    // first case of each group only.)
    if extras {
        let mut bad_sk = sk.to_vec();
        *bad_sk.last_mut().unwrap() ^= 0x01;
        match slh_dsa::SigningKey::<P>::from_bytes(&bad_sk) {
            Err(Error::InvalidKey {
                field: Field::SecretKey,
            }) => {}
            other => {
                return Err(format!(
                    "from_bytes(sk with PK.root bit flipped): {other:?}"
                ));
            }
        }
    }
    let vk = slh_dsa::VerifyingKey::<P>::from_bytes(pk)
        .map_err(|e| format!("VerifyingKey::from_bytes(pk): {e}"))?;
    eq(
        "VerifyingKey::from_bytes(pk).to_bytes()",
        &vk.to_bytes(),
        pk,
    )?;

    // Agile layer: the canonical private key is the seed triple.
    let mut pk_out = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
    let mut sk_out = [0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
    alg.keypair_from_seed(&seed, &mut pk_out, &mut sk_out)
        .map_err(|e| format!("{alg}.keypair_from_seed: {e}"))?;
    eq("agile public key", &pk_out[..alg.public_key_len()], pk)?;
    eq("agile secret key", &sk_out[..alg.secret_key_len()], &seed)?;
    if extras {
        let mut pk_again = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
        alg.public_key_from_secret(&seed, &mut pk_again)
            .map_err(|e| format!("{alg}.public_key_from_secret: {e}"))?;
        eq(
            "agile public_key_from_secret",
            &pk_again[..alg.public_key_len()],
            pk,
        )?;
    }
    Ok(())
}

/// One keyGen test case, decoded.
struct KeygenCase {
    id: String,
    parameter_set: String,
    sk_seed: Vec<u8>,
    sk_prf: Vec<u8>,
    pk_seed: Vec<u8>,
    sk: Vec<u8>,
    pk: Vec<u8>,
    extras: bool,
}

impl KeygenCase {
    fn run(&self) -> Result<(), String> {
        let c = self;
        with_param_set!(c.parameter_set.as_str(), P, alg =>
            keygen_case::<P>(alg, &c.sk_seed, &c.sk_prf, &c.pk_seed, &c.sk, &c.pk, c.extras),
            _ => Err(format!("unknown parameterSet {:?}", c.parameter_set)))
    }
}

#[test]
fn acvp_slh_dsa_keygen() {
    const FILE: &str = "SLH-DSA-keyGen-FIPS205";
    let v = load_json("acvp/SLH-DSA-keyGen-FIPS205/internalProjection.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "SLH-DSA");
    assert_eq!(json::str(&v, "mode").or_panic(), "keyGen");
    let mut tally = Tally::new("acvp", FILE);
    let mut sets = std::collections::BTreeSet::new();
    let mut cases = Vec::new();
    for g in json::array(&v, "testGroups").or_panic() {
        let tg = json::u64(g, "tgId").or_panic();
        let ps = json::str(g, "parameterSet").or_panic();
        sets.insert(ps.to_owned());
        for (i, t) in json::array(g, "tests").or_panic().iter().enumerate() {
            cases.push(KeygenCase {
                id: format!("tgId {tg} tcId {} ({ps})", json::u64(t, "tcId").or_panic()),
                parameter_set: ps.to_owned(),
                sk_seed: json::hex(t, "skSeed").or_panic(),
                sk_prf: json::hex(t, "skPrf").or_panic(),
                pk_seed: json::hex(t, "pkSeed").or_panic(),
                sk: json::hex(t, "sk").or_panic(),
                pk: json::hex(t, "pk").or_panic(),
                extras: i == 0,
            });
        }
    }
    assert_eq!(
        sets.len(),
        12,
        "expected all 12 parameter sets, got {sets:?}"
    );
    assert_eq!(cases.len(), 120, "the README describes 120 cases");

    // Key derivation for the 's' sets is slow (a full top-layer tree per key), so the cases
    // run on two threads; results are recorded in file order.
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let halves: Vec<_> = (0..2)
            .map(|k| {
                let cases = &cases;
                scope.spawn(move || {
                    cases
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 2 == k)
                        .map(|(i, c)| (i, outcome(|| c.run())))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = halves
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    });
    assert_eq!(results.len(), cases.len());
    for (c, r) in cases.iter().zip(results) {
        record(&mut tally, &c.id, r);
    }
    tally.finish();
}

#[cfg(feature = "hazmat")]
/// One sigVer case over the internal interface (`slh_verify_internal(M, SIG, PK)`).
fn sigver_internal_case<P: ParameterSet>(
    alg: SignatureAlgorithm,
    sk: &[u8],
    pk: &[u8],
    msg: &[u8],
    sig: &[u8],
    expect_ok: bool,
) -> Result<(), String> {
    // The vector's private key must derive its public key (a check on the vector and on our
    // key import).
    let signer =
        slh_dsa::SigningKey::<P>::from_bytes(sk).map_err(|e| format!("from_bytes(sk): {e}"))?;
    eq("public key of sk", &signer.verifying_key().to_bytes(), pk)?;

    let vk = slh_dsa::VerifyingKey::<P>::from_bytes(pk)
        .map_err(|e| format!("VerifyingKey::from_bytes: {e}"))?;
    let got = vk.verify_internal_hazmat(msg, sig);
    let wrong_len = sig.len() != P::SIGNATURE_LEN;
    let want_err = Error::InvalidLength {
        field: Field::Signature,
        expected: P::SIGNATURE_LEN,
        actual: sig.len(),
    };
    match (expect_ok, got) {
        (true, Ok(())) => {}
        (true, Err(e)) => return Err(format!("valid signature rejected: {e:?}")),
        (false, Ok(())) => return Err("invalid signature accepted".into()),
        // A signature of the wrong length must be refused as such, before any hashing.
        (false, Err(e)) if wrong_len => {
            if e != want_err {
                return Err(format!("expected {want_err:?}, got {e:?}"));
            }
        }
        (false, Err(e)) => {
            if e != Error::VerificationFailed {
                return Err(format!("expected VerificationFailed, got {e:?}"));
            }
        }
    }
    // The agile layer offers only the pure (external) interface, so it cannot verify these
    // internal-interface signatures; what it can be held to here is the same length check.
    if wrong_len {
        match alg.verify(pk, msg, b"", sig) {
            Err(e) if e == want_err => {}
            other => return Err(format!("agile verify of wrong-length signature: {other:?}")),
        }
    }
    Ok(())
}

#[cfg(feature = "hazmat")]
/// One sigVer case over the external pure interface (`slh_verify(M, SIG, ctx, PK)`), for
/// vector files whose groups say `signatureInterface: external`, `preHash: pure`.
fn sigver_external_case<P: ParameterSet>(
    alg: SignatureAlgorithm,
    pk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
    expect_ok: bool,
) -> Result<(), String> {
    let vk = slh_dsa::VerifyingKey::<P>::from_bytes(pk)
        .map_err(|e| format!("VerifyingKey::from_bytes: {e}"))?;
    let typed = vk.verify(msg, ctx, sig);
    let agile = alg.verify(pk, msg, ctx, sig);
    if typed != agile {
        return Err(format!("typed {typed:?} != agile {agile:?}"));
    }
    match (expect_ok, typed) {
        (true, Ok(())) | (false, Err(_)) => Ok(()),
        (true, Err(e)) => Err(format!("valid signature rejected: {e:?}")),
        (false, Ok(())) => Err("invalid signature accepted".into()),
    }
}

#[cfg(feature = "hazmat")]
#[test]
fn acvp_legacy_slh_dsa_sigver() {
    const FILE: &str = "SLH-DSA-sigVer-FIPS205";
    let v = load_json("acvp-legacy-2024-08/SLH-DSA-sigVer-FIPS205/internalProjection.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "SLH-DSA");
    assert_eq!(json::str(&v, "mode").or_panic(), "sigVer");
    let mut tally = Tally::new("acvp-legacy", FILE);
    let (mut valid, mut invalid) = (0usize, 0usize);
    for g in json::array(&v, "testGroups").or_panic() {
        let tg = json::u64(g, "tgId").or_panic();
        let ps = json::str(g, "parameterSet").or_panic();
        // This 2024-08 release has no `signatureInterface` field: its groups are the internal
        // interface (message = M' given directly to slh_verify_internal). Later releases name
        // the interface; handle both so a swapped file is not misread.
        let interface = json::opt_str(g, "signatureInterface")
            .or_panic()
            .unwrap_or("internal");
        let pre_hash = json::opt_str(g, "preHash").or_panic().unwrap_or("pure");
        for t in json::array(g, "tests").or_panic() {
            let id = format!("tgId {tg} tcId {} ({ps})", json::u64(t, "tcId").or_panic());
            let expect_ok = json::bool(t, "testPassed").unwrap_or_else(|e| panic!("{id}: {e}"));
            if expect_ok {
                valid += 1;
            } else {
                invalid += 1;
            }
            if pre_hash != "pure" {
                // HashSLH-DSA (FIPS 205 §10.2.2) is not offered by pqhybrid: only pure
                // SLH-DSA and the internal interface are.
                tally.na("HashSLH-DSA pre-hash interface not offered");
                continue;
            }
            run_case(&mut tally, &id, || {
                let pk = json::hex(t, "pk")?;
                let msg = json::hex(t, "message")?;
                let sig = json::hex(t, "signature")?;
                match interface {
                    "internal" => {
                        let sk = json::hex(t, "sk")?;
                        with_param_set!(ps, P, alg =>
                            sigver_internal_case::<P>(alg, &sk, &pk, &msg, &sig, expect_ok),
                            _ => Err(format!("unknown parameterSet {ps:?}")))
                    }
                    "external" => {
                        let ctx = json::opt_hex(t, "context")?.unwrap_or_default();
                        with_param_set!(ps, P, alg =>
                            sigver_external_case::<P>(alg, &pk, &msg, &ctx, &sig, expect_ok),
                            _ => Err(format!("unknown parameterSet {ps:?}")))
                    }
                    other => Err(format!("unknown signatureInterface {other:?}")),
                }
            });
        }
    }
    // The README describes this file as 45 cases, 15 valid and 30 invalid.
    assert_eq!(
        (valid, invalid),
        (15, 30),
        "unexpected vector file contents"
    );
    tally.finish();
}

/// The sigVer vectors exercise `slh_verify_internal`, reachable only with the `hazmat`
/// feature. Without it this test fails (rather than passing with zero cases): run with
/// `--all-features` or `--features hazmat`.
#[cfg(not(feature = "hazmat"))]
#[test]
fn acvp_legacy_slh_dsa_sigver() {
    panic!(
        "kat acvp-legacy/SLH-DSA-sigVer-FIPS205 needs the `hazmat` feature \
         (slh_verify_internal); run `cargo test -p pqhybrid --all-features --test kat_slh_dsa`"
    );
}

// ---------------------------------------------------------------------------------------------
// Sign/verify round trip through the agile layer (not a KAT).
// ---------------------------------------------------------------------------------------------

const MSG: &[u8] = b"pqhybrid SLH-DSA round trip";
const CTX: &[u8] = b"firmware-v1";

/// Signs once deterministically through the agile layer and checks that the signature
/// verifies (agile and typed), and that wrong messages, contexts and keys do not.
fn basic_round_trip(alg: SignatureAlgorithm, seed_byte: u8) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let seed: Vec<u8> = (0..alg.seed_len())
        .map(|i| seed_byte.wrapping_add(i as u8))
        .collect();
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&seed, &mut pk, &mut sk).unwrap();
    assert_eq!(sk, seed, "{alg}: canonical private key is the seed");

    let mut sig = vec![0u8; alg.signature_len()];
    let n = alg.sign_deterministic(&sk, MSG, CTX, &mut sig).unwrap();
    assert_eq!(n, alg.signature_len(), "{alg}: signature length");
    assert_eq!(alg.verify(&pk, MSG, CTX, &sig), Ok(()), "{alg}: verify");

    for (what, msg, ctx) in [
        ("other message", &b"pqhybrid SLH-DSA round trip!"[..], CTX),
        ("other context", MSG, &b"firmware-v2"[..]),
        ("empty context", MSG, &b""[..]),
    ] {
        assert_eq!(
            alg.verify(&pk, msg, ctx, &sig),
            Err(Error::VerificationFailed),
            "{alg}: {what} must not verify"
        );
    }
    let mut other_pk = pk.clone();
    *other_pk.last_mut().unwrap() ^= 0x80;
    assert_eq!(
        alg.verify(&other_pk, MSG, CTX, &sig),
        Err(Error::VerificationFailed),
        "{alg}: other key must not verify"
    );
    (pk, sk, sig)
}

/// The full battery: deterministic twice is identical, hedged with a test RNG verifies and
/// differs, `opt_rand = PK.seed` reproduces the deterministic signature, flipped bits fail,
/// a too-long context is refused, and the typed API agrees with the agile one.
fn full_round_trip(alg: SignatureAlgorithm, seed_byte: u8) {
    let (pk, sk, sig) = basic_round_trip(alg, seed_byte);
    let n = alg.signature_len() / 3;

    let mut again = vec![0u8; alg.signature_len()];
    alg.sign_deterministic(&sk, MSG, CTX, &mut again).unwrap();
    assert_eq!(
        again, sig,
        "{alg}: deterministic signing is not deterministic"
    );

    let mut hedged = vec![0u8; alg.signature_len()];
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15 ^ u64::from(seed_byte));
    alg.sign(&sk, MSG, CTX, &mut rng, &mut hedged).unwrap();
    assert_eq!(alg.verify(&pk, MSG, CTX, &hedged), Ok(()), "{alg}: hedged");
    assert_ne!(
        hedged, sig,
        "{alg}: hedged signature equals the deterministic one"
    );

    // FIPS 205 Algorithm 22: deterministic signing is opt_rand = PK.seed.
    let pk_seed = &pk[..pk.len() / 2];
    let mut replayed = vec![0u8; alg.signature_len()];
    alg.sign(&sk, MSG, CTX, &mut Replay(pk_seed), &mut replayed)
        .unwrap();
    assert_eq!(
        replayed, sig,
        "{alg}: opt_rand = PK.seed differs from deterministic"
    );

    // Flip one bit in R, in the FORS part and in the last hypertree layer.
    for pos in [0, n, alg.signature_len() - 1] {
        let mut bad = sig.clone();
        bad[pos] ^= 0x01;
        assert_eq!(
            alg.verify(&pk, MSG, CTX, &bad),
            Err(Error::VerificationFailed),
            "{alg}: signature with bit flipped at byte {pos} verified"
        );
    }
    assert_eq!(
        alg.verify(&pk, MSG, CTX, &sig[..sig.len() - 1]),
        Err(Error::InvalidLength {
            field: Field::Signature,
            expected: alg.signature_len(),
            actual: alg.signature_len() - 1
        })
    );
    let long_ctx = [0u8; 256];
    assert_eq!(
        alg.sign_deterministic(&sk, MSG, &long_ctx, &mut again),
        Err(Error::ContextTooLong {
            max: 255,
            actual: 256
        }),
        "{alg}: 256-byte context"
    );

    // The typed API signs the same bytes and accepts the agile signatures.
    with_param_set!(alg.name(), P, _a => {
        let key = slh_dsa::SigningKey::<P>::from_seed(&sk).unwrap();
        let typed = key.sign_deterministic(MSG, CTX).unwrap();
        assert_eq!(typed.as_slice(), &sig[..], "{alg}: typed vs agile deterministic signature");
        let vk = key.verifying_key();
        assert_eq!(vk.verify(MSG, CTX, &hedged), Ok(()), "{alg}: typed verify of hedged");
        assert_eq!(vk.to_bytes().as_slice(), &pk[..]);
    }, _ => panic!("{alg} is not an SLH-DSA set"));
}

/// The six 'f' (fast-signing) sets get the full battery.
#[test]
fn slh_dsa_sign_verify_f_sets() {
    for (i, alg) in [
        SignatureAlgorithm::SlhDsaSha2_128f,
        SignatureAlgorithm::SlhDsaSha2_192f,
        SignatureAlgorithm::SlhDsaSha2_256f,
        SignatureAlgorithm::SlhDsaShake128f,
        SignatureAlgorithm::SlhDsaShake192f,
        SignatureAlgorithm::SlhDsaShake256f,
    ]
    .into_iter()
    .enumerate()
    {
        full_round_trip(alg, 0x10 * (i as u8 + 1));
    }
}

/// One 's' set gets the full battery (four signatures); the other five 's' sets, which take
/// seconds per signature, sign once deterministically and verify.
#[test]
fn slh_dsa_sign_verify_s_sets() {
    full_round_trip(SignatureAlgorithm::SlhDsaSha2_128s, 0x71);
    for (i, alg) in [
        SignatureAlgorithm::SlhDsaSha2_192s,
        SignatureAlgorithm::SlhDsaSha2_256s,
        SignatureAlgorithm::SlhDsaShake128s,
        SignatureAlgorithm::SlhDsaShake192s,
        SignatureAlgorithm::SlhDsaShake256s,
    ]
    .into_iter()
    .enumerate()
    {
        let _ = basic_round_trip(alg, 0x80 + i as u8);
    }
}

/// Every SLH-DSA algorithm of the agile layer is covered by the two tests above.
#[test]
fn slh_dsa_round_trip_covers_all_sets() {
    let slh: Vec<_> = SignatureAlgorithm::ALL
        .into_iter()
        .filter(|a| a.name().starts_with("SLH-DSA-"))
        .collect();
    assert_eq!(slh.len(), 12);
    for alg in slh {
        let covered = with_param_set!(alg.name(), P, a => {
            a == alg && P::NAME == alg.name()
        }, _ => false);
        assert!(covered, "{alg}");
    }
}

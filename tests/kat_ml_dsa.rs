//! ML-DSA (FIPS 204) conformance against published vectors: NIST ACVP (keyGen, sigGen, sigVer)
//! and Wycheproof (sign with seed, sign with expanded key, verify), read in place through
//! `pqhybrid-kat`.
//!
//! Every case of every file is counted as passed, failed or not applicable. The only
//! not-applicable cases are HashML-DSA (`preHash: "preHash"`) groups: pqhybrid offers pure ML-DSA
//! and the internal/external-μ interfaces only, not the pre-hash variant.
//!
//! Each case runs inside `catch_unwind`: a panic raised by pqhybrid is a bug (the library promises
//! never to panic), and is reported as a failing case instead of aborting the file.
//!
//! Run: `cargo test -p pqhybrid --all-features --test kat_ml_dsa -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// Expanded-key import and `Sign_internal` with a chosen `rnd` need the `hazmat` feature. Without
/// it this file must not pass silently with zero cases.
#[cfg(not(feature = "hazmat"))]
#[test]
fn ml_dsa_kat_needs_hazmat() {
    panic!("the ML-DSA known-answer tests need `--features hazmat` (or `--all-features`)");
}

#[cfg(feature = "hazmat")]
mod kat {
    use std::collections::HashMap;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use pqhybrid::primitives::bytes::ByteArray as _;
    use pqhybrid::primitives::ml_dsa::{
        ExpandedSigningKey, MU_LEN, MessageHasher, MlDsa44, MlDsa65, MlDsa87, MlDsaParams, Mu,
        RND_LEN, SEED_LEN, SigningKey, VerifyingKey,
    };
    use pqhybrid::{Error, Field, MAX_CONTEXT_LEN, SignatureAlgorithm};
    use pqhybrid_kat::json::{self, OrPanic as _};
    use pqhybrid_kat::rng::Replay;
    use pqhybrid_kat::{Tally, hex, load_json};

    /// A case's own check failed (message says which); `Ok` is a pass.
    type Check<T = ()> = Result<T, String>;

    const PREHASH_NA: &str = "HashML-DSA (pre-hash) not offered by pqhybrid";

    // Vector fields are read with `pqhybrid_kat::json`. Inside a case closure a malformed field
    // fails that case (`?`); a file's or group's fields are read outside, where one fails the
    // whole test (`or_panic`). The generic per-case functions take plain Rust data.

    // ---------------------------------------------------------------------------------------------
    // Parameter sets.

    /// Runs `$body` with `$P` bound to the ML-DSA parameter type named `$name` (FIPS 204 name).
    macro_rules! with_params {
        ($name:expr, $P:ident => $body:expr) => {
            match $name {
                "ML-DSA-44" => {
                    type $P = MlDsa44;
                    $body
                }
                "ML-DSA-65" => {
                    type $P = MlDsa65;
                    $body
                }
                "ML-DSA-87" => {
                    type $P = MlDsa87;
                    $body
                }
                other => Err(format!("unknown parameter set {other:?}")),
            }
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Shared helpers.

    /// Runs one case and records its outcome. A panic (from pqhybrid or from this file) is caught
    /// and counted as a failure, so one bad case cannot hide the others.
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
                t.fail(format!(
                    "{id}: PANIC (a panic inside pqhybrid is a bug): {msg}"
                ));
            }
        }
    }

    fn alg_of(name: &str) -> Check<SignatureAlgorithm> {
        SignatureAlgorithm::from_name(name).ok_or_else(|| format!("no SignatureAlgorithm {name:?}"))
    }

    fn same(what: &str, got: &[u8], want: &[u8]) -> Check {
        if got == want {
            Ok(())
        } else {
            let at = got.iter().zip(want).position(|(a, b)| a != b);
            Err(format!(
                "{what}: mismatch (got {} bytes, want {}, first difference at {at:?})",
                got.len(),
                want.len()
            ))
        }
    }

    fn ensure(ok: bool, msg: impl FnOnce() -> String) -> Check {
        if ok { Ok(()) } else { Err(msg()) }
    }

    fn lib<T>(what: &str, r: pqhybrid::Result<T>) -> Check<T> {
        r.map_err(|e| format!("{what}: unexpected error {e:?}"))
    }

    fn mu_of(bytes: &[u8]) -> Check<Mu> {
        let mu: [u8; MU_LEN] = bytes
            .try_into()
            .map_err(|_| format!("vector μ has {} bytes, expected {MU_LEN}", bytes.len()))?;
        Ok(Mu(mu))
    }

    fn rnd_of(bytes: Option<&[u8]>) -> Check<[u8; RND_LEN]> {
        match bytes {
            None => Ok([0u8; RND_LEN]),
            Some(b) => b
                .try_into()
                .map_err(|_| format!("vector rnd has {} bytes, expected {RND_LEN}", b.len())),
        }
    }

    /// Absorbs `msg` into `h` in three uneven chunks (exercises the streaming path).
    fn absorb_chunked(mut h: MessageHasher, msg: &[u8]) -> Mu {
        let a = msg.len() / 3;
        let b = a + (msg.len() - a) / 2;
        h.update(&msg[..a]);
        h.update(&msg[a..b]);
        h.update(&msg[b..]);
        h.finalize()
    }

    /// An error a verifier may give for a signature of the right length that must be rejected.
    fn is_rejection(e: &Error) -> bool {
        matches!(
            e,
            Error::VerificationFailed
                | Error::MalformedEncoding {
                    field: Field::Signature
                }
        )
    }

    /// The two forms of private key the vectors carry.
    enum KeyBytes {
        /// The seed ξ (canonical form).
        Seed(Vec<u8>),
        /// The FIPS 204 `skEncode` expanded key.
        Expanded(Vec<u8>),
    }

    /// A loaded signing key of either form.
    enum Signer<P: MlDsaParams> {
        Seed(SigningKey<P>),
        Expanded(ExpandedSigningKey<P>),
    }

    impl<P: MlDsaParams> Signer<P> {
        fn load(key: &KeyBytes) -> pqhybrid::Result<Self> {
            match key {
                KeyBytes::Seed(s) => SigningKey::<P>::from_seed_slice(s).map(Self::Seed),
                KeyBytes::Expanded(sk) => {
                    ExpandedSigningKey::<P>::from_bytes_hazmat(sk).map(Self::Expanded)
                }
            }
        }
        fn vk(&self) -> &VerifyingKey<P> {
            match self {
                Self::Seed(k) => k.verifying_key(),
                Self::Expanded(k) => k.verifying_key(),
            }
        }
        fn sign_mu(&self, mu: &Mu, rnd: &[u8; RND_LEN]) -> pqhybrid::Result<Vec<u8>> {
            match self {
                Self::Seed(k) => k.sign_mu_with_rnd_hazmat(mu, rnd).map(|s| s.to_vec()),
                Self::Expanded(k) => k.sign_mu_with_rnd_hazmat(mu, rnd).map(|s| s.to_vec()),
            }
        }
    }

    /// Which FIPS 204 interface a case exercises.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Iface {
        /// Pure ML-DSA: `M' = 0 ‖ |ctx| ‖ ctx ‖ M` (Algorithms 2/3).
        Pure,
        /// `Sign_internal`/`Verify_internal` on `M'` given whole (no domain prefix).
        Internal,
        /// `Sign_internal`/`Verify_internal` from a given μ.
        ExternalMu,
    }

    /// Reads an ACVP group's interface; `None` for HashML-DSA.
    fn acvp_iface(
        interface: &str,
        pre_hash: Option<&str>,
        external_mu: Option<bool>,
    ) -> Check<Option<Iface>> {
        match (interface, pre_hash, external_mu) {
            ("external", Some("pure"), _) => Ok(Some(Iface::Pure)),
            ("external", Some("preHash"), _) => Ok(None),
            ("internal", _, Some(true)) => Ok(Some(Iface::ExternalMu)),
            ("internal", _, Some(false) | None) => Ok(Some(Iface::Internal)),
            other => Err(format!("unknown signature interface {other:?}")),
        }
    }

    // ---------------------------------------------------------------------------------------------
    // ACVP ML-DSA-keyGen-FIPS204

    fn keygen_case<P: MlDsaParams>(
        alg: SignatureAlgorithm,
        seed: &[u8],
        pk: &[u8],
        sk: &[u8],
    ) -> Check {
        let seed32: &[u8; SEED_LEN] = seed
            .try_into()
            .map_err(|_| format!("vector seed has {} bytes", seed.len()))?;
        // Typed API.
        let key = SigningKey::<P>::from_seed(seed32);
        same(
            "pk (SigningKey::from_seed)",
            key.verifying_key().to_bytes().as_slice(),
            pk,
        )?;
        same("seed round trip", key.seed(), seed)?;
        // Algorithm-agile layer.
        let mut pk_out = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
        let mut sk_out = [0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
        lib(
            "agile keypair_from_seed",
            alg.keypair_from_seed(seed, &mut pk_out, &mut sk_out),
        )?;
        same("pk (agile)", &pk_out[..alg.public_key_len()], pk)?;
        same(
            "sk (agile, the seed)",
            &sk_out[..alg.secret_key_len()],
            seed,
        )?;
        let mut pk_out2 = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
        lib(
            "agile public_key_from_secret",
            alg.public_key_from_secret(seed, &mut pk_out2),
        )?;
        same(
            "pk (agile public_key_from_secret)",
            &pk_out2[..alg.public_key_len()],
            pk,
        )?;
        // The expanded sk is not exported (the seed is canonical): import the expected one and check
        // that it is the same key as ours, by its public key and by a deterministic signature.
        let esk = lib(
            "ExpandedSigningKey::from_bytes_hazmat(expected sk)",
            ExpandedSigningKey::<P>::from_bytes_hazmat(sk),
        )?;
        same(
            "pk of the expected expanded sk",
            esk.verifying_key().to_bytes().as_slice(),
            pk,
        )?;
        let mut mu = [0u8; MU_LEN];
        for (i, b) in mu.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0xa5;
        }
        let mu = Mu(mu);
        let ours = lib(
            "sign (seed key)",
            key.sign_mu_with_rnd_hazmat(&mu, &[0u8; RND_LEN]),
        )?;
        let theirs = lib(
            "sign (expected expanded sk)",
            esk.sign_mu_with_rnd_hazmat(&mu, &[0u8; RND_LEN]),
        )?;
        same(
            "signature over fixed μ, seed key vs expected expanded sk",
            ours.as_slice(),
            theirs.as_slice(),
        )
    }

    #[test]
    fn acvp_ml_dsa_keygen() {
        let v = load_json("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
        let mut t = Tally::new("acvp", "ML-DSA-keyGen-FIPS204");
        for g in json::array(&v, "testGroups").or_panic() {
            let ps = json::str(g, "parameterSet").or_panic();
            let tg = json::u64(g, "tgId").or_panic();
            for c in json::array(g, "tests").or_panic() {
                let id = format!("tgId {tg} tcId {} ({ps})", json::u64(c, "tcId").or_panic());
                run(&mut t, &id, || {
                    let (seed, pk, sk) = (
                        json::hex(c, "seed")?,
                        json::hex(c, "pk")?,
                        json::hex(c, "sk")?,
                    );
                    let alg = alg_of(ps)?;
                    with_params!(ps, P => keygen_case::<P>(alg, &seed, &pk, &sk))
                });
            }
        }
        t.finish();
    }

    // ---------------------------------------------------------------------------------------------
    // ACVP ML-DSA-sigGen-FIPS204 and -tr1

    struct SigGen {
        key: KeyBytes,
        iface: Iface,
        deterministic: bool,
        msg: Vec<u8>,
        ctx: Vec<u8>,
        mu: Option<Vec<u8>>,
        rnd: [u8; RND_LEN],
        expected: Vec<u8>,
    }

    fn siggen_case<P: MlDsaParams>(alg: SignatureAlgorithm, c: &SigGen) -> Check {
        let signer = lib("key import", Signer::<P>::load(&c.key))?;
        let vk = signer.vk();
        let mu = match c.iface {
            Iface::Pure => {
                let mu = lib("MessageHasher::new", MessageHasher::new(vk.tr(), &c.ctx))
                    .map(|h| absorb_chunked(h, &c.msg))?;
                let mut h = lib("vk.message_hasher", vk.message_hasher(&c.ctx))?;
                h.update(&c.msg);
                ensure(h.finalize() == mu, || {
                    "μ: streamed (3 chunks) ≠ one-shot".to_owned()
                })?;
                mu
            }
            Iface::Internal => absorb_chunked(MessageHasher::new_internal(vk.tr()), &c.msg),
            Iface::ExternalMu => mu_of(c.mu.as_deref().ok_or("vector: missing mu")?)?,
        };
        let sig = lib("sign_mu_with_rnd_hazmat", signer.sign_mu(&mu, &c.rnd))?;
        same("signature (Sign_internal on μ)", &sig, &c.expected)?;

        // The public pure-ML-DSA entry points, for seed keys (the agile layer only takes seeds).
        if let (Iface::Pure, Signer::Seed(key), KeyBytes::Seed(seed)) = (c.iface, &signer, &c.key) {
            let mut out = [0u8; SignatureAlgorithm::MAX_SIGNATURE_LEN];
            if c.deterministic {
                let s = lib(
                    "SigningKey::sign_deterministic",
                    key.sign_deterministic(&c.msg, &c.ctx),
                )?;
                same(
                    "signature (SigningKey::sign_deterministic)",
                    s.as_slice(),
                    &c.expected,
                )?;
                let n = lib(
                    "agile sign_deterministic",
                    alg.sign_deterministic(seed, &c.msg, &c.ctx, &mut out),
                )?;
                same(
                    "signature (agile sign_deterministic)",
                    &out[..n],
                    &c.expected,
                )?;
            } else {
                // Hedged signing with the vector's rnd replayed by the RNG.
                let s = lib(
                    "SigningKey::sign",
                    key.sign(&c.msg, &c.ctx, &mut Replay(&c.rnd)),
                )?;
                same(
                    "signature (SigningKey::sign, rnd replayed)",
                    s.as_slice(),
                    &c.expected,
                )?;
                let n = lib(
                    "agile sign",
                    alg.sign(seed, &c.msg, &c.ctx, &mut Replay(&c.rnd), &mut out),
                )?;
                same(
                    "signature (agile sign, rnd replayed)",
                    &out[..n],
                    &c.expected,
                )?;
            }
        }

        // The expected signature verifies under our verifying key.
        lib(
            "verify_mu(expected signature)",
            vk.verify_mu(&mu, &c.expected),
        )?;
        if c.iface == Iface::Pure {
            lib(
                "verify(expected signature)",
                vk.verify(&c.msg, &c.ctx, &c.expected),
            )?;
            let pk = vk.to_bytes();
            lib(
                "agile verify(expected signature)",
                alg.verify(pk.as_slice(), &c.msg, &c.ctx, &c.expected),
            )?;
        }
        Ok(())
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
        let mut t = Tally::new("acvp", folder);
        let mut joined = 0usize;
        for g in json::array(&prompt, "testGroups").or_panic() {
            let ps = json::str(g, "parameterSet").or_panic();
            let tg = json::u64(g, "tgId").or_panic();
            let iface = acvp_iface(
                json::str(g, "signatureInterface").or_panic(),
                json::opt_str(g, "preHash").or_panic(),
                json::opt_bool(g, "externalMu").or_panic(),
            );
            let deterministic = json::bool(g, "deterministic").or_panic();
            // -tr1 names the key format; the original revision always gives the expanded `sk`.
            let key_format = json::opt_str(g, "keyFormat")
                .or_panic()
                .unwrap_or("expanded");
            for c in json::array(g, "tests").or_panic() {
                let tc = json::u64(c, "tcId").or_panic();
                let id = format!(
                    "tgId {tg} tcId {tc} ({ps}, {key_format}, {iface:?}, det={deterministic})"
                );
                let want = expected.remove(&(tg, tc));
                if want.is_some() {
                    joined += 1;
                }
                if matches!(iface, Ok(None)) {
                    // HashML-DSA (FIPS 204 Algorithm 4): pqhybrid offers pure ML-DSA and the
                    // internal / external-μ interfaces only, so there is no API to test here.
                    t.na(PREHASH_NA);
                    continue;
                }
                run(&mut t, &id, || {
                    let iface = iface.clone()?.ok_or("unreachable: preHash handled above")?;
                    let key = match key_format {
                        "seed" => KeyBytes::Seed(json::hex(c, "seed")?),
                        "expanded" => KeyBytes::Expanded(json::hex(c, "sk")?),
                        other => return Err(format!("unknown keyFormat {other:?}")),
                    };
                    let case = SigGen {
                        key,
                        iface,
                        deterministic,
                        msg: json::opt_hex(c, "message")?.unwrap_or_default(),
                        ctx: json::opt_hex(c, "context")?.unwrap_or_default(),
                        mu: json::opt_hex(c, "mu")?,
                        rnd: if deterministic {
                            [0u8; RND_LEN]
                        } else {
                            rnd_of(Some(json::hex(c, "rnd")?.as_slice()))?
                        },
                        expected: hex(&want.ok_or("no expected result for this (tgId, tcId)")?),
                    };
                    let alg = alg_of(ps)?;
                    with_params!(ps, P => siggen_case::<P>(alg, &case))
                });
            }
        }
        // Every expected result must belong to a prompt case (the join loses nothing).
        for (tg, tc) in expected.keys() {
            t.fail(format!(
                "tgId {tg} tcId {tc}: expected result without a prompt case"
            ));
        }
        assert!(joined > 0, "no prompt case joined an expected result");
        t.finish();
    }

    #[test]
    fn acvp_ml_dsa_siggen() {
        acvp_siggen("ML-DSA-sigGen-FIPS204");
    }

    #[test]
    fn acvp_ml_dsa_siggen_tr1() {
        acvp_siggen("ML-DSA-sigGen-FIPS204-tr1");
    }

    // ---------------------------------------------------------------------------------------------
    // ACVP ML-DSA-sigVer-FIPS204

    struct SigVer {
        pk: Vec<u8>,
        iface: Iface,
        msg: Vec<u8>,
        ctx: Vec<u8>,
        mu: Option<Vec<u8>>,
        sig: Vec<u8>,
        passed: bool,
    }

    /// `Ok` iff the outcome agrees with the expectation; invalid signatures of the right length must
    /// be rejected with `VerificationFailed` or `MalformedEncoding { Signature }`.
    fn judge_verify(what: &str, got: &pqhybrid::Result<()>, want_ok: bool) -> Check {
        match (got, want_ok) {
            (Ok(()), true) => Ok(()),
            (Err(e), false) if is_rejection(e) => Ok(()),
            (Ok(()), false) => Err(format!("{what}: accepted an invalid signature")),
            (Err(e), _) => Err(format!(
                "{what}: got {e:?}, want {}",
                if want_ok { "Ok" } else { "a rejection" }
            )),
        }
    }

    fn sigver_case<P: MlDsaParams>(alg: SignatureAlgorithm, c: &SigVer) -> Check {
        let vk = lib(
            "VerifyingKey::from_bytes",
            VerifyingKey::<P>::from_bytes(&c.pk),
        )?;
        match c.iface {
            Iface::Pure => {
                let typed = vk.verify(&c.msg, &c.ctx, &c.sig);
                judge_verify("VerifyingKey::verify", &typed, c.passed)?;
                let agile = alg.verify(&c.pk, &c.msg, &c.ctx, &c.sig);
                judge_verify("agile verify", &agile, c.passed)?;
                let mu = absorb_chunked(lib("message_hasher", vk.message_hasher(&c.ctx))?, &c.msg);
                let streamed = vk.verify_mu(&mu, &c.sig);
                judge_verify("streamed verify_mu", &streamed, c.passed)?;
                ensure(typed == agile && typed == streamed, || {
                    format!("typed {typed:?}, agile {agile:?}, streamed {streamed:?} disagree")
                })
            }
            Iface::Internal => {
                let mu = absorb_chunked(MessageHasher::new_internal(vk.tr()), &c.msg);
                judge_verify("verify_mu (internal)", &vk.verify_mu(&mu, &c.sig), c.passed)
            }
            Iface::ExternalMu => {
                let mu = mu_of(c.mu.as_deref().ok_or("vector: missing mu")?)?;
                judge_verify(
                    "verify_mu (external μ)",
                    &vk.verify_mu(&mu, &c.sig),
                    c.passed,
                )
            }
        }
    }

    #[test]
    fn acvp_ml_dsa_sigver() {
        let v = load_json("acvp/ML-DSA-sigVer-FIPS204/internalProjection.json");
        let mut t = Tally::new("acvp", "ML-DSA-sigVer-FIPS204");
        for g in json::array(&v, "testGroups").or_panic() {
            let ps = json::str(g, "parameterSet").or_panic();
            let tg = json::u64(g, "tgId").or_panic();
            let iface = acvp_iface(
                json::str(g, "signatureInterface").or_panic(),
                json::opt_str(g, "preHash").or_panic(),
                json::opt_bool(g, "externalMu").or_panic(),
            );
            for c in json::array(g, "tests").or_panic() {
                let id = format!(
                    "tgId {tg} tcId {} ({ps}, {iface:?}, {:?})",
                    json::u64(c, "tcId").or_panic(),
                    json::opt_str(c, "reason").or_panic()
                );
                if matches!(iface, Ok(None)) {
                    // HashML-DSA (FIPS 204 Algorithm 5): not offered by pqhybrid; no API to test.
                    t.na(PREHASH_NA);
                    continue;
                }
                run(&mut t, &id, || {
                    let case = SigVer {
                        pk: json::hex(c, "pk")?,
                        iface: iface.clone()?.ok_or("unreachable: preHash handled above")?,
                        msg: json::opt_hex(c, "message")?.unwrap_or_default(),
                        ctx: json::opt_hex(c, "context")?.unwrap_or_default(),
                        mu: json::opt_hex(c, "mu")?,
                        sig: json::hex(c, "signature")?,
                        passed: json::bool(c, "testPassed")?,
                    };
                    let alg = alg_of(ps)?;
                    with_params!(ps, P => sigver_case::<P>(alg, &case))
                });
            }
        }
        t.finish();
    }

    // ---------------------------------------------------------------------------------------------
    // Wycheproof

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Expect {
        Valid,
        Invalid,
        /// Either outcome is allowed (none of the ML-DSA files uses it at this revision).
        Acceptable,
    }

    fn expect_of(s: &str) -> Check<Expect> {
        match s {
            "valid" => Ok(Expect::Valid),
            "invalid" => Ok(Expect::Invalid),
            "acceptable" => Ok(Expect::Acceptable),
            other => Err(format!("unknown result {other:?}")),
        }
    }

    /// Checks an error against the specific errors the inputs determine (`allowed`, empty when the
    /// inputs are well-formed and any error is as good as another).
    fn judge_err(what: &str, e: &Error, allowed: &[Error]) -> Check {
        ensure(allowed.is_empty() || allowed.contains(e), || {
            format!("{what}: got {e:?}, want one of {allowed:?}")
        })
    }

    struct WSign {
        key: KeyBytes,
        public_key: Option<Vec<u8>>,
        msg: Option<Vec<u8>>,
        ctx: Vec<u8>,
        rnd: Option<Vec<u8>>,
        mu: Option<Vec<u8>>,
        sig: Vec<u8>,
        expect: Expect,
        flags: Vec<String>,
    }

    /// Runs the whole signing path; the inner result is what the library did (a signature or its
    /// error), the outer `Err` a failed cross-check on the way.
    fn wsign_path<P: MlDsaParams>(
        alg: SignatureAlgorithm,
        c: &WSign,
    ) -> Check<pqhybrid::Result<Vec<u8>>> {
        let rnd = rnd_of(c.rnd.as_deref())?;
        // The agile layer takes seeds only; it must agree with the typed import.
        if let KeyBytes::Seed(seed) = &c.key {
            let mut pk_out = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
            let agile = alg.public_key_from_secret(seed, &mut pk_out);
            let want = SigningKey::<P>::from_seed_slice(seed).map(|_| ());
            ensure(agile.is_ok() == want.is_ok(), || {
                format!("agile public_key_from_secret {agile:?} but typed from_seed_slice {want:?}")
            })?;
            if let (Ok(()), Some(pk)) = (agile, &c.public_key) {
                same(
                    "pk (agile public_key_from_secret)",
                    &pk_out[..alg.public_key_len()],
                    pk,
                )?;
            }
        }
        let signer = match Signer::<P>::load(&c.key) {
            Ok(s) => s,
            Err(e) => {
                // A key the library refuses: the agile signing path must refuse it the same way.
                if let (KeyBytes::Seed(seed), Some(msg)) = (&c.key, &c.msg) {
                    let mut out = [0u8; SignatureAlgorithm::MAX_SIGNATURE_LEN];
                    let r = alg.sign_deterministic(seed, msg, &c.ctx, &mut out);
                    ensure(r.is_err(), || {
                        "agile sign_deterministic accepted a refused key".to_owned()
                    })?;
                }
                return Ok(Err(e));
            }
        };
        let vk = signer.vk();
        if let Some(pk) = &c.public_key {
            same(
                "public key derived from the private key",
                vk.to_bytes().as_slice(),
                pk,
            )?;
        }
        let mu = match &c.msg {
            Some(msg) => {
                let h = match vk.message_hasher(&c.ctx) {
                    Ok(h) => h,
                    Err(e) => {
                        // Every pure signing entry point must refuse the same way.
                        if let (Signer::Seed(key), KeyBytes::Seed(seed)) = (&signer, &c.key) {
                            let mut out = [0u8; SignatureAlgorithm::MAX_SIGNATURE_LEN];
                            let typed = key.sign_deterministic(msg, &c.ctx).map(|_| ());
                            let hedged = key.sign(msg, &c.ctx, &mut Replay(&rnd)).map(|_| ());
                            let agile = alg
                                .sign_deterministic(seed, msg, &c.ctx, &mut out)
                                .map(|_| ());
                            ensure(
                                typed == Err(e) && hedged == Err(e) && agile == Err(e),
                                || {
                                    format!(
                                        "message_hasher {e:?}, but sign_deterministic {typed:?}, sign {hedged:?}, agile {agile:?}"
                                    )
                                },
                            )?;
                        }
                        return Ok(Err(e));
                    }
                };
                let mu = absorb_chunked(h, msg);
                if let Some(want) = &c.mu {
                    same("μ", &mu.0, want)?;
                }
                mu
            }
            // `Internal` vectors: μ only, for Sign_internal.
            None => mu_of(c.mu.as_deref().ok_or("vector has neither msg nor mu")?)?,
        };
        let sig = match signer.sign_mu(&mu, &rnd) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        // Cross-check the public entry points (seed keys, pure interface).
        if let (Signer::Seed(key), KeyBytes::Seed(seed), Some(msg)) = (&signer, &c.key, &c.msg) {
            let mut out = [0u8; SignatureAlgorithm::MAX_SIGNATURE_LEN];
            if c.rnd.is_none() {
                let s = lib(
                    "SigningKey::sign_deterministic",
                    key.sign_deterministic(msg, &c.ctx),
                )?;
                same(
                    "SigningKey::sign_deterministic vs Sign_internal",
                    s.as_slice(),
                    &sig,
                )?;
                let n = lib(
                    "agile sign_deterministic",
                    alg.sign_deterministic(seed, msg, &c.ctx, &mut out),
                )?;
                same("agile sign_deterministic vs Sign_internal", &out[..n], &sig)?;
            } else {
                let s = lib("SigningKey::sign", key.sign(msg, &c.ctx, &mut Replay(&rnd)))?;
                same(
                    "SigningKey::sign (rnd replayed) vs Sign_internal",
                    s.as_slice(),
                    &sig,
                )?;
                let n = lib(
                    "agile sign",
                    alg.sign(seed, msg, &c.ctx, &mut Replay(&rnd), &mut out),
                )?;
                same(
                    "agile sign (rnd replayed) vs Sign_internal",
                    &out[..n],
                    &sig,
                )?;
            }
        }
        // Our signature verifies (typed μ path, and the pure paths when there is a message).
        lib("verify_mu(our signature)", vk.verify_mu(&mu, &sig))?;
        if let Some(msg) = &c.msg {
            lib("verify(our signature)", vk.verify(msg, &c.ctx, &sig))?;
            let pk = vk.to_bytes();
            lib(
                "agile verify(our signature)",
                alg.verify(pk.as_slice(), msg, &c.ctx, &sig),
            )?;
        }
        Ok(Ok(sig))
    }

    fn wsign_case<P: MlDsaParams + ExpandedLen>(alg: SignatureAlgorithm, c: &WSign) -> Check {
        let got = wsign_path::<P>(alg, c)?;
        // The errors the inputs determine.
        let mut allowed = Vec::new();
        match &c.key {
            KeyBytes::Seed(s) if s.len() != SEED_LEN => allowed.push(Error::InvalidLength {
                field: Field::Seed,
                expected: SEED_LEN,
                actual: s.len(),
            }),
            KeyBytes::Expanded(sk) if sk.len() != P::EXPANDED_LEN => {
                allowed.push(Error::InvalidLength {
                    field: Field::ExpandedKey,
                    expected: P::EXPANDED_LEN,
                    actual: sk.len(),
                });
            }
            KeyBytes::Expanded(_) if c.flags.iter().any(|f| f == "InvalidPrivateKey") => {
                allowed.push(Error::InvalidKey {
                    field: Field::ExpandedKey,
                });
            }
            _ => {}
        }
        if c.msg.is_some() && c.ctx.len() > MAX_CONTEXT_LEN {
            allowed.push(Error::ContextTooLong {
                max: MAX_CONTEXT_LEN,
                actual: c.ctx.len(),
            });
        }
        match (c.expect, got) {
            (Expect::Valid, Ok(sig)) => same("signature", &sig, &c.sig),
            (Expect::Valid, Err(e)) => Err(format!("valid case refused: {e:?}")),
            (Expect::Invalid, Ok(_)) => {
                Err(format!("invalid case ({:?}) produced a signature", c.flags))
            }
            (Expect::Invalid, Err(e)) => judge_err("refusal", &e, &allowed),
            // Either outcome passes; a produced signature must still be the vector's.
            (Expect::Acceptable, Ok(sig)) => same("signature (acceptable case)", &sig, &c.sig),
            (Expect::Acceptable, Err(_)) => Ok(()),
        }
    }

    /// FIPS 204 expanded private-key lengths (Table 2), for the error a wrong-length one must give.
    trait ExpandedLen {
        const EXPANDED_LEN: usize;
    }
    impl ExpandedLen for MlDsa44 {
        const EXPANDED_LEN: usize = 2560;
    }
    impl ExpandedLen for MlDsa65 {
        const EXPANDED_LEN: usize = 4032;
    }
    impl ExpandedLen for MlDsa87 {
        const EXPANDED_LEN: usize = 4896;
    }

    fn wycheproof_sign(file: &str, seeded: bool) {
        let v = load_json(&format!("wycheproof/{file}"));
        let ps = json::str(&v, "algorithm").or_panic();
        let mut t = Tally::new("wycheproof", file);
        let mut counted = 0u64;
        for g in json::array(&v, "testGroups").or_panic() {
            for c in json::array(g, "tests").or_panic() {
                counted += 1;
                let id = format!(
                    "tcId {} ({})",
                    json::u64(c, "tcId").or_panic(),
                    json::opt_str(c, "comment").or_panic().unwrap_or("")
                );
                run(&mut t, &id, || {
                    let key = if seeded {
                        KeyBytes::Seed(json::hex(g, "privateSeed")?)
                    } else {
                        KeyBytes::Expanded(json::hex(g, "privateKey")?)
                    };
                    let case = WSign {
                        key,
                        // `null` when the private key is invalid.
                        public_key: json::opt_hex(g, "publicKey")?,
                        msg: json::opt_hex(c, "msg")?,
                        ctx: json::opt_hex(c, "ctx")?.unwrap_or_default(),
                        rnd: json::opt_hex(c, "rnd")?,
                        mu: json::opt_hex(c, "mu")?,
                        sig: json::hex(c, "sig")?,
                        expect: expect_of(json::str(c, "result")?)?,
                        flags: json::strings(c, "flags")?,
                    };
                    let alg = alg_of(ps)?;
                    with_params!(ps, P => wsign_case::<P>(alg, &case))
                });
            }
        }
        assert_eq!(
            counted,
            json::u64(&v, "numberOfTests").or_panic(),
            "numberOfTests disagrees with the cases read"
        );
        t.finish();
    }

    struct WVerify {
        pk: Vec<u8>,
        msg: Vec<u8>,
        ctx: Vec<u8>,
        sig: Vec<u8>,
        expect: Expect,
    }

    fn wverify_case<P: MlDsaParams>(alg: SignatureAlgorithm, c: &WVerify) -> Check {
        let typed =
            VerifyingKey::<P>::from_bytes(&c.pk).and_then(|vk| vk.verify(&c.msg, &c.ctx, &c.sig));
        let agile = alg.verify(&c.pk, &c.msg, &c.ctx, &c.sig);
        // The errors the inputs determine: wrong lengths, an over-long context.
        let mut allowed = Vec::new();
        if c.pk.len() != P::PUBLIC_KEY_LEN {
            allowed.push(Error::InvalidLength {
                field: Field::PublicKey,
                expected: P::PUBLIC_KEY_LEN,
                actual: c.pk.len(),
            });
        }
        if c.sig.len() != P::SIGNATURE_LEN {
            allowed.push(Error::InvalidLength {
                field: Field::Signature,
                expected: P::SIGNATURE_LEN,
                actual: c.sig.len(),
            });
        }
        if c.ctx.len() > MAX_CONTEXT_LEN {
            allowed.push(Error::ContextTooLong {
                max: MAX_CONTEXT_LEN,
                actual: c.ctx.len(),
            });
        }
        for (what, got) in [("VerifyingKey::verify", &typed), ("agile verify", &agile)] {
            match (c.expect, got) {
                (Expect::Valid, Ok(())) | (Expect::Acceptable, _) => {}
                (Expect::Valid, Err(e)) => {
                    return Err(format!("{what}: valid signature refused: {e:?}"));
                }
                (Expect::Invalid, Ok(())) => return Err(format!("{what}: invalid case accepted")),
                (Expect::Invalid, Err(e)) if allowed.is_empty() => ensure(is_rejection(e), || {
                    format!(
                        "{what}: got {e:?}, want VerificationFailed or MalformedEncoding(Signature)"
                    )
                })?,
                (Expect::Invalid, Err(e)) => judge_err(what, e, &allowed)?,
            }
        }
        ensure(typed.is_ok() == agile.is_ok(), || {
            format!("typed {typed:?} but agile {agile:?}")
        })
    }

    fn wycheproof_verify(file: &str) {
        let v = load_json(&format!("wycheproof/{file}"));
        let ps = json::str(&v, "algorithm").or_panic();
        let mut t = Tally::new("wycheproof", file);
        let mut counted = 0u64;
        for g in json::array(&v, "testGroups").or_panic() {
            for c in json::array(g, "tests").or_panic() {
                counted += 1;
                let id = format!(
                    "tcId {} ({}; {:?})",
                    json::u64(c, "tcId").or_panic(),
                    json::opt_str(c, "comment").or_panic().unwrap_or(""),
                    json::strings(c, "flags").or_panic()
                );
                run(&mut t, &id, || {
                    let case = WVerify {
                        pk: json::hex(g, "publicKey")?,
                        msg: json::hex(c, "msg")?,
                        ctx: json::opt_hex(c, "ctx")?.unwrap_or_default(),
                        sig: json::hex(c, "sig")?,
                        expect: expect_of(json::str(c, "result")?)?,
                    };
                    let alg = alg_of(ps)?;
                    with_params!(ps, P => wverify_case::<P>(alg, &case))
                });
            }
        }
        assert_eq!(
            counted,
            json::u64(&v, "numberOfTests").or_panic(),
            "numberOfTests disagrees with the cases read"
        );
        t.finish();
    }

    #[test]
    fn wycheproof_mldsa_44_sign_seed() {
        wycheproof_sign("mldsa_44_sign_seed_test.json", true);
    }
    #[test]
    fn wycheproof_mldsa_65_sign_seed() {
        wycheproof_sign("mldsa_65_sign_seed_test.json", true);
    }
    #[test]
    fn wycheproof_mldsa_87_sign_seed() {
        wycheproof_sign("mldsa_87_sign_seed_test.json", true);
    }
    #[test]
    fn wycheproof_mldsa_44_sign_noseed() {
        wycheproof_sign("mldsa_44_sign_noseed_test.json", false);
    }
    #[test]
    fn wycheproof_mldsa_65_sign_noseed() {
        wycheproof_sign("mldsa_65_sign_noseed_test.json", false);
    }
    #[test]
    fn wycheproof_mldsa_87_sign_noseed() {
        wycheproof_sign("mldsa_87_sign_noseed_test.json", false);
    }
    #[test]
    fn wycheproof_mldsa_44_verify() {
        wycheproof_verify("mldsa_44_verify_test.json");
    }
    #[test]
    fn wycheproof_mldsa_65_verify() {
        wycheproof_verify("mldsa_65_verify_test.json");
    }
    #[test]
    fn wycheproof_mldsa_87_verify() {
        wycheproof_verify("mldsa_87_verify_test.json");
    }
}

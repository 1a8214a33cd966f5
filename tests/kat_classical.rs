//! Classical-primitive conformance: Wycheproof vectors (read in place through
//! `pqhybrid-kat`) for Ed25519, X25519, ECDSA P-256/SHA-256 (DER and IEEE P1363) and AES-GCM,
//! plus the RFC 8032 §7.1 and RFC 6979 §A.2.5 published examples typed in as constants.
//!
//! Every Wycheproof case is counted as passed, failed or not applicable; a panic inside
//! pqhybrid is caught and counted as a failure (the library promises never to panic).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::primitives::aes_gcm::{self, AesGcm, AesGcmVariant};
use pqhybrid::primitives::{ecdsa, ed25519, x25519};
use pqhybrid::{Error, Field, SignatureAlgorithm};
use pqhybrid_kat::json::{self, OrPanic as _, Value};
use pqhybrid_kat::{P256_ORDER, Tally, hex, load_json, to_hex};

// Vector fields are read with `pqhybrid_kat::json`. Every field here is read outside the case
// closures, so a missing or malformed one fails the whole test (`or_panic`): the files are
// hash-checked, and a shape this test does not expect means it is reading the wrong file.

/// The Wycheproof expected outcome of a test case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Valid,
    Invalid,
    Acceptable,
}

fn expect_of(result: &str) -> Expect {
    match result {
        "valid" => Expect::Valid,
        "invalid" => Expect::Invalid,
        "acceptable" => Expect::Acceptable,
        other => panic!("unknown Wycheproof result {other:?}"),
    }
}

/// Runs one case and records it; a panic (from pqhybrid or from the case code) is caught and
/// recorded as a failure, so one bad case cannot hide the others.
fn run_case(tally: &mut Tally, id: &str, case: impl FnOnce() -> Result<(), String>) {
    match catch_unwind(AssertUnwindSafe(case)) {
        Ok(Ok(())) => tally.pass(),
        Ok(Err(msg)) => tally.fail(format!("{id}: {msg}")),
        Err(payload) => {
            let what = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("<non-string panic>");
            tally.fail(format!("{id}: PANIC (library must never panic): {what}"));
        }
    }
}

/// `Err(msg)` unless `a == b`.
fn eq(what: &str, a: &[u8], b: &[u8]) -> Result<(), String> {
    if a == b {
        Ok(())
    } else {
        Err(format!(
            "{what} mismatch: got {}, expected {}",
            to_hex(a),
            to_hex(b)
        ))
    }
}

/// A case id with the Wycheproof comment and flags, for failure messages.
fn case_id(group: usize, t: &Value) -> String {
    format!(
        "group {group} tcId {} ({:?}, flags {})",
        json::u64(t, "tcId").or_panic(),
        json::str(t, "comment").or_panic(),
        t["flags"]
    )
}

// ---------------------------------------------------------------------------------------------
// Ed25519
// ---------------------------------------------------------------------------------------------

/// Wycheproof `ed25519_test.json` against the strict verifier (see the `ed25519` module
/// doc: cofactorless, canonical S, canonical A and R, no small-order A or R).
///
/// There are no "acceptable" cases in this file. Every "valid" case must verify under the
/// strict rules; an "invalid" case must be refused: a signature that is not 64 bytes with
/// `InvalidLength`, anything else with `VerificationFailed` (or `MalformedEncoding` for a
/// public key that does not decode).
#[test]
fn wycheproof_ed25519() {
    const FILE: &str = "ed25519_test.json";
    let v = load_json("wycheproof/ed25519_test.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "EDDSA");
    let mut tally = Tally::new("wycheproof", FILE);
    let mut total = 0u64;
    for (gi, g) in json::array(&v, "testGroups").or_panic().iter().enumerate() {
        assert_eq!(
            json::str(&g["publicKey"], "curve").or_panic(),
            "edwards25519"
        );
        let pk = json::hex(&g["publicKey"], "pk").or_panic();
        for t in json::array(g, "tests").or_panic() {
            total += 1;
            let id = case_id(gi, t);
            let expect = expect_of(json::str(t, "result").or_panic());
            let msg = json::hex(t, "msg").or_panic();
            let sig = json::hex(t, "sig").or_panic();
            run_case(&mut tally, &id, || {
                let typed = ed25519::VerifyingKey::from_bytes(&pk).and_then(|vk| {
                    assert_eq!(vk.to_bytes()[..], pk[..], "public key round trip");
                    vk.verify(&msg, &sig)
                });
                let agile = SignatureAlgorithm::Ed25519.verify(&pk, &msg, b"", &sig);
                if typed != agile {
                    return Err(format!("typed {typed:?} != agile {agile:?}"));
                }
                match expect {
                    Expect::Valid => typed.map_err(|e| format!("valid signature rejected: {e:?}")),
                    Expect::Invalid => {
                        let want = if sig.len() != ed25519::SIGNATURE_LEN {
                            Error::InvalidLength {
                                field: Field::Signature,
                                expected: ed25519::SIGNATURE_LEN,
                                actual: sig.len(),
                            }
                        } else {
                            Error::VerificationFailed
                        };
                        match typed {
                            Ok(()) => Err("invalid signature accepted".into()),
                            Err(e)
                                if e == want
                                    || e == (Error::MalformedEncoding {
                                        field: Field::PublicKey,
                                    }) =>
                            {
                                Ok(())
                            }
                            Err(e) => Err(format!("expected {want:?}, got {e:?}")),
                        }
                    }
                    Expect::Acceptable => Err("no acceptable cases expected in this file".into()),
                }
            });
        }
    }
    assert_eq!(
        total,
        json::u64(&v, "numberOfTests").or_panic(),
        "case count"
    );
    tally.finish();
}

/// RFC 8032 §7.1, TEST 1–3: (secret key, public key, message, signature).
const RFC8032_ED25519: [(&str, &str, &str, &str); 3] = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
];

#[test]
fn rfc8032_section_7_1_ed25519() {
    let alg = SignatureAlgorithm::Ed25519;
    for (i, (sk, pk, msg, sig)) in RFC8032_ED25519.into_iter().enumerate() {
        let test = i + 1;
        let (sk, pk, msg, sig) = (hex(sk), hex(pk), hex(msg), hex(sig));

        // Typed API.
        let key = ed25519::SigningKey::from_seed_slice(&sk).unwrap();
        assert_eq!(key.seed()[..], sk[..], "TEST {test}: seed");
        assert_eq!(
            key.verifying_key().to_bytes()[..],
            pk[..],
            "TEST {test}: public key"
        );
        assert_eq!(key.sign(&msg)[..], sig[..], "TEST {test}: signature");
        let vk = ed25519::VerifyingKey::from_bytes(&pk).unwrap();
        assert_eq!(vk.verify(&msg, &sig), Ok(()), "TEST {test}: verify");

        // Agile layer.
        let mut pk_out = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
        let mut sk_out = [0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
        alg.keypair_from_seed(&sk, &mut pk_out, &mut sk_out)
            .unwrap();
        assert_eq!(
            pk_out[..alg.public_key_len()],
            pk[..],
            "TEST {test}: agile pk"
        );
        assert_eq!(
            sk_out[..alg.secret_key_len()],
            sk[..],
            "TEST {test}: agile sk"
        );
        let mut sig_out = [0u8; 64];
        let n = alg
            .sign_deterministic(&sk, &msg, b"", &mut sig_out)
            .unwrap();
        assert_eq!(sig_out[..n], sig[..], "TEST {test}: agile signature");
        assert_eq!(
            alg.verify(&pk, &msg, b"", &sig),
            Ok(()),
            "TEST {test}: agile verify"
        );
        // Pure Ed25519 has no context input.
        assert_eq!(
            alg.verify(&pk, &msg, b"ctx", &sig),
            Err(Error::ContextNotSupported)
        );
        assert_eq!(
            alg.sign_deterministic(&sk, &msg, b"ctx", &mut sig_out),
            Err(Error::ContextNotSupported)
        );

        // Any single flipped bit (R, S, message) fails.
        for pos in [0usize, 31, 32, 63] {
            let mut bad = sig.clone();
            bad[pos] ^= 0x01;
            assert_eq!(
                vk.verify(&msg, &bad),
                Err(Error::VerificationFailed),
                "TEST {test}: bit flipped at {pos}"
            );
            assert_eq!(
                alg.verify(&pk, &msg, b"", &bad),
                Err(Error::VerificationFailed)
            );
        }
        let mut other_msg = msg.clone();
        other_msg.push(0);
        assert_eq!(vk.verify(&other_msg, &sig), Err(Error::VerificationFailed));
    }
}

// ---------------------------------------------------------------------------------------------
// X25519
// ---------------------------------------------------------------------------------------------

/// Wycheproof `x25519_test.json` (XdhComp). The file has only "valid" and "acceptable"
/// cases; what Wycheproof allows for each "acceptable" flag and what pqhybrid does:
///
/// * `ZeroSharedSecret` (and the `LowOrderPublic` points that produce it): Wycheproof
///   accepts either computing the all-zero secret or refusing it (RFC 7748 §6.1). pqhybrid
///   refuses it: `Error::ZeroSharedSecret` is asserted for every case whose expected shared
///   secret is all zero.
/// * `Twist`, `NonCanonicalPublic`, `SmallPublicKey`, `SpecialPublicKey`,
///   `EdgeCaseMultiplication`, `EdgeCaseShared`, `Ktv`: Wycheproof accepts rejecting the key
///   but requires that, if a result is computed, it is the RFC 7748 one. pqhybrid accepts every
///   32-byte u-coordinate (RFC 7748 §5, masking the top bit), so the computed secret must
///   match byte for byte.
#[test]
fn wycheproof_x25519() {
    const FILE: &str = "x25519_test.json";
    let v = load_json("wycheproof/x25519_test.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "XDH");
    let mut tally = Tally::new("wycheproof", FILE);
    let mut total = 0u64;
    for (gi, g) in json::array(&v, "testGroups").or_panic().iter().enumerate() {
        assert_eq!(json::str(g, "curve").or_panic(), "curve25519");
        for t in json::array(g, "tests").or_panic() {
            total += 1;
            let id = case_id(gi, t);
            let expect = expect_of(json::str(t, "result").or_panic());
            let (public, private, shared) = (
                json::hex(t, "public").or_panic(),
                json::hex(t, "private").or_panic(),
                json::hex(t, "shared").or_panic(),
            );
            run_case(&mut tally, &id, || {
                if expect == Expect::Invalid {
                    return Err("no invalid cases expected in this file".into());
                }
                let sk = x25519::SecretKey::from_slice(&private)
                    .map_err(|e| format!("SecretKey::from_slice: {e:?}"))?;
                let peer = x25519::PublicKey::from_slice(&public)
                    .map_err(|e| format!("PublicKey::from_slice: {e:?}"))?;
                let got = sk.diffie_hellman(&peer);
                if shared.iter().all(|&b| b == 0) {
                    // RFC 7748 §6.1 check (Wycheproof: acceptable either way; ours refuses).
                    match got {
                        Err(Error::ZeroSharedSecret) => Ok(()),
                        other => Err(format!("expected ZeroSharedSecret, got {other:?}")),
                    }
                } else {
                    let ss = got.map_err(|e| format!("diffie_hellman: {e:?}"))?;
                    eq("shared secret", ss.as_ref(), &shared)
                }
            });
        }
    }
    assert_eq!(
        total,
        json::u64(&v, "numberOfTests").or_panic(),
        "case count"
    );
    tally.finish();
}

// ---------------------------------------------------------------------------------------------
// ECDSA P-256 / SHA-256
// ---------------------------------------------------------------------------------------------

/// Whether a 32-byte big-endian integer is a valid signature scalar, in [1, n-1] (n: the
/// order of the P-256 group).
fn in_scalar_range(x: &[u8]) -> bool {
    x.iter().any(|&b| b != 0) && x < &P256_ORDER[..]
}

/// Decodes the group's public key from its uncompressed SEC1 field and checks it round-trips.
fn p256_group_key(g: &Value) -> (Vec<u8>, pqhybrid::Result<ecdsa::p256::VerifyingKey>) {
    assert_eq!(json::str(&g["publicKey"], "curve").or_panic(), "secp256r1");
    assert_eq!(json::str(g, "sha").or_panic(), "SHA-256");
    let sec1 = json::hex(&g["publicKey"], "uncompressed").or_panic();
    let vk = ecdsa::p256::VerifyingKey::from_sec1(&sec1);
    if let Ok(vk) = &vk {
        assert_eq!(vk.to_bytes()[..], sec1[..], "SEC1 round trip");
    }
    (sec1, vk)
}

/// Wycheproof `ecdsa_secp256r1_sha256_test.json` (ASN.1 DER signatures) through
/// `ecdsa::p256::VerifyingKey::verify_der`, which requires strict DER. No "acceptable"
/// cases. An invalid case must fail with `MalformedEncoding { Signature }` (BER, bad tags,
/// lengths, r or s out of range) or `VerificationFailed`; which one depends on where the
/// DER parser stops, so either is accepted. The agile layer takes only `r ‖ s` and is
/// exercised by the P1363 file.
#[test]
fn wycheproof_ecdsa_p256_sha256_der() {
    const FILE: &str = "ecdsa_secp256r1_sha256_test.json";
    let v = load_json("wycheproof/ecdsa_secp256r1_sha256_test.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "ECDSA");
    let mut tally = Tally::new("wycheproof", FILE);
    let mut total = 0u64;
    for (gi, g) in json::array(&v, "testGroups").or_panic().iter().enumerate() {
        assert_eq!(json::str(g, "type").or_panic(), "EcdsaVerify");
        let (_sec1, vk) = p256_group_key(g);
        for t in json::array(g, "tests").or_panic() {
            total += 1;
            let id = case_id(gi, t);
            let expect = expect_of(json::str(t, "result").or_panic());
            let (msg, sig) = (
                json::hex(t, "msg").or_panic(),
                json::hex(t, "sig").or_panic(),
            );
            run_case(&mut tally, &id, || {
                let got = vk.and_then(|vk| vk.verify_der(&msg, &sig));
                match (expect, got) {
                    (Expect::Valid, Ok(())) => Ok(()),
                    (Expect::Valid, Err(e)) => Err(format!("valid signature rejected: {e:?}")),
                    (Expect::Invalid, Ok(())) => Err("invalid signature accepted".into()),
                    (
                        Expect::Invalid,
                        Err(
                            Error::VerificationFailed
                            | Error::MalformedEncoding {
                                field: Field::Signature,
                            },
                        ),
                    ) => Ok(()),
                    (Expect::Invalid, Err(e)) => Err(format!("unexpected error {e:?}")),
                    (Expect::Acceptable, _) => Err("no acceptable cases expected".into()),
                }
            });
        }
    }
    assert_eq!(
        total,
        json::u64(&v, "numberOfTests").or_panic(),
        "case count"
    );
    tally.finish();
}

/// Wycheproof `ecdsa_secp256r1_sha256_p1363_test.json` (`r ‖ s` signatures) through
/// `ecdsa::p256::VerifyingKey::verify` and `SignatureAlgorithm::EcdsaP256Sha256.verify`, which
/// must agree. No "acceptable" cases. The error of an invalid case is determined: a signature
/// that is not 64 bytes gives `InvalidLength`; r or s zero or ≥ n gives
/// `MalformedEncoding { Signature }`; anything else `VerificationFailed`.
#[test]
fn wycheproof_ecdsa_p256_sha256_p1363() {
    const FILE: &str = "ecdsa_secp256r1_sha256_p1363_test.json";
    let v = load_json("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "ECDSA");
    let alg = SignatureAlgorithm::EcdsaP256Sha256;
    let mut tally = Tally::new("wycheproof", FILE);
    let mut total = 0u64;
    for (gi, g) in json::array(&v, "testGroups").or_panic().iter().enumerate() {
        assert_eq!(json::str(g, "type").or_panic(), "EcdsaP1363Verify");
        let (sec1, vk) = p256_group_key(g);
        for t in json::array(g, "tests").or_panic() {
            total += 1;
            let id = case_id(gi, t);
            let expect = expect_of(json::str(t, "result").or_panic());
            let (msg, sig) = (
                json::hex(t, "msg").or_panic(),
                json::hex(t, "sig").or_panic(),
            );
            run_case(&mut tally, &id, || {
                let typed = vk.and_then(|vk| vk.verify(&msg, &sig));
                let agile = alg.verify(&sec1, &msg, b"", &sig);
                if typed != agile {
                    return Err(format!("typed {typed:?} != agile {agile:?}"));
                }
                let want = if sig.len() != ecdsa::p256::SIGNATURE_LEN {
                    Error::InvalidLength {
                        field: Field::Signature,
                        expected: ecdsa::p256::SIGNATURE_LEN,
                        actual: sig.len(),
                    }
                } else if !in_scalar_range(&sig[..32]) || !in_scalar_range(&sig[32..]) {
                    Error::MalformedEncoding {
                        field: Field::Signature,
                    }
                } else {
                    Error::VerificationFailed
                };
                match (expect, typed) {
                    (Expect::Valid, Ok(())) => Ok(()),
                    (Expect::Valid, Err(e)) => Err(format!("valid signature rejected: {e:?}")),
                    (Expect::Invalid, Ok(())) => Err("invalid signature accepted".into()),
                    (Expect::Invalid, Err(e)) if e == want => Ok(()),
                    (Expect::Invalid, Err(e)) => Err(format!("expected {want:?}, got {e:?}")),
                    (Expect::Acceptable, _) => Err("no acceptable cases expected".into()),
                }
            });
        }
    }
    assert_eq!(
        total,
        json::u64(&v, "numberOfTests").or_panic(),
        "case count"
    );
    tally.finish();
}

/// RFC 6979 §A.2.5: P-256 key, and the SHA-256 signatures of "sample" and "test".
const RFC6979_P256_X: &str = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
const RFC6979_P256_UX: &str = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
const RFC6979_P256_UY: &str = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
/// (message, SHA-256(message), r, s)
const RFC6979_P256_SHA256: [(&str, &str, &str, &str); 2] = [
    (
        "sample",
        "af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf",
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
    ),
    (
        "test",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
        "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083",
    ),
];

/// Minimal DER `SEQUENCE { INTEGER r, INTEGER s }` for 32-byte big-endian r, s (< 2^255 · 2).
fn der_sig(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn int(x: &[u8]) -> Vec<u8> {
        let start = x.iter().position(|&b| b != 0).unwrap_or(x.len() - 1);
        let mut v = x[start..].to_vec();
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    }
    let body = [int(r), int(s)].concat();
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

#[test]
fn rfc6979_a_2_5_p256_sha256() {
    let x = hex(RFC6979_P256_X);
    let pk = [vec![0x04], hex(RFC6979_P256_UX), hex(RFC6979_P256_UY)].concat();
    let key = ecdsa::p256::SigningKey::from_bytes(&x).unwrap();
    assert_eq!(key.to_bytes().as_ref(), &x[..], "private key round trip");
    assert_eq!(key.verifying_key().to_bytes()[..], pk[..], "public key");
    let vk = ecdsa::p256::VerifyingKey::from_sec1(&pk).unwrap();

    let alg = SignatureAlgorithm::EcdsaP256Sha256;
    let mut pk_out = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
    let mut sk_out = [0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
    alg.keypair_from_seed(&x, &mut pk_out, &mut sk_out).unwrap();
    assert_eq!(pk_out[..alg.public_key_len()], pk[..], "agile public key");
    assert_eq!(sk_out[..alg.secret_key_len()], x[..], "agile private key");

    for (msg, digest, r, s) in RFC6979_P256_SHA256 {
        let msg = msg.as_bytes();
        let digest = hex(digest);
        let sig = [hex(r), hex(s)].concat();
        let der = der_sig(&sig[..32], &sig[32..]);

        // Deterministic signatures, byte for byte (the RFC's s for "sample" is high: no
        // low-s normalisation may happen).
        assert_eq!(key.sign(msg).unwrap()[..], sig[..], "{msg:?}: sign");
        assert_eq!(
            key.sign_prehash(&digest).unwrap()[..],
            sig[..],
            "{msg:?}: sign_prehash"
        );
        let mut der_out = [0u8; ecdsa::p256::MAX_DER_SIGNATURE_LEN];
        let n = key.sign_der(msg, &mut der_out).unwrap();
        assert_eq!(der_out[..n], der[..], "{msg:?}: sign_der");
        let mut sig_out = [0u8; 64];
        let n = alg.sign_deterministic(&x, msg, b"", &mut sig_out).unwrap();
        assert_eq!(sig_out[..n], sig[..], "{msg:?}: agile sign_deterministic");

        // Verification, in every form.
        assert_eq!(vk.verify(msg, &sig), Ok(()), "{msg:?}: verify");
        assert_eq!(
            vk.verify_prehash(&digest, &sig),
            Ok(()),
            "{msg:?}: verify_prehash"
        );
        assert_eq!(vk.verify_der(msg, &der), Ok(()), "{msg:?}: verify_der");
        assert_eq!(
            alg.verify(&pk, msg, b"", &sig),
            Ok(()),
            "{msg:?}: agile verify"
        );
        assert_eq!(
            alg.verify(&pk, msg, b"ctx", &sig),
            Err(Error::ContextNotSupported)
        );
        let mut bad = sig.clone();
        bad[40] ^= 0x01;
        assert_eq!(vk.verify(msg, &bad), Err(Error::VerificationFailed));
        assert_eq!(
            alg.verify(&pk, msg, b"", &bad),
            Err(Error::VerificationFailed)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// AES-GCM
// ---------------------------------------------------------------------------------------------

/// One applicable AES-GCM case (96-bit nonce, 128-bit tag, 128- or 256-bit key).
fn gcm_case<V: AesGcmVariant>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    msg: &[u8],
    ct: &[u8],
    tag: &[u8],
    expect: Expect,
) -> Result<(), String> {
    let cipher = AesGcm::<V>::new(key).map_err(|e| format!("new: {e:?}"))?;
    let ct_tag = [ct, tag].concat();
    let mut out = vec![0xa5u8; ct_tag.len()];
    match expect {
        Expect::Valid => {
            // Encryption: the combined and in-place forms both give C and T.
            let n = cipher
                .seal(iv, aad, msg, &mut out)
                .map_err(|e| format!("seal: {e:?}"))?;
            eq("seal output", &out[..n], &ct_tag)?;
            let mut buf = msg.to_vec();
            let t = cipher
                .seal_in_place(iv, aad, &mut buf)
                .map_err(|e| format!("seal_in_place: {e:?}"))?;
            eq("seal_in_place ciphertext", &buf, ct)?;
            eq("seal_in_place tag", &t, tag)?;
            // Decryption.
            let mut pt = vec![0xa5u8; msg.len()];
            let n = cipher
                .open(iv, aad, &ct_tag, &mut pt)
                .map_err(|e| format!("open: {e:?}"))?;
            eq("open output", &pt[..n], msg)?;
            let mut buf = ct.to_vec();
            cipher
                .open_in_place(iv, aad, &mut buf, tag)
                .map_err(|e| format!("open_in_place: {e:?}"))?;
            eq("open_in_place plaintext", &buf, msg)
        }
        Expect::Invalid => {
            // Decryption must fail with AuthenticationFailed and release nothing.
            let mut pt = vec![0xa5u8; ct.len()];
            match cipher.open(iv, aad, &ct_tag, &mut pt) {
                Err(Error::AuthenticationFailed) => {}
                other => {
                    return Err(format!(
                        "open: expected AuthenticationFailed, got {other:?}"
                    ));
                }
            }
            if pt.iter().any(|&b| b != 0) {
                return Err("open left unauthenticated bytes in the output".into());
            }
            let mut buf = ct.to_vec();
            match cipher.open_in_place(iv, aad, &mut buf, tag) {
                Err(Error::AuthenticationFailed) => {}
                other => {
                    return Err(format!(
                        "open_in_place: expected AuthenticationFailed, got {other:?}"
                    ));
                }
            }
            eq("open_in_place buffer after failure", &buf, ct)?;
            // Sealing the plaintext must not reproduce the rejected ciphertext ‖ tag.
            let n = cipher
                .seal(iv, aad, msg, &mut out)
                .map_err(|e| format!("seal: {e:?}"))?;
            if out[..n] == ct_tag[..] {
                return Err("seal reproduces a ciphertext the vector calls invalid".into());
            }
            Ok(())
        }
        Expect::Acceptable => Err("no acceptable cases expected in this file".into()),
    }
}

/// A nonce that is not 96 bits must be refused by every entry point with `InvalidLength`.
fn gcm_bad_nonce<V: AesGcmVariant>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    msg: &[u8],
    ct: &[u8],
    tag: &[u8],
) -> Result<(), String> {
    let cipher = AesGcm::<V>::new(key).map_err(|e| format!("new: {e:?}"))?;
    let want = Error::InvalidLength {
        field: Field::Nonce,
        expected: aes_gcm::NONCE_LEN,
        actual: iv.len(),
    };
    let ct_tag = [ct, tag].concat();
    let mut out = vec![0u8; ct_tag.len()];
    let mut buf = msg.to_vec();
    let results = [
        cipher.seal(iv, aad, msg, &mut out).map(|_| ()),
        cipher.seal_in_place(iv, aad, &mut buf).map(|_| ()),
        cipher.open(iv, aad, &ct_tag, &mut out).map(|_| ()),
        cipher.open_in_place(iv, aad, &mut ct.to_vec(), tag),
    ];
    if results.iter().all(|r| *r == Err(want)) {
        Ok(())
    } else {
        Err(format!(
            "expected {want:?} from seal/seal_in_place/open/open_in_place, got {results:?}"
        ))
    }
}

/// Wycheproof `aes_gcm_test.json` through `Aes128Gcm` / `Aes256Gcm`.
///
/// Not applicable (pqhybrid offers only 96-bit nonces, 128-bit tags, 128/256-bit keys):
/// groups with a 192-bit key, and valid cases whose nonce is not 96 bits. The invalid
/// zero-length-nonce cases with a 128/256-bit key are counted: pqhybrid must refuse that
/// nonce with `InvalidLength { Nonce }` on every entry point, which is the rejection
/// Wycheproof asks for.
#[test]
fn wycheproof_aes_gcm() {
    const FILE: &str = "aes_gcm_test.json";
    let v = load_json("wycheproof/aes_gcm_test.json");
    assert_eq!(json::str(&v, "algorithm").or_panic(), "AES-GCM");
    let mut tally = Tally::new("wycheproof", FILE);
    let mut total = 0u64;
    for (gi, g) in json::array(&v, "testGroups").or_panic().iter().enumerate() {
        let (iv_bits, key_bits, tag_bits) = (
            json::u64(g, "ivSize").or_panic(),
            json::u64(g, "keySize").or_panic(),
            json::u64(g, "tagSize").or_panic(),
        );
        for t in json::array(g, "tests").or_panic() {
            total += 1;
            let id = case_id(gi, t);
            let expect = expect_of(json::str(t, "result").or_panic());
            let key = json::hex(t, "key").or_panic();
            let iv = json::hex(t, "iv").or_panic();
            let (aad, msg) = (
                json::hex(t, "aad").or_panic(),
                json::hex(t, "msg").or_panic(),
            );
            let (ct, tag) = (
                json::hex(t, "ct").or_panic(),
                json::hex(t, "tag").or_panic(),
            );
            assert_eq!(key.len() as u64 * 8, key_bits, "{id}: keySize");
            assert_eq!(iv.len() as u64 * 8, iv_bits, "{id}: ivSize");
            if key_bits == 192 {
                // AES-192 is not offered (only AES-128-GCM and AES-256-GCM).
                tally.na("AES-192-GCM not offered");
                continue;
            }
            if tag_bits != 128 || tag.len() != aes_gcm::TAG_LEN {
                // Only the full 128-bit tag is offered (SP 800-38D truncated tags are not).
                tally.na("tag not 128 bits");
                continue;
            }
            if iv_bits != 96 && expect != Expect::Invalid {
                // Only 96-bit nonces are offered; GHASH-derived nonces of other lengths are not.
                tally.na("nonce not 96 bits");
                continue;
            }
            run_case(&mut tally, &id, || {
                if iv_bits != 96 {
                    // An invalid case with a non-96-bit nonce (the zero-length nonce).
                    return match key_bits {
                        128 => gcm_bad_nonce::<aes_gcm::Aes128>(&key, &iv, &aad, &msg, &ct, &tag),
                        256 => gcm_bad_nonce::<aes_gcm::Aes256>(&key, &iv, &aad, &msg, &ct, &tag),
                        other => Err(format!("unexpected key size {other}")),
                    };
                }
                match key_bits {
                    128 => gcm_case::<aes_gcm::Aes128>(&key, &iv, &aad, &msg, &ct, &tag, expect),
                    256 => gcm_case::<aes_gcm::Aes256>(&key, &iv, &aad, &msg, &ct, &tag, expect),
                    other => Err(format!("unexpected key size {other}")),
                }
            });
        }
    }
    assert_eq!(
        total,
        json::u64(&v, "numberOfTests").or_panic(),
        "case count"
    );
    tally.finish();
}

//! `pqhybrid::encoding`: SubjectPublicKeyInfo and PKCS#8 DER (and PEM) round trips for every
//! algorithm, the OID table, the structure of the encodings, and every error path (malformed,
//! truncated and mutated inputs must give an `Error`, never a panic).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::encoding::{
    self, Algorithm, MAX_DECODED_SECRET_KEY_LEN, MAX_PRIVATE_KEY_DER_LEN, MAX_PUBLIC_KEY_DER_LEN,
    ObjectIdentifier, decode_private_key, decode_public_key, encode_private_key, encode_public_key,
    private_key_der_len, public_key_der_len,
};
use pqhybrid::{Error, Field, KemAlgorithm, SignatureAlgorithm};
use pqhybrid_kat::json::{self, OrPanic as _};
use x509_cert::der::oid::db;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A fixed, non-trivial seed (first byte small, so an ECDSA scalar is below n).
fn seed(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(37).wrapping_add(11))
        .collect()
}

fn seed_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::Signature(a) => a.seed_len(),
        Algorithm::Kem(a) => a.seed_len(),
    }
}

/// `(pk, sk)` of `alg` from the fixed seed (computed once per algorithm: SLH-DSA key
/// generation is slow).
fn keypair(alg: Algorithm) -> (Vec<u8>, Vec<u8>) {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<Algorithm, (Vec<u8>, Vec<u8>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(kp) = cache.lock().unwrap().get(&alg) {
        return kp.clone();
    }
    let s = seed(seed_len(alg));
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    match alg {
        Algorithm::Signature(a) => a.keypair_from_seed(&s, &mut pk, &mut sk).unwrap(),
        Algorithm::Kem(a) => a.keypair_from_seed(&s, &mut pk, &mut sk).unwrap(),
    }
    cache.lock().unwrap().insert(alg, (pk.clone(), sk.clone()));
    (pk, sk)
}

fn spki(alg: Algorithm, pk: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; MAX_PUBLIC_KEY_DER_LEN];
    let n = encode_public_key(alg, pk, &mut out).unwrap();
    out.truncate(n);
    out
}

fn pkcs8(alg: Algorithm, sk: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; MAX_PRIVATE_KEY_DER_LEN];
    let n = encode_private_key(alg, sk, &mut out).unwrap();
    out.truncate(n);
    out
}

fn decode_sk(der: &[u8]) -> pqhybrid::Result<(Algorithm, Vec<u8>)> {
    let mut out = vec![0xAAu8; MAX_DECODED_SECRET_KEY_LEN];
    let (alg, n) = decode_private_key(der, &mut out)?;
    out.truncate(n);
    Ok((alg, out))
}

fn decode_pk(der: &[u8]) -> pqhybrid::Result<(Algorithm, Vec<u8>)> {
    decode_public_key(der).map(|k| (k.algorithm, k.key.to_vec()))
}

/// A DER TLV with a one-byte tag.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn oid_der(oid: &ObjectIdentifier) -> Vec<u8> {
    tlv(0x06, oid.as_bytes())
}

/// An `AlgorithmIdentifier` with the given OID and optional raw parameter TLV.
fn alg_id(oid: &ObjectIdentifier, params: Option<&[u8]>) -> Vec<u8> {
    tlv(0x30, &cat(&[&oid_der(oid), params.unwrap_or(&[])]))
}

/// A `SubjectPublicKeyInfo` from parts.
fn make_spki(alg_id: &[u8], key: &[u8]) -> Vec<u8> {
    tlv(0x30, &cat(&[alg_id, &tlv(0x03, &cat(&[&[0], key]))]))
}

/// A `OneAsymmetricKey` from parts (`extra` appended after the privateKey).
fn make_pkcs8(version: u8, alg_id: &[u8], inner: &[u8], extra: &[u8]) -> Vec<u8> {
    tlv(
        0x30,
        &cat(&[&[0x02, 0x01, version], alg_id, &tlv(0x04, inner), extra]),
    )
}

fn own_alg_id(alg: Algorithm) -> Vec<u8> {
    let params = alg.named_curve().map(|c| oid_der(&c));
    alg_id(&alg.oid(), params.as_deref())
}

/// The DER of an RFC 5915 ECPrivateKey.
fn ec_private_key(
    version: u8,
    scalar: &[u8],
    params: Option<&ObjectIdentifier>,
    pk: Option<&[u8]>,
) -> Vec<u8> {
    let mut body = cat(&[&[0x02, 0x01, version], &tlv(0x04, scalar)]);
    if let Some(p) = params {
        body.extend(tlv(0xA0, &oid_der(p)));
    }
    if let Some(pk) = pk {
        body.extend(tlv(0xA1, &tlv(0x03, &cat(&[&[0], pk]))));
    }
    tlv(0x30, &body)
}

const P256: Algorithm = Algorithm::Signature(SignatureAlgorithm::EcdsaP256Sha256);
const P384: Algorithm = Algorithm::Signature(SignatureAlgorithm::EcdsaP384Sha384);
const ED25519: Algorithm = Algorithm::Signature(SignatureAlgorithm::Ed25519);
const MLDSA44: Algorithm = Algorithm::Signature(SignatureAlgorithm::MlDsa44);
const MLKEM512: Algorithm = Algorithm::Kem(KemAlgorithm::MlKem512);
const SLH128S: Algorithm = Algorithm::Signature(SignatureAlgorithm::SlhDsaSha2_128s);

fn malformed_pk() -> Error {
    Error::MalformedEncoding {
        field: Field::PublicKey,
    }
}

fn malformed_sk() -> Error {
    Error::MalformedEncoding {
        field: Field::SecretKey,
    }
}

// ---------------------------------------------------------------------------------------------
// The OID table
// ---------------------------------------------------------------------------------------------

#[test]
fn every_algorithm_is_covered() {
    let n = Algorithm::all().count();
    assert_eq!(n, SignatureAlgorithm::ALL.len() + KemAlgorithm::ALL.len());
    assert!(n >= 21, "only {n} algorithms");
}

#[test]
fn oids_are_unique_and_resolve() {
    let all: Vec<Algorithm> = Algorithm::all().collect();
    for (i, a) in all.iter().enumerate() {
        let curve = a.named_curve();
        assert_eq!(
            Algorithm::from_oids(&a.oid(), curve.as_ref()),
            Some(*a),
            "{a}"
        );
        if curve.is_none() {
            assert_eq!(Algorithm::from_oid(&a.oid()), Some(*a), "{a}");
        } else {
            assert_eq!(Algorithm::from_oid(&a.oid()), None, "{a}");
        }
        for b in &all[i + 1..] {
            assert!(
                (a.oid(), a.named_curve()) != (b.oid(), b.named_curve()),
                "{a} and {b} share an OID"
            );
        }
    }
}

#[test]
fn oids_match_the_standards() {
    use SignatureAlgorithm as S;
    let sig = |a: S| Algorithm::Signature(a).oid();
    let kem = |a: KemAlgorithm| Algorithm::Kem(a).oid();
    // const-oid's database, generated from the RFCs / NIST CSOR registry.
    assert_eq!(kem(KemAlgorithm::MlKem512), db::fips203::ID_ALG_ML_KEM_512);
    assert_eq!(kem(KemAlgorithm::MlKem768), db::fips203::ID_ALG_ML_KEM_768);
    assert_eq!(
        kem(KemAlgorithm::MlKem1024),
        db::fips203::ID_ALG_ML_KEM_1024
    );
    assert_eq!(sig(S::MlDsa44), db::fips204::ID_ML_DSA_44);
    assert_eq!(sig(S::MlDsa65), db::fips204::ID_ML_DSA_65);
    assert_eq!(sig(S::MlDsa87), db::fips204::ID_ML_DSA_87);
    let slh = [
        (S::SlhDsaSha2_128s, db::fips205::ID_SLH_DSA_SHA_2_128_S),
        (S::SlhDsaSha2_128f, db::fips205::ID_SLH_DSA_SHA_2_128_F),
        (S::SlhDsaSha2_192s, db::fips205::ID_SLH_DSA_SHA_2_192_S),
        (S::SlhDsaSha2_192f, db::fips205::ID_SLH_DSA_SHA_2_192_F),
        (S::SlhDsaSha2_256s, db::fips205::ID_SLH_DSA_SHA_2_256_S),
        (S::SlhDsaSha2_256f, db::fips205::ID_SLH_DSA_SHA_2_256_F),
        (S::SlhDsaShake128s, db::fips205::ID_SLH_DSA_SHAKE_128_S),
        (S::SlhDsaShake128f, db::fips205::ID_SLH_DSA_SHAKE_128_F),
        (S::SlhDsaShake192s, db::fips205::ID_SLH_DSA_SHAKE_192_S),
        (S::SlhDsaShake192f, db::fips205::ID_SLH_DSA_SHAKE_192_F),
        (S::SlhDsaShake256s, db::fips205::ID_SLH_DSA_SHAKE_256_S),
        (S::SlhDsaShake256f, db::fips205::ID_SLH_DSA_SHAKE_256_F),
    ];
    for (i, (a, oid)) in slh.into_iter().enumerate() {
        assert_eq!(sig(a), oid, "{a}");
        // RFC 9909: 2.16.840.1.101.3.4.3.20 … .31, in this order.
        assert_eq!(
            sig(a),
            ObjectIdentifier::new(&format!("2.16.840.1.101.3.4.3.{}", 20 + i)).unwrap()
        );
    }
    assert_eq!(sig(S::Ed25519), db::rfc8410::ID_ED_25519);
    assert_eq!(sig(S::EcdsaP256Sha256), db::rfc5912::ID_EC_PUBLIC_KEY);
    assert_eq!(sig(S::EcdsaP384Sha384), db::rfc5912::ID_EC_PUBLIC_KEY);
    assert_eq!(P256.named_curve(), Some(db::rfc5912::SECP_256_R_1));
    assert_eq!(P384.named_curve(), Some(db::rfc5912::SECP_384_R_1));
    // X-Wing (draft-connolly-cfrg-xwing-kem), composites (drafts' algParams).
    let o = |s: &str| ObjectIdentifier::new(s).unwrap();
    assert_eq!(kem(KemAlgorithm::XWing), o("1.3.6.1.4.1.62253.25722"));
    assert_eq!(sig(S::MlDsa44Ed25519Sha512), o("1.3.6.1.5.5.7.6.39"));
    assert_eq!(sig(S::MlDsa44EcdsaP256Sha256), o("1.3.6.1.5.5.7.6.40"));
    assert_eq!(sig(S::MlDsa65EcdsaP256Sha512), o("1.3.6.1.5.5.7.6.45"));
    assert_eq!(sig(S::MlDsa65EcdsaP384Sha512), o("1.3.6.1.5.5.7.6.46"));
    assert_eq!(sig(S::MlDsa65Ed25519Sha512), o("1.3.6.1.5.5.7.6.48"));
    assert_eq!(sig(S::MlDsa87EcdsaP384Sha512), o("1.3.6.1.5.5.7.6.49"));
    assert_eq!(
        kem(KemAlgorithm::MlKem768X25519Sha3_256),
        o("1.3.6.1.5.5.7.6.58")
    );
    assert_eq!(
        kem(KemAlgorithm::MlKem768EcdhP256Sha3_256),
        o("1.3.6.1.5.5.7.6.59")
    );
    assert_eq!(
        kem(KemAlgorithm::MlKem1024EcdhP384Sha3_256),
        o("1.3.6.1.5.5.7.6.63")
    );
    // Everything else has no parameters.
    for a in Algorithm::all() {
        if a != P256 && a != P384 {
            assert_eq!(a.named_curve(), None, "{a}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn der_round_trip_every_algorithm() {
    for alg in Algorithm::all() {
        let (pk, sk) = keypair(alg);

        let der = spki(alg, &pk);
        assert_eq!(der.len(), public_key_der_len(alg), "{alg}");
        assert!(der.len() <= MAX_PUBLIC_KEY_DER_LEN, "{alg}");
        assert_eq!(der[..], own_spki(alg, &pk)[..], "{alg}: SPKI structure");
        assert_eq!(decode_pk(&der).unwrap(), (alg, pk.clone()), "{alg}");

        let der = pkcs8(alg, &sk);
        assert_eq!(der.len(), private_key_der_len(alg), "{alg}");
        assert!(der.len() <= MAX_PRIVATE_KEY_DER_LEN, "{alg}");
        assert!(alg.secret_key_len() <= MAX_DECODED_SECRET_KEY_LEN, "{alg}");
        assert_eq!(decode_sk(&der).unwrap(), (alg, sk.clone()), "{alg}");
        // Re-encoding the decoded key gives the same bytes.
        let (_, sk2) = decode_sk(&der).unwrap();
        assert_eq!(pkcs8(alg, &sk2), der, "{alg}");
    }
}

/// The SPKI as the RFCs spell it, built by hand.
fn own_spki(alg: Algorithm, pk: &[u8]) -> Vec<u8> {
    make_spki(&own_alg_id(alg), pk)
}

#[test]
fn buffers_exactly_large_enough_and_one_short() {
    for alg in Algorithm::all() {
        let (pk, sk) = keypair(alg);
        let need = public_key_der_len(alg);
        let mut out = vec![0u8; need];
        assert_eq!(encode_public_key(alg, &pk, &mut out), Ok(need), "{alg}");
        let mut short = vec![0u8; need - 1];
        assert_eq!(
            encode_public_key(alg, &pk, &mut short),
            Err(Error::BufferTooSmall {
                field: Field::PublicKey,
                needed: need,
                actual: need - 1
            })
        );
        assert!(
            short.iter().all(|&b| b == 0),
            "{alg}: wrote into a short buffer"
        );

        let need = private_key_der_len(alg);
        let mut out = vec![0u8; need];
        assert_eq!(encode_private_key(alg, &sk, &mut out), Ok(need), "{alg}");
        let mut short = vec![0u8; need - 1];
        assert_eq!(
            encode_private_key(alg, &sk, &mut short),
            Err(Error::BufferTooSmall {
                field: Field::SecretKey,
                needed: need,
                actual: need - 1
            })
        );
        assert!(
            short.iter().all(|&b| b == 0),
            "{alg}: wrote into a short buffer"
        );

        let mut sk_out = vec![0u8; alg.secret_key_len() - 1];
        assert_eq!(
            decode_private_key(&out, &mut sk_out),
            Err(Error::BufferTooSmall {
                field: Field::SecretKey,
                needed: alg.secret_key_len(),
                actual: alg.secret_key_len() - 1
            })
        );
        let mut sk_out = vec![0u8; alg.secret_key_len()];
        assert_eq!(
            decode_private_key(&out, &mut sk_out),
            Ok((alg, alg.secret_key_len()))
        );
        assert_eq!(sk_out, sk);
    }
}

#[test]
fn encode_rejects_wrong_key_lengths() {
    for alg in Algorithm::all() {
        let (pk, sk) = keypair(alg);
        let mut out = vec![0u8; MAX_PRIVATE_KEY_DER_LEN.max(MAX_PUBLIC_KEY_DER_LEN)];
        assert_eq!(
            encode_public_key(alg, &pk[1..], &mut out),
            Err(Error::InvalidLength {
                field: Field::PublicKey,
                expected: pk.len(),
                actual: pk.len() - 1
            })
        );
        let mut longer = sk.clone();
        longer.push(0);
        assert_eq!(
            encode_private_key(alg, &longer, &mut out),
            Err(Error::InvalidLength {
                field: Field::SecretKey,
                expected: sk.len(),
                actual: sk.len() + 1
            })
        );
    }
}

#[cfg(feature = "pem")]
#[test]
fn pem_round_trip_every_algorithm() {
    use encoding::{
        decode_private_key_pem, decode_public_key_pem, encode_private_key_pem,
        encode_public_key_pem,
    };
    for alg in Algorithm::all() {
        let (pk, sk) = keypair(alg);
        let pem = encode_public_key_pem(alg, &pk).unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{alg}");
        assert!(
            pem.trim_end().ends_with("-----END PUBLIC KEY-----"),
            "{alg}"
        );
        assert_eq!(decode_public_key_pem(&pem).unwrap(), (alg, pk.clone()));

        let pem_sk = encode_private_key_pem(alg, &sk).unwrap();
        assert!(pem_sk.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{alg}");
        let mut out = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
        let (a, n) = decode_private_key_pem(&pem_sk, &mut out).unwrap();
        assert_eq!((a, &out[..n]), (alg, &sk[..]));

        // Each decoder refuses the other's label.
        assert_eq!(decode_public_key_pem(&pem_sk), Err(malformed_pk()));
        assert_eq!(decode_private_key_pem(&pem, &mut out), Err(malformed_sk()));
        // The PEM body is the DER.
        assert_eq!(
            x509_cert::der::pem::decode_vec(pem.as_bytes()).unwrap().1,
            spki(alg, &pk)
        );
    }
    assert_eq!(decode_public_key_pem("not pem"), Err(malformed_pk()));
    let mut out = [0u8; 8];
    assert_eq!(
        decode_private_key_pem(
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
            &mut out
        ),
        Err(malformed_sk())
    );
}

// ---------------------------------------------------------------------------------------------
// Structure of the encodings (the bytes the RFCs prescribe)
// ---------------------------------------------------------------------------------------------

/// Decodes hex written with spaces between the DER fields.
fn hex(s: &str) -> Vec<u8> {
    pqhybrid_kat::hex(&s.split_whitespace().collect::<String>())
}

#[test]
fn rfc8410_ed25519_examples() {
    // RFC 8410 §10.1: the example public key.
    let spki_der = hex(
        "302a300506032b6570032100 19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1",
    );
    let (alg, key) = decode_pk(&spki_der).unwrap();
    assert_eq!(alg, ED25519);
    assert_eq!(spki(alg, &key), spki_der);
    // RFC 8410 §10.3: the example private key (version 1).
    let p8 = hex("302e020100300506032b657004220420 \
         d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842");
    let (alg, sk) = decode_sk(&p8).unwrap();
    assert_eq!(alg, ED25519);
    assert_eq!(sk, p8[16..]);
    assert_eq!(pkcs8(alg, &sk), p8);
}

#[test]
fn private_key_structures() {
    // ML-DSA-44, RFC 9881 §6: seed [0] IMPLICIT, 32 bytes.
    let (_, sk) = keypair(MLDSA44);
    let der = pkcs8(MLDSA44, &sk);
    assert_eq!(
        der[..22],
        hex("3034 020100 300b 0609 608648016503040311 0422 8020")[..]
    );
    // ML-KEM-512, RFC 9935 §6: seed [0] IMPLICIT, 64 bytes.
    let (_, sk) = keypair(MLKEM512);
    let der = pkcs8(MLKEM512, &sk);
    assert_eq!(
        der[..22],
        hex("3054 020100 300b 0609 608648016503040401 0442 8040")[..]
    );
    // SLH-DSA-SHA2-128s, RFC 9909 §6: the raw 4n = 64-byte key, PK.root last.
    let (pk, sk) = keypair(SLH128S);
    let der = pkcs8(SLH128S, &sk);
    assert_eq!(
        der[..20],
        hex("3052 020100 300b 0609 608648016503040314 0440")[..]
    );
    assert_eq!(der[20..68], sk[..]);
    assert_eq!(der[68..], pk[16..]);
    // ECDSA P-256, RFC 5915 inside RFC 5958, namedCurve in both places.
    let (_, sk) = keypair(P256);
    let der = pkcs8(P256, &sk);
    let want = make_pkcs8(
        0,
        &own_alg_id(P256),
        &ec_private_key(1, &sk, Some(&db::rfc5912::SECP_256_R_1), None),
        &[],
    );
    assert_eq!(der, want);
    assert_eq!(
        der[..28],
        hex("304d 020100 3013 0607 2a8648ce3d0201 0608 2a8648ce3d030107 0433")[..]
    );
}

// ---------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo errors
// ---------------------------------------------------------------------------------------------

#[test]
fn spki_errors() {
    let (pk, _) = keypair(MLDSA44);
    let good = spki(MLDSA44, &pk);
    // Trailing data.
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(decode_pk(&trailing), Err(malformed_pk()));
    // Wrong outer tag (SET instead of SEQUENCE).
    let mut wrong = good.clone();
    wrong[0] = 0x31;
    assert_eq!(decode_pk(&wrong), Err(malformed_pk()));
    // OCTET STRING instead of BIT STRING.
    let bad = tlv(0x30, &cat(&[&own_alg_id(MLDSA44), &tlv(0x04, &pk)]));
    assert_eq!(decode_pk(&bad), Err(malformed_pk()));
    // Unknown OID (2.16.840.1.101.3.4.3.99).
    let unknown = ObjectIdentifier::new("2.16.840.1.101.3.4.3.99").unwrap();
    assert_eq!(
        decode_pk(&make_spki(&alg_id(&unknown, None), &pk)),
        Err(malformed_pk())
    );
    // NULL parameters where they must be absent.
    assert_eq!(
        decode_pk(&make_spki(
            &alg_id(&MLDSA44.oid(), Some(&[0x05, 0x00])),
            &pk
        )),
        Err(malformed_pk())
    );
    // Wrong key length.
    assert_eq!(
        decode_pk(&make_spki(&own_alg_id(MLDSA44), &pk[1..])),
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            expected: pk.len(),
            actual: pk.len() - 1
        })
    );
    // BIT STRING with unused bits.
    let bits = tlv(
        0x30,
        &cat(&[&own_alg_id(MLDSA44), &tlv(0x03, &cat(&[&[1], &pk]))]),
    );
    assert_eq!(decode_pk(&bits), Err(malformed_pk()));
    // Non-minimal length (BER, not DER).
    let mut ber = vec![0x30, 0x83, 0x00];
    ber.extend_from_slice(&good[2..]);
    assert!(decode_pk(&ber).is_err());
    assert!(decode_pk(&[]).is_err());
}

#[test]
fn spki_ecdsa_curve_errors() {
    let (pk, _) = keypair(P256);
    let ec = db::rfc5912::ID_EC_PUBLIC_KEY;
    // No parameters: the curve is unknown.
    assert_eq!(
        decode_pk(&make_spki(&alg_id(&ec, None), &pk)),
        Err(malformed_pk())
    );
    // Unsupported curve (secp521r1).
    let p521 = oid_der(&db::rfc5912::SECP_521_R_1);
    assert_eq!(
        decode_pk(&make_spki(&alg_id(&ec, Some(&p521)), &pk)),
        Err(malformed_pk())
    );
    // A P-256 point under the P-384 curve: wrong length.
    let p384 = oid_der(&db::rfc5912::SECP_384_R_1);
    assert_eq!(
        decode_pk(&make_spki(&alg_id(&ec, Some(&p384)), &pk)),
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            expected: 97,
            actual: 65
        })
    );
    // NULL (implicitCurve) and a non-OID parameter.
    assert_eq!(
        decode_pk(&make_spki(&alg_id(&ec, Some(&[0x05, 0x00])), &pk)),
        Err(malformed_pk())
    );
    // Compressed points are not the agile layer's form.
    let mut compressed = vec![0x02 | (pk[64] & 1)];
    compressed.extend_from_slice(&pk[1..33]);
    assert!(matches!(
        decode_pk(&own_spki(P256, &compressed)),
        Err(Error::InvalidLength { .. })
    ));
    // The namedCurve OID alone is not an algorithm.
    assert_eq!(Algorithm::from_oid(&db::rfc5912::ID_EC_PUBLIC_KEY), None);
    assert_eq!(Algorithm::from_oid(&db::rfc5912::SECP_256_R_1), None);
}

// ---------------------------------------------------------------------------------------------
// PKCS#8 errors
// ---------------------------------------------------------------------------------------------

#[test]
fn pkcs8_envelope_errors() {
    let (pk, sk) = keypair(MLDSA44);
    let good = pkcs8(MLDSA44, &sk);
    let inner = cat(&[&[0x80, 0x20], &sk]);
    assert_eq!(make_pkcs8(0, &own_alg_id(MLDSA44), &inner, &[]), good);
    // Trailing data.
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(decode_sk(&trailing), Err(malformed_sk()));
    // Wrong outer tag.
    let mut wrong = good.clone();
    wrong[0] = 0x31;
    assert_eq!(decode_sk(&wrong), Err(malformed_sk()));
    // Unsupported version.
    assert_eq!(
        decode_sk(&make_pkcs8(2, &own_alg_id(MLDSA44), &inner, &[])),
        Err(malformed_sk())
    );
    // Version 2 without the public key, version 1 with it.
    let pk_field = tlv(0x81, &cat(&[&[0], &pk]));
    assert_eq!(
        decode_sk(&make_pkcs8(1, &own_alg_id(MLDSA44), &inner, &[])),
        Err(malformed_sk())
    );
    assert_eq!(
        decode_sk(&make_pkcs8(0, &own_alg_id(MLDSA44), &inner, &pk_field)),
        Err(malformed_sk())
    );
    // Unknown OID; parameters where they must be absent.
    let unknown = ObjectIdentifier::new("1.3.6.1.5.5.7.6.37").unwrap(); // RSA composite
    assert_eq!(
        decode_sk(&make_pkcs8(0, &alg_id(&unknown, None), &inner, &[])),
        Err(malformed_sk())
    );
    assert_eq!(
        decode_sk(&make_pkcs8(
            0,
            &alg_id(&MLDSA44.oid(), Some(&[5, 0])),
            &inner,
            &[]
        )),
        Err(malformed_sk())
    );
    // Attributes are ignored.
    let attrs = tlv(
        0xA0,
        &tlv(
            0x30,
            &cat(&[
                &oid_der(&db::rfc5912::ID_EC_PUBLIC_KEY),
                &tlv(0x31, &[5, 0]),
            ]),
        ),
    );
    assert_eq!(
        decode_sk(&make_pkcs8(0, &own_alg_id(MLDSA44), &inner, &attrs)).unwrap(),
        (MLDSA44, sk.clone())
    );
}

#[test]
fn pkcs8_v2_public_key_is_checked() {
    for alg in Algorithm::all() {
        let (pk, sk) = keypair(alg);
        let v1 = pkcs8(alg, &sk);
        // Re-wrap the inner key as version 2 with the public key.
        let inner = inner_of(&v1);
        let pk_field = tlv(0x81, &cat(&[&[0], &pk]));
        let v2 = make_pkcs8(1, &own_alg_id(alg), &inner, &pk_field);
        assert_eq!(decode_sk(&v2), Ok((alg, sk.clone())), "{alg}");
        let mut other = pk.clone();
        let last = other.len() - 1;
        other[last] ^= 1;
        let bad = make_pkcs8(
            1,
            &own_alg_id(alg),
            &inner,
            &tlv(0x81, &cat(&[&[0], &other])),
        );
        assert!(
            matches!(
                decode_sk(&bad),
                Err(Error::InvalidKey { .. } | Error::MalformedEncoding { .. })
            ),
            "{alg}: {:?}",
            decode_sk(&bad)
        );
    }
}

/// The contents of the privateKey OCTET STRING of one of our (v1) encodings.
fn inner_of(der: &[u8]) -> Vec<u8> {
    let info = pkcs8_crate::PrivateKeyInfoRef::from_der(der).unwrap();
    info.private_key.as_bytes().to_vec()
}

mod pkcs8_crate {
    //! A minimal `PrivateKeyInfo` reader for the tests (the `pkcs8` crate is not a
    //! dev-dependency): version, AlgorithmIdentifier, privateKey.
    use x509_cert::der::asn1::{AnyRef, OctetStringRef};
    use x509_cert::der::{Decode, Reader};

    pub struct PrivateKeyInfoRef<'a> {
        pub private_key: &'a OctetStringRef,
    }

    impl<'a> PrivateKeyInfoRef<'a> {
        pub fn from_der(der: &'a [u8]) -> x509_cert::der::Result<Self> {
            let any = AnyRef::from_der(der)?;
            any.sequence(|r| {
                let _version: u8 = r.decode()?;
                let _alg: AnyRef<'_> = r.decode()?;
                let private_key: &OctetStringRef = r.decode()?;
                while !r.is_finished() {
                    let _: AnyRef<'_> = r.decode()?;
                }
                Ok(Self { private_key })
            })
        }
    }
}

#[test]
fn ml_kem_private_key_choices() {
    let v = pqhybrid_kat::load_json("acvp/ML-KEM-keyGen-FIPS203/internalProjection.json");
    let mut checked = 0;
    for g in json::array(&v, "testGroups").or_panic() {
        let alg = match json::str(g, "parameterSet").or_panic() {
            "ML-KEM-512" => KemAlgorithm::MlKem512,
            "ML-KEM-768" => KemAlgorithm::MlKem768,
            "ML-KEM-1024" => KemAlgorithm::MlKem1024,
            other => panic!("{other}"),
        };
        let alg = Algorithm::Kem(alg);
        let t = &g["tests"][0];
        let seed = cat(&[&json::hex(t, "d").or_panic(), &json::hex(t, "z").or_panic()]);
        let dk = json::hex(t, "dk").or_panic();
        check_seed_choices(alg, &seed, &dk, 64);
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn ml_dsa_private_key_choices() {
    let v = pqhybrid_kat::load_json("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
    let mut checked = 0;
    for g in json::array(&v, "testGroups").or_panic() {
        let alg = match json::str(g, "parameterSet").or_panic() {
            "ML-DSA-44" => SignatureAlgorithm::MlDsa44,
            "ML-DSA-65" => SignatureAlgorithm::MlDsa65,
            "ML-DSA-87" => SignatureAlgorithm::MlDsa87,
            other => panic!("{other}"),
        };
        let alg = Algorithm::Signature(alg);
        let t = &g["tests"][0];
        let seed = json::hex(t, "seed").or_panic();
        let sk = json::hex(t, "sk").or_panic();
        check_seed_choices(alg, &seed, &sk, 32);
        checked += 1;
    }
    assert_eq!(checked, 3);
}

/// `seed [0]` is accepted; `expandedKey` alone gives `SeedUnavailable`; `both` is accepted when
/// consistent and rejected otherwise; wrong seed lengths and tags are rejected.
fn check_seed_choices(alg: Algorithm, seed: &[u8], expanded: &[u8], seed_len: usize) {
    let id = own_alg_id(alg);
    let seed_form = tlv(0x80, seed);
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &seed_form, &[])),
        Ok((alg, seed.to_vec())),
        "{alg}"
    );
    assert_eq!(
        pkcs8(alg, seed),
        make_pkcs8(0, &id, &seed_form, &[]),
        "{alg}"
    );

    let expanded_form = tlv(0x04, expanded);
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &expanded_form, &[])),
        Err(Error::SeedUnavailable),
        "{alg}"
    );

    let both = tlv(0x30, &cat(&[&tlv(0x04, seed), &tlv(0x04, expanded)]));
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &both, &[])),
        Ok((alg, seed.to_vec())),
        "{alg}"
    );

    let mut other_seed = seed.to_vec();
    other_seed[0] ^= 1;
    let both_bad = tlv(0x30, &cat(&[&tlv(0x04, &other_seed), &tlv(0x04, expanded)]));
    assert!(
        matches!(
            decode_sk(&make_pkcs8(0, &id, &both_bad, &[])),
            Err(Error::InvalidKey { .. })
        ),
        "{alg}"
    );
    if seed_len == 64 {
        // ML-KEM: the same key in a different encoding (a secret coefficient x < 767 written
        // as x + 3329, which still fits its 12 bits and decodes to the same ŝ) is not the
        // expanded key the seed derives: compared byte for byte, it is rejected.
        let mut unreduced = expanded.to_vec();
        let i = (0..unreduced.len() / 3)
            .find(|i| {
                let (b0, b1) = (unreduced[3 * i], unreduced[3 * i + 1]);
                (u16::from(b0) | (u16::from(b1 & 0x0f) << 8)) < 767
            })
            .expect("some coefficient below 767");
        let c = u16::from(unreduced[3 * i]) | (u16::from(unreduced[3 * i + 1] & 0x0f) << 8);
        let c = c + 3329;
        unreduced[3 * i] = (c & 0xff) as u8;
        unreduced[3 * i + 1] = (unreduced[3 * i + 1] & 0xf0) | (c >> 8) as u8;
        let both_unreduced = tlv(0x30, &cat(&[&tlv(0x04, seed), &tlv(0x04, &unreduced)]));
        assert_eq!(
            decode_sk(&make_pkcs8(0, &id, &both_unreduced, &[])),
            Err(Error::InvalidKey {
                field: Field::ExpandedKey
            }),
            "{alg}: unreduced coefficient in the expanded half"
        );
    }
    let both_short = tlv(0x30, &cat(&[&tlv(0x04, seed), &tlv(0x04, &expanded[1..])]));
    assert!(
        decode_sk(&make_pkcs8(0, &id, &both_short, &[])).is_err(),
        "{alg}"
    );

    // Seed of the wrong length, seed with the wrong tag ([1], constructed [0]).
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &tlv(0x80, &seed[1..]), &[])),
        Err(Error::InvalidLength {
            field: Field::Seed,
            expected: seed_len,
            actual: seed_len - 1
        })
    );
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &tlv(0x81, seed), &[])),
        Err(malformed_sk())
    );
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &tlv(0xA0, &tlv(0x04, seed)), &[])),
        Err(malformed_sk())
    );
    // Trailing data after the CHOICE.
    let mut trailing = seed_form.clone();
    trailing.push(0);
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &trailing, &[])),
        Err(malformed_sk())
    );
}

#[test]
fn slh_dsa_private_key_errors() {
    for alg in SignatureAlgorithm::ALL.map(Algorithm::Signature) {
        if !alg.name().starts_with("SLH-DSA") {
            continue;
        }
        let (pk, sk) = keypair(alg);
        let n = sk.len() / 3;
        let id = own_alg_id(alg);
        let full = cat(&[&sk, &pk[n..]]);
        assert_eq!(
            decode_sk(&make_pkcs8(0, &id, &full, &[])),
            Ok((alg, sk.clone())),
            "{alg}"
        );
        // PK.root that does not match the seeds.
        let mut bad_root = full.clone();
        let last = bad_root.len() - 1;
        bad_root[last] ^= 1;
        assert_eq!(
            decode_sk(&make_pkcs8(0, &id, &bad_root, &[])),
            Err(Error::InvalidKey {
                field: Field::SecretKey
            }),
            "{alg}"
        );
        // The 3n seed alone is not the RFC 9909 format.
        assert_eq!(
            decode_sk(&make_pkcs8(0, &id, &sk, &[])),
            Err(Error::InvalidLength {
                field: Field::SecretKey,
                expected: 4 * n,
                actual: 3 * n
            }),
            "{alg}"
        );
        // Wrapped in a further OCTET STRING (not RFC 9909).
        assert!(
            decode_sk(&make_pkcs8(0, &id, &tlv(0x04, &full), &[])).is_err(),
            "{alg}"
        );
    }
}

#[test]
fn ed25519_private_key_errors() {
    let (_, sk) = keypair(ED25519);
    let id = own_alg_id(ED25519);
    // Unwrapped key (missing the CurvePrivateKey OCTET STRING).
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &sk, &[])),
        Err(malformed_sk())
    );
    // Wrong length inside.
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &tlv(0x04, &sk[1..]), &[])),
        Err(Error::InvalidLength {
            field: Field::SecretKey,
            expected: 32,
            actual: 31
        })
    );
    // Parameters present.
    assert_eq!(
        decode_sk(&make_pkcs8(
            0,
            &alg_id(&ED25519.oid(), Some(&[5, 0])),
            &tlv(0x04, &sk),
            &[]
        )),
        Err(malformed_sk())
    );
}

#[test]
fn ecdsa_private_key_forms_and_errors() {
    for (alg, curve, other_curve) in [
        (P256, db::rfc5912::SECP_256_R_1, db::rfc5912::SECP_384_R_1),
        (P384, db::rfc5912::SECP_384_R_1, db::rfc5912::SECP_256_R_1),
    ] {
        let (pk, sk) = keypair(alg);
        let id = own_alg_id(alg);
        let dec = |inner: &[u8]| decode_sk(&make_pkcs8(0, &id, inner, &[]));
        let ok = Ok((alg, sk.clone()));
        // Parameters optional; publicKey optional and checked (uncompressed or compressed).
        assert_eq!(
            dec(&ec_private_key(1, &sk, Some(&curve), None)),
            ok,
            "{alg}"
        );
        assert_eq!(dec(&ec_private_key(1, &sk, None, None)), ok, "{alg}");
        assert_eq!(
            dec(&ec_private_key(1, &sk, Some(&curve), Some(&pk))),
            ok,
            "{alg}"
        );
        assert_eq!(dec(&ec_private_key(1, &sk, None, Some(&pk))), ok, "{alg}");
        let half = (pk.len() - 1) / 2;
        let compressed = cat(&[&[0x02 | (pk[pk.len() - 1] & 1)], &pk[1..=half]]);
        assert_eq!(
            dec(&ec_private_key(1, &sk, None, Some(&compressed))),
            ok,
            "{alg}"
        );
        // A public key of another scalar.
        let (other_pk, _) = {
            let mut s = sk.clone();
            s[sk.len() - 1] ^= 1;
            let mut p = vec![0u8; pk.len()];
            let mut k = vec![0u8; sk.len()];
            match alg {
                Algorithm::Signature(a) => a.keypair_from_seed(&s, &mut p, &mut k).unwrap(),
                Algorithm::Kem(_) => unreachable!(),
            }
            (p, k)
        };
        let invalid = Err(Error::InvalidKey {
            field: Field::SecretKey,
        });
        assert_eq!(
            dec(&ec_private_key(1, &sk, Some(&curve), Some(&other_pk))),
            invalid,
            "{alg}"
        );
        // A public key that is not a point.
        let mut not_point = pk.clone();
        not_point[0] = 0x05;
        assert!(
            dec(&ec_private_key(1, &sk, None, Some(&not_point))).is_err(),
            "{alg}"
        );
        // Wrong curve inside; wrong version; scalar length; zero and ≥ n scalars.
        assert_eq!(
            dec(&ec_private_key(1, &sk, Some(&other_curve), None)),
            Err(malformed_sk())
        );
        assert_eq!(
            dec(&ec_private_key(0, &sk, Some(&curve), None)),
            Err(malformed_sk())
        );
        assert_eq!(
            dec(&ec_private_key(1, &sk[1..], Some(&curve), None)),
            Err(Error::InvalidLength {
                field: Field::SecretKey,
                expected: sk.len(),
                actual: sk.len() - 1
            })
        );
        assert_eq!(
            dec(&ec_private_key(1, &vec![0u8; sk.len()], None, None)),
            invalid
        );
        assert_eq!(
            dec(&ec_private_key(1, &vec![0xFFu8; sk.len()], None, None)),
            invalid
        );
        // Bare scalar, not an ECPrivateKey.
        assert_eq!(dec(&sk), Err(malformed_sk()));
        // AlgorithmIdentifier without the curve, or with the other curve.
        let ec = db::rfc5912::ID_EC_PUBLIC_KEY;
        let inner = ec_private_key(1, &sk, None, None);
        assert_eq!(
            decode_sk(&make_pkcs8(0, &alg_id(&ec, None), &inner, &[])),
            Err(malformed_sk())
        );
        assert!(
            decode_sk(&make_pkcs8(
                0,
                &alg_id(&ec, Some(&oid_der(&other_curve))),
                &inner,
                &[]
            ))
            .is_err()
        );
        // Encoding refuses out-of-range scalars.
        let mut out = vec![0u8; MAX_PRIVATE_KEY_DER_LEN];
        assert_eq!(
            encode_private_key(alg, &vec![0u8; sk.len()], &mut out),
            Err(Error::InvalidKey {
                field: Field::SecretKey
            })
        );
    }
}

#[test]
fn xwing_private_key_errors() {
    let alg = Algorithm::Kem(KemAlgorithm::XWing);
    let (_, sk) = keypair(alg);
    let id = own_alg_id(alg);
    assert_eq!(
        decode_sk(&make_pkcs8(0, &id, &sk, &[])),
        Ok((alg, sk.clone()))
    );
    assert!(matches!(
        decode_sk(&make_pkcs8(0, &id, &sk[1..], &[])),
        Err(Error::InvalidLength { .. })
    ));
    assert!(decode_sk(&make_pkcs8(0, &id, &tlv(0x04, &sk), &[])).is_err());
}

#[test]
fn composite_private_key_errors() {
    for alg in Algorithm::all() {
        if !alg.oid().to_string().starts_with("1.3.6.1.5.5.7.6.") {
            continue;
        }
        let (_, sk) = keypair(alg);
        let der = pkcs8(alg, &sk);
        let inner = inner_of(&der);
        let id = own_alg_id(alg);
        // One byte short, one byte long.
        assert!(
            decode_sk(&make_pkcs8(0, &id, &inner[..inner.len() - 1], &[])).is_err(),
            "{alg}"
        );
        let longer = cat(&[&inner, &[0]]);
        assert!(
            decode_sk(&make_pkcs8(0, &id, &longer, &[])).is_err(),
            "{alg}"
        );
        // Wrapped in an OCTET STRING.
        assert!(
            decode_sk(&make_pkcs8(0, &id, &tlv(0x04, &inner), &[])).is_err(),
            "{alg}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Truncation and mutation: errors, never panics
// ---------------------------------------------------------------------------------------------

#[test]
fn every_prefix_is_rejected() {
    for alg in Algorithm::all() {
        let (pk, sk) = keypair(alg);
        let der = spki(alg, &pk);
        for n in 0..der.len() {
            assert!(
                decode_public_key(&der[..n]).is_err(),
                "{alg}: SPKI prefix {n}"
            );
        }
        let der = pkcs8(alg, &sk);
        let mut out = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
        for n in 0..der.len() {
            assert!(
                decode_private_key(&der[..n], &mut out).is_err(),
                "{alg}: PKCS#8 prefix {n}"
            );
            assert!(
                out.iter().all(|&b| b == 0),
                "{alg}: output left after an error"
            );
        }
    }
}

#[test]
fn every_byte_mutation_is_handled() {
    // Every byte of every small encoding flipped: any result but a panic, and a success only
    // with the right algorithm family and length. (SLH-DSA is left to the prefix test: each
    // mutation of its key is a full key generation.)
    for alg in Algorithm::all() {
        if alg.name().starts_with("SLH-DSA") {
            continue;
        }
        let (pk, sk) = keypair(alg);
        let der = pkcs8(alg, &sk);
        let mut out = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
        for i in 0..der.len() {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut m = der.clone();
                m[i] ^= flip;
                if let Ok((a, n)) = decode_private_key(&m, &mut out) {
                    assert_eq!(n, a.secret_key_len());
                }
            }
        }
        let der = spki(alg, &pk);
        // Header bytes only for the large keys: the key bytes are opaque here.
        for i in 0..der.len().min(64) {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut m = der.clone();
                m[i] ^= flip;
                if let Ok(k) = decode_public_key(&m) {
                    assert_eq!(k.key.len(), k.algorithm.public_key_len());
                }
            }
        }
    }
}

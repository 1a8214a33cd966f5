//! Known-answer files for the device identity (suite `pqhybrid-identity`, `docs/identity.md`):
//! `kat-vectors/pqhybrid/identity/` holds
//!
//! * `update-1.pqfw`, `update-2.pqfw`: two firmware images (two updates) signed
//!   deterministically by the same key (the firmware KAT's root key: MLDSA65-Ed25519-SHA512 from
//!   the seed `10`×32, here an active trust anchor signing directly);
//! * `derivation.json`: the DICE derivation, which does not depend on the identity algorithm:
//!   the UDS (`00 01 … 1f`) and the layer-0 CDIs (the UDS itself) and key-pair seed; per image
//!   the measured inputs (`InputValues::from_verified_image`, mode Normal, hidden input zero),
//!   the layer-1 CDIs and key-pair seed and the `TcbInfo` the Alias certificate carries; the
//!   CA's UDS and key-pair seed; the evidence nonce;
//! * `<algorithm>.json` for MLDSA65-Ed25519-SHA512 (the default), ML-DSA-65 and
//!   MLDSA87-ECDSA-P384-SHA512: the CA's, DeviceID's and Alias keys' public keys and ids, the
//!   UEID, the DeviceID CSR, the CA's self-signed root certificate, the DeviceID certificate, and
//!   per image the Alias certificate and the evidence for the nonce (all hex DER).
//!
//! The test regenerates every file in memory and compares it byte for byte with the committed
//! one. It then checks the committed files without the generator: each image verifies and
//! measures to the recorded inputs (also built by hand from the header as
//! `src/identity/measure.rs` documents); the CDIs, seeds and ids recomputed from the recorded
//! inputs with HKDF-SHA-512 and Open DICE's labels and salts, independently of the library;
//! `CDI_Seal` equal and `CDI_Attest` different across the two updates; every document's
//! to-be-signed part equal to the one a small DER writer in this file builds from
//! `docs/identity.md`, and its signature valid under the issuer's recorded public key.
//!
//! It writes the files only when asked: `PQHYBRID_REGENERATE=1 cargo test --test kat_identity`.
#![cfg(feature = "identity")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hkdf::Hkdf;
use pqhybrid::SignatureAlgorithm;
use pqhybrid::encoding::Algorithm;
use pqhybrid::firmware::{
    self, AlgorithmSet, DeviceClass, ImageParams, ImageVersion, KeyState, Policy, TrustAnchor,
    VerifiedImage, Verifier, key_id, sign_image_deterministic,
};
use pqhybrid::identity::{
    Cdis, IdentityKey, InputValues, MAX_CERT_LEN, MAX_CSR_LEN, Mode, TcbInfo, Uds, code_hash, ueid,
    write_alias_certificate, write_csr, write_device_id_certificate, write_evidence,
    write_root_certificate,
};
use pqhybrid_kat::json::{self, OrPanic as _, Value};
use pqhybrid_kat::{Tally, hex, to_hex};
use sha2::{Digest as _, Sha256, Sha512};

const DIR: &str = "kat-vectors/pqhybrid/identity";
const REGENERATE: &str = "PQHYBRID_REGENERATE=1 cargo test --test kat_identity";
const SUITE: &str = "pqhybrid-identity";
const CLASS: DeviceClass = DeviceClass(*b"pqhybrid-kat-dev");
const VENDOR: &str = "pqhybrid";
const MODEL: &str = "pqhybrid-kat-dev";
const CA_NAME: &str = "pqhybrid KAT CA";
const NONCE: &[u8; 32] = b"pqhybrid-identity-kat-nonce-0001";
const SIGNER_SEED: u8 = 0x10;
const SIGNER_ALG: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
/// The identity algorithms with known-answer files: the default, pure ML-DSA, the largest.
const ALGS: [SignatureAlgorithm; 3] = [
    SignatureAlgorithm::MlDsa65Ed25519Sha512,
    SignatureAlgorithm::MlDsa65,
    SignatureAlgorithm::MlDsa87EcdsaP384Sha512,
];

/// Open DICE's salts, as `docs/specification.md` ("Salt") prints them: the test does not take
/// them from the library.
const ASYM_SALT_HEX: &str = "63B6A04D2C077FC10F639F21DA793844356CC2B0B441B3A77124035C03F8E1BE\
                             6035D31F282821A7450A02222AB1B3CFF1679B05AB1CA5D1AFFB789CCD2B0B3B";
const ID_SALT_HEX: &str = "DBDBAEBC8020DA9FF0DD5A24C83AA5A54286DFC263031E329B4DA148430659FE\
                           62CDB5B7E1E00FC680306711EB444AF77209359496FCFF1DB9520BA51C7B29EA";

fn uds_bytes() -> [u8; 32] {
    core::array::from_fn(|i| i as u8)
}

fn ca_uds_bytes() -> [u8; 32] {
    [0xca; 32]
}

/// One update: its file name, parameters and payload.
struct Update {
    file: &'static str,
    security_version: u64,
    version: ImageVersion,
    payload: Vec<u8>,
}

fn updates() -> [Update; 2] {
    let payload = |k: u32| -> Vec<u8> {
        (0..1024u32)
            .map(|i| (i.wrapping_mul(31) ^ k) as u8)
            .collect()
    };
    [
        Update {
            file: "update-1.pqfw",
            security_version: 7,
            version: ImageVersion {
                major: 1,
                minor: 4,
                revision: 2,
                build: 20_260_101,
            },
            payload: payload(0xa5),
        },
        Update {
            file: "update-2.pqfw",
            security_version: 8,
            version: ImageVersion {
                major: 1,
                minor: 5,
                revision: 0,
                build: 20_260_301,
            },
            payload: payload(0x5a),
        },
    ]
}

struct Signer {
    seed: Vec<u8>,
    pk: Vec<u8>,
    sk: Vec<u8>,
    id: firmware::KeyId,
}

fn signer() -> Signer {
    let seed = vec![SIGNER_SEED; SIGNER_ALG.seed_len()];
    let mut pk = vec![0u8; SIGNER_ALG.public_key_len()];
    let mut sk = vec![0u8; SIGNER_ALG.secret_key_len()];
    SIGNER_ALG
        .keypair_from_seed(&seed, &mut pk, &mut sk)
        .unwrap();
    let id = key_id(SIGNER_ALG, &pk).unwrap();
    Signer { seed, pk, sk, id }
}

fn sign(s: &Signer, u: &Update) -> Vec<u8> {
    let mut p = ImageParams::new(CLASS, u.security_version);
    p.version = u.version;
    p.header_len = 256;
    let mut out = vec![0u8; 64 * 1024];
    let n = sign_image_deterministic(&p, &u.payload, SIGNER_ALG, &s.sk, None, &mut out).unwrap();
    out.truncate(n);
    out
}

/// Verifies `image` as a device trusting only the signer would.
fn verify_image(signer_id: firmware::KeyId, image: &[u8]) -> VerifiedImage {
    let anchors = [TrustAnchor {
        key_id: signer_id,
        state: KeyState::Active,
    }];
    let mut policy = Policy::new(&anchors, CLASS);
    policy.allowed = AlgorithmSet::HYBRID_ONLY;
    let mut v = Verifier::new(&policy);
    v.update(image).unwrap();
    v.finish().unwrap()
}

/// The inputs of `src/identity/measure.rs`'s table, built from the header by hand.
fn inputs_by_hand(img: &VerifiedImage) -> InputValues {
    let h = img.header();
    let mut code = [0u8; 64];
    code[..32].copy_from_slice(&img.image_id());
    let mut config = [0u8; 64];
    config[..16].copy_from_slice(&h.device_class.0);
    config[16..24].copy_from_slice(&h.security_version.to_be_bytes());
    config[24] = h.version.major;
    config[25] = h.version.minor;
    config[26..28].copy_from_slice(&h.version.revision.to_be_bytes());
    config[28..32].copy_from_slice(&h.version.build.to_be_bytes());
    let mut authority = [0u8; 64];
    authority[..32].copy_from_slice(&h.signer_key_id.0);
    InputValues {
        code_hash: code,
        config,
        authority_hash: authority,
        mode: Mode::Normal,
        hidden: [0; 64],
    }
}

fn tcb(img: &VerifiedImage) -> TcbInfo<'static> {
    TcbInfo {
        vendor: VENDOR,
        model: MODEL,
        security_version: img.security_version(),
        layer: 1,
        image_id: img.image_id(),
        mode: Mode::Normal,
    }
}

fn cdis_json(c: &Cdis) -> Value {
    serde_json::json!({
        "cdiAttest": to_hex(c.attest_hazmat()),
        "cdiSeal": to_hex(c.seal_hazmat()),
        "keyPairSeed": to_hex(c.key_pair_seed().as_bytes()),
    })
}

fn pretty(v: &Value) -> Vec<u8> {
    (serde_json::to_string_pretty(v).unwrap() + "\n").into_bytes()
}

fn alg_file(alg: SignatureAlgorithm) -> String {
    format!("{}.json", alg.name())
}

/// Every file of the set, generated: (name, bytes).
fn generate() -> Vec<(String, Vec<u8>)> {
    let s = signer();
    let layer0 = Cdis::from_uds(&Uds::new(uds_bytes()));
    let ca_cdis = Cdis::from_uds(&Uds::new(ca_uds_bytes()));
    let mut files = Vec::new();
    let mut images = Vec::new();
    let mut measured = Vec::new();
    for u in updates() {
        let bytes = sign(&s, &u);
        let img = verify_image(s.id, &bytes);
        let inputs = InputValues::from_verified_image(&img, Mode::Normal, [0; 64]);
        // The documented layout and the hand-written `code_hash` construction agree.
        assert_eq!(inputs, inputs_by_hand(&img));
        assert_eq!(inputs.code_hash, code_hash(&img.image_id()));
        let layer1 = layer0.next(&inputs);
        let t = tcb(&img);
        let v = img.version();
        images.push(serde_json::json!({
            "file": u.file,
            "len": bytes.len(),
            "header": to_hex(&bytes[..usize::from(img.header().header_len)]),
            "imageId": to_hex(&img.image_id()),
            "securityVersion": u.security_version,
            "version": format!("{}.{}.{}+{}", v.major, v.minor, v.revision, v.build),
            "inputs": {
                "codeHash": to_hex(&inputs.code_hash),
                "config": to_hex(&inputs.config),
                "authorityHash": to_hex(&inputs.authority_hash),
                "mode": inputs.mode as u8,
                "hidden": to_hex(&inputs.hidden),
            },
            "layer1": cdis_json(&layer1),
            "tcbInfo": {
                "vendor": t.vendor, "model": t.model, "svn": t.security_version,
                "layer": t.layer, "fwidSha256": to_hex(&t.image_id), "mode": "Normal",
            },
        }));
        measured.push((u.file, img, layer1));
        files.push((u.file.to_owned(), bytes));
    }
    let derivation = serde_json::json!({
        "description": "DICE derivation of the device-identity known-answer files \
            (docs/identity.md). KDF(L, ikm, salt, info) = HKDF-SHA-512; layer 0's CDIs are the \
            UDS; layer 1's are KDF(32, CDI, SHA-512(code || config || authority || mode || \
            hidden), \"CDI_Attest\") and KDF(32, CDI, SHA-512(authority || mode || hidden), \
            \"CDI_Seal\"); keyPairSeed = KDF(32, CDI_Attest, ASYM_SALT, \"Key Pair\"). The \
            inputs measure the images next to this file (InputValues::from_verified_image, mode \
            Normal = 1, hidden input zero), both signed by the same key: CDI_Seal is the same for \
            both, CDI_Attest is not. Generated by tests/kat_identity.rs (PQHYBRID_REGENERATE=1).",
        "uds": to_hex(&uds_bytes()),
        "layer0": cdis_json(&layer0),
        "ca": {
            "uds": to_hex(&ca_uds_bytes()),
            "keyPairSeed": to_hex(ca_cdis.key_pair_seed().as_bytes()),
            "commonName": CA_NAME,
        },
        "signer": {
            "alg": SIGNER_ALG.name(),
            "algId": firmware::algorithm_id(SIGNER_ALG),
            "seed": to_hex(&s.seed),
            "pk": to_hex(&s.pk),
            "keyId": to_hex(&s.id.0),
            "note": "the root key of kat-vectors/pqhybrid/firmware, signing directly as an active \
                trust anchor (no endorsement)",
        },
        "deviceClass": to_hex(&CLASS.0),
        "images": images,
        "nonce": to_hex(NONCE),
        "algorithms": ALGS.iter().map(|a| alg_file(*a)).collect::<Vec<_>>(),
    });
    files.push(("derivation.json".into(), pretty(&derivation)));

    for alg in ALGS {
        let ca = IdentityKey::derive(alg, &ca_cdis).unwrap();
        let device_id = IdentityKey::derive(alg, &layer0).unwrap();
        let mut buf = vec![0u8; MAX_CERT_LEN];
        let doc = |n: usize, buf: &[u8]| to_hex(&buf[..n]);
        let root = doc(
            write_root_certificate(&ca, CA_NAME, &mut buf).unwrap(),
            &buf,
        );
        let dev_cert = doc(
            write_device_id_certificate(&ca, CA_NAME, alg, device_id.public_key(), &mut buf)
                .unwrap(),
            &buf,
        );
        let mut csr_buf = vec![0u8; MAX_CSR_LEN];
        let csr = doc(write_csr(&device_id, &mut csr_buf).unwrap(), &csr_buf);
        let aliases: Vec<Value> = measured
            .iter()
            .map(|(file, img, layer1)| {
                let alias = IdentityKey::derive(alg, layer1).unwrap();
                let cert = doc(
                    write_alias_certificate(&device_id, &alias, &tcb(img), &mut buf).unwrap(),
                    &buf,
                );
                let evidence = doc(write_evidence(&alias, NONCE, &mut buf).unwrap(), &buf);
                serde_json::json!({
                    "image": file,
                    "publicKey": to_hex(alias.public_key()),
                    "id": to_hex(alias.id()),
                    "aliasCertificate": cert,
                    "evidence": evidence,
                })
            })
            .collect();
        let v = serde_json::json!({
            "description": format!("Device-identity documents for {} (docs/identity.md), \
                from the inputs of derivation.json. Every signature is deterministic \
                (pure, empty context). Generated by tests/kat_identity.rs \
                (PQHYBRID_REGENERATE=1).", alg.name()),
            "alg": alg.name(),
            "oid": Algorithm::Signature(alg).oid().to_string(),
            "ca": { "publicKey": to_hex(ca.public_key()), "id": to_hex(ca.id()) },
            "deviceId": {
                "publicKey": to_hex(device_id.public_key()),
                "id": to_hex(device_id.id()),
                "ueid": to_hex(&ueid(device_id.public_key())),
            },
            "csr": csr,
            "rootCertificate": root,
            "deviceIdCertificate": dev_cert,
            "aliases": aliases,
        });
        files.push((alg_file(alg), pretty(&v)));
    }
    files
}

// ---- An independent DER writer for what docs/identity.md specifies ----

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let mut out = vec![tag];
    match n {
        0..=0x7f => out.push(n as u8),
        0x80..=0xff => out.extend([0x81, n as u8]),
        _ => {
            assert!(n <= 0xffff);
            out.extend([0x82, (n >> 8) as u8, n as u8]);
        }
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend(tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for &a in &arcs[2..] {
        push(a);
    }
    tlv(0x06, &body)
}

/// A non-negative INTEGER from big-endian bytes (minimal: leading zeros dropped, a zero byte
/// added before a set top bit).
fn uint(bytes: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    if v.first().is_none_or(|&b| b & 0x80 != 0) {
        v.insert(0, 0);
    }
    tlv(0x02, &v)
}

/// `serialNumber=<id hex>`, after `CN=<cn>` if given; PrintableString values.
fn name(cn: Option<&str>, id: &[u8]) -> Vec<u8> {
    let rdn = |oid_s: &str, value: &[u8]| tlv(0x31, &seq(&[&oid(oid_s), &tlv(0x13, value)]));
    let mut rdns = Vec::new();
    if let Some(cn) = cn {
        rdns.extend(rdn("2.5.4.3", cn.as_bytes()));
    }
    rdns.extend(rdn("2.5.4.5", to_hex(id).as_bytes()));
    tlv(0x30, &rdns)
}

fn ext(oid_s: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    let crit: &[u8] = if critical { &[0x01, 0x01, 0xff] } else { &[] };
    seq(&[&oid(oid_s), crit, &tlv(0x04, value)])
}

fn aki(id: &[u8]) -> Vec<u8> {
    ext("2.5.29.35", false, &seq(&[&tlv(0x80, id)]))
}
fn ski(id: &[u8]) -> Vec<u8> {
    ext("2.5.29.14", false, &tlv(0x04, id))
}
/// keyUsage keyCertSign (bit 5: `03 02 02 04`) or digitalSignature (bit 0: `03 02 07 80`).
fn key_usage(ca: bool) -> Vec<u8> {
    let bits: &[u8] = if ca { &[0x02, 0x04] } else { &[0x07, 0x80] };
    ext("2.5.29.15", true, &tlv(0x03, bits))
}
fn basic_constraints(ca: bool) -> Vec<u8> {
    let body: &[u8] = if ca { &[0x01, 0x01, 0xff] } else { &[] };
    ext("2.5.29.19", true, &tlv(0x30, body))
}
fn ueid_ext(ueid: &[u8]) -> Vec<u8> {
    ext("2.23.133.5.4.4", false, &seq(&[&tlv(0x04, ueid)]))
}
/// `DiceTcbInfo` with vendor [0], model [1], svn [3], layer [4], fwids [6] (one SHA-256 FWID),
/// flags [7] (empty: normal mode).
fn tcb_info_ext(svn: u64, layer: u64, fwid: &[u8]) -> Vec<u8> {
    let int_body = |v: u64| uint(&v.to_be_bytes())[2..].to_vec();
    let body = [
        tlv(0x80, VENDOR.as_bytes()),
        tlv(0x81, MODEL.as_bytes()),
        tlv(0x83, &int_body(svn)),
        tlv(0x84, &int_body(layer)),
        tlv(
            0xa6,
            &seq(&[&oid("2.16.840.1.101.3.4.2.1"), &tlv(0x04, fwid)]),
        ),
        tlv(0x87, &[0x00]),
    ]
    .concat();
    ext("2.23.133.5.4.1", true, &tlv(0x30, &body))
}
fn freshness_ext(nonce: &[u8]) -> Vec<u8> {
    ext("2.23.133.5.4.11", true, &seq(&[&tlv(0x04, nonce)]))
}

fn spki(alg: SignatureAlgorithm, pk: &[u8]) -> Vec<u8> {
    let alg_oid = Algorithm::Signature(alg).oid().to_string();
    seq(&[
        &seq(&[&oid(&alg_oid)]),
        &tlv(0x03, &[&[0u8][..], pk].concat()),
    ])
}

/// `TBSCertificate` of this profile.
fn tbs(
    alg: SignatureAlgorithm,
    serial: &[u8],
    issuer: &[u8],
    subject: &[u8],
    spki: &[u8],
    exts: &[Vec<u8>],
) -> Vec<u8> {
    let validity = seq(&[&tlv(0x17, b"180322235959Z"), &tlv(0x18, b"99991231235959Z")]);
    let alg_id = seq(&[&oid(&Algorithm::Signature(alg).oid().to_string())]);
    seq(&[
        &[0xa0, 0x03, 0x02, 0x01, 0x02],
        &uint(serial),
        &alg_id,
        issuer,
        &validity,
        subject,
        spki,
        &tlv(0xa3, &seq(&[&exts.concat()])),
    ])
}

/// Splits a signed document `SEQUENCE { body, AlgorithmIdentifier, BIT STRING }` (two-byte
/// lengths, as every identity document has) into body and signature, checking its framing.
fn split_signed(alg: SignatureAlgorithm, der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let len = |at: usize| usize::from(der[at + 2]) << 8 | usize::from(der[at + 3]);
    if der.len() < 8 || der[0] != 0x30 || der[1] != 0x82 || len(0) + 4 != der.len() {
        return Err("outer SEQUENCE framing".into());
    }
    if der[4] != 0x30 || der[5] != 0x82 {
        return Err("body SEQUENCE framing".into());
    }
    let body_end = 4 + 4 + len(4);
    let alg_id = seq(&[&oid(&Algorithm::Signature(alg).oid().to_string())]);
    if der.get(body_end..body_end + alg_id.len()) != Some(&alg_id[..]) {
        return Err("signatureAlgorithm is not the issuer's algorithm without parameters".into());
    }
    let bits = body_end + alg_id.len();
    if der.get(bits..bits + 2) != Some(&[0x03, 0x82][..])
        || bits + 4 + len(bits) != der.len()
        || der[bits + 4] != 0
    {
        return Err("signature BIT STRING framing".into());
    }
    Ok((der[4..body_end].to_vec(), der[bits + 5..].to_vec()))
}

/// Checks a stored signed document: its body is `want_body`, and its signature verifies under
/// `issuer_pk` (pure, empty context). Also parses it with `x509-cert` (certificates and CSR).
fn check_signed(
    what: &str,
    alg: SignatureAlgorithm,
    der: &[u8],
    want_body: &[u8],
    issuer_pk: &[u8],
    csr: bool,
) -> Result<(), String> {
    use x509_cert::der::{Decode as _, Encode as _};
    let (body, sig) = split_signed(alg, der).map_err(|e| format!("{what}: {e}"))?;
    if body != want_body {
        let at = body
            .iter()
            .zip(want_body)
            .position(|(a, b)| a != b)
            .unwrap_or(body.len().min(want_body.len()));
        return Err(format!(
            "{what}: to-be-signed bytes differ from docs/identity.md at offset {at} \
             (lengths {} and {})",
            body.len(),
            want_body.len()
        ));
    }
    alg.verify(issuer_pk, &body, b"", &sig)
        .map_err(|e| format!("{what}: signature: {e}"))?;
    let round_trip = if csr {
        x509_cert::request::CertReq::from_der(der).and_then(|r| r.to_der())
    } else {
        x509_cert::Certificate::from_der(der).and_then(|c| c.to_der())
    };
    match round_trip {
        Ok(d) if d == der => Ok(()),
        Ok(_) => Err(format!("{what}: x509-cert re-encodes it differently")),
        Err(e) => Err(format!("{what}: x509-cert: {e}")),
    }
}

// ---- Open DICE's derivation, written out from its specification ----

fn kdf(len: usize, ikm: &[u8], salt: &[u8], info: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; len];
    Hkdf::<Sha512>::new(Some(salt), ikm)
        .expand(info, &mut out)
        .unwrap();
    out
}

fn spec_id(pk: &[u8]) -> Vec<u8> {
    let mut id = kdf(20, pk, &hex(ID_SALT_HEX), b"ID");
    id[0] &= 0x7f;
    id
}

fn spec_seed(cdi_attest: &[u8]) -> Vec<u8> {
    kdf(32, cdi_attest, &hex(ASYM_SALT_HEX), b"Key Pair")
}

fn spec_ueid(device_id_pk: &[u8]) -> Vec<u8> {
    [&[0x01][..], &Sha256::digest(device_id_pk)].concat()
}

fn h(v: &Value, k: &str) -> Vec<u8> {
    json::hex(v, k).or_panic()
}

fn arr<const N: usize>(v: &[u8]) -> [u8; N] {
    v.try_into().unwrap()
}

/// Checks `derivation.json` and the images as stored.
fn check_derivation(base: &std::path::Path, doc: &Value) {
    let mut t = Tally::new(SUITE, "derivation.json");
    let uds = h(doc, "uds");
    let l0 = &doc["layer0"];
    t.check(h(l0, "cdiAttest") == uds && h(l0, "cdiSeal") == uds, || {
        "layer 0: CDI_Attest and CDI_Seal are not the UDS".into()
    });
    t.check(h(l0, "keyPairSeed") == spec_seed(&uds), || {
        "layer 0: key-pair seed".into()
    });
    let ca = &doc["ca"];
    t.check(h(ca, "keyPairSeed") == spec_seed(&h(ca, "uds")), || {
        "CA key-pair seed".into()
    });
    let signer = &doc["signer"];
    let signer_id = firmware::KeyId(arr(&h(signer, "keyId")));
    t.check(
        key_id(SIGNER_ALG, &h(signer, "pk")).ok() == Some(signer_id),
        || "signer key id".into(),
    );
    let mut layer1 = Vec::new();
    for im in json::array(doc, "images").or_panic() {
        let file = json::str(im, "file").or_panic();
        let bytes = std::fs::read(base.join(file)).unwrap();
        let img = verify_image(signer_id, &bytes);
        t.check(
            to_hex(&img.image_id()) == json::str(im, "imageId").or_panic(),
            || format!("{file}: image id"),
        );
        t.check(
            h(im, "header") == bytes[..usize::from(img.header().header_len)]
                && Sha256::digest(h(im, "header")).as_slice() == img.image_id(),
            || format!("{file}: header, or its SHA-256 is not the image id"),
        );
        let i = &im["inputs"];
        let stored = InputValues {
            code_hash: arr(&h(i, "codeHash")),
            config: arr(&h(i, "config")),
            authority_hash: arr(&h(i, "authorityHash")),
            mode: Mode::from_u8(json::u64(i, "mode").or_panic() as u8).unwrap(),
            hidden: arr(&h(i, "hidden")),
        };
        t.check(
            InputValues::from_verified_image(&img, Mode::Normal, [0; 64]) == stored,
            || format!("{file}: from_verified_image differs from the stored inputs"),
        );
        t.check(inputs_by_hand(&img) == stored, || {
            format!("{file}: the inputs are not the layout of src/identity/measure.rs")
        });
        t.check(
            stored.authority_hash[..32] == signer_id.0 && stored.authority_hash[32..] == [0; 32],
            || format!("{file}: authority is not the signer key id"),
        );
        // Open DICE's formulas, written out.
        let mode = [stored.mode as u8];
        let attest_salt = Sha512::digest(
            [
                &stored.code_hash[..],
                &stored.config,
                &stored.authority_hash,
                &mode,
                &stored.hidden,
            ]
            .concat(),
        );
        let seal_salt =
            Sha512::digest([&stored.authority_hash[..], &mode, &stored.hidden].concat());
        let attest = kdf(32, &uds, &attest_salt, b"CDI_Attest");
        let seal = kdf(32, &uds, &seal_salt, b"CDI_Seal");
        let l1 = &im["layer1"];
        t.check(h(l1, "cdiAttest") == attest, || {
            format!("{file}: layer-1 CDI_Attest")
        });
        t.check(h(l1, "cdiSeal") == seal, || {
            format!("{file}: layer-1 CDI_Seal")
        });
        t.check(h(l1, "keyPairSeed") == spec_seed(&attest), || {
            format!("{file}: layer-1 key-pair seed")
        });
        let lib = Cdis::from_uds(&Uds::new(arr(&uds))).next(&stored);
        t.check(
            lib.attest_hazmat()[..] == attest[..] && lib.seal_hazmat()[..] == seal[..],
            || format!("{file}: Cdis::next differs from the specification"),
        );
        let tcb = &im["tcbInfo"];
        t.check(
            json::u64(tcb, "svn").or_panic() == img.security_version()
                && h(tcb, "fwidSha256") == img.image_id(),
            || format!("{file}: TcbInfo svn / FWID"),
        );
        layer1.push((attest, seal));
    }
    let [(a1, s1), (a2, s2)] = <[_; 2]>::try_from(layer1).ok().unwrap();
    t.check(s1 == s2, || {
        "CDI_Seal differs between two updates from the same signer".into()
    });
    t.check(a1 != a2, || "CDI_Attest is the same for two images".into());
    t.finish();
}

/// A stored signed document and what it must be.
struct Doc {
    what: String,
    stored: Vec<u8>,
    want_body: Vec<u8>,
    issuer_pk: Vec<u8>,
    csr: bool,
}

impl Doc {
    fn new(what: &str, stored: Vec<u8>, want_body: Vec<u8>, issuer_pk: &[u8], csr: bool) -> Self {
        Self {
            what: what.to_owned(),
            stored,
            want_body,
            issuer_pk: issuer_pk.to_vec(),
            csr,
        }
    }
}

/// Checks one `<algorithm>.json` as stored, against `derivation.json`.
fn check_algorithm(file: &str, doc: &Value, der: &Value) {
    let mut t = Tally::new(SUITE, file);
    let alg: SignatureAlgorithm = json::str(doc, "alg").or_panic().parse().unwrap();
    t.check(
        json::str(doc, "oid").or_panic() == Algorithm::Signature(alg).oid().to_string(),
        || "oid".into(),
    );
    // The keys derived from the recorded seeds (`SignatureAlgorithm::keypair_from_seed`).
    let pk_from = |seed: &[u8]| {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(seed, &mut pk, &mut sk).unwrap();
        pk
    };
    let ca_pk = h(&doc["ca"], "publicKey");
    let dev_pk = h(&doc["deviceId"], "publicKey");
    t.check(ca_pk == pk_from(&h(&der["ca"], "keyPairSeed")), || {
        "CA public key is not the one of the CA's key-pair seed".into()
    });
    t.check(dev_pk == pk_from(&h(&der["layer0"], "keyPairSeed")), || {
        "DeviceID public key is not the one of layer 0's key-pair seed".into()
    });
    let ca_id = h(&doc["ca"], "id");
    let dev_id = h(&doc["deviceId"], "id");
    t.check(ca_id == spec_id(&ca_pk), || "CA id".into());
    t.check(dev_id == spec_id(&dev_pk), || "DeviceID id".into());
    let ueid = h(&doc["deviceId"], "ueid");
    t.check(ueid == spec_ueid(&dev_pk), || "UEID".into());

    let ca_name = name(Some(CA_NAME), &ca_id);
    let dev_name = name(None, &dev_id);
    let mut docs: Vec<Doc> = Vec::new();
    // Root: self-signed, CN and serialNumber, a CA.
    docs.push(Doc::new(
        "rootCertificate",
        h(doc, "rootCertificate"),
        tbs(
            alg,
            &ca_id,
            &ca_name,
            &ca_name,
            &spki(alg, &ca_pk),
            &[
                aki(&ca_id),
                ski(&ca_id),
                key_usage(true),
                basic_constraints(true),
            ],
        ),
        &ca_pk,
        false,
    ));
    docs.push(Doc::new(
        "deviceIdCertificate",
        h(doc, "deviceIdCertificate"),
        tbs(
            alg,
            &dev_id,
            &ca_name,
            &dev_name,
            &spki(alg, &dev_pk),
            &[
                aki(&ca_id),
                ski(&dev_id),
                key_usage(true),
                basic_constraints(true),
                ueid_ext(&ueid),
            ],
        ),
        &ca_pk,
        false,
    ));
    docs.push(Doc::new(
        "csr",
        h(doc, "csr"),
        seq(&[
            &[0x02, 0x01, 0x00],
            &dev_name,
            &spki(alg, &dev_pk),
            &[0xa0, 0x00],
        ]),
        &dev_pk,
        true,
    ));
    let nonce = h(der, "nonce");
    let images = json::array(der, "images").or_panic();
    let aliases = json::array(doc, "aliases").or_panic();
    t.check(aliases.len() == images.len(), || {
        "one alias per image".into()
    });
    for (a, im) in aliases.iter().zip(images) {
        let image = json::str(a, "image").or_panic();
        t.check(image == json::str(im, "file").or_panic(), || {
            format!("{image}: order")
        });
        let alias_pk = h(a, "publicKey");
        let alias_id = h(a, "id");
        t.check(
            alias_pk == pk_from(&h(&im["layer1"], "keyPairSeed")),
            || format!("{image}: Alias public key is not the one of layer 1's key-pair seed"),
        );
        t.check(alias_id == spec_id(&alias_pk), || {
            format!("{image}: Alias id")
        });
        let tcb = &im["tcbInfo"];
        let alias_name = name(None, &alias_id);
        docs.push(Doc::new(
            &format!("{image} aliasCertificate"),
            h(a, "aliasCertificate"),
            tbs(
                alg,
                &alias_id,
                &dev_name,
                &alias_name,
                &spki(alg, &alias_pk),
                &[
                    aki(&dev_id),
                    ski(&alias_id),
                    key_usage(true),
                    basic_constraints(true),
                    ueid_ext(&ueid),
                    tcb_info_ext(
                        json::u64(tcb, "svn").or_panic(),
                        json::u64(tcb, "layer").or_panic(),
                        &h(tcb, "fwidSha256"),
                    ),
                ],
            ),
            &dev_pk,
            false,
        ));
        docs.push(Doc::new(
            &format!("{image} evidence"),
            h(a, "evidence"),
            tbs(
                alg,
                &spec_id(&nonce),
                &alias_name,
                &alias_name,
                &spki(alg, &alias_pk),
                &[
                    aki(&alias_id),
                    key_usage(false),
                    basic_constraints(false),
                    freshness_ext(&nonce),
                ],
            ),
            &alias_pk,
            false,
        ));
    }
    for d in &docs {
        match check_signed(&d.what, alg, &d.stored, &d.want_body, &d.issuer_pk, d.csr) {
            Ok(()) => t.pass(),
            Err(e) => t.fail(e),
        }
    }
    let alias_pks: Vec<Vec<u8>> = aliases.iter().map(|a| h(a, "publicKey")).collect();
    t.check(alias_pks[0] != alias_pks[1], || {
        "the two updates have the same Alias key".into()
    });
    t.finish();
}

#[test]
fn kat_identity() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let files = generate();
    if std::env::var("PQHYBRID_REGENERATE").as_deref() == Ok("1") {
        std::fs::create_dir_all(&base).unwrap();
        for (f, bytes) in &files {
            std::fs::write(base.join(f), bytes).unwrap();
        }
        println!("wrote {} files to {}", files.len(), base.display());
        return;
    }
    let read = |f: &str| {
        std::fs::read(base.join(f))
            .unwrap_or_else(|e| panic!("{DIR}/{f}: {e}; regenerate with {REGENERATE}"))
    };
    // Byte for byte: every file as the generator writes it.
    let mut t = Tally::new(SUITE, "files");
    for (f, bytes) in &files {
        t.check(&read(f) == bytes, || {
            format!("{DIR}/{f} differs from the generator; if the change is intended, regenerate with {REGENERATE}")
        });
    }
    t.finish();
    let der: Value = serde_json::from_slice(&read("derivation.json")).unwrap();
    check_derivation(&base, &der);
    for f in json::strings(&der, "algorithms").or_panic() {
        let doc: Value = serde_json::from_slice(&read(&f)).unwrap();
        check_algorithm(&f, &doc, &der);
    }
}

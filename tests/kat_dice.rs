//! Open Profile for DICE known-answer values (google/open-dice `known_test_values.h`, read in
//! place through `pqhybrid-kat`; the README of `dice/` there records the KDF, labels, salts and
//! the three input sets).
//!
//! Checked, per input set (ZeroInput, HashOnlyInput, DescriptorInput):
//! * `CDI_Attest` and `CDI_Seal` of the next layer ([`Cdis::next`]);
//! * for each X.509 certificate with a key type pqhybrid derives the Open DICE way (Ed25519,
//!   ML-DSA-65, ML-DSA-87): the subject public key is the one derived from the next layer's
//!   key-pair seed, the serial number is its [`id_of`], the issuer's `serialNumber` name is the
//!   id of the key derived from the current CDI, and the certificate's signature verifies under
//!   that issuer key.
//!
//! Not applicable (counted): P-256/P-384 certificates (Open DICE derives ECDSA keys with its own
//! HMAC-DRBG, which pqhybrid does not offer: its identities are ML-DSA or composite) and the
//! CBOR (CWT) certificates (pqhybrid's certificates are X.509).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use pqhybrid::SignatureAlgorithm;
use pqhybrid::identity::{Cdis, InputValues, Mode, id_of};
use pqhybrid_kat::{Tally, read_bytes, to_hex};
use sha2::{Digest, Sha512};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

/// Every `kExpected<Name>[N] = {…}` array of the header, by name.
fn arrays(text: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut rest = text;
    while let Some(at) = rest.find("constexpr uint8_t kExpected") {
        rest = &rest[at + "constexpr uint8_t kExpected".len()..];
        let name_end = rest.find('[').expect("array name");
        let name = rest[..name_end].to_owned();
        let len: usize = rest[name_end + 1..rest.find(']').unwrap()].parse().unwrap();
        let open = rest.find('{').unwrap();
        let close = rest.find("};").unwrap();
        let bytes: Vec<u8> = rest[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| u8::from_str_radix(t.trim_start_matches("0x"), 16).unwrap())
            .collect();
        assert_eq!(
            bytes.len(),
            len,
            "array {name}: {} bytes, declared {len}",
            bytes.len()
        );
        out.insert(name, bytes);
        rest = &rest[close..];
    }
    out
}

/// Open DICE's `DeriveFakeInputValue` (`src/test_utils.cc`).
fn fake(label: &str, n: usize) -> Vec<u8> {
    let mut b: [u8; 64] = Sha512::digest(label.as_bytes()).into();
    let mut out = Vec::new();
    while out.len() < n {
        out.extend_from_slice(&Sha512::digest(b));
        let ctr = u64::from_le_bytes(b[..8].try_into().unwrap()).wrapping_add(1);
        b[..8].copy_from_slice(&ctr.to_le_bytes());
    }
    out.truncate(n);
    out
}

fn arr<const N: usize>(v: &[u8]) -> [u8; N] {
    v.try_into().unwrap()
}

/// The current CDIs and the next layer's inputs of one Open DICE input set.
fn input_set(name: &str) -> (Cdis, InputValues) {
    match name {
        "ZeroInput" => (
            Cdis::from_bytes_hazmat([0; 32], [0; 32]),
            InputValues::zero(Mode::NotConfigured),
        ),
        "HashOnlyInput" | "DescriptorInput" => {
            let config = if name == "HashOnlyInput" {
                arr(&fake("inline_config", 64))
            } else {
                Sha512::digest(fake("config_desc", 40)).into()
            };
            (
                Cdis::from_bytes_hazmat(arr(&fake("cdi_attest", 32)), arr(&fake("cdi_seal", 32))),
                InputValues {
                    code_hash: arr(&fake("code_hash", 64)),
                    config,
                    authority_hash: arr(&fake("authority_hash", 64)),
                    mode: Mode::NotConfigured,
                    hidden: [0; 64],
                },
            )
        }
        other => panic!("unknown input set {other}"),
    }
}

/// The public key of `alg` derived from a layer's key-pair seed.
fn public_key(alg: SignatureAlgorithm, cdis: &Cdis) -> Vec<u8> {
    let seed = cdis.key_pair_seed();
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(seed.as_bytes(), &mut pk, &mut sk)
        .unwrap();
    pk
}

/// Whether the DER of `name` holds `serialNumber` (2.5.4.5) = PrintableString `value`, as Open
/// DICE writes its names.
fn has_serial_name(name: &x509_cert::name::Name, value: &str) -> bool {
    let der = name.to_der().unwrap();
    let mut want = vec![0x06, 0x03, 0x55, 0x04, 0x05, 0x13, value.len() as u8];
    want.extend_from_slice(value.as_bytes());
    der.windows(want.len()).any(|w| w == want.as_slice())
}

fn check_cert(der: &[u8], alg: SignatureAlgorithm, cur: &Cdis, next: &Cdis) -> Result<(), String> {
    let cert = Certificate::from_der(der).map_err(|e| format!("parse: {e}"))?;
    let tbs = cert.tbs_certificate();
    let subject_pk = public_key(alg, next);
    let issuer_pk = public_key(alg, cur);
    let spk = tbs.subject_public_key_info().subject_public_key.raw_bytes();
    if spk != subject_pk.as_slice() {
        return Err("subject public key differs from the one derived from the next CDI".into());
    }
    let serial = tbs.serial_number().as_bytes();
    if serial != id_of(&subject_pk) {
        return Err(format!(
            "serial {} != id {}",
            to_hex(serial),
            to_hex(&id_of(&subject_pk))
        ));
    }
    let want_issuer = to_hex(&id_of(&issuer_pk));
    if !has_serial_name(tbs.issuer(), &want_issuer) {
        return Err(format!("issuer name is not serialNumber={want_issuer}"));
    }
    let tbs_der = tbs.to_der().map_err(|e| format!("tbs: {e}"))?;
    let sig = cert.signature().raw_bytes();
    alg.verify(&issuer_pk, &tbs_der, b"", sig)
        .map_err(|e| format!("signature does not verify under the issuer key: {e}"))
}

#[test]
fn open_dice_known_values() {
    let text = String::from_utf8(read_bytes("dice/known_test_values.h")).unwrap();
    let all = arrays(&text);
    let mut cdi = Tally::new("open-dice", "known_test_values.h CDIs");
    let mut certs = Tally::new("open-dice", "known_test_values.h certificates");
    for set in ["ZeroInput", "HashOnlyInput", "DescriptorInput"] {
        let (cur, inputs) = input_set(set);
        let next = cur.next(&inputs);
        let want_attest = &all[&format!("CdiAttest_{set}")];
        let want_seal = &all[&format!("CdiSeal_{set}")];
        cdi.check(next.attest_hazmat() == want_attest.as_slice(), || {
            format!("{set}: CDI_Attest {}", to_hex(next.attest_hazmat()))
        });
        cdi.check(next.seal_hazmat() == want_seal.as_slice(), || {
            format!("{set}: CDI_Seal {}", to_hex(next.seal_hazmat()))
        });
        for (key, alg) in [
            ("Ed25519", Some(SignatureAlgorithm::Ed25519)),
            ("Mldsa65", Some(SignatureAlgorithm::MlDsa65)),
            ("Mldsa87", Some(SignatureAlgorithm::MlDsa87)),
            ("P256", None),
            ("P384", None),
        ] {
            let name = format!("X509{key}Cert_{set}");
            let der = &all[&name];
            match alg {
                _ if der.is_empty() => certs.na("Open DICE emits no certificate for this configuration"),
                None => certs.na("ECDSA keys from Open DICE's HMAC-DRBG (pqhybrid identities are ML-DSA or composite)"),
                Some(alg) => match check_cert(der, alg, &cur, &next) {
                    Ok(()) => certs.pass(),
                    Err(e) => certs.fail(format!("{name}: {e}")),
                },
            }
        }
        for key in ["Ed25519", "P256", "P384", "Mldsa65", "Mldsa87"] {
            for profile in ["", "Android"] {
                if all.contains_key(&format!("Cbor{key}Cert_{profile}{set}")) {
                    certs.na("CBOR (CWT) certificates: pqhybrid's certificates are X.509");
                }
            }
        }
    }
    cdi.finish();
    certs.finish();
}

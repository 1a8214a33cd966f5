//! Writes the fixtures of the package's device-identity tests (`tests/fixtures/identity/`): a
//! demo manufacturer CA and a device's DICE chain, made with pqhybrid's device-side writers the
//! way a bootloader makes them. The package itself only verifies; these documents come from
//! here. Run natively, from `bindings/wasm`:
//!
//! ```sh
//! cargo run --example identity_fixtures --target-dir ../../target/wasm
//! ```
//!
//! Everything is deterministic (fixed seeds, deterministic signatures), so a run rewrites the
//! same bytes. The device "boots" the firmware known-answer image
//! `kat-vectors/pqhybrid/firmware/valid.pqfw`: it is verified with that directory's policy, and
//! its measurement (image id, security version, signer) is what the Alias key is derived from
//! and what the Alias certificate's TcbInfo states. The seeds are public: test keys only.

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use pqhybrid::firmware::{AlgorithmSet, DeviceClass, KeyId, Policy, TrustAnchor, Verifier};
use pqhybrid::identity::{
    Cdis, DEFAULT_ALGORITHM, IdentityKey, InputValues, MAX_CERT_LEN, Mode, ReferenceValues,
    TcbInfo, Uds, ueid, verify_attestation, verify_csr, write_alias_certificate, write_csr,
    write_device_id_certificate, write_evidence, write_root_certificate,
};

/// The demo CA's name (`CN`; the CA's key id follows as `serialNumber`).
const CA_NAME: &str = "pqhybrid demo CA";
/// Seed of the demo CA's key (a CA would hold a generated key; fixed here to be reproducible).
const CA_SEED: [u8; 32] = [0xca; 32];
/// A second CA, with the same name, that the tests do not trust.
const OTHER_CA_SEED: [u8; 32] = [0xcb; 32];
/// The device's Unique Device Secret.
const UDS: [u8; 32] = [0x5d; 32];
/// The verifier's nonce of the evidence.
const NONCE: [u8; 16] = [
    0x3c, 0x9e, 0x57, 0x1a, 0xd2, 0x84, 0x6b, 0xf0, 0x11, 0x5d, 0xa7, 0x2e, 0x90, 0xc3, 0x48, 0x7b,
];
const VENDOR: &str = "pqhybrid";
const MODEL: &str = "kat-dev-board";

/// The firmware known-answer policy (kat-vectors/pqhybrid/firmware/policy.json): its root
/// key id and device class. Checked by the verification below: a wrong value fails it.
const KAT_ROOT_KEY_ID: &str = "7d425d0a35ddb8dce55891171b9f71b7aab5773f5dfa7db66c8d11e08a3d3a2e";
const KAT_DEVICE_CLASS: &[u8; 16] = b"pqhybrid-kat-dev";

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn unhex<const N: usize>(s: &str) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    if s.len() != 2 * N {
        return Err("bad hex length".into());
    }
    for (o, i) in out.iter_mut().zip((0..s.len()).step_by(2)) {
        *o = u8::from_str_radix(s.get(i..i + 2).ok_or("bad hex")?, 16)?;
    }
    Ok(out)
}

fn doc(f: impl FnOnce(&mut [u8]) -> pqhybrid::Result<usize>) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; MAX_CERT_LEN];
    let n = f(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

fn main() -> Result<()> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = crate_dir.join("tests/fixtures/identity");
    fs::create_dir_all(&out)?;

    // The bootloader verifies the next image before measuring it.
    let image_bytes = fs::read(crate_dir.join("../../kat-vectors/pqhybrid/firmware/valid.pqfw"))?;
    let anchors = [TrustAnchor::active(KeyId(unhex(KAT_ROOT_KEY_ID)?))];
    let mut policy = Policy::new(&anchors, DeviceClass(*KAT_DEVICE_CLASS));
    policy.min_security_version = 5;
    policy.allowed = AlgorithmSet::HYBRID_ONLY;
    let mut verifier = Verifier::new(&policy);
    verifier.update(&image_bytes)?;
    let image = verifier.finish()?;

    let alg = DEFAULT_ALGORITHM;
    let ca = IdentityKey::derive(alg, &Cdis::from_uds(&Uds::new(CA_SEED)))?;
    let other_ca = IdentityKey::derive(alg, &Cdis::from_uds(&Uds::new(OTHER_CA_SEED)))?;
    let layer0 = Cdis::from_uds(&Uds::new(UDS));
    let device_id = IdentityKey::derive(alg, &layer0)?;
    // The Alias key of the firmware in normal mode, and of the same firmware in debug mode.
    let alias_for = |mode| {
        let inputs = InputValues::from_verified_image(&image, mode, [0; 64]);
        IdentityKey::derive(alg, &layer0.next(&inputs))
    };
    let alias = alias_for(Mode::Normal)?;
    let alias_debug = alias_for(Mode::Debug)?;
    let tcb = |mode| TcbInfo {
        vendor: VENDOR,
        model: MODEL,
        security_version: image.security_version(),
        layer: 1,
        image_id: image.image_id(),
        mode,
    };

    let files: [(&str, Vec<u8>); 8] = [
        (
            "root.der",
            doc(|b| write_root_certificate(&ca, CA_NAME, b))?,
        ),
        (
            "other-root.der",
            doc(|b| write_root_certificate(&other_ca, CA_NAME, b))?,
        ),
        (
            "device-id.der",
            doc(|b| write_device_id_certificate(&ca, CA_NAME, alg, device_id.public_key(), b))?,
        ),
        ("device-id.csr", doc(|b| write_csr(&device_id, b))?),
        (
            "alias.der",
            doc(|b| write_alias_certificate(&device_id, &alias, &tcb(Mode::Normal), b))?,
        ),
        ("evidence.der", doc(|b| write_evidence(&alias, &NONCE, b))?),
        (
            "alias-debug.der",
            doc(|b| write_alias_certificate(&device_id, &alias_debug, &tcb(Mode::Debug), b))?,
        ),
        (
            "evidence-debug.der",
            doc(|b| write_evidence(&alias_debug, &NONCE, b))?,
        ),
    ];
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d.as_slice())
            .unwrap_or_default()
    };

    // What the tests expect, checked here with the core's verifier first.
    let reference = ReferenceValues {
        image_ids: vec![image.image_id()],
        min_security_version: 5,
        ..ReferenceValues::default()
    };
    let a = verify_attestation(
        &[get("root.der")],
        get("device-id.der"),
        get("alias.der"),
        get("evidence.der"),
        &NONCE,
        &reference,
    )?;
    let lab = ReferenceValues {
        allow_non_normal_mode: true,
        ..reference.clone()
    };
    let d = verify_attestation(
        &[get("root.der")],
        get("device-id.der"),
        get("alias-debug.der"),
        get("evidence-debug.der"),
        &NONCE,
        &lab,
    )?;
    let csr = verify_csr(get("device-id.csr"))?;
    if csr.id != a.device_id || d.device_id != a.device_id || a.ueid != ueid(device_id.public_key())
    {
        return Err("inconsistent fixtures".into());
    }

    for (name, der) in &files {
        fs::write(out.join(name), der)?;
    }
    let json = format!(
        r#"{{
  "description": "A demo manufacturer CA and a device's DICE chain for the package's identity tests, written by examples/identity_fixtures.rs (deterministic: rerunning it rewrites the same bytes). The device runs kat-vectors/pqhybrid/firmware/valid.pqfw, verified with that directory's policy; the seeds are public, test keys only.",
  "algorithm": "{alg}",
  "caName": "{CA_NAME}",
  "caKeyId": "{ca_id}",
  "otherCaKeyId": "{other_id}",
  "nonce": "{nonce}",
  "vendor": "{VENDOR}",
  "model": "{MODEL}",
  "layer": 1,
  "securityVersion": {sv},
  "imageId": "{image_id}",
  "firmware": "kat-vectors/pqhybrid/firmware/valid.pqfw",
  "deviceId": "{device}",
  "ueid": "{ueid}",
  "aliasId": "{alias}",
  "debugAliasId": "{alias_debug}",
  "files": {{
    "root": "root.der",
    "otherRoot": "other-root.der",
    "deviceId": "device-id.der",
    "csr": "device-id.csr",
    "alias": "alias.der",
    "evidence": "evidence.der",
    "aliasDebug": "alias-debug.der",
    "evidenceDebug": "evidence-debug.der"
  }}
}}
"#,
        alg = alg.name(),
        ca_id = hex(ca.id()),
        other_id = hex(other_ca.id()),
        nonce = hex(&NONCE),
        sv = a.security_version,
        image_id = hex(&a.image_id),
        device = hex(&a.device_id),
        ueid = hex(&a.ueid),
        alias = hex(&a.alias_id),
        alias_debug = hex(&d.alias_id),
    );
    fs::write(out.join("fixtures.json"), json)?;
    for (name, der) in &files {
        println!("{:>6} bytes  {}", der.len(), out.join(name).display());
    }
    println!(
        "device {} (image {}, security version {})",
        hex(&a.device_id),
        hex(&a.image_id),
        a.security_version
    );
    Ok(())
}

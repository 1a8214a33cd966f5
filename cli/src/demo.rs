//! `pqhybrid demo`: the whole story in a temporary directory, each step checked: keys,
//! endorsement, signing, verification and its rejections, the device identity the booted image
//! gives and its attestation, then an encrypted update decrypted and verified and a tampered
//! chunk refused.

use std::fs;
use std::path::Path;
use std::time::Instant;

use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    AlgorithmSet, ClassScope, DEFAULT_MAX_SECURITY_VERSION, DeviceClass, DigestAlgorithm,
    EndorsementParams, FORMAT_VERSION, ImageParams, ImageVersion, KeyId, KeyState, TrustStoreEntry,
};

use pqhybrid::KemAlgorithm;
use pqhybrid::hpke::{Aead, Kdf};
use pqhybrid::identity::Mode;
use pqhybrid::rng::{OsRng, TryRng as _};
use zeroize::Zeroizing;

use crate::error::{CliError, EXIT_INVALID, Result};
use crate::fw::{self, VerifyOutcome, VerifyRequest};
use crate::keys::{KemPrivateKey, PrivateKey};
use crate::out::outln;
use crate::{hex, identity, trust_store};

const ROOT_ALG: SignatureAlgorithm = SignatureAlgorithm::MlDsa87EcdsaP384Sha512;
const RELEASE_ALG: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
/// The demo device's class, a UUID.
const CLASS: [u8; 16] = [
    0x6f, 0x2d, 0x1c, 0x3a, 0x8b, 0x54, 0x4e, 0x0f, 0x9a, 0x7e, 0x12, 0xc4, 0x5d, 0x38, 0xa1, 0x07,
];
/// Another product's class, which the release key is not endorsed for.
const OTHER_CLASS: [u8; 16] = [
    0x1b, 0x8e, 0x42, 0x07, 0xd3, 0x6a, 0x4c, 0x55, 0x8f, 0x21, 0x9c, 0x3e, 0x70, 0xb4, 0x16, 0xe9,
];
const IMAGE_LEN: usize = 64 * 1024;
/// The demo device's identity algorithm (the default).
const IDENTITY_ALG: SignatureAlgorithm = pqhybrid::identity::DEFAULT_ALGORITHM;
const DEMO_CA_NAME: &str = "pqhybrid demo manufacturer CA";
const DEMO_MODEL: &str = "demo-board";

/// Counts the steps and whether each behaved as expected.
struct Steps {
    failures: Vec<String>,
}

impl Steps {
    fn check(&mut self, step: &str, ok: bool, detail: &str) {
        let mark = if ok { "ok" } else { "UNEXPECTED" };
        outln!("    -> {mark}: {detail}");
        if !ok {
            self.failures.push(step.to_owned());
        }
    }
}

/// Runs the demo; `keep` leaves the temporary directory in place.
pub fn run(keep: bool) -> Result<()> {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("pqhybrid-demo-")
        .tempdir()
        .map_err(|e| CliError::usage(format!("cannot create a temporary directory: {e}")))?;
    let dir = tmp.path();
    outln!("pqhybrid demo in {}", dir.display());
    let mut steps = Steps {
        failures: Vec::new(),
    };
    let result = story(dir, &mut steps);
    if keep {
        let path = tmp.keep();
        outln!("kept {}", path.display());
    }
    result?;
    let elapsed = started.elapsed().as_secs_f64();
    if steps.failures.is_empty() {
        outln!("\nall steps behaved as expected ({elapsed:.2} s)");
        Ok(())
    } else {
        Err(CliError {
            code: EXIT_INVALID,
            message: format!(
                "demo: unexpected behaviour in step(s) {}",
                steps.failures.join(", ")
            ),
        })
    }
}

fn story(dir: &Path, steps: &mut Steps) -> Result<()> {
    let class = DeviceClass(CLASS);

    // 1. Keys.
    outln!(
        "\n1. generate a root key ({}) and a release key ({})",
        ROOT_ALG.name(),
        RELEASE_ALG.name()
    );
    let root = PrivateKey::generate(ROOT_ALG)?;
    let release = PrivateKey::generate(RELEASE_ALG)?;
    root.save(&dir.join("root.key"), false)?;
    release.save(&dir.join("release.key"), false)?;
    let root_pub = root.public_key()?;
    let release_pub = release.public_key()?;
    fs::write(dir.join("root.pub"), root_pub.to_pem()?)
        .map_err(|e| CliError::io(&dir.join("root.pub"), &e))?;
    fs::write(dir.join("release.pub"), release_pub.to_pem()?)
        .map_err(|e| CliError::io(&dir.join("release.pub"), &e))?;
    let root_id = fw::key_id(&root_pub)?;
    outln!("    root key id     {}", hex::encode(&root_id));
    outln!(
        "    release key id  {}",
        hex::encode(&fw::key_id(&release_pub)?)
    );
    steps.check(
        "1",
        true,
        "root.key, release.key (PKCS#8, mode 0600), root.pub, release.pub",
    );

    // 2. Endorsement.
    outln!(
        "\n2. the root endorses the release key for security versions 1..=100, hybrid only, \
         device class {} only",
        hex::format_uuid(&CLASS)
    );
    let endorsement_path = dir.join("release.endorsement");
    let scope = [class];
    let endorsement =
        EndorsementParams::new(1, 100, AlgorithmSet::HYBRID_ONLY, ClassScope::Only(&scope));
    let record = fw::endorse_key(
        &root,
        &release_pub,
        &endorsement,
        DEFAULT_MAX_SECURITY_VERSION,
        &endorsement_path,
    )?;
    fs::write(&endorsement_path, &record).map_err(|e| CliError::io(&endorsement_path, &e))?;
    steps.check(
        "2",
        true,
        &format!("release.endorsement, {} bytes", record.len()),
    );

    // 3. Sign.
    outln!(
        "\n3. sign a {} KiB image, security version 10, with the release key and the endorsement",
        IMAGE_LEN / 1024
    );
    let payload_path = dir.join("payload.bin");
    fs::write(&payload_path, hex::pseudo_random(0x5eed, IMAGE_LEN))
        .map_err(|e| CliError::io(&payload_path, &e))?;
    let mut params = ImageParams::new(class, 10);
    params.version = ImageVersion {
        major: 2,
        minor: 4,
        revision: 1,
        build: 1234,
    };
    params.digest = DigestAlgorithm::Sha512;
    let signed_path = dir.join("firmware-v10.signed");
    let lens = fw::sign_file(
        &release,
        &params,
        &payload_path,
        &signed_path,
        Some((Some(&endorsement_path), &record)),
        false,
    )?;
    steps.check(
        "3",
        true,
        &format!(
            "firmware-v10.signed, {} bytes (header {}, payload {}, signature block {})",
            lens.image_len(),
            lens.header_len,
            lens.payload_len,
            lens.trailer_len
        ),
    );

    // 4. Verify against a trust store holding only the root.
    outln!("\n4. verify it on a device whose trust store holds only the root key id (counter 5)");
    let store = dir.join("device.trust");
    trust_store::add(
        &store,
        &TrustStoreEntry {
            key_id: KeyId(root_id),
            state: KeyState::Active,
            label: Some("product root".into()),
        },
    )?;
    let text = fs::read_to_string(&store).map_err(|e| CliError::io(&store, &e))?;
    for line in text.lines() {
        outln!("    | {line}");
    }
    let anchors = fw::fw_anchors(&trust_store::load(&store)?);
    // The device's policy: its class, its counter, hybrid images, hybrid roots, format 2 only,
    // the default 16 KiB trailer capacity.
    let device = |min| VerifyRequest {
        min_security_version: min,
        device_class: Some(class),
        allowed: AlgorithmSet::HYBRID_ONLY,
        endorse_allowed: AlgorithmSet::HYBRID_ONLY,
        ..VerifyRequest::new(&anchors)
    };
    let outcome = fw::verify_file(&signed_path, &device(5), false)?;
    let detail = match &outcome.result {
        Ok(v) => format!(
            "VALID: format {}, security version {}, version {}, trusted through the root's \
             endorsement: {}",
            v.header().format_version,
            v.security_version(),
            v.version(),
            v.is_delegated()
        ),
        Err(reason) => format!("INVALID: {reason}"),
    };
    steps.check(
        "4",
        outcome
            .result
            .as_ref()
            .is_ok_and(|v| v.is_delegated() && v.header().format_version == FORMAT_VERSION),
        &detail,
    );

    // 5. Tamper.
    outln!("\n5. flip one payload byte and verify again");
    let mut bytes = fs::read(&signed_path).map_err(|e| CliError::io(&signed_path, &e))?;
    let at = lens.header_len + IMAGE_LEN / 2;
    if let Some(b) = bytes.get_mut(at) {
        *b ^= 0x01;
    }
    let tampered = dir.join("firmware-v10-tampered.signed");
    fs::write(&tampered, &bytes).map_err(|e| CliError::io(&tampered, &e))?;
    let outcome = fw::verify_file(&tampered, &device(5), false)?;
    expect_rejection(steps, "5", &outcome, &["digest mismatch", "bad signature"]);

    // 6. Rollback.
    outln!(
        "\n6. sign an older image (security version 4) and offer it to a device whose counter is 5"
    );
    let mut old = params;
    old.security_version = 4;
    old.version.minor = 3;
    let old_path = dir.join("firmware-v4.signed");
    fw::sign_file(
        &release,
        &old,
        &payload_path,
        &old_path,
        Some((Some(&endorsement_path), &record)),
        false,
    )?;
    let outcome = fw::verify_file(&old_path, &device(5), false)?;
    expect_rejection(steps, "6", &outcome, &["rollback"]);

    // 7. Revocation.
    outln!("\n7. revoke the root in the trust store and verify the good image again");
    trust_store::add(
        &store,
        &TrustStoreEntry {
            key_id: KeyId(root_id),
            state: KeyState::Revoked,
            label: Some("product root (revoked)".into()),
        },
    )?;
    let revoked = fw::fw_anchors(&trust_store::load(&store)?);
    let req = VerifyRequest {
        anchors: &revoked,
        ..device(5)
    };
    let outcome = fw::verify_file(&signed_path, &req, false)?;
    expect_rejection(steps, "7", &outcome, &["revoked"]);

    // 8. Class scope.
    outln!(
        "\n8. sign with the release key for another product's device class ({}), which the \
         endorsement does not list",
        hex::format_uuid(&OTHER_CLASS)
    );
    let mut other = params;
    other.device_class = DeviceClass(OTHER_CLASS);
    let other_path = dir.join("firmware-other-class.signed");
    match fw::sign_file(
        &release,
        &other,
        &payload_path,
        &other_path,
        Some((Some(&endorsement_path), &record)),
        false,
    ) {
        Ok(_) => steps.check("8", false, "signed (a refusal was expected)"),
        Err(e) => steps.check(
            "8",
            e.message.contains("ClassNotEndorsed") && !other_path.exists(),
            &format!("refused: {}", e.message),
        ),
    }

    identity_story(dir, steps, &signed_path, &device(5))?;
    encryption_story(
        dir,
        steps,
        &release,
        &params,
        &payload_path,
        &endorsement_path,
        &record,
        &device(5),
    )
}

/// Steps 11 and 12: an encrypted update to the device's KEM key, decrypted and verified, and a
/// tampered chunk refused before any decryption.
#[allow(clippy::too_many_arguments)]
fn encryption_story(
    dir: &Path,
    steps: &mut Steps,
    release: &PrivateKey,
    params: &ImageParams,
    payload_path: &Path,
    endorsement_path: &Path,
    record: &[u8],
    policy: &VerifyRequest<'_>,
) -> Result<()> {
    // 11. Encrypted update.
    outln!(
        "\n11. the device has an X-Wing key; sign an update encrypted to it (HPKE, 4 KiB \
         AES-256-GCM chunks), then decrypt and verify it as the device does"
    );
    let dev_key_path = dir.join("device-kem.key");
    let dev_pub_path = dir.join("device-kem.pub");
    let dev_key = KemPrivateKey::generate(KemAlgorithm::XWing)?;
    dev_key.save(&dev_key_path, false)?;
    let dev_pub = dev_key.public_key(&dev_key_path)?;
    fs::write(&dev_pub_path, dev_pub.to_pem()?).map_err(|e| CliError::io(&dev_pub_path, &e))?;
    let mut enc_params = *params;
    enc_params.security_version = 11;
    let to = fw::EncryptTo {
        path: &dev_pub_path,
        kdf: Kdf::HkdfSha256,
        aead: Aead::Aes256Gcm,
        chunk_size: pqhybrid::firmware::encrypt::DEFAULT_CHUNK_SIZE,
    };
    let (tmp, what) = fw::encrypt_file(payload_path, &to, &enc_params)?;
    enc_params.encrypted = true;
    let enc_path = dir.join("firmware-v11-encrypted.signed");
    let lens = fw::sign_file(
        release,
        &enc_params,
        tmp.path(),
        &enc_path,
        Some((Some(endorsement_path), record)),
        false,
    )?;
    outln!("    signed          firmware-v11-encrypted.signed, payload {what}");
    let out_path = dir.join("firmware-v11.decrypted");
    // The demo checks the plaintext digest too (opt-in) and shows it.
    let done = fw::decrypt_file(
        &enc_path,
        policy,
        &dev_key,
        &dev_key_path,
        &out_path,
        true,
        false,
    )?;
    let same = fs::read(&out_path).ok() == fs::read(payload_path).ok();
    steps.check(
        "11",
        same && done.len == IMAGE_LEN as u64,
        &format!(
            "VALID signature, then {} bytes decrypted, every chunk authenticated, plaintext \
             SHA-512 {}... as signed; identical to payload.bin: {same}",
            done.len,
            done.digest.get(..16).unwrap_or_default()
        ),
    );

    // 12. Tampered chunk.
    outln!("\n12. flip one byte inside an encrypted chunk and offer the image to the device");
    let mut bytes = fs::read(&enc_path).map_err(|e| CliError::io(&enc_path, &e))?;
    let at = lens.header_len + lens.payload_len / 2;
    if let Some(b) = bytes.get_mut(at) {
        *b ^= 0x01;
    }
    let tampered = dir.join("firmware-v11-encrypted-tampered.signed");
    fs::write(&tampered, &bytes).map_err(|e| CliError::io(&tampered, &e))?;
    let rejected = dir.join("firmware-v11-tampered.decrypted");
    match fw::decrypt_file(
        &tampered,
        policy,
        &dev_key,
        &dev_key_path,
        &rejected,
        true,
        false,
    ) {
        Ok(_) => steps.check("12", false, "decrypted (a rejection was expected)"),
        Err(e) => steps.check(
            "12",
            e.message.contains("DigestMismatch") && !rejected.exists(),
            &format!(
                "rejected before any decryption (the signature covers the encrypted bytes), \
                 nothing written: {}",
                e.message
            ),
        ),
    }
    Ok(())
}

/// Steps 9 and 10: the device of step 4 derives its identity from the image it booted, and a
/// verifier checks its attestation.
fn identity_story(
    dir: &Path,
    steps: &mut Steps,
    signed_path: &Path,
    policy: &VerifyRequest<'_>,
) -> Result<()> {
    // 9. DICE identity.
    outln!("\n9. the device derives its identity from the image it booted");
    let ca_dir = dir.join("ca");
    let ca = identity::ca_init(&ca_dir, IDENTITY_ALG, DEMO_CA_NAME, false)?;
    outln!(
        "    CA              {}, CN={} (ca/ca.key, ca/ca.crt)",
        IDENTITY_ALG.name(),
        DEMO_CA_NAME
    );
    let uds_path = dir.join("device.uds");
    let mut uds = Zeroizing::new([0u8; 32]);
    let mut nonce = [0u8; 32];
    let mut rng = OsRng::default();
    rng.try_fill_bytes(uds.as_mut_slice())
        .and_then(|()| rng.try_fill_bytes(&mut nonce))
        .map_err(|e| CliError::usage(format!("the OS random generator failed: {e}")))?;
    fs::write(&uds_path, uds.as_slice()).map_err(|e| CliError::io(&uds_path, &e))?;
    drop(uds);
    outln!("    UDS             32 random bytes (device.uds), the device's root secret");
    let device_dir = dir.join("device");
    let booted = identity::device_derive(&identity::DeviceRequest {
        uds: &uds_path,
        image: signed_path,
        policy,
        alg: IDENTITY_ALG,
        vendor: identity::DEFAULT_VENDOR,
        model: DEMO_MODEL,
        mode: Mode::Normal,
        nonce: Some(&nonce),
        out: &device_dir,
        force: false,
    })?;
    let device_cert = device_dir.join("device_id.crt");
    let (_, issued) = identity::issue(&ca_dir, &booted.csr, &device_cert, false)?;
    outln!(
        "    booted          firmware-v10.signed (VALID), image id {}",
        hex::encode(&booted.image_id)
    );
    outln!(
        "    DeviceID id     {} (from the UDS; the CA certifies it from the CSR)",
        hex::encode(&booted.device_id)
    );
    outln!(
        "    Alias id        {} (from the CDIs that measure the image)",
        hex::encode(&booted.alias_id)
    );
    outln!(
        "    nonce           {} (fresh, from the verifier)",
        hex::encode(&nonce)
    );
    steps.check(
        "9",
        issued.device_id == booted.device_id && booted.security_version == 10,
        &format!(
            "device/device_id.csr, device/device_id.crt (issued by the CA), device/alias.crt \
             (security version {}, layer 1, mode normal), device/evidence.crt",
            booted.security_version
        ),
    );

    // 10. Attestation.
    outln!(
        "\n10. a verifier checks its attestation, then rejects evidence from a device running an \
         image below its minimum security version"
    );
    let roots = [ca.cert_path.clone()];
    let evidence = booted.evidence.clone().unwrap_or_default();
    let files = identity::AttestationFiles {
        roots: &roots,
        device_id: &device_cert,
        alias: &booted.alias,
        evidence: &evidence,
    };
    let reference = |min| identity::ReferenceArgs {
        image_ids: vec![booted.image_id],
        min_security_version: min,
        allow_debug: false,
    };
    match identity::verify_files(&files, &nonce, &reference(10)) {
        Ok((a, _)) => steps.check(
            "10",
            a.device_id == booted.device_id && a.security_version == 10,
            &format!(
                "VALID attestation (root ca/ca.crt, the image's id, minimum security version \
                 10): device {}, {} / {}, security version {}, mode normal",
                hex::encode(&a.device_id),
                a.vendor,
                a.model,
                a.security_version
            ),
        ),
        Err(e) => steps.check("10", false, &format!("rejected: {}", e.message)),
    }
    match identity::verify_files(&files, &nonce, &reference(11)) {
        Ok(_) => steps.check(
            "10",
            false,
            "VALID with minimum security version 11 (a rejection was expected)",
        ),
        Err(e) => steps.check(
            "10",
            e.message.contains("[Rollback]"),
            &format!("minimum security version 11: rejected: {}", e.message),
        ),
    }
    Ok(())
}

fn expect_rejection(steps: &mut Steps, step: &str, outcome: &VerifyOutcome, reasons: &[&str]) {
    match &outcome.result {
        Ok(_) => steps.check(step, false, "VALID (a rejection was expected)"),
        Err(reason) => {
            let expected = reasons.iter().any(|r| reason.contains(r));
            steps.check(step, expected, &format!("rejected: {reason}"));
        }
    }
}

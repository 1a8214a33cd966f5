//! The identity verifier: a whole chain verifies, and each way it can be wrong gets its own
//! error; truncated and corrupted documents never panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::error::IdentityError;
use pqhybrid::identity::{
    Cdis, IdentityKey, InputValues, MAX_CERT_LEN, MAX_CSR_LEN, Mode, ReferenceValues, TcbInfo, Uds,
    code_hash, verify_attestation, verify_csr, write_alias_certificate, write_csr,
    write_device_id_certificate, write_evidence, write_root_certificate,
};
use pqhybrid::{Error, SignatureAlgorithm};

const CA_NAME: &str = "pqhybrid test CA";
const NONCE: &[u8] = b"verifier nonce 42";

struct Chain {
    root: Vec<u8>,
    device_id: Vec<u8>,
    alias: Vec<u8>,
    evidence: Vec<u8>,
    csr: Vec<u8>,
}

fn doc(f: impl FnOnce(&mut [u8]) -> pqhybrid::Result<usize>) -> Vec<u8> {
    let mut buf = vec![0u8; MAX_CERT_LEN.max(MAX_CSR_LEN)];
    let n = f(&mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn chain(alg: SignatureAlgorithm, ca_seed: u8, uds: u8, image_id: [u8; 32], mode: Mode) -> Chain {
    let ca = IdentityKey::derive(alg, &Cdis::from_uds(&Uds::new([ca_seed; 32]))).unwrap();
    let layer0 = Cdis::from_uds(&Uds::new([uds; 32]));
    let mut inputs = InputValues::zero(mode);
    inputs.code_hash = code_hash(&image_id);
    let device_id = IdentityKey::derive(alg, &layer0).unwrap();
    let alias = IdentityKey::derive(alg, &layer0.next(&inputs)).unwrap();
    let tcb = TcbInfo {
        vendor: "pqhybrid",
        model: "test-board",
        security_version: 7,
        layer: 1,
        image_id,
        mode,
    };
    Chain {
        root: doc(|b| write_root_certificate(&ca, CA_NAME, b)),
        device_id: doc(|b| {
            write_device_id_certificate(&ca, CA_NAME, alg, device_id.public_key(), b)
        }),
        alias: doc(|b| write_alias_certificate(&device_id, &alias, &tcb, b)),
        evidence: doc(|b| write_evidence(&alias, NONCE, b)),
        csr: doc(|b| write_csr(&device_id, b)),
    }
}

fn reference() -> ReferenceValues {
    ReferenceValues {
        image_ids: vec![[0x11; 32]],
        min_security_version: 5,
        ..ReferenceValues::default()
    }
}

fn verify(c: &Chain, roots: &[&[u8]], nonce: &[u8], r: &ReferenceValues) -> pqhybrid::Result<()> {
    verify_attestation(roots, &c.device_id, &c.alias, &c.evidence, nonce, r).map(|_| ())
}

fn id_err(e: IdentityError) -> pqhybrid::Result<()> {
    Err(Error::Identity(e))
}

#[test]
fn a_chain_verifies_and_reports_the_device() {
    for alg in [
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
        SignatureAlgorithm::MlDsa44,
        SignatureAlgorithm::MlDsa87EcdsaP384Sha512,
    ] {
        let c = chain(alg, 9, 1, [0x11; 32], Mode::Normal);
        let other_root = chain(alg, 8, 1, [0x11; 32], Mode::Normal).root;
        let a = verify_attestation(
            &[&other_root, &c.root],
            &c.device_id,
            &c.alias,
            &c.evidence,
            NONCE,
            &reference(),
        )
        .unwrap();
        assert_eq!(a.root_index, 1);
        assert_eq!(a.algorithm, alg);
        assert_eq!(a.security_version, 7);
        assert_eq!(a.image_id, [0x11; 32]);
        assert_eq!(
            (a.vendor.as_str(), a.model.as_str()),
            ("pqhybrid", "test-board")
        );
        assert_eq!(a.mode, Mode::Normal);
        let csr = verify_csr(&c.csr).unwrap();
        assert_eq!(csr.id, a.device_id);
    }
}

#[test]
fn each_rejection_has_its_error() {
    let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let c = chain(alg, 9, 1, [0x11; 32], Mode::Normal);
    let roots: &[&[u8]] = &[&c.root];
    let r = reference();
    verify(&c, roots, NONCE, &r).unwrap();

    // A root the verifier does not trust.
    let stranger = chain(alg, 8, 1, [0x11; 32], Mode::Normal);
    assert_eq!(
        verify(&c, &[&stranger.root], NONCE, &r),
        id_err(IdentityError::UnknownRoot)
    );
    // A stale or foreign nonce.
    assert_eq!(
        verify(&c, roots, b"old nonce", &r),
        id_err(IdentityError::BadNonce)
    );
    // Firmware the verifier does not know, or below its minimum security version.
    let mut other = r.clone();
    other.image_ids = vec![[0x22; 32]];
    assert_eq!(
        verify(&c, roots, NONCE, &other),
        id_err(IdentityError::MeasurementMismatch)
    );
    let mut newer = r.clone();
    newer.min_security_version = 8;
    assert_eq!(
        verify(&c, roots, NONCE, &newer),
        id_err(IdentityError::Rollback)
    );
    // Any image accepted when no reference image is given.
    let mut any = r.clone();
    any.image_ids.clear();
    verify(&c, roots, NONCE, &any).unwrap();
    // A device in debug mode.
    let dbg = chain(alg, 9, 1, [0x11; 32], Mode::Debug);
    assert_eq!(
        verify(&dbg, roots, NONCE, &r),
        id_err(IdentityError::WrongMode)
    );
    let mut lab = r.clone();
    lab.allow_non_normal_mode = true;
    verify(&dbg, roots, NONCE, &lab).unwrap();
    // Another device's Alias certificate and evidence with this device's DeviceID certificate.
    let d2 = chain(alg, 9, 2, [0x11; 32], Mode::Normal);
    let mixed = Chain {
        root: c.root.clone(),
        device_id: c.device_id.clone(),
        alias: d2.alias.clone(),
        evidence: d2.evidence.clone(),
        csr: Vec::new(),
    };
    assert_eq!(
        verify(&mixed, roots, NONCE, &r),
        id_err(IdentityError::BrokenChain)
    );
    // The chain in the wrong order.
    let swapped = Chain {
        root: c.root.clone(),
        device_id: c.alias.clone(),
        alias: c.device_id.clone(),
        evidence: c.evidence.clone(),
        csr: Vec::new(),
    };
    assert!(verify(&swapped, roots, NONCE, &r).is_err());
    // Evidence of a different firmware (another Alias key) with this Alias certificate.
    let update = chain(alg, 9, 1, [0x22; 32], Mode::Normal);
    let stale = Chain {
        root: c.root.clone(),
        device_id: c.device_id.clone(),
        alias: c.alias.clone(),
        evidence: update.evidence.clone(),
        csr: Vec::new(),
    };
    assert!(verify(&stale, roots, NONCE, &r).is_err());
    // Checked against a time before the certificates' validity.
    let mut past = r.clone();
    past.now = Some(1_000_000_000);
    assert_eq!(
        verify(&c, roots, NONCE, &past),
        id_err(IdentityError::Expired)
    );
    let mut present = r.clone();
    present.now = Some(1_796_000_000);
    verify(&c, roots, NONCE, &present).unwrap();
    // An unknown critical extension (the TcbFreshness OID's last arc changed).
    let fresh = [
        0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x0b, 0x01, 0x01, 0xff,
    ];
    let at = c
        .evidence
        .windows(fresh.len())
        .position(|w| w == fresh)
        .unwrap();
    let mut unknown = c.evidence.clone();
    unknown[at + 7] = 0x0c;
    let u = Chain {
        root: c.root.clone(),
        device_id: c.device_id.clone(),
        alias: c.alias.clone(),
        evidence: unknown,
        csr: Vec::new(),
    };
    assert_eq!(
        verify(&u, roots, NONCE, &r),
        id_err(IdentityError::UnknownCriticalExtension)
    );
    // A bad signature: the last byte of the Alias certificate's signature.
    let mut bad = c.alias.clone();
    *bad.last_mut().unwrap() ^= 1;
    let b = Chain {
        root: c.root.clone(),
        device_id: c.device_id.clone(),
        alias: bad,
        evidence: c.evidence.clone(),
        csr: Vec::new(),
    };
    assert_eq!(
        verify(&b, roots, NONCE, &r),
        id_err(IdentityError::BadSignature)
    );
    // A CSR whose signature does not verify.
    let mut csr = c.csr.clone();
    *csr.last_mut().unwrap() ^= 1;
    assert_eq!(
        verify_csr(&csr),
        Err(Error::Identity(IdentityError::BadSignature))
    );
}

#[test]
fn truncations_and_byte_flips_are_rejected_without_panic() {
    let alg = SignatureAlgorithm::MlDsa44;
    let c = chain(alg, 9, 1, [0x11; 32], Mode::Normal);
    let roots: &[&[u8]] = &[&c.root];
    let r = reference();
    let mut cases = 0;
    for which in 0..3 {
        let original = [&c.device_id, &c.alias, &c.evidence][which].clone();
        let with = |d: Vec<u8>| {
            let mut x = Chain {
                root: c.root.clone(),
                device_id: c.device_id.clone(),
                alias: c.alias.clone(),
                evidence: c.evidence.clone(),
                csr: Vec::new(),
            };
            *[&mut x.device_id, &mut x.alias, &mut x.evidence][which] = d;
            x
        };
        // Every prefix of the TBS region and a sample of the signature region.
        for len in (0..original.len()).step_by(if which == 0 { 1 } else { 7 }) {
            assert!(verify(&with(original[..len].to_vec()), roots, NONCE, &r).is_err());
            cases += 1;
        }
        for pos in (0..original.len()).step_by(13) {
            let mut d = original.clone();
            d[pos] ^= 0x40;
            assert!(
                verify(&with(d), roots, NONCE, &r).is_err(),
                "flip at {pos} of cert {which}"
            );
            cases += 1;
        }
    }
    for len in 0..c.csr.len() {
        assert!(verify_csr(&c.csr[..len]).is_err());
        cases += 1;
    }
    println!("identity verifier: {cases} corrupted inputs rejected");
}

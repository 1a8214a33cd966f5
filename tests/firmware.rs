//! Signed firmware images: round trips, every `FirmwareError` variant, single-byte flips at
//! every offset of the header and the signature block, truncation at every length, chunking
//! invariance, revocation, delegation ranges, policies, and the verifier's stack use.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use pqhybrid::firmware::{
    self, AlgorithmSet, ClassScope, DeviceClass, DigestAlgorithm, EndorsementParams, FirmwareError,
    Header, ImageParams, ImageSigner, ImageVersion, KeyId, Manifest, Policy, TrustAnchor,
    VerifiedImage, Verifier, endorse_deterministic, key_id, sign_image, sign_image_deterministic,
};
use pqhybrid::rng::TryRng as _;
use pqhybrid::{Error, SignatureAlgorithm};
use pqhybrid_kat::rng::TestRng;

const CLASS: DeviceClass = DeviceClass(*b"acme-sensor-rev2");
const OTHER_CLASS: DeviceClass = DeviceClass(*b"acme-sensor-rev3");
const RELEASE: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
const ROOT: SignatureAlgorithm = SignatureAlgorithm::MlDsa44EcdsaP256Sha256;

struct Key {
    alg: SignatureAlgorithm,
    pk: Vec<u8>,
    sk: Vec<u8>,
    id: KeyId,
}

fn key(alg: SignatureAlgorithm, seed: u8) -> Key {
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&vec![seed; alg.seed_len()], &mut pk, &mut sk)
        .unwrap();
    let id = key_id(alg, &pk).unwrap();
    Key { alg, pk, sk, id }
}

fn endorsement(root: &Key, release: &Key, min: u64, max: u64, allowed: AlgorithmSet) -> Vec<u8> {
    scoped_endorsement(root, release, min, max, allowed, ClassScope::Only(&[CLASS]))
}

fn scoped_endorsement(
    root: &Key,
    release: &Key,
    min: u64,
    max: u64,
    allowed: AlgorithmSet,
    classes: ClassScope<'_>,
) -> Vec<u8> {
    let mut out = vec![0u8; firmware::endorsement_max_len(root.alg)];
    let mut p = EndorsementParams::new(min, max, allowed, classes);
    p.security_version_limit = u64::MAX;
    let n =
        endorse_deterministic(root.alg, &root.sk, release.alg, &release.pk, &p, &mut out).unwrap();
    out.truncate(n);
    out
}

fn endorse_err(root: &Key, release: &Key, p: &EndorsementParams<'_>) -> Error {
    let mut out = vec![0u8; firmware::endorsement_max_len(root.alg)];
    endorse_deterministic(root.alg, &root.sk, release.alg, &release.pk, p, &mut out).unwrap_err()
}

fn params(sv: u64) -> ImageParams {
    let mut p = ImageParams::new(CLASS, sv);
    p.version = ImageVersion {
        major: 1,
        minor: 2,
        revision: 3,
        build: 4567,
    };
    p.sbom_digest = Some([0x5b; 32]);
    p.header_len = 256;
    p
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

fn sign(p: &ImageParams, body: &[u8], k: &Key, endo: Option<&[u8]>) -> Vec<u8> {
    let mut out = vec![0u8; 256 + body.len() + 120_000];
    let n = sign_image_deterministic(p, body, k.alg, &k.sk, endo, &mut out).unwrap();
    out.truncate(n);
    out
}

fn verify(policy: &Policy<'_>, image: &[u8]) -> Result<VerifiedImage, Error> {
    let mut v = Verifier::new(policy);
    v.update(image)?;
    v.finish()
}

/// Verifies with the given chunk sizes (cycled), ignoring `update` errors (they stick).
fn verify_chunked(
    policy: &Policy<'_>,
    image: &[u8],
    sizes: &[usize],
) -> Result<VerifiedImage, Error> {
    let mut v = Verifier::new(policy);
    let mut rest = image;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        let _ = v.update(&rest[..n]);
        rest = &rest[n..];
        i += 1;
    }
    // `finish_in_place` gives `finish`'s result (compared by the callers), and again when
    // called a second time.
    let first = v.finish_in_place();
    assert_eq!(v.finish_in_place(), first);
    first
}

fn fwerr(e: FirmwareError) -> Result<VerifiedImage, Error> {
    Err(Error::Firmware(e))
}

/// The standard setup: a root anchor, a release key endorsed for security versions 5..=10.
struct Setup {
    root: Key,
    release: Key,
    endo: Vec<u8>,
    anchors: Vec<TrustAnchor>,
}

impl Setup {
    fn new() -> Self {
        let root = key(ROOT, 1);
        let release = key(RELEASE, 2);
        let endo = endorsement(&root, &release, 5, 10, AlgorithmSet::HYBRID_ONLY);
        let anchors = vec![TrustAnchor::active(root.id)];
        Setup {
            root,
            release,
            endo,
            anchors,
        }
    }

    fn policy(&self) -> Policy<'_> {
        let mut p = Policy::new(&self.anchors, CLASS);
        p.min_security_version = 5;
        p.allowed = AlgorithmSet::HYBRID_ONLY;
        p
    }

    fn image(&self, sv: u64, body_len: usize) -> Vec<u8> {
        sign(
            &params(sv),
            &payload(body_len),
            &self.release,
            Some(&self.endo),
        )
    }
}

#[test]
fn delegated_image_verifies_and_reports_its_manifest() {
    let s = Setup::new();
    let img = s.image(7, 1000);
    let v = verify(&s.policy(), &img).unwrap();
    assert_eq!(v.security_version(), 7);
    assert_eq!(v.version().to_string(), "1.2.3+4567");
    assert_eq!(v.device_class(), CLASS);
    assert_eq!(v.algorithm(), RELEASE);
    assert_eq!(v.signer_key_id(), s.release.id);
    assert_eq!(v.payload_len(), 1000);
    assert_eq!(v.sbom_digest(), Some([0x5b; 32]));
    assert!(v.is_delegated());
    let d = v.delegation().unwrap();
    assert_eq!(
        (
            d.root_algorithm,
            d.root_key_id,
            d.min_security_version,
            d.max_security_version
        ),
        (ROOT, s.root.id, 5, 10)
    );
    assert_eq!(d.allowed, AlgorithmSet::HYBRID_ONLY);
    assert_eq!(v.header().header_len, 256);
    assert_eq!(
        img.len(),
        256 + 1000 + firmware::trailer_len(RELEASE, s.endo.len())
    );

    // Manifest::parse: whole image and a prefix.
    let m = Manifest::parse(&img).unwrap();
    assert_eq!(m.header, *v.header());
    assert_eq!(m.payload.unwrap(), payload(1000).as_slice());
    let block = m.signature_block.unwrap();
    assert_eq!(block.public_key, s.release.pk.as_slice());
    let e = block.endorsement.unwrap();
    assert_eq!(e.root_public_key, s.root.pk.as_slice());
    assert_eq!(e.root_key_id().unwrap(), s.root.id);
    assert_eq!(e.encoded_len(), s.endo.len());
    let m = Manifest::parse(&img[..300]).unwrap();
    assert!(m.payload.is_none() && m.signature_block.is_none());
    assert_eq!(
        Manifest::parse(&img[..100]).unwrap_err(),
        Error::Firmware(FirmwareError::Truncated)
    );
    let mut long = img.clone();
    long.push(0);
    assert_eq!(
        Manifest::parse(&long).unwrap_err(),
        Error::Firmware(FirmwareError::LengthMismatch)
    );
}

#[test]
fn direct_image_every_digest_and_streaming_signer() {
    let k = key(SignatureAlgorithm::MlDsa44EcdsaP256Sha256, 9);
    let anchors = [TrustAnchor::active(k.id)];
    let policy = Policy::new(&anchors, CLASS);
    let body = payload(5000);
    for digest in [
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha512,
        DigestAlgorithm::Sha3_256,
        DigestAlgorithm::Sha3_512,
    ] {
        let mut p = ImageParams::new(CLASS, 1);
        p.digest = digest;
        let one_shot = sign(&p, &body, &k, None);
        // The streaming signer gives the same bytes.
        let mut s = ImageSigner::new(&p).unwrap();
        for c in body.chunks(333) {
            s.update(c).unwrap();
        }
        let mut h = vec![0u8; 192];
        let mut t = vec![0u8; firmware::trailer_len(k.alg, 0)];
        let lens = s
            .finish_deterministic(k.alg, &k.sk, None, &mut h, &mut t)
            .unwrap();
        assert_eq!(lens.image_len(), one_shot.len());
        assert_eq!([h, body.clone(), t].concat(), one_shot);
        let v = verify(&policy, &one_shot).unwrap();
        assert_eq!(v.header().digest_algorithm, digest);
        assert_eq!(
            v.header().payload_digest(),
            &digest.digest(&body)[..digest.output_len()]
        );
        assert!(!v.is_delegated());
    }
    // Hedged signing verifies too; an empty payload is fine.
    let mut out = vec![0u8; 10_000];
    let n = sign_image(
        &ImageParams::new(CLASS, 1),
        b"",
        k.alg,
        &k.sk,
        None,
        &mut TestRng(42),
        &mut out,
    )
    .unwrap();
    assert_eq!(verify(&policy, &out[..n]).unwrap().payload_len(), 0);
}

#[test]
fn every_error_variant_is_reachable() {
    let s = Setup::new();
    let policy = s.policy();
    let img = s.image(7, 64);
    let h = Manifest::parse(&img).unwrap().header;
    let t0 = h.trailer_offset() as usize;
    let mut seen = BTreeSet::new();
    let mut expect = |e: FirmwareError, r: Result<VerifiedImage, Error>| {
        assert_eq!(r.unwrap_err(), Error::Firmware(e), "{e:?}");
        assert!(!e.description().is_empty() && !Error::Firmware(e).to_string().is_empty());
        seen.insert(e.name());
    };
    let patched = |off: usize, bytes: &[u8]| {
        let mut x = img.clone();
        x[off..off + bytes.len()].copy_from_slice(bytes);
        x
    };
    expect(
        FirmwareError::BadMagic,
        verify(&policy, &patched(0, b"PQFX")),
    );
    expect(
        FirmwareError::BadMagic,
        verify(&policy, &patched(t0, b"PQSC")),
    );
    expect(
        FirmwareError::UnsupportedVersion,
        verify(&policy, &patched(4, &[3, 0])),
    );
    // Format 1 under a policy that does not accept it (the default).
    expect(
        FirmwareError::UnsupportedVersion,
        verify(&policy, &patched(4, &[1, 0])),
    );
    expect(
        FirmwareError::BadHeaderLength,
        verify(&policy, &patched(6, &204u16.to_le_bytes())),
    );
    expect(
        FirmwareError::BadHeaderLength,
        verify(&policy, &patched(6, &184u16.to_le_bytes())),
    );
    expect(
        FirmwareError::BadHeaderLength,
        verify(&policy, &patched(6, &4104u16.to_le_bytes())),
    );
    expect(
        FirmwareError::ReservedNonZero,
        verify(&policy, &patched(180, &[1])),
    );
    expect(
        FirmwareError::ReservedNonZero,
        verify(&policy, &patched(15, &[0x0b])),
    );
    expect(
        FirmwareError::ReservedNonZero,
        verify(&policy, &patched(80 + 32, &[1])),
    );
    expect(
        FirmwareError::ReservedNonZero,
        verify(&policy, &patched(200, &[1])),
    );
    expect(
        FirmwareError::UnknownAlgorithm,
        verify(&policy, &patched(12, &22u16.to_le_bytes())),
    );
    expect(
        FirmwareError::UnknownAlgorithm,
        verify(&policy, &patched(12, &0u16.to_le_bytes())),
    );
    expect(
        FirmwareError::UnknownDigest,
        verify(&policy, &patched(14, &[5])),
    );
    expect(
        FirmwareError::Malformed,
        verify(&policy, &patched(t0 + 4, &16u16.to_le_bytes())),
    );
    expect(
        FirmwareError::Malformed,
        verify(&policy, &patched(t0 + 6, &1983u16.to_le_bytes())),
    );
    expect(
        FirmwareError::Truncated,
        verify(&policy, &img[..img.len() - 1]),
    );
    let mut long = img.clone();
    long.push(0);
    expect(FirmwareError::LengthMismatch, verify(&policy, &long));
    let mut small = Verifier::<'_, [u8; 4096]>::with_capacity(&policy);
    expect(
        FirmwareError::TrailerTooLarge,
        small.update(&img).and_then(|()| small.finish()),
    );
    // A caller-provided trailer buffer (a C state, a static, the heap): the capacity is its
    // length, exactly; the verdict is the inline verifier's.
    let trailer_len = img.len() - t0;
    let mut exact = vec![0xa5u8; trailer_len];
    let mut v = Verifier::with_buffer(&policy, exact.as_mut_slice());
    v.update(&img).unwrap();
    let got = v.finish().unwrap();
    assert_eq!(got.image_id(), verify(&policy, &img).unwrap().image_id());
    let mut v = Verifier::with_buffer(&policy, vec![0u8; trailer_len - 1]);
    expect(
        FirmwareError::TrailerTooLarge,
        v.update(&img).and_then(|()| v.finish()),
    );
    let mut v = Verifier::with_buffer(&policy, vec![0u8; trailer_len].into_boxed_slice());
    expect(
        FirmwareError::DigestMismatch,
        v.update(&patched(t0 - 1, &[img[t0 - 1] ^ 1]))
            .and_then(|()| v.finish()),
    );
    let other = Policy {
        device_class: OTHER_CLASS,
        ..policy
    };
    expect(FirmwareError::WrongDeviceClass, verify(&other, &img));
    let newer = Policy {
        min_security_version: 8,
        ..policy
    };
    expect(FirmwareError::Rollback, verify(&newer, &img));
    let pure = Policy {
        allowed: AlgorithmSet::ML_DSA_ONLY,
        ..policy
    };
    expect(FirmwareError::AlgorithmNotAllowed, verify(&pure, &img));
    let revoked = [TrustAnchor::revoked(s.root.id)];
    expect(
        FirmwareError::RevokedKey,
        verify(
            &Policy {
                trust_anchors: &revoked,
                ..policy
            },
            &img,
        ),
    );
    expect(
        FirmwareError::UnknownKey,
        verify(
            &Policy {
                trust_anchors: &[],
                ..policy
            },
            &img,
        ),
    );
    expect(
        FirmwareError::KeyIdMismatch,
        verify(&policy, &patched(t0 + 8, &[s.release.pk[0] ^ 1])),
    );
    expect(
        FirmwareError::DelegationOutOfRange,
        verify(&policy, &out_of_range(&s, 11)),
    );
    expect(
        FirmwareError::DigestMismatch,
        verify(&policy, &patched(256, &[img[256] ^ 1])),
    );
    let sig0 = t0 + 8 + s.release.pk.len() + 2;
    expect(
        FirmwareError::BadSignature,
        verify(&policy, &patched(sig0 + 5, &[img[sig0 + 5] ^ 1])),
    );
    let endo_sig = img.len() - 10;
    expect(
        FirmwareError::BadSignature,
        verify(&policy, &patched(endo_sig, &[img[endo_sig] ^ 1])),
    );

    let low_counter = Policy {
        max_security_version: 6,
        ..policy
    };
    expect(
        FirmwareError::SecurityVersionTooLarge,
        verify(&low_counter, &img),
    );
    expect(
        FirmwareError::ClassNotEndorsed,
        verify(&policy, &other_class_endorsement(&s)),
    );
    let both = [
        TrustAnchor::active(s.root.id),
        TrustAnchor::active(s.release.id),
    ];
    expect(
        FirmwareError::EndorsedAnchor,
        verify(
            &Policy {
                trust_anchors: &both,
                ..policy
            },
            &img,
        ),
    );
    expect(
        FirmwareError::NonCanonicalSignature,
        verify(&policy, &high_s_endorsement(&s)),
    );
    // An encrypted image (flag bit 2) under a policy that does not accept encrypted images:
    // refused by the update that completes the fixed header, before any payload byte.
    let mut enc = params(7);
    enc.encrypted = true;
    let enc_img = sign(&enc, &payload(64), &s.release, Some(&s.endo));
    let mut v = Verifier::new(&policy);
    assert_eq!(
        v.update(&enc_img[..firmware::FIXED_HEADER_LEN]),
        Err(Error::Firmware(FirmwareError::EncryptedNotAccepted))
    );
    assert!(v.unverified_header().is_none());
    expect(
        FirmwareError::EncryptedNotAccepted,
        v.update(&enc_img[firmware::FIXED_HEADER_LEN..])
            .and_then(|()| v.finish()),
    );
    // Accepted with the opt-in: the same image verifies and reports it is encrypted (its
    // payload is not a real encryption record, which the verifier refuses at the end).
    let opt_in = Policy {
        accept_encrypted: true,
        ..policy
    };
    assert_eq!(
        verify(&opt_in, &enc_img).unwrap_err(),
        Error::Firmware(FirmwareError::BadEncryptionRecord)
    );
    let mut slot = Verifier::new(&policy);
    slot.set_slot_len(img.len() as u64 - 1).unwrap();
    expect(
        FirmwareError::ImageExceedsSlot,
        slot.update(&img).and_then(|()| slot.finish()),
    );

    // The decryptor's errors: tests/firmware_encrypted.rs.
    let decryption = [
        FirmwareError::NotEncrypted,
        FirmwareError::BadEncryptionRecord,
        FirmwareError::WrongRecipient,
        FirmwareError::KeyUnwrapFailed,
        FirmwareError::ChunkAuthentication,
        FirmwareError::PlaintextDigestMismatch,
        FirmwareError::ChunkTooLarge,
    ];
    let all: BTreeSet<_> = FirmwareError::ALL
        .iter()
        .filter(|e| !decryption.contains(e))
        .map(|e| e.name())
        .collect();
    assert_eq!(seen, all, "every variant must be triggered");
}

/// An endorsement by the (ECDSA composite) root with the same length as `s.endo`, found by
/// varying the allowed set (the DER signature's length varies).
fn same_len_endorsement(s: &Setup, min: u64, max: u64, classes: ClassScope<'_>) -> Vec<u8> {
    (0..256u32)
        .map(|i| {
            let allowed = AlgorithmSet::HYBRID_ONLY.bits() | ((i << 1) & 0xfffe);
            let allowed = AlgorithmSet::from_bits(allowed).unwrap();
            scoped_endorsement(&s.root, &s.release, min, max, allowed, classes)
        })
        .find(|w| w.len() == s.endo.len())
        .unwrap()
}

/// A validly signed image whose endorsement was then replaced by one for `OTHER_CLASS` only.
fn other_class_endorsement(s: &Setup) -> Vec<u8> {
    let other = same_len_endorsement(s, 5, 10, ClassScope::Only(&[OTHER_CLASS]));
    let mut img = s.image(7, 64);
    let n = img.len();
    img[n - s.endo.len()..].copy_from_slice(&other);
    img
}

/// An image signed under an endorsement whose ECDSA half was replaced by its high-s twin
/// (valid ECDSA, so the signer accepts it; format 2 does not).
fn high_s_endorsement(s: &Setup) -> Vec<u8> {
    const MLDSA44_SIG: usize = 2420;
    let e = &s.endo;
    let parsed = firmware::Endorsement::parse(e, firmware::FORMAT_VERSION).unwrap();
    assert!(ROOT.is_canonical_signature(parsed.signature));
    let sig_at = e.len() - parsed.signature.len();
    let twin =
        pqhybrid_kat::ecdsa_der_negate_s(&e[sig_at + MLDSA44_SIG..], &pqhybrid_kat::P256_ORDER);
    let twin_sig = [&e[sig_at..sig_at + MLDSA44_SIG], &twin[..]].concat();
    assert!(!ROOT.is_canonical_signature(&twin_sig));
    let len = u16::try_from(twin_sig.len()).unwrap().to_le_bytes();
    let record = [&e[..sig_at - 2], &len[..], &twin_sig[..]].concat();
    sign(&params(7), &payload(64), &s.release, Some(&record))
}

#[test]
fn slot_mode_expected_length_and_copying() {
    let s = Setup::new();
    let policy = s.policy();
    let img = s.image(7, 300);
    // expected_len: none before the header, the image length after it.
    let mut v = Verifier::new(&policy);
    assert_eq!(v.expected_len(), None);
    v.update(&img[..100]).unwrap();
    assert_eq!(v.expected_len(), None);
    v.update(&img[100..200]).unwrap();
    assert_eq!(v.expected_len(), Some(img.len() as u64));
    assert_eq!(v.unverified_header().unwrap().payload_len, 300);
    // A whole slot with an erased tail: the tail is ignored.
    let mut slot = img.clone();
    slot.resize(img.len() + 4096, 0xff);
    let mut v = Verifier::new(&policy);
    v.set_slot_len(slot.len() as u64).unwrap();
    for c in slot.chunks(1000) {
        v.update(c).unwrap();
    }
    let ok = v.finish().unwrap();
    assert_eq!(ok.security_version(), 7);
    // Without a slot the tail is LengthMismatch; more bytes than the slot is LengthMismatch.
    assert_eq!(verify(&policy, &slot), fwerr(FirmwareError::LengthMismatch));
    let mut v = Verifier::new(&policy);
    v.set_slot_len(img.len() as u64 + 10).unwrap();
    v.update(&slot[..img.len() + 10]).unwrap();
    assert_eq!(
        v.update(&[0xff]),
        Err(Error::Firmware(FirmwareError::LengthMismatch))
    );
    // Told late: the same checks on what was received.
    let mut v = Verifier::new(&policy);
    v.update(&img).unwrap();
    assert_eq!(
        v.set_slot_len(100),
        Err(Error::Firmware(FirmwareError::ImageExceedsSlot))
    );
    assert_eq!(v.finish(), fwerr(FirmwareError::ImageExceedsSlot));
    // Verify while copying: the copy is the image; unequal lengths are not sticky.
    let mut v = Verifier::new(&policy);
    let mut ram = vec![0u8; img.len()];
    assert!(matches!(
        v.update_copy(&img[..10], &mut ram[..9]),
        Err(Error::InvalidLength { .. })
    ));
    for (src, dst) in img.chunks(333).zip(ram.chunks_mut(333)) {
        v.update_copy(src, dst).unwrap();
    }
    let copied = v.finish().unwrap();
    assert_eq!(ram, img);
    assert_eq!(copied, ok);
    // The image id is SHA-256 of the signed header; the payload digest is the header's.
    let id = DigestAlgorithm::Sha256.digest(&img[..256]);
    assert_eq!(copied.image_id()[..], id[..32]);
    assert_eq!(
        copied.payload_digest(),
        &DigestAlgorithm::Sha256.digest(&img[256..556])[..32]
    );
}

#[test]
fn endorsements_are_scoped_to_device_classes() {
    let s = Setup::new();
    let policy = s.policy();
    // The case: a key endorsed for class A signing a class-B image. The signer refuses,
    // and a forged combination is rejected by the device (every_error_variant_is_reachable).
    let for_other = scoped_endorsement(
        &s.root,
        &s.release,
        5,
        10,
        AlgorithmSet::HYBRID_ONLY,
        ClassScope::Only(&[OTHER_CLASS]),
    );
    let mut out = vec![0u8; 30_000];
    assert_eq!(
        sign_image_deterministic(
            &params(7),
            b"fw",
            RELEASE,
            &s.release.sk,
            Some(&for_other),
            &mut out
        ),
        Err(Error::Firmware(FirmwareError::ClassNotEndorsed))
    );
    // A list with the class, and "any class", verify.
    for classes in [ClassScope::Only(&[OTHER_CLASS, CLASS]), ClassScope::Any] {
        let e = scoped_endorsement(
            &s.root,
            &s.release,
            5,
            10,
            AlgorithmSet::HYBRID_ONLY,
            classes,
        );
        let img = sign(&params(7), &payload(10), &s.release, Some(&e));
        let ok = verify(&policy, &img).unwrap();
        assert!(ok.is_delegated());
        let parsed = firmware::Endorsement::parse(&e, firmware::FORMAT_VERSION).unwrap();
        assert_eq!(parsed.any_class, classes == ClassScope::Any);
        assert!(parsed.covers_class(&CLASS));
        assert_eq!(parsed.encoded_len(), e.len());
    }
}

#[test]
fn root_algorithms_are_separate_from_image_algorithms() {
    // "SLH-DSA roots, hybrid-only images".
    let root = key(SignatureAlgorithm::SlhDsaSha2_128s, 9);
    let release = key(RELEASE, 2);
    let anchors = [TrustAnchor::active(root.id)];
    let mut policy = Policy::new(&anchors, CLASS);
    policy.allowed = AlgorithmSet::HYBRID_ONLY;
    policy.endorse_allowed = AlgorithmSet::SLH_DSA_ONLY;
    let e = endorsement(&root, &release, 0, 10, AlgorithmSet::HYBRID_ONLY);
    let img = sign(&params(3), &payload(10), &release, Some(&e));
    assert_eq!(
        verify(&policy, &img)
            .unwrap()
            .delegation()
            .unwrap()
            .root_algorithm,
        SignatureAlgorithm::SlhDsaSha2_128s
    );
    // The root cannot sign images itself.
    let direct = sign(&params(3), &payload(10), &root, None);
    assert_eq!(
        verify(&policy, &direct),
        fwerr(FirmwareError::AlgorithmNotAllowed)
    );
    // And a root of an algorithm outside endorse_allowed cannot endorse.
    let hybrid_root = key(RELEASE, 8);
    let anchors2 = [TrustAnchor::active(hybrid_root.id)];
    let p2 = Policy {
        trust_anchors: &anchors2,
        ..policy
    };
    let e2 = endorsement(&hybrid_root, &release, 0, 10, AlgorithmSet::HYBRID_ONLY);
    let img2 = sign(&params(3), &payload(10), &release, Some(&e2));
    assert_eq!(
        verify(&p2, &img2),
        fwerr(FirmwareError::AlgorithmNotAllowed)
    );
}

#[test]
fn composite_ecdsa_signatures_are_low_s() {
    use SignatureAlgorithm as A;
    for (alg, mldsa_len, order) in [
        (
            A::MlDsa44EcdsaP256Sha256,
            2420,
            Some(pqhybrid_kat::P256_ORDER),
        ),
        (
            A::MlDsa65EcdsaP256Sha512,
            3309,
            Some(pqhybrid_kat::P256_ORDER),
        ),
        (A::MlDsa65EcdsaP384Sha512, 3309, None),
        (A::MlDsa87EcdsaP384Sha512, 4627, None),
    ] {
        let k = key(alg, 4);
        let mut sig = vec![0u8; alg.signature_len()];
        for i in 0..16u8 {
            let msg = [i; 20];
            let n = alg.sign_deterministic(&k.sk, &msg, b"", &mut sig).unwrap();
            let sig = &sig[..n];
            assert!(alg.is_canonical_signature(sig), "{alg:?} signed high-s");
            let Some(order) = order else { continue };
            let twin = [
                &sig[..mldsa_len],
                &pqhybrid_kat::ecdsa_der_negate_s(&sig[mldsa_len..], &order)[..],
            ]
            .concat();
            // The twin is a valid signature, but not canonical.
            alg.verify(&k.pk, &msg, b"", &twin).unwrap();
            assert!(!alg.is_canonical_signature(&twin));
        }
    }
    assert!(SignatureAlgorithm::MlDsa65Ed25519Sha512.is_canonical_signature(&[0u8; 3373]));
}

/// An image with security version `sv` outside the endorsement's 5..=10 whose image signature
/// is valid: signed under a wider endorsement of the same length, which is then replaced.
fn out_of_range(s: &Setup, sv: u64) -> Vec<u8> {
    // The root is an ECDSA composite: find a wide range whose DER signature has the length
    // of the real endorsement's.
    let wide = (0..256u32)
        .map(|i| {
            let allowed = AlgorithmSet::HYBRID_ONLY.bits() | ((i << 1) & 0xfffe);
            let allowed = AlgorithmSet::from_bits(allowed).unwrap();
            endorsement(&s.root, &s.release, 0, u64::MAX, allowed)
        })
        .find(|w| w.len() == s.endo.len())
        .unwrap();
    let mut p = params(sv);
    p.security_version_limit = u64::MAX;
    let mut img = sign(&p, &payload(64), &s.release, Some(&wide));
    let n = img.len();
    img[n - s.endo.len()..].copy_from_slice(&s.endo);
    img
}

#[test]
fn signer_rejects_bad_inputs() {
    let s = Setup::new();
    let mut out = vec![0u8; 20_000];
    let err = |r: pqhybrid::Result<usize>| r.unwrap_err();
    // Out of the endorsement's range, or an algorithm it does not allow.
    assert_eq!(
        err(sign_image_deterministic(
            &params(11),
            b"x",
            RELEASE,
            &s.release.sk,
            Some(&s.endo),
            &mut out
        )),
        Error::Firmware(FirmwareError::DelegationOutOfRange)
    );
    // An endorsement for another key.
    let other = key(RELEASE, 3);
    assert_eq!(
        err(sign_image_deterministic(
            &params(7),
            b"x",
            RELEASE,
            &other.sk,
            Some(&s.endo),
            &mut out
        )),
        Error::Firmware(FirmwareError::BadSignature)
    );
    // Plain Ed25519 is not a firmware algorithm.
    let ed = key(SignatureAlgorithm::MlDsa44, 4);
    let mut ed_sk = vec![0u8; 32];
    ed_sk.copy_from_slice(&ed.sk);
    assert_eq!(
        err(sign_image_deterministic(
            &params(7),
            b"x",
            SignatureAlgorithm::Ed25519,
            &ed_sk,
            None,
            &mut out
        )),
        Error::Firmware(FirmwareError::AlgorithmNotAllowed)
    );
    let mut p = params(7);
    p.header_len = 196;
    assert_eq!(
        err(sign_image_deterministic(
            &p,
            b"x",
            RELEASE,
            &s.release.sk,
            None,
            &mut out
        )),
        Error::Firmware(FirmwareError::BadHeaderLength)
    );
    assert!(matches!(
        err(sign_image_deterministic(
            &params(7),
            b"x",
            RELEASE,
            &s.release.sk,
            None,
            &mut out[..1000]
        )),
        Error::BufferTooSmall { .. }
    ));
    // Endorse: min > max, release algorithm outside `allowed`, no class, too many classes,
    // a version above the limit, the root's own key.
    let any = ClassScope::Any;
    let e = |min, max, allowed, classes| {
        endorse_err(
            &s.root,
            &s.release,
            &EndorsementParams::new(min, max, allowed, classes),
        )
    };
    let fe = |f| Error::Firmware(f);
    assert_eq!(
        e(9, 8, AlgorithmSet::ALL, any),
        fe(FirmwareError::DelegationOutOfRange)
    );
    assert_eq!(
        e(1, 8, AlgorithmSet::ML_DSA_ONLY, any),
        fe(FirmwareError::AlgorithmNotAllowed)
    );
    assert_eq!(
        e(1, 8, AlgorithmSet::ALL, ClassScope::Only(&[])),
        fe(FirmwareError::Malformed)
    );
    assert_eq!(
        e(1, 8, AlgorithmSet::ALL, ClassScope::Only(&[CLASS; 9])),
        fe(FirmwareError::Malformed)
    );
    assert_eq!(
        e(1, u64::from(u32::MAX) + 1, AlgorithmSet::ALL, any),
        fe(FirmwareError::SecurityVersionTooLarge)
    );
    assert_eq!(
        endorse_err(
            &s.root,
            &s.root,
            &EndorsementParams::new(1, 8, AlgorithmSet::ALL, any)
        ),
        fe(FirmwareError::EndorsedAnchor)
    );
    // Sign: a security version above the limit (default 2^32 - 1), accepted once raised.
    let mut big = params(u64::from(u32::MAX) + 1);
    assert_eq!(
        ImageSigner::new(&big).unwrap_err(),
        fe(FirmwareError::SecurityVersionTooLarge)
    );
    big.security_version_limit = u64::MAX;
    assert!(ImageSigner::new(&big).is_ok());
    // Sign: an endorsement for other classes, or the key's own endorsement.
    let other = scoped_endorsement(
        &s.root,
        &s.release,
        5,
        10,
        AlgorithmSet::ALL,
        ClassScope::Only(&[OTHER_CLASS]),
    );
    let mut out = vec![0u8; 30_000];
    assert_eq!(
        sign_image_deterministic(
            &params(7),
            b"x",
            RELEASE,
            &s.release.sk,
            Some(&other),
            &mut out
        )
        .unwrap_err(),
        fe(FirmwareError::ClassNotEndorsed)
    );
}

#[test]
fn every_single_byte_flip_in_header_and_signature_block_is_rejected() {
    let s = Setup::new();
    let policy = s.policy();
    let img = s.image(7, 64);
    let h = Manifest::parse(&img).unwrap().header;
    let t0 = h.trailer_offset() as usize;
    let offsets = (0..usize::from(h.header_len)).chain(t0..img.len());
    let mut count = 0;
    for off in offsets {
        for mask in [0x01u8, 0x80] {
            let mut x = img.clone();
            x[off] ^= mask;
            let r = verify(&policy, &x);
            assert!(
                matches!(r, Err(Error::Firmware(_))),
                "flip {mask:#x} at {off} accepted or wrong error: {r:?}"
            );
            count += 1;
        }
    }
    // And a direct (non-delegated) image with an ECDSA composite (zero-padded signature).
    let k = key(SignatureAlgorithm::MlDsa44EcdsaP256Sha256, 9);
    let anchors = [TrustAnchor::active(k.id)];
    let p2 = Policy::new(&anchors, CLASS);
    let img = sign(&ImageParams::new(CLASS, 1), &payload(16), &k, None);
    verify(&p2, &img).unwrap();
    let t0 = img.len() - firmware::trailer_len(k.alg, 0);
    for off in (0..192).chain(t0..img.len()) {
        let mut x = img.clone();
        x[off] ^= 0x01;
        assert!(verify(&p2, &x).is_err(), "flip at {off} accepted");
        count += 1;
    }
    println!("single-byte flips rejected: {count}");
}

#[test]
fn truncation_at_every_length_and_extra_bytes() {
    let s = Setup::new();
    let policy = s.policy();
    let img = s.image(7, 64);
    for len in 0..img.len() {
        assert_eq!(
            verify(&policy, &img[..len]).unwrap_err(),
            Error::Firmware(FirmwareError::Truncated),
            "truncated to {len}"
        );
    }
    for extra in [1usize, 2, 100] {
        let mut x = img.clone();
        x.extend(std::iter::repeat_n(0u8, extra));
        assert_eq!(
            verify(&policy, &x).unwrap_err(),
            Error::Firmware(FirmwareError::LengthMismatch)
        );
    }
    // More bytes after a complete image in a later update, too.
    let mut v = Verifier::new(&policy);
    v.update(&img).unwrap();
    assert_eq!(
        v.update(&[0]).unwrap_err(),
        Error::Firmware(FirmwareError::LengthMismatch)
    );
    assert_eq!(
        v.finish().unwrap_err(),
        Error::Firmware(FirmwareError::LengthMismatch)
    );
}

#[test]
fn result_is_independent_of_chunking() {
    let s = Setup::new();
    let policy = s.policy();
    let img = s.image(7, 3000);
    let mut images = vec![
        img.clone(),
        img[..img.len() - 7].to_vec(),
        out_of_range(&s, 11),
    ];
    for (off, mask) in [
        (0usize, 1u8),
        (15, 4),
        (200, 1),
        (1000, 1),
        (img.len() - 3, 1),
        (3300, 0x10),
    ] {
        let mut x = img.clone();
        x[off] ^= mask;
        images.push(x);
    }
    let mut long = img.clone();
    long.extend_from_slice(&[1, 2, 3]);
    images.push(long);
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
    for x in &images {
        let whole = verify(&policy, x);
        assert_eq!(verify_chunked(&policy, x, &[1]), whole);
        assert_eq!(verify_chunked(&policy, x, &[191, 1, 64, 0, 4096]), whole);
        for _ in 0..20 {
            let sizes: Vec<usize> = (0..16)
                .map(|_| match rng.try_next_u32().unwrap() % 4 {
                    0 => 0,
                    1 => (rng.try_next_u32().unwrap() % 8) as usize,
                    2 => (rng.try_next_u32().unwrap() % 300) as usize,
                    _ => (rng.try_next_u32().unwrap() % 5000) as usize,
                })
                .chain([1])
                .collect();
            assert_eq!(verify_chunked(&policy, x, &sizes), whole, "sizes {sizes:?}");
        }
    }
}

#[test]
fn revoked_root_versus_revoked_release_key() {
    let s = Setup::new();
    let img = s.image(7, 64);
    let base = s.policy();
    // The root is revoked: rejected once the signature block names it.
    let anchors = [
        TrustAnchor::active(s.root.id),
        TrustAnchor::revoked(s.root.id),
    ];
    let r = verify(
        &Policy {
            trust_anchors: &anchors,
            ..base
        },
        &img,
    );
    assert_eq!(r, fwerr(FirmwareError::RevokedKey));
    // The release key is revoked: rejected as soon as the header is in, though the root is
    // active and its endorsement still valid.
    let anchors = [
        TrustAnchor::active(s.root.id),
        TrustAnchor::revoked(s.release.id),
    ];
    let policy = Policy {
        trust_anchors: &anchors,
        ..base
    };
    let mut v = Verifier::new(&policy);
    assert_eq!(
        v.update(&img[..192]).unwrap_err(),
        Error::Firmware(FirmwareError::RevokedKey)
    );
    assert_eq!(v.finish(), fwerr(FirmwareError::RevokedKey));
    // A release key trusted directly needs no endorsement; revoking it stops it.
    let direct = sign(&params(7), &payload(64), &s.release, None);
    let anchors = [TrustAnchor::active(s.release.id)];
    assert!(
        verify(
            &Policy {
                trust_anchors: &anchors,
                ..base
            },
            &direct
        )
        .is_ok()
    );
    let anchors = [
        TrustAnchor::revoked(s.release.id),
        TrustAnchor::active(s.release.id),
    ];
    assert_eq!(
        verify(
            &Policy {
                trust_anchors: &anchors,
                ..base
            },
            &direct
        ),
        fwerr(FirmwareError::RevokedKey)
    );
    // The root itself cannot sign images unless it is an anchor of its own.
    assert_eq!(verify(&base, &direct), fwerr(FirmwareError::UnknownKey));
}

#[test]
fn delegation_range_edges() {
    let s = Setup::new();
    let mut policy = s.policy();
    policy.min_security_version = 0;
    assert_eq!(
        verify(&policy, &s.image(5, 64)).unwrap().security_version(),
        5
    );
    assert_eq!(
        verify(&policy, &s.image(10, 64))
            .unwrap()
            .security_version(),
        10
    );
    assert_eq!(
        verify(&policy, &out_of_range(&s, 4)),
        fwerr(FirmwareError::DelegationOutOfRange)
    );
    assert_eq!(
        verify(&policy, &out_of_range(&s, 11)),
        fwerr(FirmwareError::DelegationOutOfRange)
    );
    // u64::MAX: above a 32-bit counter (the default), out of range for a 64-bit one.
    let huge = out_of_range(&s, u64::MAX);
    assert_eq!(
        verify(&policy, &huge),
        fwerr(FirmwareError::SecurityVersionTooLarge)
    );
    let wide_counter = Policy {
        max_security_version: u64::MAX,
        ..policy
    };
    assert_eq!(
        verify(&wide_counter, &huge),
        fwerr(FirmwareError::DelegationOutOfRange)
    );
    // Rollback is checked against the device before the endorsement range.
    policy.min_security_version = 6;
    assert_eq!(
        verify(&policy, &s.image(5, 64)),
        fwerr(FirmwareError::Rollback)
    );
    assert!(verify(&policy, &s.image(6, 64)).is_ok());
    // An endorsement that does not allow the release algorithm.
    let narrow = endorsement(
        &s.root,
        &s.release,
        0,
        100,
        AlgorithmSet::NONE.with(RELEASE),
    );
    let img = sign(&params(7), &payload(8), &s.release, Some(&narrow));
    assert!(verify(&policy, &img).is_ok());
    let k44 = key(SignatureAlgorithm::MlDsa44Ed25519Sha512, 5);
    let e44 = endorsement(&s.root, &k44, 0, 100, AlgorithmSet::HYBRID_ONLY);
    let mut img = sign(&params(7), &payload(8), &k44, Some(&e44));
    // Replace the allowed set with one without MLDSA44-Ed25519: the root signature breaks,
    // but the allowed-set check comes first.
    let off = img.len() - e44.len() + 4 + s.root.pk.len() + 16;
    img[off..off + 4].copy_from_slice(&AlgorithmSet::NONE.with(RELEASE).bits().to_le_bytes());
    assert_eq!(
        verify(&policy, &img),
        fwerr(FirmwareError::AlgorithmNotAllowed)
    );
}

#[test]
fn hybrid_only_policy_rejects_pure_ml_dsa() {
    let k = key(SignatureAlgorithm::MlDsa65, 7);
    let anchors = [TrustAnchor::active(k.id)];
    let img = sign(&ImageParams::new(CLASS, 1), &payload(100), &k, None);
    let mut policy = Policy::new(&anchors, CLASS);
    assert!(verify(&policy, &img).is_ok());
    policy.allowed = AlgorithmSet::HYBRID_ONLY;
    policy.endorse_allowed = AlgorithmSet::HYBRID_ONLY;
    let mut v = Verifier::new(&policy);
    assert_eq!(
        v.update(&img[..192]).unwrap_err(),
        Error::Firmware(FirmwareError::AlgorithmNotAllowed)
    );
    // A pure ML-DSA root cannot endorse under a hybrid-only policy either.
    let root = key(SignatureAlgorithm::MlDsa65, 8);
    let rel = key(RELEASE, 2);
    let endo = endorsement(&root, &rel, 0, 9, AlgorithmSet::ALL);
    let img = sign(&ImageParams::new(CLASS, 1), &payload(10), &rel, Some(&endo));
    let anchors = [TrustAnchor::active(root.id)];
    let policy = Policy {
        allowed: AlgorithmSet::HYBRID_ONLY,
        endorse_allowed: AlgorithmSet::HYBRID_ONLY,
        ..Policy::new(&anchors, CLASS)
    };
    assert_eq!(
        verify(&policy, &img),
        fwerr(FirmwareError::AlgorithmNotAllowed)
    );
}

#[test]
fn algorithm_table_matches_the_agile_layer() {
    for (i, alg) in firmware::FIRMWARE_ALGORITHMS.iter().enumerate() {
        let id = u16::try_from(i + 1).unwrap();
        assert_eq!(firmware::algorithm_id(*alg), Some(id));
        assert_eq!(firmware::algorithm_from_id(id), Some(*alg));
        assert!(AlgorithmSet::ALL.contains(*alg));
        assert_eq!(AlgorithmSet::HYBRID_ONLY.contains(*alg), alg.is_hybrid());
        assert!(alg.supports_context());
    }
    for alg in SignatureAlgorithm::ALL {
        assert_eq!(
            firmware::algorithm_sizes(alg),
            (alg.public_key_len(), alg.signature_len()),
            "{alg}"
        );
    }
    for alg in [
        SignatureAlgorithm::Ed25519,
        SignatureAlgorithm::EcdsaP256Sha256,
        SignatureAlgorithm::EcdsaP384Sha384,
    ] {
        assert_eq!(firmware::algorithm_id(alg), None);
        assert!(!AlgorithmSet::ALL.contains(alg));
    }
    assert_eq!(firmware::algorithm_from_id(0), None);
    assert_eq!(firmware::algorithm_from_id(22), None);
    assert_eq!(AlgorithmSet::from_bits(1), None);
    assert_eq!(AlgorithmSet::from_bits(1 << 22), None);
    assert_eq!(AlgorithmSet::HYBRID_ONLY.iter().count(), 6);
    assert_eq!(AlgorithmSet::ML_DSA_ONLY.iter().count(), 3);
    assert_eq!(AlgorithmSet::SLH_DSA_ONLY.iter().count(), 12);
    assert_eq!(AlgorithmSet::PURE_PQ.iter().count(), 15);
    assert_eq!(
        firmware::DEFAULT_ALGORITHM,
        SignatureAlgorithm::MlDsa65Ed25519Sha512
    );
    // The default capacity holds every ML-DSA / composite image with any ML-DSA / composite root.
    let lattice: Vec<_> = firmware::FIRMWARE_ALGORITHMS
        .into_iter()
        .filter(|a| !a.name().starts_with("SLH"))
        .collect();
    for a in &lattice {
        for r in &lattice {
            assert!(
                firmware::required_trailer_capacity(*a, Some(*r))
                    <= firmware::DEFAULT_TRAILER_CAPACITY
            );
        }
    }
    println!("required trailer capacity (alone / endorsed by the same algorithm):");
    for a in firmware::FIRMWARE_ALGORITHMS {
        println!(
            "  {:<28} {:>6} {:>6}",
            a.name(),
            firmware::required_trailer_capacity(a, None),
            firmware::required_trailer_capacity(a, Some(a))
        );
    }
    println!("MAX_TRAILER_CAPACITY = {}", firmware::MAX_TRAILER_CAPACITY);
}

#[test]
fn slh_dsa_image_needs_a_larger_capacity() {
    let k = key(SignatureAlgorithm::SlhDsaSha2_128f, 3);
    let anchors = [TrustAnchor::active(k.id)];
    let policy = Policy::new(&anchors, CLASS);
    let img = sign(&ImageParams::new(CLASS, 1), &payload(100), &k, None);
    assert_eq!(verify(&policy, &img), fwerr(FirmwareError::TrailerTooLarge));
    const CAP: usize =
        firmware::required_trailer_capacity(SignatureAlgorithm::SlhDsaSha2_128f, None);
    let mut v = Verifier::<'_, [u8; CAP]>::with_capacity(&policy);
    for c in img.chunks(777) {
        v.update(c).unwrap();
    }
    assert_eq!(
        v.finish().unwrap().algorithm(),
        SignatureAlgorithm::SlhDsaSha2_128f
    );
}

#[test]
fn header_round_trips() {
    let s = Setup::new();
    let img = s.image(7, 10);
    let h = Header::parse(&img).unwrap();
    let mut out = vec![0u8; 256];
    assert_eq!(h.encode(&mut out).unwrap(), 256);
    assert_eq!(out, img[..256]);
    assert_eq!(h.flags(), firmware::FLAG_SBOM | firmware::FLAG_DELEGATION);
}

/// Verifies the standard image on a thread with `stack` bytes of stack (child process mode).
#[test]
#[ignore = "run by verifier_stack_usage in a child process"]
fn stack_probe_child() {
    let Ok(stack) = std::env::var("PQHYBRID_STACK_PROBE") else {
        return;
    };
    let stack: usize = stack.parse().unwrap();
    let s = Setup::new();
    let img = s.image(7, 4096);
    let anchors = s.anchors.clone();
    let agile_only = std::env::var("PQHYBRID_STACK_PROBE_MODE").as_deref() == Ok("agile");
    let pk = s.release.pk.clone();
    let m = Manifest::parse(&img).unwrap();
    let sig = m.signature_block.unwrap().signature.to_vec();
    let hdr = img[..256].to_vec();
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            if agile_only {
                // The bare composite verification of the image's header, for comparison.
                RELEASE
                    .verify(&pk, &hdr, firmware::IMAGE_CONTEXT, &sig)
                    .unwrap();
                return;
            }
            let mut policy = Policy::new(&anchors, CLASS);
            policy.min_security_version = 5;
            let mut v = Verifier::new(&policy);
            for c in img.chunks(512) {
                v.update(c).unwrap();
            }
            v.finish().unwrap();
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Finds the smallest thread stack (4 KiB granularity) on which the verifier completes, by
/// running `stack_probe_child` in child processes (a stack overflow aborts the process).
#[test]
fn verifier_stack_usage() {
    println!(
        "size_of::<Verifier<'_>>() = {} bytes (trailer capacity {})",
        core::mem::size_of::<Verifier<'_>>(),
        firmware::DEFAULT_TRAILER_CAPACITY
    );
    let exe = std::env::current_exe().unwrap();
    let probe = |mode: &str| {
        let ok = |stack: usize| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "stack_probe_child",
                    "--ignored",
                    "--test-threads=1",
                ])
                .env("PQHYBRID_STACK_PROBE", stack.to_string())
                .env("PQHYBRID_STACK_PROBE_MODE", mode)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        let (mut lo, mut hi) = (4096usize, 4 << 20);
        assert!(ok(hi), "verification fails even with 4 MiB of stack");
        while hi - lo > 4096 {
            let mid = (lo + hi) / 2 / 4096 * 4096;
            if ok(mid) { hi = mid } else { lo = mid }
        }
        hi
    };
    let full = probe("verifier");
    let bare = probe("agile");
    println!(
        "stack: Verifier on an MLDSA65-Ed25519 image endorsed by MLDSA44-ECDSA-P256 completes \
         with a {full}-byte thread stack; a bare MLDSA65-Ed25519 SignatureAlgorithm::verify \
         needs {bare} (x86-64, test profile, 4 KiB granularity)"
    );
}

//! Encrypted firmware images: the encryption-record parser
//! (`firmware::encrypt::EncryptionRecord::parse`) on arbitrary bytes, and the streaming
//! `Decryptor` fed an arbitrary second read of an image whose first read verified (what a
//! flash that changes between the two passes could return).
//!
//! The verified image is the committed known-answer file
//! `kat-vectors/pqhybrid/firmware-encrypted/valid-X-Wing.pqfw` (verified once at start-up with
//! its signer, seed byte 0x11, and decrypted with its device key, seed byte 0x43, as
//! `manifest.json` says); the seed corpus holds it and its rejected siblings.
//!
//! Input: a byte selecting the decryptor's chunk buffer (one of four sizes) and whether the
//! plaintext digest is checked (the whole-image run one way, the streamed run the other), field `plan`
//! (chunk sizes, see `pqhybrid_fuzz::chunks`), and the rest is the pass-2 image.
//!
//! Invariants: no panic; the verdict and the released plaintext do not depend on the chunking;
//! errors are sticky; a failing `update` leaves nothing in its output; whatever is released is
//! a prefix of the genuine plaintext (the record must be the verified one and every chunk
//! authenticates under its key), and a successful `finish` means all of it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqhybrid::agile::DecapsulationKey;
use pqhybrid::firmware::encrypt::EncryptionRecord;
use pqhybrid::firmware::{
    Decryptor, DeviceClass, Policy, TrustAnchor, VerifiedImage, Verifier, key_id,
};
use pqhybrid::{Error, KemAlgorithm, SignatureAlgorithm};
use pqhybrid_fuzz::{Input, chunks};

struct Fixture {
    verified: VerifiedImage,
    dk: DecapsulationKey,
    plaintext: Vec<u8>,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn fixture() -> Fixture {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kat-vectors/pqhybrid/firmware-encrypted"
    );
    let image = std::fs::read(format!("{dir}/valid-X-Wing.pqfw")).expect("the KAT image");
    let signer = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let mut pk = vec![0u8; signer.public_key_len()];
    let mut sk = vec![0u8; signer.secret_key_len()];
    signer
        .keypair_from_seed(&[0x11; 32], &mut pk, &mut sk)
        .expect("signer key");
    let anchors = [TrustAnchor::active(key_id(signer, &pk).expect("key id"))];
    let mut policy = Policy::new(&anchors, DeviceClass(*b"pqhybrid-kat-enc"));
    policy.accept_encrypted = true;
    let mut v = Verifier::new(&policy);
    v.update(&image).expect("KAT image header");
    let verified = v.finish().expect("the KAT image verifies");
    let kem = KemAlgorithm::XWing;
    let (mut kpk, mut ksk) = (
        vec![0u8; kem.public_key_len()],
        vec![0u8; kem.secret_key_len()],
    );
    kem.keypair_from_seed(&[0x43; 32], &mut kpk, &mut ksk)
        .expect("device key");
    let dk = DecapsulationKey::new(kem, &ksk).expect("device key");
    let plaintext = (0..1000u32).map(|i| (i * 13 + 5) as u8).collect();
    Fixture {
        verified,
        dk,
        plaintext,
    }
}

fn run(
    f: &Fixture,
    buffer: usize,
    check_digest: bool,
    parts: &[&[u8]],
) -> (Result<(), Error>, Vec<u8>) {
    let mut d = match Decryptor::with_buffer(&f.verified, &f.dk, vec![0u8; buffer]) {
        Ok(d) => d,
        Err(e) => return (Err(e), Vec::new()),
    };
    if check_digest {
        d.check_plaintext_digest();
    }
    let mut released = Vec::new();
    let mut first: Option<Error> = None;
    for part in parts {
        let mut out = vec![0xA5u8; d.max_output(part.len())];
        match (d.update(part, &mut out), first) {
            (Ok(n), None) => released.extend_from_slice(&out[..n]),
            (Err(e), None) => {
                assert!(
                    out.iter().all(|b| *b == 0 || *b == 0xA5),
                    "failing update released bytes"
                );
                first = Some(e);
            }
            (r, Some(e)) => assert_eq!(r.map(|_| ()), Err(e), "errors are not sticky"),
        }
    }
    let r = d.finish().map(|_| ());
    if let Some(e) = first {
        assert_eq!(r, Err(e), "finish does not return the update error");
    }
    (r, released)
}

fuzz_target!(|data: &[u8]| {
    let f = FIXTURE.get_or_init(fixture);
    let mut input = Input::new(data);
    let mode = input.u8();
    let buffer = [64 + 16, 256 + 16, 4096 + 16, 65536 + 16][usize::from(mode & 3)];
    // With or without the plaintext-digest check (Decryptor::check_plaintext_digest): the
    // same verdict either way, the chunk tags already authenticate every byte.
    let check_digest = mode & 4 != 0;
    let plan = input.bytes();
    let image = input.rest();

    // The parser alone, on the bytes where a record would start (and on everything).
    for start in [0usize, 256] {
        if let Some(bytes) = image.get(start..) {
            let _ = EncryptionRecord::declared_len(bytes);
            if let Ok(r) = EncryptionRecord::parse(bytes) {
                assert!(r.payload_len() >= bytes.len() as u64);
                assert!(r.chunk_count() >= 1);
            }
        }
    }

    let whole = run(f, buffer, check_digest, &[image]);
    let parts = chunks(image, plan);
    let streamed = run(f, buffer, !check_digest, &parts);
    assert_eq!(
        whole.0, streamed.0,
        "verdict depends on the chunking or the digest check"
    );
    for (verdict, released) in [whole, streamed] {
        // A failure may come after earlier chunks were released (they authenticated): what
        // was released is always genuine.
        assert!(
            f.plaintext.starts_with(&released),
            "released bytes that are not the genuine plaintext"
        );
        if verdict.is_ok() {
            assert_eq!(
                released, f.plaintext,
                "accepted without releasing the whole plaintext"
            );
        }
    }
});

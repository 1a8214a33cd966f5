//! Streaming firmware verification (`firmware::Verifier`) with fuzzer-chosen chunking, against
//! the trust anchors of the project's firmware known-answer policy
//! (`kat-vectors/pqhybrid/firmware/policy.json`, rebuilt from its seeds), so that mutations of
//! the committed `.pqfw` images (the seed corpus) get deep into the checks.
//!
//! Input: field `plan` (chunk sizes, see `pqhybrid_fuzz::chunks`), and the rest is the image.
//!
//! Invariants: no panic; the verdict does not depend on the chunking (whole image in one
//! `update` vs the plan's chunks, including empty ones); errors are sticky (every later
//! `update` and `finish` return the first error); every error is a `FirmwareError`; an accepted
//! image satisfies the policy and parses as a whole manifest.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqhybrid::Error;
use pqhybrid::firmware::{AlgorithmSet, KeyState, Manifest, VerifiedImage, Verifier, key_id};
use pqhybrid_fuzz::{Input, KAT_MIN_SECURITY_VERSION, KatPolicy, chunks};

static POLICY: OnceLock<KatPolicy> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let kat = POLICY.get_or_init(KatPolicy::new);
    let policy = kat.policy();
    let mut input = Input::new(data);
    let plan = input.bytes();
    let image = input.rest();

    let whole = {
        let mut v = Verifier::new(&policy);
        let _ = v.update(image);
        v.finish()
    };

    let streamed = {
        let mut v = Verifier::new(&policy);
        let mut first_err: Option<Error> = None;
        for chunk in chunks(image, plan) {
            match (v.update(chunk), first_err) {
                (Ok(()), None) => {}
                (Err(e), None) => first_err = Some(e),
                (r, Some(e)) => assert_eq!(r, Err(e), "errors are not sticky"),
            }
        }
        let r = v.finish();
        if let Some(e) = first_err {
            assert_eq!(r, Err(e), "finish does not return the update error");
        }
        r
    };
    assert_eq!(whole, streamed, "verdict depends on the chunking");

    // Verify-while-copying gives the same verdict, and the copy is the image.
    let copied = {
        let mut v = Verifier::new(&policy);
        let mut dst = vec![0u8; image.len()];
        let _ = v.update_copy(image, &mut dst);
        assert_eq!(dst, image, "update_copy did not copy");
        v.finish()
    };
    assert_eq!(whole, copied, "update_copy changes the verdict");

    // A valid image in a larger slot with an erased tail verifies the same; the expected
    // length is the image's.
    if let Ok(img) = &whole {
        let mut slot = image.to_vec();
        slot.extend(std::iter::repeat_n(0xff, 100));
        let mut v = Verifier::new(&policy);
        v.set_slot_len(slot.len() as u64).expect("slot length");
        for c in slot.chunks(777) {
            v.update(c).expect("slot chunk");
        }
        assert_eq!(v.expected_len(), Some(image.len() as u64));
        assert_eq!(v.finish().as_ref(), Ok(img), "slot verdict differs");
    }

    match whole {
        Ok(img) => check_accepted(kat, &img, image),
        Err(e) => assert!(matches!(e, Error::Firmware(_)), "non-firmware error {e:?}"),
    }
});

fn check_accepted(kat: &KatPolicy, img: &VerifiedImage, image: &[u8]) {
    let policy = kat.policy();
    assert!(img.security_version() >= KAT_MIN_SECURITY_VERSION);
    assert_eq!(img.device_class(), kat.device_class);
    assert!(AlgorithmSet::HYBRID_ONLY.contains(img.algorithm()));
    let m = Manifest::parse(image).expect("an accepted image parses");
    assert_eq!(&m.header, img.header());
    assert_eq!(
        img.header().format_version,
        pqhybrid::firmware::FORMAT_VERSION
    );
    assert!(img.security_version() <= policy.max_security_version);
    let block_sig = m.signature_block.map(|b| (b.algorithm, b.signature));
    if let Some((alg, sig)) = block_sig {
        assert!(
            alg.is_canonical_signature(sig),
            "accepted a high-s signature"
        );
    }
    let block = m.signature_block.expect("an accepted image is whole");
    assert_eq!(
        key_id(block.algorithm, block.public_key).ok(),
        Some(img.signer_key_id())
    );
    match img.delegation() {
        Some(d) => {
            assert_eq!(policy.key_state(&d.root_key_id), Some(KeyState::Active));
            assert!(d.min_security_version <= img.security_version());
            assert!(img.security_version() <= d.max_security_version);
            assert!(d.allowed.contains(img.algorithm()));
            assert!(policy.endorse_allowed.contains(d.root_algorithm));
            assert_eq!(
                policy.key_state(&img.signer_key_id()),
                None,
                "endorsed an anchor"
            );
            assert_ne!(
                policy.key_state(&img.signer_key_id()),
                Some(KeyState::Revoked)
            );
        }
        None => assert_eq!(
            policy.key_state(&img.signer_key_id()),
            Some(KeyState::Active)
        ),
    }
}

//! The device-identity parsers and verifier: `identity::verify_attestation` (root, DeviceID,
//! Alias and evidence certificates, as `pqhybrid identity verify`, the WASM package and a
//! verifier service read them) and `identity::verify_csr` (as the CA reads a CSR).
//!
//! Input: `u16be(len) ‖ document` four times (root, DeviceID certificate, Alias certificate,
//! evidence), then the nonce; the whole input is also given to `verify_csr`. The seeds
//! (`gen_corpus`) are valid chains and CSRs of the identity algorithms.
//!
//! Invariants: no panic; an accepted attestation reports a security version at or above the
//! minimum and an image id among the reference values; the verdict is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::identity::{ReferenceValues, verify_attestation, verify_csr};

/// The reference values the seeds satisfy: any image, minimum security version 1.
fn reference() -> ReferenceValues {
    ReferenceValues {
        image_ids: Vec::new(),
        min_security_version: 1,
        allow_non_normal_mode: false,
        now: None,
    }
}

fn split(mut data: &[u8]) -> Option<([&[u8]; 4], &[u8])> {
    let mut docs: [&[u8]; 4] = [&[]; 4];
    for d in &mut docs {
        let (len, rest) = data.split_at_checked(2)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let (doc, rest) = rest.split_at_checked(len)?;
        *d = doc;
        data = rest;
    }
    Some((docs, data))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(csr) = verify_csr(data) {
        assert_eq!(csr.public_key.len(), csr.algorithm.public_key_len());
    }
    let Some(([root, device_id, alias, evidence], nonce)) = split(data) else {
        return;
    };
    let r = reference();
    let first = verify_attestation(&[root], device_id, alias, evidence, nonce, &r);
    if let Ok(a) = &first {
        assert!(a.security_version >= r.min_security_version);
        assert_eq!(a.root_index, 0);
    }
    let again = verify_attestation(&[root], device_id, alias, evidence, nonce, &r);
    assert_eq!(first, again);
});

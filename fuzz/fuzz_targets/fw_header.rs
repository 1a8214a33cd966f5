//! Firmware image parsing without verification: `Header::parse`, `Manifest::parse`,
//! `SignatureBlock::parse` and `Endorsement::parse`.
//!
//! Input: a mode byte (bits 0-5 pick the algorithm, bit 6 format version 1 instead of 2, bit 7
//! the delegation flag of the header that `SignatureBlock::parse` and `Endorsement::parse` are
//! given), then the bytes, parsed by every parser.
//!
//! Invariants: no panic; an accepted header re-encodes to the same 192 bytes; a manifest agrees
//! with the header and the signature block with the header's algorithm and delegation flag; an
//! endorsement's encoded length is its input length; errors are the documented
//! `FirmwareError` variants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::Error;
use pqhybrid::firmware::{
    DeviceClass, Endorsement, FIRMWARE_ALGORITHMS, FIXED_HEADER_LEN, FirmwareError as F, Header,
    KeyId, Manifest, SignatureBlock, algorithm_sizes,
};
use pqhybrid_fuzz::Input;

const HEADER_ERRORS: [F; 7] = [
    F::Truncated,
    F::BadMagic,
    F::UnsupportedVersion,
    F::BadHeaderLength,
    F::UnknownAlgorithm,
    F::UnknownDigest,
    F::ReservedNonZero,
];

fn fw_err(e: Error) -> F {
    match e {
        Error::Firmware(f) => f,
        other => panic!("non-firmware error {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.u8();
    let bytes = input.rest();

    let header = match Header::parse(bytes) {
        Ok(h) => {
            let fixed = h.encode_fixed().expect("an accepted header re-encodes");
            assert_eq!(
                &fixed[..],
                &bytes[..FIXED_HEADER_LEN],
                "header does not round-trip"
            );
            let mut out = vec![0xa5u8; usize::from(h.header_len)];
            let n = h.encode(&mut out).expect("encode");
            assert_eq!(n, out.len());
            assert_eq!(&out[..FIXED_HEADER_LEN], &fixed[..]);
            assert!(out[FIXED_HEADER_LEN..].iter().all(|&b| b == 0));
            assert_eq!(h.payload_digest().len(), h.digest_algorithm.output_len());
            assert_eq!(
                h.image_len(),
                u64::from(h.header_len) + u64::from(h.payload_len) + u64::from(h.trailer_len)
            );
            Some(h)
        }
        Err(e) => {
            let f = fw_err(e);
            assert!(HEADER_ERRORS.contains(&f), "unexpected header error {f:?}");
            if bytes.len() < FIXED_HEADER_LEN {
                assert_eq!(f, F::Truncated);
            }
            None
        }
    };

    match Manifest::parse(bytes) {
        Ok(m) => {
            assert_eq!(Some(m.header), header, "manifest header differs");
            let h = m.header;
            assert!(bytes.len() as u64 <= h.image_len());
            if let Some(p) = m.payload {
                assert_eq!(p.len() as u64, u64::from(h.payload_len));
            }
            if let Some(b) = m.signature_block {
                assert_eq!(bytes.len() as u64, h.image_len());
                assert!(m.payload.is_some());
                check_block(&b, &h);
            } else {
                assert!((bytes.len() as u64) < h.image_len());
            }
        }
        Err(e) => {
            let f = fw_err(e);
            if header.is_none() {
                assert!(
                    HEADER_ERRORS.contains(&f),
                    "unexpected manifest error {f:?}"
                );
            } else {
                assert!(
                    matches!(
                        f,
                        F::ReservedNonZero
                            | F::LengthMismatch
                            | F::Truncated
                            | F::BadMagic
                            | F::Malformed
                            | F::UnknownAlgorithm
                    ),
                    "unexpected manifest error {f:?}"
                );
            }
        }
    }

    // The signature block parser against a header of the mode's algorithm and flag.
    let alg = FIRMWARE_ALGORITHMS[usize::from(mode & 0x3f) % FIRMWARE_ALGORITHMS.len()];
    let version = if mode & 0x40 != 0 { 1 } else { 2 };
    let h = Header {
        format_version: version,
        header_len: 192,
        payload_len: 0,
        algorithm: alg,
        digest_algorithm: pqhybrid::firmware::DigestAlgorithm::Sha256,
        security_version: 0,
        version: pqhybrid::firmware::ImageVersion {
            major: 0,
            minor: 0,
            revision: 0,
            build: 0,
        },
        device_class: DeviceClass([0; 16]),
        signer_key_id: KeyId([0; 32]),
        payload_digest: [0; 64],
        sbom_digest: None,
        delegated: mode & 0x80 != 0,
        encrypted: false,
        trailer_len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
    };
    match SignatureBlock::parse(bytes, &h) {
        Ok(b) => check_block(&b, &h),
        Err(e) => {
            let f = fw_err(e);
            assert!(
                matches!(
                    f,
                    F::BadMagic | F::Malformed | F::ReservedNonZero | F::UnknownAlgorithm
                ),
                "unexpected signature block error {f:?}"
            );
        }
    }

    match Endorsement::parse(bytes, version) {
        Ok(e) => check_endorsement(&e, bytes.len()),
        Err(e) => {
            let f = fw_err(e);
            assert!(
                matches!(f, F::UnknownAlgorithm | F::ReservedNonZero | F::Malformed),
                "unexpected endorsement error {f:?}"
            );
        }
    }
});

fn check_block(b: &SignatureBlock<'_>, h: &Header) {
    assert_eq!(b.algorithm, h.algorithm);
    let (pk_len, max_sig) = algorithm_sizes(b.algorithm);
    assert_eq!(b.public_key.len(), pk_len);
    assert!(!b.signature.is_empty() && b.signature.len() <= max_sig);
    assert_eq!(
        b.endorsement.is_some(),
        h.delegated,
        "endorsement presence differs from the flag"
    );
    if let Some(e) = &b.endorsement {
        check_endorsement(e, e.encoded_len());
    }
}

fn check_endorsement(e: &Endorsement<'_>, len: usize) {
    assert_eq!(e.encoded_len(), len, "endorsement length does not add up");
    let (pk_len, max_sig) = algorithm_sizes(e.root_algorithm);
    assert_eq!(e.root_public_key.len(), pk_len);
    assert!(!e.signature.is_empty() && e.signature.len() <= max_sig);
    e.root_key_id().expect("a parsed endorsement has a key id");
    if e.format_version == 1 {
        assert!(!e.any_class && e.classes.is_empty());
    } else {
        assert_eq!(e.classes.len() % 16, 0);
        assert!(e.classes.len() <= 16 * pqhybrid::firmware::MAX_ENDORSED_CLASSES);
        assert_eq!(
            e.any_class,
            e.classes.is_empty(),
            "any-class iff no class listed"
        );
        assert_eq!(e.device_classes().count(), e.classes.len() / 16);
    }
    assert_eq!(
        e.covers(e.min_security_version),
        e.min_security_version <= e.max_security_version
    );
}

//! PEM (RFC 7468) parsing of `PUBLIC KEY` and `PRIVATE KEY` documents
//! (`pqhybrid::encoding::decode_public_key_pem` / `decode_private_key_pem`).
//!
//! Input: the PEM text (non-UTF-8 input is converted lossily). Invariants: no panic; an accepted
//! document re-encodes (LF line endings) to a document that decodes to the same algorithm and
//! key; errors are `MalformedEncoding` (or the DER decoders' documented errors).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::encoding::{
    Algorithm, MAX_DECODED_SECRET_KEY_LEN, decode_private_key_pem, decode_public_key_pem,
    encode_private_key_pem, encode_public_key_pem,
};
use pqhybrid::{Error, Field};
use pqhybrid_fuzz::slow_keygen;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match decode_public_key_pem(&text) {
        Ok((alg, key)) => {
            let again = encode_public_key_pem(alg, &key).expect("re-encoding a public key");
            assert_eq!(
                decode_public_key_pem(&again).expect("decoding the re-encoding"),
                (alg, key)
            );
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::MalformedEncoding {
                    field: Field::PublicKey
                } | Error::InvalidLength {
                    field: Field::PublicKey,
                    ..
                }
            ),
            "unexpected public PEM error {e:?}"
        ),
    }
    let mut sk = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
    match decode_private_key_pem(&text, &mut sk) {
        Ok((alg, n)) => {
            // Re-encoding an SLH-DSA "s" key derives PK.root again (about a second): skipped.
            if matches!(alg, Algorithm::Signature(s) if slow_keygen(s)) {
                return;
            }
            let again = encode_private_key_pem(alg, &sk[..n]).expect("re-encoding a private key");
            let mut sk2 = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
            let (alg2, n2) =
                decode_private_key_pem(&again, &mut sk2).expect("decoding the re-encoding");
            assert_eq!((alg2, &sk2[..n2]), (alg, &sk[..n]));
        }
        Err(e) => {
            assert!(sk.iter().all(|&b| b == 0), "output left behind after {e:?}");
            let ok = match e {
                Error::MalformedEncoding { field }
                | Error::InvalidKey { field }
                | Error::InvalidLength { field, .. } => field == Field::SecretKey,
                Error::SeedUnavailable => true,
                _ => false,
            };
            assert!(ok, "unexpected private PEM error {e:?}");
        }
    }
});

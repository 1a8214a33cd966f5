//! PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` DER decoding
//! (`pqhybrid::encoding::decode_private_key`).
//!
//! Input: the DER document. Invariants: no panic; an accepted key is the algorithm's canonical
//! private key: it re-encodes, and the re-encoding decodes to the same key; signature keys are
//! usable by the agile layer; on error nothing is left in the output buffer; errors are the
//! documented variants. (SLH-DSA "s" keys are only decoded: their round trip costs two more key
//! generations.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::encoding::{
    Algorithm, MAX_DECODED_SECRET_KEY_LEN, decode_private_key, encode_private_key,
    private_key_der_len,
};
use pqhybrid::{Error, Field};
use pqhybrid_fuzz::slow_keygen;

fuzz_target!(|data: &[u8]| {
    let mut sk = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
    match decode_private_key(data, &mut sk) {
        Ok((alg, n)) => {
            assert_eq!(n, alg.secret_key_len());
            // Re-encoding an SLH-DSA "s" key derives PK.root again (about a second): skipped.
            if matches!(alg, Algorithm::Signature(s) if slow_keygen(s)) {
                return;
            }
            let sk = &sk[..n];
            let mut der = vec![0u8; private_key_der_len(alg)];
            let m = encode_private_key(alg, sk, &mut der).expect("re-encoding an accepted key");
            let mut sk2 = vec![0u8; MAX_DECODED_SECRET_KEY_LEN];
            let (alg2, n2) =
                decode_private_key(&der[..m], &mut sk2).expect("decoding the re-encoding");
            assert_eq!(
                (alg2, &sk2[..n2]),
                (alg, sk),
                "{alg}: PKCS#8 does not round-trip"
            );
            if let Algorithm::Signature(s) = alg {
                let mut pk = vec![0u8; s.public_key_len()];
                s.public_key_from_secret(sk, &mut pk)
                    .expect("an accepted private key is usable");
            }
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
            assert!(ok, "unexpected PKCS#8 error {e:?}");
        }
    }
});

//! `SubjectPublicKeyInfo` DER decoding (`pqhybrid::encoding::decode_public_key`).
//!
//! Input: the DER document. Invariants: no panic; an accepted document re-encodes to exactly the
//! same bytes (strict DER, one encoding per key); errors are `MalformedEncoding` /
//! `InvalidLength` for the public key; encoding the input's bytes as a raw key of the algorithm
//! the first byte picks decodes back to the same algorithm and key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::Field;
use pqhybrid::encoding::{Algorithm, decode_public_key, encode_public_key, public_key_der_len};
use pqhybrid_fuzz::is_input_error;

fuzz_target!(|data: &[u8]| {
    match decode_public_key(data) {
        Ok(key) => {
            assert_eq!(key.key.len(), key.algorithm.public_key_len());
            let mut out = vec![0u8; public_key_der_len(key.algorithm)];
            let n = encode_public_key(key.algorithm, key.key, &mut out)
                .expect("re-encoding an accepted key");
            assert_eq!(
                &out[..n],
                data,
                "{}: SPKI does not round-trip",
                key.algorithm
            );
        }
        Err(e) => assert!(
            is_input_error(&e, Field::PublicKey),
            "unexpected SPKI error {e:?}"
        ),
    }

    // Encode direction: any bytes of the right length are a raw key of some algorithm.
    if let Some((&sel, raw)) = data.split_first() {
        let algs: Vec<Algorithm> = Algorithm::all().collect();
        let alg = algs[usize::from(sel) % algs.len()];
        let mut key = raw.to_vec();
        key.resize(alg.public_key_len(), 0);
        let mut out = vec![0u8; public_key_der_len(alg)];
        let n = encode_public_key(alg, &key, &mut out).expect("encoding a raw key");
        assert_eq!(n, out.len());
        let back = decode_public_key(&out).expect("decoding an encoded key");
        assert_eq!(back.algorithm, alg);
        assert_eq!(back.key, &key[..]);
        // A too-small buffer is an error and writes nothing.
        let mut small = vec![0xa5u8; n - 1];
        assert!(encode_public_key(alg, &key, &mut small).is_err());
        assert!(
            small.iter().all(|&b| b == 0xa5),
            "{alg}: short buffer was written"
        );
    }
});

//! Differential: the compact ML-DSA signer (`primitives::ml_dsa_compact`) against the libcrux
//! and RustCrypto backends (`SigningKey<P, Libcrux>`, `SigningKey<P, RustCrypto>`), and the
//! expanded-key signer on arbitrary key bytes.
//!
//! Input: `sel` (ML-DSA-44/65/87 by `sel % 3`), `mode`, then fields `seed` (32 bytes, zero
//! padded), `rnd` (32 bytes, zero padded), `msg`, `ctx`, and the rest `edits` (3-byte records
//! `[a, b, m]` that xor byte `a | b<<8` of the expanded key with `m`).
//!
//! Invariants: no panic; for a context of at most 255 bytes, `compact::sign` gives the bytes of
//! both backends' `sign_with_rnd_hazmat` (an over-long context: `ContextTooLong` from all
//! three, nothing written), the signature verifies, and `sign_mu` on the message's μ gives the
//! same bytes; `compact::public_key` is the backends' public key and `expand_key` their
//! expanded key. Then the expanded key is edited and signed with `sign_mu_expanded_hazmat`:
//! it must return (a signature or `SigningFailed`, never a panic or a hang), and with no edits
//! it must give the seed path's signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::Error;
use pqhybrid::primitives::backend::{Libcrux, RustCrypto};
use pqhybrid::primitives::ml_dsa::{MlDsa44, MlDsa65, MlDsa87, MlDsaParams, SigningKey};
use pqhybrid::primitives::ml_dsa_compact::{self as compact, Params};
use pqhybrid_fuzz::Input;

const SETS: [&Params; 3] = [
    &compact::ML_DSA_44,
    &compact::ML_DSA_65,
    &compact::ML_DSA_87,
];

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let sel = usize::from(input.u8()) % SETS.len();
    let _mode = input.u8();
    let mut seed = [0u8; 32];
    seed.iter_mut()
        .zip(input.bytes())
        .for_each(|(d, s)| *d = *s);
    let mut rnd = [0u8; 32];
    rnd.iter_mut().zip(input.bytes()).for_each(|(d, s)| *d = *s);
    let msg = input.bytes();
    let ctx = input.bytes();
    let edits = input.rest();
    match sel {
        0 => run::<MlDsa44>(SETS[0], &seed, &rnd, msg, ctx, edits),
        1 => run::<MlDsa65>(SETS[1], &seed, &rnd, msg, ctx, edits),
        _ => run::<MlDsa87>(SETS[2], &seed, &rnd, msg, ctx, edits),
    }
});

fn run<P: MlDsaParams>(
    p: &'static Params,
    seed: &[u8; 32],
    rnd: &[u8; 32],
    msg: &[u8],
    ctx: &[u8],
    edits: &[u8],
) {
    let lib = SigningKey::<P, Libcrux>::from_seed(seed);
    let rc = SigningKey::<P, RustCrypto>::from_seed(seed);
    let mut pk = vec![0u8; p.pk_len];
    compact::public_key(p, seed, &mut pk).unwrap();
    assert_eq!(pk.as_slice(), lib.verifying_key().to_bytes().as_ref());
    let mut sk = vec![0u8; p.sk_len];
    let mut pk2 = vec![0u8; p.pk_len];
    compact::expand_key(p, seed, &mut sk, &mut pk2).unwrap();
    assert_eq!(pk2, pk);
    assert_eq!(sk.as_slice(), rc.expanded_key_hazmat().as_slice());

    let mut sig = vec![0xa5u8; p.sig_len];
    let got = compact::sign(p, seed, msg, ctx, rnd, &mut sig);
    let want = lib.sign_with_rnd_hazmat(msg, ctx, rnd);
    let want_rc = rc.sign_with_rnd_hazmat(msg, ctx, rnd);
    match (&got, &want, &want_rc) {
        (Ok(()), Ok(w), Ok(w2)) => {
            assert_eq!(sig.as_slice(), w.as_ref());
            assert_eq!(sig.as_slice(), w2.as_ref());
            compact::verify(p, &pk, msg, ctx, &sig).unwrap();
        }
        (Err(Error::ContextTooLong { .. }), Err(e1), Err(e2)) => {
            assert_eq!(got.as_ref().err(), Some(e1));
            assert_eq!(got.as_ref().err(), Some(e2));
            assert!(sig.iter().all(|&b| b == 0xa5), "written on an error");
            return;
        }
        other => panic!("outcomes differ: {other:?}"),
    }
    let mut h = lib.message_hasher(ctx).unwrap();
    h.update(msg);
    let mu = h.finalize();
    let mut sig_mu = vec![0u8; p.sig_len];
    compact::sign_mu(p, seed, &mu.0, rnd, &mut sig_mu).unwrap();
    assert_eq!(sig_mu, sig);

    for e in edits.chunks_exact(3) {
        let at = (usize::from(e[0]) | usize::from(e[1]) << 8) % sk.len();
        sk[at] ^= e[2];
    }
    let mut sig_ex = vec![0u8; p.sig_len];
    match compact::sign_mu_expanded_hazmat(p, &sk, &mu.0, rnd, &mut sig_ex) {
        Ok(()) if edits.len() < 3 => assert_eq!(sig_ex, sig),
        Ok(()) => {}
        Err(Error::SigningFailed) => assert!(sig_ex.iter().all(|&b| b == 0)),
        Err(e) => panic!("sign_mu_expanded_hazmat: unexpected {e:?}"),
    }
}

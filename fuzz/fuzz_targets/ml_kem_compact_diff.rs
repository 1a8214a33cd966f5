//! Three-way differential: the compact ML-KEM (`primitives::ml_kem_compact`: Â sampled one
//! entry at a time, the re-encryption compared as it is made), the libcrux backend and the
//! RustCrypto backend (the fuzz crate compiles both), on keys, ciphertexts and encapsulation
//! keys derived from the input and then edited.
//!
//! Input: `sel` (ML-KEM-512/768/1024 by `sel % 3`), `mode`, then fields `seed` (64 bytes, zero
//! padded), `m` (32 bytes, zero padded), `edits` (3-byte records `[a, b, x]`: xor byte
//! `a | b<<8` (mod the length) of the object `mode` selects with `x`), and the rest, an
//! arbitrary ciphertext used instead of the made one when `mode` bit 0 is set. `mode` bits 1–2
//! pick what the edits apply to: the ciphertext, the expanded `dk`, or `ek`; bit 3 drops the
//! last byte of that object, bit 4 appends one.
//!
//! Invariants: no panic; compact `keygen` gives the backends' `ek` and expanded `dk`;
//! `decapsulate(seed, c)` equals the backends' held key's `decapsulate(c)` (implicit rejection
//! included, the same `Error` otherwise); `decapsulate_expanded(dk, c)` equals the backends'
//! `from_expanded(dk)` then `decapsulate(c)`; `encapsulate_internal(ek, m)` equals the backends'
//! `EncapsulationKey::from_bytes(ek)` then `encapsulate_deterministic(m)`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::primitives::backend::{Libcrux, MlKemBackend, RustCrypto};
use pqhybrid::primitives::ml_kem::{
    DecapsulationKey, EncapsulationKey, MlKem512, MlKem768, MlKem1024, MlKemParams,
};
use pqhybrid::primitives::ml_kem_compact::{self as compact, Params};
use pqhybrid_fuzz::Input;

type Ss = pqhybrid::Result<[u8; 32]>;
type Enc = pqhybrid::Result<(Vec<u8>, [u8; 32])>;

/// One backend's answers.
fn backend<P: MlKemParams, B: MlKemBackend<P>>(
    seed: &[u8; 64],
    dk: &[u8],
    ek: &[u8],
    m: &[u8; 32],
    c: &[u8],
) -> (Vec<u8>, Vec<u8>, Ss, Ss, Enc) {
    let key = DecapsulationKey::<P, B>::from_seed(seed);
    let ek0 = key.encapsulation_key().to_bytes().as_ref().to_vec();
    let dk0 = key.expanded_key_hazmat().to_vec();
    let seed_ss = key.decapsulate(c).map(|k| *k.as_bytes());
    let exp_ss = DecapsulationKey::<P, B>::from_expanded(dk)
        .and_then(|k| k.decapsulate(c))
        .map(|k| *k.as_bytes());
    let enc = EncapsulationKey::<P, B>::from_bytes(ek)
        .map(|k| k.encapsulate_deterministic(m))
        .map(|(ct, k)| (ct.as_ref().to_vec(), *k.as_bytes()));
    (ek0, dk0, seed_ss, exp_ss, enc)
}

fn edit(obj: &mut Vec<u8>, edits: &[u8], mode: u8) {
    if obj.is_empty() {
        return;
    }
    for e in edits.chunks_exact(3) {
        let i = (usize::from(e[0]) | usize::from(e[1]) << 8) % obj.len();
        obj[i] ^= e[2];
    }
    if mode & 8 != 0 {
        obj.pop();
    }
    if mode & 16 != 0 {
        obj.push(0x5a);
    }
}

fn run<P: MlKemParams>(
    p: &'static Params,
    mode: u8,
    seed: &[u8; 64],
    m: &[u8; 32],
    edits: &[u8],
    arbitrary: &[u8],
) {
    let mut ek = vec![0u8; p.ek_len()];
    let mut dk = vec![0u8; p.dk_len()];
    compact::keygen(p, seed, &mut ek, Some(&mut dk)).expect("keygen");
    let mut c = vec![0u8; p.ct_len()];
    let k = compact::encapsulate_internal(p, &ek, m, &mut c).expect("encapsulate");
    assert_eq!(compact::decapsulate(p, seed, &c).expect("decapsulate"), k);
    if mode & 1 != 0 {
        c = arbitrary.to_vec();
    }
    match (mode >> 1) & 3 {
        0 => edit(&mut c, edits, mode),
        1 => edit(&mut dk, edits, mode),
        _ => edit(&mut ek, edits, mode),
    }
    let seed_ss = compact::decapsulate(p, seed, &c).map(|k| *k.as_bytes());
    let exp_ss = compact::decapsulate_expanded(p, &dk, &c).map(|k| *k.as_bytes());
    let mut ct = vec![0u8; p.ct_len()];
    let enc =
        compact::encapsulate_internal(p, &ek, m, &mut ct).map(|k| (ct.clone(), *k.as_bytes()));
    let (ek0, dk0) = {
        let mut e = vec![0u8; p.ek_len()];
        let mut d = vec![0u8; p.dk_len()];
        compact::keygen(p, seed, &mut e, Some(&mut d)).expect("keygen");
        (e, d)
    };
    for (name, (bek, bdk, bseed, bexp, benc)) in [
        ("libcrux", backend::<P, Libcrux>(seed, &dk, &ek, m, &c)),
        (
            "rustcrypto",
            backend::<P, RustCrypto>(seed, &dk, &ek, m, &c),
        ),
    ] {
        assert_eq!(bek, ek0, "{}: ek vs {name}", p.name);
        assert_eq!(bdk, dk0, "{}: dk vs {name}", p.name);
        assert_eq!(seed_ss, bseed, "{}: decapsulate vs {name}", p.name);
        assert_eq!(exp_ss, bexp, "{}: decapsulate_expanded vs {name}", p.name);
        assert_eq!(enc, benc, "{}: encapsulate_internal vs {name}", p.name);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let sel = input.u8() % 3;
    let mode = input.u8();
    let mut seed = [0u8; 64];
    for (d, s) in seed.iter_mut().zip(input.bytes()) {
        *d = *s;
    }
    let mut m = [0u8; 32];
    for (d, s) in m.iter_mut().zip(input.bytes()) {
        *d = *s;
    }
    let edits = input.bytes();
    let arbitrary = input.rest();
    match sel {
        0 => run::<MlKem512>(&compact::ML_KEM_512, mode, &seed, &m, edits, arbitrary),
        1 => run::<MlKem768>(&compact::ML_KEM_768, mode, &seed, &m, edits, arbitrary),
        _ => run::<MlKem1024>(&compact::ML_KEM_1024, mode, &seed, &m, edits, arbitrary),
    }
});

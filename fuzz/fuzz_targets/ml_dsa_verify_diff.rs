//! Three-way differential: the compact ML-DSA verifier (`primitives::ml_dsa_compact`, row by
//! row, no expanded matrix), the libcrux backend (`VerifyingKey<P, Libcrux>`) and the
//! RustCrypto backend (`VerifyingKey<P, RustCrypto>`); the fuzz crate compiles both backends.
//!
//! Input: `sel` (ML-DSA-44/65/87 by `sel % 3`), `mode`, then fields `seed` (32 bytes, zero
//! padded), `msg`, `ctx`, `edits` (4-byte edit records), and the rest is an arbitrary
//! signature (used instead of the made one when `mode` bit 0 is set). The target makes a key
//! pair from `seed` and a deterministic signature over (`msg`, `ctx`) — with an empty context
//! when `ctx` is over 255 bytes — then applies the edits: `[0, a, b, m]` xors byte `a | b<<8`
//! of the signature with `m`; `[1, a, b, d]` sets z coefficient `a | b<<8` to `±(γ₁ − β) + δ`
//! (sign and small δ from `d`); `[2, a, b, _]` writes `b` to hint-section byte `a` (indices or
//! counts); `[3, a, b, m]` xors public-key byte `a | b<<8` with `m`. `mode` bit 1 drops the
//! last signature byte, bit 2 appends one, bit 3 drops the last public-key byte.
//!
//! Invariants: no panic; `compact::verify` and `VerifyingKey::<P, B>::from_bytes(pk)?.verify`
//! for both backends `B` return the same `Result` (the same `Error`, fields included); so do
//! `compact::verify_mu` and `VerifyingKey::verify_mu` on the μ of the message; an unedited
//! signature verifies. libcrux fixed verifier bugs in hint decoding and the norm check as late as
//! 0.0.8-0.0.9: the edits aim at exactly those reject paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::primitives::backend::{Libcrux, RustCrypto};
use pqhybrid::primitives::bytes::ByteArray as _;
use pqhybrid::primitives::ml_dsa::{
    MlDsa44, MlDsa65, MlDsa87, MlDsaParams, SigningKey, VerifyingKey,
};
use pqhybrid::primitives::ml_dsa_compact::{self as compact, Params};
use pqhybrid_fuzz::Input;

/// Selector `sel % 3` picks the set in this order.
const SETS: [&Params; 3] = [
    &compact::ML_DSA_44,
    &compact::ML_DSA_65,
    &compact::ML_DSA_87,
];

struct Case<'a> {
    mode: u8,
    seed: [u8; 32],
    msg: &'a [u8],
    ctx: &'a [u8],
    edits: &'a [u8],
    arbitrary_sig: &'a [u8],
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let sel = usize::from(input.u8()) % SETS.len();
    let mode = input.u8();
    let mut seed = [0u8; 32];
    for (d, s) in seed.iter_mut().zip(input.bytes()) {
        *d = *s;
    }
    let case = Case {
        mode,
        seed,
        msg: input.bytes(),
        ctx: input.bytes(),
        edits: input.bytes(),
        arbitrary_sig: input.rest(),
    };
    match sel {
        0 => run::<MlDsa44>(SETS[0], &case),
        1 => run::<MlDsa65>(SETS[1], &case),
        _ => run::<MlDsa87>(SETS[2], &case),
    }
});

/// Sets z coefficient `n` (mod 256·ℓ) of the packed signature to `z` (clamped to the encodable
/// range `[−γ₁ + 1, γ₁]`).
fn set_z(p: &Params, sig: &mut [u8], n: usize, z: i32) {
    let bits = (p.gamma1_bits + 1) as usize;
    let z = z.clamp(-p.gamma1() + 1, p.gamma1());
    let v = (p.gamma1() - z) as u32;
    let base = p.c_tilde_len * 8 + (n % (256 * p.l)) * bits;
    for b in 0..bits {
        let pos = base + b;
        let Some(byte) = sig.get_mut(pos / 8) else {
            return;
        };
        let mask = 1u8 << (pos % 8);
        if (v >> b) & 1 == 1 {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }
}

fn run<P: MlDsaParams>(p: &'static Params, c: &Case<'_>) {
    assert_eq!(p.pk_len, P::PUBLIC_KEY_LEN);
    assert_eq!(p.sig_len, P::SIGNATURE_LEN);
    let sk = SigningKey::<P>::from_seed(&c.seed);
    let mut pk = sk.verifying_key().to_bytes().to_vec();
    let sign_ctx: &[u8] = if c.ctx.len() > 255 { b"" } else { c.ctx };
    let mut sig = if c.mode & 1 == 1 {
        c.arbitrary_sig.to_vec()
    } else {
        sk.sign_deterministic(c.msg, sign_ctx)
            .expect("deterministic signing")
            .to_vec()
    };
    let h_start = p.c_tilde_len + p.l * p.z_poly_len();
    let bound = p.gamma1() - p.beta;
    for e in c.edits.chunks_exact(4) {
        let (kind, a, b, m) = (e[0], e[1], e[2], e[3]);
        let at = usize::from(a) | usize::from(b) << 8;
        match kind % 4 {
            0 => {
                if let Some(x) = sig.get_mut(at) {
                    *x ^= m;
                }
            }
            1 => {
                let delta = i32::from(m & 0x3f) - 32;
                let z = if m & 0x80 == 0 {
                    bound + delta
                } else {
                    -bound - delta
                };
                set_z(p, &mut sig, at, z);
            }
            2 => {
                let i = h_start + usize::from(a) % (p.omega + p.k);
                if let Some(x) = sig.get_mut(i) {
                    *x = b;
                }
            }
            _ => {
                if let Some(x) = pk.get_mut(at) {
                    *x ^= m;
                }
            }
        }
    }
    if c.mode & 2 == 2 {
        sig.pop();
    }
    if c.mode & 4 == 4 {
        sig.push(c.mode);
    }
    if c.mode & 8 == 8 {
        pk.pop();
    }
    let got = compact::verify(p, &pk, c.msg, c.ctx, &sig);
    let libcrux =
        VerifyingKey::<P, Libcrux>::from_bytes(&pk).and_then(|vk| vk.verify(c.msg, c.ctx, &sig));
    let rustcrypto =
        VerifyingKey::<P, RustCrypto>::from_bytes(&pk).and_then(|vk| vk.verify(c.msg, c.ctx, &sig));
    assert_eq!(got, libcrux, "{}: compact vs libcrux (pure)", p.name);
    assert_eq!(got, rustcrypto, "{}: compact vs RustCrypto (pure)", p.name);
    if let Ok(vk) = VerifyingKey::<P, RustCrypto>::from_bytes(&pk)
        && let Ok(mut h) = vk.message_hasher(c.ctx)
    {
        h.update(c.msg);
        let mu = h.finalize();
        let got_mu = compact::verify_mu(p, &pk, &mu.0, &sig);
        assert_eq!(
            got_mu,
            vk.verify_mu(&mu, &sig),
            "{}: compact vs RustCrypto (μ)",
            p.name
        );
        assert_eq!(got_mu, got, "{}: verify_mu vs verify", p.name);
    }
    let unedited = c.mode & 0x0f == 0 && c.edits.len() < 4 && c.ctx.len() <= 255;
    if unedited {
        assert_eq!(got, Ok(()), "{}: a fresh signature must verify", p.name);
    }
}

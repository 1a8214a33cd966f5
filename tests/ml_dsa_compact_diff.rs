//! Differential test: the compact ML-DSA verifier (`primitives::ml_dsa_compact`) against the
//! RustCrypto-backed `primitives::ml_dsa::VerifyingKey` on valid deterministic signatures and
//! on many mutations of them. Both must return the same `Result` (the same `Error`, fields
//! included) for every input.
//!
//! Run: `cargo test -p pqhybrid --all-features --test ml_dsa_compact_diff -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use pqhybrid::primitives::bytes::ByteArray as _;
use pqhybrid::primitives::ml_dsa::{
    MlDsa44, MlDsa65, MlDsa87, MlDsaParams, SigningKey, VerifyingKey,
};
use pqhybrid::primitives::ml_dsa_compact::{self as compact, Params};
use pqhybrid::rng::TryRng;
use pqhybrid::{Error, Field};
use pqhybrid_kat::rng::TestRng;

fn next(rng: &mut TestRng) -> u64 {
    rng.try_next_u64().unwrap()
}

fn below(rng: &mut TestRng, n: usize) -> usize {
    (next(rng) % n as u64) as usize
}

/// A short name for a result, for the outcome census.
fn kind(r: &pqhybrid::Result<()>) -> &'static str {
    match r {
        Ok(()) => "Ok",
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            ..
        }) => "InvalidLength(pk)",
        Err(Error::InvalidLength {
            field: Field::Signature,
            ..
        }) => "InvalidLength(sig)",
        Err(Error::ContextTooLong { .. }) => "ContextTooLong",
        Err(Error::MalformedEncoding {
            field: Field::Signature,
        }) => "MalformedEncoding(sig)",
        Err(Error::VerificationFailed) => "VerificationFailed",
        Err(_) => "other",
    }
}

/// Offsets of the signature's parts.
struct Layout {
    z: usize,
    h: usize,
    counts: usize,
}

fn layout(p: &Params) -> Layout {
    let z = p.c_tilde_len;
    let h = z + p.l * p.z_poly_len();
    Layout {
        z,
        h,
        counts: h + p.omega,
    }
}

/// Sets z coefficient `n` (0 ≤ n < 256·ℓ) of a packed signature to `z`.
fn set_z(p: &Params, sig: &mut [u8], n: usize, z: i32) {
    let bits = (p.gamma1_bits + 1) as usize;
    let v = (p.gamma1() - z) as u32;
    assert!(v < (1 << bits), "z = {z} not representable");
    let base = layout(p).z * 8 + n * bits;
    for b in 0..bits {
        let pos = base + b;
        let mask = 1u8 << (pos % 8);
        if (v >> b) & 1 == 1 {
            sig[pos / 8] |= mask;
        } else {
            sig[pos / 8] &= !mask;
        }
    }
}

/// Writes a hint section from per-row index lists (cumulative counts, zero padding).
/// Rows beyond `rows.len()` are empty. Total must be ≤ ω.
fn set_hints(p: &Params, sig: &mut [u8], rows: &[&[u8]]) {
    let l = layout(p);
    sig[l.h..].fill(0);
    let mut at = 0;
    for i in 0..p.k {
        if let Some(row) = rows.get(i) {
            for &j in *row {
                sig[l.h + at] = j;
                at += 1;
            }
        }
        sig[l.counts + i] = at as u8;
    }
}

struct Runner<'a, P: MlDsaParams> {
    params: &'static Params,
    census: &'a mut BTreeMap<&'static str, usize>,
    cases: usize,
    _p: core::marker::PhantomData<P>,
}

impl<P: MlDsaParams> Runner<'_, P> {
    /// Both verifiers on the pure interface, and (when the key has the right length) on μ.
    fn check(
        &mut self,
        what: &str,
        pk: &[u8],
        msg: &[u8],
        ctx: &[u8],
        sig: &[u8],
    ) -> pqhybrid::Result<()> {
        let got = compact::verify(self.params, pk, msg, ctx, sig);
        let want = VerifyingKey::<P>::from_bytes(pk).and_then(|vk| vk.verify(msg, ctx, sig));
        assert_eq!(
            got, want,
            "{} {what}: compact vs RustCrypto",
            self.params.name
        );
        if let Ok(vk) = VerifyingKey::<P>::from_bytes(pk)
            && let Ok(h) = vk.message_hasher(ctx)
        {
            let mut h = h;
            h.update(msg);
            let mu = h.finalize();
            let got_mu = compact::verify_mu(self.params, pk, &mu.0, sig);
            assert_eq!(
                got_mu, got,
                "{} {what}: verify_mu vs verify",
                self.params.name
            );
            assert_eq!(compact::public_key_hash(pk), *vk.tr());
        }
        *self.census.entry(kind(&got)).or_default() += 1;
        self.cases += 1;
        got
    }

    /// Every mutation of one valid (pk, msg, ctx, sig).
    fn mutations(&mut self, rng: &mut TestRng, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) {
        let p = self.params;
        let l = layout(p);
        let malformed = Err(Error::MalformedEncoding {
            field: Field::Signature,
        });
        assert_eq!(self.check("valid", pk, msg, ctx, sig), Ok(()));

        // Bit flips by region: c̃, z, hint indices, each hint count byte, the whole signature.
        let regions: [(&str, usize, usize, usize); 4] = [
            ("c̃", 0, l.z, 6),
            ("z", l.z, l.h, 16),
            ("hint indices", l.h, l.counts, 10),
            ("signature", 0, sig.len(), 10),
        ];
        for (name, lo, hi, n) in regions {
            for _ in 0..n {
                let mut s = sig.to_vec();
                let at = lo + below(rng, hi - lo);
                s[at] ^= 1 << below(rng, 8);
                let _ = self.check(&format!("flip in {name} at {at}"), pk, msg, ctx, &s);
            }
        }
        for i in 0..p.k {
            for bit in [0, below(rng, 8)] {
                let mut s = sig.to_vec();
                s[l.counts + i] ^= 1 << bit;
                let _ = self.check(&format!("flip count {i} bit {bit}"), pk, msg, ctx, &s);
            }
        }
        // Public key: ρ and t₁.
        for (name, lo, hi) in [("ρ", 0, 32), ("t1", 32, pk.len())] {
            for _ in 0..4 {
                let mut k = pk.to_vec();
                let at = lo + below(rng, hi - lo);
                k[at] ^= 1 << below(rng, 8);
                let r = self.check(&format!("flip in pk {name} at {at}"), &k, msg, ctx, sig);
                assert!(r.is_err());
            }
        }
        // Message and context.
        let mut m = msg.to_vec();
        m.push(0);
        assert!(self.check("msg extended", pk, &m, ctx, sig).is_err());
        if !msg.is_empty() {
            let mut m = msg.to_vec();
            m[0] ^= 0x80;
            assert!(self.check("msg flipped", pk, &m, ctx, sig).is_err());
        }
        let mut c = ctx.to_vec();
        c.push(1);
        self.check("ctx extended", pk, msg, &c, sig).unwrap_err();
        let long = vec![0u8; 256];
        self.check("ctx 256", pk, msg, &long, sig).unwrap_err();
        self.check("ctx 255", pk, msg, &long[..255], sig)
            .unwrap_err();
        // Lengths, and their order against each other and the context.
        self.check("pk short", &pk[..pk.len() - 1], msg, ctx, sig)
            .unwrap_err();
        self.check("pk long", &[pk, &[0]].concat(), msg, ctx, sig)
            .unwrap_err();
        self.check("pk empty", &[], msg, ctx, sig).unwrap_err();
        self.check("sig short", pk, msg, ctx, &sig[..sig.len() - 1])
            .unwrap_err();
        self.check("sig long", pk, msg, ctx, &[sig, &[0]].concat())
            .unwrap_err();
        self.check("sig empty", pk, msg, ctx, &[]).unwrap_err();
        self.check("pk short + ctx 256", &pk[1..], msg, &long, sig)
            .unwrap_err();
        self.check("ctx 256 + sig short", pk, msg, &long, &sig[1..])
            .unwrap_err();
        self.check("pk short + sig short", &pk[1..], msg, ctx, &sig[1..])
            .unwrap_err();
        let mut bad_hint_short = sig[..sig.len() - 1].to_vec();
        bad_hint_short[l.counts] = 0xff;
        self.check("sig short + bad hint", pk, msg, ctx, &bad_hint_short)
            .unwrap_err();

        // z at and around the norm bound γ₁ − β, both signs, and the extreme encodings.
        let bound = p.gamma1() - p.beta;
        for _ in 0..3 {
            let n = below(rng, 256 * p.l);
            for (z, must_be_malformed) in [
                (bound, true),
                (-bound, true),
                (bound - 1, false),
                (-(bound - 1), false),
                (p.gamma1(), true),
                (-p.gamma1() + 1, true),
                (0, false),
            ] {
                let mut s = sig.to_vec();
                set_z(p, &mut s, n, z);
                let r = self.check(&format!("z[{n}] = {z}"), pk, msg, ctx, &s);
                if must_be_malformed {
                    assert_eq!(r, malformed, "z[{n}] = {z}");
                } else {
                    assert_ne!(r, malformed, "z[{n}] = {z}");
                }
            }
        }
        // An out-of-bound z AND a bad hint AND a wrong c̃: still MalformedEncoding.
        let mut s = sig.to_vec();
        set_z(p, &mut s, 0, bound);
        s[0] ^= 1;
        assert_eq!(self.check("z bound + c̃ flip", pk, msg, ctx, &s), malformed);

        // Crafted hint sections.
        let omega = p.omega;
        let k = p.k;
        let spread: Vec<u8> = (0..omega).map(|j| (j * 3) as u8).collect();
        let crafted: Vec<(&str, Vec<&[u8]>, bool)> = vec![
            ("no hints", vec![], false),
            ("duplicate in row 0", vec![&[5, 5]], true),
            ("unsorted in row 0", vec![&[7, 5]], true),
            (
                "duplicate in last row",
                {
                    let mut v: Vec<&[u8]> = vec![&[]; k - 1];
                    v.push(&[9, 9]);
                    v
                },
                true,
            ),
            ("same index in two rows", vec![&[5], &[5]], false),
            ("ω hints in row 0 (sorted)", vec![&spread[..]], false),
            (
                "ω hints over rows",
                vec![&spread[..omega / 2], &spread[omega / 2..]],
                false,
            ),
            ("index 255 and 0", vec![&[0, 255]], false),
            ("255 before 0", vec![&[255, 0]], true),
        ];
        for (name, rows, bad) in crafted {
            let mut s = sig.to_vec();
            set_hints(p, &mut s, &rows);
            let r = self.check(&format!("hints: {name}"), pk, msg, ctx, &s);
            if bad {
                assert_eq!(r, malformed, "hints: {name}");
            } else {
                assert_ne!(r, malformed, "hints: {name}");
            }
        }
        // Counts: decreasing, above ω, 255, non-zero padding, index bytes beyond the last count.
        let mut s = sig.to_vec();
        set_hints(p, &mut s, &[&[1, 2, 3], &[4]]);
        s[l.counts + 1] = 2; // row 1 ends before row 0
        assert_eq!(self.check("count decreasing", pk, msg, ctx, &s), malformed);
        for over in [omega + 1, 255] {
            let mut s = sig.to_vec();
            set_hints(p, &mut s, &[]);
            s[l.counts + k - 1] = over as u8;
            assert_eq!(
                self.check(&format!("last count {over}"), pk, msg, ctx, &s),
                malformed
            );
            let mut s = sig.to_vec();
            set_hints(p, &mut s, &[]);
            for i in 0..k {
                s[l.counts + i] = over as u8;
            }
            assert_eq!(
                self.check(&format!("all counts {over}"), pk, msg, ctx, &s),
                malformed
            );
        }
        let mut s = sig.to_vec();
        set_hints(p, &mut s, &[&[1, 2], &[3]]);
        s[l.h + 3 + below(rng, omega - 3)] = 1 + below(rng, 255) as u8;
        assert_eq!(self.check("non-zero padding", pk, msg, ctx, &s), malformed);
        let mut s = sig.to_vec();
        set_hints(p, &mut s, &[&spread[..]]);
        for i in 1..k {
            s[l.counts + i] = (omega - 1) as u8; // decreasing after row 0 = ω
        }
        assert_eq!(self.check("count ω then ω−1", pk, msg, ctx, &s), malformed);
        // A bad hint with a valid z still wins over the c̃ comparison.
        let mut s = sig.to_vec();
        set_hints(p, &mut s, &[&[3, 3]]);
        s[1] ^= 0x10;
        assert_eq!(self.check("bad hint + c̃ flip", pk, msg, ctx, &s), malformed);

        // Random signatures and random μ.
        for _ in 0..3 {
            let s: Vec<u8> = (0..sig.len()).map(|_| next(rng) as u8).collect();
            let _ = self.check("random signature", pk, msg, ctx, &s);
        }
        let mu: [u8; 64] = core::array::from_fn(|_| next(rng) as u8);
        assert_eq!(
            compact::verify_mu(p, pk, &mu, sig),
            Err(pqhybrid::Error::VerificationFailed),
            "random μ"
        );
    }
}

fn run_set<P: MlDsaParams>(params: &'static Params) -> usize {
    let mut census = BTreeMap::new();
    let mut runner = Runner::<P> {
        params,
        census: &mut census,
        cases: 0,
        _p: core::marker::PhantomData,
    };
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15 ^ params.k as u64);
    for seed_no in 0..4u8 {
        let seed: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(29) ^ seed_no);
        let sk = SigningKey::<P>::from_seed(&seed);
        let pk = sk.verifying_key().to_bytes().to_vec();
        let msg: Vec<u8> = (0..below(&mut rng, 200))
            .map(|_| next(&mut rng) as u8)
            .collect();
        let ctx: Vec<u8> = match seed_no {
            0 => Vec::new(),
            1 => vec![0xab; 255],
            _ => (0..below(&mut rng, 40))
                .map(|_| next(&mut rng) as u8)
                .collect(),
        };
        let sig = sk.sign_deterministic(&msg, &ctx).unwrap().to_vec();
        runner.mutations(&mut rng, &pk, &msg, &ctx, &sig);
    }
    let cases = runner.cases;
    println!("diff {}: {cases} cases, outcomes {census:?}", params.name);
    for k in [
        "Ok",
        "InvalidLength(pk)",
        "InvalidLength(sig)",
        "ContextTooLong",
        "MalformedEncoding(sig)",
        "VerificationFailed",
    ] {
        assert!(
            census.get(k).copied().unwrap_or(0) > 0,
            "{}: no {k} case",
            params.name
        );
    }
    assert_eq!(census.get("other"), None);
    cases
}

#[test]
fn ml_dsa_44_compact_matches_rustcrypto() {
    run_set::<MlDsa44>(&compact::ML_DSA_44);
}

#[test]
fn ml_dsa_65_compact_matches_rustcrypto() {
    run_set::<MlDsa65>(&compact::ML_DSA_65);
}

#[test]
fn ml_dsa_87_compact_matches_rustcrypto() {
    run_set::<MlDsa87>(&compact::ML_DSA_87);
}

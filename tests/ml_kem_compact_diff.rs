//! Differential test: the compact ML-KEM (`primitives::ml_kem_compact`) against every lattice
//! backend in the build (libcrux with `backend-libcrux`, RustCrypto with `backend-rustcrypto`),
//! through the typed API with the backend named explicitly (`DecapsulationKey::<P, B>`).
//!
//! For each parameter set, a few hundred seeds from a constant-seeded generator: the compact
//! keygen's `ek` and expanded `dk` equal each backend's byte for byte; the compact encapsulation
//! with a given `m` equals each backend's `(c, K)`; decapsulation (seed and expanded key) of the
//! valid ciphertext gives `K`, and of mutated ciphertexts (single-bit flips, random bytes, all
//! zeros, all 0xff) exactly each backend's implicit-rejection key. Encapsulation keys with an
//! unreduced coefficient are rejected by both sides with `InvalidKey`; expanded keys failing the
//! hash check likewise. Wrong-length inputs give `InvalidLength` with the right field and
//! lengths (the same `Result` as the backends where they take the input), short output buffers
//! `BufferTooSmall`, and no output buffer is written when a call fails (nor past its output when
//! it succeeds).
//!
//! Run: `cargo test -p pqhybrid --all-features --test ml_kem_compact_diff -- --nocapture`
//! (with one backend only, the compact code is compared with that one).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::marker::PhantomData;

#[cfg(feature = "backend-libcrux")]
use pqhybrid::primitives::backend::Libcrux;
#[cfg(feature = "backend-rustcrypto")]
use pqhybrid::primitives::backend::RustCrypto;
use pqhybrid::primitives::ml_kem::{
    DecapsulationKey, EncapsulationKey, MlKem512, MlKem768, MlKem1024, MlKemBackend, MlKemParams,
};
use pqhybrid::primitives::ml_kem_compact::{self as compact, Params, SEED_LEN};
use pqhybrid::rng::TryRng as _;
use pqhybrid::{Error, Field};
use pqhybrid_kat::rng::{FailingRng, Replay, TestRng};
use sha3::{Digest as _, Sha3_256};

/// Seeds per parameter set.
const SEEDS: usize = 300;
/// Seeds (the first ones) that also run the error-path checks.
const ERROR_SEEDS: usize = 12;
/// q.
const Q: u16 = 3329;
/// Spare bytes after every output buffer, filled with [`CANARY`].
const SPARE: usize = 8;
/// The fill of the output buffers.
const CANARY: u8 = 0xa5;

/// A decapsulation's outcome: `K` or the error.
type SsOutcome = pqhybrid::Result<[u8; 32]>;
/// An encapsulation's outcome: `(c, K)` or the error.
type EncOutcome = pqhybrid::Result<(Vec<u8>, [u8; 32])>;

// ---------------------------------------------------------------------------------------------
// The backends, behind one object-safe trait.
// ---------------------------------------------------------------------------------------------

/// One backend's typed API for one parameter set.
trait Oracle {
    fn name(&self) -> &'static str;
    /// `(ek, expanded dk)` from the seed.
    fn keygen(&self, seed: &[u8; SEED_LEN]) -> (Vec<u8>, Vec<u8>);
    /// `EncapsulationKey::from_bytes` (§7.2 checks) only.
    fn ek_check(&self, ek: &[u8]) -> pqhybrid::Result<()>;
    /// Import, then `Encaps_internal(ek, m)`.
    fn encaps(&self, ek: &[u8], m: &[u8; 32]) -> EncOutcome;
    /// The seed-form key's decapsulation of each ciphertext.
    fn decaps_seed(&self, seed: &[u8; SEED_LEN], cts: &[Vec<u8>]) -> Vec<SsOutcome>;
    /// `from_expanded(dk)` (§7.3 checks), then the decapsulation of each ciphertext.
    fn decaps_expanded(&self, dk: &[u8], cts: &[Vec<u8>]) -> Vec<SsOutcome>;
}

struct Via<P, B>(&'static str, PhantomData<(P, B)>);

impl<P: MlKemParams, B: MlKemBackend<P>> Oracle for Via<P, B> {
    fn name(&self) -> &'static str {
        self.0
    }

    fn keygen(&self, seed: &[u8; SEED_LEN]) -> (Vec<u8>, Vec<u8>) {
        let key = DecapsulationKey::<P, B>::from_seed(seed);
        (
            key.encapsulation_key().to_bytes().as_ref().to_vec(),
            key.expanded_key_hazmat().to_vec(),
        )
    }

    fn ek_check(&self, ek: &[u8]) -> pqhybrid::Result<()> {
        EncapsulationKey::<P, B>::from_bytes(ek).map(|_| ())
    }

    fn encaps(&self, ek: &[u8], m: &[u8; 32]) -> EncOutcome {
        EncapsulationKey::<P, B>::from_bytes(ek).map(|key| {
            let (c, k) = key.encapsulate_deterministic(m);
            (c.as_ref().to_vec(), *k.as_bytes())
        })
    }

    fn decaps_seed(&self, seed: &[u8; SEED_LEN], cts: &[Vec<u8>]) -> Vec<SsOutcome> {
        let key = DecapsulationKey::<P, B>::from_seed(seed);
        cts.iter()
            .map(|c| key.decapsulate(c).map(|k| *k.as_bytes()))
            .collect()
    }

    fn decaps_expanded(&self, dk: &[u8], cts: &[Vec<u8>]) -> Vec<SsOutcome> {
        match DecapsulationKey::<P, B>::from_expanded(dk) {
            Ok(key) => cts
                .iter()
                .map(|c| key.decapsulate(c).map(|k| *k.as_bytes()))
                .collect(),
            Err(e) => vec![Err(e); cts.len()],
        }
    }
}

/// The libcrux backend's oracle, if it is in the build.
#[cfg(feature = "backend-libcrux")]
fn libcrux<P: MlKemParams>() -> Option<Box<dyn Oracle>> {
    Some(Box::new(Via::<P, Libcrux>("libcrux", PhantomData)))
}

#[cfg(not(feature = "backend-libcrux"))]
fn libcrux<P: MlKemParams>() -> Option<Box<dyn Oracle>> {
    None
}

/// The RustCrypto backend's oracle, if it is in the build.
#[cfg(feature = "backend-rustcrypto")]
fn rustcrypto<P: MlKemParams>() -> Option<Box<dyn Oracle>> {
    Some(Box::new(Via::<P, RustCrypto>("rustcrypto", PhantomData)))
}

#[cfg(not(feature = "backend-rustcrypto"))]
fn rustcrypto<P: MlKemParams>() -> Option<Box<dyn Oracle>> {
    None
}

/// Every backend in the build, for the typed parameter set `P`.
fn oracles<P: MlKemParams>() -> Vec<Box<dyn Oracle>> {
    [libcrux::<P>(), rustcrypto::<P>()]
        .into_iter()
        .flatten()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

fn next(rng: &mut TestRng) -> u64 {
    rng.try_next_u64().unwrap()
}

fn below(rng: &mut TestRng, n: usize) -> usize {
    (next(rng) % n as u64) as usize
}

fn bytes<const N: usize>(rng: &mut TestRng) -> [u8; N] {
    let mut b = [0u8; N];
    rng.try_fill_bytes(&mut b).unwrap();
    b
}

fn canary(len: usize) -> Vec<u8> {
    vec![CANARY; len]
}

fn is_canary(buf: &[u8]) -> bool {
    buf.iter().all(|&b| b == CANARY)
}

/// Sets coefficient `n` (0 ≤ n < 256·k) of the `ByteEncode₁₂` part of `buf` to `v` (< 4096).
fn set12(buf: &mut [u8], n: usize, v: u16) {
    assert!(v < 4096);
    let at = 3 * (n / 2);
    if n.is_multiple_of(2) {
        buf[at] = v as u8;
        buf[at + 1] = (buf[at + 1] & 0xf0) | (v >> 8) as u8;
    } else {
        buf[at + 1] = (buf[at + 1] & 0x0f) | ((v & 0x0f) << 4) as u8;
        buf[at + 2] = (v >> 4) as u8;
    }
}

/// Coefficient `n` of the `ByteEncode₁₂` part of `buf`.
fn get12(buf: &[u8], n: usize) -> u16 {
    let at = 3 * (n / 2);
    let (a, b, c) = (buf[at] as u16, buf[at + 1] as u16, buf[at + 2] as u16);
    if n.is_multiple_of(2) {
        a | ((b & 0x0f) << 8)
    } else {
        (b >> 4) | (c << 4)
    }
}

/// The number of polynomials (k) of a parameter set.
fn k_of(p: &Params) -> usize {
    (p.ek_len() - 32) / 384
}

/// Where `h = H(ek)` sits in an expanded `dk`.
fn h_at(p: &Params) -> usize {
    384 * k_of(p) + p.ek_len()
}

/// Rewrites the `ek` embedded in `dk` and fixes `h`, so the hash check passes.
fn dk_with_ek(p: &Params, dk: &[u8], ek: &[u8]) -> Vec<u8> {
    let mut out = dk.to_vec();
    let at = 384 * k_of(p);
    out[at..at + p.ek_len()].copy_from_slice(ek);
    let h = h_at(p);
    out[h..h + 32].copy_from_slice(&Sha3_256::digest(ek));
    out
}

/// A short name for a result, for the outcome census.
fn kind<T>(r: &pqhybrid::Result<T>) -> &'static str {
    match r {
        Ok(_) => "Ok",
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            ..
        }) => "InvalidLength(ek)",
        Err(Error::InvalidLength {
            field: Field::ExpandedKey,
            ..
        }) => "InvalidLength(dk)",
        Err(Error::InvalidLength {
            field: Field::Ciphertext,
            ..
        }) => "InvalidLength(ct)",
        Err(Error::InvalidKey {
            field: Field::PublicKey,
        }) => "InvalidKey(ek)",
        Err(Error::InvalidKey {
            field: Field::ExpandedKey,
        }) => "InvalidKey(dk)",
        Err(Error::BufferTooSmall {
            field: Field::PublicKey,
            ..
        }) => "BufferTooSmall(ek)",
        Err(Error::BufferTooSmall {
            field: Field::ExpandedKey,
            ..
        }) => "BufferTooSmall(dk)",
        Err(Error::BufferTooSmall {
            field: Field::Ciphertext,
            ..
        }) => "BufferTooSmall(ct)",
        Err(Error::Rng) => "Rng",
        Err(_) => "other",
    }
}

// ---------------------------------------------------------------------------------------------
// The runner.
// ---------------------------------------------------------------------------------------------

struct Runner {
    p: &'static Params,
    oracles: Vec<Box<dyn Oracle>>,
    census: BTreeMap<&'static str, usize>,
    checks: usize,
}

impl Runner {
    fn count<T>(&mut self, r: &pqhybrid::Result<T>) {
        *self.census.entry(kind(r)).or_default() += 1;
        self.checks += 1;
    }

    /// The compact keygen: `(ek, dk)`, nothing written past either, and the same `ek` without
    /// `dk_out`.
    fn keygen(&mut self, seed: &[u8; SEED_LEN]) -> (Vec<u8>, Vec<u8>) {
        let p = self.p;
        let mut ek = canary(p.ek_len() + SPARE);
        let mut dk = canary(p.dk_len() + SPARE);
        let r = compact::keygen(p, seed, &mut ek, Some(&mut dk));
        self.count(&r);
        r.unwrap();
        assert!(
            is_canary(&ek[p.ek_len()..]),
            "{}: keygen wrote past ek",
            p.name
        );
        assert!(
            is_canary(&dk[p.dk_len()..]),
            "{}: keygen wrote past dk",
            p.name
        );
        ek.truncate(p.ek_len());
        dk.truncate(p.dk_len());
        let mut ek2 = canary(p.ek_len());
        compact::keygen(p, seed, &mut ek2, None).unwrap();
        assert_eq!(ek2, ek, "{}: keygen without dk_out", p.name);
        (ek, dk)
    }

    /// `encapsulate_internal(ek, m)` and `encapsulate` with a generator giving `m`: the same
    /// outcome, nothing written past the ciphertext, nothing at all on failure. The ciphertext
    /// buffer is `ct_len + extra` bytes (`extra` may be negative).
    fn encaps(&mut self, what: &str, ek: &[u8], m: &[u8; 32], extra: isize) -> EncOutcome {
        let p = self.p;
        let len = p.ct_len().saturating_add_signed(extra);
        let finish = |buf: Vec<u8>, r: pqhybrid::Result<pqhybrid::SharedSecret>| match r {
            Ok(k) => {
                assert!(
                    is_canary(&buf[p.ct_len()..]),
                    "{} {what}: wrote past the ciphertext",
                    p.name
                );
                Ok((buf[..p.ct_len()].to_vec(), *k.as_bytes()))
            }
            Err(e) => {
                assert!(
                    is_canary(&buf),
                    "{} {what}: wrote to ct_out and failed",
                    p.name
                );
                Err(e)
            }
        };
        let mut buf = canary(len);
        let r = compact::encapsulate_internal(p, ek, m, &mut buf);
        let internal = finish(buf, r);
        let mut buf = canary(len);
        let r = compact::encapsulate(p, ek, &mut Replay(m), &mut buf);
        let randomized = finish(buf, r);
        assert_eq!(
            internal, randomized,
            "{} {what}: encapsulate_internal vs encapsulate",
            p.name
        );
        self.count(&internal);
        internal
    }

    /// The compact decapsulations (seed and expanded) of each ciphertext; they must agree when
    /// `dk` is the seed's own expanded key.
    fn decaps(
        &mut self,
        seed: &[u8; SEED_LEN],
        dk: &[u8],
        cts: &[Vec<u8>],
    ) -> (Vec<SsOutcome>, Vec<SsOutcome>) {
        let p = self.p;
        let from_seed: Vec<SsOutcome> = cts
            .iter()
            .map(|c| compact::decapsulate(p, seed, c).map(|k| *k.as_bytes()))
            .collect();
        let from_dk: Vec<SsOutcome> = cts
            .iter()
            .map(|c| compact::decapsulate_expanded(p, dk, c).map(|k| *k.as_bytes()))
            .collect();
        for r in from_seed.iter().chain(&from_dk) {
            self.count(r);
        }
        (from_seed, from_dk)
    }

    /// One seed: keys, encapsulation, decapsulation of the valid and mutated ciphertexts.
    fn seed_case(&mut self, rng: &mut TestRng, n: usize) {
        let p = self.p;
        let seed: [u8; SEED_LEN] = bytes(rng);
        let m: [u8; 32] = bytes(rng);
        let (ek, dk) = self.keygen(&seed);
        for o in &self.oracles {
            let (oek, odk) = o.keygen(&seed);
            assert_eq!(ek, oek, "{} seed {n}: ek vs {}", p.name, o.name());
            assert_eq!(dk, odk, "{} seed {n}: expanded dk vs {}", p.name, o.name());
        }

        let (c, k) = self.encaps("encaps", &ek, &m, 0).unwrap();
        for o in &self.oracles {
            assert_eq!(
                o.encaps(&ek, &m),
                Ok((c.clone(), k)),
                "{} seed {n}: (c, K) vs {}",
                p.name,
                o.name()
            );
        }

        // The valid ciphertext, then mutations: a bit flip anywhere, one in the v part, random
        // bytes, all zeros, all 0xff.
        let mut cts = vec![c.clone()];
        let v_len = if p.ct_len() == 1568 { 160 } else { 128 };
        for (lo, hi) in [(0, c.len()), (c.len() - v_len, c.len())] {
            let mut x = c.clone();
            x[lo + below(rng, hi - lo)] ^= 1 << below(rng, 8);
            cts.push(x);
        }
        let mut x = canary(p.ct_len());
        rng.try_fill_bytes(&mut x).unwrap();
        cts.push(x);
        cts.push(vec![0; p.ct_len()]);
        cts.push(vec![0xff; p.ct_len()]);

        let (from_seed, from_dk) = self.decaps(&seed, &dk, &cts);
        assert_eq!(from_seed, from_dk, "{} seed {n}: seed vs expanded", p.name);
        assert_eq!(from_seed[0], Ok(k), "{} seed {n}: K of the valid c", p.name);
        for (i, r) in from_seed.iter().enumerate().skip(1) {
            assert_ne!(r, &Ok(k), "{} seed {n}: mutated c {i} gave K", p.name);
            assert!(r.is_ok(), "{} seed {n}: mutated c {i}: {r:?}", p.name);
        }
        for o in &self.oracles {
            assert_eq!(
                o.decaps_seed(&seed, &cts),
                from_seed,
                "{} seed {n}: seed-key decapsulations vs {}",
                p.name,
                o.name()
            );
            assert_eq!(
                o.decaps_expanded(&dk, &cts),
                from_dk,
                "{} seed {n}: expanded-key decapsulations vs {}",
                p.name,
                o.name()
            );
        }

        self.unreduced_ek(rng, n, &ek, &m);
        if n < ERROR_SEEDS {
            self.errors(rng, n, &seed, &ek, &dk, &cts, &from_seed);
        }
    }

    /// An `ek` with one coefficient ≥ q is rejected by both sides; one at q − 1 is accepted and
    /// encapsulates as the backends do.
    fn unreduced_ek(&mut self, rng: &mut TestRng, n: usize, ek: &[u8], m: &[u8; 32]) {
        let p = self.p;
        let coef = below(rng, 256 * k_of(p));
        for v in [Q + below(rng, 4096 - Q as usize) as u16, Q, 4095, Q - 1] {
            let mut bad = ek.to_vec();
            set12(&mut bad, coef, v);
            assert_eq!(get12(&bad, coef), v);
            let got = self.encaps(&format!("ek[{coef}] = {v}"), &bad, m, 0);
            if v >= Q {
                assert_eq!(
                    got,
                    Err(Error::InvalidKey {
                        field: Field::PublicKey
                    }),
                    "{} seed {n}: ek coefficient {coef} = {v}",
                    p.name
                );
            } else {
                assert!(got.is_ok(), "{} seed {n}: ek coefficient = q − 1", p.name);
            }
            for o in &self.oracles {
                assert_eq!(
                    o.ek_check(&bad),
                    got.as_ref().map(|_| ()).map_err(Clone::clone),
                    "{} seed {n}: ek[{coef}] = {v}: from_bytes of {}",
                    p.name,
                    o.name()
                );
                assert_eq!(
                    o.encaps(&bad, m),
                    got,
                    "{} seed {n}: ek[{coef}] = {v}: encapsulation vs {}",
                    p.name,
                    o.name()
                );
            }
        }
    }

    /// Wrong lengths, short buffers, expanded keys that fail (or pass) the hash check.
    #[allow(clippy::too_many_arguments)]
    fn errors(
        &mut self,
        rng: &mut TestRng,
        n: usize,
        seed: &[u8; SEED_LEN],
        ek: &[u8],
        dk: &[u8],
        cts: &[Vec<u8>],
        orig: &[SsOutcome],
    ) {
        let p = self.p;
        let name = p.name;
        let (ek_len, ct_len, dk_len) = (p.ek_len(), p.ct_len(), p.dk_len());
        let m: [u8; 32] = bytes(rng);
        let c = &cts[0];

        // Encapsulation keys of the wrong length.
        for len in [0, 1, ek_len - 1, ek_len + 1, 2 * ek_len] {
            let mut e = ek.to_vec();
            e.resize(len, 0x11);
            let want = Err(Error::InvalidLength {
                field: Field::PublicKey,
                expected: ek_len,
                actual: len,
            });
            assert_eq!(
                self.encaps("ek length", &e, &m, 0),
                want,
                "{name}: ek of {len} bytes"
            );
            // With a short output buffer too: still an error, and nothing written.
            let got = self.encaps("ek length, short ct_out", &e, &m, -1);
            assert!(got.is_err(), "{name}: ek of {len} bytes, short ct_out");
            for o in &self.oracles {
                assert_eq!(
                    o.encaps(&e, &m),
                    want,
                    "{name}: ek of {len} bytes, {}",
                    o.name()
                );
            }
        }

        // Short ciphertext buffers; a longer one is fine (checked by `encaps` itself).
        for extra in [-(ct_len as isize), -1, 1] {
            let got = self.encaps("ct_out length", ek, &m, extra);
            let len = ct_len.saturating_add_signed(extra);
            if extra < 0 {
                assert_eq!(
                    got,
                    Err(Error::BufferTooSmall {
                        field: Field::Ciphertext,
                        needed: ct_len,
                        actual: len,
                    }),
                    "{name}: ct_out of {len} bytes"
                );
            } else {
                assert!(got.is_ok(), "{name}: ct_out of {len} bytes");
            }
        }
        // A failing generator: Error::Rng, nothing written.
        let mut buf = canary(ct_len);
        let r = compact::encapsulate(p, ek, &mut FailingRng, &mut buf);
        self.count(&r);
        assert_eq!(r.map(|_| ()), Err(Error::Rng), "{name}: failing rng");
        assert!(is_canary(&buf), "{name}: failing rng wrote to ct_out");

        // Short key-generation buffers.
        for (ek_buf, dk_buf, want) in [
            (
                ek_len - 1,
                Some(dk_len),
                (Field::PublicKey, ek_len, ek_len - 1),
            ),
            (0, None, (Field::PublicKey, ek_len, 0)),
            (ek_len - 1, Some(0), (Field::PublicKey, ek_len, ek_len - 1)),
            (
                ek_len,
                Some(dk_len - 1),
                (Field::ExpandedKey, dk_len, dk_len - 1),
            ),
            (ek_len + 5, Some(0), (Field::ExpandedKey, dk_len, 0)),
        ] {
            let mut eb = canary(ek_buf);
            let mut db = canary(dk_buf.unwrap_or(0));
            let r = compact::keygen(p, seed, &mut eb, dk_buf.map(|_| db.as_mut_slice()));
            self.count(&r);
            let (field, needed, actual) = want;
            assert_eq!(
                r,
                Err(Error::BufferTooSmall {
                    field,
                    needed,
                    actual
                }),
                "{name}: keygen into {ek_buf} / {dk_buf:?} bytes"
            );
            assert!(
                is_canary(&eb) && is_canary(&db),
                "{name}: keygen into {ek_buf} / {dk_buf:?} bytes wrote and failed"
            );
        }

        // Ciphertexts of the wrong length, seed and expanded key.
        let mut wrong_cts = Vec::new();
        for len in [0, 1, ct_len - 1, ct_len + 1, 2 * ct_len] {
            let mut x = c.clone();
            x.resize(len, 0);
            wrong_cts.push(x);
        }
        let (from_seed, from_dk) = self.decaps(seed, dk, &wrong_cts);
        for ((x, a), b) in wrong_cts.iter().zip(&from_seed).zip(&from_dk) {
            let want = Err(Error::InvalidLength {
                field: Field::Ciphertext,
                expected: ct_len,
                actual: x.len(),
            });
            assert_eq!(a, &want, "{name}: decapsulate, ct of {} bytes", x.len());
            assert_eq!(
                b,
                &want,
                "{name}: decapsulate_expanded, ct of {} bytes",
                x.len()
            );
        }
        for o in &self.oracles {
            assert_eq!(
                o.decaps_seed(seed, &wrong_cts),
                from_seed,
                "{name}: {}",
                o.name()
            );
            assert_eq!(
                o.decaps_expanded(dk, &wrong_cts),
                from_dk,
                "{name}: {}",
                o.name()
            );
        }

        // Expanded keys of the wrong length (with a valid and with a wrong-length ciphertext:
        // the key's length is reported first, as by the backends' import).
        for len in [0, 1, dk_len - 1, dk_len + 1, 2 * dk_len] {
            let mut d = dk.to_vec();
            d.resize(len, 0x22);
            let two = [c.clone(), wrong_cts[2].clone()];
            let got: Vec<SsOutcome> = two
                .iter()
                .map(|x| compact::decapsulate_expanded(p, &d, x).map(|k| *k.as_bytes()))
                .collect();
            let want = Err(Error::InvalidLength {
                field: Field::ExpandedKey,
                expected: dk_len,
                actual: len,
            });
            for r in &got {
                self.count(r);
                assert_eq!(r, &want, "{name}: dk of {len} bytes");
            }
            for o in &self.oracles {
                assert_eq!(
                    o.decaps_expanded(&d, &two),
                    got,
                    "{name}: dk of {len}, {}",
                    o.name()
                );
            }
        }

        // Expanded keys failing the hash check: a flipped bit in h, in the embedded ek's t̂ and
        // in its ρ.
        let h = h_at(p);
        let ek_at = 384 * k_of(p);
        for (what, at) in [
            ("h", h + below(rng, 32)),
            ("t̂ of the embedded ek", ek_at + below(rng, ek_len - 32)),
            ("ρ of the embedded ek", ek_at + ek_len - 32 + below(rng, 32)),
        ] {
            let mut d = dk.to_vec();
            d[at] ^= 1 << below(rng, 8);
            let got: Vec<SsOutcome> = cts
                .iter()
                .map(|x| compact::decapsulate_expanded(p, &d, x).map(|k| *k.as_bytes()))
                .collect();
            for r in &got {
                self.count(r);
                assert_eq!(
                    r,
                    &Err(Error::InvalidKey {
                        field: Field::ExpandedKey
                    }),
                    "{name}: dk with a flipped bit in {what}"
                );
            }
            for o in &self.oracles {
                assert_eq!(
                    o.decaps_expanded(&d, cts),
                    got,
                    "{name}: {what}, {}",
                    o.name()
                );
            }
            // With a wrong-length ciphertext as well: the key's error comes first, as from the
            // backends' import.
            let r = compact::decapsulate_expanded(p, &d, &wrong_cts[2]).map(|_| ());
            self.count(&r);
            assert_eq!(
                r,
                Err(Error::InvalidKey {
                    field: Field::ExpandedKey
                }),
                "{name}: dk with a bad {what} and a short ct"
            );
        }

        // Expanded keys that pass the hash check but differ from the seed's: another z (only
        // the implicit-rejection keys change), another ŝ (a flipped bit, or a coefficient at or
        // above q: FIPS 203 §7.3 checks neither, and the backends accept them too), another
        // embedded ek with h fixed up (another ρ; a coefficient at q − 1). Every answer must
        // equal the backends'.
        let s_coef = below(rng, 256 * k_of(p));
        let t_coef = below(rng, 256 * k_of(p));
        let mut variants: Vec<(String, Vec<u8>)> = Vec::new();
        let mut d = dk.to_vec();
        d[dk_len - 1 - below(rng, 32)] ^= 1 << below(rng, 8);
        variants.push(("z".to_owned(), d));
        let mut d = dk.to_vec();
        d[below(rng, ek_at)] ^= 1 << below(rng, 8);
        variants.push(("ŝ (bit flip)".to_owned(), d));
        for v in [Q, 4095, Q + below(rng, 4096 - Q as usize) as u16, Q - 1] {
            let mut d = dk.to_vec();
            set12(&mut d, s_coef, v);
            variants.push((format!("ŝ[{s_coef}] = {v}"), d));
        }
        let mut e = ek.to_vec();
        e[ek_len - 1 - below(rng, 32)] ^= 1 << below(rng, 8);
        variants.push(("ρ of the embedded ek".to_owned(), dk_with_ek(p, dk, &e)));
        let mut e = ek.to_vec();
        set12(&mut e, t_coef, Q - 1);
        variants.push((format!("t̂[{t_coef}] = q − 1"), dk_with_ek(p, dk, &e)));
        for (what, d) in &variants {
            let got: Vec<SsOutcome> = cts
                .iter()
                .map(|x| compact::decapsulate_expanded(p, d, x).map(|k| *k.as_bytes()))
                .collect();
            for r in &got {
                self.count(r);
                assert!(r.is_ok(), "{name}: dk with another {what}: {r:?}");
            }
            if what == "z" {
                assert_eq!(got[0], orig[0], "{name}: another z, valid c");
                for (i, (a, b)) in got.iter().zip(orig).enumerate().skip(1) {
                    assert_ne!(a, b, "{name}: another z, same rejection key for c {i}");
                }
            }
            for o in &self.oracles {
                assert_eq!(
                    o.decaps_expanded(d, cts),
                    got,
                    "{name} seed {n}: dk with another {what}, {}",
                    o.name()
                );
            }
        }

        // An embedded ek with a coefficient at or above q, h fixed up so the hash check passes.
        // FIPS 203 §7.3 (type and hash checks) does not look at it; the backends' import runs
        // the §7.2 modulus check on the embedded ek too, and so does the compact code: both
        // refuse it with InvalidKey.
        for v in [Q, 4095] {
            let mut e = ek.to_vec();
            set12(&mut e, t_coef, v);
            let d = dk_with_ek(p, dk, &e);
            let got: Vec<SsOutcome> = cts
                .iter()
                .map(|x| compact::decapsulate_expanded(p, &d, x).map(|k| *k.as_bytes()))
                .collect();
            let invalid = Err(Error::InvalidKey {
                field: Field::ExpandedKey,
            });
            assert!(
                got.iter().all(|r| r == &invalid),
                "{name}: dk with t̂[{t_coef}] = {v}: {got:?}"
            );
            let label = "dk with unreduced embedded ek: InvalidKey (compact and backends)";
            *self.census.entry(label).or_default() += 1;
            for o in &self.oracles {
                assert_eq!(
                    o.decaps_expanded(&d, cts),
                    vec![invalid; cts.len()],
                    "{name}: dk with t̂[{t_coef}] = {v}, {}",
                    o.name()
                );
            }
        }
    }
}

fn run_set(p: &'static Params, oracles: Vec<Box<dyn Oracle>>) {
    let names: Vec<&str> = oracles.iter().map(|o| o.name()).collect();
    assert!(!oracles.is_empty(), "no backend to compare with");
    let mut runner = Runner {
        p,
        oracles,
        census: BTreeMap::new(),
        checks: 0,
    };
    let mut rng = TestRng(0x6d6c_6b65_6d5f_6469 ^ p.ek_len() as u64);
    for n in 0..SEEDS {
        runner.seed_case(&mut rng, n);
    }
    println!(
        "diff {}: {SEEDS} seeds, {} compact results, all equal to {names:?}; outcomes {:?}",
        p.name, runner.checks, runner.census
    );
    for k in [
        "Ok",
        "InvalidLength(ek)",
        "InvalidLength(dk)",
        "InvalidLength(ct)",
        "InvalidKey(ek)",
        "InvalidKey(dk)",
        "BufferTooSmall(ek)",
        "BufferTooSmall(dk)",
        "BufferTooSmall(ct)",
        "Rng",
    ] {
        assert!(
            runner.census.get(k).copied().unwrap_or(0) > 0,
            "{}: no {k} case",
            p.name
        );
    }
    assert_eq!(runner.census.get("other"), None);
}

#[test]
fn ml_kem_512_compact_matches_backends() {
    run_set(&compact::ML_KEM_512, oracles::<MlKem512>());
}

#[test]
fn ml_kem_768_compact_matches_backends() {
    run_set(&compact::ML_KEM_768, oracles::<MlKem768>());
}

#[test]
fn ml_kem_1024_compact_matches_backends() {
    run_set(&compact::ML_KEM_1024, oracles::<MlKem1024>());
}

//! Valgrind secret-taint harness (the ctgrind / TIMECOP method).
//!
//! Every secret input (seeds, private keys, hedging and encapsulation randomness, shared
//! secrets, AES keys, plaintexts) is marked *undefined* with a memcheck client request before
//! the operation runs. Memcheck then reports every conditional branch and every memory address
//! that depends on it ("Conditional jump or move depends on uninitialised value(s)", "Use of
//! uninitialised value of size N"): exactly the secret-dependent branches and table indices a
//! timing attacker could observe. Values that the protocol publishes anyway (public keys,
//! signatures, ciphertexts, verification outcomes) are marked *defined* again, each with its
//! justification at the call site.
//!
//! Run by `cargo xtask ct` as `valgrind --error-exitcode=1 --suppressions=ct/valgrind.supp
//! target/ct/release/ct-taint`. Without valgrind it still runs every operation and checks the
//! results (the client requests are then no-ops), but it checks nothing about timing.
//!
//! Exit status: 0 when every operation ran, every result was right and valgrind counted no
//! error; 1 otherwise.

use std::process::ExitCode;
use std::time::Instant;

use pqhybrid::firmware::{
    self, AlgorithmSet, DeviceClass, ImageParams, ImageSigner, KeyState, Policy, TrustAnchor,
    Verifier,
};
use pqhybrid::primitives::aes_gcm::{Aes128Gcm, Aes256Gcm, TAG_LEN};
use pqhybrid::primitives::x25519;
use pqhybrid::rng::{TryCryptoRng, TryRng};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use pqhybrid_ct::SplitMix;

/// Memcheck client requests, issued with the x86-64 "special instruction" sequence of
/// `valgrind.h` (`VALGRIND_DO_CLIENT_REQUEST_EXPR`). Outside valgrind the sequence is a no-op
/// (four rotations of `rdi` by a total of 128 bits and `xchg rbx, rbx`) and returns the default.
mod vg {
    const fn tool_base(a: u8, b: u8) -> usize {
        ((a as usize) << 24) | ((b as usize) << 16)
    }
    const RUNNING_ON_VALGRIND: usize = 0x1001;
    const COUNT_ERRORS: usize = 0x1201;
    const MAKE_MEM_UNDEFINED: usize = tool_base(b'M', b'C') + 1;
    const MAKE_MEM_DEFINED: usize = tool_base(b'M', b'C') + 2;

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn request(default: usize, req: usize, a1: usize, a2: usize) -> usize {
        let args: [usize; 6] = [req, a1, a2, 0, 0, 0];
        let result: usize;
        // SAFETY: the sequence only rotates `rdi` back to its value and exchanges `rbx` with
        // itself; under valgrind it reads `args` (six words, alive for the whole block) and
        // writes `rdx`. Memory is not marked `nomem` so that the compiler neither keeps
        // tainted buffers in registers across the request nor moves accesses over it.
        unsafe {
            core::arch::asm!(
                "rol rdi, 3",
                "rol rdi, 13",
                "rol rdi, 61",
                "rol rdi, 51",
                "xchg rbx, rbx",
                inout("rdx") default => result,
                in("rax") args.as_ptr(),
                out("rdi") _,
            );
        }
        result
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn request(default: usize, _req: usize, _a1: usize, _a2: usize) -> usize {
        default
    }

    /// Whether we run under valgrind.
    pub fn running() -> bool {
        request(0, RUNNING_ON_VALGRIND, 0, 0) != 0
    }

    /// Errors valgrind has counted so far (suppressed ones excluded).
    pub fn errors() -> usize {
        request(0, COUNT_ERRORS, 0, 0)
    }

    /// Marks `buf` secret: memcheck reports any branch or address that depends on it.
    pub fn secret(buf: &[u8]) {
        request(0, MAKE_MEM_UNDEFINED, buf.as_ptr() as usize, buf.len());
    }

    /// Declassifies `buf`: its value is public from here on. Every call site says why.
    pub fn public(buf: &[u8]) {
        request(0, MAKE_MEM_DEFINED, buf.as_ptr() as usize, buf.len());
    }

    /// Declassifies a value (for example a `Result`), see [`public`].
    pub fn public_val<T>(v: &T) {
        request(
            0,
            MAKE_MEM_DEFINED,
            core::ptr::from_ref(v) as usize,
            size_of_val(v),
        );
    }
}

/// Randomness that is secret: every byte handed to the library is marked undefined.
struct TaintRng(SplitMix);

impl TryRng for TaintRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill(dst);
        vg::secret(dst);
        Ok(())
    }
}

impl TryCryptoRng for TaintRng {}

/// One row of the summary: an operation kind with how often it ran and what valgrind found.
struct Row {
    kind: &'static str,
    runs: usize,
    errors: usize,
    millis: u128,
    failed: Vec<String>,
}

struct Harness {
    rows: Vec<Row>,
    wrong: Vec<String>,
    rng: SplitMix,
    only: Option<String>,
    /// `--ci`: SLH-DSA only for the parameter sets of [`SLH_CI`] (see docs/constant-time.md).
    ci: bool,
    /// `--verbose`: one line per operation as it completes.
    verbose: bool,
}

/// The SLH-DSA parameter sets of the `--ci` run: one per distinct hash code path (SHA2 with
/// n = 16 uses SHA-256 only; n ≥ 24 uses SHA-512 for H_msg, PRF_msg, H and T; SHAKE), each in
/// its fast ("f") variant. The other nine sets run the same generic code with other loop
/// bounds; the full run (without `--ci`) covers all twelve.
const SLH_CI: [&str; 3] = [
    "SLH-DSA-SHA2-128f",
    "SLH-DSA-SHA2-192f",
    "SLH-DSA-SHAKE-128f",
];

impl Harness {
    /// Runs `f` as one operation of `kind` on `alg`, counting valgrind errors around it.
    fn op<T>(&mut self, kind: &'static str, alg: &str, f: impl FnOnce() -> T) -> T {
        let before = vg::errors();
        let start = Instant::now();
        let out = f();
        let millis = start.elapsed().as_millis();
        let errors = vg::errors().saturating_sub(before);
        let row = match self.rows.iter_mut().position(|r| r.kind == kind) {
            Some(i) => &mut self.rows[i],
            None => {
                self.rows.push(Row {
                    kind,
                    runs: 0,
                    errors: 0,
                    millis: 0,
                    failed: Vec::new(),
                });
                self.rows.last_mut().expect("just pushed")
            }
        };
        row.runs += 1;
        row.errors += errors;
        row.millis += millis;
        if errors > 0 {
            row.failed.push(format!("{alg} ({errors})"));
            eprintln!("ct: {kind} {alg}: {errors} valgrind report(s) above");
        }
        if self.verbose {
            println!("ct:   {kind} {alg}: {millis} ms, {errors} report(s)");
        }
        out
    }

    /// Records a functional failure (a wrong result is a harness failure too).
    fn check(&mut self, ok: bool, what: String) {
        if !ok {
            eprintln!("ct: WRONG RESULT: {what}");
            self.wrong.push(what);
        }
    }

    fn secret_bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.rng.fill(&mut v);
        vg::secret(&v);
        v
    }

    fn taint_rng(&mut self) -> TaintRng {
        TaintRng(SplitMix(self.rng.next_word()))
    }

    fn wanted(&self, name: &str) -> bool {
        self.only
            .as_deref()
            .is_none_or(|o| name.to_ascii_lowercase().contains(&o.to_ascii_lowercase()))
    }
}

fn signatures(h: &mut Harness) {
    for alg in SignatureAlgorithm::ALL {
        let name = alg.name();
        if !h.wanted(name) || (h.ci && name.starts_with("SLH-DSA") && !SLH_CI.contains(&name)) {
            continue;
        }
        // ECDSA seeds are scalars: `generate_keypair` retries the rare seed ≥ n; a fixed
        // generator never produces one here (checked below).
        let seed = h.secret_bytes(alg.seed_len());
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        let r = h.op("sign.keygen", name, || {
            alg.keypair_from_seed(&seed, &mut pk, &mut sk)
        });
        // Declassify: the public key is published, and whether key generation succeeded is
        // visible to the caller (it only fails for an ECDSA seed ≥ n, probability < 2^-32).
        vg::public(&pk);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} keygen: {r:?}"));

        let msg = b"pqhybrid constant-time harness message";
        let ctx: &[u8] = if alg.supports_context() { b"ct" } else { b"" };
        let mut sig = vec![0u8; alg.signature_len()];
        let mut rng = h.taint_rng();
        let r = h.op("sign.sign", name, || {
            alg.sign(&sk, msg, ctx, &mut rng, &mut sig)
        });
        // Declassify: the signature is the published output, its length and the success of
        // signing are visible to every caller.
        vg::public(&sig);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} sign: {r:?}"));
        // Composites with ECDSA have a variable-length (DER) classical part.
        sig.truncate(*r.as_ref().unwrap_or(&0));
        let v = alg.verify(&pk, msg, ctx, &sig);
        h.check(v.is_ok(), format!("{name} verify own signature: {v:?}"));

        // The deterministic variant (no hedging randomness) of the composites and ML-DSA:
        // the same code with rnd = 0; run it for the hybrids only to keep the run short.
        if alg.is_hybrid() {
            let mut sig2 = vec![0u8; alg.signature_len()];
            let r = h.op("sign.sign_deterministic", name, || {
                alg.sign_deterministic(&sk, msg, ctx, &mut sig2)
            });
            // Declassify: as for `sign`.
            vg::public(&sig2);
            vg::public_val(&r);
            sig2.truncate(*r.as_ref().unwrap_or(&0));
            h.check(
                r.is_ok() && alg.verify(&pk, msg, ctx, &sig2).is_ok(),
                format!("{name} sign_deterministic: {r:?}"),
            );
        }

        // The held key (`agile::SigningKey`): decoding/expansion once, then hedged signing.
        let key = h.op("sign.held_key_new", name, || {
            pqhybrid::agile::SigningKey::new(alg, &sk)
        });
        // Declassify: whether the key decodes is visible to the caller (it always does here).
        vg::public_val(&key.is_ok());
        h.check(
            key.is_ok(),
            format!("{name} SigningKey::new: {:?}", key.as_ref().err()),
        );
        if let Ok(key) = key {
            let mut sig3 = vec![0u8; alg.signature_len()];
            let mut rng = h.taint_rng();
            let r = h.op("sign.held_key_sign", name, || {
                key.sign(msg, ctx, &mut rng, &mut sig3)
            });
            // Declassify: as for `sign`.
            vg::public(&sig3);
            vg::public_val(&r);
            sig3.truncate(*r.as_ref().unwrap_or(&0));
            h.check(
                r.is_ok() && alg.verify(&pk, msg, ctx, &sig3).is_ok(),
                format!("{name} SigningKey::sign: {r:?}"),
            );
        }
    }
}

/// pqhybrid's compact ML-DSA signer (`primitives::ml_dsa_compact`, the `compact-sign`
/// backend), called directly: this harness's agile and typed keys stay on libcrux.
fn compact_signer(h: &mut Harness) {
    use pqhybrid::primitives::ml_dsa_compact as compact;
    for p in [
        &compact::ML_DSA_44,
        &compact::ML_DSA_65,
        &compact::ML_DSA_87,
    ] {
        let name = format!("{} [compact signer]", p.name);
        if !h.wanted(&name) {
            continue;
        }
        let seed: [u8; 32] = h.secret_bytes(32).try_into().expect("32 bytes");
        let mut pk = vec![0u8; p.pk_len];
        let r = h.op("sign.compact_keygen", &name, || {
            compact::public_key(p, &seed, &mut pk)
        });
        // Declassify: the public key is published; key generation cannot fail here.
        vg::public(&pk);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} public_key: {r:?}"));

        let msg = b"pqhybrid constant-time harness message";
        let rnd: [u8; 32] = h.secret_bytes(32).try_into().expect("32 bytes");
        let mut sig = vec![0u8; p.sig_len];
        let r = h.op("sign.compact_sign", &name, || {
            compact::sign(p, &seed, msg, b"ct", &rnd, &mut sig)
        });
        // Declassify: the signature is the published output.
        vg::public(&sig);
        vg::public_val(&r);
        let v = compact::verify(p, &pk, msg, b"ct", &sig);
        h.check(
            r.is_ok() && v.is_ok(),
            format!("{name} sign: {r:?}, verify: {v:?}"),
        );
    }
}

fn kems(h: &mut Harness) {
    for alg in KemAlgorithm::ALL {
        let name = alg.name();
        if !h.wanted(name) {
            continue;
        }
        let seed = h.secret_bytes(alg.seed_len());
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        let r = h.op("kem.keygen", name, || {
            alg.keypair_from_seed(&seed, &mut pk, &mut sk)
        });
        // Declassify: the encapsulation key is published; key generation from a seed of the
        // right length cannot fail.
        vg::public(&pk);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} keygen: {r:?}"));

        let mut ct = vec![0u8; alg.ciphertext_len()];
        let mut ss = [0u8; 32];
        let mut rng = h.taint_rng();
        let r = h.op("kem.encapsulate", name, || {
            alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss)
        });
        // Declassify: the ciphertext is sent over the wire; success is visible to the caller.
        vg::public(&ct);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} encapsulate: {r:?}"));

        let mut ss2 = [0u8; 32];
        let r = h.op("kem.decapsulate", name, || {
            alg.decapsulate(&sk, &ct, &mut ss2)
        });
        // Declassify: decapsulation of a well-formed ciphertext never fails (implicit
        // rejection); the Ok/Err outcome is public.
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} decapsulate: {r:?}"));

        // A corrupted ciphertext (the ML-KEM part, so that implicit rejection runs): the
        // re-encryption comparison and the selection of the rejection key must not branch.
        let mut bad = ct.clone();
        bad[7] ^= 0x01;
        let mut ss3 = [0u8; 32];
        let r = h.op("kem.decapsulate_invalid", name, || {
            alg.decapsulate(&sk, &bad, &mut ss3)
        });
        // Declassify: as above.
        vg::public_val(&r);
        h.check(r.is_ok(), format!("{name} decapsulate invalid: {r:?}"));

        // The held key (`agile::DecapsulationKey`): expansion once, then decapsulation of the
        // good and the corrupted ciphertext.
        let dk = h.op("kem.held_key_new", name, || {
            pqhybrid::agile::DecapsulationKey::new(alg, &sk)
        });
        // Declassify: whether the key decodes is visible to the caller (it always does here).
        vg::public_val(&dk.is_ok());
        h.check(
            dk.is_ok(),
            format!("{name} DecapsulationKey::new: {:?}", dk.as_ref().err()),
        );
        let (mut ss4, mut ss5) = ([0u8; 32], [0u8; 32]);
        if let Ok(dk) = dk {
            let r = h.op("kem.held_key_decapsulate", name, || {
                dk.decapsulate(&ct, &mut ss4)
            });
            // Declassify: the Ok/Err outcome is public (as above).
            vg::public_val(&r);
            h.check(r.is_ok(), format!("{name} held decapsulate: {r:?}"));
            let r = h.op("kem.held_key_decapsulate_invalid", name, || {
                dk.decapsulate(&bad, &mut ss5)
            });
            // Declassify: as above.
            vg::public_val(&r);
            h.check(r.is_ok(), format!("{name} held decapsulate invalid: {r:?}"));
        }

        // The public key derived again from the private key (with `compact-kem`, the compact
        // ML-KEM's key generation): the result is public, the computation touches the secret.
        let mut pk2 = vec![0u8; alg.public_key_len()];
        let r = h.op("kem.public_key_from_secret", name, || {
            alg.public_key_from_secret(&sk, &mut pk2)
        });
        // Declassify: the public key and the outcome are public.
        vg::public(&pk2);
        vg::public_val(&r);
        h.check(
            r.is_ok() && pk2 == pk,
            format!("{name} public_key_from_secret: {r:?}"),
        );

        // Harness check only, after the operations: compare the secrets in the clear.
        vg::public(&ss);
        vg::public(&ss2);
        vg::public(&ss3);
        vg::public(&ss4);
        vg::public(&ss5);
        h.check(ss == ss2, format!("{name}: shared secrets differ"));
        h.check(ss == ss4 && ss3 == ss5, format!("{name}: held key differs"));
        h.check(
            ss != ss3,
            format!("{name}: implicit rejection returned the real secret"),
        );
    }
}

fn ecdh(h: &mut Harness) {
    if !h.wanted("X25519") {
        return;
    }
    let a = h.secret_bytes(32);
    let b = h.secret_bytes(32);
    let (a, b): ([u8; 32], [u8; 32]) = (a.try_into().expect("32"), b.try_into().expect("32"));
    let (pa, pb) = h.op("ecdh.x25519_public_key", "X25519", || {
        let pa = x25519::SecretKey::from_bytes(&a).public_key();
        let pb = x25519::SecretKey::from_bytes(&b).public_key();
        (pa, pb)
    });
    // Declassify: public keys are published.
    vg::public(&pa.0);
    vg::public(&pb.0);
    let (sab, sba) = h.op("ecdh.x25519", "X25519", || {
        let sab = x25519::SecretKey::from_bytes(&a).diffie_hellman(&pb);
        let sba = x25519::SecretKey::from_bytes(&b).diffie_hellman(&pa);
        (sab, sba)
    });
    // Declassify: the Ok/Err outcome (all-zero shared secret = low-order peer key) is
    // visible to the peer, who chose the key.
    vg::public_val(&sab.is_ok());
    vg::public_val(&sba.is_ok());
    match (sab, sba) {
        (Ok(x), Ok(y)) => {
            // Harness check only.
            vg::public(x.as_bytes());
            vg::public(y.as_bytes());
            h.check(x == y, "X25519: shared secrets differ".into());
        }
        (x, y) => h.check(false, format!("X25519: {:?} {:?}", x.is_ok(), y.is_ok())),
    }
    // P-256 and P-384 ECDH run inside the composite KEMs (kem.* rows,
    // MLKEM768-ECDH-P256-SHA3-256 and MLKEM1024-ECDH-P384-SHA3-256).
}

fn aead(h: &mut Harness) {
    for (name, key_len) in [("AES-128-GCM", 16usize), ("AES-256-GCM", 32)] {
        if !h.wanted(name) {
            continue;
        }
        let key = h.secret_bytes(key_len);
        let nonce = [0x24u8; 12];
        let aad = b"header";
        let plain = h.secret_bytes(100);
        let mut buf = plain.clone();
        vg::secret(&buf);
        let tag = h.op("aead.seal", name, || {
            if key_len == 16 {
                Aes128Gcm::new(&key)?.seal_in_place(&nonce, aad, &mut buf)
            } else {
                Aes256Gcm::new(&key)?.seal_in_place(&nonce, aad, &mut buf)
            }
        });
        // Declassify: ciphertext and tag are sent over the wire.
        vg::public(&buf);
        vg::public_val(&tag);
        let Ok(tag) = tag else {
            h.check(false, format!("{name} seal: {tag:?}"));
            continue;
        };
        for (kind, corrupt) in [("aead.open", false), ("aead.open_invalid", true)] {
            let mut ct = buf.clone();
            let mut t: [u8; TAG_LEN] = tag;
            if corrupt {
                t[0] ^= 1;
            }
            let r = h.op(kind, name, || {
                if key_len == 16 {
                    Aes128Gcm::new(&key)?.open_in_place(&nonce, aad, &mut ct, &t)
                } else {
                    Aes256Gcm::new(&key)?.open_in_place(&nonce, aad, &mut ct, &t)
                }
            });
            // Declassify: whether the tag verified is public (the receiver rejects the
            // message); see docs/constant-time.md for the branch inside aes-gcm it implies.
            vg::public_val(&r);
            h.check(r.is_ok() != corrupt, format!("{name} {kind}: {r:?}"));
            if !corrupt {
                // Harness check only.
                vg::public(&ct);
                h.check(
                    ct == plain_public(&plain),
                    format!("{name}: plaintext differs"),
                );
            }
        }
    }
}

/// A declassified copy of a secret, for harness checks only.
fn plain_public(v: &[u8]) -> Vec<u8> {
    let c = v.to_vec();
    vg::public(&c);
    c
}

fn firmware_paths(h: &mut Harness) {
    // Root MLDSA87-ECDSA-P384-SHA512 endorses a release key MLDSA65-Ed25519-SHA512 (the
    // README's setup); the release key signs an image, once with `sign_image` and once
    // streaming with `ImageSigner`.
    let root_alg = SignatureAlgorithm::MlDsa87EcdsaP384Sha512;
    let rel_alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    if !h.wanted("firmware") && !h.wanted(root_alg.name()) && !h.wanted(rel_alg.name()) {
        return;
    }
    let keys = |h: &mut Harness, alg: SignatureAlgorithm| {
        let seed = h.secret_bytes(alg.seed_len());
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        let r = alg.keypair_from_seed(&seed, &mut pk, &mut sk);
        // Declassify: public key and (infallible) outcome, as in sign.keygen.
        vg::public(&pk);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("firmware keygen {}: {r:?}", alg.name()));
        (pk, sk)
    };
    let (root_pk, root_sk) = keys(h, root_alg);
    let (rel_pk, rel_sk) = keys(h, rel_alg);

    let mut endorsement = vec![0u8; 16 * 1024];
    let mut rng = h.taint_rng();
    let r = h.op("firmware.endorse", root_alg.name(), || {
        firmware::endorse(
            root_alg,
            &root_sk,
            rel_alg,
            &rel_pk,
            &firmware::EndorsementParams::new(
                1,
                100,
                AlgorithmSet::HYBRID_ONLY,
                firmware::ClassScope::Any,
            ),
            &mut rng,
            &mut endorsement,
        )
    });
    // Declassify: the endorsement record (a signature) is published.
    vg::public(&endorsement);
    vg::public_val(&r);
    let Ok(n) = r else {
        h.check(false, format!("endorse: {r:?}"));
        return;
    };
    let endorsement = &endorsement[..n];

    let payload = plain_public(&[0xA5u8; 3000]);
    let params = ImageParams::new(DeviceClass([0x6f; 16]), 7);
    let mut image = vec![0u8; 64 * 1024];
    let mut rng = h.taint_rng();
    let r = h.op("firmware.sign_image", rel_alg.name(), || {
        firmware::sign_image(
            &params,
            &payload,
            rel_alg,
            &rel_sk,
            Some(endorsement),
            &mut rng,
            &mut image,
        )
    });
    // Declassify: the signed image is published.
    vg::public(&image);
    vg::public_val(&r);
    let image_len = match r {
        Ok(n) => n,
        Err(e) => {
            h.check(false, format!("sign_image: {e:?}"));
            return;
        }
    };

    let mut header = vec![0u8; usize::from(params.header_len)];
    let mut trailer = vec![0u8; firmware::trailer_len(rel_alg, endorsement.len())];
    let mut rng = h.taint_rng();
    let r = h.op("firmware.image_signer", rel_alg.name(), || {
        let mut s = ImageSigner::new(&params)?;
        for chunk in payload.chunks(1000) {
            s.update(chunk)?;
        }
        s.finish(
            rel_alg,
            &rel_sk,
            Some(endorsement),
            &mut rng,
            &mut header,
            &mut trailer,
        )
    });
    // Declassify: header and signature block are published.
    vg::public(&header);
    vg::public(&trailer);
    vg::public_val(&r);
    h.check(r.is_ok(), format!("ImageSigner: {r:?}"));

    // Harness check: a device accepts both images (public data only).
    let anchor_id = firmware::key_id(root_alg, &root_pk).expect("key id");
    let anchors = [TrustAnchor {
        key_id: anchor_id,
        state: KeyState::Active,
    }];
    let policy = Policy::new(&anchors, DeviceClass([0x6f; 16]));
    let streamed: Vec<u8> = header
        .iter()
        .chain(&payload)
        .chain(&trailer)
        .copied()
        .collect();
    for (what, img) in [
        ("sign_image", &image[..image_len]),
        ("ImageSigner", &streamed[..]),
    ] {
        let mut v: Verifier<'_> = Verifier::new(&policy);
        let ok = v.update(img).is_ok() && v.finish().is_ok();
        h.check(
            ok,
            format!("firmware {what}: the verifier rejects the image"),
        );
    }
}

/// The device-identity paths: the DICE derivation from a secret UDS (CDIs of two layers and the
/// key-pair seeds), the DeviceID and Alias key generation, and the documents signed with them
/// (CSR, Alias certificate, evidence). The measured inputs, the public keys, their ids and the
/// documents are public.
fn identity_paths(h: &mut Harness) {
    use pqhybrid::identity::{
        Cdis, IdentityKey, InputValues, MAX_CERT_LEN, Mode, TcbInfo, Uds, code_hash,
        write_alias_certificate, write_csr, write_evidence,
    };
    let algs = [
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
        SignatureAlgorithm::MlDsa65,
        SignatureAlgorithm::MlDsa87EcdsaP384Sha512,
    ];
    for alg in algs {
        let name = alg.name();
        if !h.wanted(name) && !h.wanted("identity") {
            continue;
        }
        let uds_bytes: [u8; 32] = h.secret_bytes(32).try_into().expect("32 bytes");
        let mut inputs = InputValues::zero(Mode::Normal);
        inputs.code_hash = code_hash(&[0x5a; 32]);
        let (layer0, layer1) = h.op("identity.derive_cdis", name, || {
            let layer0 = Cdis::from_uds(&Uds::new(uds_bytes));
            let layer1 = layer0.next(&inputs);
            (layer0, layer1)
        });
        let keys = h.op("identity.derive_keys", name, || {
            (
                IdentityKey::derive(alg, &layer0),
                IdentityKey::derive(alg, &layer1),
            )
        });
        // Declassify: whether the keys derive is public (always, for these algorithms).
        vg::public_val(&(keys.0.is_ok(), keys.1.is_ok()));
        let (Ok(device_id), Ok(alias)) = keys else {
            h.check(false, format!("{name}: identity keys do not derive"));
            continue;
        };
        // Declassify: the public keys and their ids go into certificates.
        for k in [&device_id, &alias] {
            vg::public(k.public_key());
            vg::public(k.id());
        }
        let tcb = TcbInfo {
            vendor: "pqhybrid",
            model: "ct",
            security_version: 3,
            layer: 1,
            image_id: [0x5a; 32],
            mode: Mode::Normal,
        };
        let mut buf = vec![0u8; MAX_CERT_LEN];
        for (kind, doc) in [
            ("identity.csr", 0),
            ("identity.alias_certificate", 1),
            ("identity.evidence", 2),
        ] {
            let r = h.op(kind, name, || match doc {
                0 => write_csr(&device_id, &mut buf),
                1 => write_alias_certificate(&device_id, &alias, &tcb, &mut buf),
                _ => write_evidence(&alias, b"ct nonce", &mut buf),
            });
            // Declassify: the documents are published.
            vg::public(&buf);
            vg::public_val(&r);
            h.check(r.is_ok(), format!("{name} {kind}: {r:?}"));
        }
    }
}

/// Data sealed under the device identity: the sealing key derived from a secret `CDI_Seal` (a
/// layer-1 `CDI_Seal` from a secret UDS), and sealing and opening with that key. The plaintext
/// and the key are secret, the generator's nonce too until it is part of the blob; the blob
/// (header, ciphertext, tag) is stored, so public; the associated data and label are public.
fn identity_seal_paths(h: &mut Harness) {
    use pqhybrid::identity::{Cdis, InputValues, Mode, SealingKey, Uds, code_hash, sealed_len};
    let name = "identity-seal";
    if !h.wanted(name) && !h.wanted("identity") {
        return;
    }
    let uds_bytes: [u8; 32] = h.secret_bytes(32).try_into().expect("32 bytes");
    let mut inputs = InputValues::zero(Mode::Normal);
    inputs.code_hash = code_hash(&[0x5a; 32]);
    inputs.authority_hash = [0x17; 64];
    let layer1 = Cdis::from_uds(&Uds::new(uds_bytes)).next(&inputs);
    for label in [&b""[..], b"ct label"] {
        let key = h.op("identity.seal_key", name, || {
            SealingKey::derive(&layer1, label)
        });
        // Declassify: whether the key derives is public (always, for a short label); the
        // Result's tag only, not the key.
        let ok = key.is_ok();
        vg::public_val(&ok);
        let Ok(key) = key else {
            h.check(false, format!("{name}: the sealing key does not derive"));
            continue;
        };
        let aad = b"ct record";
        let plain = h.secret_bytes(100);
        let mut blob = vec![0u8; sealed_len(plain.len())];
        let mut rng = h.taint_rng();
        let r = h.op("identity.seal", name, || {
            key.seal(aad, &plain, &mut blob, &mut rng)
        });
        // Declassify: the blob is stored in flash.
        vg::public(&blob);
        vg::public_val(&r);
        h.check(r == Ok(blob.len()), format!("{name} seal: {r:?}"));
        // `SealingKey::open` through an opaque function pointer, so that it is not inlined into
        // the closure below: inlined there, aes-gcm's tag check (`decrypt_inout_detached`) came
        // with it, a cross-crate inlined frame that valgrind 3.19 prints as UnknownInlinedFun,
        // which the suppression `aes-gcm-tag-check` cannot match. Out of line, the tag check
        // keeps its own named frame, as in the `aead.open` rows.
        type OpenFn = fn(&SealingKey, &[u8], &[u8], &mut [u8]) -> pqhybrid::Result<usize>;
        let open: OpenFn = std::hint::black_box(SealingKey::open);
        for (kind, corrupt) in [("identity.open", false), ("identity.open_invalid", true)] {
            let mut b = blob.clone();
            if corrupt {
                let last = b.len() - 1;
                b[last] ^= 1;
            }
            let mut out = vec![0u8; plain.len()];
            let r = h.op(kind, name, || open(&key, aad, &b, &mut out));
            // Declassify: whether the blob authenticated is public (the device acts on it);
            // see docs/constant-time.md for the branch inside aes-gcm it implies.
            vg::public_val(&r);
            h.check(r.is_ok() != corrupt, format!("{name} {kind}: {r:?}"));
            // Harness check only.
            vg::public(&out);
            if corrupt {
                h.check(
                    out.iter().all(|x| *x == 0),
                    format!("{name}: a failed open released bytes"),
                );
            } else {
                h.check(
                    out == plain_public(&plain),
                    format!("{name}: plaintext differs"),
                );
            }
        }
    }
}

/// HPKE (`pqhybrid::hpke::Suite`): sealing with secret randomness (the KEM's encapsulation
/// randomness, hence the shared secret and the whole key schedule) and a secret plaintext, and
/// opening with a secret private key (decapsulation, key schedule, AEAD), for X-Wing, ML-KEM-768
/// and MLKEM768-P256 with every KDF (HKDF-SHA256/-SHA512, SHAKE128/256) and both AEADs.
/// `info`, `aad`, the public key and the sealed box are public.
fn hpke_paths(h: &mut Harness) {
    use pqhybrid::agile::DecapsulationKey;
    use pqhybrid::hpke::{Aead, Kdf, Suite};
    let kems = [
        KemAlgorithm::XWing,
        KemAlgorithm::MlKem768,
        KemAlgorithm::MlKem768EcdhP256Sha3_256,
    ];
    for alg in kems {
        if !h.wanted("hpke") && !h.wanted(alg.name()) {
            continue;
        }
        let seed = h.secret_bytes(alg.seed_len());
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        let r = alg.keypair_from_seed(&seed, &mut pk, &mut sk);
        // Declassify: the public key is published; keygen from a seed cannot fail.
        vg::public(&pk);
        vg::public_val(&r);
        h.check(r.is_ok(), format!("hpke {}: keygen {r:?}", alg.name()));
        let dk = DecapsulationKey::new(alg, &sk);
        // Declassify: whether the key decodes is visible to the caller (it always does here).
        vg::public_val(&dk.is_ok());
        let Ok(dk) = dk else {
            h.check(false, format!("hpke {}: DecapsulationKey::new", alg.name()));
            continue;
        };
        for kdf in Kdf::ALL {
            for aead in Aead::ALL {
                let name = format!("{}/{}/{}", alg.name(), kdf.name(), aead.name());
                let Ok(suite) = Suite::new(alg, kdf, aead) else {
                    h.check(false, format!("hpke {name}: no suite"));
                    continue;
                };
                let info = b"ct harness info";
                let aad = b"ct harness aad";
                let plain = h.secret_bytes(48);
                let mut sealed = vec![0u8; suite.sealed_len(plain.len())];
                let mut rng = h.taint_rng();
                let r = h.op("hpke.seal", &name, || {
                    suite.seal(&pk, info, aad, &plain, &mut sealed, &mut rng)
                });
                // Declassify: the sealed box is sent over the wire; success is visible.
                vg::public(&sealed);
                vg::public_val(&r);
                h.check(r == Ok(sealed.len()), format!("hpke {name} seal: {r:?}"));

                // Intact, a flipped tag bit, a flipped bit in the ML-KEM ciphertext of `enc`
                // (implicit rejection: another shared secret, then a failed tag).
                let last = sealed.len() - 1;
                for (kind, flip) in [
                    ("hpke.open", None),
                    ("hpke.open_invalid_tag", Some(last)),
                    ("hpke.open_invalid_enc", Some(7)),
                ] {
                    let mut boxed = sealed.clone();
                    if let Some(at) = flip {
                        boxed[at] ^= 0x01;
                    }
                    let mut out = vec![0xA5u8; plain.len()];
                    let r = h.op(kind, &name, || suite.open(&dk, info, aad, &boxed, &mut out));
                    // Declassify: whether the box authenticated is public (the recipient
                    // rejects it); the AEAD's tag-check branch is discussed in
                    // docs/constant-time.md.
                    vg::public_val(&r);
                    // Harness check only.
                    vg::public(&out);
                    if flip.is_none() {
                        h.check(
                            r == Ok(plain.len()) && out == plain_public(&plain),
                            format!("hpke {name} {kind}: {r:?}"),
                        );
                    } else {
                        h.check(
                            r == Err(pqhybrid::Error::AuthenticationFailed)
                                && out.iter().all(|b| *b == 0),
                            format!("hpke {name} {kind}: {r:?}"),
                        );
                    }
                }
            }
        }
    }
}

/// Encrypted firmware: `encrypt_payload` with a secret plaintext and secret randomness (the
/// content key, the HPKE encapsulation), then the `Decryptor` with a secret device key over the
/// signed image (key unwrap, chunk authentication and decryption, plaintext digest), intact and
/// with a modified chunk (re-signed, so that only the decryptor refuses it).
fn encrypted_firmware_paths(h: &mut Harness) {
    use pqhybrid::agile::DecapsulationKey;
    use pqhybrid::firmware::encrypt::{EncryptionParams, encrypt_payload, encrypted_payload_len};
    use pqhybrid::firmware::{Decryptor, DeviceClass, ImageParams, Policy, TrustAnchor, Verifier};
    if !h.wanted("firmware") && !h.wanted("encrypted") {
        return;
    }
    let kem = KemAlgorithm::XWing;
    let seed = h.secret_bytes(kem.seed_len());
    let mut kpk = vec![0u8; kem.public_key_len()];
    let mut ksk = vec![0u8; kem.secret_key_len()];
    let r = kem.keypair_from_seed(&seed, &mut kpk, &mut ksk);
    // Declassify: the device's public key is published; keygen from a seed cannot fail.
    vg::public(&kpk);
    vg::public_val(&r);
    let signer = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let mut spk = vec![0u8; signer.public_key_len()];
    let mut ssk = vec![0u8; signer.secret_key_len()];
    let r2 = signer.keypair_from_seed(&[0x11; 32], &mut spk, &mut ssk);
    h.check(
        r.is_ok() && r2.is_ok(),
        format!("encrypted firmware keys: {r:?} {r2:?}"),
    );
    let class = DeviceClass(*b"ct-harness-class");
    let plain = h.secret_bytes(3000);
    let mut p = match EncryptionParams::new(&kpk, class) {
        Ok(p) => p,
        Err(e) => {
            h.check(false, format!("encrypted firmware params: {e:?}"));
            return;
        }
    };
    p.chunk_size = 1024;
    let len = encrypted_payload_len(kem, plain.len() as u64, p.chunk_size) as usize;
    let mut payload = vec![0u8; len];
    let mut rng = h.taint_rng();
    let r = h.op("firmware.encrypt_payload", kem.name(), || {
        encrypt_payload(&p, &plain, &mut payload, &mut rng)
    });
    // Declassify: the encrypted payload is published (signed and shipped).
    vg::public(&payload);
    vg::public_val(&r);
    h.check(r == Ok(len), format!("encrypt_payload: {r:?}"));
    let dk = DecapsulationKey::new(kem, &ksk);
    vg::public_val(&dk.is_ok());
    let Ok(dk) = dk else {
        h.check(false, "encrypted firmware: DecapsulationKey::new".into());
        return;
    };
    let anchor = pqhybrid::firmware::key_id(signer, &spk);
    let Ok(anchor) = anchor else {
        h.check(false, "encrypted firmware: key id".into());
        return;
    };
    let anchors = [TrustAnchor::active(anchor)];
    // The verifier refuses encrypted images unless the policy accepts them (a bootloader that
    // boots in place must not take one).
    let policy = Policy {
        accept_encrypted: true,
        ..Policy::new(&anchors, class)
    };
    // The device's key borrowed in place (what the C decryptor uses): with `compact-kem`,
    // decapsulation and the recipient's public key run on the compact ML-KEM.
    let borrowed = pqhybrid::agile::DecapsulationKeyRef::new(kem, &ksk);
    vg::public_val(&borrowed.is_ok());
    let Ok(borrowed) = borrowed else {
        h.check(false, "encrypted firmware: DecapsulationKeyRef::new".into());
        return;
    };
    for (kind, flip, held, check_digest) in [
        ("firmware.decrypt", None, true, true),
        ("firmware.decrypt_bad_chunk", Some(len - 20), true, false),
        ("firmware.decrypt_borrowed_key", None, false, false),
        (
            "firmware.decrypt_borrowed_key_bad_chunk",
            Some(len - 20),
            false,
            true,
        ),
    ] {
        let key: &dyn pqhybrid::agile::Decapsulator = if held { &dk } else { &borrowed };
        let mut body = payload.clone();
        if let Some(at) = flip {
            body[at] ^= 1;
        }
        let mut params = ImageParams::new(class, 1);
        params.encrypted = true;
        let mut image = vec![0u8; len + 8192];
        let n = firmware::sign_image_deterministic(&params, &body, signer, &ssk, None, &mut image);
        let Ok(n) = n else {
            h.check(false, format!("{kind}: sign {n:?}"));
            continue;
        };
        image.truncate(n);
        let mut v = Verifier::new(&policy);
        let verified = v.update(&image).and_then(|()| v.finish());
        let Ok(verified) = verified else {
            h.check(false, format!("{kind}: verify {verified:?}"));
            continue;
        };
        let mut out = vec![0u8; image.len() + 8192];
        let r = h.op(kind, kem.name(), || {
            let mut d = Decryptor::new(&verified, key)?;
            if check_digest {
                d.check_plaintext_digest();
            }
            let n = d.update(&image, &mut out)?;
            d.finish().map(|_| n)
        });
        // Declassify: the verdict is public; the plaintext is compared by the harness only.
        vg::public_val(&r);
        vg::public(&out);
        match flip {
            None => h.check(
                r == Ok(plain.len()) && out[..plain.len()] == plain_public(&plain)[..],
                format!("{kind}: {r:?}"),
            ),
            Some(_) => h.check(
                r == Err(pqhybrid::Error::Firmware(
                    pqhybrid::firmware::FirmwareError::ChunkAuthentication,
                )),
                format!("{kind}: {r:?}"),
            ),
        }
    }
}

fn main() -> ExitCode {
    let (mut only, mut ci, mut verbose) = (None, false, false);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.len()) {
            ("--only", 1..) => only = args.next(),
            ("--ci", _) => ci = true,
            ("--verbose", _) => verbose = true,
            _ => {
                eprintln!("usage: ct-taint [--ci] [--verbose] [--only SUBSTRING]");
                return ExitCode::from(2);
            }
        }
    }
    let under = vg::running();
    if !under {
        eprintln!("ct: not running under valgrind: results are checked, timing is not");
    }
    let mut h = Harness {
        rows: Vec::new(),
        wrong: Vec::new(),
        rng: SplitMix(0x7063_7468_7962_7264),
        only,
        ci,
        verbose,
    };
    signatures(&mut h);
    compact_signer(&mut h);
    kems(&mut h);
    ecdh(&mut h);
    aead(&mut h);
    hpke_paths(&mut h);
    firmware_paths(&mut h);
    identity_paths(&mut h);
    identity_seal_paths(&mut h);
    encrypted_firmware_paths(&mut h);

    println!(
        "ct: {:<28} {:>5} {:>7} {:>9}",
        "operation", "runs", "reports", "ms"
    );
    let (mut runs, mut errors) = (0, 0);
    for r in &h.rows {
        println!(
            "ct: {:<28} {:>5} {:>7} {:>9}",
            r.kind, r.runs, r.errors, r.millis
        );
        if !r.failed.is_empty() {
            println!("ct:     reports in: {}", r.failed.join(", "));
        }
        runs += r.runs;
        errors += r.errors;
    }
    println!(
        "ct: {runs} operations, {errors} secret-dependent branch/index report(s), {} wrong result(s){}",
        h.wrong.len(),
        if under { "" } else { " (NOT under valgrind)" }
    );
    if errors > 0 || !h.wrong.is_empty() || runs == 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

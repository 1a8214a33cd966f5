//! Writes the seed corpora `fuzz/corpus/<target>/` from the known-answer vectors, read in place
//! (`../shared/kat-vectors` or wherever `pqhybrid_kat::kat_dir` finds them, and the project's
//! `kat-vectors/pqhybrid/`), plus keys and signatures derived here from fixed seeds.
//!
//! Usage: `gen_corpus <repository root> <corpus dir>`. Run by `cargo xtask fuzz` after the fuzz
//! build; the corpora are not committed (`fuzz/.gitignore`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use pqhybrid::encoding::{
    Algorithm, encode_private_key, encode_private_key_pem, encode_public_key,
    encode_public_key_pem, private_key_der_len, public_key_der_len,
};
use pqhybrid::firmware::{FIRMWARE_ALGORITHMS, Manifest};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use pqhybrid_fuzz::{
    Builder, composites, kem_alg_index, kem_c_value, key_document, sig_alg_index, sig_c_value,
    slow_keygen,
};
use serde_json::Value;

/// Test cases taken from each vector file at most (the corpora stay small; the fuzzer mutates).
const PER_FILE: usize = 24;

struct Corpus {
    dir: PathBuf,
    files: BTreeMap<String, usize>,
}

impl Corpus {
    fn add(&mut self, target: &str, input: Vec<u8>) {
        let n = self.files.entry(target.to_owned()).or_insert(0);
        let dir = self.dir.join(target);
        if *n == 0 {
            fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        }
        let path = dir.join(format!("seed-{n:04}"));
        fs::write(&path, input).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        *n += 1;
    }
}

/// An input of the C ABI targets (`ffi_sig`, `ffi_kem`): `op`, the algorithm's C value, `flags`,
/// `lenmode`, `extra` = 0, then the fields `a`, `b`, `c` and the rest `d`.
#[allow(clippy::too_many_arguments)]
fn ffi_input(
    op: u8,
    alg: u8,
    flags: u16,
    lenmode: u8,
    a: &[u8],
    b: &[u8],
    c: &[u8],
    d: &[u8],
) -> Vec<u8> {
    Builder::new()
        .u8(op)
        .u8(alg)
        .u16(flags)
        .u8(lenmode)
        .u16(0)
        .bytes(a)
        .bytes(b)
        .bytes(c)
        .rest(d)
        .finish()
}

/// `ffi_sig` op 7 / `ffi_kem` op 6: the public-key import (`pqh_*_public_key_from_spki/_pem`).
const SIG_IMPORT_OP: u8 = 7;
const KEM_IMPORT_OP: u8 = 6;
/// `ffi_sig` flags: 8 derived key, 11 PEM, 12 document built by the target from `alg`.
const SIG_IMPORT_PEM: u16 = 1 << 11;
const SIG_IMPORT_BUILD: u16 = (1 << 8) | (1 << 12);
/// `ffi_kem` flags: 8 derived key, 14 PEM, 15 document built by the target from `alg`.
const KEM_IMPORT_PEM: u16 = 1 << 14;
const KEM_IMPORT_BUILD: u16 = (1 << 8) | (1 << 15);

/// Seeds of a C public-key import target for one key: its DER and PEM documents as given (with
/// an exact and a short key buffer, and with a NULL key buffer), the DER with a key one byte
/// short, and the target building them from the derived key (`seed` as field `a`) with no edit,
/// a flipped byte and a cut.
fn import_seeds(
    c: &mut Corpus,
    target: &str,
    (op, alg, pem_flag, build_flags): (u8, u8, u16, u16),
    der: &[u8],
    pem: &[u8],
    seed: &[u8],
) {
    let short = short_key_spki(der).expect("a SubjectPublicKeyInfo");
    for (flags, lenmode, doc) in [
        (0, 0, der),
        (0, 1, der),
        (pem_flag, 0, pem),
        (pem_flag, 1, pem),
        (1 << 2, 0, der),
        (0, 0, &short[..]),
    ] {
        c.add(
            target,
            ffi_input(op, alg, flags, lenmode, doc, b"", b"", b""),
        );
    }
    for (flags, edit) in [
        (build_flags, &[][..]),
        (build_flags, &[9, 0, 0x40][..]),
        (build_flags, &[30, 0, 0, 1][..]),
        (build_flags | pem_flag, &[][..]),
        (build_flags | pem_flag, &[40, 0, 0x01][..]),
    ] {
        c.add(target, ffi_input(op, alg, flags, 0, seed, b"", b"", edit));
    }
}

/// A DER TLV (definite length).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let mut out = vec![tag];
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let skip = len.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (len.len() - skip) as u8);
        out.extend_from_slice(&len[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// `(header length, content length)` of the DER TLV at the start of `b`.
fn tlv_header(b: &[u8]) -> Option<(usize, usize)> {
    let l = *b.get(1)?;
    if l < 0x80 {
        return Some((2, usize::from(l)));
    }
    let n = usize::from(l & 0x7f);
    let len = b
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |a, &x| (a << 8) | usize::from(x));
    Some((2 + n, len))
}

/// The SubjectPublicKeyInfo `der` with its key one byte short: well-formed DER of a known
/// algorithm that the imports must refuse with PQH_ERR_INVALID_LENGTH.
fn short_key_spki(der: &[u8]) -> Option<Vec<u8>> {
    let (h, _) = tlv_header(der)?;
    let body = der.get(h..)?;
    let (ah, al) = tlv_header(body)?;
    let (alg_id, bits) = body.split_at_checked(ah + al)?;
    let (bh, bl) = tlv_header(bits)?;
    let content = bits.get(bh..bh + bl)?;
    let short = content.get(..content.len().checked_sub(1)?)?;
    Some(tlv(0x30, &[alg_id, &tlv(0x03, short)].concat()))
}

fn hex(v: &Value) -> Vec<u8> {
    v.as_str().map(pqhybrid_kat::hex).unwrap_or_default()
}

fn b64(v: &Value) -> Vec<u8> {
    v.as_str().map(pqhybrid_kat::b64).unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: gen_corpus <repository root> <corpus dir>");
        std::process::exit(2);
    };
    let root = PathBuf::from(root);
    let mut c = Corpus {
        dir: PathBuf::from(out),
        files: BTreeMap::new(),
    };
    eprintln!(
        "gen_corpus: vectors from {}",
        pqhybrid_kat::kat_dir().display()
    );

    derived_signatures(&mut c);
    derived_kems(&mut c);
    hpke_boxes(&mut c);
    wycheproof_signatures(&mut c);
    wycheproof_kems(&mut c);
    composite_sig_vectors(&mut c);
    composite_kem_vectors(&mut c);
    xwing_vectors(&mut c);
    firmware_images(&mut c, &root);
    encrypted_images(&mut c, &root);
    identity_chains(&mut c);

    for (target, n) in &c.files {
        println!("corpus {target}: {n} seeds");
    }
}

/// Every signature algorithm: a key pair and a signature from a fixed seed.
fn derived_signatures(c: &mut Corpus) {
    let msg = b"pqhybrid fuzz seed message";
    let ctx = b"ctx";
    for (i, alg) in SignatureAlgorithm::ALL.into_iter().enumerate() {
        let seed: Vec<u8> = (0..alg.seed_len())
            .map(|j| (i * 31 + j) as u8 | 1)
            .collect();
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        if alg.keypair_from_seed(&seed, &mut pk, &mut sk).is_err() {
            continue;
        }
        let ctx: &[u8] = if alg.supports_context() { ctx } else { b"" };
        // SLH-DSA "s" signing is slow: only the fast parameter sets get a signature.
        let slow = slow_keygen(alg);
        let mut sig = vec![0u8; alg.signature_len()];
        let n = if slow {
            0
        } else {
            alg.sign_deterministic(&sk, msg, ctx, &mut sig).unwrap_or(0)
        };
        sig.truncate(n);
        let sel = sig_alg_index(alg);
        c.add(
            "sig_decode",
            Builder::new()
                .u8(sel)
                .bytes(&pk)
                .bytes(&sk)
                .bytes(msg)
                .bytes(ctx)
                .rest(&sig)
                .finish(),
        );
        let a = Algorithm::Signature(alg);
        let mut der = vec![0u8; public_key_der_len(a)];
        if let Ok(m) = encode_public_key(a, &pk, &mut der) {
            c.add("spki", der[..m].to_vec());
        }
        let mut der = vec![0u8; private_key_der_len(a)];
        if !slow && let Ok(m) = encode_private_key(a, &sk, &mut der) {
            c.add("pkcs8", der[..m].to_vec());
        }
        if let Ok(p) = encode_public_key_pem(a, &pk) {
            c.add("pem", p.into_bytes());
        }
        if !slow && let Ok(p) = encode_private_key_pem(a, &sk) {
            c.add("pem", p.as_bytes().to_vec());
        }
        if alg.is_hybrid() {
            let comp = composites();
            let csel = comp.iter().position(|x| *x == alg).unwrap_or(0) as u8;
            c.add(
                "composite_verify",
                Builder::new()
                    .u8(csel)
                    .bytes(&pk)
                    .bytes(msg)
                    .bytes(ctx)
                    .rest(&sig)
                    .finish(),
            );
        }
        // The C ABI takes the algorithm's C value (its id in the core table).
        let sel = sig_c_value(alg).expect("every signature algorithm has a C value");
        let der = key_document(a, &pk, false);
        let pem = key_document(a, &pk, true);
        import_seeds(
            c,
            "ffi_sig",
            (SIG_IMPORT_OP, sel, SIG_IMPORT_PEM, SIG_IMPORT_BUILD),
            &der,
            &pem,
            &seed,
        );
        // A signature key given to the KEM import: PQH_ERR_UNKNOWN_ALGORITHM.
        c.add(
            "ffi_kem",
            ffi_input(KEM_IMPORT_OP, 1, 0, 0, &der, b"", b"", b""),
        );
        c.add(
            "ffi_kem",
            ffi_input(KEM_IMPORT_OP, 1, KEM_IMPORT_PEM, 0, &pem, b"", b"", b""),
        );
        if alg == SignatureAlgorithm::Ed25519 {
            // Documents the imports refuse: empty, an empty PEM block, a private key.
            let empty_pem = b"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n";
            c.add(
                "ffi_sig",
                ffi_input(SIG_IMPORT_OP, sel, 0, 0, b"", b"", b"", b""),
            );
            c.add(
                "ffi_sig",
                ffi_input(
                    SIG_IMPORT_OP,
                    sel,
                    SIG_IMPORT_PEM,
                    0,
                    empty_pem,
                    b"",
                    b"",
                    b"",
                ),
            );
            if let Ok(p) = encode_private_key_pem(a, &sk) {
                c.add(
                    "ffi_sig",
                    ffi_input(
                        SIG_IMPORT_OP,
                        sel,
                        SIG_IMPORT_PEM,
                        0,
                        p.as_bytes(),
                        b"",
                        b"",
                        b"",
                    ),
                );
            }
        }
        if !slow {
            // The C ABI: keypair_from_seed, sign, verify with derived keys (flag 8).
            for op in [0u8, 2, 3, 4, 5, 6] {
                c.add(
                    "ffi_sig",
                    Builder::new()
                        .u8(op)
                        .u8(sel)
                        .u16(1 << 8)
                        .u8(0)
                        .u16(0)
                        .bytes(&seed)
                        .bytes(msg)
                        .bytes(ctx)
                        .rest(b"rng")
                        .finish(),
                );
            }
        }
    }
    // The differential target: each composite and ML-DSA, a valid signature path and an
    // arbitrary-signature path.
    for sel in 0u8..9 {
        for mode in [0u8, 1, 2, 3] {
            c.add(
                "composite_diff",
                Builder::new()
                    .u8(sel)
                    .u8(mode)
                    .bytes(&[sel; 32])
                    .bytes(b"firmware image bytes, streamed in chunks")
                    .bytes(b"ctx")
                    .bytes(&[3, 0, 17, 250])
                    .bytes(b"hedge")
                    .bytes(&[5, 0, 1])
                    .rest(&[0u8; 64])
                    .finish(),
            );
        }
    }
    // The compact ML-DSA signer against both backends: each set, deterministic and hedged,
    // an empty and a long context, an over-long context, and expanded-key edits (s₁ and t₀).
    for sel in 0u8..3 {
        for (rnd, ctx, edits) in [
            (&[][..], &b""[..], &[][..]),
            (&[7u8; 32][..], &b"ctx"[..], &[][..]),
            (&[][..], &[0x55u8; 255][..], &[200, 0, 0xff][..]),
            (&[1u8; 32][..], &[0u8; 256][..], &[][..]),
            (&[][..], &b"c"[..], &[0, 15, 0x0f, 0x80, 0, 0x3c][..]),
        ] {
            c.add(
                "ml_dsa_compact_sign",
                Builder::new()
                    .u8(sel)
                    .u8(0)
                    .bytes(&[sel.wrapping_add(3); 32])
                    .bytes(rnd)
                    .bytes(b"firmware image")
                    .bytes(ctx)
                    .rest(edits)
                    .finish(),
            );
        }
    }
    // The compact ML-DSA verifier against RustCrypto: each set, a fresh signature, edits of
    // each kind (byte flip, z at the norm bound, hint byte, public-key flip), an arbitrary
    // signature, and length changes.
    for sel in 0u8..3 {
        for (mode, edits) in [
            (0u8, &[][..]),
            (0, &[0, 5, 0, 1][..]),
            (0, &[1, 7, 0, 0][..]),
            (0, &[1, 7, 0, 0x21][..]),
            (0, &[2, 0, 9, 0, 2, 1, 9, 0][..]),
            (0, &[3, 40, 0, 4][..]),
            (1, &[][..]),
            (2, &[][..]),
            (8, &[][..]),
        ] {
            c.add(
                "ml_dsa_verify_diff",
                Builder::new()
                    .u8(sel)
                    .u8(mode)
                    .bytes(&[sel.wrapping_add(1); 32])
                    .bytes(b"firmware image")
                    .bytes(b"ctx")
                    .bytes(edits)
                    .rest(&[0u8; 64])
                    .finish(),
            );
        }
    }
}

/// Every KEM: a key pair from a fixed seed (the target encapsulates itself).
fn derived_kems(c: &mut Corpus) {
    for (i, alg) in KemAlgorithm::ALL.into_iter().enumerate() {
        let seed: Vec<u8> = (0..alg.seed_len()).map(|j| (i * 17 + j) as u8).collect();
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        if alg.keypair_from_seed(&seed, &mut pk, &mut sk).is_err() {
            continue;
        }
        let ct = vec![0x42u8; alg.ciphertext_len()];
        let rand: Vec<u8> = (0..alg.encaps_randomness_len())
            .map(|j| j as u8 + 1)
            .collect();
        c.add(
            "kem_decode",
            Builder::new()
                .u8(kem_alg_index(alg))
                .bytes(&pk)
                .bytes(&sk)
                .bytes(&ct)
                .bytes(&seed)
                .bytes(&rand)
                .rest(&[1, 0, 0x80])
                .finish(),
        );
        let a = Algorithm::Kem(alg);
        let mut der = vec![0u8; public_key_der_len(a)];
        if let Ok(m) = encode_public_key(a, &pk, &mut der) {
            c.add("spki", der[..m].to_vec());
        }
        let mut der = vec![0u8; private_key_der_len(a)];
        if let Ok(m) = encode_private_key(a, &sk, &mut der) {
            c.add("pkcs8", der[..m].to_vec());
        }
        if let Ok(p) = encode_public_key_pem(a, &pk) {
            c.add("pem", p.into_bytes());
        }
        let sel = kem_c_value(alg).expect("every KEM has a C value");
        let der = key_document(a, &pk, false);
        let pem = key_document(a, &pk, true);
        import_seeds(
            c,
            "ffi_kem",
            (KEM_IMPORT_OP, sel, KEM_IMPORT_PEM, KEM_IMPORT_BUILD),
            &der,
            &pem,
            &seed,
        );
        // A KEM key given to the signature import: PQH_ERR_UNKNOWN_ALGORITHM.
        c.add(
            "ffi_sig",
            ffi_input(SIG_IMPORT_OP, 1, 0, 0, &der, b"", b"", b""),
        );
        c.add(
            "ffi_sig",
            ffi_input(SIG_IMPORT_OP, 1, SIG_IMPORT_PEM, 0, &pem, b"", b"", b""),
        );
        for op in 0u8..5 {
            c.add(
                "ffi_kem",
                Builder::new()
                    .u8(op)
                    .u8(sel)
                    .u16(1 << 8)
                    .u8(0)
                    .u16(0)
                    .bytes(&seed)
                    .bytes(&rand)
                    .bytes(&ct)
                    .rest(b"")
                    .finish(),
            );
        }
    }
    for alg in [1u8, 2] {
        c.add(
            "ffi_kem",
            Builder::new()
                .u8(5)
                .u8(alg)
                .u16((1 << 10) | (1 << 11))
                .u8(0)
                .u16(0)
                .bytes(&[7; 32])
                .bytes(&[9; 12])
                .bytes(b"associated data|plaintext")
                .rest(&[3, 0])
                .finish(),
        );
    }
}

/// `hpke_open`: for every KEM and every suite, a key derived from a fixed seed and a plaintext
/// the target seals (flags 0, 1, 4: derived key, seal, C ABI too), once unedited and once with
/// a flipped byte; and for X-Wing a box sealed here, given as raw bytes with its raw private key
/// (flags 4 only).
fn hpke_boxes(c: &mut Corpus) {
    use pqhybrid::hpke::{Aead, Kdf, Suite};
    for alg in KemAlgorithm::ALL {
        let seed: Vec<u8> = (0..alg.seed_len()).map(|j| j as u8 ^ 0x3c).collect();
        for (k, _) in Kdf::ALL.iter().enumerate() {
            for (a, _) in Aead::ALL.iter().enumerate() {
                for edit in [&[][..], &[5, 0, 0x10][..]] {
                    c.add(
                        "hpke_open",
                        Builder::new()
                            .u8(kem_alg_index(alg))
                            .u8(k as u8)
                            .u8(a as u8)
                            .u16(0b1_0011)
                            .u16(0)
                            .bytes(&seed)
                            .bytes(b"info")
                            .bytes(b"aad")
                            .bytes(b"a plaintext of some length")
                            .bytes(b"randomness")
                            .rest(edit)
                            .finish(),
                    );
                }
            }
        }
    }
    // `info` past the SHAKE KDFs' limit (flag 2) and a fuzzer-sized output buffer (flag 3).
    for (k, _) in Kdf::ALL.iter().enumerate() {
        for flags in [0b1_0111u16, 0b1_1011] {
            c.add(
                "hpke_open",
                Builder::new()
                    .u8(kem_alg_index(KemAlgorithm::XWing))
                    .u8(k as u8)
                    .u8(1)
                    .u16(flags)
                    .u16(0x0105)
                    .bytes(b"x-wing seed")
                    .bytes(b"long info ")
                    .bytes(b"")
                    .bytes(b"plaintext")
                    .bytes(b"")
                    .rest(b"")
                    .finish(),
            );
        }
    }
    let alg = KemAlgorithm::XWing;
    let suite = Suite::new(alg, Kdf::HkdfSha256, Aead::Aes256Gcm).expect("X-Wing suite");
    let (mut pk, mut sk) = (
        vec![0u8; alg.public_key_len()],
        vec![0u8; alg.secret_key_len()],
    );
    alg.keypair_from_seed(&[7; 32], &mut pk, &mut sk)
        .expect("X-Wing key");
    let mut sealed = vec![0u8; suite.sealed_len(5)];
    let mut rng = pqhybrid_fuzz::FuzzRng::new(b"seed corpus");
    suite
        .seal(&pk, b"info", b"aad", b"hello", &mut sealed, &mut rng)
        .expect("seal");
    c.add(
        "hpke_open",
        Builder::new()
            .u8(kem_alg_index(alg))
            .u8(0)
            .u8(0)
            .u16(1 << 4)
            .u16(0)
            .bytes(&sk)
            .bytes(b"info")
            .bytes(b"aad")
            .bytes(&sealed)
            .bytes(b"")
            .rest(b"")
            .finish(),
    );
}

fn load(rel: &str) -> Option<Value> {
    let full = pqhybrid_kat::kat_dir().join(rel);
    if !full.is_file() {
        eprintln!("gen_corpus: {rel} not found, skipped");
        return None;
    }
    Some(pqhybrid_kat::load_json(rel))
}

/// Wycheproof ML-DSA, Ed25519 and ECDSA verification vectors: key, message, signature.
fn wycheproof_signatures(c: &mut Corpus) {
    let files = [
        (
            "wycheproof/mldsa_44_verify_test.json",
            SignatureAlgorithm::MlDsa44,
        ),
        (
            "wycheproof/mldsa_65_verify_test.json",
            SignatureAlgorithm::MlDsa65,
        ),
        (
            "wycheproof/mldsa_87_verify_test.json",
            SignatureAlgorithm::MlDsa87,
        ),
        ("wycheproof/ed25519_test.json", SignatureAlgorithm::Ed25519),
        (
            "wycheproof/ecdsa_secp256r1_sha256_p1363_test.json",
            SignatureAlgorithm::EcdsaP256Sha256,
        ),
    ];
    for (rel, alg) in files {
        let Some(doc) = load(rel) else { continue };
        let mut taken = 0;
        for g in doc["testGroups"].as_array().into_iter().flatten() {
            let pk = match &g["publicKey"] {
                Value::String(_) => hex(&g["publicKey"]),
                v => {
                    let u = hex(&v["uncompressed"]);
                    if u.is_empty() { hex(&v["pk"]) } else { u }
                }
            };
            let der = hex(&g["publicKeyDer"]);
            if !der.is_empty() {
                c.add("spki", der);
            }
            if let Some(p) = g["publicKeyPem"].as_str() {
                c.add("pem", p.as_bytes().to_vec());
            }
            for t in g["tests"].as_array().into_iter().flatten() {
                if taken >= PER_FILE {
                    break;
                }
                taken += 1;
                c.add(
                    "sig_decode",
                    Builder::new()
                        .u8(sig_alg_index(alg))
                        .bytes(&pk)
                        .bytes(&[])
                        .bytes(&hex(&t["msg"]))
                        .bytes(&hex(&t["ctx"]))
                        .rest(&hex(&t["sig"]))
                        .finish(),
                );
            }
        }
    }
}

/// Wycheproof ML-KEM vectors: seed, encapsulation key, ciphertext.
fn wycheproof_kems(c: &mut Corpus) {
    let files = [
        ("wycheproof/mlkem_512_test.json", KemAlgorithm::MlKem512),
        ("wycheproof/mlkem_768_test.json", KemAlgorithm::MlKem768),
        ("wycheproof/mlkem_1024_test.json", KemAlgorithm::MlKem1024),
    ];
    for (rel, alg) in files {
        let Some(doc) = load(rel) else { continue };
        let tests = doc["testGroups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["tests"].as_array().into_iter().flatten());
        for t in tests.take(PER_FILE) {
            let seed = hex(&t["seed"]);
            c.add(
                "kem_decode",
                Builder::new()
                    .u8(kem_alg_index(alg))
                    .bytes(&hex(&t["ek"]))
                    .bytes(&seed)
                    .bytes(&hex(&t["c"]))
                    .bytes(&seed)
                    .bytes(&[0x11; 32])
                    .rest(&[])
                    .finish(),
            );
        }
    }
}

/// The composite-signature draft's vectors: keys, PKCS#8 keys, signatures with and without
/// context.
fn composite_sig_vectors(c: &mut Corpus) {
    let Some(doc) = load("composite-sigs/testvectors.json") else {
        return;
    };
    let m = b64(&doc["m"]);
    let ctx = b64(&doc["ctx"]);
    for t in doc["tests"].as_array().into_iter().flatten() {
        let id = t["tcId"].as_str().unwrap_or("").trim_start_matches("id-");
        let pkcs8 = b64(&t["sk_pkcs8"]);
        if !pkcs8.is_empty() {
            c.add("pkcs8", pkcs8);
        }
        let Some(alg) = SignatureAlgorithm::from_name(id) else {
            continue;
        };
        let pk = b64(&t["pk"]);
        let sk = b64(&t["sk"]);
        for (x, s) in [
            (&b""[..], b64(&t["s"])),
            (&ctx[..], b64(&t["sWithContext"])),
        ] {
            c.add(
                "sig_decode",
                Builder::new()
                    .u8(sig_alg_index(alg))
                    .bytes(&pk)
                    .bytes(&sk)
                    .bytes(&m)
                    .bytes(x)
                    .rest(&s)
                    .finish(),
            );
            if alg.is_hybrid() {
                let csel = composites().iter().position(|a| *a == alg).unwrap_or(0) as u8;
                c.add(
                    "composite_verify",
                    Builder::new()
                        .u8(csel)
                        .bytes(&pk)
                        .bytes(&m)
                        .bytes(x)
                        .rest(&s)
                        .finish(),
                );
            }
        }
    }
}

/// The composite-KEM draft's vectors.
fn composite_kem_vectors(c: &mut Corpus) {
    let Some(doc) = load("composite-kem/testvectors.json") else {
        return;
    };
    for t in doc["tests"].as_array().into_iter().flatten() {
        let pkcs8 = b64(&t["dk_pkcs8"]);
        if !pkcs8.is_empty() {
            c.add("pkcs8", pkcs8);
        }
        let id = t["tcId"].as_str().unwrap_or("").trim_start_matches("id-");
        let alg = KemAlgorithm::ALL.into_iter().find(|a| {
            a.name().eq_ignore_ascii_case(id)
                || id.eq_ignore_ascii_case(&format!("alg-{}", a.name()))
        });
        let Some(alg) = alg else { continue };
        c.add(
            "kem_decode",
            Builder::new()
                .u8(kem_alg_index(alg))
                .bytes(&b64(&t["ek"]))
                .bytes(&b64(&t["dk"]))
                .bytes(&b64(&t["c"]))
                .bytes(&[])
                .bytes(&[0x22; 64])
                .rest(&[])
                .finish(),
        );
    }
}

/// X-Wing draft vectors.
fn xwing_vectors(c: &mut Corpus) {
    let Some(doc) = load("xwing/test-vectors.json") else {
        return;
    };
    for t in doc.as_array().into_iter().flatten() {
        c.add(
            "kem_decode",
            Builder::new()
                .u8(kem_alg_index(KemAlgorithm::XWing))
                .bytes(&hex(&t["pk"]))
                .bytes(&hex(&t["sk"]))
                .bytes(&hex(&t["ct"]))
                .bytes(&hex(&t["seed"]))
                .bytes(&hex(&t["eseed"]))
                .rest(&[])
                .finish(),
        );
    }
}

/// The project's signed firmware images (`kat-vectors/pqhybrid/firmware/*.pqfw`, and the
/// format-1 image in `firmware-v1/`).
/// `fw_decrypt`: every committed encrypted known-answer image (the valid X-Wing one with
/// several chunkings and buffers), as the second read of the verified valid X-Wing image.
fn encrypted_images(c: &mut Corpus, root: &Path) {
    let dir = root.join("kat-vectors/pqhybrid/firmware-encrypted");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pqfw"))
        .collect();
    names.sort();
    let plans: [&[u8]; 3] = [&[], &[1, 0, 17], &[16, 255]];
    for path in names {
        let image = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let valid = path.file_name().is_some_and(|n| n == "valid-X-Wing.pqfw");
        for (i, plan) in plans.iter().enumerate() {
            c.add(
                "fw_decrypt",
                Builder::new()
                    .u8(i as u8 + 1)
                    .bytes(plan)
                    .rest(&image)
                    .finish(),
            );
            if !valid {
                break;
            }
        }
    }
}

fn firmware_images(c: &mut Corpus, root: &Path) {
    let mut names: Vec<PathBuf> = Vec::new();
    for sub in [
        "kat-vectors/pqhybrid/firmware",
        "kat-vectors/pqhybrid/firmware-v1",
    ] {
        let dir = root.join(sub);
        names.extend(
            fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "pqfw")),
        );
    }
    names.sort();
    let plans: [&[u8]; 4] = [&[], &[1], &[7, 0, 13, 192], &[255, 64]];
    for path in names {
        let image = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let valid = path.file_name().is_some_and(|n| n == "valid.pqfw");
        for plan in plans {
            c.add(
                "fw_verify",
                Builder::new().bytes(plan).rest(&image).finish(),
            );
            if !valid {
                break;
            }
        }
        c.add(
            "ffi_fw",
            Builder::new()
                .u16(0)
                .bytes(&[])
                .bytes(&[])
                .bytes(&[200])
                .rest(&image)
                .finish(),
        );
        if valid {
            c.add(
                "ffi_fw",
                Builder::new()
                    .u16(0x07c0)
                    .bytes(&[])
                    .bytes(&[])
                    .bytes(&[1, 0, 9])
                    .rest(&image)
                    .finish(),
            );
        }
        // fw_header: the image, and (from a parseable image) its signature block and
        // endorsement alone, with the mode byte matching the header.
        c.add("fw_header", Builder::new().u8(0).rest(&image).finish());
        // Trust stores: a well-formed one (header, anchors with and without labels, both
        // states), and lines with each kind of error.
        for text in [
            concat!(
                "# pqhybrid trust store: <key id (64 hex)>  <active|revoked>  [# label]\n",
                "7071687962726964626f6f746c6472317071687962726964626f6f746c647231  active  # release 2026\n",
                "\n",
                "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\tREVOKED\r\n",
            ),
            "00112233  active\n",
            "7071687962726964626f6f746c6472317071687962726964626f6f746c647231\n",
            "7071687962726964626f6f746c6472317071687962726964626f6f746c647231 active extra\n",
            "7071687962726964626f6f746c6472317071687962726964626f6f746c647231 active\n7071687962726964626f6f746c6472317071687962726964626f6f746c647231 revoked\n",
        ] {
            c.add("trust_store", text.as_bytes().to_vec());
        }
        if let Ok(m) = Manifest::parse(&image) {
            let h = m.header;
            let idx = FIRMWARE_ALGORITHMS
                .iter()
                .position(|a| *a == h.algorithm)
                .unwrap_or(0) as u8;
            let mode = idx
                | if h.delegated { 0x80 } else { 0 }
                | if h.format_version == 1 { 0x40 } else { 0 };
            let start = usize::try_from(h.trailer_offset()).unwrap_or(usize::MAX);
            if let Some(trailer) = image.get(start..) {
                c.add("fw_header", Builder::new().u8(mode).rest(trailer).finish());
                if let Some(e) = m.signature_block.and_then(|b| b.endorsement) {
                    let rec = &trailer[trailer.len() - e.encoded_len()..];
                    c.add("fw_header", Builder::new().u8(mode).rest(rec).finish());
                }
            }
        }
    }
}

/// `identity`: valid chains (root, DeviceID, Alias, evidence, nonce; `u16be` length-prefixed
/// as the target reads them) and CSRs of three identity algorithms, each also with its
/// evidence swapped for another device's and with a wrong nonce.
fn identity_chains(c: &mut Corpus) {
    use pqhybrid::SignatureAlgorithm;
    use pqhybrid::identity::{
        Cdis, IdentityKey, InputValues, MAX_CERT_LEN, Mode, TcbInfo, Uds, code_hash,
        write_alias_certificate, write_csr, write_device_id_certificate, write_evidence,
        write_root_certificate,
    };
    let doc = |f: &dyn Fn(&mut [u8]) -> pqhybrid::Result<usize>| -> Vec<u8> {
        let mut buf = vec![0u8; MAX_CERT_LEN];
        let n = f(&mut buf).expect("identity document");
        buf.truncate(n);
        buf
    };
    let framed = |docs: [&[u8]; 4], nonce: &[u8]| -> Vec<u8> {
        let mut out = Vec::new();
        for d in docs {
            out.extend_from_slice(&u16::try_from(d.len()).expect("short").to_be_bytes());
            out.extend_from_slice(d);
        }
        out.extend_from_slice(nonce);
        out
    };
    for alg in [
        SignatureAlgorithm::MlDsa44,
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
        SignatureAlgorithm::MlDsa44EcdsaP256Sha256,
    ] {
        let ca = IdentityKey::derive(alg, &Cdis::from_uds(&Uds::new([0xca; 32]))).expect("ca");
        let mut chains = Vec::new();
        for uds in [1u8, 2] {
            let layer0 = Cdis::from_uds(&Uds::new([uds; 32]));
            let mut inputs = InputValues::zero(Mode::Normal);
            inputs.code_hash = code_hash(&[0x11; 32]);
            let device_id = IdentityKey::derive(alg, &layer0).expect("device id");
            let alias = IdentityKey::derive(alg, &layer0.next(&inputs)).expect("alias");
            let tcb = TcbInfo {
                vendor: "pqhybrid",
                model: "fuzz",
                security_version: 3,
                layer: 1,
                image_id: [0x11; 32],
                mode: Mode::Normal,
            };
            chains.push((
                doc(&|b| {
                    write_device_id_certificate(&ca, "fuzz CA", alg, device_id.public_key(), b)
                }),
                doc(&|b| write_alias_certificate(&device_id, &alias, &tcb, b)),
                doc(&|b| write_evidence(&alias, b"fuzz nonce", b)),
            ));
            c.add("identity", doc(&|b| write_csr(&device_id, b)));
        }
        let root = doc(&|b| write_root_certificate(&ca, "fuzz CA", b));
        let (d1, a1, e1) = &chains[0];
        let (_, _, e2) = &chains[1];
        c.add("identity", framed([&root, d1, a1, e1], b"fuzz nonce"));
        c.add("identity", framed([&root, d1, a1, e2], b"fuzz nonce"));
        c.add("identity", framed([&root, d1, a1, e1], b"other nonce"));
    }
}

//! Firmware image verification throughput next to the raw hash over the same payload, one
//! composite verification, and signing.
//!
//! `cargo bench --bench firmware`. For a 1 MiB payload the verifier should reach at least 90 %
//! of the raw digest throughput: the payload is hashed once, the signatures cover only the
//! header.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)] // a benchmark: inputs are fixed and valid

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    self, DeviceClass, DigestAlgorithm, ImageParams, Policy, TrustAnchor, Verifier, key_id,
    sign_image, sign_image_deterministic,
};
use pqhybrid::rng::OsRng;

const MIB: usize = 1 << 20;
const CLASS: DeviceClass = DeviceClass(*b"bench-device-001");
const ALG: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;

fn firmware(c: &mut Criterion) {
    let mut pk = vec![0u8; ALG.public_key_len()];
    let mut sk = vec![0u8; ALG.secret_key_len()];
    ALG.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk).unwrap();
    let anchors = [TrustAnchor::active(key_id(ALG, &pk).unwrap())];
    let policy = Policy::new(&anchors, CLASS);
    let payload: Vec<u8> = (0..MIB).map(|i| (i * 31) as u8).collect();

    for digest in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512] {
        let mut g = c.benchmark_group(format!("firmware-1MiB-{}", digest.name()));
        g.throughput(Throughput::Bytes(MIB as u64));
        g.sample_size(20);
        let mut params = ImageParams::new(CLASS, 1);
        params.digest = digest;
        let mut image = vec![0u8; MIB + 8192];
        let n = sign_image_deterministic(&params, &payload, ALG, &sk, None, &mut image).unwrap();
        let image = &image[..n];
        g.bench_function("verify (4 KiB chunks)", |b| {
            b.iter(|| {
                let mut v = Verifier::new(&policy);
                for chunk in black_box(image).chunks(4096) {
                    v.update(chunk).unwrap();
                }
                v.finish().unwrap()
            })
        });
        g.bench_function("raw digest", |b| {
            b.iter(|| digest.digest(black_box(&payload)))
        });
        let mut rng = OsRng::default();
        let mut out = vec![0u8; MIB + 8192];
        g.bench_function("sign (hedged)", |b| {
            b.iter(|| {
                sign_image(
                    &params,
                    black_box(&payload),
                    ALG,
                    &sk,
                    None,
                    &mut rng,
                    &mut out,
                )
                .unwrap()
            })
        });
        g.finish();
    }

    encrypted(c, &policy, &sk, &payload);

    let mut g = c.benchmark_group("firmware-fixed-costs");
    let header = [0x5au8; 192];
    let mut sig = vec![0u8; ALG.signature_len()];
    let n = ALG
        .sign_deterministic(&sk, &header, firmware::IMAGE_CONTEXT, &mut sig)
        .unwrap();
    g.bench_function("composite verify (MLDSA65-Ed25519, 192-byte header)", |b| {
        b.iter(|| {
            ALG.verify(&pk, black_box(&header), firmware::IMAGE_CONTEXT, &sig[..n])
                .unwrap()
        })
    });
    g.finish();
}

/// Decrypt-and-verify of a 1 MiB encrypted image (X-Wing, 4 KiB chunks: the verifier pass,
/// then the decryptor pass) next to its reference: verifying a plain 1 MiB image plus
/// AES-256-GCM over the same bytes in the same chunks. Issue budget: at least 90 % of the
/// reference's throughput.
fn encrypted(c: &mut Criterion, policy: &Policy<'_>, sk: &[u8], payload: &[u8]) {
    use pqhybrid::KemAlgorithm;
    use pqhybrid::agile::DecapsulationKey;
    use pqhybrid::firmware::encrypt::{EncryptionParams, encrypt_payload_to_vec};
    use pqhybrid::firmware::{DEFAULT_CHUNK_BUFFER, Decryptor};
    use pqhybrid::primitives::aes_gcm::Aes256Gcm;

    // A decrypting device's policy: it accepts encrypted images (the default refuses them).
    let policy = &Policy {
        accept_encrypted: true,
        ..*policy
    };
    let kem = KemAlgorithm::XWing;
    let mut kpk = vec![0u8; kem.public_key_len()];
    let mut ksk = vec![0u8; kem.secret_key_len()];
    kem.keypair_from_seed(&[9u8; 32], &mut kpk, &mut ksk)
        .unwrap();
    let dk = DecapsulationKey::new(kem, &ksk).unwrap();
    let enc = encrypt_payload_to_vec(
        &EncryptionParams::new(&kpk, CLASS).unwrap(),
        payload,
        &mut OsRng::default(),
    )
    .unwrap();
    let mut params = ImageParams::new(CLASS, 1);
    params.encrypted = true;
    let mut image = vec![0u8; enc.len() + 8192];
    let n = sign_image_deterministic(&params, &enc, ALG, sk, None, &mut image).unwrap();
    let image = &image[..n];
    let mut plain = vec![0u8; MIB + 8192];
    let pn = sign_image_deterministic(
        &ImageParams::new(CLASS, 1),
        payload,
        ALG,
        sk,
        None,
        &mut plain,
    )
    .unwrap();
    let plain = &plain[..pn];

    let mut g = c.benchmark_group("firmware-1MiB-encrypted");
    g.throughput(Throughput::Bytes(MIB as u64));
    g.sample_size(20);
    let mut out = vec![0u8; 4096 + DEFAULT_CHUNK_BUFFER];
    for check_digest in [false, true] {
        let name = if check_digest {
            "decrypt-and-verify (X-Wing, 4 KiB chunks, with check_plaintext_digest)"
        } else {
            "decrypt-and-verify (X-Wing, 4 KiB chunks, default: chunks authenticated)"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut v = Verifier::new(policy);
                for chunk in black_box(image).chunks(4096) {
                    v.update(chunk).unwrap();
                }
                let verified = v.finish().unwrap();
                let mut d = Decryptor::new(&verified, &dk).unwrap();
                if check_digest {
                    d.check_plaintext_digest();
                }
                let mut sum = 0usize;
                for chunk in image.chunks(4096) {
                    sum += d.update(chunk, &mut out).unwrap();
                    black_box(&out);
                }
                d.finish().unwrap();
                sum
            })
        });
    }
    let cipher = Aes256Gcm::new(&[3u8; 32]).unwrap();
    let mut sealed: Vec<(Vec<u8>, [u8; 16])> = payload
        .chunks(4096)
        .enumerate()
        .map(|(i, c)| {
            let mut buf = c.to_vec();
            let mut nonce = [0u8; 12];
            nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
            let tag = cipher.seal_in_place(&nonce, b"", &mut buf).unwrap();
            (buf, tag)
        })
        .collect();
    g.bench_function(
        "reference: verify plain + AES-256-GCM open (4 KiB chunks)",
        |b| {
            b.iter(|| {
                let mut v = Verifier::new(policy);
                for chunk in black_box(plain).chunks(4096) {
                    v.update(chunk).unwrap();
                }
                v.finish().unwrap();
                for (i, (buf, tag)) in sealed.iter_mut().enumerate() {
                    let mut nonce = [0u8; 12];
                    nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
                    let mut copy = [0u8; 4096];
                    let copy = &mut copy[..buf.len()];
                    copy.copy_from_slice(buf);
                    cipher.open_in_place(&nonce, b"", copy, tag).unwrap();
                    black_box(&copy);
                }
            })
        },
    );
    g.finish();
}

criterion_group!(benches, firmware);
criterion_main!(benches);

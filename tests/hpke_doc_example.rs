//! Keeps the worked example of `docs/hpke.md` true: regenerates every value it shows (the
//! X-Wing key pair from the fixed seed, the encapsulation with the fixed randomness replayed by
//! `pqhybrid_kat::rng::Replay`, the RFC 9180 key schedule, the sealed box) and checks each
//! against the hex in the document.
//!
//! The key schedule is recomputed here from RFC 9180 §5.1 with HMAC-SHA256 written out over
//! `sha2`, and the AEAD step with pqhybrid's AES-256-GCM, independently of the `hpke` crate
//! that `Suite::seal` uses, so the document's explanation is checked as well as its bytes; and
//! the box is opened by the `hpke` crate's own X-Wing implementation too.
//!
//! A value that does not match fails with the block the document should contain.
#![cfg(feature = "hpke")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::KemAlgorithm;
use pqhybrid::agile::DecapsulationKey;
use pqhybrid::hpke::{Aead, AesGcm256, Deserializable, HkdfSha256, Kdf, Kem, OpModeR, Suite};
use pqhybrid::primitives::aes_gcm::Aes256Gcm;
use pqhybrid_kat::rng::Replay;
use sha2::{Digest, Sha256};

/// The example's inputs, as `docs/hpke.md` states them.
const SEED: [u8; 32] = {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = i as u8;
        i += 1;
    }
    s
};
const INFO: &[u8] = b"pqhybrid docs/hpke.md example";
const AAD: &[u8] = b"header v1";
const PT: &[u8] = b"Hello from pqhybrid HPKE!";

/// The 64 bytes of encapsulation randomness (X-Wing's `eseed`): 0x40, 0x41, ..., 0x7f.
fn eseed() -> [u8; 64] {
    core::array::from_fn(|i| 0x40 + i as u8)
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    for p in parts {
        inner.update(p);
    }
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// `LabeledExtract(salt, label, ikm)` (RFC 9180 §4).
fn labeled_extract(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
    hmac_sha256(salt, &[b"HPKE-v1", suite_id, label, ikm])
}

/// `LabeledExpand(prk, label, info, L)` for L ≤ 32 (one HKDF-Expand block).
fn labeled_expand(suite_id: &[u8], prk: &[u8], label: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let l = u16::try_from(len).unwrap().to_be_bytes();
    let t1 = hmac_sha256(prk, &[&l, b"HPKE-v1", suite_id, label, info, &[1]]);
    t1[..len].to_vec()
}

/// Every value the example shows, in the document's order.
fn example() -> Vec<(&'static str, Vec<u8>)> {
    let kem = KemAlgorithm::XWing;
    let suite = Suite::new(kem, Kdf::HkdfSha256, Aead::Aes256Gcm).unwrap();
    let (kem_id, kdf_id, aead_id) = suite.ids();
    assert_eq!((kem_id, kdf_id, aead_id), (0x647a, 0x0001, 0x0002));

    let mut pk = vec![0u8; kem.public_key_len()];
    let mut sk = vec![0u8; kem.secret_key_len()];
    kem.keypair_from_seed(&SEED, &mut pk, &mut sk).unwrap();
    assert_eq!(sk, SEED, "an X-Wing private key is its seed");

    // Seal with the randomness replayed: exactly the 64 bytes of eseed are drawn.
    let eseed = eseed();
    let mut rng = Replay(&eseed);
    let mut sealed = vec![0u8; suite.sealed_len(PT.len())];
    let n = suite
        .seal(&pk, INFO, AAD, PT, &mut sealed, &mut rng)
        .unwrap();
    assert_eq!(n, 1120 + PT.len() + 16);
    assert!(rng.0.is_empty(), "seal drew {} bytes", 64 - rng.0.len());

    // The KEM step on its own: enc and the shared secret.
    let mut enc = vec![0u8; kem.ciphertext_len()];
    let mut ss = [0u8; 32];
    kem.encapsulate_deterministic(&pk, &eseed, &mut enc, &mut ss)
        .unwrap();
    assert_eq!(enc, sealed[..1120], "enc is the start of the sealed box");

    // The key schedule (RFC 9180 §5.1, mode_base, no PSK).
    let mut suite_id = b"HPKE".to_vec();
    for id in [kem_id, kdf_id, aead_id] {
        suite_id.extend_from_slice(&id.to_be_bytes());
    }
    let psk_id_hash = labeled_extract(&suite_id, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(&suite_id, b"", b"info_hash", INFO);
    let mut context = vec![0x00];
    context.extend_from_slice(&psk_id_hash);
    context.extend_from_slice(&info_hash);
    let secret = labeled_extract(&suite_id, &ss, b"secret", b"");
    let key = labeled_expand(&suite_id, &secret, b"key", &context, 32);
    let base_nonce = labeled_expand(&suite_id, &secret, b"base_nonce", &context, 12);

    // The AEAD step: the first message's nonce is base_nonce.
    let mut ct_tag = vec![0u8; PT.len() + 16];
    let m = Aes256Gcm::new(&key)
        .unwrap()
        .seal(&base_nonce, AAD, PT, &mut ct_tag)
        .unwrap();
    assert_eq!(m, ct_tag.len());
    assert_eq!(
        ct_tag,
        sealed[1120..],
        "ct ‖ tag is the rest of the sealed box"
    );

    // And it opens with the private key (the seed): here, and with the `hpke` crate's own
    // X-Wing (over the `x-wing` crate), an independent implementation of the whole suite.
    let dk = DecapsulationKey::new(kem, &SEED).unwrap();
    let mut opened = vec![0u8; PT.len()];
    assert_eq!(
        suite.open(&dk, INFO, AAD, &sealed, &mut opened),
        Ok(PT.len())
    );
    assert_eq!(opened, PT);
    type TheirXWing = ::hpke::kem::XWing;
    let their_sk = <TheirXWing as Kem>::PrivateKey::from_bytes(&SEED).unwrap();
    let their_enc = <TheirXWing as Kem>::EncappedKey::from_bytes(&sealed[..1120]).unwrap();
    let mut ctx = ::hpke::setup_receiver::<AesGcm256, HkdfSha256, TheirXWing>(
        &OpModeR::Base,
        &their_sk,
        &their_enc,
        INFO,
    )
    .unwrap();
    assert_eq!(ctx.open(&sealed[1120..], AAD).unwrap(), PT);

    let (ct, tag) = ct_tag.split_at(PT.len());
    vec![
        ("seed", SEED.to_vec()),
        ("pk", pk),
        ("eseed", eseed.to_vec()),
        ("shared_secret", ss.to_vec()),
        ("suite_id", suite_id),
        ("key_schedule_context", context),
        ("secret", secret.to_vec()),
        ("key", key),
        ("base_nonce", base_nonce),
        ("enc", enc),
        ("ct", ct.to_vec()),
        ("tag", tag.to_vec()),
        ("sealed", sealed),
    ]
}

/// Lower-case hex, 64 digits (32 bytes) a line, as the document writes it.
fn hex_block(b: &[u8]) -> String {
    b.chunks(32)
        .map(|c| c.iter().map(|x| format!("{x:02x}")).collect::<String>() + "\n")
        .collect()
}

/// The hex of the fenced block after the marker `<!-- hpke-example: NAME -->`.
fn doc_block(doc: &str, name: &str) -> Option<String> {
    let marker = format!("<!-- hpke-example: {name} -->");
    let after = &doc[doc.find(&marker)? + marker.len()..];
    let start = after.find("```")?;
    let body = &after[start + 3..];
    let body = &body[body.find('\n')? + 1..];
    let end = body.find("```")?;
    Some(body[..end].split_whitespace().collect())
}

#[test]
fn the_worked_example_in_docs_hpke_md_is_what_the_library_computes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/hpke.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let mut wrong = Vec::new();
    for (name, bytes) in example() {
        let want: String = hex_block(&bytes).split_whitespace().collect();
        match doc_block(&doc, name) {
            Some(got) if got == want => {}
            got => wrong.push(format!(
                "{name}: the document has {}; it should be:\n<!-- hpke-example: {name} -->\n\
                 ```text\n{}```",
                if got.is_some() {
                    "other bytes"
                } else {
                    "no block"
                },
                hex_block(&bytes)
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/hpke.md is out of date:\n{}",
        wrong.join("\n")
    );
    // The inputs the document states in words.
    for text in [INFO, AAD, PT] {
        let s = core::str::from_utf8(text).unwrap();
        assert!(
            doc.contains(&format!("`{s}`")),
            "docs/hpke.md does not state `{s}`"
        );
    }
}

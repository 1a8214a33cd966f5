//! Data sealed under the device identity (`pqhybrid::identity::SealingKey`,
//! `docs/identity.md` "Sealing"): round trips, which DICE inputs change the key, every way a
//! blob is rejected (with nothing released), label separation, and the worked example of the
//! document, recomputed independently with the `hkdf` and `aes-gcm` crates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use aes_gcm::aead::{AeadInOut, KeyInit};
use hkdf::Hkdf;
use pqhybrid::Error;
use pqhybrid::error::Field;
use pqhybrid::identity::{
    Cdis, InputValues, MAX_SEAL_AAD_LEN, MAX_SEAL_LABEL_LEN, Mode, SEAL_HEADER_LEN, SEAL_OVERHEAD,
    SealingKey, Uds, sealed_len,
};
use pqhybrid::rng::{OsRng, TryCryptoRng, TryRng};
use sha2::Sha512;

/// A generator that replays a counter (0, 1, 2, …) and counts its calls: reproducible nonces.
struct Counter {
    next: u8,
    calls: usize,
}

impl Counter {
    fn new() -> Self {
        Self { next: 0, calls: 0 }
    }
}

impl TryRng for Counter {
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
        self.calls += 1;
        for b in dst {
            *b = self.next;
            self.next = self.next.wrapping_add(1);
        }
        Ok(())
    }
}
impl TryCryptoRng for Counter {}

/// A generator that always fails.
struct Failing;

#[derive(Debug)]
struct Broken;
impl core::fmt::Display for Broken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("broken")
    }
}
impl core::error::Error for Broken {}

impl TryRng for Failing {
    type Error = Broken;
    fn try_next_u32(&mut self) -> Result<u32, Broken> {
        Err(Broken)
    }
    fn try_next_u64(&mut self) -> Result<u64, Broken> {
        Err(Broken)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Broken> {
        Err(Broken)
    }
}
impl TryCryptoRng for Failing {}

const SENTINEL: u8 = 0xA5;

/// The measured inputs of an image: `code` stands for the image (a signed update changes it
/// and the configuration), `authority` for the signer.
fn inputs(code: u8, config: u8, authority: u8, mode: Mode) -> InputValues {
    let mut i = InputValues::zero(mode);
    i.code_hash = [code; 64];
    i.config = [config; 64];
    i.authority_hash = [authority; 64];
    i
}

/// Layer-1 CDIs of device `uds` running an image with `inputs`.
fn layer1(uds: u8, inputs: &InputValues) -> Cdis {
    Cdis::from_uds(&Uds::new([uds; 32])).next(inputs)
}

fn key(cdis: &Cdis, label: &[u8]) -> SealingKey {
    SealingKey::derive(cdis, label).unwrap()
}

fn seal(k: &SealingKey, aad: &[u8], pt: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; sealed_len(pt.len())];
    let n = k.seal(aad, pt, &mut out, &mut OsRng::default()).unwrap();
    assert_eq!(n, out.len());
    out
}

/// Opens `blob` into a sentinel-filled buffer of `cap` bytes; on error checks that nothing of
/// the plaintext was released (the plaintext area zeroed after a failed tag, the whole buffer
/// untouched after any other error).
fn open(k: &SealingKey, aad: &[u8], blob: &[u8], cap: usize) -> Result<Vec<u8>, Error> {
    let mut out = vec![SENTINEL; cap];
    match k.open(aad, blob, &mut out) {
        Ok(n) => {
            assert!(
                out[n..].iter().all(|b| *b == SENTINEL),
                "wrote past the plaintext"
            );
            out.truncate(n);
            Ok(out)
        }
        Err(e) => {
            let zeroed = if e == Error::AuthenticationFailed {
                blob.len() - SEAL_OVERHEAD
            } else {
                0
            };
            assert!(
                out[..zeroed].iter().all(|b| *b == 0),
                "{e:?}: plaintext area not zeroed"
            );
            assert!(
                out[zeroed..].iter().all(|b| *b == SENTINEL),
                "{e:?}: bytes written"
            );
            Err(e)
        }
    }
}

const PT: &[u8] = b"wifi psk: correct horse battery staple";
const AAD: &[u8] = b"record 7";

#[test]
fn round_trip() {
    let cdis = layer1(1, &inputs(1, 1, 1, Mode::Normal));
    let k = key(&cdis, b"wifi");
    for (aad, pt) in [
        (AAD, PT),
        (&b""[..], &b""[..]),
        (&[0x42; MAX_SEAL_AAD_LEN][..], &[7u8; 1000][..]),
    ] {
        let blob = seal(&k, aad, pt);
        assert_eq!(blob.len(), pt.len() + 33);
        assert_eq!(&blob[..5], b"PQSL\x01");
        assert_eq!(open(&k, aad, &blob, pt.len()).unwrap(), pt);
        // A larger output buffer: exactly the plaintext is written.
        assert_eq!(open(&k, aad, &blob, pt.len() + 10).unwrap(), pt);
        // Another key of the same inputs (derived again) opens it too.
        assert_eq!(
            open(&key(&cdis, b"wifi"), aad, &blob, pt.len()).unwrap(),
            pt
        );
    }
    // Fresh nonces: sealing twice gives two blobs that both open.
    let (a, b) = (seal(&k, AAD, PT), seal(&k, AAD, PT));
    assert_ne!(a, b);
    assert_ne!(a[5..17], b[5..17]);
    assert_eq!(open(&k, AAD, &b, PT.len()).unwrap(), PT);
    assert_eq!(format!("{k:?}"), "SealingKey(..)");
}

#[test]
fn key_follows_cdi_seal() {
    let base = inputs(1, 1, 1, Mode::Normal);
    let k = key(&layer1(1, &base), b"");
    let blob = seal(&k, AAD, PT);

    // A signed update: another image (code and configuration), the same authority and mode.
    for update in [inputs(2, 1, 1, Mode::Normal), inputs(2, 2, 1, Mode::Normal)] {
        let cdis = layer1(1, &update);
        assert_ne!(cdis, layer1(1, &base), "the update must change CDI_Attest");
        let k2 = key(&cdis, b"");
        assert_eq!(k2, k, "a signed update must keep the sealing key");
        assert_eq!(open(&k2, AAD, &blob, PT.len()).unwrap(), PT);
    }

    // Another authority, mode, hidden input or device: another key, and the blob stays shut.
    let mut hidden = base.clone();
    hidden.hidden = [9; 64];
    let others = [
        ("authority", layer1(1, &inputs(1, 1, 2, Mode::Normal))),
        ("mode", layer1(1, &inputs(1, 1, 1, Mode::Debug))),
        ("mode recovery", layer1(1, &inputs(1, 1, 1, Mode::Recovery))),
        ("hidden", layer1(1, &hidden)),
        ("UDS", layer1(2, &base)),
        ("layer 0", Cdis::from_uds(&Uds::new([1; 32]))),
    ];
    for (what, cdis) in &others {
        let k2 = key(cdis, b"");
        assert_ne!(k2, k, "{what} must change the sealing key");
        assert_eq!(
            open(&k2, AAD, &blob, PT.len()),
            Err(Error::AuthenticationFailed),
            "{what}"
        );
    }
    for (i, (a, x)) in others.iter().enumerate() {
        for (b, y) in &others[i + 1..] {
            assert_ne!(key(x, b""), key(y, b""), "{a} and {b} give the same key");
        }
    }
}

#[test]
fn labels_separate_keys() {
    let cdis = layer1(3, &inputs(1, 1, 1, Mode::Normal));
    let long = [b'x'; MAX_SEAL_LABEL_LEN];
    let labels: [&[u8]; 6] = [b"", b"wifi", b"wifi\0", b"calibration", b"WIFI", &long];
    let keys: Vec<SealingKey> = labels.iter().map(|l| key(&cdis, l)).collect();
    for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            assert_ne!(a, b);
        }
    }
    let blob = seal(&keys[1], AAD, PT);
    assert_eq!(open(&keys[1], AAD, &blob, PT.len()).unwrap(), PT);
    for k in keys.iter().filter(|k| **k != keys[1]) {
        assert_eq!(
            open(k, AAD, &blob, PT.len()),
            Err(Error::AuthenticationFailed)
        );
    }
    assert_eq!(
        SealingKey::derive(&cdis, &[b'x'; MAX_SEAL_LABEL_LEN + 1]).unwrap_err(),
        Error::ContextTooLong {
            max: 64,
            actual: 65
        }
    );
}

#[test]
fn rejects_with_nothing_released() {
    let cdis = layer1(4, &inputs(1, 1, 1, Mode::Normal));
    let k = key(&cdis, b"data");
    let blob = seal(&k, AAD, PT);
    let cap = PT.len();
    let malformed = Error::MalformedEncoding {
        field: Field::Ciphertext,
    };

    // Other associated data.
    for aad in [&b""[..], b"record 8", b"record 7\0", b"record"] {
        assert_eq!(
            open(&k, aad, &blob, cap),
            Err(Error::AuthenticationFailed),
            "{aad:?}"
        );
    }

    // Every byte, every bit: the header's magic and version are malformed, everything else
    // (nonce, ciphertext, tag) fails authentication.
    for i in 0..blob.len() {
        for bit in 0..8 {
            let mut t = blob.clone();
            t[i] ^= 1 << bit;
            let want = if i < 5 {
                malformed
            } else {
                Error::AuthenticationFailed
            };
            assert_eq!(open(&k, AAD, &t, cap), Err(want), "byte {i} bit {bit}");
        }
    }
    let mut v2 = blob.clone();
    v2[4] = 2;
    assert_eq!(open(&k, AAD, &v2, cap), Err(malformed));

    // Truncated at every length, and extended.
    for len in 0..blob.len() {
        let want = if len < SEAL_OVERHEAD {
            Err(Error::InvalidLength {
                field: Field::Ciphertext,
                expected: 33,
                actual: len,
            })
        } else {
            Err(Error::AuthenticationFailed)
        };
        assert_eq!(open(&k, AAD, &blob[..len], cap), want, "truncated to {len}");
    }
    let mut longer = blob.clone();
    longer.push(0);
    assert_eq!(
        open(&k, AAD, &longer, cap + 1),
        Err(Error::AuthenticationFailed)
    );
    // A blob of another device (another UDS, same image and label).
    let other = key(&layer1(5, &inputs(1, 1, 1, Mode::Normal)), b"data");
    assert_eq!(
        open(&other, AAD, &blob, cap),
        Err(Error::AuthenticationFailed)
    );
    // A blob of the same key with another header splice: the tag covers the header.
    let blob2 = seal(&k, AAD, PT);
    let mut spliced = blob2[..SEAL_HEADER_LEN].to_vec();
    spliced.extend_from_slice(&blob[SEAL_HEADER_LEN..]);
    assert_eq!(
        open(&k, AAD, &spliced, cap),
        Err(Error::AuthenticationFailed)
    );

    // Output too small: nothing written.
    assert_eq!(
        open(&k, AAD, &blob, cap - 1),
        Err(Error::BufferTooSmall {
            field: Field::Plaintext,
            needed: cap,
            actual: cap - 1
        })
    );
    // Associated data too long.
    assert_eq!(
        open(&k, &[0; MAX_SEAL_AAD_LEN + 1], &blob, cap),
        Err(Error::ContextTooLong {
            max: 256,
            actual: 257
        })
    );
    // Still opens after all that.
    assert_eq!(open(&k, AAD, &blob, cap).unwrap(), PT);
}

#[test]
fn seal_errors_write_nothing() {
    let k = key(&layer1(6, &inputs(1, 1, 1, Mode::Normal)), b"");
    let need = sealed_len(PT.len());
    let mut out = vec![SENTINEL; need + 8];

    let mut rng = Counter::new();
    assert_eq!(
        k.seal(AAD, PT, &mut out[..need - 1], &mut rng),
        Err(Error::BufferTooSmall {
            field: Field::Ciphertext,
            needed: need,
            actual: need - 1
        })
    );
    assert_eq!(
        rng.calls, 0,
        "the generator ran for a buffer that is too small"
    );
    assert_eq!(k.seal(AAD, PT, &mut out, &mut Failing), Err(Error::Rng));
    assert_eq!(
        k.seal(&[0; MAX_SEAL_AAD_LEN + 1], PT, &mut out, &mut rng),
        Err(Error::ContextTooLong {
            max: 256,
            actual: 257
        })
    );
    assert!(out.iter().all(|b| *b == SENTINEL), "bytes written on error");
    assert_eq!(rng.calls, 0);

    // Success writes exactly the blob at the start.
    assert_eq!(k.seal(AAD, PT, &mut out, &mut rng), Ok(need));
    assert_eq!(rng.calls, 1);
    assert!(out[need..].iter().all(|b| *b == SENTINEL));
    assert_eq!(open(&k, AAD, &out[..need], PT.len()).unwrap(), PT);
    assert_eq!(sealed_len(0), 33);
    assert_eq!(sealed_len(usize::MAX), usize::MAX);
}

// ---- The worked example of docs/identity.md ("Sealing"), recomputed independently ----

/// `CDI_Seal` of the known-answer device after update-1 (and update-2): `docs/identity.md`,
/// "Derivation".
const EX_CDI_SEAL: &str = "9a20e7ecd98072d6c96eff5093a980cf2719d6c73888c5162953d47319c80567";
const EX_CDI_ATTEST: &str = "fdd82f221441c0b2363c04a4880dd4e1645003e75420eac3a3821892070a4c45";
const EX_LABEL: &[u8] = b"wifi";
const EX_AAD: &[u8] = b"record 7";
const EX_PT: &[u8] = b"pqhybrid sealed example";
/// The key and the blob (nonce 000102…0b from the counter generator).
const EX_KEY: &str = "a1ab0f84d0210b6c6cdacd84ebc346b6cd6fecf1bda8392744458da52bda4fa6";
const EX_BLOB: &str = "5051534c 01 000102030405060708090a0b \
    a4bb11a2d17860f2d53225c55589976db905c0a7a6cc1e 6fe8211e84cb85d6b0ef692c6dd6978d";

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn worked_example() {
    let cdis = Cdis::from_bytes_hazmat(
        unhex(EX_CDI_ATTEST).try_into().unwrap(),
        unhex(EX_CDI_SEAL).try_into().unwrap(),
    );
    let k = key(&cdis, EX_LABEL);
    let mut blob = vec![0u8; sealed_len(EX_PT.len())];
    k.seal(EX_AAD, EX_PT, &mut blob, &mut Counter::new())
        .unwrap();

    // Independently: HKDF-SHA-512 and AES-256-GCM from their crates, with the document's
    // labels written out here.
    let mut expect_key = [0u8; 32];
    Hkdf::<Sha512>::new(Some(b"pqhybrid/v1/seal"), &unhex(EX_CDI_SEAL))
        .expand(b"pqhybrid sealing key v1wifi", &mut expect_key)
        .unwrap();
    assert_eq!(k.key_hazmat(), &expect_key);
    let nonce: [u8; 12] = core::array::from_fn(|i| i as u8);
    let mut header = b"PQSL\x01".to_vec();
    header.extend_from_slice(&nonce);
    let mut gcm_aad = header.clone();
    gcm_aad.extend_from_slice(EX_AAD);
    let mut body = EX_PT.to_vec();
    let tag = aes_gcm::Aes256Gcm::new_from_slice(&expect_key)
        .unwrap()
        .encrypt_inout_detached(&nonce.into(), &gcm_aad, body.as_mut_slice().into())
        .unwrap();
    let mut expect_blob = header;
    expect_blob.extend_from_slice(&body);
    expect_blob.extend_from_slice(&tag);
    assert_eq!(blob, expect_blob);

    // The recorded values, and the document shows them.
    assert_eq!(hex(k.key_hazmat()), EX_KEY);
    assert_eq!(
        hex(&blob),
        unhex(EX_BLOB)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    );
    let doc: String = include_str!("../docs/identity.md")
        .split_whitespace()
        .collect();
    for (what, v) in [("key", EX_KEY), ("blob", &hex(&blob))] {
        assert!(
            doc.contains(v),
            "docs/identity.md does not show the {what} {v}"
        );
    }
    assert_eq!(open(&k, EX_AAD, &blob, EX_PT.len()).unwrap(), EX_PT);
}

//! HPKE known-answer vectors, read in place through `pqhybrid-kat`:
//!
//! * `hpke/hpke-pq/test-vectors.json`: draft-ietf-hpke-pq-04 (pinned: [`HPKE_PQ_DRAFT`]), 13
//!   Base-mode suites (ML-KEM-512/768/1024, MLKEM768-P256, MLKEM1024-P384, X-Wing with HKDF,
//!   SHAKE and TurboSHAKE KDFs, and four DHKEMs with one-stage KDFs).
//! * `hpke/hpke-pq-143cd50/test-vectors.json`: the second, independently drawn set of the same
//!   13 suites, valid for -04 (see the vectors' README).
//! * `hpke/rfc9180/test-vectors.json`: RFC 9180 Appendix A, 128 vectors. pqhybrid has the
//!   curves of DHKEM(P-256) and DHKEM(X25519): their 64 vectors (2 KEMs × 2 KDFs × 4 AEADs × 4
//!   modes) run the key schedule in every mode; DHKEM(P-521) and DHKEM(X448) are reported not
//!   applicable.
//!
//! Each vector checks `DeriveKeyPair(ikmR)` (`skRm`, `pkRm`), the sender's setup with the
//! ephemeral randomness `ikmE` (`enc`), every encryption in sequence (`ct` from the sender,
//! `pt` from the receiver) and every export from both contexts. pqhybrid's KEMs (`pqhybrid::
//! hpke::kem`) run on the lattice backend of the build. Where the agile [`Suite`] offers the
//! vector's suite, its single-shot `seal` (with `ikmE`) and `open` are checked against the
//! first encryption too.
#![cfg(feature = "hpke")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use pqhybrid::agile::DecapsulationKey;
use pqhybrid::hpke::kem::{self as pqkem, HpkeKem, HpkeKemParams};
use pqhybrid::hpke::{
    AesGcm128, AesGcm256, ChaCha20Poly1305, Deserializable, ExportOnlyAead, HkdfSha256, HkdfSha384,
    HkdfSha512, KdfShake128, KdfShake256, KdfTurboShake128, KdfTurboShake256, Kem, OpModeR,
    OpModeS, PskBundle, Serializable, Suite,
};
use pqhybrid_kat::json::{self, Value};
use pqhybrid_kat::rng::Replay;
use pqhybrid_kat::{Tally, load_json};

/// The draft whose vectors `hpke/hpke-pq/` holds. The MLKEM768-P256 derivation follows
/// draft-irtf-cfrg-concrete-hybrid-kems as pinned by that draft; a later draft may change it.
const HPKE_PQ_DRAFT: &str = "draft-ietf-hpke-pq-04";

/// How a KEM's `skRm` is checked: the serialized private key (DHKEMs, ML-KEM, X-Wing) or the
/// `LabeledDerive` seed (the hybrids, whose serialized key is the composite's canonical form).
trait SkForm: Kem {
    fn sk_rm(ikm: &[u8], sk: &Self::PrivateKey) -> Vec<u8> {
        let _ = ikm;
        sk.to_bytes().to_vec()
    }
    /// The vector's `skRm` in the form the private key serializes to.
    fn expected_sk(sk_rm: Vec<u8>) -> Vec<u8> {
        sk_rm
    }
}
impl SkForm for ::hpke::kem::X25519HkdfSha256 {
    /// The crate keeps X25519 scalars clamped (RFC 7748 §5); the vectors give them unclamped.
    fn expected_sk(mut sk_rm: Vec<u8>) -> Vec<u8> {
        sk_rm[0] &= 248;
        sk_rm[31] &= 127;
        sk_rm[31] |= 64;
        sk_rm
    }
}
impl SkForm for ::hpke::kem::DhP256HkdfSha256 {}
impl SkForm for ::hpke::kem::DhP384HkdfSha384 {}
impl<P: HpkeKemParams> SkForm for HpkeKem<P> {
    fn sk_rm(ikm: &[u8], _sk: &Self::PrivateKey) -> Vec<u8> {
        let mut out = vec![0u8; P::DERIVED_LEN];
        HpkeKem::<P>::derive_seed(ikm, &mut out);
        out
    }
}

struct Mode {
    psk: Option<(Vec<u8>, Vec<u8>)>,
    ikm_s: Option<Vec<u8>>,
}

fn run<K: SkForm, F: ::hpke::kdf::Kdf, A: ::hpke::aead::Aead>(
    case: &Value,
    agile: Option<Suite>,
) -> Result<(), String> {
    let mode_id = json::u64(case, "mode")?;
    let info = json::hex(case, "info")?;
    let ikm_r = json::hex(case, "ikmR")?;
    let ikm_e = json::hex(case, "ikmE")?;
    let mode = Mode {
        psk: match (json::opt_hex(case, "psk")?, json::opt_hex(case, "psk_id")?) {
            (Some(p), Some(i)) => Some((p, i)),
            _ => None,
        },
        ikm_s: json::opt_hex(case, "ikmS")?,
    };

    let (sk_r, pk_r) = K::derive_keypair(&ikm_r);
    if K::sk_rm(&ikm_r, &sk_r) != K::expected_sk(json::hex(case, "skRm")?) {
        return Err("skRm differs".into());
    }
    if pk_r.to_bytes().as_slice() != json::hex(case, "pkRm")?.as_slice() {
        return Err("pkRm differs".into());
    }
    // The serialized keys import again.
    let sk_r =
        K::PrivateKey::from_bytes(&sk_r.to_bytes()).map_err(|e| format!("sk import: {e}"))?;
    let pk_r = K::PublicKey::from_bytes(&pk_r.to_bytes()).map_err(|e| format!("pk import: {e}"))?;

    let psk = mode
        .psk
        .as_ref()
        .map(|(p, i)| PskBundle::new(p, i).map_err(|e| format!("psk: {e}")))
        .transpose()?;
    let sender = mode.ikm_s.as_ref().map(|ikm| K::derive_keypair(ikm));
    if let Some((_, pk_s)) = &sender
        && pk_s.to_bytes().as_slice() != json::hex(case, "pkSm")?.as_slice()
    {
        return Err("pkSm differs".into());
    }
    let (mode_s, mode_r) = match (mode_id, psk, sender) {
        (0, None, None) => (OpModeS::Base, OpModeR::Base),
        (1, Some(psk), None) => (OpModeS::Psk(psk), OpModeR::Psk(psk)),
        (2, None, Some((sk_s, pk_s))) => (OpModeS::Auth((sk_s, pk_s.clone())), OpModeR::Auth(pk_s)),
        (3, Some(psk), Some((sk_s, pk_s))) => (
            OpModeS::AuthPsk((sk_s, pk_s.clone()), psk),
            OpModeR::AuthPsk(pk_s, psk),
        ),
        _ => return Err(format!("mode {mode_id} with inconsistent fields")),
    };

    let mut rng = ::hpke::rand_core::UnwrapErr(Replay(&ikm_e));
    let (enc, mut ctx_s) =
        ::hpke::setup_sender_with_rng::<A, F, K>(&mode_s, &pk_r, &info, &mut rng)
            .map_err(|e| format!("setup_sender: {e}"))?;
    let enc_want = json::hex(case, "enc")?;
    if enc.to_bytes().as_slice() != enc_want.as_slice() {
        return Err("enc differs".into());
    }
    let enc_r = K::EncappedKey::from_bytes(&enc_want).map_err(|e| format!("enc import: {e}"))?;
    let mut ctx_r = ::hpke::setup_receiver::<A, F, K>(&mode_r, &sk_r, &enc_r, &info)
        .map_err(|e| format!("setup_receiver: {e}"))?;

    let encryptions = json::array(case, "encryptions")?;
    for (i, e) in encryptions.iter().enumerate() {
        let aad = json::hex(e, "aad")?;
        let pt = json::hex(e, "pt")?;
        let ct = json::hex(e, "ct")?;
        let sealed = ctx_s
            .seal(&pt, &aad)
            .map_err(|e| format!("seal {i}: {e}"))?;
        if sealed != ct {
            return Err(format!("encryption {i}: ct differs"));
        }
        let opened = ctx_r
            .open(&ct, &aad)
            .map_err(|e| format!("open {i}: {e}"))?;
        if opened != pt {
            return Err(format!("encryption {i}: pt differs"));
        }
    }
    for (i, x) in json::array(case, "exports")?.iter().enumerate() {
        let ctx = json::hex(x, "exporter_context")?;
        let len = usize::try_from(json::u64(x, "L")?).map_err(|_| "L")?;
        let want = json::hex(x, "exported_value")?;
        let (mut a, mut b) = (vec![0u8; len], vec![0u8; len]);
        ctx_s
            .export(&ctx, &mut a)
            .map_err(|e| format!("export {i}: {e}"))?;
        ctx_r
            .export(&ctx, &mut b)
            .map_err(|e| format!("export {i}: {e}"))?;
        if a != want || b != want {
            return Err(format!("export {i} differs"));
        }
    }

    if let (Some(suite), Some(first)) = (agile, encryptions.first()) {
        let aad = json::hex(first, "aad")?;
        let pt = json::hex(first, "pt")?;
        let mut want = enc_want.clone();
        want.extend(json::hex(first, "ct")?);
        let mut sealed = vec![0u8; suite.sealed_len(pt.len())];
        suite
            .seal(
                &pk_r.to_bytes(),
                &info,
                &aad,
                &pt,
                &mut sealed,
                &mut Replay(&ikm_e),
            )
            .map_err(|e| format!("Suite::seal: {e}"))?;
        if sealed != want {
            return Err("Suite::seal differs".into());
        }
        let dk = DecapsulationKey::new(suite.kem(), &sk_r.to_bytes())
            .map_err(|e| format!("agile key: {e}"))?;
        let mut opened = vec![0u8; pt.len()];
        suite
            .open(&dk, &info, &aad, &want, &mut opened)
            .map_err(|e| format!("Suite::open: {e}"))?;
        if opened != pt {
            return Err("Suite::open differs".into());
        }
    }
    Ok(())
}

/// The agile suite of a vector's identifiers, when [`Suite`] offers it.
fn agile(kem: u16, kdf: u16, aead: u16) -> Option<Suite> {
    Suite::from_ids(kem, kdf, aead).ok()
}

/// Runs one vector: dispatches on its identifiers. `Err(None)` means not applicable.
fn dispatch(case: &Value) -> Result<(), Option<String>> {
    let id = |k| json::u64(case, k).map_err(Some).map(|v| v as u16);
    let (kem, kdf, aead) = (id("kem_id")?, id("kdf_id")?, id("aead_id")?);
    let ag = agile(kem, kdf, aead);
    macro_rules! aead {
        ($K:ty, $F:ty) => {
            match aead {
                0x0001 => run::<$K, $F, AesGcm128>(case, ag),
                0x0002 => run::<$K, $F, AesGcm256>(case, ag),
                0x0003 => run::<$K, $F, ChaCha20Poly1305>(case, ag),
                0xffff => run::<$K, $F, ExportOnlyAead>(case, ag),
                _ => return Err(Some(format!("unknown AEAD {aead:#06x}"))),
            }
        };
    }
    macro_rules! kdf {
        ($K:ty) => {
            match kdf {
                0x0001 => aead!($K, HkdfSha256),
                0x0002 => aead!($K, HkdfSha384),
                0x0003 => aead!($K, HkdfSha512),
                0x0010 => aead!($K, KdfShake128),
                0x0011 => aead!($K, KdfShake256),
                0x0012 => aead!($K, KdfTurboShake128),
                0x0013 => aead!($K, KdfTurboShake256),
                _ => return Err(Some(format!("unknown KDF {kdf:#06x}"))),
            }
        };
    }
    let r = match kem {
        0x0040 => kdf!(pqkem::MlKem512),
        0x0041 => kdf!(pqkem::MlKem768),
        0x0042 => kdf!(pqkem::MlKem1024),
        0x0050 => kdf!(pqkem::MlKem768P256),
        0x0051 => kdf!(pqkem::MlKem1024P384),
        0x647a => kdf!(pqkem::XWing),
        0x0010 => kdf!(::hpke::kem::DhP256HkdfSha256),
        0x0011 => kdf!(::hpke::kem::DhP384HkdfSha384),
        0x0020 => kdf!(::hpke::kem::X25519HkdfSha256),
        0x0012 | 0x0021 => return Err(None),
        _ => return Err(Some(format!("unknown KEM {kem:#06x}"))),
    };
    r.map_err(Some)
}

fn run_file(label: &str, rel: &str) -> Tally {
    let v = load_json(rel);
    let cases = v.as_array().expect("HPKE vectors are a JSON array");
    let mut tally = Tally::new(label, "test-vectors.json");
    for (i, case) in cases.iter().enumerate() {
        let what = format!(
            "vector {i} (mode {}, kem {:#06x}, kdf {:#06x}, aead {:#06x})",
            json::u64(case, "mode").unwrap_or(99),
            json::u64(case, "kem_id").unwrap_or(0),
            json::u64(case, "kdf_id").unwrap_or(0),
            json::u64(case, "aead_id").unwrap_or(0)
        );
        match catch_unwind(AssertUnwindSafe(|| dispatch(case))) {
            Ok(Ok(())) => tally.pass(),
            Ok(Err(None)) => {
                tally.na("DHKEM(P-521) and DHKEM(X448): curves pqhybrid does not have")
            }
            Ok(Err(Some(msg))) => tally.fail(format!("{what}: {msg}")),
            Err(_) => tally.fail(format!("{what}: panicked")),
        }
    }
    tally
}

#[test]
fn hpke_pq_draft_04_vectors() {
    let tally = run_file(
        &format!("hpke-pq ({HPKE_PQ_DRAFT})"),
        "hpke/hpke-pq/test-vectors.json",
    );
    let ran = tally.passed() + tally.failed();
    tally.finish();
    assert_eq!(ran, 12, "draft -04 has 13 suites, one of them DHKEM(X448)");
}

#[test]
fn hpke_pq_143cd50_vectors() {
    let tally = run_file(
        &format!("hpke-pq @143cd50 ({HPKE_PQ_DRAFT})"),
        "hpke/hpke-pq-143cd50/test-vectors.json",
    );
    let ran = tally.passed() + tally.failed();
    tally.finish();
    assert_eq!(ran, 12, "143cd50 has 13 suites, one of them DHKEM(X448)");
}

#[test]
fn rfc9180_vectors() {
    let tally = run_file("hpke-rfc9180", "hpke/rfc9180/test-vectors.json");
    let ran = tally.passed() + tally.failed();
    tally.finish();
    assert_eq!(ran, 64, "P-256 and X25519: 2 x 2 x 4 x 4");
}

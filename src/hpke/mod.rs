//! HPKE (RFC 9180) with pqhybrid's post-quantum and hybrid KEMs, as draft-ietf-hpke-pq-04
//! assigns them code points: ML-KEM-512/768/1024 (0x0040–0x0042), X-Wing (0x647a),
//! MLKEM768-P256 (0x0050) and MLKEM1024-P384 (0x0051).
//!
//! The key schedule, the nonce sequence, the AEADs and the exporter are the `hpke` crate's
//! (rozbb/rust-hpke, `no_std`); the KEMs are pqhybrid's, through the crate's public
//! [`Kem`] trait ([`kem`]), so a build links one ML-KEM (the lattice backend it
//! selected). Two ways in:
//!
//! * **Typed** (compile-time suite, every mode the crate has, streaming contexts): the
//!   crate's generic functions re-exported here ([`setup_sender_with_rng`],
//!   [`setup_receiver`], [`single_shot_seal_inout_detached_with_rng`],
//!   [`single_shot_open_inout_detached`], [`AeadCtxS`], [`AeadCtxR`]) with a KEM of [`kem`], a
//!   KDF and an AEAD type. Base and PSK modes; the Auth modes need `AuthEncap`, which these
//!   KEMs do not have (an error, not a panic).
//! * **Agile** ([`Suite`]): the suite chosen at run time, single-shot Base-mode `seal`/`open`
//!   of a sealed box `enc ‖ ct` over caller buffers; what the C ABI, WASM and the CLI use.
//!   It offers every KEM above with HKDF-SHA256, HKDF-SHA512, SHAKE128 and SHAKE256, and
//!   AES-256-GCM and ChaCha20-Poly1305 (48 suites).
//!
//! Checked against RFC 9180's vectors (the key schedule in all four modes), both generations
//! of draft-ietf-hpke-pq-04's vectors, and the `hpke` crate's own ML-KEM, X-Wing and
//! ML-KEM/NIST-curve hybrids in both directions (`tests/kat_hpke.rs`, `tests/hpke.rs`).

pub mod kem;
mod key_id;
mod suite;

pub use ::hpke::aead::{
    AeadCtxR, AeadCtxS, AeadTag, AesGcm128, AesGcm256, ChaCha20Poly1305, ExportOnlyAead,
};
pub use ::hpke::kdf::{
    HkdfSha256, HkdfSha384, HkdfSha512, KdfShake128, KdfShake256, KdfTurboShake128,
    KdfTurboShake256,
};
pub use ::hpke::{
    Deserializable, HpkeError, Kem, OpModeR, OpModeS, PskBundle, Serializable, setup_receiver,
    setup_sender_with_rng, single_shot_open_inout_detached,
    single_shot_seal_inout_detached_with_rng,
};
pub use key_id::{KEY_ID_DOMAIN, key_id};
pub use suite::{Aead, Kdf, Suite, TAG_LEN, kem_id};

//! Device identity: a DICE-style layered identity with hybrid keys, bound to the firmware image
//! the bootloader has just verified.
//!
//! The first layer (the bootloader) holds the device's Unique Device Secret ([`Uds`]). It
//! derives the DeviceID key from it, verifies the next image with [`crate::firmware`], measures
//! that image ([`InputValues::from_verified_image`]) and derives the next layer's CDIs
//! ([`Cdis::next`]) and, from them, the Alias key. The derivation follows the Open Profile for
//! DICE (HKDF-SHA-512, its labels, salts and input layout) and reproduces its known-answer
//! values; `docs/identity.md` specifies every byte.
//!
//! # Measurements
//!
//! What a verified image contributes to the next layer's DICE inputs
//! ([`InputValues::from_verified_image`]):
//!
//! | DICE input | value (64 bytes) |
//! |---|---|
//! | `code_hash` | the image id (SHA-256 of the signed header, which commits to the payload digest, the version, the security version and the signer), then 32 zero bytes |
//! | `config` (inline) | the device class (16 bytes), the security version (u64, big-endian), the image version (major, minor, u16be revision, u32be build), then zeros |
//! | `authority_hash` | the signer key id (the root, or the endorsed release key that signed the image), then 32 zero bytes |
//! | `mode` | given by the caller (normally [`Mode::Normal`]) |
//! | `hidden` | given by the caller (zeros unless the device has a per-boot secret) |
//!
//! So `CDI_Attest` changes with every image, while `CDI_Seal` (authority, mode, hidden) stays
//! the same across updates signed by the same key.
//!
//! # Sealing
//!
//! [`SealingKey::derive`] turns a layer's `CDI_Seal` and a purpose label into an AES-256-GCM
//! key; [`SealingKey::seal`] and [`SealingKey::open`] write and read `PQSL` blobs with it (data
//! at rest that only this device, running images of the same authority in the same mode, can
//! open).

mod derive;
mod issue;
mod measure;
mod seal;
#[cfg(feature = "identity-verify")]
mod verify;
mod x509;

pub use derive::{
    ASYM_SALT, CDI_LEN, Cdis, HASH_LEN, HIDDEN_LEN, ID_LEN, ID_SALT, InputValues, Mode, SEED_LEN,
    Uds, id_of,
};
pub use issue::{
    DEFAULT_ALGORITHM, IdentityKey, MAX_CERT_LEN, MAX_CSR_LEN, MAX_SPKI_LEN, TcbInfo, UEID_LEN,
    is_identity_algorithm, ueid, write_alias_certificate, write_csr, write_device_id_certificate,
    write_evidence, write_root_certificate,
};
pub use measure::{ImageFacts, code_hash};
pub use seal::{
    MAX_SEAL_AAD_LEN, MAX_SEAL_LABEL_LEN, SEAL_HEADER_LEN, SEAL_INFO_PREFIX, SEAL_KEY_LEN,
    SEAL_MAGIC, SEAL_OVERHEAD, SEAL_SALT, SEAL_VERSION, SealingKey, sealed_len,
};
#[cfg(feature = "identity-verify")]
pub use verify::{Attestation, ReferenceValues, VerifiedCsr, verify_attestation, verify_csr};
pub use x509::{
    MAX_NONCE_LEN, MAX_TCB_STRING_LEN, OID_SHA256, OID_TCB_FRESHNESS, OID_TCB_INFO, OID_UEID,
};

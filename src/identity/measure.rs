//! The measurements of a verified firmware image, as DICE inputs: what the layer that verified
//! an image (the bootloader) mixes into the next layer's CDIs.
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

use super::derive::{HASH_LEN, HIDDEN_LEN, InputValues, Mode};
use crate::firmware::VerifiedImage;

/// The image id as a 64-byte DICE code measurement: `image_id ‖ 0^32`.
#[must_use]
pub fn code_hash(image_id: &[u8; 32]) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    if let Some(head) = out.get_mut(..32) {
        head.copy_from_slice(image_id);
    }
    out
}

/// The facts of a verified image that its DICE measurement covers: what
/// [`VerifiedImage`] (Rust) or `pqh_fw_image_info` (C, after `pqh_fw_verifier_finish` returned
/// `PQH_OK`) reports. Only an image the firmware verifier accepted may be measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    /// The image id (SHA-256 of the signed header).
    pub image_id: [u8; 32],
    /// The device class.
    pub device_class: [u8; 16],
    /// The security version.
    pub security_version: u64,
    /// The image version: major, minor, revision, build.
    pub version: (u8, u8, u16, u32),
    /// The key id of the key that signed the image (the authority).
    pub signer_key_id: [u8; 32],
}

impl ImageFacts {
    /// The facts of a verified image.
    #[must_use]
    pub fn of(image: &VerifiedImage) -> Self {
        let h = image.header();
        let v = h.version;
        Self {
            image_id: image.image_id(),
            device_class: h.device_class.0,
            security_version: h.security_version,
            version: (v.major, v.minor, v.revision, v.build),
            signer_key_id: h.signer_key_id.0,
        }
    }
}

impl InputValues {
    /// The inputs that measure `image` (see
    /// [the measurements](crate::identity#measurements)), with the given mode and hidden input.
    #[must_use]
    pub fn from_verified_image(
        image: &VerifiedImage,
        mode: Mode,
        hidden: [u8; HIDDEN_LEN],
    ) -> Self {
        Self::from_image_facts(&ImageFacts::of(image), mode, hidden)
    }

    /// The inputs that measure an image with these facts (see
    /// [the measurements](crate::identity#measurements)).
    #[must_use]
    pub fn from_image_facts(facts: &ImageFacts, mode: Mode, hidden: [u8; HIDDEN_LEN]) -> Self {
        let mut config = [0u8; HASH_LEN];
        let (major, minor, revision, build) = facts.version;
        let fields = [
            &facts.device_class[..],
            &facts.security_version.to_be_bytes()[..],
            &[major, minor][..],
            &revision.to_be_bytes()[..],
            &build.to_be_bytes()[..],
        ];
        let mut at = 0;
        for f in fields {
            if let Some(dst) = config.get_mut(at..at + f.len()) {
                dst.copy_from_slice(f);
            }
            at += f.len();
        }
        let mut authority_hash = [0u8; HASH_LEN];
        if let Some(head) = authority_hash.get_mut(..32) {
            head.copy_from_slice(&facts.signer_key_id);
        }
        Self {
            code_hash: code_hash(&facts.image_id),
            config,
            authority_hash,
            mode,
            hidden,
        }
    }
}

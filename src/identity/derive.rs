//! The DICE derivation, following the Open Profile for DICE (google/open-dice
//! `docs/specification.md`, "Computing CDIs"; `src/dice.c`): HKDF-SHA-512 with Open DICE's
//! labels, salts and input layout. `docs/identity.md` gives every byte with worked examples.
//!
//! * `KDF(L, ikm, salt, info) = HKDF-SHA-512(salt, ikm, info, L)` (RFC 5869).
//! * `CDI_Attest' = KDF(32, CDI_Attest, SHA-512(code ‖ config ‖ authority ‖ mode ‖ hidden), "CDI_Attest")`
//! * `CDI_Seal'   = KDF(32, CDI_Seal,   SHA-512(authority ‖ mode ‖ hidden), "CDI_Seal")`
//! * key-pair seed `= KDF(32, CDI_Attest, ASYM_SALT, "Key Pair")`
//! * `ID = KDF(20, public key, ID_SALT, "ID")` with the top bit of the first byte cleared.
//!
//! At the first layer the Unique Device Secret is both `CDI_Attest` and `CDI_Seal`.

use hkdf::Hkdf;
use sha2::{Digest as _, Sha512};
use zeroize::Zeroize;

use crate::error::{Error, Field, Result};
use crate::secret::Secret;

/// Length of a CDI and of the Unique Device Secret (Open DICE `DICE_CDI_SIZE`).
pub const CDI_LEN: usize = 32;
/// Length of each hash input (Open DICE `DICE_HASH_SIZE`, SHA-512).
pub const HASH_LEN: usize = 64;
/// Length of the hidden input (Open DICE `DICE_HIDDEN_SIZE`).
pub const HIDDEN_LEN: usize = 64;
/// Length of an identifier derived from a public key (Open DICE `DICE_ID_SIZE`).
pub const ID_LEN: usize = 20;
/// Length of a key-pair seed (Open DICE `DICE_PRIVATE_KEY_SEED_SIZE`).
pub const SEED_LEN: usize = 32;

/// Open DICE's salt for the key-pair seed (`kAsymSalt` in `src/dice.c`).
pub const ASYM_SALT: [u8; 64] = [
    0x63, 0xB6, 0xA0, 0x4D, 0x2C, 0x07, 0x7F, 0xC1, 0x0F, 0x63, 0x9F, 0x21, 0xDA, 0x79, 0x38, 0x44,
    0x35, 0x6C, 0xC2, 0xB0, 0xB4, 0x41, 0xB3, 0xA7, 0x71, 0x24, 0x03, 0x5C, 0x03, 0xF8, 0xE1, 0xBE,
    0x60, 0x35, 0xD3, 0x1F, 0x28, 0x28, 0x21, 0xA7, 0x45, 0x0A, 0x02, 0x22, 0x2A, 0xB1, 0xB3, 0xCF,
    0xF1, 0x67, 0x9B, 0x05, 0xAB, 0x1C, 0xA5, 0xD1, 0xAF, 0xFB, 0x78, 0x9C, 0xCD, 0x2B, 0x0B, 0x3B,
];

/// Open DICE's salt for identifiers (`kIdSalt` in `src/dice.c`).
pub const ID_SALT: [u8; 64] = [
    0xDB, 0xDB, 0xAE, 0xBC, 0x80, 0x20, 0xDA, 0x9F, 0xF0, 0xDD, 0x5A, 0x24, 0xC8, 0x3A, 0xA5, 0xA5,
    0x42, 0x86, 0xDF, 0xC2, 0x63, 0x03, 0x1E, 0x32, 0x9B, 0x4D, 0xA1, 0x48, 0x43, 0x06, 0x59, 0xFE,
    0x62, 0xCD, 0xB5, 0xB7, 0xE1, 0xE0, 0x0F, 0xC6, 0x80, 0x30, 0x67, 0x11, 0xEB, 0x44, 0x4A, 0xF7,
    0x72, 0x09, 0x35, 0x94, 0x96, 0xFC, 0xFF, 0x1D, 0xB9, 0x52, 0x0B, 0xA5, 0x1C, 0x7B, 0x29, 0xEA,
];

/// The info label of `CDI_Attest`.
const LABEL_ATTEST: &[u8] = b"CDI_Attest";
/// The info label of `CDI_Seal`.
const LABEL_SEAL: &[u8] = b"CDI_Seal";
/// The info label of the key-pair seed.
const LABEL_KEY_PAIR: &[u8] = b"Key Pair";
/// The info label of an identifier.
const LABEL_ID: &[u8] = b"ID";

/// The DICE mode of the next layer (Open DICE `DiceMode`): one byte of the measured inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Mode {
    /// The device's security configuration is not set.
    NotConfigured = 0,
    /// Normal operation: the only mode a verifier should accept for production devices.
    Normal = 1,
    /// Debug access is enabled.
    Debug = 2,
    /// A recovery or maintenance image is running.
    Recovery = 3,
}

impl Mode {
    /// The mode with the given byte, or `None`.
    #[must_use]
    pub const fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(Self::NotConfigured),
            1 => Some(Self::Normal),
            2 => Some(Self::Debug),
            3 => Some(Self::Recovery),
            _ => None,
        }
    }
}

/// The measured inputs of the next layer (Open DICE `DiceInputValues`, with the configuration
/// given inline or as the SHA-512 of its descriptor, which is the same 64 bytes to the KDF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputValues {
    /// The code measurement (`code_hash`).
    pub code_hash: [u8; HASH_LEN],
    /// The configuration value (`config_value`, or SHA-512 of `config_descriptor`).
    pub config: [u8; HASH_LEN],
    /// The measurement of the authority that vouched for the code (`authority_hash`).
    pub authority_hash: [u8; HASH_LEN],
    /// The mode.
    pub mode: Mode,
    /// Hidden input, mixed into both CDIs but never shown in certificates (`hidden`).
    pub hidden: [u8; HIDDEN_LEN],
}

impl InputValues {
    /// All-zero inputs in the given mode (Open DICE's `ZeroInput` has mode 0).
    #[must_use]
    pub const fn zero(mode: Mode) -> Self {
        Self {
            code_hash: [0; HASH_LEN],
            config: [0; HASH_LEN],
            authority_hash: [0; HASH_LEN],
            mode,
            hidden: [0; HIDDEN_LEN],
        }
    }

    /// `SHA-512(code ‖ config ‖ authority ‖ mode ‖ hidden)`, the salt of `CDI_Attest`.
    fn attest_salt(&self) -> [u8; 64] {
        let mut h = Sha512::new();
        h.update(self.code_hash);
        h.update(self.config);
        h.update(self.authority_hash);
        h.update([self.mode as u8]);
        h.update(self.hidden);
        h.finalize().into()
    }

    /// `SHA-512(authority ‖ mode ‖ hidden)`, the salt of `CDI_Seal`.
    fn seal_salt(&self) -> [u8; 64] {
        let mut h = Sha512::new();
        h.update(self.authority_hash);
        h.update([self.mode as u8]);
        h.update(self.hidden);
        h.finalize().into()
    }
}

impl Drop for InputValues {
    /// The hidden input may be a secret (a per-boot value the device mixes in): wiped.
    fn drop(&mut self) {
        self.hidden.zeroize();
    }
}

/// `KDF(L, ikm, salt, info)` of Open DICE: HKDF-SHA-512 (RFC 5869) into `out`.
pub(crate) fn kdf(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
    Hkdf::<Sha512>::new(Some(salt), ikm)
        .expand(info, out)
        // Only for an output longer than 255 · 64 bytes: never with the lengths used here.
        .map_err(|_| Error::InvalidLength {
            field: Field::SymmetricKey,
            expected: 255 * 64,
            actual: out.len(),
        })
}

/// The Unique Device Secret: the device's root secret, provisioned once (fuses, OTP) and read
/// only by the first layer. Wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Uds(Secret<CDI_LEN>);

impl Uds {
    /// Wraps the device's 32-byte secret. The caller should wipe its own copy.
    #[must_use]
    pub const fn new(bytes: [u8; CDI_LEN]) -> Self {
        Self(Secret::new(bytes))
    }

    /// [`Self::new`] from a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (field [`Field::SecretKey`]) unless `bytes` is 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let mut a = [0u8; CDI_LEN];
        let r = crate::error::array_ref::<CDI_LEN>(Field::SecretKey, bytes).map(|b| {
            a.copy_from_slice(b);
            Self::new(a)
        });
        a.zeroize();
        r
    }
}

impl core::fmt::Debug for Uds {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Uds(..)")
    }
}

/// A layer's two Compound Device Identifiers: `CDI_Attest` (changes with every measured input:
/// a new image gives a new attestation key) and `CDI_Seal` (changes only with the authority,
/// the mode and the hidden input: stable across updates signed by the same key). Wiped on
/// drop; they leave this module only through the `hazmat` accessors.
#[derive(Clone, PartialEq, Eq)]
pub struct Cdis {
    attest: Secret<CDI_LEN>,
    seal: Secret<CDI_LEN>,
}

impl Cdis {
    /// The first layer's CDIs: the UDS is both `CDI_Attest` and `CDI_Seal`.
    #[must_use]
    pub fn from_uds(uds: &Uds) -> Self {
        Self {
            attest: uds.0.clone(),
            seal: uds.0.clone(),
        }
    }

    /// The next layer's CDIs, from this layer's and the next layer's measured inputs.
    #[must_use]
    pub fn next(&self, inputs: &InputValues) -> Self {
        let mut attest = Secret::<CDI_LEN>::zero();
        let mut seal = Secret::<CDI_LEN>::zero();
        // The output lengths (32) are far below HKDF's limit: these cannot fail.
        let _ = kdf(
            self.attest.as_bytes(),
            &inputs.attest_salt(),
            LABEL_ATTEST,
            attest.as_mut(),
        );
        let _ = kdf(
            self.seal.as_bytes(),
            &inputs.seal_salt(),
            LABEL_SEAL,
            seal.as_mut(),
        );
        Self { attest, seal }
    }

    /// The seed of this layer's attestation key pair: `KDF(32, CDI_Attest, ASYM_SALT, "Key Pair")`.
    #[must_use]
    pub fn key_pair_seed(&self) -> Secret<SEED_LEN> {
        let mut seed = Secret::<SEED_LEN>::zero();
        let _ = kdf(
            self.attest.as_bytes(),
            &ASYM_SALT,
            LABEL_KEY_PAIR,
            seed.as_mut(),
        );
        seed
    }

    /// `CDI_Seal`, for keys derived from it inside the crate (sealing).
    pub(crate) fn seal_cdi(&self) -> &Secret<CDI_LEN> {
        &self.seal
    }

    /// Builds CDIs from their bytes, for known-answer tests (Open DICE's test inputs start
    /// from given CDIs, not from a UDS).
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn from_bytes_hazmat(attest: [u8; CDI_LEN], seal: [u8; CDI_LEN]) -> Self {
        Self {
            attest: Secret::new(attest),
            seal: Secret::new(seal),
        }
    }

    /// `CDI_Attest`, exported for known-answer tests only.
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn attest_hazmat(&self) -> &[u8; CDI_LEN] {
        self.attest.as_bytes()
    }

    /// `CDI_Seal`, exported for known-answer tests only.
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn seal_hazmat(&self) -> &[u8; CDI_LEN] {
        self.seal.as_bytes()
    }
}

impl core::fmt::Debug for Cdis {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Cdis(..)")
    }
}

/// The identifier of a public key: `KDF(20, public key, ID_SALT, "ID")` with the first byte's
/// top bit cleared, so that it is a positive DER INTEGER (the certificate serial number, the
/// subject and authority key identifiers, the `serialNumber` of the names).
#[must_use]
pub fn id_of(public_key: &[u8]) -> [u8; ID_LEN] {
    let mut id = [0u8; ID_LEN];
    let _ = kdf(public_key, &ID_SALT, LABEL_ID, &mut id);
    if let Some(first) = id.first_mut() {
        *first &= 0x7f;
    }
    id
}

//! Encrypted firmware images (`pqhybrid::firmware::encrypt`, `decrypt_image`): the encryption
//! record that `inspectFirmware` shows, and (crate feature `hpke`, on by default, as the HPKE
//! suites it needs) `signFirmware`, which signs an image, plain or with its payload encrypted
//! to a KEM key, and `decryptFirmware`.
//!
//! An encrypted image (header flag bit 2) starts its payload with an encryption record (the
//! HPKE suite, the recipient's KEM key id, the chunk size, the plaintext's length and digest,
//! and the content key wrapped with HPKE to the recipient), then the AES-256-GCM chunks
//! (docs/firmware-format.md, "Encrypted payloads"). The signature covers the stored, encrypted
//! payload, so `verifyFirmware` checks an encrypted image without the key; `decryptFirmware`
//! verifies, then decrypts with the recipient's KEM private key.

use pqhybrid::Error;
use pqhybrid::firmware::encrypt::{EncryptionRecord, record_len};
use pqhybrid::firmware::{DigestAlgorithm, FirmwareError, Header};
use wasm_bindgen::prelude::*;

use crate::util::{JsResult, Obj};

#[wasm_bindgen(typescript_custom_section)]
const TS_ENCRYPTION_INFO: &'static str = r#"
/** The encryption record of an encrypted image (docs/firmware-format.md, "Encrypted payloads"). */
export interface EncryptionInfo {
  kem: HpkeKemName;
  kdf: HpkeKdfName;
  aead: HpkeAeadName;
  /** The key id of the recipient's KEM public key (`kemKeyId`). */
  recipientKeyId: Uint8Array;
  /** Plaintext bytes per chunk (each stored with a 16-byte tag). */
  chunkSize: number;
  chunkCount: number;
  plaintextLen: number;
  /** The plaintext's digest (the header's digest algorithm), checked after decryption. */
  plaintextDigest: Uint8Array;
  /** The record's length: the encrypted chunks start this many bytes into the payload. */
  recordLen: number;
}
"#;

/// The record at the start of `payload` (structure only: nothing is authenticated).
fn record_of(payload: &[u8]) -> pqhybrid::Result<EncryptionRecord<'_>> {
    if payload.len() < 8 {
        return Err(Error::Firmware(FirmwareError::Truncated));
    }
    let len = EncryptionRecord::declared_len(payload)
        .ok_or(Error::Firmware(FirmwareError::BadEncryptionRecord))?;
    EncryptionRecord::parse(
        payload
            .get(..len)
            .ok_or(Error::Firmware(FirmwareError::Truncated))?,
    )
}

fn record_obj(r: &EncryptionRecord<'_>, digest: DigestAlgorithm) -> JsValue {
    Obj::new()
        .with("kem", r.suite.kem().name())
        .with("kdf", r.suite.kdf().name())
        .with("aead", r.suite.aead().name())
        .bytes("recipientKeyId", &r.recipient_key_id)
        .with("chunkSize", r.chunk_size)
        .with("chunkCount", r.chunk_count() as f64)
        .with("plaintextLen", r.plaintext_len)
        .bytes(
            "plaintextDigest",
            r.plaintext_digest
                .get(..digest.output_len())
                .unwrap_or(&r.plaintext_digest),
        )
        .with("recordLen", record_len(r.suite.kem()) as f64)
        .into_js()
}

/// The record of the image's payload as `EncryptionInfo` (as far as `image` holds it), `null`
/// for a plain image; the error says why the record cannot be read.
pub(crate) fn encryption_info(header: &Header, image: &[u8]) -> Result<JsValue, JsValue> {
    if !header.encrypted {
        return Ok(JsValue::NULL);
    }
    let start = usize::from(header.header_len);
    let end = start
        .saturating_add(header.payload_len as usize)
        .min(image.len());
    let payload = image.get(start..end).unwrap_or_default();
    Ok(record_obj(
        &record_of(payload).js()?,
        header.digest_algorithm,
    ))
}

/// The JavaScript functions (feature `hpke`).
#[cfg(feature = "hpke")]
mod exports {
    use js_sys::Uint8Array;
    use pqhybrid::Error;
    use pqhybrid::agile::DecapsulationKey;
    use pqhybrid::firmware::encrypt::{self as enc, EncryptionParams};
    use pqhybrid::firmware::{
        self as fw, DeviceClass, DigestAlgorithm, FirmwareError, ImageParams, ImageVersion,
    };
    use pqhybrid::hpke::{Aead, Kdf};
    use pqhybrid::rng::OsRng;
    use wasm_bindgen::prelude::*;
    use zeroize::Zeroizing;

    use super::record_of;
    use crate::firmware::{Policy, verified_obj};
    use crate::hpke::suite_of;
    use crate::util::{
        JsResult, Obj, err, fixed_bytes, get, invalid_arg, kem_alg, sig_alg, to_u64,
    };

    #[wasm_bindgen(typescript_custom_section)]
    const TS_FW_ENCRYPT: &'static str = r#"
/** The recipient `signFirmware` encrypts the payload to (HPKE Base mode wraps the content key). */
export interface EncryptTo {
  /** The recipient's KEM (a KEM with an HPKE code point). */
  kem: HpkeKemName;
  /** The recipient's KEM public key: a device-class key or one device's key. */
  publicKey: Uint8Array;
  /** The HPKE KDF of the key wrap. Default "HKDF-SHA256". */
  kdf?: HpkeKdfName;
  /** The HPKE AEAD of the key wrap (the chunks are always AES-256-GCM). Default "AES-256-GCM". */
  aead?: HpkeAeadName;
  /**
   * Plaintext bytes per chunk, 64 to 65536: the device's decryptor buffers one chunk and its
   * 16-byte tag. Default 4096.
   */
  chunkSize?: number;
}

export interface SignFirmwareOptions {
  /** The firmware (with `encryptTo`: the plaintext, encrypted before signing). */
  payload: Uint8Array;
  /** A firmware algorithm (`firmwareAlgorithms()`). */
  algorithm: SignatureAlgorithmName;
  /** The signing key: the canonical (seed-form) secret key of `algorithm`. */
  secretKey: Uint8Array;
  /** The device class the image is for: 16 bytes, 32 hex digits or a UUID. */
  deviceClass: Uint8Array | string;
  /** The anti-rollback counter value (at most `maxSecurityVersion`). */
  securityVersion: number | bigint;
  /** The informational version (an `ImageVersion`'s fields; `text` is ignored). Default 0.0.0+0. */
  version?: { major?: number; minor?: number; revision?: number; build?: number };
  /** The payload digest (with `encryptTo`, also the plaintext's in the record). Default "SHA-256". */
  digestAlgorithm?: "SHA-256" | "SHA-512" | "SHA3-256" | "SHA3-512";
  /** SHA-256 of the SBOM to record in the header (32 bytes or 64 hex digits). */
  sbomDigest?: Uint8Array | string;
  /** The header length: 192 to 4096, a multiple of 8 (where the payload starts). Default 192. */
  headerLen?: number;
  /**
   * The largest security version the signer writes. Default 2^32 − 1 (what a 32-bit device
   * counter holds); raise it only for devices whose counter is wider.
   */
  maxSecurityVersion?: number | bigint;
  /** The signing key's endorsement record by a root (`pqhybrid endorse`): a delegated image. */
  endorsement?: Uint8Array;
  /** Encrypt the payload to this recipient, then sign the encrypted payload. */
  encryptTo?: EncryptTo;
  /**
   * The payload is already an encrypted payload (record and chunks, for example taken from an
   * encrypted image to sign it again with another security version or key): sign it as one,
   * without the recipient's key. Use the device class and digest algorithm it was encrypted
   * for. Excludes `encryptTo`. Default false.
   */
  encrypted?: boolean;
}

/** `decryptFirmware`'s result: the verified manifest, the record and the plaintext. */
export interface DecryptedImage extends VerifiedImage {
  encrypted: true;
  encryption: EncryptionInfo;
  /**
   * The decrypted payload, every chunk authenticated (and, with `checkPlaintextDigest`, the
   * whole checked against the record's plaintext digest).
   */
  plaintext: Uint8Array;
  /** Whether the plaintext was hashed and checked against the record's digest. */
  plaintextDigestChecked: boolean;
}

/** `decryptFirmware`'s options. */
export interface DecryptOptions {
  /**
   * Also hash the plaintext and check it against the plaintext digest in the signed
   * encryption record (Firmware.PlaintextDigestMismatch). Default false: the per-chunk
   * AES-256-GCM tags already authenticate every byte under the content key that only the
   * signed record carries; the digest check adds a defence against a faulty or compromised
   * encryption step separate from the signer, for one more hash pass.
   */
  checkPlaintextDigest?: boolean;
}
"#;

    /// An option that is present (neither `undefined` nor `null`).
    fn opt(o: &JsValue, k: &str) -> Option<JsValue> {
        let v = get(o, k);
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    fn required(o: &JsValue, k: &str) -> Result<JsValue, JsValue> {
        opt(o, k).ok_or_else(|| invalid_arg(&format!("{k} is required")))
    }

    fn bytes_of(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
        v.dyn_ref::<Uint8Array>()
            .map(Uint8Array::to_vec)
            .ok_or_else(|| invalid_arg(&format!("{what} must be a Uint8Array")))
    }

    fn string_of(v: &JsValue, what: &str) -> Result<String, JsValue> {
        v.as_string()
            .ok_or_else(|| invalid_arg(&format!("{what} must be a string")))
    }

    /// A non-negative integer option up to `max`.
    fn small(v: &JsValue, what: &str, max: u32) -> Result<u32, JsValue> {
        match to_u64(v, what)? {
            n if n <= u64::from(max) => Ok(n as u32),
            _ => Err(invalid_arg(&format!("{what}: at most {max}"))),
        }
    }

    /// `{major, minor, revision, build}`, each default 0 (an `ImageVersion` as results give it).
    fn version_of(v: &JsValue) -> Result<ImageVersion, JsValue> {
        if !v.is_object() {
            return Err(invalid_arg(
                "version must be {major, minor, revision, build}",
            ));
        }
        let field = |k: &str, max: u32| opt(v, k).map_or(Ok(0), |x| small(&x, "version", max));
        Ok(ImageVersion {
            major: field("major", u8::MAX.into())? as u8,
            minor: field("minor", u8::MAX.into())? as u8,
            revision: field("revision", u16::MAX.into())? as u16,
            build: field("build", u32::MAX)?,
        })
    }

    /// `encryptTo`: the encryption parameters for `recipient` (its public key, read by the
    /// caller with [`recipient_of`]).
    fn encryption_params<'a>(
        to: &JsValue,
        recipient: &'a [u8],
        params: &ImageParams,
    ) -> Result<EncryptionParams<'a>, JsValue> {
        let kem = string_of(&required(to, "kem")?, "encryptTo.kem")?;
        let name = |k: &str, default: &str| match opt(to, k) {
            Some(v) => string_of(&v, "encryptTo.kdf and .aead"),
            None => Ok(default.to_owned()),
        };
        let suite = suite_of(
            &kem,
            &name("kdf", Kdf::HkdfSha256.name())?,
            &name("aead", Aead::Aes256Gcm.name())?,
        )?;
        let chunk_size = match opt(to, "chunkSize") {
            Some(v) => small(&v, "encryptTo.chunkSize", enc::MAX_CHUNK_SIZE)?,
            None => enc::DEFAULT_CHUNK_SIZE,
        };
        if chunk_size < enc::MIN_CHUNK_SIZE {
            return Err(invalid_arg("encryptTo.chunkSize: at least 64"));
        }
        Ok(EncryptionParams {
            suite,
            recipient,
            chunk_size,
            device_class: params.device_class,
            digest: params.digest,
        })
    }

    fn recipient_of(to: &JsValue) -> Result<Vec<u8>, JsValue> {
        if !to.is_object() {
            return Err(invalid_arg(
                "encryptTo must be {kem, publicKey, kdf?, aead?, chunkSize?}",
            ));
        }
        bytes_of(&required(to, "publicKey")?, "encryptTo.publicKey")
    }

    /// The header parameters of `signFirmware`'s options.
    fn image_params(o: &JsValue) -> Result<ImageParams, JsValue> {
        let device_class = fixed_bytes::<16>(&required(o, "deviceClass")?, "deviceClass")?;
        let security_version = to_u64(&required(o, "securityVersion")?, "securityVersion")?;
        let mut params = ImageParams::new(DeviceClass(device_class), security_version);
        if let Some(v) = opt(o, "version") {
            params.version = version_of(&v)?;
        }
        if let Some(v) = opt(o, "digestAlgorithm") {
            params.digest = DigestAlgorithm::from_name(&string_of(&v, "digestAlgorithm")?)
                .ok_or_else(|| {
                    invalid_arg("digestAlgorithm must be SHA-256, SHA-512, SHA3-256 or SHA3-512")
                })?;
        }
        if let Some(v) = opt(o, "sbomDigest") {
            params.sbom_digest = Some(fixed_bytes::<32>(&v, "sbomDigest")?);
        }
        if let Some(v) = opt(o, "headerLen") {
            params.header_len = small(&v, "headerLen", u16::MAX.into())? as u16;
        }
        if let Some(v) = opt(o, "maxSecurityVersion") {
            params.security_version_limit = to_u64(&v, "maxSecurityVersion")?;
        }
        Ok(params)
    }

    /// Signs an image (hedged, fresh randomness from `crypto.getRandomValues`): the bytes
    /// `header ‖ payload ‖ signature block`. With `encryptTo`, the payload is first encrypted
    /// to the recipient's KEM key (a fresh content key per image) and the image marked
    /// encrypted. Throws `InvalidArgument` for malformed options, the core's errors otherwise
    /// (`Firmware.SecurityVersionTooLarge`, `Firmware.BadHeaderLength`,
    /// `Firmware.ClassNotEndorsed`, `InvalidKey`, `UnsupportedSuite`, …).
    #[wasm_bindgen(js_name = signFirmware)]
    pub fn sign_firmware(
        #[wasm_bindgen(unchecked_param_type = "SignFirmwareOptions")] options: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        if !options.is_object() {
            return Err(invalid_arg("signFirmware options must be an object"));
        }
        let payload = Zeroizing::new(bytes_of(&required(&options, "payload")?, "payload")?);
        let alg = sig_alg(&string_of(&required(&options, "algorithm")?, "algorithm")?)?;
        let sk = Zeroizing::new(bytes_of(&required(&options, "secretKey")?, "secretKey")?);
        let mut params = image_params(&options)?;
        let endorsement = opt(&options, "endorsement")
            .map(|v| bytes_of(&v, "endorsement"))
            .transpose()?;
        let encrypted = match opt(&options, "encrypted") {
            Some(v) => v
                .as_bool()
                .ok_or_else(|| invalid_arg("encrypted must be a boolean"))?,
            None => false,
        };

        let encrypt_to = opt(&options, "encryptTo");
        let mut rng = OsRng::default();
        let stored = match (&encrypt_to, encrypted) {
            (Some(_), true) => {
                return Err(invalid_arg(
                    "encryptTo encrypts the payload, encrypted says it already is: give one",
                ));
            }
            (Some(to), false) => {
                let recipient = recipient_of(to)?;
                let p = encryption_params(to, &recipient, &params)?;
                Zeroizing::new(enc::encrypt_payload_to_vec(&p, &payload, &mut rng).js()?)
            }
            (None, true) => {
                // A payload the verifier would refuse (BadEncryptionRecord) is not signed.
                let record = record_of(&payload).js()?;
                if record.payload_len() != payload.len() as u64 {
                    return Err(err(Error::Firmware(FirmwareError::BadEncryptionRecord)));
                }
                payload
            }
            (None, false) => payload,
        };
        params.encrypted = encrypted || encrypt_to.is_some();
        let len = usize::from(params.header_len)
            .saturating_add(stored.len())
            .saturating_add(fw::trailer_len(
                alg,
                endorsement.as_ref().map_or(0, Vec::len),
            ));
        let mut out = vec![0u8; len];
        let n = fw::sign_image(
            &params,
            &stored,
            alg,
            &sk,
            endorsement.as_deref(),
            &mut rng,
            &mut out,
        )
        .js()?;
        out.truncate(n);
        Ok(out)
    }

    /// Verifies an encrypted image held in memory as `verifyFirmware(policy, image)` does (with
    /// `acceptEncrypted` whatever the policy says: decrypting is what it is for), then decrypts
    /// its payload with the recipient's KEM private key (canonical seed form): the verified
    /// manifest with `encryption` (the record), `plaintext` and `plaintextDigestChecked`.
    /// `options.checkPlaintextDigest` (default false) also checks the plaintext against the
    /// record's digest. Throws the first rejection: the verifier's (`Firmware.DigestMismatch`
    /// for a modified image, …), then `Firmware.NotEncrypted`, `Firmware.WrongRecipient`
    /// (encrypted to another key), `Firmware.KeyUnwrapFailed`, `Firmware.ChunkAuthentication`
    /// (a modified chunk, even if signed again), `Firmware.PlaintextDigestMismatch` (only with
    /// `checkPlaintextDigest`); `InvalidArgument` for options that are not an object or a
    /// `checkPlaintextDigest` that is not a boolean.
    #[wasm_bindgen(js_name = decryptFirmware, unchecked_return_type = "DecryptedImage")]
    pub fn decrypt_firmware(
        policy: &Policy,
        image: &[u8],
        #[wasm_bindgen(unchecked_param_type = "HpkeKemName")] kem: &str,
        #[wasm_bindgen(js_name = secretKey)] secret_key: &[u8],
        #[wasm_bindgen(unchecked_optional_param_type = "DecryptOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let check = if options.is_undefined() || options.is_null() {
            false
        } else if !options.is_object() {
            return Err(invalid_arg("decryptFirmware options must be an object"));
        } else {
            match opt(&options, "checkPlaintextDigest") {
                None => false,
                Some(v) => v
                    .as_bool()
                    .ok_or_else(|| invalid_arg("checkPlaintextDigest must be a boolean"))?,
            }
        };
        let dk = DecapsulationKey::new(kem_alg(kem)?, secret_key).js()?;
        let anchors = policy.anchors();
        let (verified, plaintext) =
            fw::decrypt_image(image, &policy.core(anchors), &dk, check).js()?;
        let plaintext = Zeroizing::new(plaintext);
        // The record is the verified one (the decryptor checked it against the verifier's).
        let encryption = super::encryption_info(verified.header(), image)?;
        Ok(Obj(verified_obj(&verified))
            .with("encryption", encryption)
            .bytes("plaintext", &plaintext)
            .with("plaintextDigestChecked", check)
            .into_js())
    }
}

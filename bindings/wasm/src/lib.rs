//! JavaScript / WebAssembly bindings of `pqhybrid` (npm package `pqhybrid`), through
//! wasm-bindgen.
//!
//! * Every algorithm of the agile layer by name: `keypairFromSeed`, `generateKeypair`, `sign`,
//!   `signDeterministic`, `verify`, `encapsulate`, `decapsulate`, `sizes`, and key classes
//!   (`SigningKey`, `VerifyingKey`, `DecapsulationKey`, `EncapsulationKey`) that decode their
//!   key once (see `cached`), whose secrets live in WebAssembly memory and are zeroized by
//!   `free()`.
//! * SPKI / PKCS#8 in DER and PEM.
//! * HPKE (RFC 9180, Base mode) to the KEMs with an HPKE code point (feature `hpke`, on by
//!   default; see `hpke`): `hpkeSeal`, `hpkeOpen`, `kemKeyId`, `hpkeAlgorithms`.
//! * The firmware verifier: `Policy`, `FirmwareVerifier` (streaming), `verifyFirmware`,
//!   `verifyFirmwareStream` (ReadableStream, Blob, async iterable), `inspectFirmware`; signing
//!   images, plain or encrypted to a KEM key, and decrypting them (feature `hpke`; see
//!   `fw_encrypt`): `signFirmware`, `decryptFirmware`.
//! * The device-identity verifier (feature `identity`, on by default; see `identity`):
//!   `verifyAttestation`, `verifyCsr`, `describeCertificate`.
//!
//! Errors are thrown as `Error` objects (name `PqhybridError`) with a stable `code`: the Rust
//! variant (`"InvalidLength"`, `"VerificationFailed"`, …), `"Firmware.<reason>"` for firmware
//! rejections, `"Identity.<reason>"` for device-identity rejections, and `"UnknownAlgorithm"`,
//! `"InvalidArgument"`, `"InvalidTrustStore"`, `"InvalidState"` for errors of the JavaScript
//! layer. Randomness comes from `crypto.getRandomValues`.

#![deny(missing_docs)]

mod agile;
mod cached;
mod encoding;
mod firmware;
mod fw_encrypt;
mod hpke;
#[cfg(feature = "identity")]
mod identity;
mod ts;
mod util;

use wasm_bindgen::prelude::*;

/// The version of the package (and of the pqhybrid crate it wraps).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

// `SignatureAlgorithmName`, `KemAlgorithmName`, `HpkeKemName`, `HpkeKdfName`, `HpkeAeadName`
// and `IdentityErrorCode`: generated at compile time from the pqhybrid crate's tables (see
// `ts`), not written out here.
#[wasm_bindgen(typescript_custom_section)]
const TS_ALGORITHM_NAMES: &str = ts::ALGORITHM_NAMES;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type FirmwareErrorCode =
  | "Firmware.BadMagic" | "Firmware.UnsupportedVersion" | "Firmware.BadHeaderLength"
  | "Firmware.ReservedNonZero" | "Firmware.UnknownAlgorithm" | "Firmware.UnknownDigest"
  | "Firmware.Malformed" | "Firmware.Truncated" | "Firmware.LengthMismatch"
  | "Firmware.TrailerTooLarge" | "Firmware.WrongDeviceClass" | "Firmware.Rollback"
  | "Firmware.AlgorithmNotAllowed" | "Firmware.RevokedKey" | "Firmware.UnknownKey"
  | "Firmware.KeyIdMismatch" | "Firmware.DelegationOutOfRange" | "Firmware.DigestMismatch"
  | "Firmware.BadSignature" | "Firmware.SecurityVersionTooLarge" | "Firmware.ClassNotEndorsed"
  | "Firmware.EndorsedAnchor" | "Firmware.NonCanonicalSignature" | "Firmware.ImageExceedsSlot"
  | "Firmware.NotEncrypted" | "Firmware.BadEncryptionRecord" | "Firmware.WrongRecipient"
  | "Firmware.KeyUnwrapFailed" | "Firmware.ChunkAuthentication"
  | "Firmware.PlaintextDigestMismatch" | "Firmware.ChunkTooLarge"
  | "Firmware.EncryptedNotAccepted";

/** The `code` of every error this package throws. */
export type ErrorCode =
  | "InvalidLength" | "BufferTooSmall" | "MalformedEncoding" | "InvalidKey" | "ContextTooLong"
  | "ContextNotSupported" | "VerificationFailed" | "Rng" | "ZeroSharedSecret"
  | "AuthenticationFailed" | "SeedUnavailable" | "SigningFailed" | "AlgorithmDisabled"
  | FirmwareErrorCode | IdentityErrorCode
  | "UnknownAlgorithm" | "UnsupportedSuite" | "InvalidArgument" | "InvalidTrustStore" | "InvalidState";

/** What every function of this package throws: an `Error` with `name` "PqhybridError". */
export interface PqhybridError extends Error {
  name: "PqhybridError";
  code: ErrorCode;
  /** InvalidLength, MalformedEncoding, InvalidKey: which input. */
  field?: "publicKey" | "secretKey" | "seed" | "expandedKey" | "signature" | "ciphertext"
    | "sharedSecret" | "randomness";
  /** InvalidLength: the required length. */
  expected?: number;
  /** InvalidLength, ContextTooLong: the given length. */
  actual?: number;
  /** ContextTooLong: the largest length the call allows (255 for a signature context, 65535 for
   * an HPKE `info` with a SHAKE KDF). */
  max?: number;
}

export interface Keypair {
  algorithm: SignatureAlgorithmName | KemAlgorithmName;
  publicKey: Uint8Array;
  /** The canonical (seed-form) secret key. */
  secretKey: Uint8Array;
}

export interface SignatureSizes {
  algorithm: SignatureAlgorithmName;
  kind: "signature";
  oid: string;
  hybrid: boolean;
  supportsContext: boolean;
  publicKey: number;
  secretKey: number;
  seed: number;
  /** The maximum signature length (composites with ECDSA are shorter on average). */
  signature: number;
}

export interface KemSizes {
  algorithm: KemAlgorithmName;
  kind: "kem";
  publicKey: number;
  secretKey: number;
  seed: number;
  ciphertext: number;
  sharedSecret: number;
  encapsRandomness: number;
}

export interface Encapsulation {
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
}

/** The names `hpkeSeal` and `hpkeOpen` accept, in the crate's order. */
export interface HpkeAlgorithms {
  kems: HpkeKemName[];
  kdfs: HpkeKdfName[];
  aeads: HpkeAeadName[];
}

export interface DecodedPublicKey {
  algorithm: SignatureAlgorithmName | KemAlgorithmName;
  kind: "signature" | "kem";
  publicKey: Uint8Array;
}

export interface DecodedPrivateKey {
  algorithm: SignatureAlgorithmName | KemAlgorithmName;
  kind: "signature" | "kem";
  secretKey: Uint8Array;
}

export interface TrustAnchor {
  /** 32 bytes (or 64 hex digits on input). */
  keyId: Uint8Array | string;
  /** Default "active". */
  state?: "active" | "revoked";
}

export interface TrustStoreEntry {
  keyId: Uint8Array;
  state: "active" | "revoked";
  label: string | null;
}

export interface PolicyOptions {
  /** The device's class: 16 bytes, 32 hex digits, or a UUID. Required. */
  deviceClass: Uint8Array | string;
  trustAnchors?: TrustAnchor[];
  /** The text of a trust-store file (cli/README.md format); its anchors are added. */
  trustStore?: string;
  /** Anti-rollback: images with a lower security version are rejected. Default 0. */
  minSecurityVersion?: number | bigint;
  /**
   * The largest security version the device's anti-rollback counter can store: higher ones are
   * rejected (Firmware.SecurityVersionTooLarge) rather than truncated when stored. Default
   * 2^32 − 1 (a 32-bit counter). Must not be below minSecurityVersion.
   */
  maxSecurityVersion?: number | bigint;
  /**
   * Algorithms accepted for image signatures (by a trusted key or an endorsed release key):
   * families "hybrid", "ml-dsa", "slh-dsa", "pure-pq", "all" or algorithm names,
   * comma-separated or as an array, or AlgorithmSet bits. Default: every firmware algorithm.
   */
  allowed?: string | string[] | number;
  /**
   * Algorithms a root may endorse release keys with, in the same forms as `allowed` (for
   * example SLH-DSA roots with hybrid-only images: `allowed: "hybrid", endorseAllowed:
   * "slh-dsa"`). Default: every firmware algorithm.
   */
  endorseAllowed?: string | string[] | number;
  /**
   * Accept format-version-1 images (endorsements not scoped to device classes, ECDSA s not
   * required low). Default false: they are rejected with Firmware.UnsupportedVersion.
   */
  acceptV1?: boolean;
  /**
   * Accept images whose payload is encrypted (header flag bit 2). Default false: they are
   * rejected with Firmware.EncryptedNotAccepted as soon as the header is read, because a
   * verifier that does not decrypt must never install ciphertext as code. Set it when the
   * verified image is then decrypted (`decryptFirmware` accepts encrypted images whatever the
   * policy says).
   */
  acceptEncrypted?: boolean;
  /**
   * Signature-block capacity in bytes. Default 16384 (every ML-DSA and composite algorithm);
   * larger values (up to the SLH-DSA-256f maximum) select the large verifier.
   */
  trailerCapacity?: number;
}

export interface ImageVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
  /** "major.minor.revision+build" */
  text: string;
}

/** The header fields of an image. */
export interface ImageHeader {
  /** 2, or 1 for a legacy image (accepted only with `acceptV1`). */
  formatVersion: number;
  headerLen: number;
  payloadLen: number;
  trailerLen: number;
  imageLen: number;
  flags: number;
  algorithm: SignatureAlgorithmName;
  algorithmId: number;
  digestAlgorithm: "SHA-256" | "SHA-512" | "SHA3-256" | "SHA3-512";
  payloadDigest: Uint8Array;
  securityVersion: bigint;
  version: ImageVersion;
  deviceClass: Uint8Array;
  signerKeyId: Uint8Array;
  sbomDigest: Uint8Array | null;
  delegated: boolean;
  /** The payload is encrypted (flags bit 2): an encryption record, then AES-256-GCM chunks. */
  encrypted: boolean;
}

export interface Delegation {
  rootAlgorithm: SignatureAlgorithmName;
  rootKeyId: Uint8Array;
  minSecurityVersion: bigint;
  maxSecurityVersion: bigint;
  allowed: SignatureAlgorithmName[];
}

/** The manifest of an image that passed every check. */
export interface VerifiedImage extends ImageHeader {
  valid: true;
  /**
   * SHA-256 of the whole header (32 bytes): identifies the image. A hash of the file does not
   * (the signature block is not signed, and hedged signing differs each time).
   */
  imageId: Uint8Array;
  delegation: Delegation | null;
}

export interface Endorsement {
  rootAlgorithm: SignatureAlgorithmName;
  rootPublicKey: Uint8Array;
  rootKeyId: Uint8Array | null;
  minSecurityVersion: bigint;
  maxSecurityVersion: bigint;
  allowed: SignatureAlgorithmName[];
  /** The record's format version (the image's). */
  formatVersion: number;
  /** Version 2: the release key may sign for every device class; null for version 1. */
  anyClass: boolean | null;
  /**
   * Version 2: the device classes the release key may sign for (16 bytes each; empty with
   * anyClass); null for version 1 (not scoped to classes).
   */
  deviceClasses: Uint8Array[] | null;
  signature: Uint8Array;
}

export interface SignatureBlock {
  algorithm: SignatureAlgorithmName;
  publicKey: Uint8Array;
  /** The key id of `publicKey` (compare with `signerKeyId`). */
  publicKeyId: Uint8Array | null;
  signature: Uint8Array;
  endorsement: Endorsement | null;
}

/** What an image says about itself; nothing is verified. */
export interface InspectedImage extends ImageHeader {
  verified: false;
  fileLen: number;
  /** The encryption record of an encrypted payload (not authenticated), else null. */
  encryption: EncryptionInfo | null;
  signatureBlock: SignatureBlock | null;
  /**
   * Why the signature block (or an encrypted payload's record) could not be read (a
   * PqhybridError or a message), else null.
   */
  problem: PqhybridError | string | null;
}
"#;

//! Firmware verification: `pqh_fw_*`, a streaming verifier over `pqhybrid::firmware::Verifier`
//! whose state lives in caller memory (`pqh_fw_verifier`: static, stack, or a struct member).
//!
//! The state machine of a `pqh_fw_verifier` (the private state's tag):
//!
//! * LIVE: initialized at the address in `self_addr`; update, update_copy, set_slot_len,
//!   expected_len and finish work on it.
//! * FAILED: an update, update_copy or set_slot_len returned an error. The body (anchors,
//!   policy, verifier) is wiped and `status` holds the error, which every later call returns
//!   (finish returns it once more and ends the state).
//! * DONE: finish was called and failed, or a failed state was finished; the body is wiped;
//!   every call is INVALID_STATE.
//! * VERIFIED: finish returned PQH_OK. The body is wiped and its place holds the verified
//!   image's manifest (a `VerifiedImage`: public data, no references), which
//!   pqh_fw_verifier_encryption_record_digest and pqh_fw_decryptor_init read; every other call
//!   is INVALID_STATE, as for DONE.
//! * DEAD: init was called and failed (or is running); the body is wiped; INVALID_STATE.
//! * BUSY: inside a call (a caught panic leaves it so): INVALID_STATE.
//! * anything else (zeroed memory): not initialized, INVALID_STATE.
//!
//! Every transition out of LIVE overwrites the tag and wipes the body, so no byte copy of a
//! finished or failed state, put back anywhere, verifies again (a copy of a VERIFIED state
//! carries only the manifest of the image that was verified).

use core::mem::{ManuallyDrop, align_of, size_of};
use core::ptr::{addr_of, addr_of_mut};

use pqhybrid::firmware::{
    AlgorithmSet, DEFAULT_TRAILER_CAPACITY, DeviceClass, KeyId, KeyState, Policy, TrustAnchor,
    VerifiedImage, Verifier, algorithm_id, key_id,
};

use crate::alg::{SigAlgArg, sig_alg_value};
use crate::glue::{guard, input, output, put, required};
use crate::status::ALL_STATUSES;
use crate::status::pqh_status::{self, *};

/// Size in bytes of pqh_fw_verifier. A compile-time assertion in the library keeps it equal to
/// the real state (on 64-bit targets; 32-bit targets use a prefix of it).
pub const PQH_FW_VERIFIER_SIZE: usize = 17856;
/// Alignment in bytes of pqh_fw_verifier.
pub const PQH_FW_VERIFIER_ALIGN: usize = 16;
/// The most trust anchors a pqh_fw_policy may list (they are copied into the verifier).
pub const PQH_FW_MAX_TRUST_ANCHORS: usize = 16;
/// The largest signature block (trailer) the verifier accepts: every ML-DSA and composite
/// algorithm with an endorsement, and SLH-DSA-128s/192s without; larger ones are rejected with
/// PQH_ERR_FW_TRAILER_TOO_LARGE.
pub const PQH_FW_TRAILER_CAPACITY: usize = 16384;
/// Length of a firmware key id (SHA-256 over the algorithm id and the public key).
pub const PQH_FW_KEY_ID_BYTES: usize = 32;
/// Length of a device class.
pub const PQH_FW_DEVICE_CLASS_BYTES: usize = 16;
/// Length of an image id (pqh_fw_image_info.image_id: SHA-256 of the signed header).
pub const PQH_FW_IMAGE_ID_BYTES: usize = 32;
/// Capacity of pqh_fw_image_info.payload_digest: the longest payload digest (SHA-512,
/// SHA3-512).
pub const PQH_FW_DIGEST_MAX_BYTES: usize = 64;
/// Length of the digest of an encrypted image's encryption record (SHA-256), which
/// pqh_fw_verifier_encryption_record_digest reports.
pub const PQH_FW_RECORD_DIGEST_BYTES: usize = 32;
/// pqh_fw_policy.allowed_algorithms: every firmware algorithm (ML-DSA, SLH-DSA, composites).
pub const PQH_FW_ALGS_ALL: u32 = 0x003F_FFFE;
/// pqh_fw_policy.allowed_algorithms: the composites only (a forgery needs to break ML-DSA and
/// the classical algorithm). Recommended.
pub const PQH_FW_ALGS_HYBRID_ONLY: u32 = 0x003F_0000;
/// pqh_fw_policy.allowed_algorithms: pure ML-DSA only.
pub const PQH_FW_ALGS_ML_DSA_ONLY: u32 = 0x0000_000E;
/// pqh_fw_policy.allowed_algorithms: SLH-DSA only.
pub const PQH_FW_ALGS_SLH_DSA_ONLY: u32 = 0x0000_FFF0;
/// pqh_fw_policy.allowed_algorithms: ML-DSA and SLH-DSA (no composites).
pub const PQH_FW_ALGS_PURE_PQ: u32 = 0x0000_FFFE;
/// pqh_fw_policy.flags: also accept images in the legacy format version 1 (their endorsements
/// are not scoped to device classes and their ECDSA signatures may have a high s). Set it only
/// while a fleet still has to boot images signed before format version 2.
pub const PQH_FW_POLICY_ACCEPT_V1: u32 = 1;
/// pqh_fw_policy.flags: accept images whose payload is encrypted (header flag bit 2). Without
/// it such an image is rejected with PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED as soon as its fixed
/// header is in, before any payload is hashed: a bootloader that does not decrypt must never
/// install ciphertext as code. Set it only in a verifier that goes on to decrypt the payload
/// with a pqh_fw_decryptor (pqh_fw_image_info.encrypted says which images need it).
pub const PQH_FW_POLICY_ACCEPT_ENCRYPTED: u32 = 2;

/// Every defined bit of pqh_fw_policy.flags.
const POLICY_FLAGS: u32 = PQH_FW_POLICY_ACCEPT_V1 | PQH_FW_POLICY_ACCEPT_ENCRYPTED;

// pqh_fw_image_info.encrypted took the padding byte after signer_key_id: the layout of every
// other field is unchanged.
const _: () = {
    assert!(core::mem::offset_of!(pqh_fw_image_info, signer_key_id) == 78);
    assert!(core::mem::offset_of!(pqh_fw_image_info, encrypted) == 110);
    assert!(core::mem::offset_of!(pqh_fw_image_info, delegation_root_algorithm) == 112);
    assert!(core::mem::offset_of!(pqh_fw_image_info, image_id) == 236);
    assert!(size_of::<pqh_fw_image_info>() == 272);
};

const _: () = {
    assert!(PQH_FW_ALGS_ALL == AlgorithmSet::ALL.bits());
    assert!(PQH_FW_ALGS_HYBRID_ONLY == AlgorithmSet::HYBRID_ONLY.bits());
    assert!(PQH_FW_ALGS_ML_DSA_ONLY == AlgorithmSet::ML_DSA_ONLY.bits());
    assert!(PQH_FW_ALGS_SLH_DSA_ONLY == AlgorithmSet::SLH_DSA_ONLY.bits());
    assert!(PQH_FW_ALGS_PURE_PQ == AlgorithmSet::PURE_PQ.bits());
    assert!(PQH_FW_TRAILER_CAPACITY == DEFAULT_TRAILER_CAPACITY);
    assert!(PQH_FW_KEY_ID_BYTES == size_of::<KeyId>());
    assert!(PQH_FW_DEVICE_CLASS_BYTES == size_of::<DeviceClass>());
};

/// The state of a streaming firmware verification, allocated by the caller (static memory, the
/// stack, a struct member) with this size and alignment. Its content is private.
///
/// Use: pqh_fw_verifier_init; optionally pqh_fw_verifier_set_slot_len; feed the image in order
/// with pqh_fw_verifier_update or pqh_fw_verifier_update_copy (pqh_fw_verifier_expected_len
/// says how long it is once its header is in); then pqh_fw_verifier_finish. It holds no secrets
/// and needs no cleanup.
///
/// Fail-closed rules:
/// - pqh_fw_verifier_init invalidates the state before it looks at the policy: if it fails,
///   the state is dead (PQH_ERR_INVALID_STATE) even if it was verifying before.
/// - Any error from update, update_copy or set_slot_len ends the verification: the state is
///   wiped and every later call returns that same error (finish returns it and ends the state).
/// - finish ends the verification whatever its result: the state is wiped and every later call
///   returns PQH_ERR_INVALID_STATE until the next pqh_fw_verifier_init. After PQH_OK the state
///   keeps only the verified image's manifest (public), which
///   pqh_fw_verifier_encryption_record_digest and pqh_fw_decryptor_init read.
///
/// Between init and finish the state must not be moved (it refers to itself; a moved state
/// gives PQH_ERR_INVALID_STATE). A byte copy of a live state (a snapshot) is a live state in its
/// own right: copied back to the address where it was initialized, it resumes verification
/// from the point where the snapshot was taken, as if the bytes fed since had not been. A
/// finished or failed state is wiped, so no copy of it ever verifies again.
///
/// "Not initialized" (PQH_ERR_INVALID_STATE) is detected for zeroed memory, such as static
/// storage or a `= {0}` initializer; passing stack memory that was never written is undefined
/// behaviour in C: call pqh_fw_verifier_init first.
#[repr(C, align(16))]
pub struct pqh_fw_verifier {
    opaque: [u8; PQH_FW_VERIFIER_SIZE],
}

/// The state of a trust-anchor slot.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum pqh_fw_key_state {
    /// The key (or the root endorsing release keys) is trusted.
    PQH_FW_KEY_ACTIVE = 1,
    /// The key is revoked: images it signed or endorsed are rejected, even if another slot lists
    /// the same id as active.
    PQH_FW_KEY_REVOKED = 2,
}

/// A key state as received from C (`pqh_fw_key_state` in the header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct KeyStateArg(pub u32);

/// A trust anchor: the 32-byte key id of an image-signing key or of a root that endorses release
/// keys (pqh_fw_key_id), and its state. Suitable for OTP or a locked flash page.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pqh_fw_trust_anchor {
    /// The key id.
    pub key_id: [u8; PQH_FW_KEY_ID_BYTES],
    /// PQH_FW_KEY_ACTIVE or PQH_FW_KEY_REVOKED; any other value is PQH_ERR_INVALID_ARGUMENT.
    pub state: KeyStateArg,
}

/// What a device accepts. Copied by pqh_fw_verifier_init: it need not outlive that call.
///
/// Zero is not a valid max_security_version, so a policy that was zero-initialized and filled
/// in for an older version of this structure is rejected (PQH_ERR_INVALID_ARGUMENT) instead of
/// accepting only security version 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pqh_fw_policy {
    /// The trust anchors (at most PQH_FW_MAX_TRUST_ANCHORS; may be NULL if the count is 0).
    pub trust_anchors: *const pqh_fw_trust_anchor,
    /// Number of trust anchors.
    pub trust_anchors_len: usize,
    /// The lowest security version that boots (the device's anti-rollback counter).
    pub min_security_version: u64,
    /// The largest security version the device's counter can store: UINT32_MAX for a 32-bit
    /// counter, UINT64_MAX for a 64-bit one, the number of fuses for a fuse counter. Images with
    /// a higher security version are rejected with PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE
    /// instead of being truncated when stored. 0, or a value below min_security_version, is
    /// PQH_ERR_INVALID_ARGUMENT. Never store a value the counter cannot represent, and raise the
    /// counter only after the new image has booted and been confirmed good.
    pub max_security_version: u64,
    /// The device's class; images for other classes are rejected.
    pub device_class: [u8; PQH_FW_DEVICE_CLASS_BYTES],
    /// The algorithms accepted for image signatures (by a directly trusted key or by an
    /// endorsed release key): a PQH_FW_ALGS_* value or an OR of pqh_fw_algorithm_bit() values.
    /// A bit outside them is PQH_ERR_INVALID_ARGUMENT.
    pub allowed_algorithms: u32,
    /// The algorithms a trusted root may endorse release keys with, in the same bits. Separate
    /// from allowed_algorithms, so that a policy can say "SLH-DSA roots, hybrid-only images"
    /// without letting the root's algorithm sign images; 0 accepts no endorsement (only images
    /// signed by a trust anchor directly). A bit outside PQH_FW_ALGS_ALL is
    /// PQH_ERR_INVALID_ARGUMENT.
    pub endorse_allowed_algorithms: u32,
    /// PQH_FW_POLICY_* bits (0 for none): PQH_FW_POLICY_ACCEPT_V1,
    /// PQH_FW_POLICY_ACCEPT_ENCRYPTED. An undefined bit is PQH_ERR_INVALID_ARGUMENT.
    pub flags: u32,
}

/// What pqh_fw_verifier_finish reports about a verified image.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pqh_fw_image_info {
    /// The anti-rollback security version (write it to the device's counter once the image is
    /// confirmed good).
    pub security_version: u64,
    /// Image version: major.
    pub version_major: u8,
    /// Image version: minor.
    pub version_minor: u8,
    /// Image version: revision.
    pub version_revision: u16,
    /// Image version: build number.
    pub version_build: u32,
    /// The device class the image is for (equal to the policy's).
    pub device_class: [u8; PQH_FW_DEVICE_CLASS_BYTES],
    /// The image signature algorithm.
    pub algorithm: SigAlgArg,
    /// Header length: the payload starts at this offset in the image.
    pub header_len: u32,
    /// Payload length in bytes.
    pub payload_len: u32,
    /// 1 if sbom_digest holds the SHA-256 of the image's SBOM, 0 if none was recorded.
    pub has_sbom_digest: u8,
    /// 1 if the signer was trusted through an endorsement by a root (the delegation_* fields
    /// are then set), 0 if the signer is itself a trust anchor.
    pub delegated: u8,
    /// The SBOM digest (zero if none).
    pub sbom_digest: [u8; 32],
    /// The key id of the key that signed the image.
    pub signer_key_id: [u8; PQH_FW_KEY_ID_BYTES],
    /// 1 if the payload is encrypted (header flag bit 2; only under a policy with
    /// PQH_FW_POLICY_ACCEPT_ENCRYPTED): do not boot it in place, decrypt it with a
    /// pqh_fw_decryptor initialized from this verifier. 0 for a plain payload.
    pub encrypted: u8,
    /// Delegation: the endorsing root's algorithm (0 if not delegated).
    pub delegation_root_algorithm: SigAlgArg,
    /// Delegation: the algorithms the endorsement allows the release key (0 if not delegated).
    pub delegation_allowed_algorithms: u32,
    /// Delegation: the endorsing root's key id (zero if not delegated).
    pub delegation_root_key_id: [u8; PQH_FW_KEY_ID_BYTES],
    /// Delegation: the lowest security version the release key may sign.
    pub delegation_min_security_version: u64,
    /// Delegation: the highest security version the release key may sign.
    pub delegation_max_security_version: u64,
    /// The payload digest from the signed header, which the payload was checked against: its
    /// first payload_digest_len bytes (the rest is zero). A bootloader that moves the payload
    /// after verification can check the moved copy against it.
    pub payload_digest: [u8; PQH_FW_DIGEST_MAX_BYTES],
    /// Length of payload_digest in bytes: 32 (SHA-256, SHA3-256) or 64 (SHA-512, SHA3-512).
    pub payload_digest_len: u32,
    /// The image id: SHA-256 of the whole signed header (header_len bytes). An image is
    /// identified by its header digest, not by a hash of the file: the header commits to the
    /// payload digest, the security version, the signer and the signature block's length, while
    /// the signature block itself is outside the signature (hedged signing gives a different
    /// one each time). Log, compare and deduplicate images by this id.
    pub image_id: [u8; PQH_FW_IMAGE_ID_BYTES],
}

/// The verifier of the C API: its signature-block buffer is `Body::trailer`, so the verifier
/// value itself is small and `pqh_fw_verifier_init` builds it without a 16 KiB temporary on the
/// stack.
type CVerifier = Verifier<'static, &'static mut [u8]>;

/// The part of the state that a finished or failed verification wipes. `policy` borrows
/// `anchors`, `verifier` borrows `policy` and (mutably, exclusively) `trailer`: the references
/// are valid while the state stays where pqh_fw_verifier_init built it, which `self_addr` checks
/// on every call. `trailer` is never accessed except through the verifier.
#[repr(C)]
struct Body {
    anchors: [TrustAnchor; PQH_FW_MAX_TRUST_ANCHORS],
    policy: Policy<'static>,
    trailer: [u8; DEFAULT_TRAILER_CAPACITY],
    verifier: CVerifier,
}

/// What a state holds besides its tag: the verification in progress (LIVE, BUSY) or, once
/// finish succeeded (VERIFIED), the verified image's manifest in the wiped body's place. The
/// tag says which; in any other state it is zeros.
#[repr(C)]
union Content {
    body: ManuallyDrop<Body>,
    verified: VerifiedImage,
}

/// The state behind `pqh_fw_verifier`.
#[repr(C)]
struct State {
    /// MAGIC_LIVE, MAGIC_FAILED, ... (see the module documentation).
    tag: u64,
    /// Where pqh_fw_verifier_init built the state (LIVE), zero otherwise.
    self_addr: usize,
    /// FAILED: the status that ended the verification.
    status: i32,
    content: Content,
}

const MAGIC_LIVE: u64 = 0x7071_6877_5f6c_6976; // "pqhw_liv"
const MAGIC_BUSY: u64 = 0x7071_6877_5f62_7379; // "pqhw_bsy"
const MAGIC_DONE: u64 = 0x7071_6877_5f64_6f6e; // "pqhw_don"
const MAGIC_FAILED: u64 = 0x7071_6877_5f65_7272; // "pqhw_err"
const MAGIC_DEAD: u64 = 0x7071_6877_5f64_6564; // "pqhw_ded"
const MAGIC_VERIFIED: u64 = 0x7071_6877_5f76_6f6b; // "pqhw_vok"

const _: () = {
    assert!(size_of::<State>() <= PQH_FW_VERIFIER_SIZE);
    assert!(align_of::<State>() <= PQH_FW_VERIFIER_ALIGN);
    assert!(size_of::<pqh_fw_verifier>() == PQH_FW_VERIFIER_SIZE);
    assert!(align_of::<pqh_fw_verifier>() == PQH_FW_VERIFIER_ALIGN);
};
// On 64-bit targets the macros are exactly the state's size and alignment (32-bit targets have
// smaller pointers and use a prefix).
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(size_of::<State>() == PQH_FW_VERIFIER_SIZE);
    assert!(align_of::<State>() == PQH_FW_VERIFIER_ALIGN);
};

/// The body of the state at `state` (a field projection; nothing is read).
///
/// # Safety
/// `state` must be non-null and aligned.
unsafe fn body(state: *mut State) -> *mut Body {
    // SAFETY: the caller's contract; `addr_of_mut!` projects without reading or creating a
    // reference, and `ManuallyDrop<Body>` has the layout of `Body` (repr(transparent)).
    unsafe { addr_of_mut!((*state).content.body).cast::<Body>() }
}

/// The state at `v`: non-null and aligned (nothing else is checked).
fn state_at(v: *const pqh_fw_verifier) -> Result<*mut State, pqh_status> {
    let v = required(v.cast_mut())?;
    if !(v as usize).is_multiple_of(align_of::<State>()) {
        return Err(PQH_ERR_INVALID_STATE);
    }
    Ok(v.cast::<State>())
}

/// The sticky status stored in a failed state. Never PQH_OK: a value that is not an error
/// status (memory written by someone else) is PQH_ERR_INVALID_STATE.
pub(crate) fn sticky(raw: i32) -> pqh_status {
    ALL_STATUSES
        .iter()
        .copied()
        .find(|s| *s as i32 == raw && *s != PQH_OK)
        .unwrap_or(PQH_ERR_INVALID_STATE)
}

/// The state behind a live verifier: non-null, aligned, initialized, not finished or failed,
/// and not moved. Otherwise the status to return: the sticky error of a failed state,
/// PQH_ERR_INVALID_STATE for any other.
fn live(v: *const pqh_fw_verifier) -> Result<*mut State, pqh_status> {
    let state = state_at(v)?;
    // SAFETY: `state` is non-null, aligned, and points to a caller-owned pqh_fw_verifier of
    // PQH_FW_VERIFIER_SIZE >= size_of::<State>() bytes; `tag`, `self_addr` and `status` are
    // plain integers, valid for any bit pattern.
    let (tag, addr, status) = unsafe {
        (
            addr_of!((*state).tag).read(),
            addr_of!((*state).self_addr).read(),
            addr_of!((*state).status).read(),
        )
    };
    match tag {
        MAGIC_LIVE if addr == state as usize => Ok(state),
        MAGIC_FAILED => Err(sticky(status)),
        _ => Err(PQH_ERR_INVALID_STATE),
    }
}

/// Ends the verification in `state`: sets `tag` (DONE, FAILED or DEAD), forgets the address,
/// stores `status` (the sticky error of a FAILED state) and wipes the body (anchors, policy,
/// verifier), so that no copy of these bytes, put back anywhere, is a usable state.
///
/// # Safety
/// `state` must be non-null, aligned and valid for writes of size_of::<State>() bytes, and no
/// reference into it may be live.
unsafe fn end(state: *mut State, tag: u64, status: pqh_status) {
    // SAFETY: the caller's contract. The body is overwritten as plain bytes through a raw
    // pointer: its zero bytes are not valid `Policy`/`Verifier` values, but they are never read
    // as such again: only a LIVE tag with a matching `self_addr`, which only a complete init
    // writes (last), lets `live` hand the body out.
    unsafe {
        addr_of_mut!((*state).tag).write(tag);
        addr_of_mut!((*state).self_addr).write(0);
        addr_of_mut!((*state).status).write(status as i32);
        addr_of_mut!((*state).content)
            .cast::<u8>()
            .write_bytes(0, size_of::<Content>());
    }
}

/// Runs `f` on the verifier of a live state with the tag set to BUSY (a panic, caught on hosts,
/// leaves the state unusable rather than inconsistent); an error ends the verification (FAILED,
/// sticky).
///
/// # Safety
/// `state` must come from [`live`] and no reference into it may be live.
unsafe fn with_verifier(
    state: *mut State,
    f: impl FnOnce(&mut CVerifier) -> Result<(), pqh_status>,
) -> Result<(), pqh_status> {
    // SAFETY: `live` checked the state is initialized and in place; `verifier` is accessed
    // through a raw field projection, disjoint from the `policy` it borrows, and the `&mut`
    // ends before `end` overwrites the body.
    unsafe {
        addr_of_mut!((*state).tag).write(MAGIC_BUSY);
        let r = f(&mut *addr_of_mut!((*body(state)).verifier));
        match r {
            Ok(()) => addr_of_mut!((*state).tag).write(MAGIC_LIVE),
            Err(s) => end(state, MAGIC_FAILED, s),
        }
        r
    }
}

/// Whether the byte ranges `[a, a + a_len)` and `[b, b + b_len)` overlap.
pub(crate) fn overlaps(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a_len != 0 && b_len != 0 && a < b.saturating_add(b_len) && b < a.saturating_add(a_len)
}

/// The firmware algorithm bit of a signature algorithm, for pqh_fw_policy.allowed_algorithms
/// (1 << its firmware algorithm id), or 0 for an algorithm firmware does not accept (plain
/// Ed25519 and ECDSA) or an unknown value.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_fw_algorithm_bit(alg: SigAlgArg) -> u32 {
    alg.get()
        .and_then(algorithm_id)
        .map_or(0, |id| 1u32 << u32::from(id))
}

/// Computes the firmware key id of public key `pk` of algorithm `alg` into `key_id` (capacity
/// `key_id_len` >= PQH_FW_KEY_ID_BYTES): SHA-256("pqhybrid/v1/firmware-key-id" || u16le(firmware
/// algorithm id) || pk). This is what a device stores as a trust anchor.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_FW_ALGORITHM_NOT_ALLOWED
/// (plain Ed25519 or ECDSA), PQH_ERR_INVALID_LENGTH (pk), PQH_ERR_BUFFER_TOO_SMALL.
///
/// # Safety
/// Every pointer must be valid for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_key_id(
    alg: SigAlgArg,
    pk: *const u8,
    pk_len: usize,
    key_id_out: *mut u8,
    key_id_len: usize,
) -> pqh_status {
    guard(|| {
        let a = alg.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (pk, out) = unsafe { (input(pk, pk_len)?, output(key_id_out, key_id_len)?) };
        if out.len() < PQH_FW_KEY_ID_BYTES {
            return Err(PQH_ERR_BUFFER_TOO_SMALL);
        }
        let id = key_id(a, pk)?;
        out.get_mut(..PQH_FW_KEY_ID_BYTES)
            .ok_or(PQH_ERR_BUFFER_TOO_SMALL)?
            .copy_from_slice(&id.0);
        Ok(())
    })
}

/// The validated content of a pqh_fw_policy, before it is written into a state.
struct CheckedPolicy {
    anchors: [TrustAnchor; PQH_FW_MAX_TRUST_ANCHORS],
    anchors_len: usize,
    min_security_version: u64,
    max_security_version: u64,
    device_class: DeviceClass,
    allowed: AlgorithmSet,
    endorse_allowed: AlgorithmSet,
    accept_v1: bool,
    accept_encrypted: bool,
}

/// Reads and validates a caller's policy.
///
/// # Safety
/// `policy` must be non-null and valid for reads, its trust_anchors valid for
/// trust_anchors_len elements.
unsafe fn check_policy(policy: *const pqh_fw_policy) -> Result<CheckedPolicy, pqh_status> {
    // SAFETY: non-null; the caller guarantees it is valid for reads. `read_unaligned` imposes
    // no alignment requirement, and every field is valid for any bit pattern.
    let p = unsafe { policy.read_unaligned() };
    let n = p.trust_anchors_len;
    if n > PQH_FW_MAX_TRUST_ANCHORS {
        return Err(PQH_ERR_INVALID_LENGTH);
    }
    if n != 0 && p.trust_anchors.is_null() {
        return Err(PQH_ERR_NULL_POINTER);
    }
    if p.max_security_version == 0 || p.min_security_version > p.max_security_version {
        return Err(PQH_ERR_INVALID_ARGUMENT);
    }
    let allowed = AlgorithmSet::from_bits(p.allowed_algorithms).ok_or(PQH_ERR_INVALID_ARGUMENT)?;
    let endorse_allowed =
        AlgorithmSet::from_bits(p.endorse_allowed_algorithms).ok_or(PQH_ERR_INVALID_ARGUMENT)?;
    if p.flags & !POLICY_FLAGS != 0 {
        return Err(PQH_ERR_INVALID_ARGUMENT);
    }
    let mut anchors = [TrustAnchor::revoked(KeyId([0; 32])); PQH_FW_MAX_TRUST_ANCHORS];
    for (i, slot) in anchors.iter_mut().take(n).enumerate() {
        // SAFETY: `i < n = trust_anchors_len` and the caller guarantees `trust_anchors` is
        // valid for that many elements; `read_unaligned` needs no alignment, and the fields
        // (a byte array and a u32) are valid for any bit pattern.
        let a = unsafe { p.trust_anchors.add(i).read_unaligned() };
        let state = match a.state.0 {
            x if x == pqh_fw_key_state::PQH_FW_KEY_ACTIVE as u32 => KeyState::Active,
            x if x == pqh_fw_key_state::PQH_FW_KEY_REVOKED as u32 => KeyState::Revoked,
            _ => return Err(PQH_ERR_INVALID_ARGUMENT),
        };
        *slot = TrustAnchor {
            key_id: KeyId(a.key_id),
            state,
        };
    }
    Ok(CheckedPolicy {
        anchors,
        anchors_len: n,
        min_security_version: p.min_security_version,
        max_security_version: p.max_security_version,
        device_class: DeviceClass(p.device_class),
        allowed,
        endorse_allowed,
        accept_v1: p.flags & PQH_FW_POLICY_ACCEPT_V1 != 0,
        accept_encrypted: p.flags & PQH_FW_POLICY_ACCEPT_ENCRYPTED != 0,
    })
}

/// Starts verifying an image against `policy` (copied: it need not outlive this call). `v` is
/// caller memory of PQH_FW_VERIFIER_SIZE bytes aligned to PQH_FW_VERIFIER_ALIGN; it may be
/// initialized again at any time to start over.
///
/// Fails closed: once `v` is non-NULL and aligned, whatever it held is invalidated before the
/// policy is read. If this call fails, `v` is dead (PQH_ERR_INVALID_STATE from every other call)
/// until a successful init; it never keeps verifying under an earlier policy.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`v` misaligned), PQH_ERR_INVALID_LENGTH
/// (more than PQH_FW_MAX_TRUST_ANCHORS anchors), PQH_ERR_INVALID_ARGUMENT (a trust-anchor state,
/// allowed or endorse-allowed algorithm bit, or flag outside the defined values;
/// max_security_version 0 or below min_security_version).
///
/// # Safety
/// `v` must be valid for writes of PQH_FW_VERIFIER_SIZE bytes; `policy` must be valid for reads
/// and its trust_anchors valid for trust_anchors_len elements; neither may lie inside `v` (it is
/// wiped first).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_init(
    v: *mut pqh_fw_verifier,
    policy: *const pqh_fw_policy,
) -> pqh_status {
    guard(|| {
        let state = state_at(v)?;
        // SAFETY: `state` is non-null, aligned for `State`, and the caller guarantees
        // PQH_FW_VERIFIER_SIZE >= size_of::<State>() writable bytes (compile-time assertion);
        // no reference into it is live. Fail closed: the previous content is gone before the
        // policy is even read.
        unsafe { end(state, MAGIC_DEAD, PQH_ERR_INVALID_STATE) };
        let policy = required(policy.cast_mut())?;
        // SAFETY: non-null; the caller's contract covers the rest.
        let p = unsafe { check_policy(policy)? };
        // SAFETY: as above. Fields are written in place through raw pointers, so the references
        // that `policy` and `verifier` keep point into this memory; they are extended to
        // 'static and stay valid while the state is not moved or re-initialized, which `live`
        // checks (`self_addr`) before any use, and the tag is LIVE only once every field is
        // written.
        unsafe {
            let body = body(state);
            let anchors_ptr = addr_of_mut!((*body).anchors);
            anchors_ptr.write(p.anchors);
            let anchors: &'static [TrustAnchor] =
                (*anchors_ptr).get(..p.anchors_len).unwrap_or_default();
            let policy_ptr = addr_of_mut!((*body).policy);
            policy_ptr.write(Policy {
                trust_anchors: anchors,
                min_security_version: p.min_security_version,
                max_security_version: p.max_security_version,
                device_class: p.device_class,
                allowed: p.allowed,
                endorse_allowed: p.endorse_allowed,
                accept_v1: p.accept_v1,
                accept_encrypted: p.accept_encrypted,
            });
            let policy: &'static Policy<'static> = &*policy_ptr;
            // The only reference to `trailer` there is: the verifier's.
            let trailer: &'static mut [u8] = &mut *addr_of_mut!((*body).trailer);
            addr_of_mut!((*body).verifier).write(Verifier::with_buffer(policy, trailer));
            addr_of_mut!((*state).status).write(PQH_OK as i32);
            addr_of_mut!((*state).self_addr).write(state as usize);
            addr_of_mut!((*state).tag).write(MAGIC_LIVE);
        }
        Ok(())
    })
}

/// Tells the verifier that the image is read from a slot (a flash partition) of `slot_len`
/// bytes and that the whole slot may be fed: an image longer than the slot is rejected with
/// PQH_ERR_FW_IMAGE_EXCEEDS_SLOT as soon as its header is in, the bytes after the image's end
/// (the erased tail of the slot) are ignored instead of being PQH_ERR_FW_LENGTH_MISMATCH, and
/// more than `slot_len` bytes in all are PQH_ERR_FW_LENGTH_MISMATCH. Call it right after init;
/// a later call applies the same checks to what was already fed.
///
/// Errors (any of them ends the verification, see pqh_fw_verifier): PQH_ERR_NULL_POINTER,
/// PQH_ERR_INVALID_STATE, the sticky error of a failed state, PQH_ERR_FW_IMAGE_EXCEEDS_SLOT,
/// PQH_ERR_FW_LENGTH_MISMATCH.
///
/// # Safety
/// `v` must be a pqh_fw_verifier.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_set_slot_len(
    v: *mut pqh_fw_verifier,
    slot_len: u64,
) -> pqh_status {
    guard(|| {
        let state = live(v)?;
        // SAFETY: `state` comes from `live`; no reference into it is live.
        unsafe { with_verifier(state, |ver| Ok(ver.set_slot_len(slot_len)?)) }
    })
}

/// Writes to `*len_out` the image's total length (header + payload + signature block) as its
/// header states it, once the 192-byte fixed header has been fed and passed the header checks.
///
/// The value is NOT verified until pqh_fw_verifier_finish returns PQH_OK: an attacker chooses
/// it. Bound it by your slot size before using it to decide how much to read (or call
/// pqh_fw_verifier_set_slot_len, which rejects an image longer than the slot), and never use it
/// for anything but reading.
///
/// Errors (`*len_out` untouched; the state is not changed): PQH_ERR_NULL_POINTER,
/// PQH_ERR_FW_TRUNCATED (the fixed header is not complete yet), the sticky error of a failed
/// state, PQH_ERR_INVALID_STATE (not initialized, finished, or moved).
///
/// # Safety
/// `v` must be a pqh_fw_verifier; `len_out` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_expected_len(
    v: *const pqh_fw_verifier,
    len_out: *mut u64,
) -> pqh_status {
    guard(|| {
        let state = live(v)?;
        let len_out = required(len_out)?;
        // SAFETY: `live` checked the state is initialized and in place; only a shared
        // reference to `verifier` is made, and nothing writes to the state meanwhile.
        let len = unsafe { (*addr_of!((*body(state)).verifier)).expected_len() };
        let len = len.ok_or(PQH_ERR_FW_TRUNCATED)?;
        // SAFETY: `len_out` is non-null; validity and alignment are the caller's contract.
        unsafe { put(len_out, len) };
        Ok(())
    })
}

/// Feeds the next `chunk_len` bytes of the image (chunks of any size, in order, including
/// empty ones). Header-level rejections (bad magic, an encrypted payload the policy does not
/// accept, wrong device class, rollback, security
/// version too large, algorithm not allowed, revoked or unknown signer, image exceeds the slot,
/// ...) are reported as soon as the 192-byte fixed header is complete.
///
/// This hashes the bytes and keeps nothing of the payload: if the image is read from external
/// or execute-in-place flash, what boots later may differ from what was verified (a
/// check-then-use attack, RFC 9124). Verify what will run: copy the image into internal memory
/// with pqh_fw_verifier_update_copy and boot that copy.
///
/// Errors (any of them ends the verification; later calls return the same one):
/// PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized, finished, or moved),
/// PQH_ERR_INVALID_ARGUMENT (`chunk` overlaps the state), any PQH_ERR_FW_* status.
///
/// # Safety
/// `v` must be a pqh_fw_verifier; `chunk` must be valid for `chunk_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_update(
    v: *mut pqh_fw_verifier,
    chunk: *const u8,
    chunk_len: usize,
) -> pqh_status {
    guard(|| {
        let state = live(v)?;
        // SAFETY: `state` comes from `live`; no reference into it is live. The chunk is
        // borrowed only inside, after checking it does not overlap the state.
        unsafe {
            with_verifier(state, |ver| {
                if overlaps(chunk, chunk_len, state.cast(), size_of::<State>()) {
                    return Err(PQH_ERR_INVALID_ARGUMENT);
                }
                // SAFETY: the caller guarantees `chunk` is valid for `chunk_len` bytes; it does
                // not overlap the verifier state (checked).
                let chunk = input(chunk, chunk_len)?;
                Ok(ver.update(chunk)?)
            })
        }
    })
}

/// Copies `len` bytes from `src` to `dst` and feeds the copy to the verifier: the
/// verify-while-copying pattern. What is hashed is what was written to `dst`, so a flash device
/// that returns different bytes on a second read cannot make the booted copy differ from the
/// verified one (RFC 9124's check-then-use threat; MCUboot likewise copies images to internal
/// memory before verifying them).
///
/// The safe boot sequence: init, set_slot_len, then update_copy the image chunk by chunk from
/// the slot (external or XIP flash) into internal RAM, finish, and only if finish returns PQH_OK
/// run the RAM copy (never the slot). Calling update_copy and then update on the same chunk is
/// wrong: feed each byte once.
///
/// `dst` is written only if the state is live; after an error its content is unspecified
/// (never boot it). `src` and `dst` must not overlap each other or the state.
///
/// Errors (any of them ends the verification; later calls return the same one):
/// PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized, finished, or moved),
/// PQH_ERR_INVALID_ARGUMENT (overlapping buffers), any PQH_ERR_FW_* status.
///
/// # Safety
/// `v` must be a pqh_fw_verifier; `src` must be valid for reads and `dst` for writes of `len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_update_copy(
    v: *mut pqh_fw_verifier,
    src: *const u8,
    dst: *mut u8,
    len: usize,
) -> pqh_status {
    guard(|| {
        let state = live(v)?;
        // SAFETY: `state` comes from `live`; no reference into it is live. The buffers are
        // borrowed only inside, after the overlap checks.
        unsafe {
            with_verifier(state, |ver| {
                let s = state.cast::<u8>().cast_const();
                let n = size_of::<State>();
                if overlaps(src, len, dst, len)
                    || overlaps(src, len, s, n)
                    || overlaps(dst, len, s, n)
                {
                    return Err(PQH_ERR_INVALID_ARGUMENT);
                }
                // SAFETY: the caller guarantees `src` is readable and `dst` writable for `len`
                // bytes; they overlap neither each other nor the state (checked).
                let (src, dst) = (input(src, len)?, output(dst, len)?);
                Ok(ver.update_copy(src, dst)?)
            })
        }
    })
}

fn info_of(img: &VerifiedImage) -> pqh_fw_image_info {
    let h = img.header();
    let value = |a| SigAlgArg(sig_alg_value(a).map_or(0, |c| c as u32));
    let d = img.delegation();
    let mut payload_digest = [0u8; PQH_FW_DIGEST_MAX_BYTES];
    let digest = img.payload_digest();
    let digest_len = digest.len().min(PQH_FW_DIGEST_MAX_BYTES);
    if let (Some(dst), Some(src)) = (
        payload_digest.get_mut(..digest_len),
        digest.get(..digest_len),
    ) {
        dst.copy_from_slice(src);
    }
    pqh_fw_image_info {
        security_version: img.security_version(),
        version_major: h.version.major,
        version_minor: h.version.minor,
        version_revision: h.version.revision,
        version_build: h.version.build,
        device_class: img.device_class().0,
        algorithm: value(img.algorithm()),
        header_len: u32::from(h.header_len),
        payload_len: img.payload_len(),
        has_sbom_digest: u8::from(img.sbom_digest().is_some()),
        delegated: u8::from(img.is_delegated()),
        sbom_digest: img.sbom_digest().unwrap_or_default(),
        signer_key_id: img.signer_key_id().0,
        encrypted: u8::from(img.is_encrypted()),
        delegation_root_algorithm: d.map_or(SigAlgArg(0), |d| value(d.root_algorithm)),
        delegation_allowed_algorithms: d.map_or(0, |d| d.allowed.bits()),
        delegation_root_key_id: d.map_or([0; 32], |d| d.root_key_id.0),
        delegation_min_security_version: d.map_or(0, |d| d.min_security_version),
        delegation_max_security_version: d.map_or(0, |d| d.max_security_version),
        payload_digest,
        // At most 64: the cast cannot truncate.
        payload_digest_len: digest_len as u32,
        image_id: img.image_id(),
    }
}

/// Finishes verification: PQH_OK only if the whole image arrived and every check passed
/// (completeness, signature-block structure, key id, endorsement, payload digest, image
/// signature); then fills `*info`. The verifier is finished either way (wiped): initialize it
/// again to verify another image. On error `*info` is untouched.
///
/// After PQH_OK the state keeps the verified image's manifest (nothing else), for
/// pqh_fw_verifier_encryption_record_digest and pqh_fw_decryptor_init: an image whose payload
/// is encrypted is not booted in place but decrypted in a second pass.
///
/// Errors: PQH_ERR_NULL_POINTER (`info`: the verification is ended without a result),
/// PQH_ERR_INVALID_STATE (not initialized, finished, or moved), the sticky error of a failed
/// state, any PQH_ERR_FW_* status (PQH_ERR_FW_TRUNCATED for an incomplete image).
///
/// # Safety
/// `v` must be a pqh_fw_verifier; `info` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_finish(
    v: *mut pqh_fw_verifier,
    info: *mut pqh_fw_image_info,
) -> pqh_status {
    guard(|| {
        let state = match live(v) {
            Ok(state) => state,
            Err(s) => {
                // A failed state returns its error once more and is then finished.
                if let Ok(state) = state_at(v) {
                    // SAFETY: non-null, aligned, a pqh_fw_verifier (the caller's contract);
                    // the tag is a plain integer, and no reference into the state is live.
                    unsafe {
                        if addr_of!((*state).tag).read() == MAGIC_FAILED {
                            end(state, MAGIC_DONE, PQH_ERR_INVALID_STATE);
                        }
                    }
                }
                return Err(s);
            }
        };
        // SAFETY: `live` checked the state is initialized and in place. The tag is BUSY while
        // the verifier is finished where it is (`finish_in_place`) instead of being moved onto
        // the stack (17 KiB with the default trailer capacity); `verifier` is accessed through
        // a raw field projection, disjoint from the `policy` it borrows, and the `&mut` ends
        // before `end` wipes the state, which happens whatever the result. Only then, and only
        // on success, the manifest (a plain value) is written where the body was.
        let r = unsafe {
            addr_of_mut!((*state).tag).write(MAGIC_BUSY);
            let r = match required(info) {
                Ok(_) => (*addr_of_mut!((*body(state)).verifier))
                    .finish_in_place()
                    .map_err(pqh_status::from),
                Err(s) => Err(s),
            };
            end(state, MAGIC_DONE, PQH_ERR_INVALID_STATE);
            if let Ok(img) = &r {
                addr_of_mut!((*state).content.verified).write(*img);
                addr_of_mut!((*state).tag).write(MAGIC_VERIFIED);
            }
            r
        };
        let img = r?;
        // SAFETY: `info` is non-null (checked above); validity and alignment are the caller's
        // contract.
        unsafe { put(info, info_of(&img)) };
        Ok(())
    })
}

/// The manifest of the image a verifier verified: `v` must have finished with PQH_OK
/// (VERIFIED); PQH_ERR_INVALID_STATE otherwise (not initialized, verifying, failed, finished
/// with an error, re-initialized since).
pub(crate) fn verified_image(v: *const pqh_fw_verifier) -> Result<VerifiedImage, pqh_status> {
    let state = state_at(v)?;
    // SAFETY: `state` is non-null, aligned and points to a caller-owned pqh_fw_verifier (the
    // caller's contract); the tag is a plain integer. The VERIFIED tag is written only after a
    // complete `VerifiedImage` was written to `content.verified`, and nothing but init (which
    // overwrites the tag first) writes to a VERIFIED state.
    unsafe {
        if addr_of!((*state).tag).read() != MAGIC_VERIFIED {
            return Err(PQH_ERR_INVALID_STATE);
        }
        Ok(addr_of!((*state).content.verified).read())
    }
}

/// Whether the image that `v` verified has an encrypted payload (header flag bit 2), and if so
/// the SHA-256 of its encryption record as the verifier read it (32 bytes to the start of
/// `digest_out`). Call it after pqh_fw_verifier_finish returned PQH_OK: PQH_OK means the
/// payload is encrypted, so it must not be booted in place; decrypt it with a pqh_fw_decryptor
/// (initialized from this verifier), which refuses a record that differs from this one.
/// PQH_ERR_FW_NOT_ENCRYPTED means a plain payload. The state is not changed.
///
/// Errors (`digest_out` untouched): PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`v` did not
/// finish with PQH_OK, or was initialized again since), PQH_ERR_FW_NOT_ENCRYPTED,
/// PQH_ERR_BUFFER_TOO_SMALL (`digest_len` < PQH_FW_RECORD_DIGEST_BYTES).
///
/// # Safety
/// `v` must be a pqh_fw_verifier; `digest_out` must be valid for `digest_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_encryption_record_digest(
    v: *const pqh_fw_verifier,
    digest_out: *mut u8,
    digest_len: usize,
) -> pqh_status {
    guard(|| {
        let img = verified_image(v)?;
        let digest = img
            .encryption_record_digest()
            .filter(|_| img.is_encrypted())
            .ok_or(PQH_ERR_FW_NOT_ENCRYPTED)?;
        if overlaps(
            digest_out,
            digest_len,
            v.cast::<u8>(),
            size_of::<pqh_fw_verifier>(),
        ) {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: the caller's contract: `digest_out` is valid for `digest_len` bytes; it does
        // not overlap the state (checked), the only other memory this call reads.
        let out = unsafe { output(digest_out, digest_len)? };
        out.get_mut(..PQH_FW_RECORD_DIGEST_BYTES)
            .ok_or(PQH_ERR_BUFFER_TOO_SMALL)?
            .copy_from_slice(&digest);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_size() {
        std::println!(
            "State: {} bytes, align {}",
            size_of::<State>(),
            align_of::<State>()
        );
    }

    #[test]
    fn sticky_is_never_ok() {
        assert_eq!(sticky(0), PQH_ERR_INVALID_STATE);
        assert_eq!(sticky(12345), PQH_ERR_INVALID_STATE);
        assert_eq!(sticky(PQH_ERR_FW_ROLLBACK as i32), PQH_ERR_FW_ROLLBACK);
    }

    #[test]
    fn overlap() {
        let b = [0u8; 8];
        let p = b.as_ptr();
        assert!(overlaps(p, 4, p, 4));
        // SAFETY: within the array.
        let q = unsafe { p.add(4) };
        assert!(!overlaps(p, 4, q, 4));
        assert!(overlaps(p, 5, q, 4));
        assert!(!overlaps(p, 0, p, 4));
    }
}

//! Firmware verification: `pqh_fw_*`, a streaming verifier over `pqhybrid::firmware::Verifier`
//! whose state lives in caller memory (`pqh_fw_verifier`: static, stack, or a struct member).

use core::mem::{align_of, size_of};
use core::ptr::{addr_of, addr_of_mut};

use pqhybrid::firmware::{
    AlgorithmSet, DEFAULT_TRAILER_CAPACITY, DeviceClass, KeyId, KeyState, Policy, TrustAnchor,
    VerifiedImage, Verifier, algorithm_id, key_id,
};

use crate::alg::{SigAlgArg, sig_alg_value};
use crate::glue::{guard, input, output, put, required};
use crate::status::pqh_status::{self, *};

/// Size in bytes of pqh_fw_verifier. A compile-time assertion in the library keeps it equal to
/// the real state (on 64-bit targets; 32-bit targets use a prefix of it).
pub const PQH_FW_VERIFIER_SIZE: usize = 17648;
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
/// Initialize it with pqh_fw_verifier_init, feed the image with pqh_fw_verifier_update, end with
/// pqh_fw_verifier_finish. Between init and finish it must not be moved or copied (it refers to
/// itself; a moved state gives PQH_ERR_INVALID_STATE). It holds no secrets and needs no cleanup.
///
/// "Not initialized" (PQH_ERR_INVALID_STATE from update/finish) is detected for zeroed memory,
/// such as static storage or a `= {0}` initializer; passing stack memory that was never
/// written is undefined behaviour in C: call pqh_fw_verifier_init first.
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
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pqh_fw_policy {
    /// The trust anchors (at most PQH_FW_MAX_TRUST_ANCHORS; may be NULL if the count is 0).
    pub trust_anchors: *const pqh_fw_trust_anchor,
    /// Number of trust anchors.
    pub trust_anchors_len: usize,
    /// The lowest security version that boots (the device's anti-rollback counter).
    pub min_security_version: u64,
    /// The device's class; images for other classes are rejected.
    pub device_class: [u8; PQH_FW_DEVICE_CLASS_BYTES],
    /// The algorithms accepted for image signatures and endorsing roots: a PQH_FW_ALGS_* value or
    /// an OR of pqh_fw_algorithm_bit() values. A bit outside them is PQH_ERR_INVALID_ARGUMENT.
    pub allowed_algorithms: u32,
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
}

/// The state behind `pqh_fw_verifier`. `policy` borrows `anchors`, `verifier` borrows `policy`:
/// the references are valid while the state stays where pqh_fw_verifier_init built it, which
/// `self_addr` checks on every call.
#[repr(C)]
struct State {
    magic: u64,
    self_addr: usize,
    anchors: [TrustAnchor; PQH_FW_MAX_TRUST_ANCHORS],
    policy: Policy<'static>,
    verifier: Verifier<'static>,
}

const MAGIC_LIVE: u64 = 0x7071_6877_5f6c_6976; // "pqhw_liv"
const MAGIC_BUSY: u64 = 0x7071_6877_5f62_7379; // "pqhw_bsy"
const MAGIC_DONE: u64 = 0x7071_6877_5f64_6f6e; // "pqhw_don"

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

/// The state behind a live verifier: non-null, aligned, initialized and not moved.
fn live(v: *mut pqh_fw_verifier) -> Result<*mut State, pqh_status> {
    let v = required(v)?;
    if !(v as usize).is_multiple_of(align_of::<State>()) {
        return Err(PQH_ERR_INVALID_STATE);
    }
    let state = v.cast::<State>();
    // SAFETY: `state` is non-null, aligned, and points to a caller-owned pqh_fw_verifier of
    // PQH_FW_VERIFIER_SIZE >= size_of::<State>() bytes; `magic` and `self_addr` are plain
    // integers, valid for any bit pattern.
    let (magic, addr) = unsafe {
        (
            addr_of!((*state).magic).read(),
            addr_of!((*state).self_addr).read(),
        )
    };
    if magic != MAGIC_LIVE || addr != state as usize {
        return Err(PQH_ERR_INVALID_STATE);
    }
    Ok(state)
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

/// Starts verifying an image against `policy` (copied: it need not outlive this call). `v` is
/// caller memory of PQH_FW_VERIFIER_SIZE bytes aligned to PQH_FW_VERIFIER_ALIGN; it may be
/// initialized again at any time to start over.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`v` misaligned), PQH_ERR_INVALID_LENGTH
/// (more than PQH_FW_MAX_TRUST_ANCHORS anchors), PQH_ERR_INVALID_ARGUMENT (a trust-anchor state
/// or allowed-algorithm bit outside the defined values).
///
/// # Safety
/// `v` must be valid for writes of PQH_FW_VERIFIER_SIZE bytes; `policy` must be valid for reads
/// and its trust_anchors valid for trust_anchors_len elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_init(
    v: *mut pqh_fw_verifier,
    policy: *const pqh_fw_policy,
) -> pqh_status {
    guard(|| {
        let v = required(v)?;
        let policy = required(policy.cast_mut())?;
        if !(v as usize).is_multiple_of(align_of::<State>()) {
            return Err(PQH_ERR_INVALID_STATE);
        }
        // SAFETY: non-null; the caller guarantees it is valid for reads. `read_unaligned`
        // imposes no alignment requirement, and every field is valid for any bit pattern.
        let p = unsafe { policy.read_unaligned() };
        let n = p.trust_anchors_len;
        if n > PQH_FW_MAX_TRUST_ANCHORS {
            return Err(PQH_ERR_INVALID_LENGTH);
        }
        if n != 0 && p.trust_anchors.is_null() {
            return Err(PQH_ERR_NULL_POINTER);
        }
        let allowed =
            AlgorithmSet::from_bits(p.allowed_algorithms).ok_or(PQH_ERR_INVALID_ARGUMENT)?;
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
        let state = v.cast::<State>();
        // SAFETY: `state` is non-null, aligned for `State` (checked above) and the caller
        // guarantees PQH_FW_VERIFIER_SIZE >= size_of::<State>() writable bytes (compile-time
        // assertion). Fields are written in place through raw pointers, so the references that
        // `policy` and `verifier` keep point into this memory; they are extended to 'static and
        // stay valid while the state is not moved or re-initialized, which `live` checks
        // (`self_addr`) before any use, and `magic` is LIVE only once every field is written.
        unsafe {
            addr_of_mut!((*state).magic).write(MAGIC_BUSY);
            addr_of_mut!((*state).self_addr).write(state as usize);
            let anchors_ptr = addr_of_mut!((*state).anchors);
            anchors_ptr.write(anchors);
            let anchors: &'static [TrustAnchor] = (*anchors_ptr).get(..n).unwrap_or_default();
            let policy_ptr = addr_of_mut!((*state).policy);
            policy_ptr.write(Policy {
                trust_anchors: anchors,
                min_security_version: p.min_security_version,
                device_class: DeviceClass(p.device_class),
                allowed,
            });
            let policy: &'static Policy<'static> = &*policy_ptr;
            addr_of_mut!((*state).verifier).write(Verifier::new(policy));
            addr_of_mut!((*state).magic).write(MAGIC_LIVE);
        }
        Ok(())
    })
}

/// Feeds the next `chunk_len` bytes of the image (chunks of any size, in order, including
/// empty ones). Header-level rejections (bad magic, wrong device class, rollback, algorithm
/// not allowed, revoked or unknown signer, ...) are reported as soon as the 192-byte fixed
/// header is complete; errors stick and are returned again by later calls and by finish.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized, finished, or moved),
/// any PQH_ERR_FW_* status.
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
        // SAFETY: the caller guarantees `chunk` is valid for `chunk_len` bytes; it cannot
        // overlap the verifier state, which the library owns between init and finish.
        let chunk = unsafe { input(chunk, chunk_len)? };
        // SAFETY: `live` checked the state is initialized and in place; `verifier` is accessed
        // through a raw field projection, disjoint from the `policy` it borrows. `magic` is BUSY
        // meanwhile, so a panic (caught on hosts) leaves the state unusable, not inconsistent.
        unsafe {
            addr_of_mut!((*state).magic).write(MAGIC_BUSY);
            let r = (*addr_of_mut!((*state).verifier)).update(chunk);
            addr_of_mut!((*state).magic).write(MAGIC_LIVE);
            r?;
        }
        Ok(())
    })
}

fn info_of(img: &VerifiedImage) -> pqh_fw_image_info {
    let h = img.header();
    let value = |a| SigAlgArg(sig_alg_value(a).map_or(0, |c| c as u32));
    let d = img.delegation();
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
        delegation_root_algorithm: d.map_or(SigAlgArg(0), |d| value(d.root_algorithm)),
        delegation_allowed_algorithms: d.map_or(0, |d| d.allowed.bits()),
        delegation_root_key_id: d.map_or([0; 32], |d| d.root_key_id.0),
        delegation_min_security_version: d.map_or(0, |d| d.min_security_version),
        delegation_max_security_version: d.map_or(0, |d| d.max_security_version),
    }
}

/// Finishes verification: PQH_OK only if the whole image arrived and every check passed
/// (completeness, signature-block structure, key id, endorsement, payload digest, image
/// signature); then fills `*info`. The verifier is finished either way: initialize it again to
/// verify another image. On error `*info` is untouched.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized, finished, or moved),
/// any PQH_ERR_FW_* status (PQH_ERR_FW_TRUNCATED for an incomplete image).
///
/// # Safety
/// `v` must be a pqh_fw_verifier; `info` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_verifier_finish(
    v: *mut pqh_fw_verifier,
    info: *mut pqh_fw_image_info,
) -> pqh_status {
    guard(|| {
        let state = live(v)?;
        let info = required(info)?;
        // SAFETY: `live` checked the state is initialized and in place; `magic` is set to DONE
        // first, so the verifier is never used again after this call, and it is finished where
        // it is (`finish_in_place`) instead of being moved onto the stack (17 KiB with the
        // default trailer capacity). `verifier` is accessed through a raw field projection,
        // disjoint from the `policy` it borrows.
        let img = unsafe {
            addr_of_mut!((*state).magic).write(MAGIC_DONE);
            (*addr_of_mut!((*state).verifier)).finish_in_place()?
        };
        // SAFETY: `info` is non-null; validity and alignment are the caller's contract.
        unsafe { put(info, info_of(&img)) };
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
}

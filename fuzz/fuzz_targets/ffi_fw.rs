//! The C ABI's streaming firmware verifier (`pqh_fw_verifier_init/update/finish`) against the
//! Rust `firmware::Verifier`, with fuzzer-chosen policies (the firmware KAT anchors plus extra
//! anchors with arbitrary states, trust-anchor counts up to 16+, arbitrary allowed-algorithm
//! bits), chunking, NULL pointers, a misaligned, uninitialized, copied or finished state.
//!
//! Input: `flags` (u16), then fields `params` (min security version u64, allowed u32, device
//! class 16 bytes; each used when its flag is set), `anchors` (33-byte records: key id and a
//! state byte), `plan` (chunk sizes), and the rest is the image.
//!
//! Invariants: never `PQH_ERR_INTERNAL`; init rejects bad policies with the documented status
//! and accepts the others; every update and finish status equals the Rust verifier's result
//! mapped by `pqh_status::from`; the image info equals the Rust `VerifiedImage`; a state that
//! is misaligned, uninitialized, copied or finished is `PQH_ERR_INVALID_STATE`.
#![no_main]

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqhybrid::firmware::{
    AlgorithmSet, DeviceClass, KeyId, KeyState, Policy, TrustAnchor, Verifier,
};
use pqhybrid_ffi::fw::*;
use pqhybrid_ffi::pqh_status::{self, *};
use pqhybrid_fuzz::{Input, KAT_MIN_SECURITY_VERSION, KatPolicy, chunks};

static KAT: OnceLock<KatPolicy> = OnceLock::new();

/// Zeroed heap memory for a `pqh_fw_verifier`, optionally at an 8-byte misalignment.
struct StateMem {
    base: *mut u8,
    layout: Layout,
    offset: usize,
}

impl StateMem {
    fn new(misaligned: bool) -> Self {
        let layout = Layout::from_size_align(PQH_FW_VERIFIER_SIZE + 16, PQH_FW_VERIFIER_ALIGN)
            .expect("layout");
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        assert!(!base.is_null(), "allocation failed");
        Self {
            base,
            layout,
            offset: if misaligned { 8 } else { 0 },
        }
    }

    fn ptr(&self) -> *mut pqh_fw_verifier {
        // SAFETY: `offset` + the state size is within the allocation.
        unsafe { self.base.add(self.offset).cast() }
    }
}

impl Drop for StateMem {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, self.layout) };
    }
}

fn status_of<T>(r: &Result<T, pqhybrid::Error>) -> pqh_status {
    match r {
        Ok(_) => PQH_OK,
        Err(e) => pqh_status::from(*e),
    }
}

fn zero_info() -> pqh_fw_image_info {
    pqh_fw_image_info {
        security_version: 0,
        version_major: 0,
        version_minor: 0,
        version_revision: 0,
        version_build: 0,
        device_class: [0; 16],
        algorithm: pqhybrid_ffi::alg::SigAlgArg(0),
        header_len: 0,
        payload_len: 0,
        has_sbom_digest: 0,
        delegated: 0,
        sbom_digest: [0; 32],
        signer_key_id: [0; 32],
        delegation_root_algorithm: pqhybrid_ffi::alg::SigAlgArg(0),
        delegation_allowed_algorithms: 0,
        delegation_root_key_id: [0; 32],
        delegation_min_security_version: 0,
        delegation_max_security_version: 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let kat = KAT.get_or_init(KatPolicy::new);
    let mut input = Input::new(data);
    let flags = input.u16();
    let params = input.bytes();
    let extra = input.bytes();
    let plan = input.bytes();
    let image = input.rest();
    let flag = |bit: u16| flags & (1 << bit) != 0;

    // The C policy.
    let mut anchors: Vec<pqh_fw_trust_anchor> = Vec::new();
    if !flag(0) {
        for a in kat.anchors() {
            let state = match a.state {
                KeyState::Active => pqh_fw_key_state::PQH_FW_KEY_ACTIVE as u32,
                KeyState::Revoked => pqh_fw_key_state::PQH_FW_KEY_REVOKED as u32,
            };
            anchors.push(pqh_fw_trust_anchor {
                key_id: a.key_id.0,
                state: KeyStateArg(state),
            });
        }
    }
    for rec in extra.chunks_exact(33) {
        let mut key_id = [0u8; 32];
        key_id.copy_from_slice(&rec[..32]);
        anchors.push(pqh_fw_trust_anchor {
            key_id,
            state: KeyStateArg(u32::from(rec[32] % 4)),
        });
    }
    let word = |i: usize, n: usize| params.get(i..i + n);
    let min_sv = match (flag(3), word(0, 8)) {
        (true, Some(b)) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
        _ => KAT_MIN_SECURITY_VERSION,
    };
    let allowed_bits = match (flag(4), word(8, 4)) {
        (true, Some(b)) => u32::from_le_bytes(b.try_into().expect("4 bytes")),
        _ => AlgorithmSet::HYBRID_ONLY.bits(),
    };
    let class = match (flag(5), word(12, 16)) {
        (true, Some(b)) => b.try_into().expect("16 bytes"),
        _ => kat.device_class.0,
    };
    let null_anchors = flag(2);
    let policy = pqh_fw_policy {
        trust_anchors: if null_anchors {
            core::ptr::null()
        } else {
            anchors.as_ptr()
        },
        trust_anchors_len: anchors.len(),
        min_security_version: min_sv,
        device_class: class,
        allowed_algorithms: allowed_bits,
    };

    let mem = StateMem::new(false);
    let v = mem.ptr();

    // Use before init: invalid state.
    if flag(6) {
        // SAFETY: `v` points to zeroed, writable state memory.
        let st = unsafe { pqh_fw_verifier_update(v, image.as_ptr(), image.len()) };
        assert_eq!(st, PQH_ERR_INVALID_STATE, "update before init");
    }
    // A misaligned state is rejected.
    if flag(7) {
        let bad = StateMem::new(true);
        // SAFETY: the memory is writable for the state size; the policy is valid.
        let st = unsafe { pqh_fw_verifier_init(bad.ptr(), &policy) };
        assert_eq!(st, PQH_ERR_INVALID_STATE, "misaligned init");
    }
    // NULL arguments.
    // SAFETY: NULL pointers are checked by the callee.
    unsafe {
        assert_eq!(
            pqh_fw_verifier_init(core::ptr::null_mut(), &policy),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_verifier_init(v, core::ptr::null()),
            PQH_ERR_NULL_POINTER
        );
    }

    // SAFETY: `v` is aligned, zeroed state memory; `policy` points to `anchors.len()` anchors
    // (or is NULL, which the callee checks).
    let st = unsafe { pqh_fw_verifier_init(v, &policy) };
    assert_ne!(st, PQH_ERR_INTERNAL);
    let allowed = AlgorithmSet::from_bits(allowed_bits);
    let states: Option<Vec<KeyState>> = anchors
        .iter()
        .map(|a| match a.state.0 {
            1 => Some(KeyState::Active),
            2 => Some(KeyState::Revoked),
            _ => None,
        })
        .collect();
    let expected_init = if anchors.len() > PQH_FW_MAX_TRUST_ANCHORS {
        PQH_ERR_INVALID_LENGTH
    } else if null_anchors && !anchors.is_empty() {
        PQH_ERR_NULL_POINTER
    } else if allowed.is_none() || states.is_none() {
        PQH_ERR_INVALID_ARGUMENT
    } else {
        PQH_OK
    };
    assert_eq!(st, expected_init, "init status");
    if st != PQH_OK {
        // SAFETY: as above.
        let st = unsafe { pqh_fw_verifier_update(v, image.as_ptr(), image.len()) };
        assert_eq!(st, PQH_ERR_INVALID_STATE, "update after a failed init");
        return;
    }
    let rust_anchors: Vec<TrustAnchor> = anchors
        .iter()
        .zip(states.unwrap_or_default())
        .map(|(a, s)| TrustAnchor {
            key_id: KeyId(a.key_id),
            state: s,
        })
        .collect();
    let rust_policy = Policy {
        trust_anchors: &rust_anchors,
        min_security_version: min_sv,
        device_class: DeviceClass(class),
        allowed: allowed.unwrap_or(AlgorithmSet::NONE),
    };
    let mut rust = Verifier::new(&rust_policy);

    for (i, chunk) in chunks(image, plan).into_iter().enumerate() {
        if i == 0 && flag(10) && !chunk.is_empty() {
            // SAFETY: a NULL chunk with a non-zero length is checked by the callee.
            let st = unsafe { pqh_fw_verifier_update(v, core::ptr::null(), chunk.len()) };
            assert_eq!(st, PQH_ERR_NULL_POINTER, "NULL chunk");
        }
        let chunk_copy = chunk.to_vec(); // exactly `len` bytes, for AddressSanitizer
        // SAFETY: the chunk is valid for its length.
        let st = unsafe { pqh_fw_verifier_update(v, chunk_copy.as_ptr(), chunk_copy.len()) };
        assert_eq!(st, status_of(&rust.update(chunk)), "update status");
    }

    // A copied state is rejected (it refers to its own address).
    if flag(8) {
        let copy = StateMem::new(false);
        // SAFETY: both regions are PQH_FW_VERIFIER_SIZE bytes and do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(
                v.cast::<u8>(),
                copy.ptr().cast::<u8>(),
                PQH_FW_VERIFIER_SIZE,
            );
            assert_eq!(
                pqh_fw_verifier_update(copy.ptr(), image.as_ptr(), 0),
                PQH_ERR_INVALID_STATE
            );
        }
    }

    if flag(9) {
        // SAFETY: a NULL info pointer is checked by the callee; the state stays usable.
        let st = unsafe { pqh_fw_verifier_finish(v, core::ptr::null_mut()) };
        assert_eq!(st, PQH_ERR_NULL_POINTER, "finish with NULL info");
    }
    let mut info = zero_info();
    // SAFETY: `info` is a valid pqh_fw_image_info.
    let st = unsafe { pqh_fw_verifier_finish(v, &mut info) };
    let r = rust.finish();
    assert_eq!(st, status_of(&r), "finish status");
    match r {
        Ok(img) => {
            assert_eq!(info.security_version, img.security_version());
            assert_eq!(info.payload_len, img.payload_len());
            assert_eq!(info.header_len, u32::from(img.header().header_len));
            assert_eq!(info.signer_key_id, img.signer_key_id().0);
            assert_eq!(info.device_class, img.device_class().0);
            assert_eq!(info.delegated, u8::from(img.is_delegated()));
            assert_eq!(info.has_sbom_digest, u8::from(img.sbom_digest().is_some()));
            assert_eq!(info.sbom_digest, img.sbom_digest().unwrap_or_default());
            assert_eq!(
                pqh_fw_algorithm_bit(info.algorithm),
                1 << pqhybrid::firmware::algorithm_id(img.algorithm()).expect("firmware algorithm")
            );
            match img.delegation() {
                Some(d) => {
                    assert_eq!(info.delegation_root_key_id, d.root_key_id.0);
                    assert_eq!(info.delegation_min_security_version, d.min_security_version);
                    assert_eq!(info.delegation_max_security_version, d.max_security_version);
                    assert_eq!(info.delegation_allowed_algorithms, d.allowed.bits());
                }
                None => assert_eq!(info.delegation_root_key_id, [0; 32]),
            }
        }
        Err(_) => assert_eq!(info.security_version, 0, "info written on error"),
    }
    // A finished state is done.
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            pqh_fw_verifier_update(v, image.as_ptr(), 0),
            PQH_ERR_INVALID_STATE
        );
        assert_eq!(pqh_fw_verifier_finish(v, &mut info), PQH_ERR_INVALID_STATE);
    }
});

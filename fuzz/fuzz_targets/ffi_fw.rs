//! The C ABI's streaming firmware verifier (`pqh_fw_verifier_init/set_slot_len/update/
//! update_copy/expected_len/finish`) against the Rust `firmware::Verifier`, with fuzzer-chosen
//! policies (the firmware KAT anchors plus extra anchors with arbitrary states, trust-anchor
//! counts up to 16+, arbitrary allowed and endorse-allowed algorithm bits, counter ranges,
//! policy flags), slot lengths with an erased tail, chunking, NULL pointers, and states that are
//! misaligned, uninitialized, copied, failed, finished, or re-initialized with a bad policy.
//!
//! Input: `flags` (u16), then fields `params` (min security version u64, allowed u32, device
//! class 16 bytes, max security version u64, endorse-allowed u32, policy flags u32, slot length
//! u64, erased-tail length / 16 u8, bad-policy kind u8; each used when its flag is set),
//! `anchors` (33-byte records: key id and a state byte), `plan` (chunk sizes), and the rest is
//! the image.
//!
//! Flag bits: 0 no KAT anchors, 1 feed with update_copy, 2 NULL anchor pointer, 3 min security
//! version, 4 allowed bits, 5 device class, 6 use before init, 7 misaligned state, 8 copied
//! states (live snapshot, finished and failed states copied out and back), 9 finish with a NULL
//! info (on a side state), 10 a NULL chunk (on a side state), 11 max security version, 12
//! endorse-allowed bits and policy flags, 13 slot mode (slot length, erased tail), 14 slot
//! length given after the first chunk, 15 re-init with a bad policy before finish.
//!
//! Invariants: never `PQH_ERR_INTERNAL`; init rejects bad policies with the documented status,
//! accepts the others, and a failed init leaves a previously live state dead
//! (`PQH_ERR_INVALID_STATE` from every call); every set_slot_len, update, update_copy and finish
//! status equals the Rust verifier's result mapped by `pqh_status::from`; expected_len matches
//! the Rust verifier's (or returns the sticky error); update_copy copies exactly when the state
//! was live; any error sticks; the image info (payload digest and image id included) equals the
//! Rust `VerifiedImage`; a finished or failed state never verifies again, wherever its bytes are
//! copied; a live snapshot copied back finishes with the same result.
#![no_main]

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqhybrid::firmware::{
    AlgorithmSet, DEFAULT_MAX_SECURITY_VERSION, DeviceClass, KeyId, KeyState, Policy, TrustAnchor,
    Verifier,
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

    /// Copies the state bytes of `from` into this memory (both aligned, non-overlapping).
    fn copy_from(&self, from: &StateMem) {
        // SAFETY: both regions are PQH_FW_VERIFIER_SIZE bytes within their allocations and
        // distinct allocations do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(
                from.ptr().cast::<u8>(),
                self.ptr().cast::<u8>(),
                PQH_FW_VERIFIER_SIZE,
            );
        }
    }

    /// Overwrites the state bytes with `b`.
    fn fill(&self, b: u8) {
        // SAFETY: the region is PQH_FW_VERIFIER_SIZE writable bytes.
        unsafe { core::ptr::write_bytes(self.ptr().cast::<u8>(), b, PQH_FW_VERIFIER_SIZE) };
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
        encrypted: 0,
        delegation_root_algorithm: pqhybrid_ffi::alg::SigAlgArg(0),
        delegation_allowed_algorithms: 0,
        delegation_root_key_id: [0; 32],
        delegation_min_security_version: 0,
        delegation_max_security_version: 0,
        payload_digest: [0; PQH_FW_DIGEST_MAX_BYTES],
        payload_digest_len: 0,
        image_id: [0; PQH_FW_IMAGE_ID_BYTES],
    }
}

/// Asserts that every call on `v` is `PQH_ERR_INVALID_STATE` (a dead state).
fn assert_dead(v: *mut pqh_fw_verifier, what: &str) {
    let byte = [0u8; 1];
    let mut dst = [0xA5u8; 1];
    let mut len = 0x5A5A_u64;
    let mut info = zero_info();
    // SAFETY: `v` is state memory of the right size; the other pointers are valid.
    unsafe {
        assert_eq!(
            pqh_fw_verifier_update(v, byte.as_ptr(), 1),
            PQH_ERR_INVALID_STATE,
            "{what}: update"
        );
        assert_eq!(
            pqh_fw_verifier_update_copy(v, byte.as_ptr(), dst.as_mut_ptr(), 1),
            PQH_ERR_INVALID_STATE,
            "{what}: update_copy"
        );
        assert_eq!(dst, [0xA5], "{what}: update_copy wrote");
        assert_eq!(
            pqh_fw_verifier_expected_len(v, &mut len),
            PQH_ERR_INVALID_STATE,
            "{what}: expected_len"
        );
        assert_eq!(len, 0x5A5A, "{what}: expected_len wrote");
        assert_eq!(
            pqh_fw_verifier_set_slot_len(v, 1 << 20),
            PQH_ERR_INVALID_STATE,
            "{what}: set_slot_len"
        );
        assert_eq!(
            pqh_fw_verifier_finish(v, &mut info),
            PQH_ERR_INVALID_STATE,
            "{what}: finish"
        );
    }
    assert_eq!(info.security_version, 0, "{what}: info written");
}

/// The C expected_len agrees with the Rust verifier: the length once the header is in, the
/// sticky error of a failed state, else PQH_ERR_FW_TRUNCATED.
fn check_expected_len(v: *mut pqh_fw_verifier, rust: &Verifier<'_>, sticky: pqh_status) {
    let mut len = u64::MAX;
    // SAFETY: `v` is a state; `len` is valid for a write.
    let st = unsafe { pqh_fw_verifier_expected_len(v, &mut len) };
    if sticky != PQH_OK {
        assert_eq!(st, sticky, "expected_len of a failed state");
        assert_eq!(len, u64::MAX, "expected_len wrote on error");
        return;
    }
    match rust.expected_len() {
        Some(n) => {
            assert_eq!(st, PQH_OK, "expected_len");
            assert_eq!(len, n, "expected_len value");
        }
        None => {
            assert_eq!(st, PQH_ERR_FW_TRUNCATED, "expected_len before the header");
            assert_eq!(len, u64::MAX, "expected_len wrote on error");
        }
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
    let u64_at = |i: usize| word(i, 8).map(|b| u64::from_le_bytes(b.try_into().expect("8")));
    let u32_at = |i: usize| word(i, 4).map(|b| u32::from_le_bytes(b.try_into().expect("4")));
    let min_sv = match (flag(3), u64_at(0)) {
        (true, Some(x)) => x,
        _ => KAT_MIN_SECURITY_VERSION,
    };
    let allowed_bits = match (flag(4), u32_at(8)) {
        (true, Some(x)) => x,
        _ => AlgorithmSet::HYBRID_ONLY.bits(),
    };
    let class = match (flag(5), word(12, 16)) {
        (true, Some(b)) => b.try_into().expect("16 bytes"),
        _ => kat.device_class.0,
    };
    let max_sv = match (flag(11), u64_at(28)) {
        (true, Some(x)) => x,
        _ => DEFAULT_MAX_SECURITY_VERSION,
    };
    let (endorse_bits, policy_flags) = match (flag(12), u32_at(36), u32_at(40)) {
        (true, Some(e), Some(f)) => (e, f),
        (true, Some(e), None) => (e, 0),
        _ => (AlgorithmSet::HYBRID_ONLY.bits(), 0),
    };
    let tail_len = usize::from(params.get(52).copied().unwrap_or(0)) * 16;
    let slot_len = match (flag(13), u64_at(44)) {
        (true, Some(x)) if params.get(53).is_some_and(|b| b & 1 == 1) => Some(x),
        (true, _) => Some(image.len() as u64 + tail_len as u64),
        _ => None,
    };
    let bad_kind = params.get(54).copied().unwrap_or(0);
    let null_anchors = flag(2);
    let policy = pqh_fw_policy {
        trust_anchors: if null_anchors {
            core::ptr::null()
        } else {
            anchors.as_ptr()
        },
        trust_anchors_len: anchors.len(),
        min_security_version: min_sv,
        max_security_version: max_sv,
        device_class: class,
        allowed_algorithms: allowed_bits,
        endorse_allowed_algorithms: endorse_bits,
        flags: policy_flags,
    };
    // A valid policy: the KAT's (for the live state a bad re-init must kill).
    let kat_anchors: Vec<pqh_fw_trust_anchor> = anchors.iter().take(2).copied().collect();
    let good = pqh_fw_policy {
        trust_anchors: kat_anchors.as_ptr(),
        trust_anchors_len: kat_anchors.len(),
        min_security_version: KAT_MIN_SECURITY_VERSION,
        max_security_version: DEFAULT_MAX_SECURITY_VERSION,
        device_class: kat.device_class.0,
        allowed_algorithms: AlgorithmSet::HYBRID_ONLY.bits(),
        endorse_allowed_algorithms: AlgorithmSet::HYBRID_ONLY.bits(),
        flags: 0,
    };
    let good_ok = kat_anchors.iter().all(|a| a.state.0 == 1 || a.state.0 == 2);

    let mem = StateMem::new(false);
    let v = mem.ptr();

    // Use before init: invalid state.
    if flag(6) {
        assert_dead(v, "before init");
    }
    // A misaligned state is rejected, and nothing is written.
    if flag(7) {
        let bad = StateMem::new(true);
        // SAFETY: the memory is writable for the state size; the policy is valid.
        let st = unsafe { pqh_fw_verifier_init(bad.ptr(), &policy) };
        assert_eq!(st, PQH_ERR_INVALID_STATE, "misaligned init");
        let mut len = 0;
        // SAFETY: as above.
        unsafe {
            assert_eq!(
                pqh_fw_verifier_update(bad.ptr(), image.as_ptr(), 0),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_verifier_set_slot_len(bad.ptr(), 0),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_verifier_expected_len(bad.ptr(), &mut len),
                PQH_ERR_INVALID_STATE
            );
        }
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
        assert_eq!(
            pqh_fw_verifier_update_copy(
                core::ptr::null_mut(),
                image.as_ptr(),
                core::ptr::null_mut(),
                0
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_verifier_set_slot_len(core::ptr::null_mut(), 0),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_verifier_expected_len(core::ptr::null(), core::ptr::null_mut()),
            PQH_ERR_NULL_POINTER
        );
    }

    // A live state first (the KAT policy, part of the image fed), then the fuzzed policy: a
    // failed re-init must leave it dead.
    if good_ok {
        // SAFETY: `v` is aligned state memory; `good` points to its anchors.
        unsafe {
            assert_eq!(pqh_fw_verifier_init(v, &good), PQH_OK, "KAT policy init");
            let n = image.len().min(100);
            assert_ne!(
                pqh_fw_verifier_update(v, image.as_ptr(), n),
                PQH_ERR_INTERNAL
            );
        }
    }
    // SAFETY: `v` is aligned state memory; `policy` points to `anchors.len()` anchors (or is
    // NULL, which the callee checks).
    let st = unsafe { pqh_fw_verifier_init(v, &policy) };
    assert_ne!(st, PQH_ERR_INTERNAL);
    let allowed = AlgorithmSet::from_bits(allowed_bits);
    let endorse_allowed = AlgorithmSet::from_bits(endorse_bits);
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
    } else if max_sv == 0
        || min_sv > max_sv
        || allowed.is_none()
        || endorse_allowed.is_none()
        || policy_flags & !(PQH_FW_POLICY_ACCEPT_V1 | PQH_FW_POLICY_ACCEPT_ENCRYPTED) != 0
        || states.is_none()
    {
        PQH_ERR_INVALID_ARGUMENT
    } else {
        PQH_OK
    };
    assert_eq!(st, expected_init, "init status");
    if st != PQH_OK {
        assert_dead(v, "after a failed init");
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
    let mut rust_policy = Policy::new(&rust_anchors, DeviceClass(class));
    rust_policy.min_security_version = min_sv;
    rust_policy.max_security_version = max_sv;
    rust_policy.allowed = allowed.unwrap_or(AlgorithmSet::NONE);
    rust_policy.endorse_allowed = endorse_allowed.unwrap_or(AlgorithmSet::NONE);
    rust_policy.accept_v1 = policy_flags & PQH_FW_POLICY_ACCEPT_V1 != 0;
    rust_policy.accept_encrypted = policy_flags & PQH_FW_POLICY_ACCEPT_ENCRYPTED != 0;
    let mut rust = Verifier::new(&rust_policy);

    // Side states: a NULL chunk and a NULL info end the verification (sticky).
    if flag(10) || flag(9) {
        let side = StateMem::new(false);
        let s = side.ptr();
        let mut info = zero_info();
        // SAFETY: `s` is aligned state memory; NULL pointers are checked by the callee.
        unsafe {
            assert_eq!(pqh_fw_verifier_init(s, &policy), PQH_OK);
            if flag(10) {
                assert_eq!(
                    pqh_fw_verifier_update(s, core::ptr::null(), 1),
                    PQH_ERR_NULL_POINTER
                );
                assert_eq!(
                    pqh_fw_verifier_update(s, image.as_ptr(), image.len()),
                    PQH_ERR_NULL_POINTER,
                    "NULL chunk sticks"
                );
                assert_eq!(pqh_fw_verifier_finish(s, &mut info), PQH_ERR_NULL_POINTER);
            } else {
                assert_eq!(
                    pqh_fw_verifier_finish(s, core::ptr::null_mut()),
                    PQH_ERR_NULL_POINTER
                );
            }
        }
        assert_dead(s, "side state after its finish");
    }

    // The data fed: the image, then (in slot mode) an erased tail.
    let mut fed = image.to_vec();
    if slot_len.is_some() {
        fed.resize(image.len() + tail_len, 0xFF);
    }
    let mut sticky = PQH_OK;
    let set_slot = |v: *mut pqh_fw_verifier, rust: &mut Verifier<'_>, sticky: &mut pqh_status| {
        if let Some(slot) = slot_len {
            // SAFETY: `v` is a state.
            let st = unsafe { pqh_fw_verifier_set_slot_len(v, slot) };
            let want = if *sticky != PQH_OK {
                *sticky
            } else {
                status_of(&rust.set_slot_len(slot))
            };
            assert_eq!(st, want, "set_slot_len status");
            if st != PQH_OK {
                *sticky = st;
            }
        }
    };
    if !flag(14) {
        set_slot(v, &mut rust, &mut sticky);
    }
    check_expected_len(v, &rust, sticky);
    for (i, chunk) in chunks(&fed, plan).into_iter().enumerate() {
        let chunk_copy = chunk.to_vec(); // exactly `len` bytes, for AddressSanitizer
        let want = if sticky != PQH_OK {
            sticky
        } else {
            status_of(&rust.update(chunk))
        };
        let st = if flag(1) {
            let mut dst = vec![0xA5u8; chunk.len()];
            // SAFETY: the chunk and `dst` are valid for their (equal) lengths and distinct.
            let st = unsafe {
                pqh_fw_verifier_update_copy(v, chunk_copy.as_ptr(), dst.as_mut_ptr(), dst.len())
            };
            if sticky == PQH_OK {
                assert_eq!(dst, chunk, "update_copy: the copy");
            } else {
                assert!(
                    dst.iter().all(|b| *b == 0xA5),
                    "update_copy on a failed state"
                );
            }
            st
        } else {
            // SAFETY: the chunk is valid for its length.
            unsafe { pqh_fw_verifier_update(v, chunk_copy.as_ptr(), chunk_copy.len()) }
        };
        assert_eq!(st, want, "update status");
        if st != PQH_OK {
            sticky = st;
        }
        if i == 0 && flag(14) {
            set_slot(v, &mut rust, &mut sticky);
        }
        check_expected_len(v, &rust, sticky);
    }
    if fed.is_empty() && flag(14) {
        set_slot(v, &mut rust, &mut sticky);
    }

    // A copy at another address is not live (it refers to its own address); a failed state
    // is failed wherever it is.
    let snapshot = StateMem::new(false);
    if flag(8) {
        let copy = StateMem::new(false);
        copy.copy_from(&mem);
        snapshot.copy_from(&mem);
        // SAFETY: `copy` holds state bytes.
        let st = unsafe { pqh_fw_verifier_update(copy.ptr(), image.as_ptr(), 0) };
        let want = if sticky == PQH_OK {
            PQH_ERR_INVALID_STATE
        } else {
            sticky
        };
        assert_eq!(st, want, "copied state");
    }

    // Re-initialized with a bad policy before finish: dead.
    if flag(15) {
        let mut bad = policy;
        match bad_kind % 7 {
            0 => bad.trust_anchors_len = PQH_FW_MAX_TRUST_ANCHORS + 1,
            1 => bad.allowed_algorithms |= 1,
            2 => bad.endorse_allowed_algorithms |= 1 << 31,
            3 => bad.max_security_version = 0,
            4 => {
                bad.min_security_version = 2;
                bad.max_security_version = 1;
            }
            // A flag bit no PQH_FW_POLICY_* defines.
            5 => bad.flags |= 1 << 7,
            _ => {
                bad.trust_anchors = core::ptr::null();
                bad.trust_anchors_len = 1;
            }
        }
        // SAFETY: `bad` is readable; its anchor pointer is valid for `anchors.len()` elements,
        // and a larger count or a NULL pointer is rejected before any anchor is read.
        let st = unsafe { pqh_fw_verifier_init(v, &bad) };
        assert!(
            st == PQH_ERR_INVALID_ARGUMENT
                || st == PQH_ERR_INVALID_LENGTH
                || st == PQH_ERR_NULL_POINTER,
            "bad re-init: {st:?}"
        );
        assert_dead(v, "after a bad re-init");
        return;
    }

    let mut info = zero_info();
    // SAFETY: `info` is a valid pqh_fw_image_info.
    let st = unsafe { pqh_fw_verifier_finish(v, &mut info) };
    let r = rust.finish();
    let want = if sticky != PQH_OK {
        sticky
    } else {
        status_of(&r)
    };
    assert_eq!(st, want, "finish status");
    match r {
        Ok(img) if sticky == PQH_OK => {
            assert_eq!(info.security_version, img.security_version());
            assert_eq!(info.payload_len, img.payload_len());
            assert_eq!(info.header_len, u32::from(img.header().header_len));
            assert_eq!(info.signer_key_id, img.signer_key_id().0);
            assert_eq!(info.device_class, img.device_class().0);
            assert_eq!(info.delegated, u8::from(img.is_delegated()));
            assert_eq!(info.has_sbom_digest, u8::from(img.sbom_digest().is_some()));
            assert_eq!(info.encrypted, u8::from(img.is_encrypted()));
            assert_eq!(info.sbom_digest, img.sbom_digest().unwrap_or_default());
            assert_eq!(
                pqh_fw_algorithm_bit(info.algorithm),
                1 << pqhybrid::firmware::algorithm_id(img.algorithm()).expect("firmware algorithm")
            );
            let d = img.payload_digest();
            assert_eq!(info.payload_digest_len as usize, d.len());
            assert_eq!(&info.payload_digest[..d.len()], d);
            assert!(info.payload_digest[d.len()..].iter().all(|b| *b == 0));
            assert_eq!(info.image_id, img.image_id());
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
        _ => assert_eq!(info.security_version, 0, "info written on error"),
    }
    // A finished state is done, and stays done wherever its bytes go.
    assert_dead(v, "finished");
    if flag(8) {
        let out = StateMem::new(false);
        out.copy_from(&mem);
        mem.fill(0xA5);
        mem.copy_from(&out);
        assert_dead(v, "finished, copied out and back");
        assert_dead(out.ptr(), "finished, copied out");
        // A live snapshot copied back finishes again with the same result (it is a live state
        // in its own right); a failed one returns its error.
        mem.copy_from(&snapshot);
        let mut again = zero_info();
        // SAFETY: `v` holds the snapshot's bytes at the snapshot's address.
        let st2 = unsafe { pqh_fw_verifier_finish(v, &mut again) };
        assert_eq!(st2, st, "live snapshot finishes the same");
        if st == PQH_OK {
            assert_eq!(again.image_id, info.image_id);
        }
        assert_dead(v, "snapshot finished");
    }
});

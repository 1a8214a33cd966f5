//! Device identity, the device side: `pqh_identity_*`, a DICE layer over `pqhybrid::identity`
//! whose state (`pqh_identity`: static, stack, or a struct member) lives in caller memory.
//!
//! A bootloader (the first DICE layer) calls `pqh_identity_init` with the Unique Device Secret
//! (layer-0 CDIs and the DeviceID key), verifies the next image with `pqh_fw_verifier_*`,
//! calls `pqh_identity_measure` with the `pqh_fw_image_info` that `pqh_fw_verifier_finish`
//! filled (layer-1 CDIs and the Alias key), writes the Alias certificate and wipes the state
//! before it jumps. Provisioning asks for the DeviceID CSR.
//!
//! The state machine of a `pqh_identity` (the private state's tag):
//!
//! * INIT: pqh_identity_init succeeded at the address in `self_addr`: the layer-0 CDIs and the
//!   DeviceID key are set; the DeviceID operations work, the Alias ones are INVALID_STATE.
//! * MEASURED: pqh_identity_measure succeeded as well: the layer-1 CDIs, the Alias key and the
//!   measured facts are set too; every operation works.
//! * anything else (zeroed memory, a wiped state, a failed init, a state moved after init):
//!   INVALID_STATE.
//!
//! pqh_identity_init wipes the state before it reads its arguments and pqh_identity_measure
//! discards the previous measurement before it reads its, so a failed call never leaves keys of
//! an earlier device secret or image usable. Every transition is a raw-pointer write: no Rust
//! reference to a partly written state exists, and the tag is set last.

use core::mem::{MaybeUninit, align_of, size_of};
use core::ptr::{addr_of, addr_of_mut};
use core::sync::atomic::{Ordering, compiler_fence};

use pqhybrid::firmware::FIXED_HEADER_LEN;
use pqhybrid::identity::{
    CDI_LEN, Cdis, HIDDEN_LEN, ID_LEN, IdentityKey, ImageFacts, InputValues, MAX_CERT_LEN,
    MAX_CSR_LEN, MAX_NONCE_LEN, MAX_SEAL_AAD_LEN, MAX_SEAL_LABEL_LEN, MAX_TCB_STRING_LEN, Mode,
    SEAL_OVERHEAD, SealingKey, TcbInfo, Uds, is_identity_algorithm, sealed_len,
    write_alias_certificate, write_csr, write_evidence,
};

use crate::alg::SigAlgArg;
use crate::fw::pqh_fw_image_info;
use crate::glue::{guard, input, output, put, required};
use crate::rng::{CallbackRng, pqh_rng_fn};
use crate::status::pqh_status::{self, *};

/// Size in bytes of pqh_identity (21 KiB): two private keys held ready to sign, for every
/// identity algorithm up to MLDSA87-ECDSA-P384. A compile-time assertion in the library keeps
/// the real state within it (on 64-bit targets with the default libcrux backend it uses
/// 21 384 bytes; 32-bit targets and builds with an algorithm subset use less).
pub const PQH_IDENTITY_SIZE: usize = 21504;
/// Alignment in bytes of pqh_identity.
pub const PQH_IDENTITY_ALIGN: usize = 16;
/// Length of the Unique Device Secret given to pqh_identity_init.
pub const PQH_IDENTITY_UDS_BYTES: usize = 32;
/// Length of a key id (Open DICE `ID`: the serial number and key identifier of the key's
/// certificate; the first byte's top bit is clear).
pub const PQH_IDENTITY_ID_BYTES: usize = 20;
/// Length of the hidden input of pqh_identity_measure.
pub const PQH_IDENTITY_HIDDEN_BYTES: usize = 64;
/// The longest nonce pqh_identity_evidence accepts (the shortest is 1 byte).
pub const PQH_IDENTITY_NONCE_MAX_BYTES: usize = 64;
/// The longest vendor or model string of pqh_identity_alias_cert, in bytes without the NUL.
pub const PQH_IDENTITY_TCB_STRING_MAX_BYTES: usize = 64;
/// An output buffer of this many bytes holds any Alias certificate or evidence, for every
/// identity algorithm.
pub const PQH_IDENTITY_CERT_MAX_BYTES: usize = 8192;
/// An output buffer of this many bytes holds any DeviceID CSR, for every identity algorithm.
pub const PQH_IDENTITY_CSR_MAX_BYTES: usize = 8192;
/// The bytes a sealed blob adds to its plaintext (a 17-byte header: magic "PQSL", version,
/// nonce; and a 16-byte tag): pqh_identity_seal of `pt_len` bytes writes `pt_len` +
/// PQH_IDENTITY_SEAL_OVERHEAD_BYTES bytes (pqh_identity_sealed_len).
pub const PQH_IDENTITY_SEAL_OVERHEAD_BYTES: usize = 33;
/// The longest purpose label of pqh_identity_seal and pqh_identity_open (the shortest is 0).
pub const PQH_IDENTITY_SEAL_LABEL_MAX_BYTES: usize = 64;
/// The longest associated data of pqh_identity_seal and pqh_identity_open (the shortest is 0).
pub const PQH_IDENTITY_SEAL_AAD_MAX_BYTES: usize = 256;

const _: () = {
    assert!(PQH_IDENTITY_UDS_BYTES == CDI_LEN);
    assert!(PQH_IDENTITY_ID_BYTES == ID_LEN);
    assert!(PQH_IDENTITY_HIDDEN_BYTES == HIDDEN_LEN);
    assert!(PQH_IDENTITY_NONCE_MAX_BYTES == MAX_NONCE_LEN);
    assert!(PQH_IDENTITY_TCB_STRING_MAX_BYTES == MAX_TCB_STRING_LEN);
    assert!(PQH_IDENTITY_CERT_MAX_BYTES == MAX_CERT_LEN);
    assert!(PQH_IDENTITY_CSR_MAX_BYTES == MAX_CSR_LEN);
    assert!(PQH_IDENTITY_SEAL_OVERHEAD_BYTES == SEAL_OVERHEAD);
    assert!(PQH_IDENTITY_SEAL_LABEL_MAX_BYTES == MAX_SEAL_LABEL_LEN);
    assert!(PQH_IDENTITY_SEAL_AAD_MAX_BYTES == MAX_SEAL_AAD_LEN);
};

/// The DICE mode of the measured image (Open DICE `DiceMode`): mixed into the Alias key and
/// stated in the Alias certificate. Functions take it as a 32-bit value; any other value is
/// PQH_ERR_INVALID_ARGUMENT.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum pqh_identity_mode {
    /// The device's security configuration is not set.
    PQH_IDENTITY_MODE_NOT_CONFIGURED = 0,
    /// Normal operation: the only mode a verifier accepts for production devices.
    PQH_IDENTITY_MODE_NORMAL = 1,
    /// Debug access is enabled.
    PQH_IDENTITY_MODE_DEBUG = 2,
    /// A recovery or maintenance image is running.
    PQH_IDENTITY_MODE_RECOVERY = 3,
}

const _: () = {
    assert!(
        pqh_identity_mode::PQH_IDENTITY_MODE_NOT_CONFIGURED as u32 == Mode::NotConfigured as u32
    );
    assert!(pqh_identity_mode::PQH_IDENTITY_MODE_NORMAL as u32 == Mode::Normal as u32);
    assert!(pqh_identity_mode::PQH_IDENTITY_MODE_DEBUG as u32 == Mode::Debug as u32);
    assert!(pqh_identity_mode::PQH_IDENTITY_MODE_RECOVERY as u32 == Mode::Recovery as u32);
};

/// A mode as received from C (`pqh_identity_mode` in the header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct ModeArg(pub u32);

impl ModeArg {
    fn get(self) -> Option<Mode> {
        u8::try_from(self.0).ok().and_then(Mode::from_u8)
    }
}

/// The device-identity state of a DICE layer (the bootloader), allocated by the caller (static
/// memory, the stack, a struct member) with this size and alignment. Its content is private and
/// secret: the layer-0 CDIs (derived from the Unique Device Secret), the DeviceID private key
/// and, once an image is measured, the next layer's CDIs, the Alias private key and the
/// measured facts.
///
/// Use: pqh_identity_init; verify the next image (pqh_fw_verifier_*); pqh_identity_measure with
/// the pqh_fw_image_info of that verification; pqh_identity_alias_cert (and whatever else the
/// boot needs); then pqh_identity_wipe, always, before the next layer runs.
///
/// - pqh_identity_init wipes whatever the state held before it reads its arguments: if it
///   fails, the state is wiped (PQH_ERR_INVALID_STATE from every other call).
/// - pqh_identity_measure discards any earlier measurement first: if it fails, the state keeps
///   its DeviceID but has no Alias key (the Alias calls return PQH_ERR_INVALID_STATE).
/// - The other calls do not change the state, whatever their result.
/// - pqh_identity_wipe overwrites the whole state with zeros.
///
/// Between init and wipe the state must not be moved or copied: a moved state gives
/// PQH_ERR_INVALID_STATE, and a byte copy is a copy of the device's secrets (wipe copies with
/// pqh_identity_wipe too). "Not initialized" is detected for zeroed memory, such as static
/// storage or a `= {0}` initializer; passing stack memory that was never written is undefined
/// behaviour in C: call pqh_identity_init first. init, measure and wipe must not run while any
/// other call uses the same state (the other calls only read it).
#[repr(C, align(16))]
pub struct pqh_identity {
    opaque: [u8; PQH_IDENTITY_SIZE],
}

/// The measurement of the next layer.
#[repr(C)]
struct Measured {
    /// The next layer's CDIs.
    cdis: Cdis,
    /// The Alias key, derived from `cdis`.
    alias: IdentityKey,
    /// The measured facts of the image.
    facts: ImageFacts,
    /// The mode given to pqh_identity_measure.
    mode: Mode,
}

/// The secret part of the state.
#[repr(C)]
struct Body {
    /// The first layer's CDIs (from the UDS).
    cdis: Cdis,
    /// The DeviceID key, derived from `cdis`.
    device_id: IdentityKey,
    /// Valid only with the MEASURED tag.
    measured: MaybeUninit<Measured>,
}

/// The state behind `pqh_identity`.
#[repr(C)]
struct State {
    /// MAGIC_INIT or MAGIC_MEASURED (see the module documentation); anything else is unusable.
    tag: u64,
    /// Where pqh_identity_init built the state (INIT, MEASURED), zero otherwise.
    self_addr: usize,
    /// Valid only with the INIT or MEASURED tag.
    body: MaybeUninit<Body>,
}

const MAGIC_INIT: u64 = 0x7071_6869_5f69_6e69; // "pqhi_ini"
const MAGIC_MEASURED: u64 = 0x7071_6869_5f6d_6561; // "pqhi_mea"

const _: () = {
    // The RustCrypto backend keeps ML-DSA keys expanded: about 180 KB each inline, 3 KB boxed.
    assert!(
        size_of::<State>() <= PQH_IDENTITY_SIZE,
        "the identity state exceeds PQH_IDENTITY_SIZE: with backend-rustcrypto it needs `std` \
         (which boxes that backend's expanded keys), or use backend-libcrux"
    );
    assert!(align_of::<State>() <= PQH_IDENTITY_ALIGN);
    assert!(size_of::<pqh_identity>() == PQH_IDENTITY_SIZE);
    assert!(align_of::<pqh_identity>() == PQH_IDENTITY_ALIGN);
};

/// The state at `st`: non-null and aligned to PQH_IDENTITY_ALIGN (nothing else is checked).
fn state_at(st: *const pqh_identity) -> Result<*mut State, pqh_status> {
    let st = required(st.cast_mut())?;
    if !(st as usize).is_multiple_of(PQH_IDENTITY_ALIGN) {
        return Err(PQH_ERR_INVALID_STATE);
    }
    Ok(st.cast::<State>())
}

/// The tag of the state at `state` if it is INIT or MEASURED at this address.
///
/// # Safety
/// `state` must come from [`state_at`] (a caller's pqh_identity).
unsafe fn live_tag(state: *mut State) -> Option<u64> {
    // SAFETY: `state` is non-null, aligned, and points to a caller-owned pqh_identity of
    // PQH_IDENTITY_SIZE >= size_of::<State>() bytes; `tag` and `self_addr` are plain integers,
    // valid for any bit pattern.
    let (tag, addr) = unsafe {
        (
            addr_of!((*state).tag).read(),
            addr_of!((*state).self_addr).read(),
        )
    };
    match tag {
        MAGIC_INIT | MAGIC_MEASURED if addr == state as usize => Some(tag),
        _ => None,
    }
}

/// The body of a state that pqh_identity_init built here (INIT or MEASURED), and whether it is
/// MEASURED; PQH_ERR_INVALID_STATE otherwise.
fn live(st: *const pqh_identity) -> Result<(*mut Body, bool), pqh_status> {
    let state = state_at(st)?;
    // SAFETY: `state` comes from `state_at`.
    let tag = unsafe { live_tag(state) }.ok_or(PQH_ERR_INVALID_STATE)?;
    // SAFETY: a field projection of a valid pointer; nothing is read.
    let body = unsafe { addr_of_mut!((*state).body) }.cast::<Body>();
    Ok((body, tag == MAGIC_MEASURED))
}

/// The body and measurement of a MEASURED state; PQH_ERR_INVALID_STATE otherwise (an INIT state
/// has no Alias key yet).
fn measured(st: *const pqh_identity) -> Result<(*mut Body, *mut Measured), pqh_status> {
    let (body, is_measured) = live(st)?;
    if !is_measured {
        return Err(PQH_ERR_INVALID_STATE);
    }
    // SAFETY: a field projection of a valid pointer; the MEASURED tag says `measured` is
    // initialized.
    let m = unsafe { addr_of_mut!((*body).measured) }.cast::<Measured>();
    Ok((body, m))
}

/// Overwrites `len` bytes at `p` with zeros through volatile writes, which the compiler may not
/// drop because nothing reads them afterwards.
///
/// # Safety
/// `p` must be valid for writes of `len` bytes.
unsafe fn wipe_bytes(p: *mut u8, len: usize) {
    for i in 0..len {
        // SAFETY: `i < len` and the caller guarantees `p` is valid for `len` bytes.
        unsafe { p.add(i).write_volatile(0) };
    }
    compiler_fence(Ordering::SeqCst);
}

/// Discards the measurement of a live state at this address (drops the Alias key, which wipes
/// it, and zeroes the rest); the state is INIT afterwards. Does nothing to an INIT state.
///
/// # Safety
/// `state` must come from [`state_at`], be INIT or MEASURED at this address ([`live_tag`]),
/// and no reference into it may be live.
unsafe fn discard_measurement(state: *mut State) {
    // SAFETY: the caller's contract. The tag goes to INIT before anything is dropped, so a
    // panic in a destructor (caught on hosts) leaves a state without a measurement; the
    // measurement is initialized while the tag is MEASURED.
    unsafe {
        if addr_of!((*state).tag).read() != MAGIC_MEASURED {
            return;
        }
        addr_of_mut!((*state).tag).write(MAGIC_INIT);
        let body = addr_of_mut!((*state).body).cast::<Body>();
        let m = addr_of_mut!((*body).measured).cast::<Measured>();
        core::ptr::drop_in_place(m);
        wipe_bytes(m.cast::<u8>(), size_of::<Measured>());
    }
}

/// Wipes the state at `state`: drops the keys of a state that is live at this address (their
/// destructors wipe them and release anything they hold), then overwrites the whole state,
/// tag included, with zeros. A state that is not live here (zeroed, garbage, a byte copy) is
/// only overwritten.
///
/// # Safety
/// `state` must come from [`state_at`] and no reference into it may be live.
unsafe fn wipe(state: *mut State) {
    // SAFETY: the caller's contract; `live_tag` says whether the body is initialized here. The
    // tag is cleared first, so a panic in a destructor leaves an unusable state.
    unsafe {
        if live_tag(state).is_some() {
            discard_measurement(state);
            addr_of_mut!((*state).tag).write(0);
            let body = addr_of_mut!((*state).body).cast::<Body>();
            core::ptr::drop_in_place(addr_of_mut!((*body).device_id));
            core::ptr::drop_in_place(addr_of_mut!((*body).cdis));
        }
        wipe_bytes(state.cast::<u8>(), size_of::<State>());
    }
}

/// Whether the byte ranges `[a, a + a_len)` and `[b, b + b_len)` overlap.
fn overlaps(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a_len != 0 && b_len != 0 && a < b.saturating_add(b_len) && b < a.saturating_add(a_len)
}

/// Fails with PQH_ERR_INVALID_ARGUMENT if `[p, p + len)` overlaps the state of `body`.
fn outside_state(body: *mut Body, p: *const u8, len: usize) -> Result<(), pqh_status> {
    // The state starts with its tag and address, before the body.
    let start = (body as usize).wrapping_sub(core::mem::offset_of!(State, body));
    if overlaps(p, len, start as *const u8, size_of::<State>()) {
        return Err(PQH_ERR_INVALID_ARGUMENT);
    }
    Ok(())
}

/// Reads a NUL-terminated string of at most PQH_IDENTITY_TCB_STRING_MAX_BYTES bytes of UTF-8
/// (the NUL is looked for in at most that many bytes plus one, so an unterminated buffer is
/// not over-read further).
///
/// # Safety
/// `s` must be non-null and point to a NUL-terminated string, or to at least
/// PQH_IDENTITY_TCB_STRING_MAX_BYTES + 1 readable bytes.
unsafe fn tcb_string<'a>(s: *const core::ffi::c_char) -> Result<&'a str, pqh_status> {
    let p = s.cast::<u8>();
    let mut len = None;
    for i in 0..=PQH_IDENTITY_TCB_STRING_MAX_BYTES {
        // SAFETY: the caller guarantees the bytes up to the NUL (at most index
        // PQH_IDENTITY_TCB_STRING_MAX_BYTES here) are readable.
        if unsafe { p.add(i).read() } == 0 {
            len = Some(i);
            break;
        }
    }
    let len = len.ok_or(PQH_ERR_INVALID_ARGUMENT)?;
    // SAFETY: the `len` bytes before the NUL were just read, so they are readable.
    let bytes = unsafe { core::slice::from_raw_parts(p, len) };
    core::str::from_utf8(bytes).map_err(|_| PQH_ERR_INVALID_ARGUMENT)
}

/// Writes a document with `write` into a scratch buffer of at most `N` bytes (capacity
/// `out_len`), then copies it to `out` and its length to `*out_written`: the caller's buffer is
/// untouched unless the whole document was written.
///
/// # Safety
/// `out` must be valid for writes of `out_len` bytes and `out_written` for a write; neither may
/// overlap the state of `body` (checked) nor any input of the call, and no reference into the
/// state may be live once `write` returns.
unsafe fn write_doc<const N: usize>(
    body: *mut Body,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
    write: impl FnOnce(&mut [u8]) -> pqhybrid::Result<usize>,
) -> Result<(), pqh_status> {
    let out_written = required(out_written)?;
    outside_state(body, out, out_len)?;
    outside_state(body, out_written.cast::<u8>(), size_of::<usize>())?;
    // SAFETY: the caller's contract; `out` does not overlap the state (checked).
    let out = unsafe { output(out, out_len)? };
    let mut scratch = [0u8; N];
    let cap = out.len().min(N);
    let n = write(scratch.get_mut(..cap).ok_or(PQH_ERR_INTERNAL)?)?;
    out.get_mut(..n)
        .ok_or(PQH_ERR_INTERNAL)?
        .copy_from_slice(scratch.get(..n).ok_or(PQH_ERR_INTERNAL)?);
    // SAFETY: non-null (checked); validity and alignment are the caller's contract.
    unsafe { put(out_written, n) };
    Ok(())
}

/// Starts a device identity: derives the first layer's CDIs from the Unique Device Secret
/// `uds` (PQH_IDENTITY_UDS_BYTES bytes, read once: wipe your copy afterwards) and from them the
/// DeviceID key of algorithm `alg` (ML-DSA or a composite; PQH_SIG_MLDSA65_ED25519_SHA512 is
/// the default of pqhybrid's tools). The same UDS and algorithm always give the same DeviceID
/// key. `st` is caller memory of PQH_IDENTITY_SIZE bytes aligned to PQH_IDENTITY_ALIGN; it may
/// be initialized again at any time.
///
/// Fails closed: once `st` is non-NULL and aligned, whatever it held is wiped before the other
/// arguments are read; if this call fails, `st` stays wiped (PQH_ERR_INVALID_STATE from every
/// other call) until a successful init.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`st` misaligned),
/// PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_ID_UNSUPPORTED_ALGORITHM (SLH-DSA, Ed25519, ECDSA),
/// PQH_ERR_ALGORITHM_DISABLED, PQH_ERR_INVALID_ARGUMENT (`uds` inside `st`).
///
/// Derives a key pair: as much stack as pqh_sig_keypair_from_seed for `alg`.
///
/// # Safety
/// `st` must be valid for writes of PQH_IDENTITY_SIZE bytes; `uds` must be valid for reads of
/// PQH_IDENTITY_UDS_BYTES bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_init(
    st: *mut pqh_identity,
    alg: SigAlgArg,
    uds: *const u8,
) -> pqh_status {
    guard(|| {
        let state = state_at(st)?;
        // SAFETY: `state` comes from `state_at`; no reference into it is live.
        unsafe { wipe(state) };
        let a = alg.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        if !is_identity_algorithm(a) {
            return Err(PQH_ERR_ID_UNSUPPORTED_ALGORITHM);
        }
        if uds.is_null() {
            return Err(PQH_ERR_NULL_POINTER);
        }
        if overlaps(
            uds,
            PQH_IDENTITY_UDS_BYTES,
            state.cast::<u8>(),
            size_of::<State>(),
        ) {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: non-null (checked); the caller guarantees PQH_IDENTITY_UDS_BYTES readable
        // bytes, which do not overlap the state (checked).
        let uds = Uds::from_slice(unsafe { input(uds, PQH_IDENTITY_UDS_BYTES)? })?;
        let cdis = Cdis::from_uds(&uds);
        drop(uds);
        let device_id = IdentityKey::derive(a, &cdis)?;
        // SAFETY: `state` is valid for writes of size_of::<State>() bytes (the caller's
        // contract and the compile-time assertion) and holds nothing (wiped above). The fields
        // are written in place, the tag last.
        unsafe {
            let body = addr_of_mut!((*state).body).cast::<Body>();
            addr_of_mut!((*body).cdis).write(cdis);
            addr_of_mut!((*body).device_id).write(device_id);
            addr_of_mut!((*state).self_addr).write(state as usize);
            addr_of_mut!((*state).tag).write(MAGIC_INIT);
        }
        Ok(())
    })
}

/// Measures the next layer's image: the image id, device class, security version, version and
/// signer key id of `info` become the DICE inputs (code, configuration and authority; see
/// `docs/identity.md`) with `mode` (a pqh_identity_mode) and the hidden input `hidden`
/// (PQH_IDENTITY_HIDDEN_BYTES bytes, or NULL for zeros: a per-boot secret that changes the
/// CDIs but appears in no certificate). Derives the next layer's CDIs and from them the Alias
/// key. The same device, image, mode and hidden input always give the same Alias key.
///
/// `info` must be the pqh_fw_image_info that pqh_fw_verifier_finish filled when it returned
/// PQH_OK for the image that will run: this function cannot tell a verified image's info from
/// any other bytes (it rejects only an info no successful finish writes, header_len below 192,
/// such as a zeroed one), and whatever it is given is what the Alias certificate attests.
///
/// Any earlier measurement is discarded first: if this call fails, the state has no Alias key
/// (the Alias calls return PQH_ERR_INVALID_STATE) until a successful measure; the DeviceID is
/// kept.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized, wiped, or moved),
/// PQH_ERR_INVALID_ARGUMENT (a mode outside pqh_identity_mode, an info with header_len below
/// 192, `hidden` inside `st`).
///
/// # Safety
/// `st` must be a pqh_identity; `info` must be valid for reads; `hidden` must be NULL or valid
/// for reads of PQH_IDENTITY_HIDDEN_BYTES bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_measure(
    st: *mut pqh_identity,
    info: *const pqh_fw_image_info,
    mode: ModeArg,
    hidden: *const u8,
) -> pqh_status {
    guard(|| {
        let (body, _) = live(st)?;
        let state = state_at(st)?;
        // SAFETY: `state` is live at this address (`live`); no reference into it is live.
        unsafe { discard_measurement(state) };
        let info = required(info.cast_mut())?;
        // SAFETY: non-null; the caller guarantees it is valid for reads. `read_unaligned`
        // needs no alignment, and every field is valid for any bit pattern.
        let info = unsafe { info.read_unaligned() };
        let mode = mode.get().ok_or(PQH_ERR_INVALID_ARGUMENT)?;
        if (info.header_len as usize) < FIXED_HEADER_LEN {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        let mut hidden_bytes = [0u8; HIDDEN_LEN];
        if !hidden.is_null() {
            outside_state(body, hidden, HIDDEN_LEN)?;
            // SAFETY: non-null; the caller guarantees HIDDEN_LEN readable bytes, outside the
            // state (checked).
            let h = unsafe { input(hidden, HIDDEN_LEN)? };
            hidden_bytes.copy_from_slice(h);
        }
        let facts = ImageFacts {
            image_id: info.image_id,
            device_class: info.device_class,
            security_version: info.security_version,
            version: (
                info.version_major,
                info.version_minor,
                info.version_revision,
                info.version_build,
            ),
            signer_key_id: info.signer_key_id,
        };
        let mut inputs = InputValues::from_image_facts(&facts, mode, hidden_bytes);
        // SAFETY: `live` checked the state is initialized here; only shared references to the
        // layer-0 CDIs and DeviceID key are made, and they end before the writes below.
        let (next, alias) = unsafe {
            let cdis = &*addr_of!((*body).cdis);
            let alg = (*addr_of!((*body).device_id)).algorithm();
            let next = cdis.next(&inputs);
            let alias = IdentityKey::derive(alg, &next);
            (next, alias)
        };
        // SAFETY: plain byte arrays, written through volatile pointers so that the hidden input
        // does not stay on the stack.
        unsafe {
            wipe_bytes(hidden_bytes.as_mut_ptr(), HIDDEN_LEN);
            wipe_bytes(inputs.hidden.as_mut_ptr(), HIDDEN_LEN);
        }
        let alias = alias?;
        // SAFETY: the state is INIT here (the measurement was discarded above), so `measured`
        // holds nothing; it is written in place and the tag set last.
        unsafe {
            addr_of_mut!((*body).measured)
                .cast::<Measured>()
                .write(Measured {
                    cdis: next,
                    alias,
                    facts,
                    mode,
                });
            addr_of_mut!((*state).tag).write(MAGIC_MEASURED);
        }
        Ok(())
    })
}

/// Writes the DeviceID's PKCS#10 certification request (RFC 2986; subject
/// `serialNumber=<DeviceID id in hex>`, signed by the DeviceID key: the proof of possession the
/// manufacturer's CA checks before it issues the DeviceID certificate) to the start of `out`
/// (capacity `out_len`; PQH_IDENTITY_CSR_MAX_BYTES always suffices) and its length to
/// `*out_written`. Deterministic: the same device gives the same bytes on every call.
///
/// Errors (`out` and `*out_written` untouched): PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE
/// (not initialized, wiped, or moved), PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_INVALID_ARGUMENT
/// (`out` inside `st`).
///
/// Signs: as much stack as pqh_sig_sign_deterministic for the algorithm, plus
/// PQH_IDENTITY_CSR_MAX_BYTES.
///
/// # Safety
/// `st` must be a pqh_identity; `out` must be valid for writes of `out_len` bytes and
/// `out_written` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_device_id_csr(
    st: *const pqh_identity,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> pqh_status {
    guard(|| {
        let (body, _) = live(st)?;
        // SAFETY: `live` checked the state is initialized here; the shared reference ends
        // inside the closure, before the output is written; `out` and `out_written` are the
        // caller's (checked not to overlap the state).
        unsafe {
            write_doc::<MAX_CSR_LEN>(body, out, out_len, out_written, |buf| {
                write_csr(&*addr_of!((*body).device_id), buf)
            })
        }
    })
}

/// Writes the Alias certificate: the Alias key of the measured image, issued (signed) by the
/// DeviceID key, with the device's UEID and a critical `DiceTcbInfo` extension stating
/// `vendor` and `model` (NUL-terminated UTF-8, at most PQH_IDENTITY_TCB_STRING_MAX_BYTES bytes
/// each), the measured image's security version and image id (the FWID, SHA-256), layer 1 and
/// the mode. To the start of `out` (capacity `out_len`; PQH_IDENTITY_CERT_MAX_BYTES always
/// suffices), its length to `*out_written`. Deterministic: the same device, image, mode and
/// strings give the same certificate on every boot, so a bootloader may write it only when it
/// differs from the stored one.
///
/// Errors (`out` and `*out_written` untouched): PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE
/// (not measured, not initialized, wiped, or moved), PQH_ERR_INVALID_ARGUMENT (a string that
/// is longer than PQH_IDENTITY_TCB_STRING_MAX_BYTES or not UTF-8, a string overlapping `out`,
/// `out` inside `st`), PQH_ERR_BUFFER_TOO_SMALL.
///
/// Signs: as much stack as pqh_sig_sign_deterministic for the algorithm, plus
/// PQH_IDENTITY_CERT_MAX_BYTES.
///
/// # Safety
/// `st` must be a pqh_identity; `vendor` and `model` must be NUL-terminated strings; `out` must
/// be valid for writes of `out_len` bytes and `out_written` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_alias_cert(
    st: *const pqh_identity,
    vendor: *const core::ffi::c_char,
    model: *const core::ffi::c_char,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> pqh_status {
    guard(|| {
        let (body, m) = measured(st)?;
        if vendor.is_null() || model.is_null() {
            return Err(PQH_ERR_NULL_POINTER);
        }
        // SAFETY: non-null NUL-terminated strings by the caller's contract.
        let (vendor, model) = unsafe { (tcb_string(vendor)?, tcb_string(model)?) };
        for s in [vendor, model] {
            // The string and its NUL.
            if overlaps(s.as_ptr(), s.len() + 1, out, out_len) {
                return Err(PQH_ERR_INVALID_ARGUMENT);
            }
        }
        // SAFETY: `measured` checked the state is measured here; the shared references end
        // inside the closure, before the output is written; `out` and `out_written` are the
        // caller's (checked not to overlap the state).
        unsafe {
            write_doc::<MAX_CERT_LEN>(body, out, out_len, out_written, |buf| {
                let m = &*m;
                let tcb = TcbInfo {
                    vendor,
                    model,
                    security_version: m.facts.security_version,
                    layer: 1,
                    image_id: m.facts.image_id,
                    mode: m.mode,
                };
                write_alias_certificate(&*addr_of!((*body).device_id), &m.alias, &tcb, buf)
            })
        }
    })
}

/// Writes attestation evidence for a verifier's challenge: a certificate of the Alias key
/// issued by itself whose critical `TcbFreshness` extension carries `nonce` (1 to
/// PQH_IDENTITY_NONCE_MAX_BYTES bytes), proving the device holds the Alias key now. With the
/// DeviceID and Alias certificates it makes the chain a verifier checks. To the start of `out`
/// (capacity `out_len`; PQH_IDENTITY_CERT_MAX_BYTES always suffices), its length to
/// `*out_written`. Deterministic for a given nonce.
///
/// Errors (`out` and `*out_written` untouched): PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE
/// (not measured, not initialized, wiped, or moved), PQH_ERR_ID_BAD_NONCE (empty, or longer
/// than PQH_IDENTITY_NONCE_MAX_BYTES), PQH_ERR_INVALID_ARGUMENT (`out` inside `st` or
/// overlapping `nonce`), PQH_ERR_BUFFER_TOO_SMALL.
///
/// Signs: as much stack as pqh_sig_sign_deterministic for the algorithm, plus
/// PQH_IDENTITY_CERT_MAX_BYTES.
///
/// # Safety
/// `st` must be a pqh_identity; `nonce` must be valid for reads of `nonce_len` bytes; `out`
/// must be valid for writes of `out_len` bytes and `out_written` for a write; `out` must not
/// overlap `nonce`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_evidence(
    st: *const pqh_identity,
    nonce: *const u8,
    nonce_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> pqh_status {
    guard(|| {
        let (body, m) = measured(st)?;
        // SAFETY: the caller guarantees `nonce` is valid for `nonce_len` bytes.
        let nonce = unsafe { input(nonce, nonce_len)? };
        if nonce.is_empty() || nonce.len() > MAX_NONCE_LEN {
            return Err(PQH_ERR_ID_BAD_NONCE);
        }
        if overlaps(nonce.as_ptr(), nonce.len(), out, out_len) {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: `measured` checked the state is measured here; the shared reference ends
        // inside the closure, before the output is written; `out` and `out_written` are the
        // caller's (checked not to overlap the state).
        unsafe {
            write_doc::<MAX_CERT_LEN>(body, out, out_len, out_written, |buf| {
                write_evidence(&(*m).alias, nonce, buf)
            })
        }
    })
}

/// Copies a key id into the caller's PQH_IDENTITY_ID_BYTES bytes at `out`.
///
/// # Safety
/// `out` must be valid for writes of ID_LEN bytes; `id` must not be derived from memory `out`
/// overlaps (checked against the state).
unsafe fn put_id(body: *mut Body, id: &[u8; ID_LEN], out: *mut u8) -> Result<(), pqh_status> {
    if out.is_null() {
        return Err(PQH_ERR_NULL_POINTER);
    }
    outside_state(body, out, ID_LEN)?;
    // SAFETY: non-null; the caller guarantees ID_LEN writable bytes outside the state
    // (checked), so they do not overlap `id`.
    unsafe { core::ptr::copy_nonoverlapping(id.as_ptr(), out, ID_LEN) };
    Ok(())
}

/// Writes the DeviceID key's id (PQH_IDENTITY_ID_BYTES bytes: the serial number and subject
/// key identifier of its certificate; `serialNumber=` in lowercase hex names the device) to
/// `id`.
///
/// Errors (`id` untouched): PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized,
/// wiped, or moved), PQH_ERR_INVALID_ARGUMENT (`id` inside `st`).
///
/// # Safety
/// `st` must be a pqh_identity; `id` must be valid for writes of PQH_IDENTITY_ID_BYTES bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_device_id(
    st: *const pqh_identity,
    id: *mut u8,
) -> pqh_status {
    guard(|| {
        let (body, _) = live(st)?;
        // SAFETY: `live` checked the state is initialized here; the id is copied out of it into
        // the caller's buffer, which lies outside it (checked).
        unsafe { put_id(body, (*addr_of!((*body).device_id)).id(), id) }
    })
}

/// Writes the Alias key's id (PQH_IDENTITY_ID_BYTES bytes: the serial number of the Alias
/// certificate) to `id`.
///
/// Errors (`id` untouched): PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not measured, not
/// initialized, wiped, or moved), PQH_ERR_INVALID_ARGUMENT (`id` inside `st`).
///
/// # Safety
/// `st` must be a pqh_identity; `id` must be valid for writes of PQH_IDENTITY_ID_BYTES bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_alias_id(st: *const pqh_identity, id: *mut u8) -> pqh_status {
    guard(|| {
        let (body, m) = measured(st)?;
        // SAFETY: `measured` checked the state is measured here; the id is copied out of it
        // into the caller's buffer, which lies outside it (checked).
        unsafe { put_id(body, (*m).alias.id(), id) }
    })
}

/// The length of the blob pqh_identity_seal writes for `pt_len` plaintext bytes: `pt_len` +
/// PQH_IDENTITY_SEAL_OVERHEAD_BYTES, or SIZE_MAX if that does not fit in a size_t.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_identity_sealed_len(pt_len: usize) -> usize {
    sealed_len(pt_len)
}

/// The sealing key of a measured state for `label`, and where the caller's output may not be.
/// The key is a copy: no reference into the state outlives this function.
///
/// # Safety
/// `label` must be valid for reads of `label_len` bytes.
unsafe fn sealing_key(
    st: *const pqh_identity,
    label: *const u8,
    label_len: usize,
) -> Result<(*mut Body, SealingKey), pqh_status> {
    let (body, m) = measured(st)?;
    // SAFETY: the caller guarantees `label` is valid for `label_len` bytes.
    let label = unsafe { input(label, label_len)? };
    // SAFETY: `measured` checked the state is measured here; the shared reference to the
    // next layer's CDIs ends with the derivation.
    let key = unsafe { SealingKey::derive(&*addr_of!((*m).cdis), label)? };
    Ok((body, key))
}

/// Fails with PQH_ERR_INVALID_ARGUMENT if the output `[out, out + out_len)` overlaps one of
/// `inputs` (pointer, length) or the state of `body`, or `out_written` lies in the state.
fn check_outputs(
    body: *mut Body,
    out: *const u8,
    out_len: usize,
    out_written: *mut usize,
    inputs: &[(*const u8, usize)],
) -> Result<(), pqh_status> {
    outside_state(body, out, out_len)?;
    outside_state(body, out_written.cast::<u8>(), size_of::<usize>())?;
    if inputs
        .iter()
        .any(|&(p, len)| overlaps(p, len, out, out_len))
    {
        return Err(PQH_ERR_INVALID_ARGUMENT);
    }
    Ok(())
}

/// Seals `pt` (`pt_len` bytes) as data at rest of the measured image on this device: AES-256-GCM
/// under a key derived from the measured layer's CDI_Seal and the purpose `label` (0 to
/// PQH_IDENTITY_SEAL_LABEL_MAX_BYTES bytes, NULL for none), with the associated data `aad`
/// (0 to PQH_IDENTITY_SEAL_AAD_MAX_BYTES bytes: authenticated, not stored; pqh_identity_open
/// needs the same bytes). Writes the blob (`"PQSL"`, version 1, a 12-byte nonce from
/// `rng(rng_ctx, ...)`, the ciphertext, a 16-byte tag: pqh_identity_sealed_len(pt_len) bytes;
/// docs/identity.md, "Sealing") to the start of `out` (capacity `out_len`) and its length to
/// `*out_written`.
///
/// The key, and so what opens the blob, is the same on every boot of this device with an image
/// signed by the same key (the authority: the signer key id of the measured image) in the same
/// mode with the same hidden input; it differs for any other device, signer, mode, hidden input
/// or label. Sealing draws a fresh nonce each time, so sealing the same data twice gives two
/// different blobs.
///
/// Errors (`out` and `*out_written` untouched): PQH_ERR_NULL_POINTER (also a NULL `rng`),
/// PQH_ERR_INVALID_STATE (not measured, not initialized, wiped, or moved),
/// PQH_ERR_CONTEXT_TOO_LONG (`label` longer than PQH_IDENTITY_SEAL_LABEL_MAX_BYTES or `aad`
/// longer than PQH_IDENTITY_SEAL_AAD_MAX_BYTES), PQH_ERR_INVALID_ARGUMENT (`out` inside `st`
/// or overlapping an input, `out_written` inside `st`), PQH_ERR_BUFFER_TOO_SMALL (checked
/// before `rng` is called), PQH_ERR_RNG, PQH_ERR_INVALID_LENGTH (a plaintext over GCM's limit of
/// 2^36 - 32 bytes; the blob's area of `out` after the header is then zeroed).
///
/// # Safety
/// `st` must be a pqh_identity; `label`, `aad` and `pt` must be valid for reads of their
/// lengths; `out` must be valid for writes of `out_len` bytes and `out_written` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_seal(
    st: *const pqh_identity,
    label: *const u8,
    label_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
    rng: pqh_rng_fn,
    rng_ctx: *mut core::ffi::c_void,
) -> pqh_status {
    guard(|| {
        let out_written = required(out_written)?;
        let mut rng = CallbackRng::new(rng, rng_ctx)?;
        // SAFETY: the caller guarantees `label` is valid for `label_len` bytes.
        let (body, key) = unsafe { sealing_key(st, label, label_len)? };
        // SAFETY: the caller guarantees each input is valid for its length.
        let (aad, pt) = unsafe { (input(aad, aad_len)?, input(pt, pt_len)?) };
        check_outputs(
            body,
            out,
            out_len,
            out_written,
            &[
                (label, label_len),
                (aad.as_ptr(), aad.len()),
                (pt.as_ptr(), pt.len()),
            ],
        )?;
        // SAFETY: the caller's contract; `out` overlaps neither the state nor an input
        // (checked).
        let out = unsafe { output(out, out_len)? };
        let n = key.seal(aad, pt, out, &mut rng)?;
        // SAFETY: non-null (checked); validity and alignment are the caller's contract.
        unsafe { put(out_written, n) };
        Ok(())
    })
}

/// Opens a blob that pqh_identity_seal wrote on this device, with the same `label` and `aad`:
/// writes the plaintext (`blob_len` - PQH_IDENTITY_SEAL_OVERHEAD_BYTES bytes) to the start of
/// `out` (capacity `out_len`) and its length to `*out_written`.
///
/// Errors (`out` and `*out_written` untouched, except after PQH_ERR_AUTHENTICATION_FAILED):
/// PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not measured, not initialized, wiped, or
/// moved), PQH_ERR_CONTEXT_TOO_LONG (`label` or `aad` over its maximum),
/// PQH_ERR_INVALID_ARGUMENT (`out` inside `st` or overlapping an input, `out_written` inside
/// `st`), PQH_ERR_INVALID_LENGTH (`blob` shorter than PQH_IDENTITY_SEAL_OVERHEAD_BYTES),
/// PQH_ERR_MALFORMED_ENCODING (not "PQSL" version 1), PQH_ERR_BUFFER_TOO_SMALL (`out` shorter
/// than the plaintext), and last PQH_ERR_AUTHENTICATION_FAILED: the blob was sealed on another device, under another signer,
/// mode, hidden input or label, with other associated data, or was changed or truncated; the
/// plaintext area of `out` (`blob_len` - PQH_IDENTITY_SEAL_OVERHEAD_BYTES bytes) is then zeroed:
/// no unauthenticated byte is released.
///
/// # Safety
/// `st` must be a pqh_identity; `label`, `aad` and `blob` must be valid for reads of their
/// lengths; `out` must be valid for writes of `out_len` bytes and `out_written` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_open(
    st: *const pqh_identity,
    label: *const u8,
    label_len: usize,
    aad: *const u8,
    aad_len: usize,
    blob: *const u8,
    blob_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> pqh_status {
    guard(|| {
        let out_written = required(out_written)?;
        // SAFETY: the caller guarantees `label` is valid for `label_len` bytes.
        let (body, key) = unsafe { sealing_key(st, label, label_len)? };
        // SAFETY: the caller guarantees each input is valid for its length.
        let (aad, blob) = unsafe { (input(aad, aad_len)?, input(blob, blob_len)?) };
        check_outputs(
            body,
            out,
            out_len,
            out_written,
            &[
                (label, label_len),
                (aad.as_ptr(), aad.len()),
                (blob.as_ptr(), blob.len()),
            ],
        )?;
        // SAFETY: the caller's contract; `out` overlaps neither the state nor an input
        // (checked).
        let out = unsafe { output(out, out_len)? };
        let n = key.open(aad, blob, out)?;
        // SAFETY: non-null (checked); validity and alignment are the caller's contract.
        unsafe { put(out_written, n) };
        Ok(())
    })
}

/// Wipes the state: every secret (CDIs, private keys) and the measurement are overwritten, and
/// the state is unusable (PQH_ERR_INVALID_STATE) until the next pqh_identity_init. Call it
/// before the next layer runs. Wiping a zeroed, wiped or never-initialized state (or a byte
/// copy of one) overwrites it too and returns PQH_OK.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`st` misaligned: nothing written).
///
/// # Safety
/// `st` must be valid for writes of PQH_IDENTITY_SIZE bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_identity_wipe(st: *mut pqh_identity) -> pqh_status {
    guard(|| {
        let state = state_at(st)?;
        // SAFETY: `state` comes from `state_at`; no reference into it is live.
        unsafe { wipe(state) };
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: fixed, valid inputs
mod tests {
    use super::*;
    use crate::alg::pqh_sig_alg;
    use core::ptr::{null, null_mut};
    use pqhybrid::SignatureAlgorithm;
    use std::boxed::Box;
    use std::vec;
    use std::vec::Vec;

    const ALG: pqh_sig_alg = pqh_sig_alg::PQH_SIG_MLDSA44;
    const NORMAL: ModeArg = ModeArg(pqh_identity_mode::PQH_IDENTITY_MODE_NORMAL as u32);
    const UDS: [u8; 32] = [0x5a; 32];

    fn zeroed() -> Box<pqh_identity> {
        Box::new(pqh_identity {
            opaque: [0; PQH_IDENTITY_SIZE],
        })
    }

    fn info() -> pqh_fw_image_info {
        pqh_fw_image_info {
            security_version: 7,
            version_major: 1,
            version_minor: 2,
            version_revision: 3,
            version_build: 4,
            device_class: [0x11; 16],
            algorithm: SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA65_ED25519_SHA512 as u32),
            header_len: 256,
            payload_len: 1000,
            has_sbom_digest: 0,
            delegated: 0,
            sbom_digest: [0; 32],
            signer_key_id: [0x22; 32],
            encrypted: 0,
            delegation_root_algorithm: SigAlgArg(0),
            delegation_allowed_algorithms: 0,
            delegation_root_key_id: [0; 32],
            delegation_min_security_version: 0,
            delegation_max_security_version: 0,
            payload_digest: [0x33; 64],
            payload_digest_len: 32,
            image_id: [0x44; 32],
        }
    }

    fn facts(i: &pqh_fw_image_info) -> ImageFacts {
        ImageFacts {
            image_id: i.image_id,
            device_class: i.device_class,
            security_version: i.security_version,
            version: (
                i.version_major,
                i.version_minor,
                i.version_revision,
                i.version_build,
            ),
            signer_key_id: i.signer_key_id,
        }
    }

    fn doc(
        f: impl FnOnce(*mut u8, usize, *mut usize) -> pqh_status,
    ) -> Result<Vec<u8>, pqh_status> {
        let mut buf = vec![0u8; MAX_CERT_LEN];
        let mut n = 0usize;
        match f(buf.as_mut_ptr(), buf.len(), &mut n) {
            PQH_OK => {
                buf.truncate(n);
                Ok(buf)
            }
            s => Err(s),
        }
    }

    fn csr(st: &pqh_identity) -> Result<Vec<u8>, pqh_status> {
        // SAFETY: valid buffers.
        doc(|o, l, n| unsafe { pqh_identity_device_id_csr(st, o, l, n) })
    }

    fn alias_cert(st: &pqh_identity) -> Result<Vec<u8>, pqh_status> {
        // SAFETY: valid buffers and strings.
        doc(|o, l, n| unsafe {
            pqh_identity_alias_cert(st, c"vendor".as_ptr(), c"model".as_ptr(), o, l, n)
        })
    }

    fn evidence(st: &pqh_identity, nonce: &[u8]) -> Result<Vec<u8>, pqh_status> {
        // SAFETY: valid buffers.
        doc(|o, l, n| unsafe { pqh_identity_evidence(st, nonce.as_ptr(), nonce.len(), o, l, n) })
    }

    fn ids(st: &pqh_identity) -> (Result<[u8; 20], pqh_status>, Result<[u8; 20], pqh_status>) {
        let mut a = [0u8; 20];
        let mut b = [0u8; 20];
        // SAFETY: valid buffers.
        let (x, y) = unsafe {
            (
                pqh_identity_device_id(st, a.as_mut_ptr()),
                pqh_identity_alias_id(st, b.as_mut_ptr()),
            )
        };
        (
            if x == PQH_OK { Ok(a) } else { Err(x) },
            if y == PQH_OK { Ok(b) } else { Err(y) },
        )
    }

    #[test]
    fn state_size() {
        std::println!(
            "State: {} bytes, align {}; Body {}, Measured {}, IdentityKey {}",
            size_of::<State>(),
            align_of::<State>(),
            size_of::<Body>(),
            size_of::<Measured>(),
            size_of::<IdentityKey>(),
        );
    }

    #[test]
    fn documents_are_the_cores() {
        let mut st = zeroed();
        let i = info();
        let hidden = [0x77u8; 64];
        // SAFETY: valid state and buffers.
        unsafe {
            assert_eq!(
                pqh_identity_init(&mut *st, SigAlgArg(ALG as u32), UDS.as_ptr()),
                PQH_OK
            );
            assert_eq!(
                pqh_identity_measure(&mut *st, &i, NORMAL, hidden.as_ptr()),
                PQH_OK
            );
        }
        let alg = SignatureAlgorithm::MlDsa44;
        let l0 = Cdis::from_uds(&Uds::new(UDS));
        let device_id = IdentityKey::derive(alg, &l0).unwrap();
        let l1 = l0.next(&InputValues::from_image_facts(
            &facts(&i),
            Mode::Normal,
            hidden,
        ));
        let alias = IdentityKey::derive(alg, &l1).unwrap();
        let mut buf = vec![0u8; MAX_CERT_LEN];

        let n = write_csr(&device_id, &mut buf).unwrap();
        assert_eq!(csr(&st).unwrap(), buf[..n]);
        let tcb = TcbInfo {
            vendor: "vendor",
            model: "model",
            security_version: 7,
            layer: 1,
            image_id: [0x44; 32],
            mode: Mode::Normal,
        };
        let n = write_alias_certificate(&device_id, &alias, &tcb, &mut buf).unwrap();
        assert_eq!(alias_cert(&st).unwrap(), buf[..n]);
        let n = write_evidence(&alias, b"nonce", &mut buf).unwrap();
        assert_eq!(evidence(&st, b"nonce").unwrap(), buf[..n]);
        assert_eq!(ids(&st), (Ok(*device_id.id()), Ok(*alias.id())));

        // SAFETY: valid state.
        assert_eq!(unsafe { pqh_identity_wipe(&mut *st) }, PQH_OK);
        assert!(st.opaque.iter().all(|b| *b == 0), "wipe left bytes");
    }

    fn bad<T>() -> Result<T, pqh_status> {
        Err(PQH_ERR_INVALID_STATE)
    }

    #[test]
    fn state_machine_fails_closed() {
        let mut st = zeroed();
        let i = info();
        // Zeroed: nothing works; wipe is fine.
        assert_eq!(csr(&st), bad());
        assert_eq!(ids(&st), (bad(), bad()));
        // SAFETY: valid state and buffers throughout.
        unsafe {
            assert_eq!(
                pqh_identity_measure(&mut *st, &i, NORMAL, null()),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(pqh_identity_wipe(&mut *st), PQH_OK);
            assert_eq!(pqh_identity_wipe(null_mut()), PQH_ERR_NULL_POINTER);

            assert_eq!(
                pqh_identity_init(&mut *st, SigAlgArg(ALG as u32), UDS.as_ptr()),
                PQH_OK
            );
            // Alias calls before measure.
            assert_eq!(alias_cert(&st), bad());
            assert_eq!(evidence(&st, b"n"), bad());
            let (d, a) = ids(&st);
            assert!(d.is_ok());
            assert_eq!(a, bad());
            // A failed measure (bad mode) leaves no Alias key, after a good one too.
            assert_eq!(pqh_identity_measure(&mut *st, &i, NORMAL, null()), PQH_OK);
            assert!(alias_cert(&st).is_ok());
            assert_eq!(
                pqh_identity_measure(&mut *st, &i, ModeArg(4), null()),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert_eq!(alias_cert(&st), bad());
            assert_eq!(ids(&st).0, d);
            let mut zero_info = i;
            zero_info.header_len = 0;
            assert_eq!(
                pqh_identity_measure(&mut *st, &zero_info, NORMAL, null()),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                pqh_identity_measure(&mut *st, null(), NORMAL, null()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(pqh_identity_measure(&mut *st, &i, NORMAL, null()), PQH_OK);

            // A moved (copied) state is not live; wiping the copy does not touch the original.
            let mut moved = zeroed();
            moved.opaque.copy_from_slice(&st.opaque);
            assert_eq!(csr(&moved), bad());
            assert_eq!(pqh_identity_wipe(&mut *moved), PQH_OK);
            assert!(moved.opaque.iter().all(|b| *b == 0));
            assert!(csr(&st).is_ok());

            // Misaligned.
            let raw = (&mut *moved as *mut pqh_identity)
                .cast::<u8>()
                .add(8)
                .cast::<pqh_identity>();
            assert_eq!(pqh_identity_wipe(raw), PQH_ERR_INVALID_STATE);
            assert_eq!(
                pqh_identity_init(raw, SigAlgArg(ALG as u32), UDS.as_ptr()),
                PQH_ERR_INVALID_STATE
            );

            // Output inside the state.
            let inside = (&mut *st as *mut pqh_identity).cast::<u8>().add(64);
            let mut n = 0usize;
            assert_eq!(
                pqh_identity_device_id_csr(&*st, inside, 16, &mut n),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                pqh_identity_device_id(&*st, inside),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert_eq!(n, 0);

            // A failed init wipes what was there.
            let sk = SigAlgArg(pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_128S as u32);
            assert_eq!(
                pqh_identity_init(&mut *st, sk, UDS.as_ptr()),
                PQH_ERR_ID_UNSUPPORTED_ALGORITHM
            );
            assert!(st.opaque.iter().all(|b| *b == 0));
            assert_eq!(ids(&st), (bad(), bad()));
            assert_eq!(
                pqh_identity_init(&mut *st, SigAlgArg(0), UDS.as_ptr()),
                PQH_ERR_UNKNOWN_ALGORITHM
            );
            assert_eq!(
                pqh_identity_init(&mut *st, SigAlgArg(ALG as u32), null()),
                PQH_ERR_NULL_POINTER
            );
            let uds_inside = (&*st as *const pqh_identity).cast::<u8>().add(100);
            assert_eq!(
                pqh_identity_init(&mut *st, SigAlgArg(ALG as u32), uds_inside),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert_eq!(pqh_identity_wipe(&mut *st), PQH_OK);
        }
    }

    unsafe extern "C" fn counter_rng(ctx: *mut core::ffi::c_void, out: *mut u8, len: usize) -> i32 {
        // SAFETY: the tests pass a `u8` counter as the context and a valid buffer.
        unsafe {
            let next = &mut *ctx.cast::<u8>();
            for i in 0..len {
                out.add(i).write(*next);
                *next = next.wrapping_add(1);
            }
        }
        0
    }

    unsafe extern "C" fn failing_rng(_: *mut core::ffi::c_void, _: *mut u8, _: usize) -> i32 {
        -1
    }

    fn seal(st: &pqh_identity, label: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, pqh_status> {
        let mut ctr = 0u8;
        let mut out = vec![0u8; pqh_identity_sealed_len(pt.len())];
        let mut n = 0usize;
        // SAFETY: valid buffers and generator.
        let s = unsafe {
            pqh_identity_seal(
                st,
                label.as_ptr(),
                label.len(),
                aad.as_ptr(),
                aad.len(),
                pt.as_ptr(),
                pt.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut n,
                Some(counter_rng),
                (&raw mut ctr).cast(),
            )
        };
        if s != PQH_OK {
            return Err(s);
        }
        assert_eq!(n, out.len());
        Ok(out)
    }

    fn open(
        st: &pqh_identity,
        label: &[u8],
        aad: &[u8],
        blob: &[u8],
    ) -> Result<Vec<u8>, pqh_status> {
        let mut out = vec![0xa5u8; blob.len()];
        let mut n = 0usize;
        // SAFETY: valid buffers.
        let s = unsafe {
            pqh_identity_open(
                st,
                label.as_ptr(),
                label.len(),
                aad.as_ptr(),
                aad.len(),
                blob.as_ptr(),
                blob.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        };
        if s != PQH_OK {
            return Err(s);
        }
        out.truncate(n);
        Ok(out)
    }

    #[test]
    fn sealing_is_the_cores() {
        let mut st = zeroed();
        let i = info();
        // SAFETY: valid state and buffers.
        unsafe {
            assert_eq!(
                pqh_identity_init(&mut *st, SigAlgArg(ALG as u32), UDS.as_ptr()),
                PQH_OK
            );
        }
        // Before measure: no sealing key.
        assert_eq!(seal(&st, b"l", b"a", b"pt"), bad());
        // SAFETY: valid state and info.
        unsafe {
            assert_eq!(pqh_identity_measure(&mut *st, &i, NORMAL, null()), PQH_OK);
        }
        let blob = seal(&st, b"label", b"aad", b"plaintext").unwrap();
        // The core's key of the measured layer, with the same nonce (0, 1, 2, ...), gives the
        // same blob and opens it.
        let l1 = Cdis::from_uds(&Uds::new(UDS)).next(&InputValues::from_image_facts(
            &facts(&i),
            Mode::Normal,
            [0; HIDDEN_LEN],
        ));
        let key = SealingKey::derive(&l1, b"label").unwrap();
        let mut ctr = 0u8;
        let mut rng = CallbackRng::new(Some(counter_rng), (&raw mut ctr).cast()).unwrap();
        let mut core_blob = vec![0u8; blob.len()];
        key.seal(b"aad", b"plaintext", &mut core_blob, &mut rng)
            .unwrap();
        assert_eq!(core_blob, blob);
        assert_eq!(open(&st, b"label", b"aad", &blob).unwrap(), b"plaintext");
        assert_eq!(
            open(&st, b"other", b"aad", &blob),
            Err(PQH_ERR_AUTHENTICATION_FAILED)
        );
        assert_eq!(pqh_identity_sealed_len(0), PQH_IDENTITY_SEAL_OVERHEAD_BYTES);
        assert_eq!(pqh_identity_sealed_len(usize::MAX), usize::MAX);

        // A failing generator; an output inside the state.
        let mut n = 0usize;
        let mut out = [0u8; 64];
        // SAFETY: valid buffers; `inside` points into the state.
        unsafe {
            assert_eq!(
                pqh_identity_seal(
                    &*st,
                    null(),
                    0,
                    null(),
                    0,
                    b"x".as_ptr(),
                    1,
                    out.as_mut_ptr(),
                    out.len(),
                    &mut n,
                    Some(failing_rng),
                    null_mut(),
                ),
                PQH_ERR_RNG
            );
            let inside = (&*st as *const pqh_identity)
                .cast::<u8>()
                .cast_mut()
                .add(64);
            assert_eq!(
                pqh_identity_open(
                    &*st,
                    null(),
                    0,
                    null(),
                    0,
                    blob.as_ptr(),
                    blob.len(),
                    inside,
                    blob.len(),
                    &mut n,
                ),
                PQH_ERR_INVALID_ARGUMENT
            );
        }
        assert_eq!(n, 0);
        assert!(out.iter().all(|b| *b == 0));
        // SAFETY: valid state.
        assert_eq!(unsafe { pqh_identity_wipe(&mut *st) }, PQH_OK);
        assert_eq!(open(&st, b"label", b"aad", &blob), bad());
    }

    #[test]
    fn tcb_strings_are_bounded() {
        let long = [b'a'; PQH_IDENTITY_TCB_STRING_MAX_BYTES + 1];
        let mut s = long.to_vec();
        s.push(0);
        // SAFETY: NUL-terminated or long enough.
        unsafe {
            assert_eq!(tcb_string(s.as_ptr().cast()), Err(PQH_ERR_INVALID_ARGUMENT));
            assert_eq!(
                tcb_string(long.as_ptr().cast()),
                Err(PQH_ERR_INVALID_ARGUMENT)
            );
            assert_eq!(
                tcb_string(s.get(1..).unwrap().as_ptr().cast()).map(str::len),
                Ok(64)
            );
            assert_eq!(tcb_string(c"\xff".as_ptr()), Err(PQH_ERR_INVALID_ARGUMENT));
            assert_eq!(tcb_string(c"".as_ptr()), Ok(""));
        }
    }
}

//! Encrypted firmware payloads: `pqh_fw_decryptor_*`, the second pass of a device over an
//! image whose payload is encrypted (`docs/firmware-format.md`, "Encrypted payloads"), over
//! `pqhybrid::firmware::Decryptor`, with its state and the device's KEM private key in caller
//! memory (`pqh_fw_decryptor`). The format's sizes and the host-side encryption are in
//! `fw_encrypt.rs`.
//!
//! The two passes: a `pqh_fw_verifier` verifies the stored image as any other (the signature
//! covers the encrypted bytes, so a forged image is refused before any decryption) and keeps,
//! once its finish returned PQH_OK, the verified manifest with the digest of the encryption
//! record it read. `pqh_fw_decryptor_init` starts from that verifier; the decryptor is then fed
//! the same image again and releases each chunk's plaintext only after its tag verifies.
//!
//! The state machine of a `pqh_fw_decryptor` (the private state's tag), as the verifier's:
//!
//! * LIVE: initialized at the address in `self_addr`; update, max_output and finish work on it.
//! * FAILED: an update returned an error. The body (key, decryptor) is dropped and wiped and
//!   `status` holds the error, which every later call returns (finish returns it once more and
//!   ends the state).
//! * DONE: finish was called (whatever its result); the body is wiped; every call is
//!   INVALID_STATE.
//! * DEAD: init was called and failed (or is running); the body is wiped; INVALID_STATE.
//! * BUSY: inside a call (a caught panic leaves it so; wipe and init still drop and wipe it).
//! * anything else (zeroed memory, a wiped state): not initialized, INVALID_STATE.
//!
//! Every transition out of LIVE drops the key and the decryptor in place (their destructors
//! wipe them) and overwrites the body with zeros through volatile writes.

use core::mem::{MaybeUninit, align_of, size_of};
use core::ptr::{addr_of, addr_of_mut};
use core::sync::atomic::{Ordering, compiler_fence};

use pqhybrid::agile::Decapsulator;
use pqhybrid::firmware::encrypt::{CHUNK_TAG_LEN, MAX_CHUNK_SIZE};
use pqhybrid::firmware::{DEFAULT_CHUNK_BUFFER, DecryptedPayload, Decryptor, VerifiedImage};

use crate::alg::KemAlgArg;
use crate::fw::{overlaps, pqh_fw_verifier, sticky, verified_image};
use crate::glue::{guard, input, output, put, required};
use crate::status::pqh_status::{self, *};

/// Size in bytes of pqh_fw_decryptor (4 KiB): a copy of the device's KEM private key in its
/// canonical form (at most 128 bytes; not expanded: the decryptor decapsulates once per image,
/// on the compact ML-KEM in a `compact-kem` build) and the decryptor, which buffers the
/// encryption record (up to PQH_FW_ENCRYPTION_RECORD_MAX_BYTES). The chunk buffer is separate
/// (pqh_fw_decryptor_init). A compile-time assertion in the library keeps the real state within
/// it (on 64-bit targets it uses 3 664 bytes; on 32-bit targets less).
pub const PQH_FW_DECRYPTOR_SIZE: usize = 4096;
/// Alignment in bytes of pqh_fw_decryptor.
pub const PQH_FW_DECRYPTOR_ALIGN: usize = 16;
/// A decryptor chunk buffer of this many bytes (one default chunk and its tag) decrypts images
/// with chunks of up to PQH_FW_CHUNK_SIZE_DEFAULT bytes.
pub const PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES: usize = 4112;
/// A decryptor chunk buffer of this many bytes decrypts images of any chunk size.
pub const PQH_FW_DECRYPT_CHUNK_BUFFER_MAX_BYTES: usize = 65552;

const _: () = {
    assert!(PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES == DEFAULT_CHUNK_BUFFER);
    assert!(PQH_FW_DECRYPT_CHUNK_BUFFER_MAX_BYTES == MAX_CHUNK_SIZE as usize + CHUNK_TAG_LEN);
};

/// The state of the decryption of an encrypted firmware payload, allocated by the caller
/// (static memory, a struct member, the stack) with this size and alignment. Its content is
/// private and secret: it holds the device's KEM private key and, once the record is in, the
/// image's content key.
///
/// Use, after a pqh_fw_verifier verified the image (pqh_fw_verifier_finish returned PQH_OK and
/// pqh_fw_verifier_encryption_record_digest says the payload is encrypted):
/// pqh_fw_decryptor_init with that verifier, the device's KEM private key and a chunk buffer;
/// feed the same image again, from its first byte, in chunks of any size with
/// pqh_fw_decryptor_update, writing out what each call releases (the plaintext of every chunk
/// that authenticated); then pqh_fw_decryptor_finish, which checks that the payload was
/// complete and, if pqh_fw_decryptor_check_plaintext_digest was called right after init, that
/// the plaintext matches the digest in the (signed) encryption record. Only then is the
/// plaintext good: a bootloader decrypting into a slot erases it if any call fails.
/// pqh_fw_decryptor_wipe discards a decryption at any point.
///
/// Fail-closed rules (as pqh_fw_verifier's):
/// - pqh_fw_decryptor_init wipes whatever the state held before it looks at its arguments: if
///   it fails, the state is dead (PQH_ERR_INVALID_STATE).
/// - Any error from update ends the decryption: the key is wiped and every later call returns
///   that same error (finish returns it and ends the state).
/// - finish ends the decryption whatever its result: the key is wiped and every later call
///   returns PQH_ERR_INVALID_STATE until the next pqh_fw_decryptor_init.
///
/// Between init and finish the state must not be moved or copied: it refers to itself (a moved
/// state gives PQH_ERR_INVALID_STATE), and a byte copy is a copy of the device's key (wipe
/// copies with pqh_fw_decryptor_wipe). "Not initialized" is detected for zeroed memory; passing
/// stack memory that was never written is undefined behaviour in C: call pqh_fw_decryptor_init
/// first.
#[repr(C, align(16))]
pub struct pqh_fw_decryptor {
    opaque: [u8; PQH_FW_DECRYPTOR_SIZE],
}

/// What pqh_fw_decryptor_finish reports about a decrypted payload.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pqh_fw_decrypted_info {
    /// The plaintext (decrypted payload) length in bytes: the sum of what the updates released.
    pub plaintext_len: u32,
    /// Length of plaintext_digest in bytes: 32 (SHA-256, SHA3-256) or 64 (SHA-512, SHA3-512),
    /// the image's payload digest algorithm.
    pub plaintext_digest_len: u32,
    /// Only if plaintext_digest_checked is 1: the plaintext's digest as the decryptor computed
    /// it, checked against the signed encryption record: its first plaintext_digest_len bytes
    /// (the rest is zero). A bootloader that wrote the plaintext to flash can check what it
    /// reads back against it. All zero if plaintext_digest_checked is 0.
    pub plaintext_digest: [u8; 64],
    /// 1 if the plaintext was hashed and its digest checked against the encryption record
    /// (pqh_fw_decryptor_check_plaintext_digest was called before the first update), 0 if the
    /// decryptor relied on the chunk tags alone (the default; plaintext_digest is then zero).
    pub plaintext_digest_checked: u8,
}

/// The decryptor of the C API: its chunk buffer is the caller's.
type CDecryptor = Decryptor<'static, &'static mut [u8]>;

/// The part of the state that every transition out of LIVE drops and wipes. `decryptor`
/// borrows `key` and the caller's chunk buffer: the references are valid while the state stays
/// where pqh_fw_decryptor_init built it, which `self_addr` checks on every call.
#[repr(C)]
struct Body {
    key: StoredKey,
    decryptor: CDecryptor,
}

/// The device's KEM private key in its canonical form (at most
/// `KemAlgorithm::MAX_SECRET_KEY_LEN` bytes), copied into the state and wiped with it: not
/// expanded. The decryptor uses it once per image, through
/// [`pqhybrid::KemAlgorithm::decapsulate`] and `public_key_from_secret`, which with the
/// `compact-kem` feature run on the compact ML-KEM (a few KiB of stack, nothing held).
struct StoredKey {
    alg: pqhybrid::KemAlgorithm,
    len: usize,
    bytes: [u8; pqhybrid::KemAlgorithm::MAX_SECRET_KEY_LEN],
}

impl StoredKey {
    fn secret(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl Drop for StoredKey {
    fn drop(&mut self) {
        // SAFETY: the array is valid for writes of its length.
        unsafe { wipe_bytes(self.bytes.as_mut_ptr(), self.bytes.len()) };
    }
}

impl Decapsulator for StoredKey {
    fn algorithm(&self) -> pqhybrid::KemAlgorithm {
        self.alg
    }
    fn decapsulate(&self, ct: &[u8], ss_out: &mut [u8]) -> pqhybrid::Result<()> {
        self.alg.decapsulate(self.secret(), ct, ss_out)
    }
    fn write_public_key(&self, pk_out: &mut [u8]) -> pqhybrid::Result<()> {
        self.alg.public_key_from_secret(self.secret(), pk_out)
    }
}

/// The state behind `pqh_fw_decryptor`.
#[repr(C)]
struct State {
    /// MAGIC_LIVE, MAGIC_FAILED, ... (see the module documentation).
    tag: u64,
    /// Where pqh_fw_decryptor_init built the state (LIVE), zero otherwise.
    self_addr: usize,
    /// FAILED: the status that ended the decryption.
    status: i32,
    /// The caller's chunk buffer (LIVE): the buffers of an update must not overlap it.
    buf_addr: usize,
    /// Its length.
    buf_len: usize,
    /// Initialized only while the tag is LIVE or BUSY at `self_addr`.
    body: MaybeUninit<Body>,
}

const MAGIC_LIVE: u64 = 0x7071_6864_5f6c_6976; // "pqhd_liv"
const MAGIC_BUSY: u64 = 0x7071_6864_5f62_7379; // "pqhd_bsy"
const MAGIC_DONE: u64 = 0x7071_6864_5f64_6f6e; // "pqhd_don"
const MAGIC_FAILED: u64 = 0x7071_6864_5f65_7272; // "pqhd_err"
const MAGIC_DEAD: u64 = 0x7071_6864_5f64_6564; // "pqhd_ded"

const _: () = {
    assert!(
        size_of::<State>() <= PQH_FW_DECRYPTOR_SIZE,
        "the decryptor state exceeds PQH_FW_DECRYPTOR_SIZE"
    );
    assert!(align_of::<State>() <= PQH_FW_DECRYPTOR_ALIGN);
    assert!(size_of::<pqh_fw_decryptor>() == PQH_FW_DECRYPTOR_SIZE);
    assert!(align_of::<pqh_fw_decryptor>() == PQH_FW_DECRYPTOR_ALIGN);
};

/// The state at `d`: non-null and aligned (nothing else is checked).
fn state_at(d: *const pqh_fw_decryptor) -> Result<*mut State, pqh_status> {
    let d = required(d.cast_mut())?;
    if !(d as usize).is_multiple_of(PQH_FW_DECRYPTOR_ALIGN) {
        return Err(PQH_ERR_INVALID_STATE);
    }
    Ok(d.cast::<State>())
}

/// The state's tag, address and sticky status.
///
/// # Safety
/// `state` must come from [`state_at`] (a caller's pqh_fw_decryptor).
unsafe fn header(state: *mut State) -> (u64, usize, i32) {
    // SAFETY: `state` is non-null, aligned, and points to a caller-owned pqh_fw_decryptor of
    // PQH_FW_DECRYPTOR_SIZE >= size_of::<State>() bytes; the three fields are plain integers,
    // valid for any bit pattern.
    unsafe {
        (
            addr_of!((*state).tag).read(),
            addr_of!((*state).self_addr).read(),
            addr_of!((*state).status).read(),
        )
    }
}

/// The state behind a live decryptor: non-null, aligned, initialized, not finished or failed,
/// and not moved. Otherwise the status to return: the sticky error of a failed state,
/// PQH_ERR_INVALID_STATE for any other.
fn live(d: *const pqh_fw_decryptor) -> Result<*mut State, pqh_status> {
    let state = state_at(d)?;
    // SAFETY: `state` comes from `state_at`.
    match unsafe { header(state) } {
        (MAGIC_LIVE, addr, _) if addr == state as usize => Ok(state),
        (MAGIC_FAILED, _, status) => Err(sticky(status)),
        _ => Err(PQH_ERR_INVALID_STATE),
    }
}

/// The body of the state at `state` (a field projection; nothing is read).
///
/// # Safety
/// `state` must be non-null and aligned.
unsafe fn body(state: *mut State) -> *mut Body {
    // SAFETY: the caller's contract; `addr_of_mut!` creates no reference, and
    // `MaybeUninit<Body>` has the layout of `Body`.
    unsafe { addr_of_mut!((*state).body).cast::<Body>() }
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

/// Ends whatever the state at `state` holds: if its body is initialized here (LIVE or BUSY at
/// this address), drops the decryptor and then the key (their destructors wipe them), then
/// overwrites the body with zeros and sets `tag` and `status`.
///
/// # Safety
/// `state` must come from [`state_at`] and no reference into it may be live.
unsafe fn end(state: *mut State, tag: u64, status: pqh_status) {
    // SAFETY: the caller's contract. The body is initialized while the tag is LIVE or BUSY at
    // this address (init writes LIVE last; every transition out of LIVE comes through here).
    // The tag is changed before anything is dropped, so a panic in a destructor (caught on
    // hosts) leaves an unusable state rather than a half-dropped live one.
    unsafe {
        let (old, addr, _) = header(state);
        addr_of_mut!((*state).tag).write(tag);
        addr_of_mut!((*state).self_addr).write(0);
        addr_of_mut!((*state).status).write(status as i32);
        addr_of_mut!((*state).buf_addr).write(0);
        addr_of_mut!((*state).buf_len).write(0);
        let b = body(state);
        if matches!(old, MAGIC_LIVE | MAGIC_BUSY) && addr == state as usize {
            // The decryptor borrows the key: it goes first.
            core::ptr::drop_in_place(addr_of_mut!((*b).decryptor));
            core::ptr::drop_in_place(addr_of_mut!((*b).key));
        }
        wipe_bytes(b.cast::<u8>(), size_of::<Body>());
    }
}

/// Runs `f` on the decryptor of a live state with the tag set to BUSY (a panic, caught on
/// hosts, leaves the state unusable rather than inconsistent); an error ends the decryption
/// (FAILED, sticky).
///
/// # Safety
/// `state` must come from [`live`] and no reference into it may be live.
unsafe fn with_decryptor(
    state: *mut State,
    f: impl FnOnce(&mut CDecryptor) -> Result<(), pqh_status>,
) -> Result<(), pqh_status> {
    // SAFETY: `live` checked the state is initialized and in place; `decryptor` is accessed
    // through a raw field projection, disjoint from the `key` it borrows, and the `&mut` ends
    // before `end` drops the body.
    unsafe {
        addr_of_mut!((*state).tag).write(MAGIC_BUSY);
        let r = f(&mut *addr_of_mut!((*body(state)).decryptor));
        match r {
            Ok(()) => addr_of_mut!((*state).tag).write(MAGIC_LIVE),
            Err(s) => end(state, MAGIC_FAILED, s),
        }
        r
    }
}

/// Copies the device's key into `dst`, its length checked (its encoding is checked when the
/// decryptor uses it: a composite private key that does not parse fails pqh_fw_decryptor_update
/// once the record is complete).
///
/// # Safety
/// `dst` must be valid for a write; nothing is dropped there.
unsafe fn build_key(
    dst: *mut StoredKey,
    kem: pqhybrid::KemAlgorithm,
    sk: &[u8],
) -> Result<(), pqh_status> {
    if sk.len() != kem.secret_key_len() {
        return Err(pqh_status::from(pqhybrid::Error::InvalidLength {
            field: pqhybrid::Field::SecretKey,
            expected: kem.secret_key_len(),
            actual: sk.len(),
        }));
    }
    // SAFETY: the caller's contract; the fields are written in place, the bytes first zeroed.
    unsafe {
        addr_of_mut!((*dst).alg).write(kem);
        addr_of_mut!((*dst).len).write(sk.len());
        let bytes = addr_of_mut!((*dst).bytes).cast::<u8>();
        wipe_bytes(bytes, pqhybrid::KemAlgorithm::MAX_SECRET_KEY_LEN);
        core::ptr::copy_nonoverlapping(sk.as_ptr(), bytes, sk.len());
    }
    Ok(())
}

/// Builds the decryptor into `dst` (its record buffer makes it 3 KiB).
///
/// # Safety
/// `dst` must be valid for a write; nothing is dropped there.
#[inline(never)]
unsafe fn build_decryptor(
    dst: *mut CDecryptor,
    img: &VerifiedImage,
    dk: &'static dyn Decapsulator,
    buf: &'static mut [u8],
) -> Result<(), pqh_status> {
    let dec = Decryptor::with_buffer(img, dk, buf)?;
    // SAFETY: the caller's contract.
    unsafe { dst.write(dec) };
    Ok(())
}

/// Starts decrypting the payload of the image that `verifier` verified (its
/// pqh_fw_verifier_finish returned PQH_OK and it was not initialized again since; it is only
/// read), with the device's KEM private key `sk` of algorithm `kem` in its canonical form
/// (exactly pqh_kem_secret_key_len(kem) bytes, as pqh_kem_keypair_from_seed writes it), and
/// `chunk_buf` (`chunk_buf_len` bytes) as the decryptor's chunk buffer: one chunk of the image
/// and its tag must fit (PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES for images with the default 4 KiB
/// chunks; a larger chunk is PQH_ERR_FW_CHUNK_TOO_LARGE from update).
///
/// `d` is caller memory of PQH_FW_DECRYPTOR_SIZE bytes aligned to PQH_FW_DECRYPTOR_ALIGN. The
/// key is expanded into it (for the ML-KEM-based KEMs that is a key generation: the slowest
/// and most stack-hungry step of the decryption) and held there until finish, wipe, a failed
/// update or the next init; `sk` need not outlive this call. `chunk_buf` must stay valid, and
/// be used by nothing else, until then: the decryptor writes the encrypted chunks to it (never
/// plaintext it keeps: each chunk's plaintext is wiped from it once released).
///
/// Fails closed: once `d` is non-NULL and aligned, whatever it held is wiped before the other
/// arguments are read. If this call fails, `d` is dead (PQH_ERR_INVALID_STATE from every other
/// call) until a successful init.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`d` misaligned; `verifier` did not
/// finish with PQH_OK), PQH_ERR_FW_NOT_ENCRYPTED (the verified image's payload is plain: boot
/// it as it is), PQH_ERR_UNKNOWN_ALGORITHM (`kem`), PQH_ERR_INVALID_LENGTH (`sk`),
/// PQH_ERR_INVALID_KEY / PQH_ERR_MALFORMED_ENCODING (a composite private key that does not
/// decode), PQH_ERR_INVALID_ARGUMENT (`sk`, `chunk_buf` or `verifier` overlaps `d`, or
/// `chunk_buf` overlaps `sk`).
///
/// # Safety
/// `d` must be valid for writes of PQH_FW_DECRYPTOR_SIZE bytes; `verifier` must be a
/// pqh_fw_verifier; `sk` must be valid for reads of `sk_len` bytes and `chunk_buf` for reads and
/// writes of `chunk_buf_len` bytes until the decryption ends.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_decryptor_init(
    d: *mut pqh_fw_decryptor,
    verifier: *const pqh_fw_verifier,
    kem: KemAlgArg,
    sk: *const u8,
    sk_len: usize,
    chunk_buf: *mut u8,
    chunk_buf_len: usize,
) -> pqh_status {
    guard(|| {
        let state = state_at(d)?;
        // SAFETY: `state` comes from `state_at` (the caller guarantees PQH_FW_DECRYPTOR_SIZE >=
        // size_of::<State>() writable bytes); no reference into it is live. Fail closed: the
        // previous content (a key) is gone before anything else is read.
        unsafe { end(state, MAGIC_DEAD, PQH_ERR_INVALID_STATE) };
        let verifier = required(verifier.cast_mut())?;
        let s = state.cast::<u8>().cast_const();
        let n = size_of::<State>();
        if overlaps(verifier.cast(), size_of::<pqh_fw_verifier>(), s, n) {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        let img = verified_image(verifier)?;
        if !img.is_encrypted() {
            return Err(PQH_ERR_FW_NOT_ENCRYPTED);
        }
        let kem = kem.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        if overlaps(sk, sk_len, s, n)
            || overlaps(chunk_buf, chunk_buf_len, s, n)
            || overlaps(chunk_buf, chunk_buf_len, sk, sk_len)
        {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: the caller's contract: `sk` is readable for `sk_len` bytes during this call;
        // `chunk_buf` is readable and writable for `chunk_buf_len` bytes until the decryption
        // ends (its 'static lifetime is that contract, kept by `end` dropping the decryptor
        // before the state is reused); neither overlaps the state nor the other (checked).
        let (sk, buf): (&[u8], &'static mut [u8]) =
            unsafe { (input(sk, sk_len)?, output(chunk_buf, chunk_buf_len)?) };
        // SAFETY: `state` is valid for writes (above) and DEAD: nothing in the body is
        // initialized or borrowed. The key is built in place and the decryptor borrows it
        // there: the reference is extended to 'static and stays valid while the state is not
        // moved or re-initialized, which `live` checks (`self_addr`) before any use; the tag is
        // LIVE only once both are written. If the decryptor cannot be built, the key is dropped
        // and wiped before returning.
        unsafe {
            let b = body(state);
            let key_ptr = addr_of_mut!((*b).key);
            build_key(key_ptr, kem, sk)?;
            let dk: &'static dyn Decapsulator = &*key_ptr;
            if let Err(e) = build_decryptor(addr_of_mut!((*b).decryptor), &img, dk, buf) {
                core::ptr::drop_in_place(key_ptr);
                wipe_bytes(b.cast::<u8>(), size_of::<Body>());
                return Err(e);
            }
            addr_of_mut!((*state).buf_addr).write(chunk_buf as usize);
            addr_of_mut!((*state).buf_len).write(chunk_buf_len);
            addr_of_mut!((*state).status).write(PQH_OK as i32);
            addr_of_mut!((*state).self_addr).write(state as usize);
            addr_of_mut!((*state).tag).write(MAGIC_LIVE);
        }
        Ok(())
    })
}

/// The output capacity pqh_fw_decryptor_update needs for an input of `chunk_len` bytes:
/// `chunk_len` + the chunk buffer's length (what the buffer holds may complete in this call), or
/// SIZE_MAX if that overflows; 0 if `d` is not a live decryptor (NULL, not initialized,
/// failed, finished, moved). A caller with a static output buffer sizes it as its largest
/// input plus its chunk buffer.
///
/// # Safety
/// `d` must be NULL or a pqh_fw_decryptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_decryptor_max_output(
    d: *const pqh_fw_decryptor,
    chunk_len: usize,
) -> usize {
    match live(d) {
        // SAFETY: `live` checked the state is initialized and in place; a plain integer.
        Ok(state) => chunk_len.saturating_add(unsafe { addr_of!((*state).buf_len).read() }),
        Err(_) => 0,
    }
}

/// Feeds the next `chunk_len` bytes of the image (the whole image, from its first byte, in
/// order, in chunks of any size, including empty ones: the decryptor skips the header and the
/// signature block) and writes the plaintext of every encrypted chunk they complete, each only
/// after its tag verified, to the start of `out` (capacity `out_cap`, at least
/// pqh_fw_decryptor_max_output(d, chunk_len)); `*out_len` is set to the number of bytes written
/// (often 0: a chunk is released once all of it and its tag are in). When the encryption
/// record is complete it is compared with the one the verifier read, and the content key is
/// unwrapped with the device's key (the call that completes it takes the KEM's
/// decapsulation time).
///
/// Errors (any of them ends the decryption; later calls return the same one; `*out_len` is
/// untouched and whatever this call wrote to `out` is zeroed): PQH_ERR_NULL_POINTER,
/// PQH_ERR_INVALID_STATE (not initialized, finished, or moved), PQH_ERR_BUFFER_TOO_SMALL
/// (`out_cap` below pqh_fw_decryptor_max_output: nothing consumed), PQH_ERR_INVALID_ARGUMENT
/// (`chunk` and `out` overlap each other, the state or the chunk buffer),
/// PQH_ERR_FW_DIGEST_MISMATCH (the record differs from the verified one: the image changed
/// between the two passes), PQH_ERR_FW_BAD_ENCRYPTION_RECORD, PQH_ERR_FW_WRONG_RECIPIENT (the
/// image is encrypted to another key or KEM), PQH_ERR_FW_KEY_UNWRAP_FAILED,
/// PQH_ERR_FW_CHUNK_TOO_LARGE (a chunk and its tag do not fit the chunk buffer),
/// PQH_ERR_FW_CHUNK_AUTHENTICATION (a modified, reordered, duplicated or dropped chunk).
///
/// # Safety
/// `d` must be a pqh_fw_decryptor; `chunk` must be valid for reads of `chunk_len` bytes, `out`
/// for writes of `out_cap` bytes, `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_decryptor_update(
    d: *mut pqh_fw_decryptor,
    chunk: *const u8,
    chunk_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let state = live(d)?;
        // SAFETY: `live` checked the state is initialized and in place; plain integers.
        let (buf, buf_len) = unsafe {
            (
                addr_of!((*state).buf_addr).read() as *const u8,
                addr_of!((*state).buf_len).read(),
            )
        };
        // SAFETY: `state` comes from `live`; no reference into it is live. The caller's
        // buffers are borrowed only inside, after the checks that they overlap neither each
        // other, nor the state, nor the chunk buffer the decryptor writes to.
        unsafe {
            with_decryptor(state, |dec| {
                let out_len = required(out_len)?;
                let (s, n) = (state.cast::<u8>().cast_const(), size_of::<State>());
                if overlaps(chunk, chunk_len, out, out_cap)
                    || overlaps(chunk, chunk_len, s, n)
                    || overlaps(out, out_cap, s, n)
                    || overlaps(chunk, chunk_len, buf, buf_len)
                    || overlaps(out, out_cap, buf, buf_len)
                    || overlaps(out_len.cast(), size_of::<usize>(), s, n)
                {
                    return Err(PQH_ERR_INVALID_ARGUMENT);
                }
                // SAFETY: the caller guarantees `chunk` is readable for `chunk_len` bytes and `out`
                // writable for `out_cap`; they overlap nothing else in use (checked).
                let (input, out) = (input(chunk, chunk_len)?, output(out, out_cap)?);
                let written = dec.update(input, out)?;
                // SAFETY: non-null (checked); validity and alignment are the caller's contract.
                put(out_len, written);
                Ok(())
            })
        }
    })
}

fn info_of(p: &DecryptedPayload) -> pqh_fw_decrypted_info {
    let len = p.digest_algorithm.output_len();
    let mut digest = [0u8; 64];
    // Present only after pqh_fw_decryptor_check_plaintext_digest.
    let checked = p.digest.unwrap_or([0u8; 64]);
    if let (Some(dst), Some(src)) = (digest.get_mut(..len), checked.get(..len)) {
        dst.copy_from_slice(src);
    }
    pqh_fw_decrypted_info {
        plaintext_len: p.len,
        // 32 or 64: the cast cannot truncate.
        plaintext_digest_len: len as u32,
        plaintext_digest: digest,
        plaintext_digest_checked: u8::from(p.digest.is_some()),
    }
}

/// Turns on the plaintext-digest check of a decryption: the decryptor also hashes the
/// plaintext and pqh_fw_decryptor_finish compares the digest with the one in the signed
/// encryption record (PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH if they differ) and reports it in
/// pqh_fw_decrypted_info (plaintext_digest_checked 1). Call it right after
/// pqh_fw_decryptor_init, before the first pqh_fw_decryptor_update.
///
/// Off by default: every chunk is authenticated anyway (AES-256-GCM under the content key that
/// only the signed record carries, nonces binding the chunk index and the last-chunk flag,
/// associated data SHA-256 of the record), so no change to the ciphertext goes unnoticed. The
/// digest check adds a defence against a faulty or compromised encryption step separate from
/// the signer (a payload encrypted from other plaintext than the one whose digest the record
/// carries) and gives the device its own measurement of the plaintext (to re-check a copy
/// against, or to report), for one more hash pass over the payload.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (not initialized, finished, moved, or
/// the encryption record was already fed: too late to hash the whole plaintext; this ends the
/// decryption), the sticky error of a failed state.
///
/// # Safety
/// `d` must be a pqh_fw_decryptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_decryptor_check_plaintext_digest(
    d: *mut pqh_fw_decryptor,
) -> pqh_status {
    guard(|| {
        let state = live(d)?;
        // SAFETY: `state` comes from `live`; no reference into it is live.
        unsafe {
            with_decryptor(state, |dec| {
                dec.check_plaintext_digest();
                if dec.checks_plaintext_digest() {
                    Ok(())
                } else {
                    Err(PQH_ERR_INVALID_STATE)
                }
            })
        }
    })
}

/// Finishes the decryption: PQH_OK only if every chunk of the payload arrived and
/// authenticated and, after pqh_fw_decryptor_check_plaintext_digest, the plaintext matches the
/// digest in the encryption record (which the image signature covers); then fills `*info`. The decryptor is finished either way: the key
/// is wiped and the state must be initialized again before another use. On error `*info` is
/// untouched, and the plaintext released so far must not be used (erase it).
///
/// Errors: PQH_ERR_NULL_POINTER (`info`: the decryption is ended without a result),
/// PQH_ERR_INVALID_STATE (not initialized, finished, or moved), the sticky error of a failed
/// state, PQH_ERR_FW_TRUNCATED (the payload ended early: the image was not fed to its end),
/// PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH (only with pqh_fw_decryptor_check_plaintext_digest).
///
/// # Safety
/// `d` must be a pqh_fw_decryptor; `info` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_decryptor_finish(
    d: *mut pqh_fw_decryptor,
    info: *mut pqh_fw_decrypted_info,
) -> pqh_status {
    guard(|| {
        let state = match live(d) {
            Ok(state) => state,
            Err(s) => {
                // A failed state returns its error once more and is then finished.
                if let Ok(state) = state_at(d) {
                    // SAFETY: `state` comes from `state_at`; no reference into it is live.
                    unsafe {
                        if header(state).0 == MAGIC_FAILED {
                            end(state, MAGIC_DONE, PQH_ERR_INVALID_STATE);
                        }
                    }
                }
                return Err(s);
            }
        };
        // SAFETY: `live` checked the state is initialized and in place; the `&mut` to the
        // decryptor ends before `end` drops and wipes the body, which happens whatever the
        // result.
        let r = unsafe {
            addr_of_mut!((*state).tag).write(MAGIC_BUSY);
            let r = match required(info) {
                Ok(_) => (*addr_of_mut!((*body(state)).decryptor))
                    .finish()
                    .map_err(pqh_status::from),
                Err(s) => Err(s),
            };
            end(state, MAGIC_DONE, PQH_ERR_INVALID_STATE);
            r
        };
        let payload = r?;
        // SAFETY: `info` is non-null (checked above); validity and alignment are the caller's
        // contract.
        unsafe { put(info, info_of(&payload)) };
        Ok(())
    })
}

/// Wipes the state: the device's key and the content key are overwritten (their destructors
/// run if the state is live here), then the whole state, and the state is unusable
/// (PQH_ERR_INVALID_STATE) until the next pqh_fw_decryptor_init. Use it to abandon a
/// decryption, and on a byte copy of a state. Wiping a zeroed, finished, failed or wiped state
/// overwrites it too and returns PQH_OK. The chunk buffer (which holds only encrypted bytes)
/// is not touched.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_STATE (`d` misaligned: nothing written).
///
/// # Safety
/// `d` must be valid for writes of PQH_FW_DECRYPTOR_SIZE bytes, and no other call may be using
/// it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_decryptor_wipe(d: *mut pqh_fw_decryptor) -> pqh_status {
    guard(|| {
        let state = state_at(d)?;
        // SAFETY: `state` comes from `state_at`; no reference into it is live. `end` drops a
        // body that is initialized here and wipes it; then the header goes too.
        unsafe {
            end(state, 0, PQH_OK);
            wipe_bytes(state.cast::<u8>(), size_of::<State>());
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests;

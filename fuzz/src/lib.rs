//! Shared helpers of the pqhybrid fuzz targets (`fuzz_targets/*.rs`) and of the seed-corpus
//! generator (`src/bin/gen_corpus.rs`), so that both agree on the input layouts.
//!
//! Every target reads its input with [`Input`]: a leading selector byte picks the algorithm or
//! mode, then fields follow, each a little-endian `u16` length and that many bytes (clamped to
//! what is left), and the last field of a target takes the rest. [`Builder`] writes the same
//! layout for the seed corpus.

use pqhybrid::firmware::{AlgorithmSet, DeviceClass, KeyId, Policy, TrustAnchor, key_id};
use pqhybrid::rng::{TryCryptoRng, TryRng};
use pqhybrid::{Error, Field, SignatureAlgorithm};

/// Reads a fuzz input: selector bytes, length-prefixed fields, the rest.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Wraps the fuzzer's bytes.
    #[must_use]
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// The next byte, or 0 when the input is exhausted.
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// The next little-endian `u16` (missing bytes read as 0).
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// A field: a `u16` length, then up to that many bytes.
    pub fn bytes(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16()).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.data)
    }

    /// Whether everything has been read.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Writes the layout [`Input`] reads (for the seed corpus).
#[derive(Clone, Debug, Default)]
pub struct Builder {
    out: Vec<u8>,
}

impl Builder {
    /// An empty input.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A selector byte.
    #[must_use]
    pub fn u8(mut self, v: u8) -> Self {
        self.out.push(v);
        self
    }

    /// A little-endian `u16`.
    #[must_use]
    pub fn u16(mut self, v: u16) -> Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A length-prefixed field (at most 65535 bytes; longer input is cut).
    #[must_use]
    pub fn bytes(mut self, b: &[u8]) -> Self {
        let b = &b[..b.len().min(usize::from(u16::MAX))];
        self.out
            .extend_from_slice(&u16::try_from(b.len()).unwrap_or(u16::MAX).to_le_bytes());
        self.out.extend_from_slice(b);
        self
    }

    /// The final, unprefixed field.
    #[must_use]
    pub fn rest(mut self, b: &[u8]) -> Self {
        self.out.extend_from_slice(b);
        self
    }

    /// The encoded input.
    #[must_use]
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// A deterministic "random" generator that never fails: the fuzzer's bytes first, then the
/// same bytes again, each later byte mixed with a counter (a counter alone for an empty seed),
/// so that it never settles into a constant stream. Good enough to drive hedged signing and
/// encapsulation reproducibly; it is not a CSPRNG.
#[derive(Clone, Debug)]
pub struct FuzzRng<'a> {
    seed: &'a [u8],
    count: u64,
}

impl<'a> FuzzRng<'a> {
    /// A generator over `seed`.
    #[must_use]
    pub fn new(seed: &'a [u8]) -> Self {
        Self { seed, count: 0 }
    }

    fn next_byte(&mut self) -> u8 {
        let i = self.count;
        self.count = self.count.wrapping_add(1);
        let len = self.seed.len() as u64;
        let base = if len == 0 {
            0
        } else {
            self.seed[(i % len) as usize]
        };
        if i < len {
            base
        } else {
            base ^ ((i.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as u8 | 1)
        }
    }
}

impl TryRng for FuzzRng<'_> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for d in dst {
            *d = self.next_byte();
        }
        Ok(())
    }
}

impl TryCryptoRng for FuzzRng<'_> {}

/// The signature algorithm a selector byte picks (every algorithm, by index modulo 24).
#[must_use]
pub fn sig_alg(sel: u8) -> SignatureAlgorithm {
    let all = SignatureAlgorithm::ALL;
    all[usize::from(sel) % all.len()]
}

/// The selector byte of `alg` for [`sig_alg`].
#[must_use]
pub fn sig_alg_index(alg: SignatureAlgorithm) -> u8 {
    let i = SignatureAlgorithm::ALL
        .iter()
        .position(|a| *a == alg)
        .unwrap_or(0);
    u8::try_from(i).unwrap_or(0)
}

/// Whether key generation of `alg` is slow (SLH-DSA "s" parameter sets: about a second per key
/// under AddressSanitizer). Targets reach those paths only when the input asks for them, so that
/// they do not dominate the executions.
#[must_use]
pub fn slow_keygen(alg: SignatureAlgorithm) -> bool {
    let name = alg.name();
    name.starts_with("SLH-DSA") && name.ends_with('s')
}

/// The composite algorithms, in [`SignatureAlgorithm::ALL`] order.
#[must_use]
pub fn composites() -> Vec<SignatureAlgorithm> {
    SignatureAlgorithm::ALL
        .into_iter()
        .filter(|a| a.is_hybrid())
        .collect()
}

/// The KEM a selector byte picks (by index modulo 7).
#[must_use]
pub fn kem_alg(sel: u8) -> pqhybrid::KemAlgorithm {
    let all = pqhybrid::KemAlgorithm::ALL;
    all[usize::from(sel) % all.len()]
}

/// The selector byte of `alg` for [`kem_alg`].
#[must_use]
pub fn kem_alg_index(alg: pqhybrid::KemAlgorithm) -> u8 {
    let i = pqhybrid::KemAlgorithm::ALL
        .iter()
        .position(|a| *a == alg)
        .unwrap_or(0);
    u8::try_from(i).unwrap_or(0)
}

/// The device policy of the project's firmware known-answer images
/// (`kat-vectors/pqhybrid/firmware/policy.json`), rebuilt from the documented seeds rather than
/// copied: the root key (seed 0x10 × 32) and root-b (seed 0x70 × 32) are active anchors and the
/// revoked release key (seed 0x30 × 32) a revoked one, all MLDSA65-Ed25519-SHA512, and
/// ecdsa-signer (seed 0x80 × 32, MLDSA65-ECDSA-P256-SHA512) is active; device class
/// `"pqhybrid-kat-dev"`; minimum security version 5; composites only for images and roots.
pub struct KatPolicy {
    anchors: Vec<TrustAnchor>,
    /// The device class of the policy.
    pub device_class: DeviceClass,
}

/// The algorithm of the firmware KAT keys.
pub const KAT_FW_ALG: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
/// Seed of the KAT root key.
pub const KAT_ROOT_SEED: [u8; 32] = [0x10; 32];
/// Seed of the KAT release key (endorsed by the root).
pub const KAT_RELEASE_SEED: [u8; 32] = [0x20; 32];
/// Seed of the KAT revoked release key.
pub const KAT_REVOKED_SEED: [u8; 32] = [0x30; 32];
/// Device class of the KAT policy.
pub const KAT_DEVICE_CLASS: [u8; 16] = *b"pqhybrid-kat-dev";
/// Minimum security version of the KAT policy.
pub const KAT_MIN_SECURITY_VERSION: u64 = 5;

/// Public key and key id of a KAT firmware key.
///
/// # Panics
/// If key derivation fails (it cannot for these fixed seeds).
#[must_use]
pub fn kat_key(seed: &[u8; 32]) -> (Vec<u8>, Vec<u8>, KeyId) {
    let mut pk = vec![0u8; KAT_FW_ALG.public_key_len()];
    let mut sk = vec![0u8; KAT_FW_ALG.secret_key_len()];
    KAT_FW_ALG
        .keypair_from_seed(seed, &mut pk, &mut sk)
        .expect("KAT firmware key derivation");
    let id = key_id(KAT_FW_ALG, &pk).expect("KAT firmware key id");
    (pk, sk, id)
}

impl KatPolicy {
    /// Derives the anchors (a few milliseconds; build it once per process).
    #[must_use]
    pub fn new() -> Self {
        let root = kat_key(&KAT_ROOT_SEED).2;
        let revoked = kat_key(&KAT_REVOKED_SEED).2;
        let root_b = kat_key(&[0x70; 32]).2;
        let ecdsa_alg = SignatureAlgorithm::MlDsa65EcdsaP256Sha512;
        let mut pk = vec![0u8; ecdsa_alg.public_key_len()];
        let mut sk = vec![0u8; ecdsa_alg.secret_key_len()];
        ecdsa_alg
            .keypair_from_seed(&[0x80; 32], &mut pk, &mut sk)
            .expect("KAT ecdsa-signer key derivation");
        let ecdsa = key_id(ecdsa_alg, &pk).expect("KAT firmware key id");
        Self {
            anchors: vec![
                TrustAnchor::active(root),
                TrustAnchor::revoked(revoked),
                TrustAnchor::active(root_b),
                TrustAnchor::active(ecdsa),
            ],
            device_class: DeviceClass(KAT_DEVICE_CLASS),
        }
    }

    /// The trust anchors.
    #[must_use]
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> Policy<'_> {
        let mut p = Policy::new(&self.anchors, self.device_class);
        p.min_security_version = KAT_MIN_SECURITY_VERSION;
        p.allowed = AlgorithmSet::HYBRID_ONLY;
        p.endorse_allowed = AlgorithmSet::HYBRID_ONLY;
        p
    }
}

impl Default for KatPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `e` is an error a decoder or verifier may return for bad input about `field`
/// (wrong length, malformed encoding, key failing validation).
#[must_use]
pub fn is_input_error(e: &Error, field: Field) -> bool {
    match e {
        Error::InvalidLength { field: f, .. }
        | Error::MalformedEncoding { field: f }
        | Error::InvalidKey { field: f } => *f == field,
        _ => false,
    }
}

/// Whether `e` is an error [`SignatureAlgorithm::verify`] documents.
#[must_use]
pub fn is_verify_error(e: &Error) -> bool {
    matches!(
        e,
        Error::InvalidLength {
            field: Field::PublicKey | Field::Signature,
            ..
        } | Error::MalformedEncoding {
            field: Field::PublicKey | Field::Signature,
        } | Error::InvalidKey {
            field: Field::PublicKey,
        } | Error::ContextTooLong { .. }
            | Error::ContextNotSupported
            | Error::VerificationFailed
    )
}

/// Splits `msg` into chunks whose sizes come from `plan` (cycled; a plan byte `b` gives a chunk
/// of `b` bytes, 0 meaning an empty chunk; an empty plan gives one chunk).
#[must_use]
pub fn chunks<'a>(msg: &'a [u8], plan: &[u8]) -> Vec<&'a [u8]> {
    if plan.is_empty() {
        return vec![msg];
    }
    let mut out = Vec::new();
    let mut rest = msg;
    let mut i = 0usize;
    // Bounded: at most 4 empty chunks in a row are emitted, then a 1-byte chunk is forced.
    let mut empties = 0;
    while !rest.is_empty() {
        let mut n = usize::from(plan[i % plan.len()]);
        i += 1;
        if n == 0 {
            empties += 1;
            if empties > 4 {
                n = 1;
                empties = 0;
            }
        }
        // Scale big plan bytes so that large inputs are not cut into thousands of pieces.
        if n > 200 {
            n = (n - 200) * 257;
        }
        let (head, tail) = rest.split_at(n.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// The byte output buffers are filled with before a C ABI call, to check that nothing is
/// written on error.
pub const CANARY: u8 = 0xa5;

/// An input buffer for a C ABI call: exactly `len` bytes on the heap (so AddressSanitizer sees
/// any read past the length), or a NULL pointer with the same length.
#[derive(Clone, Debug)]
pub struct InArg {
    buf: Vec<u8>,
    null: bool,
}

impl InArg {
    /// `content`, passed as NULL if `null`.
    #[must_use]
    pub fn new(content: &[u8], null: bool) -> Self {
        Self {
            buf: content.to_vec(),
            null,
        }
    }

    /// The pointer to pass.
    #[must_use]
    pub fn ptr(&self) -> *const u8 {
        if self.null {
            core::ptr::null()
        } else {
            self.buf.as_ptr()
        }
    }

    /// The length to pass.
    #[must_use]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether the length is 0.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The slice the callee must see, or `None` for a NULL pointer with a non-zero length
    /// (which must be rejected).
    #[must_use]
    pub fn slice(&self) -> Option<&[u8]> {
        match (self.null, self.buf.is_empty()) {
            (true, false) => None,
            (true, true) => Some(&[]),
            (false, _) => Some(&self.buf),
        }
    }
}

/// An output buffer for a C ABI call: exactly `len` bytes on the heap, filled with [`CANARY`],
/// or a NULL pointer with that length.
#[derive(Clone, Debug)]
pub struct OutArg {
    buf: Vec<u8>,
    null: bool,
}

impl OutArg {
    /// A buffer of `len` canary bytes, passed as NULL if `null`.
    #[must_use]
    pub fn new(len: usize, null: bool) -> Self {
        Self {
            buf: vec![CANARY; len],
            null,
        }
    }

    /// The pointer to pass.
    pub fn ptr(&mut self) -> *mut u8 {
        if self.null {
            core::ptr::null_mut()
        } else {
            self.buf.as_mut_ptr()
        }
    }

    /// The length to pass.
    #[must_use]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether the length is 0.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Whether the callee may use the buffer (not NULL with a non-zero length).
    #[must_use]
    pub fn usable(&self) -> bool {
        !(self.null && !self.buf.is_empty())
    }

    /// Whether every byte is still the canary.
    #[must_use]
    pub fn untouched(&self) -> bool {
        self.buf.iter().all(|&b| b == CANARY)
    }

    /// The buffer's bytes.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// An output length chosen by the fuzzer around `needed`: exact, short by 1..=needed, a little
/// long, or anything up to about twice the need.
#[must_use]
pub fn out_len(needed: usize, choice: u8, extra: u16) -> usize {
    let extra = usize::from(extra);
    match choice % 4 {
        0 => needed,
        1 => needed.saturating_sub(1 + extra % (needed + 1)),
        2 => needed + extra % 64,
        _ => extra % (2 * needed + 2),
    }
}

/// A generator that always fails (to drive the RNG error paths).
#[derive(Clone, Copy, Debug, Default)]
pub struct FailRng;

impl TryRng for FailRng {
    type Error = Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Err(Error::Rng)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Err(Error::Rng)
    }

    fn try_fill_bytes(&mut self, _dst: &mut [u8]) -> Result<(), Self::Error> {
        Err(Error::Rng)
    }
}

impl TryCryptoRng for FailRng {}

/// The state behind the C RNG callback [`rng_callback`]: the fuzzer's bytes, or failure.
#[derive(Debug)]
pub struct CallbackState<'a> {
    /// The generator the callback draws from.
    pub rng: FuzzRng<'a>,
    /// Whether the callback fails (returns -1) instead.
    pub fail: bool,
}

/// A `pqh_rng_fn` over a [`CallbackState`] passed as `ctx`.
///
/// # Safety
/// `ctx` must point to a live `CallbackState`, `out` to `len` writable bytes.
pub unsafe extern "C" fn rng_callback(
    ctx: *mut core::ffi::c_void,
    out: *mut u8,
    len: usize,
) -> core::ffi::c_int {
    // SAFETY: the caller passes the `CallbackState` it owns as `ctx`.
    let state = unsafe { &mut *ctx.cast::<CallbackState<'_>>() };
    if state.fail {
        return -1;
    }
    if len == 0 {
        return 0;
    }
    assert!(
        !out.is_null(),
        "RNG callback called with NULL and a non-zero length"
    );
    // SAFETY: the library passes a buffer of `len` writable bytes.
    let buf = unsafe { core::slice::from_raw_parts_mut(out, len) };
    let _ = state.rng.try_fill_bytes(buf);
    0
}

/// The statuses the public-key import functions (`pqh_sig_public_key_from_spki/_pem`,
/// `pqh_kem_public_key_from_spki/_pem`, `ffi/src/spki.rs`) document; any other is a bug.
pub const KEY_IMPORT_STATUSES: [pqhybrid_ffi::pqh_status; 6] = {
    use pqhybrid_ffi::pqh_status::*;
    [
        PQH_OK,
        PQH_ERR_NULL_POINTER,
        PQH_ERR_MALFORMED_ENCODING,
        PQH_ERR_INVALID_LENGTH,
        PQH_ERR_UNKNOWN_ALGORITHM,
        PQH_ERR_BUFFER_TOO_SMALL,
    ]
};

/// A C public-key import function (`der`/`pem`, its length, `alg_out`, `pk`, `pk_cap`,
/// `pk_len`), with the algorithm output seen as the `u32` it is in C.
pub type KeyImportFn<'a> =
    &'a dyn Fn(*const u8, usize, *mut u32, *mut u8, usize, *mut usize) -> pqhybrid_ffi::pqh_status;

/// What the Rust API makes of a public-key document: the algorithm and the raw key, or the
/// status the C import must return for it. `pem`: the document is PEM text, else DER.
///
/// # Errors
/// The status of a document the Rust decoder rejects (text that is not UTF-8 is malformed).
pub fn decode_key_document(
    doc: &[u8],
    pem: bool,
) -> Result<(pqhybrid::encoding::Algorithm, Vec<u8>), pqhybrid_ffi::pqh_status> {
    use pqhybrid_ffi::pqh_status;
    if pem {
        let text = core::str::from_utf8(doc).map_err(|_| pqh_status::PQH_ERR_MALFORMED_ENCODING)?;
        pqhybrid::encoding::decode_public_key_pem(text).map_err(pqh_status::from)
    } else {
        pqhybrid::encoding::decode_public_key(doc)
            .map(|k| (k.algorithm, k.key.to_vec()))
            .map_err(pqh_status::from)
    }
}

/// The DER `SubjectPublicKeyInfo` (or, with `pem`, its PEM armour) of the raw key `key`.
///
/// # Panics
/// If `key` is not `alg`'s public-key length.
#[must_use]
pub fn key_document(alg: pqhybrid::encoding::Algorithm, key: &[u8], pem: bool) -> Vec<u8> {
    use pqhybrid::encoding::{encode_public_key, encode_public_key_pem, public_key_der_len};
    if pem {
        encode_public_key_pem(alg, key)
            .expect("PEM-encoding a key of the right length")
            .into_bytes()
    } else {
        let mut der = vec![0u8; public_key_der_len(alg)];
        let n = encode_public_key(alg, key, &mut der).expect("encoding a key of the right length");
        der.truncate(n);
        der
    }
}

/// Which pointers of a key import are NULL.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyImportNulls {
    /// The document (`der` / `pem`).
    pub doc: bool,
    /// `alg_out`.
    pub alg: bool,
    /// The key buffer `pk`.
    pub pk: bool,
    /// `pk_len`.
    pub len: bool,
}

impl KeyImportNulls {
    /// Whether any pointer is NULL (then the call must fail, whatever the document).
    #[must_use]
    pub fn any(self) -> bool {
        self.doc || self.alg || self.pk || self.len
    }
}

/// The sentinel `alg_out` holds before a key import (no algorithm has this C value).
pub const ALG_SENTINEL: u32 = 0xdead_beef;

/// Calls a C public-key import function on `doc` with a key buffer of `cap` bytes and the
/// pointers `nulls` names set to NULL, and checks it against the Rust decoder:
///
/// * no caught panic, and a status from [`KEY_IMPORT_STATUSES`];
/// * with every pointer valid, the status the Rust API gives (its decoding error, unknown
///   algorithm when `c_value` names no algorithm of this function's kind, buffer too small);
///   with a NULL pointer, an error;
/// * on success: `*alg_out` is the algorithm's C value, `*pk_len` is exactly the algorithm's
///   public-key length, the key is the decoded one and nothing past it is written; the key
///   re-encodes (DER and PEM) into documents that import again to the same algorithm and key,
///   and a DER input re-encodes to itself byte for byte (strict DER);
/// * on error: nothing is written (`alg_out`, `pk`, `pk_len` keep their sentinels).
///
/// `c_value(alg)` is the C value the function writes for `alg`, or `None` for an algorithm of
/// the other kind. `der` and `pem` are this kind's two import functions; `pem` says which one
/// `doc` is for.
///
/// # Panics
/// When an invariant does not hold.
#[allow(clippy::too_many_arguments)]
pub fn check_key_import(
    what: &str,
    der: KeyImportFn<'_>,
    pem_fn: KeyImportFn<'_>,
    pem: bool,
    doc: &[u8],
    cap: usize,
    nulls: KeyImportNulls,
    c_value: &dyn Fn(pqhybrid::encoding::Algorithm) -> Option<u32>,
) {
    use pqhybrid_ffi::pqh_status::*;
    let call = if pem { pem_fn } else { der };
    let input = InArg::new(doc, nulls.doc);
    let mut pk = OutArg::new(cap, nulls.pk);
    let mut alg_out: u32 = ALG_SENTINEL;
    let mut pk_len: usize = usize::MAX;
    let alg_ptr: *mut u32 = if nulls.alg {
        core::ptr::null_mut()
    } else {
        &raw mut alg_out
    };
    let len_ptr: *mut usize = if nulls.len {
        core::ptr::null_mut()
    } else {
        &raw mut pk_len
    };
    let got = call(
        input.ptr(),
        input.len(),
        alg_ptr,
        pk.ptr(),
        pk.len(),
        len_ptr,
    );
    assert_ne!(
        got, PQH_ERR_INTERNAL,
        "{what}: internal error (caught panic)"
    );
    assert!(
        KEY_IMPORT_STATUSES.contains(&got),
        "{what}: undocumented status {got:?}"
    );

    let decoded = decode_key_document(doc, pem);
    if nulls.any() {
        assert_ne!(got, PQH_OK, "{what}: accepted a NULL pointer");
    } else {
        let want = match &decoded {
            Err(e) => *e,
            Ok((alg, key)) => match c_value(*alg) {
                None => PQH_ERR_UNKNOWN_ALGORITHM,
                Some(_) if cap < key.len() => PQH_ERR_BUFFER_TOO_SMALL,
                Some(_) => PQH_OK,
            },
        };
        assert_eq!(got, want, "{what}: status differs from the Rust decoder");
    }

    if got != PQH_OK {
        assert!(pk.untouched(), "{what}: key written on error {got:?}");
        assert_eq!(alg_out, ALG_SENTINEL, "{what}: algorithm written on error");
        assert_eq!(pk_len, usize::MAX, "{what}: length written on error");
        return;
    }
    let Ok((alg, key)) = decoded else {
        panic!("{what}: the C import accepted a document the Rust decoder rejects");
    };
    assert_eq!(Some(alg_out), c_value(alg), "{what}: algorithm value");
    assert_eq!(pk_len, alg.public_key_len(), "{what}: key length");
    assert_eq!(&pk.bytes()[..pk_len], &key[..], "{what}: key bytes");
    assert!(
        pk.bytes()[pk_len..].iter().all(|&b| b == CANARY),
        "{what}: written past the key"
    );

    // Round trip: re-export the imported key and import it again, both ways.
    let reencoded = key_document(alg, &key, pem);
    if !pem {
        assert_eq!(
            reencoded, doc,
            "{alg}: the SPKI does not re-encode to itself"
        );
    }
    for (f, as_pem) in [(der, false), (pem_fn, true)] {
        let again = key_document(alg, &key, as_pem);
        let mut pk2 = vec![0u8; alg.public_key_len()];
        let (mut alg2, mut len2) = (ALG_SENTINEL, usize::MAX);
        let st = f(
            again.as_ptr(),
            again.len(),
            &raw mut alg2,
            pk2.as_mut_ptr(),
            pk2.len(),
            &raw mut len2,
        );
        assert_eq!(
            st, PQH_OK,
            "{alg}: re-exported key (pem: {as_pem}) not imported"
        );
        assert_eq!(
            (alg2, len2),
            (alg_out, pk_len),
            "{alg}: round trip (pem: {as_pem})"
        );
        assert_eq!(pk2, key, "{alg}: round-trip key (pem: {as_pem})");
    }
}

/// One fuzzer edit of an encoded document, from `edit` (`[pos_lo, pos_hi, xor, mode, ..]`): the
/// byte at `pos` (modulo the length) XORed with `xor`, or with an odd `mode` the document cut at
/// `pos`. Fewer than three bytes: no edit.
pub fn edit_document(doc: &mut Vec<u8>, edit: &[u8]) {
    if doc.is_empty() {
        return;
    }
    if let [p0, p1, x, rest @ ..] = edit {
        let pos = usize::from(u16::from_le_bytes([*p0, *p1])) % doc.len();
        if rest.first().is_some_and(|m| m & 1 == 1) {
            doc.truncate(pos);
        } else {
            doc[pos] ^= *x;
        }
    }
}

/// The C value (`pqh_sig_alg`) of `alg`: its id in the core table (`None` if it has none).
#[must_use]
pub fn sig_c_value(alg: SignatureAlgorithm) -> Option<u8> {
    (0..=u8::MAX).find(|&v| SignatureAlgorithm::from_id(u16::from(v)) == Some(alg))
}

/// The C value (`pqh_kem_alg`) of `alg`: its id in the core table (`None` if it has none).
#[must_use]
pub fn kem_c_value(alg: pqhybrid::KemAlgorithm) -> Option<u8> {
    (0..=u8::MAX).find(|&v| pqhybrid::KemAlgorithm::from_id(u16::from(v)) == Some(alg))
}

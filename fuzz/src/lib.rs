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

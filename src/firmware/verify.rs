//! The streaming verifier: `no_std`, no allocation, bounded stack, any chunking.

use crate::SignatureAlgorithm;
use crate::error::{Error, Result};
use crate::message::ZeroPadded;

use super::format::{Header, SignatureBlock, all_zero};
use super::{
    AlgorithmSet, DEFAULT_MAX_SECURITY_VERSION, DEFAULT_TRAILER_CAPACITY, DeviceClass,
    FIXED_HEADER_LEN, FORMAT_VERSION_1, FirmwareError, IMAGE_CONTEXT, ImageVersion, KeyId,
    MAX_HEADER_LEN, PayloadHasher, fw, key_id,
};

/// The state of a trust-anchor slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyState {
    /// The key (or the root endorsing release keys) is trusted.
    Active,
    /// The key is revoked: images it signed, or that a root in this state endorsed, are
    /// rejected even if another slot lists the same id as active.
    Revoked,
}

/// A trust anchor: a key id and its state. 32 bytes plus a state bit per slot, so a device can
/// keep its anchors in OTP or a locked flash page and revoke a slot by burning its bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TrustAnchor {
    /// The key id ([`key_id`](super::key_id)).
    pub key_id: KeyId,
    /// Whether it is active or revoked.
    pub state: KeyState,
}

impl TrustAnchor {
    /// An active anchor.
    #[must_use]
    pub const fn active(key_id: KeyId) -> Self {
        Self {
            key_id,
            state: KeyState::Active,
        }
    }

    /// A revoked anchor.
    #[must_use]
    pub const fn revoked(key_id: KeyId) -> Self {
        Self {
            key_id,
            state: KeyState::Revoked,
        }
    }
}

/// What a device accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy<'a> {
    /// The trust anchors: image signing keys trusted directly, and roots trusted to endorse
    /// release keys. A revoked slot vetoes its key id in either role.
    pub trust_anchors: &'a [TrustAnchor],
    /// The lowest security version that boots (the device's anti-rollback counter).
    pub min_security_version: u64,
    /// The largest security version the device's counter can store (default
    /// [`DEFAULT_MAX_SECURITY_VERSION`], a 32-bit counter): higher ones are rejected with
    /// [`FirmwareError::SecurityVersionTooLarge`] instead of being truncated when stored. Never
    /// store a value the counter cannot represent.
    pub max_security_version: u64,
    /// The device's class; images for other classes are rejected.
    pub device_class: DeviceClass,
    /// The algorithms accepted for image signatures (by a directly trusted key or by an
    /// endorsed release key).
    pub allowed: AlgorithmSet,
    /// The algorithms a root may endorse release keys with. Separate from [`Self::allowed`], so
    /// that a policy can say "SLH-DSA roots, hybrid-only images" without letting the root's
    /// algorithm sign images.
    pub endorse_allowed: AlgorithmSet,
    /// Whether format-version-1 images are accepted (their endorsements are not scoped to
    /// device classes and their ECDSA signatures may have a high `s`). Default `false`; set it
    /// only while a fleet still has to boot images signed before version 2.
    pub accept_v1: bool,
    /// Whether images with an encrypted payload (header flag bit 2) are accepted. Default
    /// `false`: such an image is then rejected with [`FirmwareError::EncryptedNotAccepted`] as
    /// soon as its fixed header is in, before any payload is hashed or any signature checked.
    ///
    /// The signature covers the stored (encrypted) bytes, so an encrypted image verifies like
    /// any other; but its payload is ciphertext, not code. A bootloader that does not decrypt
    /// (and would boot or install the verified payload as it is) must never install ciphertext
    /// as code, so accepting encrypted images is an explicit opt-in for verifiers that go on
    /// to decrypt the payload with a [`Decryptor`](super::Decryptor) (and check
    /// [`VerifiedImage::is_encrypted`]).
    pub accept_encrypted: bool,
}

impl<'a> Policy<'a> {
    /// A policy with the given anchors and device class, minimum security version 0, maximum
    /// [`DEFAULT_MAX_SECURITY_VERSION`], every firmware algorithm allowed for images and for
    /// endorsements, version-2 images only, and no encrypted images
    /// ([`Self::accept_encrypted`] `false`).
    #[must_use]
    pub const fn new(trust_anchors: &'a [TrustAnchor], device_class: DeviceClass) -> Self {
        Self {
            trust_anchors,
            min_security_version: 0,
            max_security_version: DEFAULT_MAX_SECURITY_VERSION,
            device_class,
            allowed: AlgorithmSet::ALL,
            endorse_allowed: AlgorithmSet::ALL,
            accept_v1: false,
            accept_encrypted: false,
        }
    }

    /// The state of `id`: `Revoked` if any slot revokes it, else `Active` if a slot lists it,
    /// else `None`.
    #[must_use]
    pub fn key_state(&self, id: &KeyId) -> Option<KeyState> {
        let mut state = None;
        for a in self.trust_anchors.iter().filter(|a| a.key_id == *id) {
            match a.state {
                KeyState::Revoked => return Some(KeyState::Revoked),
                KeyState::Active => state = Some(KeyState::Active),
            }
        }
        state
    }

    /// Whether the policy allows `alg` for image signatures and this build has it (see
    /// [`SignatureAlgorithm::is_enabled`]; a compiled-out algorithm is not allowed).
    fn allows(&self, alg: SignatureAlgorithm) -> bool {
        self.allowed.contains(alg) && alg.is_enabled()
    }

    /// Whether the policy allows a root of algorithm `alg` to endorse, and this build has it.
    fn allows_root(&self, alg: SignatureAlgorithm) -> bool {
        self.endorse_allowed.contains(alg) && alg.is_enabled()
    }

    fn check_not_revoked(&self, id: &KeyId) -> Result<()> {
        match self.key_state(id) {
            Some(KeyState::Revoked) => fw(FirmwareError::RevokedKey),
            _ => Ok(()),
        }
    }

    fn check_trusted(&self, id: &KeyId) -> Result<()> {
        match self.key_state(id) {
            Some(KeyState::Active) => Ok(()),
            Some(KeyState::Revoked) => fw(FirmwareError::RevokedKey),
            None => fw(FirmwareError::UnknownKey),
        }
    }

    /// The checks that need only the fixed header, in this order: format version 1 accepted,
    /// encrypted payload accepted, trailer capacity, device class, rollback, counter range, algorithm, revocation of the
    /// signer, trust in the signer (without delegation) or, with delegation, that the signer is
    /// not itself an anchor.
    fn check_header(&self, header: &Header, trailer_capacity: usize) -> Result<()> {
        if header.format_version == FORMAT_VERSION_1 && !self.accept_v1 {
            return fw(FirmwareError::UnsupportedVersion);
        }
        if header.encrypted && !self.accept_encrypted {
            return fw(FirmwareError::EncryptedNotAccepted);
        }
        if usize::try_from(header.trailer_len).map_or(true, |n| n > trailer_capacity) {
            return fw(FirmwareError::TrailerTooLarge);
        }
        if header.device_class != self.device_class {
            return fw(FirmwareError::WrongDeviceClass);
        }
        if header.security_version < self.min_security_version {
            return fw(FirmwareError::Rollback);
        }
        if header.security_version > self.max_security_version {
            return fw(FirmwareError::SecurityVersionTooLarge);
        }
        if !self.allows(header.algorithm) {
            return fw(FirmwareError::AlgorithmNotAllowed);
        }
        self.check_not_revoked(&header.signer_key_id)?;
        if header.delegated {
            // One level of delegation: a root cannot endorse another root, or itself.
            if self.key_state(&header.signer_key_id).is_some() {
                return fw(FirmwareError::EndorsedAnchor);
            }
        } else {
            self.check_trusted(&header.signer_key_id)?;
        }
        Ok(())
    }
}

/// An endorsement that a verified image relied on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delegation {
    /// The endorsing root's algorithm.
    pub root_algorithm: SignatureAlgorithm,
    /// The endorsing root's key id (an active trust anchor).
    pub root_key_id: KeyId,
    /// The lowest security version the release key may sign.
    pub min_security_version: u64,
    /// The highest security version the release key may sign.
    pub max_security_version: u64,
    /// The algorithms the release key may use.
    pub allowed: AlgorithmSet,
}

/// A verified image's manifest: only [`Verifier::finish`] (or [`Verifier::finish_in_place`])
/// makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedImage {
    header: Header,
    delegation: Option<Delegation>,
    image_id: [u8; 32],
    record_digest: Option<[u8; 32]>,
}

impl VerifiedImage {
    /// The image id: SHA-256 of the whole signed header (`header_len` bytes). The header
    /// commits to the payload digest, the security version, the signer and the signature
    /// block's length, so this identifies the image; a hash of the file does not (the
    /// signature block is outside the signature, and hedged signing gives a new one each time).
    #[must_use]
    pub fn image_id(&self) -> [u8; 32] {
        self.image_id
    }

    /// The payload digest the header carries and the payload was checked against
    /// ([`DigestAlgorithm::output_len`](super::DigestAlgorithm::output_len) bytes). A
    /// bootloader that copies the payload elsewhere after verification can re-check the copy
    /// against it.
    #[must_use]
    pub fn payload_digest(&self) -> &[u8] {
        self.header.payload_digest()
    }

    /// The whole (verified) header.
    #[must_use]
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The security version (write it to the device's anti-rollback counter once the image
    /// is confirmed good).
    #[must_use]
    pub fn security_version(&self) -> u64 {
        self.header.security_version
    }

    /// The image version.
    #[must_use]
    pub fn version(&self) -> ImageVersion {
        self.header.version
    }

    /// The device class.
    #[must_use]
    pub fn device_class(&self) -> DeviceClass {
        self.header.device_class
    }

    /// The image signature algorithm.
    #[must_use]
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.header.algorithm
    }

    /// The id of the key that signed the image.
    #[must_use]
    pub fn signer_key_id(&self) -> KeyId {
        self.header.signer_key_id
    }

    /// The payload length; the payload is at `header().header_len ..` in the image.
    #[must_use]
    pub fn payload_len(&self) -> u32 {
        self.header.payload_len
    }

    /// The SBOM digest, if recorded.
    #[must_use]
    pub fn sbom_digest(&self) -> Option<[u8; 32]> {
        self.header.sbom_digest
    }

    /// Whether the signer was trusted through an endorsement.
    #[must_use]
    pub fn is_delegated(&self) -> bool {
        self.delegation.is_some()
    }

    /// The endorsement the signer was trusted through, if any.
    #[must_use]
    pub fn delegation(&self) -> Option<&Delegation> {
        self.delegation.as_ref()
    }

    /// Whether the payload is encrypted (header flag bit 2): do not boot it in place;
    /// decrypt it with [`Decryptor`](super::Decryptor).
    #[must_use]
    pub fn is_encrypted(&self) -> bool {
        self.header.encrypted
    }

    /// For an encrypted payload: SHA-256 of its encryption record as it was read during this
    /// verification. The [`Decryptor`](super::Decryptor) compares the record it reads again
    /// with it, so a record swapped between the two reads of the image is refused.
    #[must_use]
    pub fn encryption_record_digest(&self) -> Option<[u8; 32]> {
        self.record_digest
    }
}

/// SHA-256 of the encryption record at the start of an encrypted payload, computed while the
/// payload streams by: the first 8 bytes give the record's length, the rest is hashed up to it.
#[derive(Clone)]
pub(crate) struct RecordDigest {
    head: [u8; 8],
    seen: usize,
    len: Option<usize>,
    hasher: sha2::Sha256,
}

impl RecordDigest {
    pub(crate) fn new() -> Self {
        use sha2::Digest as _;
        Self {
            head: [0; 8],
            seen: 0,
            len: None,
            hasher: sha2::Sha256::new(),
        }
    }

    /// Absorbs the next payload bytes (those past the record are ignored).
    pub(crate) fn absorb(&mut self, mut bytes: &[u8]) {
        use sha2::Digest as _;
        while !bytes.is_empty() {
            let limit = self.len.unwrap_or(self.head.len());
            let Some(want) = limit.checked_sub(self.seen).filter(|w| *w > 0) else {
                return;
            };
            let n = want.min(bytes.len());
            let (now, rest) = bytes.split_at(n);
            if self.len.is_none()
                && let Some(dst) = self.head.get_mut(self.seen..self.seen + n)
            {
                dst.copy_from_slice(now);
            }
            self.hasher.update(now);
            self.seen += n;
            if self.len.is_none() && self.seen == self.head.len() {
                // A record shorter than its own length field, or without its magic, never
                // completes: `digest` is then `None`.
                self.len = Some(match self.head {
                    [m0, m1, m2, m3, _, _, lo, hi]
                        if [m0, m1, m2, m3] == super::ENCRYPTION_RECORD_MAGIC =>
                    {
                        Some(usize::from(u16::from_le_bytes([lo, hi])))
                            .filter(|l| *l >= 8)
                            .unwrap_or(usize::MAX)
                    }
                    _ => usize::MAX,
                });
            }
            bytes = rest;
        }
    }

    /// The record's digest, if the whole declared record was absorbed.
    pub(crate) fn digest(&self) -> Option<[u8; 32]> {
        use sha2::Digest as _;
        match self.len {
            Some(len) if len != usize::MAX && self.seen == len => {
                Some(self.hasher.clone().finalize().into())
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Fixed,
    Padding,
    Payload,
    Trailer,
    Done,
}

/// Verifies an image streamed in chunks of any size (including empty ones), for example
/// straight from flash in a bootloader. Allocates nothing: the 192-byte fixed header is buffered
/// inline, the signature block in the trailer buffer `B` (its length is the trailer capacity, see
/// [`required_trailer_capacity`](super::required_trailer_capacity)), and the payload is only
/// hashed.
///
/// The trailer buffer is inline by default (`[u8; DEFAULT_TRAILER_CAPACITY]`, or `[u8; N]` with
/// [`Self::with_capacity`]), or any caller buffer with [`Self::with_buffer`]: a `&mut [u8]` in a
/// static or a C state (the verifier value is then about 1 KiB, cheap to build and move on a
/// small stack), or a `Vec<u8>`/`Box<[u8]>` on a host.
///
/// Errors found in the header (bad magic or version, malformed fields, an encrypted payload
/// the policy does not accept, wrong device class,
/// rollback, algorithm not allowed, revoked or unknown signer, trailer too large) are returned
/// by the [`Self::update`] call that completes the fixed header; every error sticks and is
/// returned again by later calls and by [`Self::finish`]. The result does not depend on how the
/// image is split into chunks.
///
/// The checks of [`Self::finish`], in order: completeness ([`FirmwareError::Truncated`]),
/// signature-block structure, key id, endorsement (root algorithm allowed, root trusted,
/// release algorithm allowed by the endorsement, security version in range, root signature),
/// payload digest, image signature.
pub struct Verifier<'a, B = [u8; DEFAULT_TRAILER_CAPACITY]> {
    policy: &'a Policy<'a>,
    phase: Phase,
    fixed: [u8; FIXED_HEADER_LEN],
    fixed_filled: usize,
    /// Bytes left in the padding or payload phase.
    remaining: u64,
    header: Option<Header>,
    hasher: Option<PayloadHasher>,
    /// The encryption record's digest, for an encrypted payload.
    record: Option<RecordDigest>,
    trailer: B,
    trailer_filled: usize,
    trailer_len: usize,
    /// Bytes received so far.
    fed: u64,
    /// The slot length, if the caller feeds a whole slot ([`Self::set_slot_len`]).
    slot_len: Option<u64>,
    error: Option<Error>,
}

impl<'a> Verifier<'a> {
    /// A verifier with the default trailer capacity ([`DEFAULT_TRAILER_CAPACITY`]).
    #[must_use]
    pub fn new(policy: &'a Policy<'a>) -> Self {
        Self::with_capacity(policy)
    }
}

impl<'a, const TRAILER_CAPACITY: usize> Verifier<'a, [u8; TRAILER_CAPACITY]> {
    /// A verifier with an inline trailer buffer of `TRAILER_CAPACITY` bytes
    /// (`Verifier::<'_, [u8; 65536]>::with_capacity(&policy)`).
    #[must_use]
    pub fn with_capacity(policy: &'a Policy<'a>) -> Self {
        Self::with_buffer(policy, [0u8; TRAILER_CAPACITY])
    }
}

impl<'a, B: AsRef<[u8]> + AsMut<[u8]>> Verifier<'a, B> {
    /// A verifier that buffers the signature block in `trailer`: the trailer capacity is
    /// `trailer.as_ref().len()` (an image whose signature block is longer is
    /// [`FirmwareError::TrailerTooLarge`]). Its content is ignored and overwritten.
    ///
    /// For a verifier in caller memory (a static, the C API's state) pass a `&mut [u8]` that
    /// lives there: the verifier itself is then small, so building it costs little stack.
    #[must_use]
    pub fn with_buffer(policy: &'a Policy<'a>, trailer: B) -> Self {
        Self {
            policy,
            phase: Phase::Fixed,
            fixed: [0u8; FIXED_HEADER_LEN],
            fixed_filled: 0,
            remaining: 0,
            header: None,
            hasher: None,
            record: None,
            trailer,
            trailer_filled: 0,
            trailer_len: 0,
            fed: 0,
            slot_len: None,
            error: None,
        }
    }

    /// The header, once the fixed header has been received and passed the header checks.
    /// **Unverified** until [`Self::finish`] succeeds: nothing in it is authenticated yet (use
    /// [`VerifiedImage::header`] for the verified one).
    #[must_use]
    pub fn unverified_header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// The image's total length (`header_len + payload_len + trailer_len`), once the fixed
    /// header has been received and passed the header checks (so `trailer_len` is within the
    /// capacity), else `None`. **Unverified** until [`Self::finish`] succeeds: a caller that
    /// uses it to decide how much to read must bound it by its slot size (or tell the verifier
    /// the slot size with [`Self::set_slot_len`], which does that check).
    #[must_use]
    pub fn expected_len(&self) -> Option<u64> {
        match (&self.header, self.error) {
            (Some(h), None) => Some(h.image_len()),
            _ => None,
        }
    }

    /// Tells the verifier that the input is a whole slot of `slot_len` bytes (for example a
    /// flash partition): an image longer than the slot is rejected
    /// ([`FirmwareError::ImageExceedsSlot`]) as soon as its header is in, bytes after the
    /// image's end are ignored (the erased tail of the slot) instead of being
    /// [`FirmwareError::LengthMismatch`], and more than `slot_len` bytes in all are
    /// [`FirmwareError::LengthMismatch`]. Call it before the first [`Self::update`]; a later
    /// call applies the same checks to what was already received.
    ///
    /// # Errors
    /// [`FirmwareError::ImageExceedsSlot`] or [`FirmwareError::LengthMismatch`] (sticky), or a
    /// sticky error from before.
    pub fn set_slot_len(&mut self, slot_len: u64) -> Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.slot_len = Some(slot_len);
        let r = self.check_slot();
        if let Err(e) = r {
            self.error = Some(e);
        }
        r
    }

    fn check_slot(&self) -> Result<()> {
        let Some(slot) = self.slot_len else {
            return Ok(());
        };
        if self.header.is_some_and(|h| h.image_len() > slot) {
            return fw(FirmwareError::ImageExceedsSlot);
        }
        if self.fed > slot {
            return fw(FirmwareError::LengthMismatch);
        }
        Ok(())
    }

    /// Copies `src` into `dst` (equal lengths), then verifies the copy: the verify-while-copying
    /// pattern for a bootloader that loads an image from external or execute-in-place flash into
    /// internal memory. What is hashed is what was written to `dst`, so a flash device that
    /// returns different bytes on a second read cannot make the booted copy differ from the
    /// verified one. Boot from the copy only after [`Self::finish`] succeeds.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (field [`Field::Plaintext`](crate::error::Field::Plaintext)) if
    /// the lengths differ (nothing copied, not sticky), else as [`Self::update`].
    pub fn update_copy(&mut self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        crate::error::check_len(crate::error::Field::Plaintext, src.len(), dst.len())?;
        dst.copy_from_slice(src);
        self.update(dst)
    }

    /// Absorbs the next chunk of the image.
    ///
    /// # Errors
    /// A header-level [`FirmwareError`] (see the type documentation),
    /// [`FirmwareError::ReservedNonZero`] for non-zero header padding, or
    /// [`FirmwareError::LengthMismatch`] for bytes past the end of the image. Errors stick.
    pub fn update(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.fed = self
            .fed
            .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        // The header's own checks (ImageExceedsSlot among them) come before the byte count.
        let r = self.absorb(chunk).and_then(|()| self.check_slot());
        if let Err(e) = r {
            self.error = Some(e);
        }
        r
    }

    fn absorb(&mut self, mut chunk: &[u8]) -> Result<()> {
        while !chunk.is_empty() {
            let n = match self.phase {
                Phase::Fixed => {
                    let dst = self.fixed.get_mut(self.fixed_filled..).unwrap_or_default();
                    let n = dst.len().min(chunk.len());
                    copy_prefix(dst, chunk, n)?;
                    self.fixed_filled += n;
                    if self.fixed_filled == FIXED_HEADER_LEN {
                        self.on_header()?;
                    }
                    n
                }
                Phase::Padding => {
                    let n = self.step(chunk.len());
                    if !all_zero(chunk.get(..n).unwrap_or_default()) {
                        return fw(FirmwareError::ReservedNonZero);
                    }
                    self.consume(n);
                    n
                }
                Phase::Payload => {
                    let n = self.step(chunk.len());
                    let bytes = chunk.get(..n).unwrap_or_default();
                    if let Some(h) = self.hasher.as_mut() {
                        h.update(bytes);
                    }
                    if let Some(r) = self.record.as_mut() {
                        r.absorb(bytes);
                    }
                    self.consume(n);
                    n
                }
                Phase::Trailer => {
                    let dst = self
                        .trailer
                        .as_mut()
                        .get_mut(self.trailer_filled..self.trailer_len)
                        .unwrap_or_default();
                    let n = dst.len().min(chunk.len());
                    copy_prefix(dst, chunk, n)?;
                    self.trailer_filled += n;
                    if self.trailer_filled == self.trailer_len {
                        self.phase = Phase::Done;
                    }
                    n
                }
                // In a slot, the bytes after the image are the slot's tail: ignored (the total
                // is bounded by the slot length in `update`).
                Phase::Done if self.slot_len.is_some() => chunk.len(),
                Phase::Done => return fw(FirmwareError::LengthMismatch),
            };
            chunk = chunk.get(n..).unwrap_or_default();
        }
        Ok(())
    }

    /// How much of a chunk of `len` bytes the padding or payload phase takes.
    fn step(&self, len: usize) -> usize {
        usize::try_from(self.remaining).map_or(len, |r| r.min(len))
    }

    fn consume(&mut self, n: usize) {
        self.remaining = self.remaining.saturating_sub(n as u64);
        if self.remaining == 0 {
            self.advance();
        }
    }

    /// Moves past the current (finished) phase and any empty phases after it.
    fn advance(&mut self) {
        let Some(header) = self.header else {
            return;
        };
        loop {
            match self.phase {
                Phase::Fixed => {
                    self.phase = Phase::Padding;
                    self.remaining =
                        u64::from(header.header_len).saturating_sub(FIXED_HEADER_LEN as u64);
                }
                Phase::Padding => {
                    self.phase = Phase::Payload;
                    self.remaining = u64::from(header.payload_len);
                }
                Phase::Payload => {
                    self.phase = Phase::Trailer;
                    self.trailer_filled = 0;
                    if self.trailer_len == 0 {
                        self.phase = Phase::Done;
                    }
                    return;
                }
                Phase::Trailer | Phase::Done => return,
            }
            if self.remaining != 0 {
                return;
            }
        }
    }

    fn on_header(&mut self) -> Result<()> {
        let header = Header::parse(&self.fixed)?;
        self.policy
            .check_header(&header, self.trailer.as_ref().len())?;
        if self.slot_len.is_some_and(|slot| header.image_len() > slot) {
            return fw(FirmwareError::ImageExceedsSlot);
        }
        self.trailer_len = usize::try_from(header.trailer_len)
            .map_err(|_| Error::Firmware(FirmwareError::TrailerTooLarge))?;
        self.hasher = Some(PayloadHasher::new(header.digest_algorithm));
        self.record = header.encrypted.then(RecordDigest::new);
        self.header = Some(header);
        self.advance();
        Ok(())
    }

    /// Finishes verification.
    ///
    /// # Errors
    /// A sticky error from [`Self::update`], [`FirmwareError::Truncated`] if the image is
    /// incomplete, or the errors of the final checks (see the type documentation).
    pub fn finish(mut self) -> Result<VerifiedImage> {
        self.finish_in_place()
    }

    /// [`Self::finish`] without moving the verifier: for a verifier that lives in a static or
    /// in caller-provided memory (a bootloader, the C API), where moving the whole state (its
    /// inline trailer buffer included) onto the stack would cost its capacity in stack.
    /// The result is the same as [`Self::finish`]'s; calling it again repeats the final checks
    /// and returns the same result, and [`Self::update`] fails once the image is complete.
    ///
    /// # Errors
    /// As [`Self::finish`].
    pub fn finish_in_place(&mut self) -> Result<VerifiedImage> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let (Phase::Done, Some(header), Some(hasher)) =
            (self.phase, self.header.as_ref(), self.hasher.as_ref())
        else {
            return fw(FirmwareError::Truncated);
        };
        let trailer = self
            .trailer
            .as_ref()
            .get(..self.trailer_len)
            .ok_or(Error::Firmware(FirmwareError::TrailerTooLarge))?;
        let verified = check_image(self.policy, header, &self.fixed, hasher.clone(), trailer)?;
        match &self.record {
            None => Ok(verified),
            Some(r) => {
                // Signed, but the payload does not start with a whole record: a signer bug,
                // refused here rather than by the decryptor.
                let digest = r
                    .digest()
                    .ok_or(Error::Firmware(FirmwareError::BadEncryptionRecord))?;
                Ok(VerifiedImage {
                    record_digest: Some(digest),
                    ..verified
                })
            }
        }
    }
}

/// Copies the first `n` bytes of `src` to the start of `dst`.
fn copy_prefix(dst: &mut [u8], src: &[u8], n: usize) -> Result<()> {
    match (dst.get_mut(..n), src.get(..n)) {
        (Some(d), Some(s)) => {
            d.copy_from_slice(s);
            Ok(())
        }
        _ => fw(FirmwareError::Malformed),
    }
}

/// The checks that need the whole image. Its own frame: the signature verifiers' stack use is
/// not added to the caller's.
#[inline(never)]
fn check_image(
    policy: &Policy<'_>,
    header: &Header,
    fixed: &[u8; FIXED_HEADER_LEN],
    hasher: PayloadHasher,
    trailer: &[u8],
) -> Result<VerifiedImage> {
    let block = SignatureBlock::parse(trailer, header)?;
    if key_id(block.algorithm, block.public_key)? != header.signer_key_id {
        return fw(FirmwareError::KeyIdMismatch);
    }
    // Version 2: one encoding of the signature block (no ECDSA s ↔ n − s twin).
    let strict = header.format_version != FORMAT_VERSION_1;
    if strict && !block.algorithm.is_canonical_signature(block.signature) {
        return fw(FirmwareError::NonCanonicalSignature);
    }
    let delegation = match &block.endorsement {
        Some(e) => {
            if !policy.allows_root(e.root_algorithm) {
                return fw(FirmwareError::AlgorithmNotAllowed);
            }
            let root_key_id = e.root_key_id()?;
            policy.check_trusted(&root_key_id)?;
            if !e.allowed.contains(header.algorithm) {
                return fw(FirmwareError::AlgorithmNotAllowed);
            }
            if !e.covers_class(&header.device_class) {
                return fw(FirmwareError::ClassNotEndorsed);
            }
            if !e.covers(header.security_version) {
                return fw(FirmwareError::DelegationOutOfRange);
            }
            if strict && !e.root_algorithm.is_canonical_signature(e.signature) {
                return fw(FirmwareError::NonCanonicalSignature);
            }
            e.verify(block.algorithm, block.public_key)?;
            Some(Delegation {
                root_algorithm: e.root_algorithm,
                root_key_id,
                min_security_version: e.min_security_version,
                max_security_version: e.max_security_version,
                allowed: e.allowed,
            })
        }
        None => {
            policy.check_trusted(&header.signer_key_id)?;
            None
        }
    };
    if hasher.finalize() != header.payload_digest {
        return fw(FirmwareError::DigestMismatch);
    }
    // The signed message is the whole header: the fixed part, then the (checked) zero padding,
    // streamed into the hash instead of being put together in a buffer (up to 4 KiB of stack).
    let padding = usize::from(header.header_len)
        .checked_sub(FIXED_HEADER_LEN)
        .filter(|_| usize::from(header.header_len) <= MAX_HEADER_LEN)
        .ok_or(Error::Firmware(FirmwareError::BadHeaderLength))?;
    let msg = ZeroPadded {
        head: fixed,
        zeros: padding,
    };
    block
        .algorithm
        .verify_zero_padded(block.public_key, msg, IMAGE_CONTEXT, block.signature)
        .map_err(|_| Error::Firmware(FirmwareError::BadSignature))?;
    Ok(VerifiedImage {
        header: *header,
        delegation,
        image_id: header_digest(fixed, padding),
        record_digest: None,
    })
}

/// SHA-256 of the whole header: the fixed part, then `padding` zero bytes.
fn header_digest(fixed: &[u8; FIXED_HEADER_LEN], padding: usize) -> [u8; 32] {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(fixed);
    let zeros = [0u8; 64];
    let mut left = padding;
    while left > 0 {
        let n = left.min(zeros.len());
        h.update(zeros.get(..n).unwrap_or_default());
        left -= n;
    }
    h.finalize().into()
}

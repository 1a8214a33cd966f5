//! Signing images and endorsing release keys, into caller-provided buffers.

use crate::SignatureAlgorithm;
use crate::error::{Error, Field, Result, out_buf};
use crate::rng::{FixedBytes, TryCryptoRng};

use super::format::{
    Endorsement, Header, MAX_TBS_LEN, Tbs, Writer, endorsement_tbs, header_len_ok,
};
use super::{
    AlgorithmSet, DEFAULT_MAX_SECURITY_VERSION, DeviceClass, DigestAlgorithm, ENDORSE_ANY_CLASS,
    ENDORSE_CONTEXT, FIXED_HEADER_LEN, FORMAT_VERSION, FirmwareError, IMAGE_CONTEXT, ImageVersion,
    MAX_ENDORSED_CLASSES, PayloadHasher, TRAILER_MAGIC, algorithm_sizes, endorsement_len, fw,
    key_id, require_id, trailer_len,
};

/// Hedged (with an RNG) or deterministic signing.
enum Rnd<'a, R: ?Sized> {
    Hedged(&'a mut R),
    Deterministic,
}

fn sign_with<R: TryCryptoRng + ?Sized>(
    alg: SignatureAlgorithm,
    sk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    rnd: &mut Rnd<'_, R>,
    out: &mut [u8],
) -> Result<usize> {
    match rnd {
        Rnd::Hedged(rng) => alg.sign(sk, msg, ctx, *rng, out),
        Rnd::Deterministic => alg.sign_deterministic(sk, msg, ctx, out),
    }
}

/// The public key of `sk` into a stack buffer; returns the buffer and the key length.
fn public_key(
    alg: SignatureAlgorithm,
    sk: &[u8],
) -> Result<([u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN], usize)> {
    let mut pk = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
    alg.public_key_from_secret(sk, &mut pk)?;
    Ok((pk, algorithm_sizes(alg).0))
}

/// What the signer puts in the header besides the payload digest and the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageParams {
    /// The anti-rollback counter.
    pub security_version: u64,
    /// The informational image version.
    pub version: ImageVersion,
    /// The device class the image is for.
    pub device_class: DeviceClass,
    /// The payload digest algorithm.
    pub digest: DigestAlgorithm,
    /// SHA-256 of the SBOM, to record in the header.
    pub sbom_digest: Option<[u8; 32]>,
    /// The header length (≥ 192, a multiple of 8, ≤ 4096): where the payload starts, for
    /// example 1024 to keep an execute-in-place vector table aligned.
    pub header_len: u16,
    /// The largest security version the signer writes (default
    /// [`DEFAULT_MAX_SECURITY_VERSION`], what a 32-bit device counter holds); above it signing
    /// fails with [`FirmwareError::SecurityVersionTooLarge`]. Raise it only for devices whose
    /// counter is wider.
    pub security_version_limit: u64,
    /// Whether the payload given to the signer is an encrypted payload from
    /// [`encrypt_payload`](super::encrypt::encrypt_payload) (sets header flag bit 2). Default
    /// `false`.
    pub encrypted: bool,
}

impl ImageParams {
    /// Parameters with version 0.0.0+0, SHA-256 payload digest, no SBOM, a 192-byte header and
    /// the default security-version limit.
    #[must_use]
    pub const fn new(device_class: DeviceClass, security_version: u64) -> Self {
        Self {
            security_version,
            version: ImageVersion {
                major: 0,
                minor: 0,
                revision: 0,
                build: 0,
            },
            device_class,
            digest: DigestAlgorithm::Sha256,
            sbom_digest: None,
            header_len: FIXED_HEADER_LEN as u16,
            security_version_limit: DEFAULT_MAX_SECURITY_VERSION,
            encrypted: false,
        }
    }
}

/// The lengths of a signed image's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedLengths {
    /// Header length (the payload's offset).
    pub header_len: usize,
    /// Payload length.
    pub payload_len: usize,
    /// Signature-block length.
    pub trailer_len: usize,
}

impl SignedLengths {
    /// The whole image's length.
    #[must_use]
    pub fn image_len(&self) -> usize {
        self.header_len + self.payload_len + self.trailer_len
    }
}

/// Signs an image whose payload is streamed: [`Self::update`] with the payload in chunks,
/// then [`Self::finish`] (or [`Self::finish_deterministic`]) writes the header and the
/// signature block into caller buffers. The image is `header ‖ payload ‖ trailer`.
#[derive(Clone)]
pub struct ImageSigner {
    params: ImageParams,
    hasher: PayloadHasher,
    payload_len: u64,
}

impl core::fmt::Debug for ImageSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ImageSigner")
            .field("params", &self.params)
            .field("payload_len", &self.payload_len)
            .finish_non_exhaustive()
    }
}

impl ImageSigner {
    /// Starts an image.
    ///
    /// # Errors
    /// [`FirmwareError::BadHeaderLength`], [`FirmwareError::SecurityVersionTooLarge`] (above
    /// [`ImageParams::security_version_limit`]).
    pub fn new(params: &ImageParams) -> Result<Self> {
        if !header_len_ok(params.header_len) {
            return fw(FirmwareError::BadHeaderLength);
        }
        if params.security_version > params.security_version_limit {
            return fw(FirmwareError::SecurityVersionTooLarge);
        }
        Ok(Self {
            params: *params,
            hasher: PayloadHasher::new(params.digest),
            payload_len: 0,
        })
    }

    /// Absorbs the next payload chunk.
    ///
    /// # Errors
    /// [`FirmwareError::LengthMismatch`] if the payload would exceed `u32::MAX` bytes.
    pub fn update(&mut self, chunk: &[u8]) -> Result<()> {
        let len = u64::try_from(chunk.len())
            .ok()
            .and_then(|n| self.payload_len.checked_add(n))
            .filter(|&n| n <= u64::from(u32::MAX))
            .ok_or(Error::Firmware(FirmwareError::LengthMismatch))?;
        self.hasher.update(chunk);
        self.payload_len = len;
        Ok(())
    }

    /// The payload length so far.
    #[must_use]
    pub fn payload_len(&self) -> u64 {
        self.payload_len
    }

    /// Signs with private key `sk` of `alg` (the agile layer's canonical form), hedged with
    /// `rng`. `endorsement` is a record from [`endorse`] for this key, required when the key
    /// is trusted through a root rather than directly. Writes the header (`header_len` bytes)
    /// to the start of `header_out` and the signature block
    /// ([`trailer_len`](super::trailer_len)`(alg, endorsement.len())` bytes) to the start of
    /// `trailer_out`.
    ///
    /// # Errors
    /// [`FirmwareError::AlgorithmNotAllowed`] (not a firmware algorithm, or not allowed by the
    /// endorsement), [`FirmwareError::DelegationOutOfRange`] (security version outside the
    /// endorsement), [`FirmwareError::ClassNotEndorsed`] (the endorsement does not list the
    /// device class), [`FirmwareError::EndorsedAnchor`] (the endorsement is the key's own),
    /// [`FirmwareError::BadSignature`] (the endorsement is not for this key),
    /// the errors of [`Endorsement::parse`], [`Error::BufferTooSmall`] (field
    /// [`Field::Signature`]), and the agile layer's key and signing errors.
    pub fn finish<R: TryCryptoRng + ?Sized>(
        self,
        alg: SignatureAlgorithm,
        sk: &[u8],
        endorsement: Option<&[u8]>,
        rng: &mut R,
        header_out: &mut [u8],
        trailer_out: &mut [u8],
    ) -> Result<SignedLengths> {
        self.finish_impl(
            alg,
            sk,
            endorsement,
            &mut Rnd::Hedged(rng),
            header_out,
            trailer_out,
        )
    }

    /// [`Self::finish`] with deterministic signing (reproducible images, known-answer files).
    ///
    /// # Errors
    /// As [`Self::finish`], without [`Error::Rng`].
    pub fn finish_deterministic(
        self,
        alg: SignatureAlgorithm,
        sk: &[u8],
        endorsement: Option<&[u8]>,
        header_out: &mut [u8],
        trailer_out: &mut [u8],
    ) -> Result<SignedLengths> {
        self.finish_impl::<FixedBytes<'_>>(
            alg,
            sk,
            endorsement,
            &mut Rnd::Deterministic,
            header_out,
            trailer_out,
        )
    }

    fn finish_impl<R: TryCryptoRng + ?Sized>(
        self,
        alg: SignatureAlgorithm,
        sk: &[u8],
        endorsement: Option<&[u8]>,
        rnd: &mut Rnd<'_, R>,
        header_out: &mut [u8],
        trailer_out: &mut [u8],
    ) -> Result<SignedLengths> {
        let id = require_id(alg)?;
        let (pk_buf, pk_len) = public_key(alg, sk)?;
        let pk = pk_buf
            .get(..pk_len)
            .ok_or(Error::Firmware(FirmwareError::Malformed))?;
        if let Some(record) = endorsement {
            let e = Endorsement::parse(record, FORMAT_VERSION)?;
            if !e.allowed.contains(alg) {
                return fw(FirmwareError::AlgorithmNotAllowed);
            }
            if !e.covers_class(&self.params.device_class) {
                return fw(FirmwareError::ClassNotEndorsed);
            }
            if !e.covers(self.params.security_version) {
                return fw(FirmwareError::DelegationOutOfRange);
            }
            if same_signing_key(e.root_algorithm, e.root_public_key, alg, pk) {
                return fw(FirmwareError::EndorsedAnchor);
            }
            e.verify(alg, pk)?;
        }
        let record = endorsement.unwrap_or_default();
        let t_len = trailer_len(alg, record.len());
        let header_len = usize::from(self.params.header_len);
        let payload_len = usize::try_from(self.payload_len)
            .map_err(|_| Error::Firmware(FirmwareError::LengthMismatch))?;
        let header_out = out_buf(Field::Signature, header_out, header_len)?;
        let trailer_out = out_buf(Field::Signature, trailer_out, t_len)?;

        let header = Header {
            format_version: FORMAT_VERSION,
            header_len: self.params.header_len,
            payload_len: u32::try_from(self.payload_len)
                .map_err(|_| Error::Firmware(FirmwareError::LengthMismatch))?,
            algorithm: alg,
            digest_algorithm: self.params.digest,
            security_version: self.params.security_version,
            version: self.params.version,
            device_class: self.params.device_class,
            signer_key_id: key_id(alg, pk)?,
            payload_digest: self.hasher.finalize(),
            sbom_digest: self.params.sbom_digest,
            delegated: endorsement.is_some(),
            encrypted: self.params.encrypted,
            trailer_len: u32::try_from(t_len)
                .map_err(|_| Error::Firmware(FirmwareError::TrailerTooLarge))?,
        };
        header.encode(header_out)?;

        let (_, max_sig) = algorithm_sizes(alg);
        let mut w = Writer::new(trailer_out);
        w.put(&TRAILER_MAGIC)?;
        w.put(&id.to_le_bytes())?;
        w.put(&len_u16(pk_len)?.to_le_bytes())?;
        w.put(pk)?;
        let len_field = w.position();
        w.put(&[0, 0])?;
        let slot = w.reserve(max_sig)?;
        let n = sign_with(alg, sk, header_out, IMAGE_CONTEXT, rnd, slot)?;
        slot.get_mut(n..).unwrap_or_default().fill(0);
        w.put(record)?;
        let sig_len = len_u16(n)?.to_le_bytes();
        trailer_out
            .get_mut(len_field..len_field + 2)
            .ok_or(Error::Firmware(FirmwareError::Malformed))?
            .copy_from_slice(&sig_len);
        Ok(SignedLengths {
            header_len,
            payload_len,
            trailer_len: t_len,
        })
    }
}

/// Whether two keys are the same (algorithm and public key): an endorsement of the root's own
/// key. One of them is derived from the private key being used, so the comparison runs on data
/// that the secret-taint harness still marks secret, although it is published (the signer's
/// public key is in the signature block, the root's in the endorsement): a function of its own,
/// not inlined, named by the harness suppression `fw-own-key-comparison`.
#[inline(never)]
fn same_signing_key(
    a_alg: SignatureAlgorithm,
    a_pk: &[u8],
    b_alg: SignatureAlgorithm,
    b_pk: &[u8],
) -> bool {
    a_alg == b_alg && a_pk == b_pk
}

fn len_u16(n: usize) -> Result<u16> {
    u16::try_from(n).map_err(|_| Error::Firmware(FirmwareError::Malformed))
}

/// Signs a whole image in one call: writes `header ‖ payload ‖ trailer` to the start of `out`
/// and returns its length. Arguments and errors as [`ImageSigner::finish`].
///
/// # Errors
/// As [`ImageSigner::new`], [`ImageSigner::update`] and [`ImageSigner::finish`].
#[allow(clippy::too_many_arguments)]
pub fn sign_image<R: TryCryptoRng + ?Sized>(
    params: &ImageParams,
    payload: &[u8],
    alg: SignatureAlgorithm,
    sk: &[u8],
    endorsement: Option<&[u8]>,
    rng: &mut R,
    out: &mut [u8],
) -> Result<usize> {
    sign_image_impl(
        params,
        payload,
        alg,
        sk,
        endorsement,
        &mut Rnd::Hedged(rng),
        out,
    )
}

/// [`sign_image`] with deterministic signing.
///
/// # Errors
/// As [`sign_image`], without [`Error::Rng`].
pub fn sign_image_deterministic(
    params: &ImageParams,
    payload: &[u8],
    alg: SignatureAlgorithm,
    sk: &[u8],
    endorsement: Option<&[u8]>,
    out: &mut [u8],
) -> Result<usize> {
    sign_image_impl::<FixedBytes<'_>>(
        params,
        payload,
        alg,
        sk,
        endorsement,
        &mut Rnd::Deterministic,
        out,
    )
}

fn sign_image_impl<R: TryCryptoRng + ?Sized>(
    params: &ImageParams,
    payload: &[u8],
    alg: SignatureAlgorithm,
    sk: &[u8],
    endorsement: Option<&[u8]>,
    rnd: &mut Rnd<'_, R>,
    out: &mut [u8],
) -> Result<usize> {
    let mut signer = ImageSigner::new(params)?;
    signer.update(payload)?;
    let header_len = usize::from(params.header_len);
    let t_len = trailer_len(alg, endorsement.map_or(0, <[u8]>::len));
    let total = header_len
        .checked_add(payload.len())
        .and_then(|n| n.checked_add(t_len))
        .ok_or(Error::Firmware(FirmwareError::LengthMismatch))?;
    let out = out_buf(Field::Signature, out, total)?;
    let (header_out, rest) = out.split_at_mut(header_len);
    let (payload_out, trailer_out) = rest.split_at_mut(payload.len());
    payload_out.copy_from_slice(payload);
    let lens = signer.finish_impl(alg, sk, endorsement, rnd, header_out, trailer_out)?;
    Ok(lens.image_len())
}

/// The device classes an endorsement covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassScope<'a> {
    /// Every device class (the record's [`ENDORSE_ANY_CLASS`] flag): for a root that serves
    /// one product line only, or a release key that signs for all of them.
    Any,
    /// These classes only: 1 to [`MAX_ENDORSED_CLASSES`] of them.
    Only(&'a [DeviceClass]),
}

/// What an endorsement grants a release key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndorsementParams<'a> {
    /// The lowest security version the release key may sign.
    pub min_security_version: u64,
    /// The highest security version the release key may sign.
    pub max_security_version: u64,
    /// The algorithms the release key may use (must contain its own).
    pub allowed: AlgorithmSet,
    /// The device classes the release key may sign for.
    pub classes: ClassScope<'a>,
    /// The largest security version the endorsement may name (default
    /// [`DEFAULT_MAX_SECURITY_VERSION`]): a `min` or `max` above it fails with
    /// [`FirmwareError::SecurityVersionTooLarge`].
    pub security_version_limit: u64,
}

impl<'a> EndorsementParams<'a> {
    /// Security versions `min..=max`, the algorithms `allowed`, the classes `classes` and the
    /// default security-version limit.
    #[must_use]
    pub const fn new(min: u64, max: u64, allowed: AlgorithmSet, classes: ClassScope<'a>) -> Self {
        Self {
            min_security_version: min,
            max_security_version: max,
            allowed,
            classes,
            security_version_limit: DEFAULT_MAX_SECURITY_VERSION,
        }
    }
}

/// Endorses release key `release_pk` (of `release_alg`) with root private key `root_sk` (of
/// `root_alg`) for what `params` grants (security versions, algorithms, device classes). Writes
/// the version-2 endorsement record to the start of `out` (which must hold
/// [`endorsement_len`]`(root_alg, number of classes)` bytes; [`endorsement_max_len`](super::endorsement_max_len)
/// holds any) and returns its length. Hedged with `rng`.
///
/// # Errors
/// [`FirmwareError::AlgorithmNotAllowed`] (a non-firmware algorithm, or `release_alg` not in
/// `allowed`), [`FirmwareError::DelegationOutOfRange`] (`min > max`),
/// [`FirmwareError::SecurityVersionTooLarge`] (`min` or `max` above the limit),
/// [`FirmwareError::Malformed`] (no class, or more than [`MAX_ENDORSED_CLASSES`]),
/// [`FirmwareError::EndorsedAnchor`] (the release key is the root key),
/// [`Error::InvalidLength`] (`release_pk`), [`Error::BufferTooSmall`], and the agile layer's
/// key and signing errors.
pub fn endorse<R: TryCryptoRng + ?Sized>(
    root_alg: SignatureAlgorithm,
    root_sk: &[u8],
    release_alg: SignatureAlgorithm,
    release_pk: &[u8],
    params: &EndorsementParams<'_>,
    rng: &mut R,
    out: &mut [u8],
) -> Result<usize> {
    endorse_impl(
        root_alg,
        root_sk,
        release_alg,
        release_pk,
        params,
        &mut Rnd::Hedged(rng),
        out,
    )
}

/// [`endorse`] with deterministic signing.
///
/// # Errors
/// As [`endorse`], without [`Error::Rng`].
pub fn endorse_deterministic(
    root_alg: SignatureAlgorithm,
    root_sk: &[u8],
    release_alg: SignatureAlgorithm,
    release_pk: &[u8],
    params: &EndorsementParams<'_>,
    out: &mut [u8],
) -> Result<usize> {
    endorse_impl::<FixedBytes<'_>>(
        root_alg,
        root_sk,
        release_alg,
        release_pk,
        params,
        &mut Rnd::Deterministic,
        out,
    )
}

fn endorse_impl<R: TryCryptoRng + ?Sized>(
    root_alg: SignatureAlgorithm,
    root_sk: &[u8],
    release_alg: SignatureAlgorithm,
    release_pk: &[u8],
    params: &EndorsementParams<'_>,
    rnd: &mut Rnd<'_, R>,
    out: &mut [u8],
) -> Result<usize> {
    let root_id = require_id(root_alg)?;
    require_id(release_alg)?;
    let (min, max, allowed) = (
        params.min_security_version,
        params.max_security_version,
        params.allowed,
    );
    if !allowed.contains(release_alg) {
        return fw(FirmwareError::AlgorithmNotAllowed);
    }
    if min > max {
        return fw(FirmwareError::DelegationOutOfRange);
    }
    if max > params.security_version_limit {
        return fw(FirmwareError::SecurityVersionTooLarge);
    }
    // The classes, concatenated.
    let mut class_bytes = [0u8; 16 * MAX_ENDORSED_CLASSES];
    let (any_class, n_classes) = match params.classes {
        ClassScope::Any => (true, 0),
        ClassScope::Only(list) => {
            if list.is_empty() || list.len() > MAX_ENDORSED_CLASSES {
                return fw(FirmwareError::Malformed);
            }
            for (dst, c) in class_bytes.chunks_exact_mut(16).zip(list) {
                dst.copy_from_slice(&c.0);
            }
            (false, list.len())
        }
    };
    let classes = class_bytes
        .get(..16 * n_classes)
        .ok_or(Error::Firmware(FirmwareError::Malformed))?;
    let mut tbs = [0u8; MAX_TBS_LEN];
    let tbs_len = endorsement_tbs(
        &Tbs {
            version: FORMAT_VERSION,
            root_alg,
            release_alg,
            release_pk,
            min,
            max,
            allowed,
            any_class,
            classes,
        },
        &mut tbs,
    )?;
    let tbs = tbs
        .get(..tbs_len)
        .ok_or(Error::Firmware(FirmwareError::Malformed))?;
    let (pk_buf, pk_len) = public_key(root_alg, root_sk)?;
    let root_pk = pk_buf
        .get(..pk_len)
        .ok_or(Error::Firmware(FirmwareError::Malformed))?;
    if same_signing_key(root_alg, root_pk, release_alg, release_pk) {
        return fw(FirmwareError::EndorsedAnchor);
    }
    let (_, max_sig) = algorithm_sizes(root_alg);
    let out = out_buf(Field::Signature, out, endorsement_len(root_alg, n_classes))?;
    let mut w = Writer::new(out);
    w.put(&root_id.to_le_bytes())?;
    w.put(&len_u16(pk_len)?.to_le_bytes())?;
    w.put(root_pk)?;
    w.put(&min.to_le_bytes())?;
    w.put(&max.to_le_bytes())?;
    w.put(&allowed.bits().to_le_bytes())?;
    w.put(&[
        if any_class { ENDORSE_ANY_CLASS } else { 0 },
        n_classes as u8,
    ])?;
    w.put(classes)?;
    let len_field = w.position();
    w.put(&[0, 0])?;
    let slot = w.reserve(max_sig)?;
    let n = sign_with(root_alg, root_sk, tbs, ENDORSE_CONTEXT, rnd, slot)?;
    slot.get_mut(n..).unwrap_or_default().fill(0);
    out.get_mut(len_field..len_field + 2)
        .ok_or(Error::Firmware(FirmwareError::Malformed))?
        .copy_from_slice(&len_u16(n)?.to_le_bytes());
    Ok(len_field + 2 + n)
}

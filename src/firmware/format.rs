//! The byte format: the header, the signature block (trailer) and the endorsement record,
//! parsed strictly (every length bounded, every reserved bit zero, nothing left over) and
//! encoded. Byte for byte in `docs/firmware-format.md`.

use crate::SignatureAlgorithm;
use crate::error::{Error, Field, Result, out_buf};

use super::{
    AlgorithmSet, DeviceClass, DigestAlgorithm, ENDORSE_ANY_CLASS, ENDORSE_CONTEXT,
    ENDORSE_CONTEXT_V1, ENDORSE_TBS_PREFIX, ENDORSE_TBS_PREFIX_V1, FIXED_HEADER_LEN,
    FLAG_DELEGATION, FLAG_ENCRYPTED, FLAG_SBOM, FORMAT_VERSION, FORMAT_VERSION_1, FirmwareError,
    HEADER_MAGIC, ImageVersion, KeyId, MAX_ENDORSED_CLASSES, MAX_HEADER_LEN, TRAILER_MAGIC,
    algorithm_from_id, algorithm_id, algorithm_sizes, fw, key_id,
};

/// The longest endorsement to-be-signed data: prefix, two algorithm ids, the release key's
/// length and bytes, min, max, allowed, then (version 2) the scope flags, the class count and
/// the classes.
pub(crate) const MAX_TBS_LEN: usize = ENDORSE_TBS_PREFIX.len()
    + 2
    + 2
    + 2
    + SignatureAlgorithm::MAX_PUBLIC_KEY_LEN
    + 8
    + 8
    + 4
    + 2
    + 16 * MAX_ENDORSED_CLASSES;

/// A bounds-checked little-endian reader; running out of input fails with `err`.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    err: FirmwareError,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], err: FirmwareError) -> Self {
        Self { buf, err }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let (head, rest) = self
            .buf
            .split_at_checked(n)
            .ok_or(Error::Firmware(self.err))?;
        self.buf = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let bytes = self.take(N)?;
        bytes.try_into().map_err(|_| Error::Firmware(self.err))
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf
    }
}

/// A bounds-checked writer into a buffer already checked to be long enough; an overrun still
/// fails cleanly with [`Error::BufferTooSmall`].
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.pos.checked_add(bytes.len());
        let actual = self.buf.len();
        let dst =
            end.and_then(|end| self.buf.get_mut(self.pos..end))
                .ok_or(Error::BufferTooSmall {
                    field: Field::Signature,
                    needed: end.unwrap_or(usize::MAX),
                    actual,
                })?;
        dst.copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    /// The next `n` bytes, for a callee to fill; the position moves past them.
    pub(crate) fn reserve(&mut self, n: usize) -> Result<&mut [u8]> {
        let start = self.pos;
        let end = start.checked_add(n);
        let actual = self.buf.len();
        let dst =
            end.and_then(|end| self.buf.get_mut(start..end))
                .ok_or(Error::BufferTooSmall {
                    field: Field::Signature,
                    needed: end.unwrap_or(usize::MAX),
                    actual,
                })?;
        self.pos = start + n;
        Ok(dst)
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }
}

/// The header of a firmware image, decoded. Parsing checks structure only (magic, version,
/// lengths, known ids, zero reserved bits); nothing in it is trusted until a
/// [`Verifier`](super::Verifier) has checked the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The format version: [`FORMAT_VERSION`] (2), or [`FORMAT_VERSION_1`] for a legacy image.
    pub format_version: u16,
    /// Total header length: 192 fixed bytes plus zero padding; a multiple of 8, at most 4096.
    /// The payload starts at this offset.
    pub header_len: u16,
    /// Payload length in bytes.
    pub payload_len: u32,
    /// The signature algorithm (header id at offset 12).
    pub algorithm: SignatureAlgorithm,
    /// The payload digest algorithm.
    pub digest_algorithm: DigestAlgorithm,
    /// The anti-rollback counter.
    pub security_version: u64,
    /// The informational image version.
    pub version: ImageVersion,
    /// The device class the image is for.
    pub device_class: DeviceClass,
    /// The key id of the key that signed the image.
    pub signer_key_id: KeyId,
    /// The payload digest, zero-padded to 64 bytes ([`Self::payload_digest`] gives the digest).
    pub payload_digest: [u8; 64],
    /// SHA-256 of the image's SBOM, if recorded (flag bit 0).
    pub sbom_digest: Option<[u8; 32]>,
    /// Whether the signature block carries an endorsement (flag bit 1).
    pub delegated: bool,
    /// Whether the payload is encrypted (flag bit 2): an encryption record followed by the
    /// encrypted chunks ([`crate::firmware::encrypt`]). The payload digest is over these
    /// stored bytes, so a verifier without the key checks the signature as for any image.
    pub encrypted: bool,
    /// Length of the signature block that follows the payload.
    pub trailer_len: u32,
}

impl Header {
    /// Parses the fixed header (the first 192 bytes of `bytes`; the padding up to
    /// `header_len` is not looked at). Checks, in this order: length, magic, format version,
    /// `header_len`, algorithm id, digest id, flags, digest padding, SBOM digest, reserved bytes.
    ///
    /// # Errors
    /// [`FirmwareError::Truncated`] (fewer than 192 bytes), [`FirmwareError::BadMagic`],
    /// [`FirmwareError::UnsupportedVersion`], [`FirmwareError::BadHeaderLength`],
    /// [`FirmwareError::UnknownAlgorithm`], [`FirmwareError::UnknownDigest`],
    /// [`FirmwareError::ReservedNonZero`].
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let fixed = bytes
            .get(..FIXED_HEADER_LEN)
            .ok_or(Error::Firmware(FirmwareError::Truncated))?;
        let mut r = Reader::new(fixed, FirmwareError::Truncated);
        if r.take(4)? != HEADER_MAGIC {
            return fw(FirmwareError::BadMagic);
        }
        let format_version = r.u16()?;
        if format_version != FORMAT_VERSION && format_version != FORMAT_VERSION_1 {
            return fw(FirmwareError::UnsupportedVersion);
        }
        let header_len = r.u16()?;
        if !header_len_ok(header_len) {
            return fw(FirmwareError::BadHeaderLength);
        }
        let payload_len = r.u32()?;
        let algorithm =
            algorithm_from_id(r.u16()?).ok_or(Error::Firmware(FirmwareError::UnknownAlgorithm))?;
        let digest_algorithm = DigestAlgorithm::from_id(r.u8()?)
            .ok_or(Error::Firmware(FirmwareError::UnknownDigest))?;
        let flags = r.u8()?;
        if flags & !(FLAG_SBOM | FLAG_DELEGATION | FLAG_ENCRYPTED) != 0 {
            return fw(FirmwareError::ReservedNonZero);
        }
        let security_version = r.u64()?;
        let version = ImageVersion {
            major: r.u8()?,
            minor: r.u8()?,
            revision: r.u16()?,
            build: r.u32()?,
        };
        let device_class = DeviceClass(r.array()?);
        let signer_key_id = KeyId(r.array()?);
        let payload_digest: [u8; 64] = r.array()?;
        let pad = payload_digest
            .get(digest_algorithm.output_len()..)
            .unwrap_or(&[]);
        if !all_zero(pad) {
            return fw(FirmwareError::ReservedNonZero);
        }
        let sbom: [u8; 32] = r.array()?;
        let sbom_digest = if flags & FLAG_SBOM != 0 {
            Some(sbom)
        } else if all_zero(&sbom) {
            None
        } else {
            return fw(FirmwareError::ReservedNonZero);
        };
        let trailer_len = r.u32()?;
        if !all_zero(r.take(12)?) {
            return fw(FirmwareError::ReservedNonZero);
        }
        Ok(Self {
            format_version,
            header_len,
            payload_len,
            algorithm,
            digest_algorithm,
            security_version,
            version,
            device_class,
            signer_key_id,
            payload_digest,
            sbom_digest,
            delegated: flags & FLAG_DELEGATION != 0,
            encrypted: flags & FLAG_ENCRYPTED != 0,
            trailer_len,
        })
    }

    /// The flags byte (offset 15).
    #[must_use]
    pub fn flags(&self) -> u8 {
        let mut f = 0;
        if self.sbom_digest.is_some() {
            f |= FLAG_SBOM;
        }
        if self.delegated {
            f |= FLAG_DELEGATION;
        }
        if self.encrypted {
            f |= FLAG_ENCRYPTED;
        }
        f
    }

    /// The payload digest ([`DigestAlgorithm::output_len`] bytes).
    #[must_use]
    pub fn payload_digest(&self) -> &[u8] {
        self.payload_digest
            .get(..self.digest_algorithm.output_len())
            .unwrap_or(&self.payload_digest)
    }

    /// Offset of the signature block: `header_len + payload_len`.
    #[must_use]
    pub fn trailer_offset(&self) -> u64 {
        u64::from(self.header_len) + u64::from(self.payload_len)
    }

    /// Total image length: `header_len + payload_len + trailer_len`.
    #[must_use]
    pub fn image_len(&self) -> u64 {
        self.trailer_offset() + u64::from(self.trailer_len)
    }

    /// The 192 fixed bytes.
    ///
    /// # Errors
    /// [`FirmwareError::AlgorithmNotAllowed`] if [`Self::algorithm`] has no firmware id,
    /// [`FirmwareError::UnsupportedVersion`] for a version other than 1 and 2.
    pub fn encode_fixed(&self) -> Result<[u8; FIXED_HEADER_LEN]> {
        let alg = algorithm_id(self.algorithm)
            .ok_or(Error::Firmware(FirmwareError::AlgorithmNotAllowed))?;
        if self.format_version != FORMAT_VERSION && self.format_version != FORMAT_VERSION_1 {
            return fw(FirmwareError::UnsupportedVersion);
        }
        let mut out = [0u8; FIXED_HEADER_LEN];
        let mut w = Writer::new(&mut out);
        w.put(&HEADER_MAGIC)?;
        w.put(&self.format_version.to_le_bytes())?;
        w.put(&self.header_len.to_le_bytes())?;
        w.put(&self.payload_len.to_le_bytes())?;
        w.put(&alg.to_le_bytes())?;
        w.put(&[self.digest_algorithm.id(), self.flags()])?;
        w.put(&self.security_version.to_le_bytes())?;
        w.put(&[self.version.major, self.version.minor])?;
        w.put(&self.version.revision.to_le_bytes())?;
        w.put(&self.version.build.to_le_bytes())?;
        w.put(&self.device_class.0)?;
        w.put(&self.signer_key_id.0)?;
        let mut digest = [0u8; 64];
        if let Some(d) = digest.get_mut(..self.digest_algorithm.output_len()) {
            d.copy_from_slice(self.payload_digest());
        }
        w.put(&digest)?;
        w.put(&self.sbom_digest.unwrap_or([0u8; 32]))?;
        w.put(&self.trailer_len.to_le_bytes())?;
        // Offsets 180..192 stay zero (reserved).
        Ok(out)
    }

    /// Writes the whole header (`header_len` bytes: the fixed part, then zeros) to the start
    /// of `out`; returns `header_len`.
    ///
    /// # Errors
    /// [`FirmwareError::BadHeaderLength`], [`FirmwareError::AlgorithmNotAllowed`], or
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn encode(&self, out: &mut [u8]) -> Result<usize> {
        if !header_len_ok(self.header_len) {
            return fw(FirmwareError::BadHeaderLength);
        }
        let len = usize::from(self.header_len);
        let fixed = self.encode_fixed()?;
        let out = out_buf(Field::Signature, out, len)?;
        let (head, pad) = out.split_at_mut(FIXED_HEADER_LEN.min(len));
        head.copy_from_slice(fixed.get(..head.len()).unwrap_or(&fixed));
        pad.fill(0);
        Ok(len)
    }
}

/// Whether `len` is a valid `header_len`.
pub(crate) const fn header_len_ok(len: u16) -> bool {
    let len = len as usize;
    len >= FIXED_HEADER_LEN && len <= MAX_HEADER_LEN && len.is_multiple_of(8)
}

pub(crate) fn all_zero(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == 0)
}

/// The signature block (trailer) of an image, parsed but not verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureBlock<'a> {
    /// The signer's algorithm (equal to the header's).
    pub algorithm: SignatureAlgorithm,
    /// The signer's public key.
    pub public_key: &'a [u8],
    /// The image signature at its actual length (without the zero padding).
    pub signature: &'a [u8],
    /// The endorsement record, when the header's delegation flag is set.
    pub endorsement: Option<Endorsement<'a>>,
}

impl<'a> SignatureBlock<'a> {
    /// Parses a signature block of exactly `header.trailer_len` bytes for `header`.
    ///
    /// # Errors
    /// [`FirmwareError::BadMagic`], [`FirmwareError::Malformed`] (algorithm differs from the
    /// header's, a length does not fit, endorsement presence differs from the flag, bytes left
    /// over), [`FirmwareError::ReservedNonZero`] (signature padding), or the errors of
    /// [`Endorsement::parse`].
    pub fn parse(trailer: &'a [u8], header: &Header) -> Result<Self> {
        let mut r = Reader::new(trailer, FirmwareError::Malformed);
        if r.take(4)? != TRAILER_MAGIC {
            return fw(FirmwareError::BadMagic);
        }
        if Some(r.u16()?) != algorithm_id(header.algorithm) {
            return fw(FirmwareError::Malformed);
        }
        let algorithm = header.algorithm;
        let (pk_len, max_sig) = algorithm_sizes(algorithm);
        if usize::from(r.u16()?) != pk_len {
            return fw(FirmwareError::Malformed);
        }
        let public_key = r.take(pk_len)?;
        let sig_len = usize::from(r.u16()?);
        if sig_len == 0 || sig_len > max_sig {
            return fw(FirmwareError::Malformed);
        }
        let slot = r.take(max_sig)?;
        let (signature, pad) = slot
            .split_at_checked(sig_len)
            .ok_or(Error::Firmware(FirmwareError::Malformed))?;
        if !all_zero(pad) {
            return fw(FirmwareError::ReservedNonZero);
        }
        let rest = r.rest();
        let endorsement = if header.delegated {
            Some(Endorsement::parse(rest, header.format_version)?)
        } else if rest.is_empty() {
            None
        } else {
            return fw(FirmwareError::Malformed);
        };
        Ok(Self {
            algorithm,
            public_key,
            signature,
            endorsement,
        })
    }
}

/// An endorsement record: a root key delegates image signing to a release key for security
/// versions in `[min_security_version, max_security_version]`, the algorithms in `allowed`
/// and (version 2) the listed device classes or every class.
/// Produced by [`endorse`](super::endorse), embedded at the end of the signature block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endorsement<'a> {
    /// The record's format version (the image's): 2, or 1 for a legacy record without a class
    /// scope.
    pub format_version: u16,
    /// The root key's algorithm.
    pub root_algorithm: SignatureAlgorithm,
    /// The root public key.
    pub root_public_key: &'a [u8],
    /// The lowest security version the release key may sign.
    pub min_security_version: u64,
    /// The highest security version the release key may sign.
    pub max_security_version: u64,
    /// The algorithms the release key may use.
    pub allowed: AlgorithmSet,
    /// Version 2: the release key may sign for every device class ([`ENDORSE_ANY_CLASS`]).
    /// Always `false` in a version-1 record.
    pub any_class: bool,
    /// Version 2: the listed device classes, 16 bytes each (empty with `any_class`, and in a
    /// version-1 record). [`Self::device_classes`] iterates them.
    pub classes: &'a [u8],
    /// The root's signature over the to-be-signed data.
    pub signature: &'a [u8],
}

impl<'a> Endorsement<'a> {
    /// Parses exactly one endorsement record of format `version` (the image header's; 1 or 2)
    /// (`record` has nothing after it).
    ///
    /// # Errors
    /// [`FirmwareError::UnknownAlgorithm`] (root algorithm id),
    /// [`FirmwareError::ReservedNonZero`] (undefined bit in the allowed set or the scope flags),
    /// [`FirmwareError::UnsupportedVersion`], or [`FirmwareError::Malformed`] (a length that
    /// does not fit, more than [`MAX_ENDORSED_CLASSES`] classes, no class without
    /// [`ENDORSE_ANY_CLASS`] or classes with it, or bytes left over).
    pub fn parse(record: &'a [u8], version: u16) -> Result<Self> {
        if version != FORMAT_VERSION && version != FORMAT_VERSION_1 {
            return fw(FirmwareError::UnsupportedVersion);
        }
        let mut r = Reader::new(record, FirmwareError::Malformed);
        let root_algorithm =
            algorithm_from_id(r.u16()?).ok_or(Error::Firmware(FirmwareError::UnknownAlgorithm))?;
        let (pk_len, max_sig) = algorithm_sizes(root_algorithm);
        if usize::from(r.u16()?) != pk_len {
            return fw(FirmwareError::Malformed);
        }
        let root_public_key = r.take(pk_len)?;
        let min_security_version = r.u64()?;
        let max_security_version = r.u64()?;
        let allowed = AlgorithmSet::from_bits(r.u32()?)
            .ok_or(Error::Firmware(FirmwareError::ReservedNonZero))?;
        let (any_class, classes) = if version == FORMAT_VERSION_1 {
            (false, &[][..])
        } else {
            let flags = r.u8()?;
            if flags & !ENDORSE_ANY_CLASS != 0 {
                return fw(FirmwareError::ReservedNonZero);
            }
            let n = usize::from(r.u8()?);
            let any = flags & ENDORSE_ANY_CLASS != 0;
            if n > MAX_ENDORSED_CLASSES || any != (n == 0) {
                return fw(FirmwareError::Malformed);
            }
            (any, r.take(16 * n)?)
        };
        let sig_len = usize::from(r.u16()?);
        if sig_len == 0 || sig_len > max_sig {
            return fw(FirmwareError::Malformed);
        }
        let signature = r.take(sig_len)?;
        if !r.rest().is_empty() {
            return fw(FirmwareError::Malformed);
        }
        Ok(Self {
            format_version: version,
            any_class,
            classes,
            root_algorithm,
            root_public_key,
            min_security_version,
            max_security_version,
            allowed,
            signature,
        })
    }

    /// The root key's id.
    ///
    /// # Errors
    /// None for a parsed record (its key length was checked); [`Error::InvalidLength`] for a
    /// hand-built one with a wrong key length.
    pub fn root_key_id(&self) -> Result<KeyId> {
        key_id(self.root_algorithm, self.root_public_key)
    }

    /// The listed device classes (version 2; none for "any class" and for version 1).
    pub fn device_classes(&self) -> impl Iterator<Item = DeviceClass> + 'a {
        self.classes
            .chunks_exact(16)
            .filter_map(|c| c.try_into().ok().map(DeviceClass))
    }

    /// Whether the endorsement lets the release key sign for `class`: always for version 1
    /// (unscoped; only accepted under a policy that accepts version 1), for every class with
    /// [`ENDORSE_ANY_CLASS`], else if `class` is listed.
    #[must_use]
    pub fn covers_class(&self, class: &DeviceClass) -> bool {
        self.format_version == FORMAT_VERSION_1
            || self.any_class
            || self.device_classes().any(|c| c == *class)
    }

    /// Whether `security_version` is in `[min, max]`.
    #[must_use]
    pub fn covers(&self, security_version: u64) -> bool {
        self.min_security_version <= security_version
            && security_version <= self.max_security_version
    }

    /// Verifies the root signature for release key `release_pk` of `release_alg`.
    ///
    /// # Errors
    /// [`FirmwareError::BadSignature`], or [`FirmwareError::AlgorithmNotAllowed`] /
    /// [`Error::InvalidLength`] for a release key that cannot be endorsed.
    // Not inlined: its to-be-signed buffer stays off the stack of images without an endorsement.
    #[inline(never)]
    pub fn verify(&self, release_alg: SignatureAlgorithm, release_pk: &[u8]) -> Result<()> {
        let mut tbs = [0u8; MAX_TBS_LEN];
        let n = endorsement_tbs(&self.tbs_fields(release_alg, release_pk), &mut tbs)?;
        let msg = tbs
            .get(..n)
            .ok_or(Error::Firmware(FirmwareError::Malformed))?;
        let ctx = if self.format_version == FORMAT_VERSION_1 {
            ENDORSE_CONTEXT_V1
        } else {
            ENDORSE_CONTEXT
        };
        self.root_algorithm
            .verify(self.root_public_key, msg, ctx, self.signature)
            .map_err(|_| Error::Firmware(FirmwareError::BadSignature))
    }

    fn tbs_fields<'b>(&'b self, release_alg: SignatureAlgorithm, release_pk: &'b [u8]) -> Tbs<'b> {
        Tbs {
            version: self.format_version,
            root_alg: self.root_algorithm,
            release_alg,
            release_pk,
            min: self.min_security_version,
            max: self.max_security_version,
            allowed: self.allowed,
            any_class: self.any_class,
            classes: self.classes,
        }
    }

    /// The encoded length of the record.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        let scope = if self.format_version == FORMAT_VERSION_1 {
            0
        } else {
            2 + self.classes.len()
        };
        2 + 2 + self.root_public_key.len() + 8 + 8 + 4 + scope + 2 + self.signature.len()
    }
}

/// The fields of an endorsement's to-be-signed data.
pub(crate) struct Tbs<'a> {
    pub(crate) version: u16,
    pub(crate) root_alg: SignatureAlgorithm,
    pub(crate) release_alg: SignatureAlgorithm,
    pub(crate) release_pk: &'a [u8],
    pub(crate) min: u64,
    pub(crate) max: u64,
    pub(crate) allowed: AlgorithmSet,
    pub(crate) any_class: bool,
    /// Concatenated 16-byte classes (version 2).
    pub(crate) classes: &'a [u8],
}

/// Writes the endorsement to-be-signed data into `out`; returns its length. Version 2:
/// `"PQFW-ENDORSE-v2" ‖ u16 root alg ‖ u16 release alg ‖ u16 len ‖ release pk ‖ u64 min ‖
/// u64 max ‖ u32 allowed ‖ u8 scope flags ‖ u8 class count ‖ classes`; version 1 ends after
/// `allowed` and starts with `"PQFW-ENDORSE-v1"`.
pub(crate) fn endorsement_tbs(t: &Tbs<'_>, out: &mut [u8; MAX_TBS_LEN]) -> Result<usize> {
    let root_id = super::require_id(t.root_alg)?;
    let release_id = super::require_id(t.release_alg)?;
    crate::error::check_len(
        Field::PublicKey,
        algorithm_sizes(t.release_alg).0,
        t.release_pk.len(),
    )?;
    let pk_len =
        u16::try_from(t.release_pk.len()).map_err(|_| Error::Firmware(FirmwareError::Malformed))?;
    let mut w = Writer::new(out);
    w.put(if t.version == FORMAT_VERSION_1 {
        ENDORSE_TBS_PREFIX_V1
    } else {
        ENDORSE_TBS_PREFIX
    })?;
    w.put(&root_id.to_le_bytes())?;
    w.put(&release_id.to_le_bytes())?;
    w.put(&pk_len.to_le_bytes())?;
    w.put(t.release_pk)?;
    w.put(&t.min.to_le_bytes())?;
    w.put(&t.max.to_le_bytes())?;
    w.put(&t.allowed.bits().to_le_bytes())?;
    if t.version != FORMAT_VERSION_1 {
        let n = t.classes.len() / 16;
        if n > MAX_ENDORSED_CLASSES
            || !t.classes.len().is_multiple_of(16)
            || t.any_class != (n == 0)
        {
            return fw(FirmwareError::Malformed);
        }
        w.put(&[if t.any_class { ENDORSE_ANY_CLASS } else { 0 }, n as u8])?;
        w.put(t.classes)?;
    }
    Ok(w.position())
}

/// Everything an image says about itself, parsed without trusting it (for inspection tools).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Manifest<'a> {
    /// The header.
    pub header: Header,
    /// The payload, if `bytes` holds all of it.
    pub payload: Option<&'a [u8]>,
    /// The signature block, if `bytes` holds the whole image.
    pub signature_block: Option<SignatureBlock<'a>>,
}

impl<'a> Manifest<'a> {
    /// Parses an image, or a prefix of one (at least the 192-byte fixed header). The header
    /// padding present in `bytes` must be zero; a whole image's signature block is parsed
    /// strictly. Nothing is verified: no digest, no signature, no policy.
    ///
    /// # Errors
    /// The errors of [`Header::parse`] and [`SignatureBlock::parse`],
    /// [`FirmwareError::ReservedNonZero`] (padding), or [`FirmwareError::LengthMismatch`] if
    /// `bytes` is longer than the image.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let header = Header::parse(bytes)?;
        let header_len = usize::from(header.header_len);
        let pad = bytes
            .get(FIXED_HEADER_LEN..header_len.min(bytes.len()))
            .unwrap_or(&[]);
        if !all_zero(pad) {
            return fw(FirmwareError::ReservedNonZero);
        }
        let image_len = header.image_len();
        let have = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if have > image_len {
            return fw(FirmwareError::LengthMismatch);
        }
        let payload_end = usize::try_from(header.trailer_offset()).unwrap_or(usize::MAX);
        let payload = bytes.get(header_len..payload_end);
        let signature_block = if have == image_len {
            let trailer = bytes
                .get(payload_end..)
                .ok_or(Error::Firmware(FirmwareError::Truncated))?;
            Some(SignatureBlock::parse(trailer, &header)?)
        } else {
            None
        };
        Ok(Self {
            header,
            payload,
            signature_block,
        })
    }
}

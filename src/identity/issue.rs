//! Identity keys and the documents a device (or the development CA) issues with them: the
//! DeviceID CSR, the Alias certificate, the attestation evidence, and the CA's own
//! certificates. Every document is written into a caller buffer; nothing allocates.

use der::asn1::{BitStringRef, OctetStringRef, PrintableStringRef, UintRef, Utf8StringRef};
use der::{Encode, EncodeValue, FixedTag, Header, Length, Tag, Writer};
use sha2::{Digest as _, Sha256};

use super::derive::{Cdis, ID_LEN, Mode, id_of};
use super::x509::{
    Aki, AlgId, BasicConstraints, ExtValue, Fwid, KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN,
    MAX_NONCE_LEN, MAX_TCB_STRING_LEN, Name, OID_SHA256, OneFwid, OneOctetString, Raw, Tbs,
    TcbInfoDer, id_hex,
};
use crate::SignatureAlgorithm;
use crate::agile::SigningKey;
use crate::encoding::{Algorithm, encode_public_key};
use crate::error::{Error, Field, IdentityError, Result};

/// The longest SubjectPublicKeyInfo of an identity algorithm.
pub const MAX_SPKI_LEN: usize = 2752;
/// The largest certificate this module writes (an MLDSA87-ECDSA-P384 composite key and
/// signature, with every extension).
pub const MAX_CERT_LEN: usize = 8192;
/// The largest CSR this module writes.
pub const MAX_CSR_LEN: usize = 8192;
/// Length of a UEID: the RFC 9711 type byte `0x01` (random) and 32 bytes.
pub const UEID_LEN: usize = 33;

/// Whether `alg` may hold a device identity: ML-DSA and the composites (their signatures make
/// every certificate's length field two bytes, which the encoder relies on).
#[must_use]
pub const fn is_identity_algorithm(alg: SignatureAlgorithm) -> bool {
    matches!(
        alg.info().family,
        crate::agile::SignatureFamily::MlDsa | crate::agile::SignatureFamily::Composite
    )
}

/// The default identity algorithm.
pub const DEFAULT_ALGORITHM: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;

fn unsupported() -> Error {
    Error::Identity(IdentityError::UnsupportedAlgorithm)
}

/// A key pair derived from a layer's CDIs (Open DICE's "Key Pair" seed, then the documented
/// seed-to-key step of [`SignatureAlgorithm::keypair_from_seed`]): the DeviceID key from the
/// first layer's CDIs, the Alias key from the next layer's. The private key is held ready to
/// sign and wiped on drop.
pub struct IdentityKey {
    key: SigningKey,
    public_key: [u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN],
    id: [u8; ID_LEN],
}

impl IdentityKey {
    /// Derives the key pair of `alg` from `cdis`.
    ///
    /// # Errors
    /// `Error::Identity(UnsupportedAlgorithm)` unless `alg` is ML-DSA or a composite;
    /// [`Error::AlgorithmDisabled`] if the build leaves it out.
    pub fn derive(alg: SignatureAlgorithm, cdis: &Cdis) -> Result<Self> {
        if !is_identity_algorithm(alg) {
            return Err(unsupported());
        }
        let seed = cdis.key_pair_seed();
        let key = SigningKey::from_seed(alg, seed.as_bytes())?;
        let mut public_key = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
        key.write_public_key(&mut public_key)?;
        let id = id_of(
            public_key
                .get(..alg.public_key_len())
                .ok_or_else(unsupported)?,
        );
        Ok(Self {
            key,
            public_key,
            id,
        })
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.key.algorithm()
    }

    /// The public key ([`SignatureAlgorithm::public_key_len`] bytes).
    #[must_use]
    pub fn public_key(&self) -> &[u8] {
        self.public_key
            .get(..self.algorithm().public_key_len())
            .unwrap_or_default()
    }

    /// The key's id (Open DICE `ID`): serial number and key identifier of its certificate.
    #[must_use]
    pub fn id(&self) -> &[u8; ID_LEN] {
        &self.id
    }

    /// The key's SubjectPublicKeyInfo into `out`; returns its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn write_spki(&self, out: &mut [u8]) -> Result<usize> {
        encode_public_key(
            Algorithm::Signature(self.algorithm()),
            self.public_key(),
            out,
        )
    }

    /// The device name of this key: `serialNumber=<id in lowercase hex>`.
    pub(crate) fn name_value(&self) -> [u8; 2 * ID_LEN] {
        id_hex(&self.id)
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}

impl core::fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IdentityKey")
            .field("alg", &self.algorithm())
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The device's UEID (RFC 9711 §4.2.1, type RAND `0x01`): `0x01 ‖ SHA-256(DeviceID public key)`.
#[must_use]
pub fn ueid(device_id_public_key: &[u8]) -> [u8; UEID_LEN] {
    let mut out = [0u8; UEID_LEN];
    let (ty, rest) = out.split_at_mut(1);
    if let Some(t) = ty.first_mut() {
        *t = 0x01;
    }
    rest.copy_from_slice(&Sha256::digest(device_id_public_key));
    out
}

/// What the Alias certificate says about the firmware it certifies (`DiceTcbInfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcbInfo<'a> {
    /// The vendor (at most [`MAX_TCB_STRING_LEN`] bytes of UTF-8).
    pub vendor: &'a str,
    /// The device model (at most [`MAX_TCB_STRING_LEN`] bytes of UTF-8).
    pub model: &'a str,
    /// The image's security version (`svn`).
    pub security_version: u64,
    /// The DICE layer the certificate describes (1 for the firmware the bootloader booted).
    pub layer: u64,
    /// The image id ([`crate::firmware::VerifiedImage::image_id`]): the FWID, with SHA-256.
    pub image_id: [u8; 32],
    /// The mode, as `OperationalFlags` (`notConfigured`, `recovery`, `debug`).
    pub mode: Mode,
}

impl<'a> TcbInfo<'a> {
    /// The TcbInfo of the image whose measurement derived the Alias key (layer 1), so that
    /// the certificate reports exactly the image, security version and mode the CDIs measured.
    #[must_use]
    pub fn of_image(
        facts: &super::measure::ImageFacts,
        vendor: &'a str,
        model: &'a str,
        mode: Mode,
    ) -> Self {
        Self {
            vendor,
            model,
            security_version: facts.security_version,
            layer: 1,
            image_id: facts.image_id,
            mode,
        }
    }
}

/// A DER named-bit BIT STRING from the first byte's bits (trailing zero bits removed).
fn named_bits(byte: &[u8; 1]) -> Result<BitStringRef<'_>> {
    let b = byte.first().copied().unwrap_or(0);
    let r = if b == 0 {
        BitStringRef::new(0, &[])
    } else {
        // `trailing_zeros` of a non-zero byte is at most 7.
        BitStringRef::new(b.trailing_zeros() as u8, byte)
    };
    r.map_err(|_| malformed())
}

fn malformed() -> Error {
    Error::Identity(IdentityError::MalformedCertificate)
}

/// `OperationalFlags ::= BIT STRING { notConfigured(0), notSecure(1), recovery(2), debug(3) }`.
const fn mode_flags(mode: Mode) -> u8 {
    match mode {
        Mode::NotConfigured => 0x80,
        Mode::Normal => 0,
        Mode::Recovery => 0x20,
        Mode::Debug => 0x10,
    }
}

fn printable(bytes: &[u8]) -> Result<PrintableStringRef<'_>> {
    PrintableStringRef::new(bytes).map_err(|_| malformed())
}

fn octets(bytes: &[u8]) -> Result<&OctetStringRef> {
    OctetStringRef::new(bytes).map_err(|_| malformed())
}

/// The role of a certificate, which fixes its keyUsage, basicConstraints and TCG extensions.
enum Role<'a> {
    /// A CA certificate (the manufacturer root, the DeviceID certificate): keyCertSign, cA.
    Ca { ueid: Option<&'a [u8]> },
    /// The Alias certificate: keyCertSign (it issues the evidence), cA, UEID and TcbInfo.
    Alias { ueid: &'a [u8], tcb: TcbInfo<'a> },
    /// The evidence: digitalSignature, not a CA, TcbFreshness with the verifier's nonce.
    Evidence { nonce: &'a [u8] },
}

/// The issuer side of a certificate: its key and its name.
struct Issuer<'a> {
    key: &'a SigningKey,
    key_id: &'a [u8; ID_LEN],
    name: Name<'a>,
}

/// The subject side: name, key id and SubjectPublicKeyInfo.
struct Subject<'a> {
    name: Name<'a>,
    key_id: &'a [u8; ID_LEN],
    spki: &'a [u8],
}

/// Writes `SEQUENCE { body, AlgorithmIdentifier, BIT STRING signature }` into `out`, the
/// signature by `key` over the DER of `body` (deterministic, empty context).
fn write_signed<T: Encode>(body: &T, key: &SigningKey, out: &mut [u8]) -> Result<usize> {
    let alg = key.algorithm();
    let alg_id = AlgId {
        oid: Algorithm::Signature(alg).oid(),
    };
    let der_err = |_| malformed();
    let body_len =
        usize::try_from(body.encoded_len().map_err(der_err)?).map_err(|_| malformed())?;
    let alg_len =
        usize::try_from(alg_id.encoded_len().map_err(der_err)?).map_err(|_| malformed())?;
    // Every identity signature is at least 2 420 bytes, so every length field here is two
    // bytes: headers are 4 bytes (tag, 0x82, length), the BIT STRING has one more (unused bits).
    const HDR: usize = 4;
    let sig_at = HDR + body_len + alg_len + HDR + 1;
    let needed = sig_at + alg.signature_len();
    if out.len() < needed {
        return Err(Error::BufferTooSmall {
            field: Field::Signature,
            needed,
            actual: out.len(),
        });
    }
    let (head, sig_area) = out.split_at_mut(sig_at);
    let body_der = head.get_mut(HDR..HDR + body_len).ok_or_else(malformed)?;
    body.encode_to_slice(body_der).map_err(der_err)?;
    let sig_len = key.sign_deterministic(body_der, b"", sig_area)?;
    let alg_at = HDR + body_len;
    alg_id
        .encode_to_slice(
            head.get_mut(alg_at..alg_at + alg_len)
                .ok_or_else(malformed)?,
        )
        .map_err(der_err)?;
    envelope_lengths(head, body_len + alg_len, sig_len)?;
    Ok(sig_at + sig_len)
}

/// Writes the two length-dependent headers of a signed envelope whose signature has
/// `sig_len` bytes: the outer SEQUENCE (at the start of `head`) and the signature's BIT STRING
/// (after `inner_len` bytes of body and algorithm identifier). The composites with an ECDSA
/// half have DER signatures of variable length; that length is published with the document
/// (`ct/valgrind.supp` names this function for that reason).
#[inline(never)]
fn envelope_lengths(head: &mut [u8], inner_len: usize, sig_len: usize) -> Result<()> {
    const HDR: usize = 4;
    let bits_len = sig_len + 1;
    let total = inner_len + HDR + bits_len;
    if !(256..=0xffff).contains(&bits_len) || total > 0xffff {
        return Err(unsupported());
    }
    let hdr = |tag: Tag, len: usize, dst: &mut [u8]| -> Result<()> {
        let len = Length::try_from(len).map_err(|_| malformed())?;
        Header::new(tag, len)
            .encode_to_slice(dst)
            .map_err(|_| malformed())?;
        Ok(())
    };
    hdr(
        Tag::Sequence,
        total,
        head.get_mut(..HDR).ok_or_else(malformed)?,
    )?;
    let bits_at = HDR + inner_len;
    hdr(
        Tag::BitString,
        bits_len,
        head.get_mut(bits_at..bits_at + HDR).ok_or_else(malformed)?,
    )?;
    if let Some(unused) = head.get_mut(bits_at + HDR) {
        *unused = 0;
    }
    Ok(())
}

/// Builds the extensions of `role` and writes the signed certificate.
fn write_certificate(
    issuer: &Issuer<'_>,
    subject: &Subject<'_>,
    role: &Role<'_>,
    out: &mut [u8],
) -> Result<usize> {
    let ku_ca = [KU_KEY_CERT_SIGN];
    let ku_leaf = [KU_DIGITAL_SIGNATURE];
    let aki = ExtValue::Aki(Aki {
        key_id: octets(issuer.key_id)?,
    });
    let ski = ExtValue::Ski(octets(subject.key_id)?);
    let ca = ExtValue::BasicConstraints(BasicConstraints { ca: Some(true) });
    let ca_usage = ExtValue::KeyUsage(named_bits(&ku_ca)?);
    let flags = [match role {
        Role::Alias { tcb, .. } => mode_flags(tcb.mode),
        _ => 0,
    }];
    // At most six extensions; the slots after the first `n` are not written.
    let (exts, n): ([ExtValue<'_>; 6], usize) = match role {
        Role::Ca { ueid: None } => ([aki, ski, ca_usage, ca, aki, aki], 4),
        Role::Ca { ueid: Some(u) } => {
            let u = ExtValue::Ueid(OneOctetString { value: octets(u)? });
            ([aki, ski, ca_usage, ca, u, aki], 5)
        }
        Role::Alias { ueid, tcb } => {
            if tcb.vendor.len() > MAX_TCB_STRING_LEN || tcb.model.len() > MAX_TCB_STRING_LEN {
                return Err(malformed());
            }
            let u = ExtValue::Ueid(OneOctetString {
                value: octets(ueid)?,
            });
            let info = ExtValue::TcbInfo(TcbInfoDer {
                vendor: Some(Utf8StringRef::new(tcb.vendor).map_err(|_| malformed())?),
                model: Some(Utf8StringRef::new(tcb.model).map_err(|_| malformed())?),
                svn: Some(tcb.security_version),
                layer: Some(tcb.layer),
                fwids: Some(OneFwid(Fwid {
                    hash_alg: OID_SHA256,
                    digest: octets(&tcb.image_id)?,
                })),
                flags: Some(named_bits(&flags)?),
            });
            ([aki, ski, ca_usage, ca, u, info], 6)
        }
        Role::Evidence { nonce } => {
            if nonce.is_empty() || nonce.len() > MAX_NONCE_LEN {
                return Err(Error::Identity(IdentityError::BadNonce));
            }
            let usage = ExtValue::KeyUsage(named_bits(&ku_leaf)?);
            let leaf = ExtValue::BasicConstraints(BasicConstraints { ca: None });
            let fresh = ExtValue::Freshness(OneOctetString {
                value: octets(nonce)?,
            });
            ([aki, usage, leaf, fresh, aki, aki], 4)
        }
    };
    let ext_list = exts.get(..n).ok_or_else(malformed)?;
    let tbs = Tbs {
        serial: UintRef::new(subject.key_id).map_err(|_| malformed())?,
        sig_alg: AlgId {
            oid: Algorithm::Signature(issuer.key.algorithm()).oid(),
        },
        issuer: issuer.name,
        subject: subject.name,
        spki: Raw(subject.spki),
        extensions: ext_list,
    };
    write_signed(&tbs, issuer.key, out)
}

impl IdentityKey {
    /// A key of `alg` from its canonical private key (the manufacturer CA's key, which is not
    /// derived from CDIs).
    ///
    /// # Errors
    /// As [`SigningKey::new`], and `Error::Identity(UnsupportedAlgorithm)`.
    pub fn from_secret(alg: SignatureAlgorithm, sk: &[u8]) -> Result<Self> {
        if !is_identity_algorithm(alg) {
            return Err(unsupported());
        }
        let key = SigningKey::new(alg, sk)?;
        let mut public_key = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
        key.write_public_key(&mut public_key)?;
        let id = id_of(public_key.get(..alg.public_key_len()).unwrap_or_default());
        Ok(Self {
            key,
            public_key,
            id,
        })
    }
}

/// `serialNumber=<hex>` of `value`, optionally after `CN=<common_name>`.
fn name<'a>(common_name: Option<&'a str>, value: &'a [u8]) -> Result<Name<'a>> {
    Ok(Name {
        common_name: match common_name {
            Some(cn) => Some(printable(cn.as_bytes())?),
            None => None,
        },
        serial: printable(value)?,
    })
}

/// Writes the Alias certificate: the Alias key, issued by the DeviceID key, with the device's
/// UEID and the `DiceTcbInfo` of the firmware the Alias key belongs to. Returns its length.
///
/// # Errors
/// [`Error::BufferTooSmall`] (see [`MAX_CERT_LEN`]), `Error::Identity(MalformedCertificate)`
/// for a vendor or model longer than [`MAX_TCB_STRING_LEN`] bytes.
pub fn write_alias_certificate(
    device_id: &IdentityKey,
    alias: &IdentityKey,
    tcb: &TcbInfo<'_>,
    out: &mut [u8],
) -> Result<usize> {
    let issuer_value = device_id.name_value();
    let subject_value = alias.name_value();
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = alias.write_spki(&mut spki)?;
    let ueid = ueid(device_id.public_key());
    write_certificate(
        &Issuer {
            key: device_id.signing_key(),
            key_id: device_id.id(),
            name: name(None, &issuer_value)?,
        },
        &Subject {
            name: name(None, &subject_value)?,
            key_id: alias.id(),
            spki: spki.get(..n).unwrap_or_default(),
        },
        &Role::Alias {
            ueid: &ueid,
            tcb: *tcb,
        },
        out,
    )
}

/// Writes an attestation evidence: a certificate of the Alias key issued by itself (RFC 5280
/// self-issued), whose critical `tcg-dice-TcbFreshness` extension carries the verifier's
/// `nonce`, so that it proves the device holds the Alias key now. Its serial number is the id
/// of the nonce (distinct for every nonce).
///
/// # Errors
/// `Error::Identity(BadNonce)` for an empty nonce or one longer than [`MAX_NONCE_LEN`];
/// [`Error::BufferTooSmall`].
pub fn write_evidence(alias: &IdentityKey, nonce: &[u8], out: &mut [u8]) -> Result<usize> {
    if nonce.is_empty() || nonce.len() > MAX_NONCE_LEN {
        return Err(Error::Identity(IdentityError::BadNonce));
    }
    let value = alias.name_value();
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = alias.write_spki(&mut spki)?;
    let serial = id_of(nonce);
    write_certificate(
        &Issuer {
            key: alias.signing_key(),
            key_id: alias.id(),
            name: name(None, &value)?,
        },
        &Subject {
            name: name(None, &value)?,
            key_id: &serial,
            spki: spki.get(..n).unwrap_or_default(),
        },
        &Role::Evidence { nonce },
        out,
    )
}

/// Writes the manufacturer CA's self-signed root certificate (`CN=<common_name>`,
/// `serialNumber=<its id>`).
///
/// # Errors
/// [`Error::BufferTooSmall`], `Error::Identity(MalformedCertificate)` for a common name that
/// is not a PrintableString.
pub fn write_root_certificate(
    ca: &IdentityKey,
    common_name: &str,
    out: &mut [u8],
) -> Result<usize> {
    let value = ca.name_value();
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = ca.write_spki(&mut spki)?;
    let ca_name = name(Some(common_name), &value)?;
    write_certificate(
        &Issuer {
            key: ca.signing_key(),
            key_id: ca.id(),
            name: ca_name,
        },
        &Subject {
            name: ca_name,
            key_id: ca.id(),
            spki: spki.get(..n).unwrap_or_default(),
        },
        &Role::Ca { ueid: None },
        out,
    )
}

/// Writes the DeviceID certificate the manufacturer CA issues for a device's DeviceID public
/// key (of `alg`; taken from a CSR whose proof of possession was checked): subject
/// `serialNumber=<id of the key>`, a CA (it issues the Alias certificate), with the UEID.
///
/// # Errors
/// [`Error::InvalidLength`] for a key of the wrong length, `Error::Identity(UnsupportedAlgorithm)`,
/// [`Error::BufferTooSmall`].
pub fn write_device_id_certificate(
    ca: &IdentityKey,
    ca_common_name: &str,
    alg: SignatureAlgorithm,
    device_id_public_key: &[u8],
    out: &mut [u8],
) -> Result<usize> {
    if !is_identity_algorithm(alg) {
        return Err(unsupported());
    }
    let issuer_value = ca.name_value();
    let id = id_of(device_id_public_key);
    let subject_value = id_hex(&id);
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = encode_public_key(Algorithm::Signature(alg), device_id_public_key, &mut spki)?;
    let ueid = ueid(device_id_public_key);
    write_certificate(
        &Issuer {
            key: ca.signing_key(),
            key_id: ca.id(),
            name: name(Some(ca_common_name), &issuer_value)?,
        },
        &Subject {
            name: name(None, &subject_value)?,
            key_id: &id,
            spki: spki.get(..n).unwrap_or_default(),
        },
        &Role::Ca { ueid: Some(&ueid) },
        out,
    )
}

/// `CertificationRequestInfo ::= SEQUENCE { version INTEGER 0, subject Name,
/// subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute }` (no attributes).
struct CsrInfo<'a> {
    subject: Name<'a>,
    spki: Raw<'a>,
}

/// The empty `[0] IMPLICIT SET OF Attribute`.
const NO_ATTRIBUTES: [u8; 2] = [0xa0, 0x00];

impl EncodeValue for CsrInfo<'_> {
    fn value_len(&self) -> der::Result<Length> {
        0u8.encoded_len()? + self.subject.encoded_len()? + self.spki.encoded_len()? + Length::new(2)
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        0u8.encode(w)?;
        self.subject.encode(w)?;
        self.spki.encode(w)?;
        w.write(&NO_ATTRIBUTES)
    }
}
impl FixedTag for CsrInfo<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// Writes the PKCS#10 certification request (RFC 2986) of the DeviceID key, signed by it (the
/// proof of possession the manufacturer CA checks): subject `serialNumber=<id>`, no
/// attributes.
///
/// # Errors
/// [`Error::BufferTooSmall`] (see [`MAX_CSR_LEN`]).
pub fn write_csr(device_id: &IdentityKey, out: &mut [u8]) -> Result<usize> {
    let value = device_id.name_value();
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = device_id.write_spki(&mut spki)?;
    let info = CsrInfo {
        subject: name(None, &value)?,
        spki: Raw(spki.get(..n).unwrap_or_default()),
    };
    write_signed(&info, device_id.signing_key(), out)
}

const _: () = assert!(MAX_SPKI_LEN >= 2 + 2 + 12 + 5 + SignatureAlgorithm::MAX_PUBLIC_KEY_LEN);

//! PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5958 §2) encoding and decoding, with the
//! algorithm-specific private-key formats inside the `privateKey` OCTET STRING.

use der::asn1::{AnyRef, OctetStringRef};
use der::{
    Decode, Encode, EncodeValue, FixedTag, Header, Length, Reader, SliceReader, Tag, TagNumber,
    Tagged, Writer,
};
use zeroize::{Zeroize, Zeroizing};

use super::public::{algorithm_identifier, algorithm_identifier_len, resolve_algorithm};
use super::{Algorithm, der_tlv_len, max_usize};
use crate::agile::{KemAlgorithm, SignatureAlgorithm};
use crate::error::{Error, Field, Result, check_len, out_buf};
use crate::primitives::ec_private_key::{self, Accept, Curve};
use crate::primitives::{ml_dsa, ml_kem, slh_dsa};

/// An upper bound on [`private_key_der_len`] over every algorithm: size a stack buffer with it.
pub const MAX_PRIVATE_KEY_DER_LEN: usize = 64
    + max_usize(
        4 * 32, // SLH-DSA-*-256*: the full 4·n key
        max_usize(
            SignatureAlgorithm::MAX_SECRET_KEY_LEN,
            KemAlgorithm::MAX_SECRET_KEY_LEN,
        ) + ec_private_key::MAX_LEN,
    );

/// The largest decoded private key: size the output buffer of [`decode_private_key`] with it.
pub const MAX_DECODED_SECRET_KEY_LEN: usize = max_usize(
    SignatureAlgorithm::MAX_SECRET_KEY_LEN,
    KemAlgorithm::MAX_SECRET_KEY_LEN,
);

const MALFORMED: Error = Error::MalformedEncoding {
    field: Field::SecretKey,
};
const INVALID: Error = Error::InvalidKey {
    field: Field::SecretKey,
};

fn malformed<E>(_: E) -> Error {
    MALFORMED
}

// ---------------------------------------------------------------------------------------------
// Per-algorithm formats
// ---------------------------------------------------------------------------------------------

/// The traditional half of a composite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trad {
    /// Ed25519 or X25519: the raw 32-byte private key (RFC 8032 seed / RFC 7748 scalar).
    Raw32,
    /// ECDSA or ECDH: RFC 5915 ECPrivateKey in the draft encoding.
    Ec(Curve),
}

/// How an algorithm's private key sits inside the PKCS#8 `privateKey` OCTET STRING.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// ML-KEM (RFC 9935 §6) / ML-DSA (RFC 9881 §6): the `seed [0] IMPLICIT OCTET STRING` choice;
    /// the parameter set is needed for the consistency check of the `both` choice.
    Seed(SeedKind),
    /// SLH-DSA (RFC 9909 §6): the raw 4·n-byte FIPS 205 private key.
    SlhDsa,
    /// Ed25519 (RFC 8410 §7): `CurvePrivateKey ::= OCTET STRING` inside.
    Ed25519,
    /// ECDSA (RFC 5915 §3, RFC 5480): ECPrivateKey inside.
    Ec(Curve),
    /// X-Wing: the raw 32-byte seed.
    Raw,
    /// Composite: the PQ seed then the traditional key, concatenated (draft-ietf-lamps-pq-
    /// composite-sigs-19 §5.2, -kem-17 §5.2).
    Composite { pq_seed_len: usize, trad: Trad },
}

/// Parameter sets with a seed-form private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SeedKind {
    MlKem512,
    MlKem768,
    MlKem1024,
    MlDsa44,
    MlDsa65,
    MlDsa87,
}

impl SeedKind {
    const fn seed_len(self) -> usize {
        match self {
            SeedKind::MlKem512 | SeedKind::MlKem768 | SeedKind::MlKem1024 => ml_kem::SEED_LEN,
            SeedKind::MlDsa44 | SeedKind::MlDsa65 | SeedKind::MlDsa87 => ml_dsa::SEED_LEN,
        }
    }
}

fn format(alg: Algorithm) -> Format {
    use SignatureAlgorithm as S;
    let mldsa = ml_dsa::SEED_LEN;
    let mlkem = ml_kem::SEED_LEN;
    match alg {
        Algorithm::Signature(s) => match s {
            S::MlDsa44 => Format::Seed(SeedKind::MlDsa44),
            S::MlDsa65 => Format::Seed(SeedKind::MlDsa65),
            S::MlDsa87 => Format::Seed(SeedKind::MlDsa87),
            S::Ed25519 => Format::Ed25519,
            S::EcdsaP256Sha256 => Format::Ec(Curve::P256),
            S::EcdsaP384Sha384 => Format::Ec(Curve::P384),
            S::MlDsa44Ed25519Sha512 | S::MlDsa65Ed25519Sha512 => Format::Composite {
                pq_seed_len: mldsa,
                trad: Trad::Raw32,
            },
            S::MlDsa44EcdsaP256Sha256 | S::MlDsa65EcdsaP256Sha512 => Format::Composite {
                pq_seed_len: mldsa,
                trad: Trad::Ec(Curve::P256),
            },
            S::MlDsa65EcdsaP384Sha512 | S::MlDsa87EcdsaP384Sha512 => Format::Composite {
                pq_seed_len: mldsa,
                trad: Trad::Ec(Curve::P384),
            },
            S::SlhDsaSha2_128s
            | S::SlhDsaSha2_128f
            | S::SlhDsaSha2_192s
            | S::SlhDsaSha2_192f
            | S::SlhDsaSha2_256s
            | S::SlhDsaSha2_256f
            | S::SlhDsaShake128s
            | S::SlhDsaShake128f
            | S::SlhDsaShake192s
            | S::SlhDsaShake192f
            | S::SlhDsaShake256s
            | S::SlhDsaShake256f => Format::SlhDsa,
        },
        Algorithm::Kem(k) => match k {
            KemAlgorithm::MlKem512 => Format::Seed(SeedKind::MlKem512),
            KemAlgorithm::MlKem768 => Format::Seed(SeedKind::MlKem768),
            KemAlgorithm::MlKem1024 => Format::Seed(SeedKind::MlKem1024),
            KemAlgorithm::XWing => Format::Raw,
            KemAlgorithm::MlKem768X25519Sha3_256 => Format::Composite {
                pq_seed_len: mlkem,
                trad: Trad::Raw32,
            },
            KemAlgorithm::MlKem768EcdhP256Sha3_256 => Format::Composite {
                pq_seed_len: mlkem,
                trad: Trad::Ec(Curve::P256),
            },
            KemAlgorithm::MlKem1024EcdhP384Sha3_256 => Format::Composite {
                pq_seed_len: mlkem,
                trad: Trad::Ec(Curve::P384),
            },
        },
    }
}

/// How the agile layer stores the ECDSA/ECDH half of a composite private key: the bare scalar,
/// or the draft's ECPrivateKey DER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AgileEc {
    Scalar,
    Der,
}

fn agile_ec_form(alg: Algorithm, pq_seed_len: usize, curve: Curve) -> Result<AgileEc> {
    let trad_len = alg.secret_key_len().saturating_sub(pq_seed_len);
    if trad_len == curve.scalar_len() {
        Ok(AgileEc::Scalar)
    } else if trad_len == curve.encoded_len() {
        Ok(AgileEc::Der)
    } else {
        Err(Error::InvalidLength {
            field: Field::SecretKey,
            expected: pq_seed_len + curve.scalar_len(),
            actual: alg.secret_key_len(),
        })
    }
}

/// Runs `$body` with `$P` the SLH-DSA parameter set of `$alg`, or fails.
macro_rules! with_slh {
    ($alg:expr, $P:ident => $body:expr) => {{
        use SignatureAlgorithm as S;
        match $alg {
            Algorithm::Signature(S::SlhDsaSha2_128s) => {
                type $P = slh_dsa::Sha2_128s;
                $body
            }
            Algorithm::Signature(S::SlhDsaSha2_128f) => {
                type $P = slh_dsa::Sha2_128f;
                $body
            }
            Algorithm::Signature(S::SlhDsaSha2_192s) => {
                type $P = slh_dsa::Sha2_192s;
                $body
            }
            Algorithm::Signature(S::SlhDsaSha2_192f) => {
                type $P = slh_dsa::Sha2_192f;
                $body
            }
            Algorithm::Signature(S::SlhDsaSha2_256s) => {
                type $P = slh_dsa::Sha2_256s;
                $body
            }
            Algorithm::Signature(S::SlhDsaSha2_256f) => {
                type $P = slh_dsa::Sha2_256f;
                $body
            }
            Algorithm::Signature(S::SlhDsaShake128s) => {
                type $P = slh_dsa::Shake128s;
                $body
            }
            Algorithm::Signature(S::SlhDsaShake128f) => {
                type $P = slh_dsa::Shake128f;
                $body
            }
            Algorithm::Signature(S::SlhDsaShake192s) => {
                type $P = slh_dsa::Shake192s;
                $body
            }
            Algorithm::Signature(S::SlhDsaShake192f) => {
                type $P = slh_dsa::Shake192f;
                $body
            }
            Algorithm::Signature(S::SlhDsaShake256s) => {
                type $P = slh_dsa::Shake256s;
                $body
            }
            Algorithm::Signature(S::SlhDsaShake256f) => {
                type $P = slh_dsa::Shake256f;
                $body
            }
            _ => Err(MALFORMED),
        }
    }};
}

/// SLH-DSA: derives the full 4·n key `SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root` from the 3·n
/// canonical key into `out` (FIPS 205 Algorithm 18); returns its length.
fn slh_full_key(alg: Algorithm, seed: &[u8], out: &mut [u8]) -> Result<usize> {
    with_slh!(alg, P => {
        let full = slh_dsa::SigningKey::<P>::from_seed(seed)?.to_bytes();
        let out = out_buf(Field::SecretKey, out, full.len())?;
        out.copy_from_slice(full.as_slice());
        Ok(full.len())
    })
}

/// SLH-DSA: checks the full key's `PK.root` against its seeds and writes the 3·n canonical key.
fn slh_seed_from_full(alg: Algorithm, full: &[u8], out: &mut [u8]) -> Result<usize> {
    with_slh!(alg, P => {
        use slh_dsa::SlhDsaSizes;
        check_len(Field::SecretKey, P::SECRET_KEY_LEN, full.len())?;
        slh_dsa::SigningKey::<P>::from_bytes(full)?.write_seed(out)
    })
}

/// The length of the inner private key (the `privateKey` OCTET STRING contents) of `alg`.
fn inner_len(alg: Algorithm) -> usize {
    match format(alg) {
        Format::Seed(kind) => der_tlv_len(kind.seed_len()),
        Format::SlhDsa => alg.secret_key_len() / 3 * 4,
        Format::Ed25519 => der_tlv_len(alg.secret_key_len()),
        Format::Ec(curve) => curve.encoded_len(),
        Format::Raw => alg.secret_key_len(),
        Format::Composite { pq_seed_len, trad } => {
            pq_seed_len
                + match trad {
                    Trad::Raw32 => 32,
                    Trad::Ec(curve) => curve.encoded_len(),
                }
        }
    }
}

/// The exact length of the PKCS#8 DER of an `alg` private key.
#[must_use]
pub fn private_key_der_len(alg: Algorithm) -> usize {
    der_tlv_len(3 + algorithm_identifier_len(alg) + der_tlv_len(inner_len(alg)))
}

// ---------------------------------------------------------------------------------------------
// DER writing
// ---------------------------------------------------------------------------------------------

fn len_of(n: usize) -> der::Result<Length> {
    Length::try_from(n)
}

/// RFC 5915 §3 `ECPrivateKey`, as we emit it (`version` 1, the fixed-length scalar, the
/// `namedCurve` in `[0]`, no `publicKey`), into `buf`; returns the encoding.
fn ec_private_key_der<'a>(curve: Curve, scalar: &[u8], buf: &'a mut [u8]) -> Result<&'a [u8]> {
    let n = ec_private_key::encode(curve, scalar, buf).map_err(malformed)?;
    buf.get(..n).ok_or(MALFORMED)
}

const fn context_tag(constructed: bool, number: u32) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(number),
    }
}

/// The contents of the `privateKey` OCTET STRING.
enum InnerOut<'a> {
    /// `seed [0] IMPLICIT OCTET STRING`.
    Seed(&'a [u8]),
    /// An OCTET STRING (RFC 8410 `CurvePrivateKey`).
    Octets(&'a [u8]),
    /// Raw bytes (also an ECPrivateKey's DER).
    Raw(&'a [u8]),
    /// Raw PQ seed, then the raw traditional key or its ECPrivateKey DER.
    Composite { pq: &'a [u8], trad: &'a [u8] },
}

impl EncodeValue for InnerOut<'_> {
    fn value_len(&self) -> der::Result<Length> {
        match self {
            InnerOut::Seed(s) => len_of(s.len())?.for_tlv(context_tag(false, 0)),
            InnerOut::Octets(s) => len_of(s.len())?.for_tlv(Tag::OctetString),
            InnerOut::Raw(s) => len_of(s.len()),
            InnerOut::Composite { pq, trad } => len_of(pq.len())? + len_of(trad.len())?,
        }
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        match self {
            InnerOut::Seed(s) => {
                Header::new(context_tag(false, 0), len_of(s.len())?).encode(writer)?;
                writer.write(s)
            }
            InnerOut::Octets(s) => OctetStringRef::new(s)?.encode(writer),
            InnerOut::Raw(s) => writer.write(s),
            InnerOut::Composite { pq, trad } => {
                writer.write(pq)?;
                writer.write(trad)
            }
        }
    }
}

impl FixedTag for InnerOut<'_> {
    const TAG: Tag = Tag::OctetString;
}

/// `OneAsymmetricKey` v1 (= PKCS#8 `PrivateKeyInfo`, RFC 5958 §2) without attributes.
struct Pkcs8Out<'a> {
    alg: Algorithm,
    inner: InnerOut<'a>,
}

impl EncodeValue for Pkcs8Out<'_> {
    fn value_len(&self) -> der::Result<Length> {
        0u8.encoded_len()?
            + algorithm_identifier(self.alg).encoded_len()?
            + self.inner.encoded_len()?
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        0u8.encode(writer)?;
        algorithm_identifier(self.alg).encode(writer)?;
        self.inner.encode(writer)
    }
}

impl FixedTag for Pkcs8Out<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// Encodes the canonical private key `sk` of `alg` as a DER PKCS#8 `PrivateKeyInfo`
/// (`OneAsymmetricKey` version 1, RFC 5958 §2, no attributes, no public key) at the start of
/// `out`; returns its length ([`private_key_der_len`]).
///
/// The `privateKey` OCTET STRING holds:
/// * ML-KEM (RFC 9935 §6) and ML-DSA (RFC 9881 §6): the `seed [0] IMPLICIT OCTET STRING`
///   choice (64 / 32 bytes). The `expandedKey` and `both` choices are never written.
/// * SLH-DSA (RFC 9909 §6): the raw FIPS 205 private key `SK.seed ‖ SK.prf ‖ PK.seed ‖
///   PK.root` (4·n bytes), `PK.root` derived from the 3·n-byte canonical key.
/// * Ed25519 (RFC 8410 §7): `CurvePrivateKey`, an OCTET STRING holding the 32-byte key.
/// * ECDSA (RFC 5915 §3 inside RFC 5958, RFC 5480 parameters): `ECPrivateKey` with version 1,
///   the fixed-length scalar and the `namedCurve` in `[0]`; no `publicKey`.
/// * X-Wing: the raw 32-byte seed.
/// * Composites (draft-ietf-lamps-pq-composite-sigs-19 §5.2, -kem-17 §5.2): the ML-DSA /
///   ML-KEM seed followed by the traditional private key (raw Ed25519 / X25519 key, or an
///   ECPrivateKey as above).
///
/// # Errors
/// [`Error::InvalidLength`] if `sk` is not [`Algorithm::secret_key_len`] bytes,
/// [`Error::InvalidKey`] for an ECDSA/ECDH scalar that is zero or not below the group order,
/// [`Error::BufferTooSmall`] (nothing written).
pub fn encode_private_key(alg: Algorithm, sk: &[u8], out: &mut [u8]) -> Result<usize> {
    check_len(Field::SecretKey, alg.secret_key_len(), sk.len())?;
    let len = private_key_der_len(alg);
    let out = out_buf(Field::SecretKey, out, len)?;
    // The SLH-DSA full key is derived into a zeroizing temporary.
    let mut slh = Zeroizing::new([0u8; 4 * 32]);
    // An ECDSA/ECDH key's ECPrivateKey DER, likewise.
    let mut ec = Zeroizing::new([0u8; ec_private_key::MAX_LEN]);
    let inner = match format(alg) {
        Format::Seed(_) => InnerOut::Seed(sk),
        Format::SlhDsa => {
            let n = slh_full_key(alg, sk, slh.as_mut_slice())?;
            InnerOut::Raw(slh.get(..n).ok_or(MALFORMED)?)
        }
        Format::Ed25519 => InnerOut::Octets(sk),
        Format::Raw => InnerOut::Raw(sk),
        Format::Ec(curve) => {
            // Validate the scalar (zero or ≥ n fails).
            curve.public_key(sk, &mut [0u8; 97])?;
            InnerOut::Raw(ec_private_key_der(curve, sk, ec.as_mut_slice())?)
        }
        Format::Composite { pq_seed_len, trad } => {
            let (pq, trad_sk) = sk.split_at_checked(pq_seed_len).ok_or(MALFORMED)?;
            match trad {
                Trad::Raw32 => InnerOut::Composite { pq, trad: trad_sk },
                Trad::Ec(curve) => {
                    let s = match agile_ec_form(alg, pq_seed_len, curve)? {
                        AgileEc::Scalar => trad_sk,
                        AgileEc::Der => ec_private_key::decode(curve, trad_sk, Accept::Any)?,
                    };
                    curve.public_key(s, &mut [0u8; 97])?;
                    InnerOut::Composite {
                        pq,
                        trad: ec_private_key_der(curve, s, ec.as_mut_slice())?,
                    }
                }
            }
        }
    };
    let doc = Pkcs8Out { alg, inner };
    match doc.encode_to_slice(out) {
        Ok(written) if written.len() == len => Ok(len),
        _ => {
            out.zeroize();
            Err(MALFORMED)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DER reading
// ---------------------------------------------------------------------------------------------

/// Parses an RFC 5915 `ECPrivateKey` (the whole of `der`) on `curve`: version 1, the
/// fixed-length scalar, optional `[0]` parameters (must be `curve`'s `namedCurve`), optional
/// `[1]` publicKey (must be the scalar's point) ([`Accept::Any`]). Writes the scalar to `out`;
/// returns its length.
fn parse_ec_private_key(der: &[u8], curve: Curve, out: &mut [u8]) -> Result<usize> {
    let scalar = ec_private_key::decode(curve, der, Accept::Any)?;
    let out = out_buf(Field::SecretKey, out, scalar.len())?;
    out.copy_from_slice(scalar);
    Ok(scalar.len())
}

/// ML-KEM / ML-DSA private key CHOICE (RFC 9935 §6, RFC 9881 §6): writes the seed to `out`.
///
/// * `seed [0] IMPLICIT OCTET STRING`: accepted.
/// * `expandedKey OCTET STRING`: rejected with [`Error::SeedUnavailable`] (the canonical key is
///   the seed, which this form lacks).
/// * `both SEQUENCE { seed, expandedKey }`: accepted after checking that the expanded key is
///   the one the seed derives (constant time); [`Error::InvalidKey`] otherwise.
fn parse_seed_choice(der: &[u8], kind: SeedKind, out: &mut [u8]) -> Result<usize> {
    let any = AnyRef::from_der(der).map_err(malformed)?;
    let seed_len = kind.seed_len();
    let seed = if any.tag() == context_tag(false, 0) {
        any.value()
    } else if any.tag() == Tag::OctetString {
        return Err(Error::SeedUnavailable);
    } else if any.tag() == Tag::Sequence {
        let (seed, expanded) = any
            .sequence(|r: &mut SliceReader<'_>| {
                let seed = r.decode::<&OctetStringRef>()?;
                let expanded = r.decode::<&OctetStringRef>()?;
                Ok::<_, der::Error>((seed.as_bytes(), expanded.as_bytes()))
            })
            .map_err(malformed)?;
        check_len(Field::Seed, seed_len, seed.len())?;
        check_expanded(kind, seed, expanded)?;
        seed
    } else {
        return Err(MALFORMED);
    };
    check_len(Field::Seed, seed_len, seed.len())?;
    let out = out_buf(Field::SecretKey, out, seed_len)?;
    out.copy_from_slice(seed);
    Ok(seed_len)
}

/// Checks that `expanded` is the expanded private key `seed` derives.
fn check_expanded(kind: SeedKind, seed: &[u8], expanded: &[u8]) -> Result<()> {
    let same = match kind {
        SeedKind::MlKem512 => mlkem_same::<ml_kem::MlKem512>(seed, expanded)?,
        SeedKind::MlKem768 => mlkem_same::<ml_kem::MlKem768>(seed, expanded)?,
        SeedKind::MlKem1024 => mlkem_same::<ml_kem::MlKem1024>(seed, expanded)?,
        SeedKind::MlDsa44 => mldsa_same::<ml_dsa::MlDsa44>(seed, expanded)?,
        SeedKind::MlDsa65 => mldsa_same::<ml_dsa::MlDsa65>(seed, expanded)?,
        SeedKind::MlDsa87 => mldsa_same::<ml_dsa::MlDsa87>(seed, expanded)?,
    };
    if same {
        Ok(())
    } else {
        Err(Error::InvalidKey {
            field: Field::ExpandedKey,
        })
    }
}

/// Byte comparison (constant time) of `expanded` with the expanded key the seed derives: an
/// encoding that differs in any byte (an unreduced coefficient that decodes to the same key,
/// say) is not the seed's key.
fn mlkem_same<P: ml_kem::MlKemParams>(seed: &[u8], expanded: &[u8]) -> Result<bool> {
    let ours = ml_kem::DecapsulationKey::<P>::from_seed_slice(seed)?;
    Ok(ours.expanded_key_ct_eq(expanded).into())
}

/// As [`mlkem_same`], with FIPS 204 Algorithm 24 `skEncode`.
fn mldsa_same<P: ml_dsa::MlDsaParams>(seed: &[u8], expanded: &[u8]) -> Result<bool> {
    let key = ml_dsa::SigningKey::<P>::from_seed_slice(seed)?;
    Ok(key.expanded_key_ct_eq(expanded).into())
}

/// Decodes a DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5958 §2, version 1 or 2):
/// writes the canonical private key ([`Algorithm::secret_key_len`] bytes) to the start of
/// `sk_out` and returns the algorithm and that length.
///
/// The inner formats are those of [`encode_private_key`], and on input also:
/// * ML-KEM / ML-DSA `both` (seed and expanded key): accepted if the expanded key is the one
///   the seed derives; `expandedKey` alone: [`Error::SeedUnavailable`].
/// * ECDSA: the ECPrivateKey `[0]` parameters may be absent (if present they must name the
///   curve of the `AlgorithmIdentifier`); a `[1]` publicKey, if present, must be the scalar's
///   point (compressed or uncompressed).
/// * A version-2 `publicKey` (RFC 5958 `[1]`), if present, must be the key's public key.
///   Attributes are ignored.
///
/// On any error nothing is left in `sk_out`.
///
/// # Errors
/// [`Error::MalformedEncoding`] (field [`Field::SecretKey`]) for anything that is not such a
/// DER structure of a supported algorithm (truncated or trailing data, wrong tags or version,
/// unknown OID, unexpected parameters, unsupported curve); [`Error::InvalidLength`] for a key
/// of the wrong length; [`Error::InvalidKey`] for an SLH-DSA `PK.root` that does not match its
/// seeds, an ECDSA scalar out of range, or a public key that does not match;
/// [`Error::SeedUnavailable`]; [`Error::BufferTooSmall`].
pub fn decode_private_key(der: &[u8], sk_out: &mut [u8]) -> Result<(Algorithm, usize)> {
    let info = ::pkcs8::PrivateKeyInfoRef::from_der(der).map_err(malformed)?;
    let alg = resolve_algorithm(&info.algorithm, Field::SecretKey)?;
    let sk_len = alg.secret_key_len();
    let out = out_buf(Field::SecretKey, sk_out, sk_len)?;
    let result = decode_inner(alg, info.private_key.as_bytes(), out).and_then(|n| {
        check_len(Field::SecretKey, sk_len, n)?;
        match info.public_key {
            Some(pk) => check_public_key(alg, out, pk.as_bytes().ok_or(MALFORMED)?),
            None => Ok(()),
        }
    });
    if result.is_err() {
        out.zeroize();
    }
    result.map(|()| (alg, sk_len))
}

fn decode_inner(alg: Algorithm, inner: &[u8], out: &mut [u8]) -> Result<usize> {
    match format(alg) {
        Format::Seed(kind) => parse_seed_choice(inner, kind, out),
        Format::SlhDsa => slh_seed_from_full(alg, inner, out),
        Format::Ed25519 => {
            let key = <&OctetStringRef>::from_der(inner).map_err(malformed)?;
            check_len(Field::SecretKey, alg.secret_key_len(), key.as_bytes().len())?;
            out.copy_from_slice(key.as_bytes());
            Ok(key.as_bytes().len())
        }
        Format::Ec(curve) => parse_ec_private_key(inner, curve, out),
        Format::Raw => {
            check_len(Field::SecretKey, alg.secret_key_len(), inner.len())?;
            out.copy_from_slice(inner);
            Ok(inner.len())
        }
        Format::Composite { pq_seed_len, trad } => {
            let too_short = Error::InvalidLength {
                field: Field::SecretKey,
                expected: inner_len(alg),
                actual: inner.len(),
            };
            let (pq, trad_sk) = inner.split_at_checked(pq_seed_len).ok_or(too_short)?;
            let (pq_out, trad_out) = out.split_at_mut_checked(pq_seed_len).ok_or(MALFORMED)?;
            pq_out.copy_from_slice(pq);
            match trad {
                Trad::Raw32 => {
                    if trad_sk.len() != 32 || trad_out.len() != 32 {
                        return Err(too_short);
                    }
                    trad_out.copy_from_slice(trad_sk);
                }
                Trad::Ec(curve) => match agile_ec_form(alg, pq_seed_len, curve)? {
                    AgileEc::Scalar => {
                        parse_ec_private_key(trad_sk, curve, trad_out)?;
                    }
                    AgileEc::Der => {
                        // Re-encode canonically (the input may carry a publicKey or omit the
                        // parameters).
                        let scalar = ec_private_key::decode(curve, trad_sk, Accept::Any)?;
                        let want = trad_out.len();
                        let written =
                            ec_private_key::encode(curve, scalar, trad_out).map_err(malformed)?;
                        check_len(Field::SecretKey, want, written)?;
                    }
                },
            }
            Ok(out.len())
        }
    }
}

/// Checks a version-2 `publicKey` against the public key the decoded private key derives.
fn check_public_key(alg: Algorithm, sk: &[u8], given: &[u8]) -> Result<()> {
    let mut pk = [0u8; super::MAX_PUBLIC_KEY_LEN];
    let pk = pk.get_mut(..alg.public_key_len()).ok_or(MALFORMED)?;
    match alg {
        Algorithm::Signature(s) => s.public_key_from_secret(sk, pk)?,
        Algorithm::Kem(k) => kem_public_key(k, sk, pk)?,
    }
    // ECDSA RFC 5958 public keys may be compressed points.
    let same = match format(alg) {
        Format::Ec(curve) => curve.same_point(given, pk)?,
        _ => given == &*pk,
    };
    if same { Ok(()) } else { Err(INVALID) }
}

/// The encapsulation key of the canonical KEM private key `sk`, into `pk` (exact length).
fn kem_public_key(alg: KemAlgorithm, sk: &[u8], pk: &mut [u8]) -> Result<()> {
    use crate::hybrid::composite_kem::{self as ck, CompositeKemParams};
    fn composite<C: CompositeKemParams>(sk: &[u8], pk: &mut [u8]) -> Result<()> {
        let dk = ck::DecapsulationKey::<C>::from_bytes(sk)?;
        pk.copy_from_slice(dk.encapsulation_key().to_bytes().as_ref());
        Ok(())
    }
    match alg {
        KemAlgorithm::MlKem768X25519Sha3_256 => composite::<ck::MlKem768X25519Sha3_256>(sk, pk),
        KemAlgorithm::MlKem768EcdhP256Sha3_256 => composite::<ck::MlKem768EcdhP256Sha3_256>(sk, pk),
        KemAlgorithm::MlKem1024EcdhP384Sha3_256 => {
            composite::<ck::MlKem1024EcdhP384Sha3_256>(sk, pk)
        }
        // ML-KEM and X-Wing: the private key is the key-generation seed.
        _ => {
            let mut sk_tmp = Zeroizing::new([0u8; KemAlgorithm::MAX_SECRET_KEY_LEN]);
            alg.keypair_from_seed(sk, pk, sk_tmp.as_mut_slice())
        }
    }
}

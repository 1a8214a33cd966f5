//! The DER `Ecdsa-Sig-Value` codec of the ECDSA components (RFC 3279 §2.2.3, draft §4.2):
//! strict DER both ways, between the fixed-size `r ‖ s` of the primitive and the encoding in a
//! composite signature.

use super::params::MAX_TRAD_SIG_LEN;
use super::put;
use crate::error::{Error, Field, Result, out_buf};

/// DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3) of the fixed-size `r ‖ s` (each `fl` bytes), written
/// to the start of `out`. Nothing is written unless it fits.
pub(super) fn der_encode_sig(fixed: &[u8], fl: usize, out: &mut [u8]) -> Result<usize> {
    let err = Error::SigningFailed;
    let (r, s) = fixed.split_at_checked(fl).ok_or(err)?;
    let mut buf = [0u8; MAX_TRAD_SIG_LEN];
    let mut pos = 2;
    for int in [r, s] {
        // Minimal two's-complement encoding of a non-negative integer: strip leading zero
        // bytes (keeping one), then prepend 0x00 if the top bit is set.
        let first = int
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(int.len().saturating_sub(1));
        let trimmed = int.get(first..).ok_or(err)?;
        let pad = usize::from(trimmed.first().is_some_and(|&b| b & 0x80 != 0));
        let len = u8::try_from(trimmed.len() + pad).map_err(|_| err)?;
        put(&mut buf, &mut pos, &[0x02, len], err)?;
        if pad == 1 {
            put(&mut buf, &mut pos, &[0x00], err)?;
        }
        put(&mut buf, &mut pos, trimmed, err)?;
    }
    let content = u8::try_from(pos - 2).map_err(|_| err)?;
    if content >= 0x80 {
        return Err(err);
    }
    put(&mut buf, &mut 0, &[0x30, content], err)?;
    let der = buf.get(..pos).ok_or(err)?;
    out_buf(Field::Signature, out, pos)?.copy_from_slice(der);
    Ok(pos)
}

/// Parses a strict-DER `Ecdsa-Sig-Value` into the fixed-size `r ‖ s` (`out`, `2·fl` bytes).
/// Rejects long-form lengths, trailing bytes, negative or non-minimal integers and integers
/// longer than the field. Range checks (0 < r, s < n) are left to the verifier.
pub(super) fn der_decode_sig(der: &[u8], fl: usize, out: &mut [u8]) -> Result<()> {
    let malformed = Error::MalformedEncoding {
        field: Field::Signature,
    };
    let [0x30, len, body @ ..] = der else {
        return Err(malformed);
    };
    if *len >= 0x80 || usize::from(*len) != body.len() {
        return Err(malformed);
    }
    let mut rest = body;
    // `r` then `s`: two explicit halves (not `chunks_exact_mut(fl)`, whose division by the
    // runtime `fl` the Cortex-M division check would have to allowlist).
    let (r_out, s_out) = out.split_at_mut_checked(fl).ok_or(malformed)?;
    if s_out.len() != fl {
        return Err(malformed);
    }
    for half in [r_out, s_out] {
        let [0x02, ilen, tail @ ..] = rest else {
            return Err(malformed);
        };
        let ilen = usize::from(*ilen);
        if ilen == 0 || ilen >= 0x80 {
            return Err(malformed);
        }
        let (value, next) = tail.split_at_checked(ilen).ok_or(malformed)?;
        let magnitude = match value {
            [b, ..] if b & 0x80 != 0 => return Err(malformed), // negative
            [0x00, b, ..] if b & 0x80 == 0 => return Err(malformed), // non-minimal
            [0x00, m @ ..] if !m.is_empty() => m,
            v => v,
        };
        let offset = fl.checked_sub(magnitude.len()).ok_or(malformed)?;
        half.fill(0);
        half.get_mut(offset..)
            .ok_or(malformed)?
            .copy_from_slice(magnitude);
        rest = next;
    }
    if rest.is_empty() {
        Ok(())
    } else {
        Err(malformed)
    }
}

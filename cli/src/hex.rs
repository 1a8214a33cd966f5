//! Hex and identifier parsing helpers.

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Decodes exactly `N` bytes of hex (either case). `None` for anything else.
pub fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = text.as_bytes();
    if bytes.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let hi = nibble(*pair.first()?)?;
        let lo = nibble(*pair.get(1)?)?;
        *o = (hi << 4) | lo;
    }
    Some(out)
}

/// Decodes hex (either case, an even number of digits) of any length. `None` for anything
/// else.
pub fn decode_vec(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some((nibble(*pair.first()?)? << 4) | nibble(*pair.get(1)?)?))
        .collect()
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Parses a 16-byte device class: 32 hex digits, or a UUID (`8-4-4-4-12` hex groups, optionally
/// in braces or with a `urn:uuid:` prefix).
pub fn parse_device_class(text: &str) -> Option<[u8; 16]> {
    let t = text.trim();
    let t = t.strip_prefix("urn:uuid:").unwrap_or(t);
    let t = t
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t);
    if t.contains('-') {
        let groups: Vec<&str> = t.split('-').collect();
        let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        if lens != [8, 4, 4, 4, 12] {
            return None;
        }
        decode_array::<16>(&groups.concat())
    } else {
        decode_array::<16>(t)
    }
}

/// Formats a device class as a UUID (`8-4-4-4-12`).
pub fn format_uuid(bytes: &[u8; 16]) -> String {
    let h = encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Deterministic pseudo-random bytes (SplitMix64), for the demo's sample image. Not for keys.
pub fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Parses `MAJOR.MINOR.REVISION[+BUILD]` (u8, u8, u16, u32). Errors say which part is wrong.
pub fn parse_version(text: &str) -> Result<(u8, u8, u16, u32), String> {
    let (core, build) = match text.split_once('+') {
        Some((c, b)) => (c, Some(b)),
        None => (text, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let [major, minor, revision] = parts.as_slice() else {
        return Err(format!("`{text}` is not MAJOR.MINOR.REVISION[+BUILD]"));
    };
    let num = |what: &str, s: &str, max: u64| -> Result<u64, String> {
        let v: u64 = s
            .parse()
            .map_err(|_| format!("{what} `{s}` in `{text}` is not a number"))?;
        if v > max {
            return Err(format!("{what} {v} in `{text}` exceeds {max}"));
        }
        Ok(v)
    };
    let major = num("major version", major, u64::from(u8::MAX))?;
    let minor = num("minor version", minor, u64::from(u8::MAX))?;
    let revision = num("revision", revision, u64::from(u16::MAX))?;
    let build = match build {
        Some(b) => num("build number", b, u64::from(u32::MAX))?,
        None => 0,
    };
    // The bounds were checked just above.
    Ok((
        u8::try_from(major).map_err(|e| e.to_string())?,
        u8::try_from(minor).map_err(|e| e.to_string())?,
        u16::try_from(revision).map_err(|e| e.to_string())?,
        u32::try_from(build).map_err(|e| e.to_string())?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(encode(&b), "0001abff");
        assert_eq!(decode_array::<4>("0001ABff"), Some(b));
        assert_eq!(decode_array::<4>("0001abf"), None);
        assert_eq!(decode_array::<4>("0001abfg"), None);
        assert_eq!(decode_vec("0001ABff"), Some(b.to_vec()));
        assert_eq!(decode_vec(""), Some(Vec::new()));
        assert_eq!(decode_vec("abc"), None);
        assert_eq!(decode_vec("zz"), None);
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("1.2.3"), Ok((1, 2, 3, 0)));
        assert_eq!(parse_version("1.2.300+4000"), Ok((1, 2, 300, 4000)));
        assert!(parse_version("1.2").is_err());
        assert!(parse_version("256.0.0").is_err());
        assert!(parse_version("1.2.3+x").is_err());
        assert!(parse_version("1.2.3.4").is_err());
    }

    #[test]
    fn device_class_forms() {
        let hex = "00112233445566778899aabbccddeeff";
        let uuid = "00112233-4455-6677-8899-aabbccddeeff";
        let a = parse_device_class(hex);
        assert!(a.is_some());
        assert_eq!(a, parse_device_class(uuid));
        assert_eq!(a, parse_device_class(&format!("{{{uuid}}}")));
        assert_eq!(a.map(|a| format_uuid(&a)).as_deref(), Some(uuid));
        assert_eq!(parse_device_class("0011-2233"), None);
        assert_eq!(parse_device_class("xyz"), None);
    }
}

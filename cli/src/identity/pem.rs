//! PEM armour (RFC 7468) of the identity documents, `CERTIFICATE` and `CERTIFICATE REQUEST`,
//! with the `pem-rfc7468` crate: written with 64-character lines; read strictly (canonical
//! Base64, matching labels), except that explanatory text before the BEGIN line is skipped
//! (RFC 7468 §5.2), as OpenSSL does.

use pem_rfc7468::LineEnding;

/// The PEM document of `der` with `label`.
pub fn encode(label: &str, der: &[u8]) -> String {
    // Encoding fails only for a label that is not printable ASCII: ours are constants.
    pem_rfc7468::encode_string(label, LineEnding::LF, der).unwrap_or_default()
}

/// Whether `bytes` look like PEM (a BEGIN boundary somewhere).
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Decodes the first PEM block of `text`: its label and its bytes. Errors are the reason,
/// for a message naming the file.
pub fn decode(text: &str) -> Result<(String, Vec<u8>), String> {
    let start = text.find("-----BEGIN ").ok_or("no PEM BEGIN line")?;
    let block = text.get(start..).unwrap_or_default();
    // Only the first block: cut after its END line.
    let end = block
        .find("-----END ")
        .and_then(|e| block.get(e..).and_then(|t| t.find('\n').map(|n| e + n + 1)))
        .unwrap_or(block.len());
    let block = block.get(..end).unwrap_or(block);
    let (label, der) =
        pem_rfc7468::decode_vec(block.as_bytes()).map_err(|e| format!("malformed PEM: {e}"))?;
    Ok((label.to_owned(), der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for len in 1..200usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let pem = encode("CERTIFICATE", &data);
            assert!(pem.lines().all(|l| l.len() <= 64), "{pem}");
            assert_eq!(
                decode(&pem),
                Ok(("CERTIFICATE".to_owned(), data.clone())),
                "{len}"
            );
            // CRLF and surrounding text are accepted.
            let crlf = format!("text before\r\n{}trailing\r\n", pem.replace('\n', "\r\n"));
            assert_eq!(decode(&crlf), Ok(("CERTIFICATE".to_owned(), data)));
        }
    }

    #[test]
    fn rejects_malformed() {
        let pem = encode("CERTIFICATE", b"hello world");
        // Truncated: no END line.
        let cut = &pem[..pem.len() - 20];
        assert!(decode(cut).is_err());
        assert!(decode("no pem here").is_err());
        assert!(decode(&pem.replace("END CERTIFICATE", "END X509 CRL")).is_err());
        // Bad characters, bad padding, non-canonical bits in the body.
        for bad in ["Zm9v!A==", "Zg=", "Z===", "Zh==", "Zm9=", "Zg==Zm9v"] {
            let doc = format!("-----BEGIN CERTIFICATE-----\n{bad}\n-----END CERTIFICATE-----\n");
            assert!(decode(&doc).is_err(), "{bad}");
        }
    }
}

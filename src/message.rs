//! Message views shared by the layers above the primitives.
//!
//! [`ZeroPadded`] lets the firmware verifier hash its signed header (a fixed part followed by
//! zero padding) without putting it together in a buffer, through the primitives, the hybrids
//! and the agile layer alike. It lives here, below all of them, so that no layer imports it
//! from a sibling.

/// The longest [`ZeroPadded`] message that a caller needing the message in one piece puts
/// together in a buffer (the firmware header's largest `header_len`,
/// [`MAX_HEADER_LEN`](crate::firmware::MAX_HEADER_LEN), which is defined as this).
pub(crate) const MAX_PADDED_LEN: usize = 4096;

/// A message `head ‖ 0^zeros`, fed to a hash in chunks without being put together: the
/// firmware verifier's signed header is its fixed part followed by zero padding (up to 4 KiB),
/// which would otherwise need a buffer of its own on the stack. `ZeroPadded::new(msg)` is an
/// ordinary message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ZeroPadded<'a> {
    /// The leading bytes.
    pub(crate) head: &'a [u8],
    /// How many zero bytes follow.
    pub(crate) zeros: usize,
}

impl<'a> ZeroPadded<'a> {
    /// `msg` itself, no padding.
    pub(crate) const fn new(msg: &'a [u8]) -> Self {
        Self {
            head: msg,
            zeros: 0,
        }
    }

    /// Calls `f` on consecutive chunks that make up the message.
    pub(crate) fn for_each_chunk(&self, mut f: impl FnMut(&[u8])) {
        const ZEROS: [u8; 64] = [0; 64];
        f(self.head);
        let mut left = self.zeros;
        while left > 0 {
            let n = left.min(ZEROS.len());
            f(ZEROS.get(..n).unwrap_or_default());
            left -= n;
        }
    }
}

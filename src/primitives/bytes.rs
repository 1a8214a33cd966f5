//! Fixed-size byte strings as associated types of the parameter-set traits.

use core::fmt;

/// `[u8; N]`: an encoded key, ciphertext or signature of a fixed length.
pub trait ByteArray:
    AsRef<[u8]> + AsMut<[u8]> + Copy + fmt::Debug + PartialEq + Eq + Send + Sync + 'static
{
    /// All zero bytes.
    const ZERO: Self;

    /// A copy of `bytes`, or `None` if its length is not `N`.
    fn try_from_slice(bytes: &[u8]) -> Option<Self>;

    /// The bytes.
    fn as_slice(&self) -> &[u8] {
        self.as_ref()
    }

    /// The bytes, copied into a vector.
    #[cfg(feature = "alloc")]
    fn to_vec(&self) -> alloc::vec::Vec<u8> {
        self.as_ref().to_vec()
    }
}

impl<const N: usize> ByteArray for [u8; N] {
    const ZERO: Self = [0u8; N];

    fn try_from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok()
    }
}

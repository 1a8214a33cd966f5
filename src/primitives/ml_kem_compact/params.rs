//! The three ML-KEM parameter sets (FIPS 203 §8, Table 2) as runtime values: one copy of the
//! code serves all three.

/// An ML-KEM parameter set.
#[derive(Debug, PartialEq, Eq)]
pub struct Params {
    /// The name, as in FIPS 203.
    pub name: &'static str,
    /// k: the module rank.
    pub(super) k: usize,
    /// η₁: the CBD parameter of `s`, `e` and `y`.
    pub(super) eta1: usize,
    /// d_u: the compression of `u`.
    pub(super) du: u32,
    /// d_v: the compression of `v`.
    pub(super) dv: u32,
}

impl Params {
    /// The encapsulation key length, 384·k + 32 bytes.
    #[must_use]
    pub const fn ek_len(&self) -> usize {
        384 * self.k + 32
    }

    /// The ciphertext length, 32·(d_u·k + d_v) bytes.
    #[must_use]
    pub const fn ct_len(&self) -> usize {
        32 * (self.du as usize * self.k + self.dv as usize)
    }

    /// The expanded decapsulation key length, 768·k + 96 bytes.
    #[must_use]
    pub const fn dk_len(&self) -> usize {
        768 * self.k + 96
    }
}

/// ML-KEM-512 (k = 2, η₁ = 3, d_u = 10, d_v = 4).
pub static ML_KEM_512: Params = Params {
    name: "ML-KEM-512",
    k: 2,
    eta1: 3,
    du: 10,
    dv: 4,
};

/// ML-KEM-768 (k = 3, η₁ = 2, d_u = 10, d_v = 4).
pub static ML_KEM_768: Params = Params {
    name: "ML-KEM-768",
    k: 3,
    eta1: 2,
    du: 10,
    dv: 4,
};

/// ML-KEM-1024 (k = 4, η₁ = 2, d_u = 11, d_v = 5).
pub static ML_KEM_1024: Params = Params {
    name: "ML-KEM-1024",
    k: 4,
    eta1: 2,
    du: 11,
    dv: 5,
};

/// The largest k.
pub(super) const K_MAX: usize = 4;

/// η₂, the same for all three sets.
pub(super) const ETA2: usize = 2;
